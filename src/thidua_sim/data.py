"""Data files: areas, review results (the baseline and each year's rà soát), the
crosswalk of administrative changes, reference figures; loading, strict validation,
import of planners' spreadsheets and the import template.

Every loader reads the whole file, collects every problem and raises them together as
:class:`~thidua_sim.errors.InputErrors`. Rows are numbered as the planner sees them in a
spreadsheet: the header is row 1, the first data row is row 2. Formats:
``docs/formats/data.md``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._names import AreaInfo, AreaMatcher, UnknownArea, match_area, name_key, suggest_areas
from ._types import GROUPS, Area, Baseline
from .errors import ErrorCollector, InputError, InputErrors

__all__ = [
    "AreaInfo",
    "UnknownArea",
    "ReviewResults",
    "Crosswalk",
    "CrosswalkRow",
    "REVIEW_COLUMNS",
    "COUNT_COLUMNS",
    "FLOW_COLUMNS",
    "SHIPPED_DATA",
    "load_areas",
    "load_area_info",
    "load_review_results",
    "load_baseline",
    "load_crosswalk",
    "load_figures",
    "rollup",
    "match_area",
    "write_template",
    "validate_data_file",
]

PathLike_ = str | PathLike[str]

SHIPPED_DATA = Path(__file__).resolve().parents[2] / "data"
"""The data/ folder of the source tree (shipped Kbang, Gia Lai and national data)."""

COUNT_COLUMNS: tuple[str, ...] = ("households", "poor", "near_poor")
FLOW_COLUMNS: tuple[str, ...] = ("escaped_poverty", "fell_back", "newly_poor", "near_poor_to_poor")
REVIEW_COLUMNS: tuple[str, ...] = (
    "area_id", "group", "year", *COUNT_COLUMNS, *FLOW_COLUMNS, "estimate", "method", "source",
)
"""Columns of :attr:`ReviewResults.table`, in order."""

# Review-results columns: id -> (Vietnamese header of the template, accepted headers, required).
_REVIEW_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "area_id": ("Xã/thị trấn", ("area", "area_id", "commune", "Xã", "Thị trấn", "Xã, thị trấn", "Đơn vị",
                                "Tên xã", "Mã xã"), True),
    "group": ("Nhóm hộ", ("group", "Nhóm"), True),
    "year": ("Năm", ("year", "Năm rà soát"), True),
    "households": ("Tổng số hộ", ("households", "Số hộ", "Tổng hộ"), True),
    "poor": ("Hộ nghèo", ("poor", "Số hộ nghèo"), True),
    "near_poor": ("Hộ cận nghèo", ("near_poor", "Số hộ cận nghèo"), True),
    "escaped_poverty": ("Thoát nghèo", ("escaped_poverty", "Hộ thoát nghèo", "Số hộ thoát nghèo"), False),
    "fell_back": ("Tái nghèo", ("fell_back", "Hộ tái nghèo", "Số hộ tái nghèo"), False),
    "newly_poor": ("Phát sinh nghèo mới", ("newly_poor", "Hộ nghèo phát sinh mới", "Phát sinh mới"), False),
    "near_poor_to_poor": ("Cận nghèo chuyển nghèo", ("near_poor_to_poor", "Hộ cận nghèo chuyển nghèo"), False),
    "estimate": ("Ước tính", ("estimate", "Số ước tính"), False),
    "method": ("Phương pháp", ("method", "Phương pháp ước tính"), False),
    "source": ("Nguồn", ("source", "Nguồn số liệu"), False),
    "note": ("Ghi chú", ("note", "notes", "Ghi chú"), False),
}

_GROUP_WORDS: dict[str, str] = {
    **{name_key(w): "dtts" for w in ("dtts", "Dân tộc thiểu số", "Hộ DTTS", "Hộ dân tộc thiểu số",
                                     "Đồng bào DTTS", "Đồng bào dân tộc thiểu số", "ethnic minority")},
    **{name_key(w): "other" for w in ("other", "Khác", "Hộ khác", "Không DTTS", "Ngoài DTTS", "Kinh và khác")},
    **{name_key(w): "total" for w in ("total", "Tổng", "Tổng cộng", "Tổng số", "Chung", "Toàn xã", "all")},
}
_TRUE = {name_key(w) for w in ("true", "yes", "1", "x", "có", "ước tính", "y")}
_FALSE = {name_key(w) for w in ("false", "no", "0", "không", "n", "")}
_KINDS = ("town", "commune", "province")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


# ------------------------------------------------------------------------------------------
# Reading a table (CSV or the first sheet of an .xlsx)
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Sheet:
    file: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]       # (spreadsheet row number, cells)


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_sheet(path: Path) -> _Sheet:
    """The header and the non-empty rows of a CSV file or of the first sheet of a workbook."""
    file = str(path)
    if not path.exists():
        raise InputErrors([InputError(file, "file", "no such file", "an existing .csv or .xlsx file",
                                      "check the path")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(path)
    else:
        raise InputErrors([InputError(file, "file", f"a {path.suffix or 'nameless'} file",
                                      "a .csv (UTF-8) or .xlsx file",
                                      "save the sheet as .xlsx or as 'CSV UTF-8' from Excel")])
    filled = [(number, cells) for number, cells in table if not all(_blank(c) for c in cells)]
    # A title line above the headers ("KẾT QUẢ RÀ SOÁT ..."): one cell, then a row of several.
    if len(filled) > 1 and sum(not _blank(c) for c in filled[0][1]) == 1 \
            and sum(not _blank(c) for c in filled[1][1]) >= 3:
        filled = filled[1:]
    header_row = filled[0] if filled else None
    rows = filled[1:]
    if header_row is None:
        raise InputErrors([InputError(file, "file", "an empty file", "a header row and at least one data row",
                                      "fill in the template (thidua-sim template --out FILE.xlsx)")])
    number, cells = header_row
    if number != 1:
        raise InputErrors([InputError(file, f"row {number}", f"the header on row {number}",
                                      "the column headers on row 1", "delete the rows above the headers")])
    header = [("" if _blank(c) else str(c).strip()) for c in cells]
    while header and header[-1] == "":
        header.pop()
    return _Sheet(file, header, rows)


def _read_csv(path: Path) -> list[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputErrors([InputError(
            str(path), f"row {line}", f"bytes that are not UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start})",
            "a UTF-8 text file", "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; or import the .xlsx")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    try:
        for cells in reader:
            out.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InputErrors([InputError(str(path), f"row {reader.line_num}", f"malformed CSV ({exc})",
                                      "comma-separated values with balanced quotes",
                                      "check the quotes on that row")]) from None
    # line_num counts physical lines; rows with embedded newlines are rare in these files.
    return out


def _read_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    import openpyxl  # slow to import; only when needed

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip errors, invalid XML: a user's broken file, not our bug
        raise InputErrors([InputError(str(path), "file", f"a file Excel format cannot be read ({type(exc).__name__})",
                                      "an .xlsx workbook", "open it in Excel or LibreOffice and save it again as .xlsx")]) from None
    try:
        sheet = book.worksheets[0]
        return [(i, list(cells)) for i, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or (
        isinstance(value, float) and math.isnan(value))


def _map_header(sheet: _Sheet, spec: Mapping[str, tuple[str, tuple[str, ...], bool]],
                errors: ErrorCollector) -> dict[str, int]:
    """Column id -> index; records unknown, repeated and missing columns."""
    accepted: dict[str, str] = {}
    for cid, (vi, aliases, _required) in spec.items():
        for text in (cid, vi, *aliases):
            accepted.setdefault(name_key(text), cid)
    columns: dict[str, int] = {}
    for i, text in enumerate(sheet.header):
        where = f"row 1, column {_column_letter(i)}"
        if text == "":
            errors.add(where, "a column without a header", "a header for every column that holds data",
                       "type the header or delete the column")
            continue
        cid = accepted.get(name_key(text))
        if cid is None:
            near = _close(text, [spec[c][0] for c in spec] + list(spec))
            errors.add(where, f"unknown column {text!r}", "one of " + ", ".join(repr(spec[c][0]) for c in spec),
                       f"rename it{' to ' + ' or '.join(repr(n) for n in near) if near else ''} or delete the column")
            continue
        if cid in columns:
            errors.add(where, f"column {text!r} a second time (same as column "
                              f"{_column_letter(columns[cid])} {sheet.header[columns[cid]]!r})",
                       "each column once", "delete one of the two columns")
            continue
        columns[cid] = i
    for cid, (vi, _aliases, required) in spec.items():
        if required and cid not in columns:
            errors.add("row 1", f"no column {vi!r} ({cid})", f"a column {vi!r}",
                       f"add a column headed {vi!r} (or {cid!r})")
    return columns


def _close(text: str, choices: Sequence[str]) -> list[str]:
    import difflib

    keyed = {name_key(c): c for c in choices}
    return [keyed[k] for k in difflib.get_close_matches(name_key(text), list(keyed), n=2, cutoff=0.6)]


class _Row:
    """One data row with typed access; problems go to the collector with row and column."""

    def __init__(self, sheet: _Sheet, number: int, cells: list[Any], columns: Mapping[str, int],
                 labels: Mapping[str, str], errors: ErrorCollector):
        self.sheet, self.number, self.cells, self.columns = sheet, number, cells, columns
        self.labels, self.errors = labels, errors
        self.ok = True
        extra = [i for i in range(len(sheet.header), len(cells)) if not _blank(cells[i])]
        if extra:
            self.ok = False
            errors.add(f"row {number}, column {_column_letter(extra[0])}",
                       f"{len(sheet.header) + len(extra)} values, more than the {len(sheet.header)} columns of the header",
                       "one value per column", "put text that contains commas in double quotes, or delete the extra cells")

    def where(self, cid: str) -> str:
        i = self.columns[cid]
        header = self.sheet.header[i] if i < len(self.sheet.header) else cid
        return f"row {self.number}, column {_column_letter(i)} {header!r}"

    def raw(self, cid: str) -> Any:
        i = self.columns.get(cid)
        if i is None or i >= len(self.cells):
            return None
        return self.cells[i]

    def fail(self, cid: str, found: Any, expected: str, fix: str) -> None:
        self.ok = False
        self.errors.add(self.where(cid) if cid in self.columns else f"row {self.number}", found, expected, fix)

    def text(self, cid: str, required: bool = False) -> str | None:
        value = self.raw(cid)
        if _blank(value):
            if required:
                self.fail(cid, "an empty cell", f"a value for {self.labels.get(cid, cid)}", "fill in the cell")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def count(self, cid: str, required: bool = False) -> int | None:
        """A whole number of households >= 0 ("1.209" and "1,209" are read as 1209)."""
        value = self.raw(cid)
        if _blank(value):
            if required:
                self.fail(cid, "an empty cell", "a whole number of households (0 if none)", "fill in the count")
            return None
        number = _whole_number(value)
        if number is None:
            self.fail(cid, repr(value) if isinstance(value, str) else str(value),
                      "a whole number of households", "type digits only, e.g. 1209")
            return None
        if number < 0:
            self.fail(cid, str(number), "a count of 0 or more", "correct the sign")
            return None
        return number

    def year(self, cid: str = "year") -> int | None:
        value = self.raw(cid)
        if _blank(value):
            self.fail(cid, "an empty cell", "the review year, e.g. 2021", "fill in the year")
            return None
        number = _whole_number(value, thousands=False)
        if number is None or not _FIRST_YEAR <= number <= _LAST_YEAR:
            self.fail(cid, repr(value) if isinstance(value, str) else str(value),
                      f"a year between {_FIRST_YEAR} and {_LAST_YEAR}", "type the review year as 4 digits, e.g. 2021")
            return None
        return number

    def flag(self, cid: str) -> bool:
        value = self.raw(cid)
        if isinstance(value, bool):
            return value
        key = "" if _blank(value) else name_key(str(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
            return bool(value)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        self.fail(cid, repr(value), "true or false (có / không)", "write true for an estimate, false for a reported figure")
        return False


def _whole_number(value: Any, thousands: bool = True) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if thousands and re.fullmatch(r"[+-]?\d{1,3}([.,]\d{3})+", text) and len(set(re.findall(r"[.,]", text))) == 1:
            return int(re.sub(r"[.,]", "", text))
        if re.fullmatch(r"[+-]?\d+[.,]0+", text):
            return int(re.split(r"[.,]", text)[0])
    return None


def _parse_date(text: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD; a spreadsheet's date cell arrives as "YYYY-MM-DD 00:00:00")."""
    if text is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00", text):
        text = text[:10]
    return date.fromisoformat(text)


