"""Reading one data table (a CSV file or the first sheet of an .xlsx) strictly: rows
numbered as in a spreadsheet (header = row 1), headers mapped to column ids (Vietnamese
or English headers), typed cells whose problems are collected with row and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

from ..core.defaults import FIRST_YEAR, LAST_YEAR
from ..core.text import name_key
from ..errors import ErrorCollector, InputError, InputErrors

PathLike_ = str | PathLike[str]

_TRUE = {name_key(w) for w in ("true", "yes", "1", "x", "có", "ước tính", "y")}
_FALSE = {name_key(w) for w in ("false", "no", "0", "không", "n", "")}

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
    if path.is_dir():
        raise InputErrors([InputError(file, "file", "a folder where a file belongs", "a .csv or .xlsx file",
                                      f"put the file itself there (move or rename the folder {path.name}/)")])
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
    if suffix in (".csv", ".txt") and len(cells) == 1:
        sep = next((c for c in (";", "\t", "|") if c in str(cells[0])), None)
        if sep is not None:
            shown = "a tab" if sep == "\t" else repr(sep)
            raise InputErrors([InputError(file, f"line {number}", f"values separated by {shown}, not by commas",
                                          "comma-separated values (CSV)",
                                          "save it from Excel as 'CSV UTF-8 (Comma delimited)', or replace "
                                          f"{shown} by ','", number)])
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
    ends: dict[int, int] = {}
    start = 1
    try:
        for cells in reader:
            out.append((start, cells))          # a record is numbered by the physical line it starts on
            ends[start] = reader.line_num
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputErrors([InputError(str(path), f"line {start}", f"malformed CSV ({exc})",
                                      "comma-separated values with balanced quotes",
                                      "check the quotes on that line", start)]) from None
    _check_field_counts(path, out, ends)
    return out


def _check_field_counts(path: Path, records: list[tuple[int, list[str]]], ends: dict[int, int]) -> None:
    """Every record of a CSV has as many fields as its header: a stray quote (which swallows the
    lines after it into one cell) or a lost separator is refused at its first physical line,
    before any row is read, so that no row silently disappears."""
    filled = [(n, c) for n, c in records if any(x.strip() for x in c)]
    if len(filled) < 2:
        return
    first = 0
    if sum(1 for x in filled[0][1] if x.strip()) == 1 and sum(1 for x in filled[1][1] if x.strip()) >= 3:
        first = 1  # a title line above the header (see _read_sheet)
    width = len(filled[first][1])
    for number, cells in filled[first + 1:]:
        end = ends.get(number, number)
        quoted = end > number or any("\n" in x for x in cells)
        if len(cells) == width or (len(cells) > width and not quoted):
            continue  # extra cells on one line: reported with their column by _Row
        found = f"{len(cells)} fields on line {number}, the header (line {filled[first][0]}) has {width}"
        fix = ("a double quote (\") on this line opens a text that runs to line "
               f"{end}, swallowing the rows between: delete the stray quote or close it" if quoted else
               "every line needs one value per column: check for a missing or extra comma, or put text that "
               "contains commas in double quotes")
        raise InputErrors([InputError(str(path), f"line {number}", found,
                                      f"{width} comma-separated fields on every line", fix, number)])


class Formula(str):
    """A workbook cell holding a formula whose result was never saved (a file written by a
    script, not recalculated by Excel): reported as such, never as an empty cell."""


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    """The non-blank rows of the first sheet, blank rows skipped as they stream by (a sheet
    formatted down to row 200,000 costs one pass, no per-cell work). Cells of a formula whose
    result was never saved arrive as :class:`Formula`, not as blanks."""
    import openpyxl  # slow to import; only when needed

    with open(path, "rb") as f:
        magic = f.read(8)
    if magic == _OLE_MAGIC:
        raise InputErrors([InputError(
            str(path), "file", "a workbook protected with a password (encrypted), or an old .xls saved as .xlsx",
            "an .xlsx workbook without a password",
            "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password: "
            "empty) and save it as .xlsx")])
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip errors, invalid XML: a user's broken file, not our bug
        raise InputErrors([InputError(str(path), "file", f"a file Excel format cannot be read ({type(exc).__name__})",
                                      "an .xlsx workbook", "open it in Excel or LibreOffice and save it again as .xlsx")]) from None
    try:
        sheet = book.worksheets[0]
        last = _last_filled_row(path, getattr(sheet, "_worksheet_path", None))
        out = [(i, list(cells)) for i, cells in enumerate(sheet.iter_rows(max_row=last, values_only=True), start=1)
               if not all(c is None or c == "" for c in cells)]
    finally:
        book.close()
    if out and any(c is None for _i, cells in out for c in cells):
        _mark_formulas(path, out)
    return out


_ROW_XML = re.compile(rb"<row\b[^>]*?\br=\"(\d+)\"[^>]*?(?:/>|>(.*?)</row>)", re.S)
_VALUE_XML = re.compile(rb"<(?:v|is|f)\b")


def _last_filled_row(path: Path, member: str | None) -> int | None:
    """The last row of the sheet's XML with a value, an inline string or a formula, found by one
    scan of the raw XML (no cell objects): rows formatted but empty below it are never parsed.
    None (read everything) when the sheet's XML cannot be found."""
    import zipfile

    if not member:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(member)
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
    last = 0
    for match in _ROW_XML.finditer(xml):
        body = match.group(2)
        if body and _VALUE_XML.search(body):
            last = int(match.group(1))
    return last or None


