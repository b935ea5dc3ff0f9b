"""Bad review-results files: every problem names the file, the spreadsheet row and column,
what was found and what is expected, and all problems of a file come together."""

import openpyxl
import pytest

from thidua_sim.apps.cli import main as cli_main
from thidua_sim.data import load_area_info, load_crosswalk, load_figures, load_review_results
from thidua_sim.errors import InputErrors

AREAS = """id,name,kind,aliases,valid_from,valid_to,source
kbang,Thị trấn Kbang,town,TT Kbang,,,test
kon_pne,Kon Pne,commune,,,,test
dak_rong,Đak Rong,commune,Đăk Roong,,,test
dak_hlo,Đăk HLơ,commune,,,2024-11-01,test
"""
HEADER = "Xã/thị trấn,Nhóm hộ,Năm,Tổng số hộ,Hộ nghèo,Hộ cận nghèo,Thoát nghèo,Tái nghèo\n"
GOOD = "Kon Pne,DTTS,2021,800,300,200,,\nKon Pne,Khác,2021,50,2,4,,\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "areas.csv").write_text(AREAS, encoding="utf-8")
    return tmp_path


def problems(path, **kwargs):
    with pytest.raises(InputErrors) as info:
        load_review_results(path, **kwargs)
    for error in info.value.errors:
        assert error.file == str(path)
        assert error.found and error.expected
    return info.value.errors


def write(folder, text, name="results.csv"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_good_file_loads(folder):
    results = load_review_results(write(folder, HEADER + GOOD))
    assert list(results.table["households"]) == [800, 50]


def test_missing_column(folder):
    text = "Xã/thị trấn,Nhóm hộ,Năm,Tổng số hộ,Hộ cận nghèo\nKon Pne,DTTS,2021,800,200\n"
    (error,) = problems(write(folder, text))
    assert error.where == "row 1"
    assert "Hộ nghèo" in error.found and "add a column" in error.fix


def test_unknown_column_with_a_suggestion(folder):
    text = HEADER.strip() + ",Hộ ngheo moi\n" + GOOD.replace(",,\n", ",,,\n")
    (error,) = problems(write(folder, text))
    assert error.where == "row 1, column I"
    assert "Hộ ngheo moi" in error.found


def test_text_in_a_count(folder):
    text = HEADER + GOOD.replace("800", "nhiều")
    (error,) = problems(write(folder, text))
    assert error.where == "row 2, column D 'Tổng số hộ'"
    assert "nhiều" in error.found and "whole number" in error.expected


def test_fraction_in_a_count(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace(",300,", ",300.5,")))
    assert error.where == "row 2, column E 'Hộ nghèo'"


def test_thousands_separators_are_counts_not_decimals(folder):
    text = HEADER + 'Kon Pne,DTTS,2021,"1.209",300,200,,\nKon Pne,Khác,2021,"1,050",2,4,,\n'
    results = load_review_results(write(folder, text))
    assert list(results.table["households"]) == [1209, 1050]


def test_negative_count(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace(",2,4,", ",-2,4,")))
    assert error.where == "row 3, column E 'Hộ nghèo'"
    assert "-2" in error.found


def test_poor_plus_near_poor_above_households(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace("800,300,200", "400,300,200")))
    assert error.where == "row 2, column F 'Hộ cận nghèo'"
    assert "500" in error.found and "400" in error.found


def test_dtts_above_the_total(folder):
    text = HEADER + "Kon Pne,Tổng,2021,850,300,200,,\nKon Pne,DTTS,2021,900,280,190,,\n"
    errors = problems(write(folder, text))
    assert any(e.where == "row 3, column D 'Tổng số hộ'" and "total 850 on row 2" in e.found for e in errors)


def test_total_not_equal_to_the_groups(folder):
    text = HEADER + GOOD + "Kon Pne,Tổng,2021,851,302,204,,\n"
    (error,) = problems(write(folder, text))
    assert error.where == "row 4, column D 'Tổng số hộ'"
    assert "dtts + other = 850" in error.found