# ------------------------------------------------------------------------------------------
# Areas
# ------------------------------------------------------------------------------------------

_AREA_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "id": ("id", ("Mã",), True),
    "name": ("name", ("Tên",), True),
    "kind": ("kind", ("Loại",), True),
    "aliases": ("aliases", ("Tên khác",), False),
    "valid_from": ("valid_from", ("Từ ngày",), False),
    "valid_to": ("valid_to", ("Đến ngày",), False),
    "source": ("source", ("Nguồn",), False),
}


def _area_files(path: Path) -> list[Path]:
    if path.is_dir():
        first = path / "areas.csv"
        return [first, *sorted(p for p in path.glob("areas_*.csv"))] if first.exists() else sorted(path.glob("areas_*.csv"))
    return [path]


def load_area_info(path: PathLike_) -> tuple[AreaInfo, ...]:
    """Areas with their aliases and dates of validity.

    ``path``: an areas file, or a data folder (then ``areas.csv`` and every ``areas_*.csv``
    in it, e.g. the communes formed in 2025).
    """
    path = Path(path)
    files = _area_files(path)
    if not files or not files[0].exists():
        where = path / "areas.csv" if path.is_dir() else path
        raise InputErrors([InputError(str(where), "file", "no such file", "an areas file (id,name,kind,...)",
                                      "check the folder; see docs/formats/data.md")])
    infos: list[AreaInfo] = []
    problems: list[InputError] = []
    for file in files:
        try:
            infos.extend(_read_areas(file))
        except InputErrors as exc:
            problems.extend(exc.errors)
    if not problems:
        problems.extend(_check_area_overlaps(infos, str(path)))
    if problems:
        raise InputErrors(problems)
    return tuple(infos)


