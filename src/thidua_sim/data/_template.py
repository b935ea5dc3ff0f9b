"""The import template for review results (.xlsx with a guide sheet, or .csv)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from ._areas import SHIPPED_DATA, _review_day, load_area_info
from ._names import AreaInfo
from ._review_results import _REVIEW_SPEC, COUNT_COLUMNS, FLOW_COLUMNS
from ..io import write_atomic
from ..io._sheets import PathLike_, _column_letter, style_guide_sheet
from ..core.types import Area
from ..errors import InputError, InputErrors

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
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in r] for r in rows])
        write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
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
    style_guide_sheet(guide, (24, 20, 12, 70, 70))
    write_atomic(path, book.save)