def test_total_and_dtts_give_other(folder):
    text = HEADER + "Kon Pne,Tổng,2021,850,302,204,,\nKon Pne,DTTS,2021,800,300,200,,\n"
    table = load_review_results(write(folder, text)).table
    other = table[table["group"] == "other"].iloc[0]
    assert (other["households"], other["poor"], other["near_poor"]) == (50, 2, 4)
    assert "derived" in other["method"]


def test_unknown_area_with_suggestions(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace("Kon Pne,DTTS", "Kon Pnee,DTTS")))
    assert error.where == "row 2, column A 'Xã/thị trấn'"
    assert "Kon Pnee" in error.found and "Kon Pne" in error.fix


def test_area_that_did_not_exist_that_year(folder):
    text = HEADER + "Đăk HLơ,DTTS,2025,300,30,20,,\nĐăk HLơ,Khác,2025,300,3,2,,\n"
    errors = problems(write(folder, text))
    assert [e.where for e in errors] == ["row 2, column A 'Xã/thị trấn'", "row 3, column A 'Xã/thị trấn'"]
    assert "until 2024-11-01" in errors[0].found


def test_duplicated_year(folder):
    text = HEADER + GOOD + "Kon Pne,DTTS,2021,810,300,200,,\n"
    (error,) = problems(write(folder, text))
    assert error.where == "row 4, column C 'Năm'"
    assert "first on row 2" in error.found


def test_unknown_group(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace("Khác", "Kinh")))
    assert error.where == "row 3, column B 'Nhóm hộ'"
    assert "Kinh" in error.found and "DTTS" in error.expected


def test_only_one_group(folder):
    (error,) = problems(write(folder, HEADER + "Kon Pne,DTTS,2021,800,300,200,,\n"))
    assert error.where == "row 2, column B 'Nhóm hộ'"
    assert "Khác" in error.fix


def test_year_out_of_range(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace("DTTS,2021", "DTTS,21")))
    assert error.where == "row 2, column C 'Năm'"


def test_empty_required_cell(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace("Kon Pne,Khác", ",Khác")))
    assert error.where == "row 3, column A 'Xã/thị trấn'"
    assert error.found == "an empty cell"


def test_row_without_counts(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace("800,300,200", ",,")))
    assert error.where == "row 2, column D 'Tổng số hộ'"
    assert "delete the row" in error.fix


def test_flow_above_poor(folder):
    (error,) = problems(write(folder, HEADER + GOOD.replace(",2,4,,", ",2,4,,5")))
    assert error.where == "row 3, column H 'Tái nghèo'"


def test_escaped_more_than_poor_the_year_before(folder):
    later = "Kon Pne,DTTS,2022,800,250,200,301,\nKon Pne,Khác,2022,50,2,4,,\n"
    (error,) = problems(write(folder, HEADER + GOOD + later))
    assert error.where == "row 4, column G 'Thoát nghèo'"
    assert "300 poor households of 2021" in error.found


def test_extra_cells_beyond_the_header(folder):
    text = HEADER + GOOD.replace("Kon Pne,Khác,2021,50,2,4,,", "Kon Pne,Khác,2021,50,2,4,,,lạc")
    (error,) = problems(write(folder, text))
    assert error.where == "row 3, column I"


def test_bad_estimate_flag(folder):
    text = HEADER.strip() + ",Ước tính\n" + GOOD.replace(",,\n", ",,,maybe\n")
    errors = problems(write(folder, text))
    assert [e.where for e in errors] == ["row 2, column I 'Ước tính'", "row 3, column I 'Ước tính'"]


def test_empty_file(folder):
    (error,) = problems(write(folder, ""))
    assert "empty file" in error.found


def test_header_only(folder):
    (error,) = problems(write(folder, HEADER))
    assert error.where == "row 2" and "no data rows" in error.found


def test_not_utf8(folder):
    path = folder / "results.csv"
    path.write_bytes((HEADER + GOOD).encode("utf-8").replace("Khác".encode("utf-8"), b"Kh\xe1c"))  # cp1252 á
    (error,) = problems(path)
    assert error.where == "row 3"
    assert "not UTF-8" in error.found and "CSV UTF-8" in error.fix