def load_areas(data_dir: PathLike_) -> tuple[Area, ...]:
    """The areas of a data folder (its ``areas.csv``) or of one areas file, in file order."""
    path = Path(data_dir)
    file = path / "areas.csv" if path.is_dir() else path
    return tuple(info.area for info in load_area_info(file))


def _read_areas(path: Path) -> list[AreaInfo]:
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _AREA_SPEC, errors)
    errors.raise_if_any()
    labels = {c: c for c in _AREA_SPEC}
    infos: list[AreaInfo] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        aid = row.text("id", required=True)
        name = row.text("name", required=True)
        kind = row.text("kind", required=True)
        if aid is not None and not _ID_RE.match(aid):
            row.fail("id", repr(aid), "an ASCII id in snake_case (a-z, 0-9, _), e.g. kon_pne",
                     "write the name without diacritics, lower case, words joined by _")
        elif aid is not None and aid in seen:
            row.fail("id", f"{aid!r} again (first on row {seen[aid]})", "each id once", "give each area its own id")
        elif aid is not None:
            seen[aid] = number
        if kind is not None and kind not in _KINDS:
            row.fail("kind", repr(kind), "one of " + ", ".join(_KINDS), "write town for a thị trấn, commune for a xã")
        dates = {}
        for cid in ("valid_from", "valid_to"):
            text = row.text(cid)
            try:
                dates[cid] = _parse_date(text)
            except ValueError:
                row.fail(cid, repr(text), "a date as YYYY-MM-DD, or empty", "e.g. 2024-11-01")
                dates[cid] = None
        if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] >= dates["valid_to"]:
            row.fail("valid_to", str(dates["valid_to"]), f"a date after valid_from {dates['valid_from']}",
                     "valid_to is the first day the unit no longer exists")
        aliases = tuple(a.strip() for a in (row.text("aliases") or "").split("|") if a.strip())
        if row.ok and aid and name and kind:
            infos.append(AreaInfo(Area(aid, name, kind), aliases, dates["valid_from"], dates["valid_to"],  # type: ignore[arg-type]
                                  row.text("source") or ""))
    if not sheet.rows:
        errors.add("file", "a header without rows", "one row per area", "add the areas")
    errors.raise_if_any()
    return infos


def _check_area_overlaps(infos: Sequence[AreaInfo], file: str) -> list[InputError]:
    """Two areas in force at the same time may not share a name; no id may appear twice."""
    problems = []
    by_id: dict[str, int] = {}
    by_name: dict[str, list[AreaInfo]] = {}
    for info in infos:
        by_id[info.id] = by_id.get(info.id, 0) + 1
        by_name.setdefault(name_key(info.name), []).append(info)
    for aid, n in by_id.items():
        if n > 1:
            problems.append(InputError(file, f"area {aid}", f"the id in {n} area files", "each id once",
                                       "rename one of them"))
    for same in by_name.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                overlap = (a.valid_to is None or b.valid_from is None or b.valid_from < a.valid_to) and \
                          (b.valid_to is None or a.valid_from is None or a.valid_from < b.valid_to)
                if overlap and a.id != b.id:
                    problems.append(InputError(file, f"areas {a.id} and {b.id}",
                                               f"the same name {a.name!r} at the same time",
                                               "names that tell the areas apart", "correct one name or their dates"))
    return problems


def _default_area_info(path: Path) -> tuple[AreaInfo, ...]:
    """Areas for a review-results file: its folder's areas files, else the shipped Kbang ones."""
    for folder in (path.parent, SHIPPED_DATA / "kbang"):
        if (folder / "areas.csv").exists():
            return load_area_info(folder)
    raise InputErrors([InputError(str(path), "file", "no areas.csv beside it",
                                  "the areas the file refers to", "pass areas= or put areas.csv in the same folder")])


def _review_day(year: int) -> date:
    """The day the results of a review year refer to: after the review closes (14 December)."""
    return date(year, 12, 15)