def _mark_formulas(path: Path, rows: list[tuple[int, list[Any]]]) -> None:
    """Replace the empty cells of ``rows`` that hold a formula (no saved result) by :class:`Formula`."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        wanted = {i: cells for i, cells in rows}
        for i, raw in enumerate(book.worksheets[0].iter_rows(max_row=rows[-1][0], values_only=True), start=1):
            cells = wanted.get(i)
            if cells is None:
                continue
            for j, f in enumerate(raw[:len(cells)]):
                if cells[j] is None and isinstance(f, str) and f.startswith("="):
                    cells[j] = Formula(f)
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
        self.formulas: set[str] = set()
        for cid, i in columns.items():
            if i < len(cells) and isinstance(cells[i], Formula):
                self.formulas.add(cid)
                self.fail(cid, f"the formula {cells[i][:40]} with no saved result", "a value",
                          "open the file in Excel or LibreOffice, let it calculate and save it again (a file "
                          "written by a program keeps formulas without their results), or type the values")
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
        if i is None or i >= len(self.cells) or cid in getattr(self, "formulas", ()):
            return None
        return self.cells[i]

    def fail(self, cid: str, found: Any, expected: str, fix: str) -> None:
        self.ok = False
        self.errors.add(self.where(cid) if cid in self.columns else f"row {self.number}", found, expected, fix)

    def text(self, cid: str, required: bool = False) -> str | None:
        value = self.raw(cid)
        if _blank(value):
            if required and cid not in self.formulas:
                self.fail(cid, "an empty cell", f"a value for {self.labels.get(cid, cid)}", "fill in the cell")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def count(self, cid: str, required: bool = False) -> int | None:
        """A whole number of households >= 0 ("1.209" and "1,209" are read as 1209)."""
        value = self.raw(cid)
        if _blank(value):
            if required and cid not in self.formulas:
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
            if cid not in self.formulas:
                self.fail(cid, "an empty cell", "the review year, e.g. 2021", "fill in the year")
            return None
        number = _whole_number(value, thousands=False)
        if number is None or not FIRST_YEAR <= number <= LAST_YEAR:
            self.fail(cid, repr(value) if isinstance(value, str) else str(value),
                      f"a year between {FIRST_YEAR} and {LAST_YEAR}", "type the review year as 4 digits, e.g. 2021")
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


HEADER_FILL = "DDEBF7"
"""Background of the header row of every workbook the tool writes."""


def style_guide_sheet(sheet: Any, widths: Sequence[int]) -> None:
    """The look of a template's guide sheet (openpyxl): a bold, shaded header row, the given
    widths of columns A, B, ..., and every other row wrapped and aligned to the top."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for i, width in enumerate(widths):
        sheet.column_dimensions[_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