def test_unsupported_file_type(folder):
    (error,) = problems(write(folder, "x", name="results.xls"))
    assert ".xlsx" in error.expected


def test_every_problem_of_a_file_at_once(folder):
    text = HEADER + "Kon Pnee,DTTS,2021,800,-1,200,,\nKon Pne,Kinh,2021,50,2,4,,\nKon Pne,Khác,20x1,50,2,4,,\n"
    errors = problems(write(folder, text))
    wheres = [e.where for e in errors]
    assert "row 2, column A 'Xã/thị trấn'" in wheres
    assert "row 2, column E 'Hộ nghèo'" in wheres
    assert "row 3, column B 'Nhóm hộ'" in wheres
    assert "row 4, column C 'Năm'" in wheres


def test_xlsx_errors_name_sheet_rows_and_columns(folder):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Xã/thị trấn", "Nhóm hộ", "Năm", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo"])
    sheet.append(["Kon Pne", "DTTS", 2021, 800, 300, 200])
    sheet.append(["Kon Pne", "Khác", 2021, 50, "hai", 4])
    path = folder / "results.xlsx"
    book.save(path)
    (error,) = problems(path)
    assert error.where == "row 3, column E 'Hộ nghèo'"
    assert "hai" in error.found


def test_xlsx_header_below_a_title_row(folder):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["KẾT QUẢ RÀ SOÁT 2021"])
    sheet.append(["Xã/thị trấn", "Nhóm hộ", "Năm", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo"])
    path = folder / "results.xlsx"
    book.save(path)
    (error,) = problems(path)
    assert error.where == "row 2" and "header on row 2" in error.found
    assert "delete the rows above" in error.fix


def test_cli_validate_prints_the_row_and_fails(folder, capsys):
    path = write(folder, HEADER + GOOD.replace("800", "-800"))
    assert cli_main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "row 2, column D 'Tổng số hộ'" in out and str(path) in out


# --- other data files ------------------------------------------------------------------

def test_areas_file_problems(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("id,name,kind\nKon Pne,Kon Pne,commune\nkrong,Krong,village\nkrong,Krông,commune\n",
                    encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_area_info(path)
    wheres = [e.where for e in info.value.errors]
    assert wheres == ["row 2, column A 'id'", "row 3, column C 'kind'", "row 4, column A 'id'"]


def test_crosswalk_shares_must_add_up(tmp_path):
    path = tmp_path / "crosswalk.csv"
    path.write_text("old_id,new_id,effective,share_people\na,b,2024-11-01,0.5\na,c,2024-11-01,0.4\n"
                    "d,e,2024-13-01,\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_crosswalk(path)
    wheres = [e.where for e in info.value.errors]
    assert "row 4, column C 'effective'" in wheres
    assert any(w == "row 2, column share_people" for w in wheres)


def test_figures_file_problems(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text("year,population,measure,value,derived,source\n2021,all,poor_rate_pct,120,false,x\n"
                    "2021,kinh,poor,5,false,x\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_figures(path)
    assert [e.where for e in info.value.errors] == ["row 2, column D 'value'", "row 3, column B 'population'"]


def test_two_areas_with_one_name_at_the_same_time(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("id,name,kind,valid_from,valid_to\nkrong,Krong,commune,,\nkrong_2,Krông,commune,,\n"
                    "kbang,Kbang,commune,,2025-07-01\nkbang_2025,Kbang,commune,2025-07-01,\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_area_info(path)
    (error,) = info.value.errors                   # Kbang twice is fine: one after the other
    assert error.where == "areas krong and krong_2" and error.file == str(path)


def test_a_household_list_is_refused_without_echoing_any_row(folder):
    text = "Xã/thị trấn,Nhóm hộ,Năm,Họ và tên chủ hộ,Số CCCD\nKon Pne,DTTS,2021,Nguyễn Văn A,012345678901\n"
    (error,) = problems(write(folder, text))
    assert error.where == "row 1, column D"
    assert "personal data" in error.found
    assert "Nguyễn Văn A" not in str(error) and "012345678901" not in str(error)