# ------------------------------------------------------------------------------------------
# Review results
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ReviewResults:
    """Review results (kết quả rà soát hộ nghèo, hộ cận nghèo) by area, group and year.

    ``table``: one row per area x group (dtts, other) x year with columns
    :data:`REVIEW_COLUMNS`; flow columns are NaN where not given. Rows given as a total
    plus one group in the file appear here as the two groups (the other one derived).
    ``areas``: the areas that have rows, in the order of the areas file.
    """

    table: pd.DataFrame
    areas: tuple[Area, ...]
    source: str = ""
    area_info: tuple[AreaInfo, ...] = field(default=(), repr=False)

    @property
    def years(self) -> tuple[int, ...]:
        """The review years present, ascending."""
        return tuple(sorted(int(y) for y in self.table["year"].unique()))

    def baseline(self, year: int | None = None) -> Baseline:
        """Household stocks of one review year (default: the first) as the engine's Baseline."""
        if not self.years:
            raise InputErrors([InputError(self.source, "file", "no rows", "review results of at least one year")])
        year = self.years[0] if year is None else int(year)
        if year not in self.years:
            raise InputErrors([InputError(self.source, f"year {year}", "no rows for that year",
                                          "one of " + ", ".join(map(str, self.years)),
                                          "choose a year the file has, or add its rows")])
        rows = self.table[self.table["year"] == year]
        present = set(rows["area_id"])
        areas = tuple(a for a in self.areas if a.id in present)
        households = np.zeros((len(areas), len(GROUPS), 3))
        estimated = np.zeros((len(areas), len(GROUPS)), dtype=bool)
        provenance: dict[str, str] = {}
        index = {a.id: i for i, a in enumerate(areas)}
        for r in rows.itertuples(index=False):
            a, g = index[r.area_id], GROUPS.index(r.group)
            households[a, g] = (r.poor, r.near_poor, r.households - r.poor - r.near_poor)
            estimated[a, g] = bool(r.estimate)
        for aid, part in rows.groupby("area_id", sort=False):
            provenance[aid] = _provenance(part)
        note = " (contains estimates)" if estimated.any() else ""
        return Baseline(year, areas, households, estimated, provenance, f"{self.source}{note}")

    def to_csv(self, path: PathLike_, overwrite: bool = False) -> Path:
        """Save in the canonical review-results format (column ids, UTF-8), e.g. to make an
        imported spreadsheet the baseline: ``results.to_csv("data/kbang/review_results.csv", overwrite=True)``."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                          "choose another name, or pass overwrite=True to replace it")])
        table = self.table.copy()
        for c in FLOW_COLUMNS:
            table[c] = table[c].map(lambda v: "" if pd.isna(v) else str(int(v)))
        table["estimate"] = table["estimate"].map(lambda v: "true" if v else "false")
        buffer = io.StringIO()
        table.to_csv(buffer, index=False, lineterminator="\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        return path

    def for_years(self, years: Iterable[int]) -> ReviewResults:
        """The same results restricted to some years."""
        keep = self.table[self.table["year"].isin(list(years))].reset_index(drop=True)
        present = set(keep["area_id"])
        return replace(self, table=keep, areas=tuple(a for a in self.areas if a.id in present))


def _provenance(part: pd.DataFrame) -> str:
    texts = []
    for r in part.itertuples(index=False):
        if r.estimate:
            text = f"estimate ({r.method})" if r.method else "estimate"
            text += f"; source: {r.source}" if r.source else ""
        else:
            text = r.source or "reported"
        if text not in texts:
            texts.append(text)
    return " | ".join(texts)


def _as_area_info(areas: Any, path: Path) -> tuple[AreaInfo, ...]:
    if areas is None:
        return _default_area_info(path)
    if isinstance(areas, (str, PathLike)):
        return load_area_info(areas)
    return tuple(a if isinstance(a, AreaInfo) else AreaInfo(a) for a in areas)


@dataclass
class _Parsed:
    number: int
    area: str
    group: str
    year: int
    counts: dict[str, int | None]
    estimate: bool
    method: str
    source: str
    ok: bool = True


def load_review_results(path: PathLike_, areas: Sequence[Area | AreaInfo] | PathLike_ | None = None) -> ReviewResults:
    """Read review results from a .csv (UTF-8) or .xlsx file, strictly.

    Headers may be the Vietnamese ones of the template ("Xã/thị trấn", "Nhóm hộ", "Năm",
    "Tổng số hộ", "Hộ nghèo", ...) or the column ids (``area_id``, ``group``, ``year``,
    ``households``, ``poor``, ...). Communes by id or by name, with or without diacritics
    and in old or new spellings. Groups: ``dtts`` / ``DTTS`` / ``Dân tộc thiểu số``,
    ``other`` / ``Khác``, or a ``total`` row (``Tổng``) from which the missing group is derived.

    ``areas``: the known areas (Area or AreaInfo objects, or an areas file / data folder);
    default: the areas files beside ``path``, else the shipped Kbang areas.

    Raises :class:`InputErrors` listing every problem (file, row, column, found, expected, fix).
    """
    path = Path(path)
    info = _as_area_info(areas, path)
    sheet = _read_sheet(path)
    _refuse_household_lists(sheet)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _REVIEW_SPEC, errors)
    if any(c not in columns for c, spec in _REVIEW_SPEC.items() if spec[2]):
        errors.raise_if_any()  # without the required columns the rows cannot be read
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per area, group and year",
                   "fill in the rows under the header")
        errors.raise_if_any()
    labels = {c: s[0] for c, s in _REVIEW_SPEC.items()}
    parsed: list[_Parsed] = []
    unidentified: list[tuple[str | None, int | None]] = []   # rows whose area, group or year is unknown
    matchers = _Matchers(info)
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        item, identity = _parse_review_row(row, info, matchers)
        if item is not None:
            item.ok = row.ok
            parsed.append(item)
        else:
            unidentified.append(identity)
    _check_review_rows(parsed, unidentified, sheet, columns, errors)
    errors.raise_if_any()
    table = _review_table(parsed)
    order = {a.id: i for i, a in enumerate(info)}
    table = table.sort_values(["year", "area_id", "group"], key=lambda s: s.map(order) if s.name == "area_id" else s,
                              kind="stable").reset_index(drop=True)
    present = set(table["area_id"])
    return ReviewResults(table, tuple(a.area for a in info if a.id in present), str(path), tuple(info))


_PERSONAL_HEADERS = tuple(name_key(t) for t in ("Họ và tên", "Họ tên", "Chủ hộ", "CCCD", "CMND", "Căn cước",
                                                "Mã định danh", "Ngày sinh", "Số điện thoại"))


def _refuse_household_lists(sheet: _Sheet) -> None:
    """A household list (names, ID numbers) is personal data: refuse it without reading a row."""
    for i, text in enumerate(sheet.header):
        if any(p in name_key(text) for p in _PERSONAL_HEADERS):
            raise InputErrors([InputError(
                sheet.file, f"row 1, column {_column_letter(i)}", f"a column {text!r}: this looks like a list of "
                "households (personal data); no row was read", "counts per commune, group and year",
                "import the summary table of the review results (thidua-sim template), not the household list")])


class _Matchers:
    """One :class:`AreaMatcher` per review day (the units in force that day); None = all units."""

    def __init__(self, info: Sequence[AreaInfo]):
        self.info = info
        self.cache: dict[date | None, AreaMatcher] = {}

    def on(self, day: date | None) -> AreaMatcher:
        if day not in self.cache:
            self.cache[day] = AreaMatcher(a for a in self.info if day is None or a.exists_on(day))
        return self.cache[day]


def _parse_review_row(row: _Row, info: Sequence[AreaInfo],
                      matchers: _Matchers) -> tuple[_Parsed | None, tuple[str | None, int | None]]:
    """The row, or None with what is known of its area and year when the row cannot be placed."""
    year = row.year()
    name = row.text("area_id", required=True)
    area = None
    if name is not None:
        day = _review_day(year) if year is not None else None
        try:
            area = matchers.on(day).match(name)
        except UnknownArea as exc:
            try:
                other = matchers.on(None).match(name)
            except UnknownArea:
                other = None
            if other is not None and year is not None:
                unit = next(a for a in info if a.id == other.id)
                span = (f"from {unit.valid_from}" if unit.valid_from and day < unit.valid_from  # type: ignore[operator]
                        else f"until {unit.valid_to}")
                row.fail("area_id", f"{name!r} ({other.id}), which exists only {span}",
                         f"an area that exists in the {year} review",
                         "use the unit that held these households in that year (see data/kbang/crosswalk.csv)")
            elif exc.ambiguous:
                row.fail("area_id", f"{name!r}, which fits {' and '.join(exc.ambiguous)}", "one area",
                         "write the area id instead")
            else:
                sugg = exc.suggestions or suggest_areas(name, info)
                row.fail("area_id", f"unknown area {name!r}", "an area of the areas file (id or name)",
                         f"did you mean {' or '.join(repr(s) for s in sugg)}?" if sugg
                         else "check the spelling or add the area to areas.csv")
    group_text = row.text("group", required=True)
    group = None
    if group_text is not None:
        group = _GROUP_WORDS.get(name_key(group_text))
        if group is None:
            row.fail("group", repr(group_text), "DTTS (dân tộc thiểu số), Khác (other) or Tổng (total)",
                     "write DTTS or Khác")
    if all(_blank(row.raw(c)) for c in COUNT_COLUMNS):
        row.fail("households", "no counts on the row (Tổng số hộ, Hộ nghèo, Hộ cận nghèo all empty)",
                 "the counts of households, poor and near-poor households", "fill in the counts or delete the row")
        return None, (area.id if area else None, year)
    counts: dict[str, int | None] = {c: row.count(c, required=True) for c in COUNT_COLUMNS}
    counts.update({c: row.count(c) for c in FLOW_COLUMNS})
    estimate = row.flag("estimate")
    hh, poor, near = counts["households"], counts["poor"], counts["near_poor"]
    if hh is not None and poor is not None and near is not None and poor + near > hh:
        row.fail("near_poor", f"poor {poor} + near-poor {near} = {poor + near} households, above the "
                              f"{hh} households of the row", "poor + near-poor <= all households",
                 "check the three counts: households counts every household, poor or not")
    for flow in ("fell_back", "newly_poor", "near_poor_to_poor"):
        value = counts[flow]
        if value is not None and poor is not None and value > poor:
            row.fail(flow, f"{value} households, above the {poor} poor households at the end of the year",
                     "at most the poor households of the row", "these flows end in the poor count: check both")
    if area is None or group is None or year is None:
        return None, (area.id if area else None, year)
    return _Parsed(row.number, area.id, group, year, counts, estimate,
                   row.text("method") or "", row.text("source") or ""), (area.id, year)


def _check_review_rows(parsed: list[_Parsed], unidentified: list[tuple[str | None, int | None]], sheet: _Sheet,
                       columns: Mapping[str, int], errors: ErrorCollector) -> None:
    """Checks across rows: duplicates, totals against groups, missing groups, flows across years.

    Count checks use rows whose own cells are fine; the missing-group check leaves out area
    and years that a row with an unknown area, group or year may belong to (its problem is
    already reported; no cascade of consequences)."""
    def maybe_unplaced(area: str, year: int) -> bool:
        return any((a is None or a == area) and (y is None or y == year) for a, y in unidentified)

    def col(cid: str) -> str:
        i = columns.get(cid)
        return f"column {_column_letter(i)} {sheet.header[i]!r}" if i is not None else cid

    cells: dict[tuple[str, int], dict[str, _Parsed]] = {}
    for p in parsed:
        slot = cells.setdefault((p.area, p.year), {})
        if p.group in slot:
            first = slot[p.group]
            errors.add(f"row {p.number}, {col('year')}",
                       f"{p.area} {p.group} {p.year} again (first on row {first.number})",
                       "one row per area, group and year", "delete one of the two rows or correct its year")
            continue
        slot[p.group] = p
    for (area, year), slot in cells.items():
        total = slot.get("total")
        counts_ok = all(p.ok for p in slot.values())
        if total is not None and counts_ok:
            for g in ("dtts", "other"):
                part = slot.get(g)
                if part is None:
                    continue
                for c in COUNT_COLUMNS:
                    if (part.counts[c] or 0) > (total.counts[c] or 0):
                        errors.add(f"row {part.number}, {col(c)}",
                                   f"{part.counts[c]} for {g}, above the total {total.counts[c]} on row {total.number}",
                                   f"a {g} figure no larger than the total", "check the group and the total rows")
            if "dtts" in slot and "other" in slot:
                for c in COUNT_COLUMNS:
                    s = (slot["dtts"].counts[c] or 0) + (slot["other"].counts[c] or 0)
                    if s != total.counts[c]:
                        errors.add(f"row {total.number}, {col(c)}",
                                   f"total {total.counts[c]}, but dtts + other = {s} "
                                   f"(rows {slot['dtts'].number} and {slot['other'].number})",
                                   "the total equal to dtts + other", "correct the total or one of the group rows")
        if len(slot) == 1 and not maybe_unplaced(area, year):
            (g, p), = slot.items()
            if g == "total":
                errors.add(f"row {p.number}, {col('group')}",
                           f"only a total row for {area} {year}", "the dtts row too (other = total - dtts)",
                           "add the row for DTTS households (Nhóm hộ = DTTS)")
            else:
                missing = "Khác (other)" if g == "dtts" else "DTTS"
                errors.add(f"row {p.number}, {col('group')}", f"only the {g} row for {area} {year}",
                           "both groups (DTTS and Khác) or one of them with a total row",
                           f"add the {missing} row, or a Tổng (total) row; write 0 where there are none")
    # escaped households cannot exceed the poor of the year before
    for (area, year), slot in cells.items():
        before = cells.get((area, year - 1))
        if not before:
            continue
        for g, p in slot.items():
            prev = before.get(g)
            esc = p.counts["escaped_poverty"]
            if prev is not None and p.ok and prev.ok and esc is not None and prev.counts["poor"] is not None and esc > prev.counts["poor"]:
                errors.add(f"row {p.number}, {col('escaped_poverty')}",
                           f"{esc} escaped, more than the {prev.counts['poor']} poor households of {year - 1} "
                           f"(row {prev.number})", "at most the poor households of the year before",
                           "check the two years' figures")


def _review_table(parsed: list[_Parsed]) -> pd.DataFrame:
    cells: dict[tuple[str, int], dict[str, _Parsed]] = {}
    for p in parsed:
        cells.setdefault((p.area, p.year), {}).setdefault(p.group, p)
    records = []
    for (area, year), slot in cells.items():
        for g in GROUPS:
            if g in slot:
                p = slot[g]
                counts, estimate, method, source = p.counts, p.estimate, p.method, p.source
            else:  # derive from the total and the other group
                total, known = slot["total"], slot["other" if g == "dtts" else "dtts"]
                counts = {c: (None if total.counts[c] is None or known.counts[c] is None
                              else total.counts[c] - known.counts[c])  # type: ignore[operator]
                          for c in (*COUNT_COLUMNS, *FLOW_COLUMNS)}
                estimate = total.estimate or known.estimate
                method = "; ".join(m for m in (f"derived: total (row {total.number}) - {known.group} "
                                               f"(row {known.number})", total.method) if m)
                source = total.source or known.source
            records.append({
                "area_id": area, "group": g, "year": year,
                **{c: counts[c] for c in COUNT_COLUMNS},
                **{c: (np.nan if counts[c] is None else float(counts[c])) for c in FLOW_COLUMNS},  # type: ignore[arg-type]
                "estimate": bool(estimate), "method": method, "source": source,
            })
    table = pd.DataFrame.from_records(records, columns=list(REVIEW_COLUMNS))
    for c in ("year", *COUNT_COLUMNS):
        table[c] = table[c].astype("int64")
    for c in FLOW_COLUMNS:
        table[c] = table[c].astype("float64")
    table["estimate"] = table["estimate"].astype(bool)
    return table


def load_baseline(data_dir: PathLike_, year: int | None = None) -> Baseline:
    """The baseline of a data folder: its ``areas.csv`` and ``review_results.csv``; ``year``
    defaults to the first review year in the file (2021 for the shipped Kbang data)."""
    folder = Path(data_dir)
    info = load_area_info(folder)
    return load_review_results(folder / "review_results.csv", info).baseline(year)


# ------------------------------------------------------------------------------------------
# Crosswalk of administrative changes and roll-up
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CrosswalkRow:
    """Households of ``old_id`` go (in share ``share``) to ``new_id`` from ``effective`` on."""

    old_id: str
    new_id: str
    effective: date
    share: float
    people: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Crosswalk:
    """Administrative changes (mergers, dissolutions), one row per old unit x new unit."""

    rows: tuple[CrosswalkRow, ...]
    source: str = ""

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(sorted({r.effective for r in self.rows}))

    @property
    def table(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.rows],
                            columns=["old_id", "new_id", "effective", "share", "people", "source"])


_CROSSWALK_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "old_id": ("old_id", ("Đơn vị cũ",), True),
    "new_id": ("new_id", ("Đơn vị mới",), True),
    "effective": ("effective", ("Hiệu lực", "Ngày hiệu lực"), True),
    "share_people": ("share_people", ("share", "Tỷ lệ dân số"), False),
    "people": ("people", ("Số dân",), False),
    "source": ("source", ("Nguồn",), False),
}


def load_crosswalk(path: PathLike_, areas: Sequence[Area | AreaInfo] | PathLike_ | None = None) -> Crosswalk:
    """Read a crosswalk file (old_id, new_id, effective, share_people, people, source).

    A blank share means 1 when the old unit goes to one new unit. The shares of an old unit
    at one date must add up to 1. Ids are checked against ``areas`` (default: the areas
    files beside the crosswalk) when there are any.
    """
    path = Path(path)
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _CROSSWALK_SPEC, errors)
    errors.raise_if_any()
    known: set[str] | None = None
    if areas is not None:
        known = {a.id for a in _as_area_info(areas, path)}
    elif (path.parent / "areas.csv").exists():
        known = {a.id for a in load_area_info(path.parent)}
    labels = {c: c for c in _CROSSWALK_SPEC}
    raw: list[tuple[int, str, str, date, float | None, int | None, str]] = []
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        old, new = row.text("old_id", required=True), row.text("new_id", required=True)
        for cid, value in (("old_id", old), ("new_id", new)):
            if value is not None and known is not None and value not in known:
                sugg = suggest_areas(value, [AreaInfo(Area(k, k)) for k in sorted(known)])
                row.fail(cid, f"unknown area id {value!r}", "an id from the areas files",
                         f"did you mean {' or '.join(map(repr, sugg))}?" if sugg else "add the unit to an areas file")
        text = row.text("effective", required=True)
        effective = None
        if text is not None:
            try:
                effective = _parse_date(text)
            except ValueError:
                row.fail("effective", repr(text), "a date as YYYY-MM-DD", "e.g. 2024-11-01")
        share = None
        share_text = row.text("share_people")
        if share_text is not None:
            try:
                share = float(share_text.replace(",", "."))
            except ValueError:
                share = None
            if share is None or not 0 < share <= 1:
                row.fail("share_people", repr(share_text), "a share above 0 and at most 1, or empty",
                         "write the share of the old unit's people that moved, e.g. 0.25")
                share = None
        people = row.count("people")
        if row.ok and old and new and effective:
            raw.append((number, old, new, effective, share, people, row.text("source") or ""))
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per old unit and new unit", "add the changes")
    groups: dict[tuple[str, date], list[tuple[int, str, str, date, float | None, int | None, str]]] = {}
    for item in raw:
        groups.setdefault((item[1], item[3]), []).append(item)
    rows: list[CrosswalkRow] = []
    for (old, when), items in groups.items():
        shares = [i[4] for i in items]
        if len(items) == 1 and shares[0] is None:
            shares = [1.0]
        if any(s is None for s in shares):
            errors.add(f"row {items[0][0]}, column share_people", f"{old} splits over {len(items)} units on {when} "
                       "with a share missing", "a share on every row of a split", "fill in every share")
            continue
        if abs(sum(shares) - 1) > 1e-4:  # type: ignore[arg-type]
            errors.add(f"row {items[0][0]}, column share_people",
                       f"shares of {old} on {when} adding up to {sum(shares):.6f}",  # type: ignore[arg-type]
                       "shares adding up to 1", "correct the shares of the rows of that unit")
            continue
        for item, s in zip(items, shares, strict=True):
            rows.append(CrosswalkRow(item[1], item[2], item[3], float(s), item[5], item[6]))  # type: ignore[arg-type]
    errors.raise_if_any()
    rows.sort(key=lambda r: r.effective)  # stable: file order within a date
    return Crosswalk(tuple(rows), str(path))


def rollup(results: ReviewResults, crosswalk: Crosswalk, on: date | str | None = None,
           areas: Sequence[Area | AreaInfo] | PathLike_ | None = None) -> ReviewResults:
    """Review results re-expressed in the units in force on ``on`` (default: after every change).

    Each change of the crosswalk with an effective date on or before ``on`` is applied in date
    order: the households (and poor, near-poor, flows) of an old unit go to its new unit(s);
    a split follows the share of people (assumption: households and poverty split like
    people), rounded so that every count is conserved. Rows touched by a split are marked
    as estimates. ``areas``: the known units incl. the new ones (default: the areas files
    beside the crosswalk, plus those of ``results``).
    """
    if isinstance(on, str):
        on = date.fromisoformat(on)
    if areas is None:
        folder = Path(crosswalk.source).parent
        info = list(results.area_info)
        if (folder / "areas.csv").exists():
            info += [a for a in load_area_info(folder) if a.id not in {i.id for i in info}]
    else:
        info = list(_as_area_info(areas, Path(crosswalk.source)))
    by_id = {a.id: a for a in info}
    table = results.table.copy()
    for when in crosswalk.dates:
        if on is not None and when > on:
            continue
        moves: dict[str, list[CrosswalkRow]] = {}
        for r in crosswalk.rows:
            if r.effective == when:
                moves.setdefault(r.old_id, []).append(r)
        table = _apply_moves(table, moves, when)
    missing = sorted(set(table["area_id"]) - set(by_id))
    if missing:
        raise InputErrors([InputError(crosswalk.source, "new_id", ", ".join(missing),
                                      "ids of an areas file", "add the new units to an areas_*.csv file")])
    order = {a.id: i for i, a in enumerate(info)}
    table = table.sort_values(["year", "area_id", "group"], key=lambda s: s.map(order) if s.name == "area_id" else s,
                              kind="stable").reset_index(drop=True)
    present = set(table["area_id"])
    return ReviewResults(table, tuple(by_id[a].area for a in sorted(present, key=order.__getitem__)),
                         f"{results.source} rolled up by {crosswalk.source}", tuple(info))


def _split(value: float, shares: Sequence[float]) -> list[float]:
    """Integers proportional to shares summing to ``value`` (largest remainder, ties to the first)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return [math.nan] * len(shares)
    total = int(round(value))
    exact = [total * s for s in shares]
    out = [math.floor(e) for e in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return [float(v) for v in out]


def _apply_moves(table: pd.DataFrame, moves: Mapping[str, list[CrosswalkRow]], when: date) -> pd.DataFrame:
    pieces = []
    for r in table.to_dict("records"):
        targets = moves.get(r["area_id"])
        if not targets:
            pieces.append(r)
            continue
        shares = [t.share for t in targets]
        other = r["households"] - r["poor"] - r["near_poor"]
        split = {c: _split(r[c], shares) for c in ("poor", "near_poor", *FLOW_COLUMNS)}
        split_other = _split(other, shares)
        for i, t in enumerate(targets):
            piece = dict(r)
            piece["area_id"] = t.new_id
            for c in ("poor", "near_poor", *FLOW_COLUMNS):
                piece[c] = split[c][i]
            piece["households"] = split["poor"][i] + split["near_poor"][i] + split_other[i]
            if len(targets) > 1:
                piece["estimate"] = True
                piece["method"] = "; ".join(m for m in (r["method"], f"{r['area_id']} split by people share "
                                                        f"{t.share:g} on {when}") if m)
            pieces.append(piece)
    frame = pd.DataFrame(pieces, columns=list(REVIEW_COLUMNS))
    agg: dict[str, Any] = {c: "sum" for c in COUNT_COLUMNS}
    agg.update({c: (lambda s: s.sum(min_count=len(s))) for c in FLOW_COLUMNS})
    agg["estimate"] = "any"
    agg["method"] = lambda s: " | ".join(dict.fromkeys(m for m in s if m))
    agg["source"] = lambda s: " | ".join(dict.fromkeys(m for m in s if m))
    out = frame.groupby(["area_id", "group", "year"], sort=False, as_index=False).agg(agg)
    out = out[list(REVIEW_COLUMNS)]
    for c in ("year", *COUNT_COLUMNS):
        out[c] = out[c].astype("int64")
    for c in FLOW_COLUMNS:
        out[c] = out[c].astype("float64")
    out["estimate"] = out["estimate"].astype(bool)
    return out


# ------------------------------------------------------------------------------------------
# Reference figures (province, country): counts or rates as published
# ------------------------------------------------------------------------------------------

FIGURE_MEASURES: tuple[str, ...] = ("households", "poor", "near_poor", "poor_rate_pct", "near_poor_rate_pct")
FIGURE_POPULATIONS: tuple[str, ...] = ("all", "dtts", "other")
_FIGURES_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "year": ("year", ("Năm",), True),
    "population": ("population", ("Nhóm",), True),
    "measure": ("measure", ("Chỉ tiêu",), True),
    "value": ("value", ("Giá trị",), True),
    "derived": ("derived", ("Suy ra",), True),
    "source": ("source", ("Nguồn",), True),
    "note": ("note", ("Ghi chú",), False),
}


