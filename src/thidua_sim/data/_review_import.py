"""Loading review results from a planner's .csv/.xlsx (refusing household lists), and
the baseline of a data folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ._areas import _as_area_info, _review_day, load_area_info
from ._names import AreaInfo, name_key
from ._review_results import _REVIEW_SPEC, ReviewResults
from ._review_rows import _check_review_rows, _Matchers, _parse_review_row, _Parsed, _review_table
from ..io._sheets import PathLike_, _column_letter, _map_header, _read_sheet, _Row, _Sheet
from ..core.types import Area, Baseline
from ..errors import ErrorCollector, InputError, InputErrors

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
        other = _sheet_with_results(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None
        if other is not None:
            errors.errors.insert(0, InputError(
                sheet.file, "sheet 1", f"a first sheet without the review columns, while sheet {other!r} has them",
                "the review results on the first sheet", f"move sheet {other!r} to the front and save"))
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


def _sheet_with_results(path: Path) -> str | None:
    """The name of a later sheet of a workbook whose first row has the required review columns."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - the first sheet's problems are reported already
        return None
    try:
        wanted = [{name_key(t) for t in (c, spec[0], *spec[1])} for c, spec in _REVIEW_SPEC.items() if spec[2]]
        for ws in book.worksheets[1:]:
            first = next(ws.iter_rows(max_row=1, values_only=True), ())
            keys = {name_key(str(v)) for v in first if v is not None}
            if all(keys & w for w in wanted):
                return ws.title
    finally:
        book.close()
    return None


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


def check_baseline_areas(results: ReviewResults, info: Sequence[AreaInfo], year: int | None = None) -> None:
    """Every area of the areas files in force in the baseline year (default: the first year of
    ``results``) has rows that year; otherwise the run stops and names the missing areas (a
    commune whose rows were deleted, or swallowed by a stray quote, would silently vanish)."""
    if not results.years:
        return
    year = results.years[0] if year is None else int(year)
    day = _review_day(year)
    present = set(results.table.loc[results.table["year"] == year, "area_id"])
    missing = [a for a in info if a.exists_on(day) and a.id not in present]
    if missing:
        names = ", ".join(f"{a.id} ({a.name})" for a in missing)
        raise InputErrors([InputError(
            results.source, f"year {year}",
            f"no rows for {len(missing)} area{'s' if len(missing) > 1 else ''} of the areas file: {names}",
            f"rows for every area in force in {year} (the baseline year)",
            "add their rows (DTTS and Khác), or remove the areas from areas.csv if they did not exist that year")])


def load_baseline(data_dir: PathLike_, year: int | None = None) -> Baseline:
    """The baseline of a data folder: its ``areas.csv`` and ``review_results.csv``; ``year``
    defaults to the first review year in the file (2021 for the shipped Kbang data). Every area
    in force that year must have rows (:func:`check_baseline_areas`)."""
    folder = Path(data_dir)
    if not folder.is_dir():
        raise InputErrors([InputError(str(folder), "--data", "no such folder" if not folder.exists() else "a file",
                                      "a data folder with areas.csv and review_results.csv",
                                      "check the path, e.g. data/kbang")])
    # areas_2025.csv alone would load, and name the wrong units; a folder of published figures only
    # (data/vietnam) gets load_area_info's message, which names the figures that are missing
    if not (folder / "areas.csv").is_file() and not (folder / "figures.csv").is_file():
        raise InputErrors([InputError(str(folder / "areas.csv"), "file",
                                      "a folder" if (folder / "areas.csv").is_dir() else "no such file",
                                      "the areas file of the data folder (id,name,kind,...)",
                                      "restore areas.csv; see docs/formats/data.md")])
    info = load_area_info(folder)
    results = load_review_results(folder / "review_results.csv", info)
    check_baseline_areas(results, info, year)
    return results.baseline(year)
