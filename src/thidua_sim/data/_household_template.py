"""The import template of a household list (``thidua-sim template --households``): .xlsx with
Vietnamese headers, a guide sheet, lists to choose from; or .csv. No row is pre-filled: the
list is the review's own."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ._households import CAUSES, HOUSEHOLD_SPEC, NEEDS, indicator_header
from ..io._atomic import write_atomic
from ..io._sheets import PathLike_, _column_letter, style_guide_sheet
from ..errors import InputError, InputErrors

__all__ = ["write_household_template", "household_template_columns"]

_GUIDE: dict[str, tuple[str, str, bool]] = {
    # id: (Vietnamese meaning, English meaning, required)
    "household_code": ("Mã hộ của phiếu rà soát. Được thay bằng mã ẩn danh khi nhập; không bao giờ ghi ra kết quả.",
                       "The household code of the review form. Replaced by a keyed pseudonym at import; never written "
                       "to any output.", True),
    "area_id": ("Xã, thị trấn (tên có dấu hoặc không dấu, hoặc mã xã), đơn vị của năm rà soát",
                "Commune or town (name or id), the unit of the review year", True),
    "village": ("Thôn, làng, tổ dân phố", "Village (thôn, làng) or urban block", True),
    "group": ("DTTS (hộ đồng bào dân tộc thiểu số) hoặc Khác", "DTTS (ethnic minority) or Khác (other)", True),
    "ethnicity": ("Dân tộc của hộ, ví dụ: Ba Na, Gia Rai, Kinh", "Ethnicity, e.g. Ba Na, Gia Rai, Kinh", False),
    "members": ("Số nhân khẩu của hộ", "Members of the household", True),
    "area_kind": ("nông thôn hoặc thành thị (để trống: thị trấn là thành thị)",
                  "rural or urban (blank: towns are urban)", False),
    "income": ("Thu nhập bình quân đầu người/tháng (đồng), theo phiếu rà soát",
               "Income per person per month (VND), from the review form", True),
    "no_labour": ("Có / không: hộ không có khả năng lao động", "Yes/no: no member able to work", False),
    "merit": ("Có / không: hộ có người có công với cách mạng", "Yes/no: a merit person (người có công) in the household",
              False),
    "causes": ("Nguyên nhân nghèo, cách nhau bằng dấu ;", "Causes of poverty, separated by ;", False),
    "needs": ("Nhu cầu hỗ trợ, cách nhau bằng dấu ;", "Support needs, separated by ;", False),
    "status_before": ("Phân loại đầu kỳ: nghèo, cận nghèo, khác, hoặc mới (hộ mới tách, mới đến)",
                      "Classification at the start of the period: poor, near-poor, other or new", False),
    "previously_poor": ("Có / không: hộ đã từng là hộ nghèo (để tính tái nghèo)",
                        "Yes/no: the household was poor before (for 'fell back')", False),
    "year": ("Năm rà soát, ví dụ: 2025", "Review year, e.g. 2025", True),
}


def household_template_columns(indicators: tuple[str, ...]) -> list[str]:
    """Column ids of the template: identification, the indicators of the standard, the rest."""
    return ["household_code", "area_id", "village", "group", "ethnicity", "members", "area_kind", "income",
            *indicators, "no_labour", "merit", "causes", "needs", "status_before", "previously_poor", "year"]


def write_household_template(path: PathLike_, year: int | None = None, standards=None,
                             overwrite: bool = False) -> Path:
    """Write the household-list template (.xlsx with a guide sheet, or .csv with a UTF-8 BOM) with
    the indicator columns of the standard in force in ``year`` (default: Decree 07/2021)."""
    from ..params.standards import load_standards

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise InputErrors([InputError(str(path), "file name", f"the ending {path.suffix or '(none)'!r}",
                                      ".xlsx or .csv", "name the file e.g. danh_sach_ho.xlsx")])
    if path.exists() and not overwrite:
        raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                      "choose another name, or pass --force to replace it")])
    std = (standards or load_standards()).for_year(year if year is not None else 2025)
    indicators = tuple(i.id for i in std.indicators)
    columns = household_template_columns(indicators)
    header = [HOUSEHOLD_SPEC[c][0] for c in columns]
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(header)
        write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
        return path
    write_atomic(path, lambda tmp: _write_xlsx(tmp, columns, header, std, year))
    return path


def _write_xlsx(path: Path, columns: list[str], header: list[str], std, year: int | None) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách hộ"
    sheet.append(header)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    for i, text in enumerate(header):
        sheet.column_dimensions[_column_letter(i)].width = max(10, min(28, len(text) + 2))
    last = 5000
    lists = {"group": '"DTTS,Khác"', "area_kind": '"nông thôn,thành thị"',
             "status_before": '"nghèo,cận nghèo,khác,mới"'}
    for c in ("no_labour", "merit", "previously_poor"):
        lists[c] = '"có,không"'
    for i, c in enumerate(columns):
        letter = _column_letter(i)
        if c in lists:
            v = DataValidation(type="list", formula1=lists[c], allow_blank=True)
        elif c in {ind.id for ind in std.indicators}:
            v = DataValidation(type="list", formula1='"0,1"', allow_blank=False)
        elif c in ("members", "year", "income"):
            v = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0" if c != "members" else "1")
        else:
            continue
        sheet.add_data_validation(v)
        v.add(f"{letter}2:{letter}{last}")
    guide = book.create_sheet("Hướng dẫn - Guide")
    guide.append(["Cột (tiêu đề)", "Mã cột (id)", "Bắt buộc / required", "Ý nghĩa", "Meaning"])
    names = {i.id: (i.name_vi, i.name_en) for i in std.indicators}
    for c in columns:
        if c in names:
            guide.append([indicator_header(c), c, "x", f"1 nếu hộ thiếu hụt chỉ số “{names[c][0]}” ({std.name_vi}), "
                          "0 nếu không", f"1 if deprived in '{names[c][1]}' ({std.name_en}), else 0"])
        else:
            vi, en, required = _GUIDE[c]
            guide.append([HOUSEHOLD_SPEC[c][0], c, "x" if required else "", vi, en])
    guide.append([])
    guide.append(["Nguyên nhân nghèo", "causes", "", "; ".join(f"{vi} ({k})" for k, (vi, _en) in CAUSES.items()),
                  "; ".join(f"{en} ({k})" for k, (_vi, en) in CAUSES.items())])
    guide.append(["Nhu cầu hỗ trợ", "needs", "", "; ".join(f"{vi} ({k})" for k, (vi, _en) in NEEDS.items()),
                  "; ".join(f"{en} ({k})" for k, (_vi, en) in NEEDS.items())])
    guide.append([])
    guide.append(["Dữ liệu cá nhân", "", "", "KHÔNG nhập họ tên, số CCCD/CMND, số điện thoại, ngày sinh, địa chỉ "
                  "(Nghị định 13/2023/NĐ-CP). Nếu tệp có các cột này, chúng bị bỏ khi nhập và không giá trị nào được đọc.",
                  "Do NOT enter names, ID numbers, phone numbers, dates of birth or addresses (Decree 13/2023). "
                  "Such columns are dropped at import and none of their values is read."])
    guide.append(["Kiểm tra", "", "", "thidua-sim validate <tệp>; rồi thidua-sim households import <tệp> --out ...",
                  "thidua-sim validate <file>; then thidua-sim households import <file> --out ..."])
    style_guide_sheet(guide, (34, 22, 12, 70, 70))
    book.save(path)