def load_figures(path: PathLike_) -> pd.DataFrame:
    """Published figures as given (counts where published, rates where counts are absent).

    One row per year x population (all, dtts, other) x measure (households, poor,
    near_poor, poor_rate_pct, near_poor_rate_pct). ``derived`` marks figures worked out from
    others (the note says how). Returns a DataFrame with the file's columns.
    """
    path = Path(path)
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _FIGURES_SPEC, errors)
    errors.raise_if_any()
    labels = {c: c for c in _FIGURES_SPEC}
    records = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        year = row.year()
        population = row.text("population", required=True)
        measure = row.text("measure", required=True)
        if population is not None and population not in FIGURE_POPULATIONS:
            row.fail("population", repr(population), "one of " + ", ".join(FIGURE_POPULATIONS), "correct the group")
        if measure is not None and measure not in FIGURE_MEASURES:
            row.fail("measure", repr(measure), "one of " + ", ".join(FIGURE_MEASURES), "correct the measure")
        text = row.text("value", required=True)
        value = None
        if text is not None:
            try:
                value = float(text)
            except ValueError:
                row.fail("value", repr(text), "a number (decimal point '.')", "type the figure, e.g. 12.09")
        if value is not None and (value < 0 or (measure or "").endswith("_pct") and value > 100):
            row.fail("value", str(value), "a count >= 0 or a percentage in [0, 100]", "correct the figure")
        derived = row.flag("derived")
        source = row.text("source", required=True)
        key = (year, population, measure)
        if row.ok and key in seen:
            row.fail("measure", f"{measure} of {population} {year} again (first on row {seen[key]})",
                     "each figure once", "delete one of the rows")
        if row.ok:
            seen[key] = number  # type: ignore[index]
            records.append({"year": year, "population": population, "measure": measure, "value": value,
                            "derived": derived, "source": source, "note": row.text("note") or ""})
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per figure", "add the figures")
    errors.raise_if_any()
    return pd.DataFrame.from_records(records, columns=list(_FIGURES_SPEC))


# ------------------------------------------------------------------------------------------
# The import template
# ------------------------------------------------------------------------------------------

TEMPLATE_COLUMNS: tuple[str, ...] = ("area_id", "group", "year", *COUNT_COLUMNS, *FLOW_COLUMNS, "source")

_GUIDE: dict[str, tuple[str, str, str]] = {
    # id: (Vietnamese meaning, English meaning, required)
    "area_id": ("Tên xã, thị trấn (có dấu hoặc không dấu) hoặc mã xã, ví dụ: Kon Pne hoặc kon_pne",
                "Commune or town: name (with or without diacritics) or id, e.g. Kon Pne or kon_pne", "x"),
    "group": ("Nhóm hộ: DTTS (hộ đồng bào dân tộc thiểu số), Khác (hộ khác), hoặc Tổng (tất cả các hộ; "
              "khi đó nhóm còn lại được tính = Tổng - DTTS)",
              "Household group: DTTS (ethnic minority), Khác (other), or Tổng (total; the missing group is "
              "derived as total minus the other)", "x"),
    "year": ("Năm rà soát (kết quả cuối năm), ví dụ: 2024", "Review year (results at the end of the year), e.g. 2024", "x"),
    "households": ("Tổng số hộ của nhóm trong xã (mọi hộ, nghèo hay không)",
                   "All households of the group in the commune (poor or not)", "x"),
    "poor": ("Số hộ nghèo cuối năm theo chuẩn nghèo đa chiều (Nghị định 07/2021/NĐ-CP)",
             "Poor households at the end of the year (multidimensional standard, Decree 07/2021)", "x"),
    "near_poor": ("Số hộ cận nghèo cuối năm", "Near-poor households at the end of the year", "x"),
    "escaped_poverty": ("Số hộ thoát nghèo trong năm (để trống nếu không có số liệu)",
                        "Households that left poverty during the year (blank if not known)", ""),
    "fell_back": ("Số hộ tái nghèo trong năm (để trống nếu không có)",
                  "Households that fell back into poverty during the year (blank if not known)", ""),
    "newly_poor": ("Số hộ nghèo phát sinh mới trong năm (để trống nếu không có)",
                   "Newly poor households during the year (blank if not known)", ""),
    "near_poor_to_poor": ("Số hộ cận nghèo chuyển thành hộ nghèo (để trống nếu không có)",
                          "Near-poor households that became poor (blank if not known)", ""),
    "source": ("Nguồn số liệu, ví dụ: Quyết định công nhận kết quả rà soát số .../QĐ-UBND",
               "Source, e.g. the decision recognising the review results", ""),
}


def write_template(path: PathLike_, areas: Sequence[Area | AreaInfo] | PathLike_ | None = None,
                   year: int | None = None, overwrite: bool = False) -> Path:
    """Write the import template for review results (.xlsx with a guide sheet, or .csv).

    The rows are pre-filled with every area and both groups (DTTS, Khác); the planner fills
    in the counts. ``areas``: Area objects, or a data folder / areas file (default: the
    shipped ``data/kbang``); from a folder, the units in force in ``year`` (the communes of
    2025 for 2025), or those of its ``areas.csv`` when no year is given. The .csv is written
    with a UTF-8 byte-order mark so that Excel shows the diacritics.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise InputErrors([InputError(str(path), "file name", f"the ending {path.suffix or '(none)'!r}",
                                      ".xlsx or .csv", "name the file e.g. ket_qua_ra_soat.xlsx")])
    if path.exists() and not overwrite:
        raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                      "choose another name, or pass --force to replace it")])
    if areas is None or isinstance(areas, (str, PathLike)):
        folder = Path(areas) if areas is not None else SHIPPED_DATA / "kbang"
        if year is None:
            info = load_area_info(folder / "areas.csv" if folder.is_dir() else folder)
        else:
            info = tuple(a for a in load_area_info(folder) if a.exists_on(_review_day(year)))
    else:
        info = tuple(a if isinstance(a, AreaInfo) else AreaInfo(a) for a in areas)
    header = [_REVIEW_SPEC[c][0] for c in TEMPLATE_COLUMNS]
    rows = [[a.name, g, year if year is not None else None] + [None] * (len(TEMPLATE_COLUMNS) - 3)
            for a in info for g in ("DTTS", "Khác")]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in r] for r in rows])
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    else:
        _write_template_xlsx(path, header, rows, [a.name for a in info])
    return path


def _write_template_xlsx(path: Path, header: list[str], rows: list[list[Any]], names: list[str]) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kết quả rà soát"
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for i, text in enumerate(header):
        sheet.column_dimensions[_column_letter(i)].width = max(12, len(text) + 4)
    sheet.column_dimensions["A"].width = max(18, *(len(n) + 2 for n in names)) if names else 18
    last = max(len(rows) + 1, 200)
    groups = DataValidation(type="list", formula1='"DTTS,Khác,Tổng"', allow_blank=True)
    groups.error, groups.errorTitle = "Chọn DTTS, Khác hoặc Tổng / choose DTTS, Khác or Tổng", "Nhóm hộ"
    sheet.add_data_validation(groups)
    groups.add(f"B2:B{last}")
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    counts.error, counts.errorTitle = "Số nguyên từ 0 / a whole number from 0", "Số hộ"
    sheet.add_data_validation(counts)
    counts.add(f"D2:{_column_letter(len(header) - 2)}{last}")
    guide = book.create_sheet("Hướng dẫn - Guide")
    guide.append(["Cột (tiêu đề)", "Mã cột (id)", "Bắt buộc / required", "Ý nghĩa", "Meaning"])
    for cid in TEMPLATE_COLUMNS:
        vi, en, required = _GUIDE[cid]
        guide.append([_REVIEW_SPEC[cid][0], cid, "x" if required else "", vi, en])
    guide.append([])
    guide.append(["Ghi chú", "", "", "Nhập xong, kiểm tra bằng lệnh: thidua-sim validate <tệp>. Dòng tiêu đề là dòng 1; "
                  "lỗi được báo theo số dòng và cột của bảng tính.",
                  "When done, check with: thidua-sim validate <file>. The header is row 1; problems are reported "
                  "by spreadsheet row and column."])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for letter, width in zip("ABCDE", (24, 20, 12, 70, 70), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


# ------------------------------------------------------------------------------------------
# Validation entry point for `thidua-sim validate`
# ------------------------------------------------------------------------------------------

def _header_kind(path: Path) -> str | None:
    """Which data file this is, from its header; None when not one of ours."""
    try:
        sheet = _read_sheet(path)
    except InputErrors:
        return "review" if path.suffix.lower() in (".xlsx", ".xlsm") else None
    keys = {name_key(h) for h in sheet.header}
    if {"oldid", "newid"} <= keys:
        return "crosswalk"
    if {"measure", "population", "value"} <= keys:
        return "figures"
    if {"id", "name", "kind"} <= keys:
        return "areas"
    review_keys = {name_key(t) for c in ("area_id", "year", "households")
                   for t in (c, _REVIEW_SPEC[c][0], *_REVIEW_SPEC[c][1])}
    if len(keys & review_keys) >= 2:
        return "review"
    return None


def validate_data_file(path: PathLike_) -> list[InputError] | None:
    """Check one data file. None: not a data file this module knows (e.g. a README or a
    parameter file); []: clean; otherwise every problem found.

    Review results (.csv/.xlsx), areas files, crosswalks and reference figures are
    recognised by their header; an unreadable .csv/.xlsx (empty, not UTF-8, broken) is
    reported as a review-results file.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        return None
    if path.suffix.lower() == ".csv":
        try:
            path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            kind: str | None = "review"
        else:
            kind = _header_kind(path)
            if kind is None and path.read_text(encoding="utf-8-sig").strip() == "":
                kind = "review"
    else:
        kind = _header_kind(path)
    if kind is None:
        return None
    loaders = {
        "review": load_review_results,
        "areas": load_area_info,
        "crosswalk": load_crosswalk,
        "figures": load_figures,
    }
    try:
        loaders[kind](path)
    except InputErrors as exc:
        return list(exc.errors)
    return []
