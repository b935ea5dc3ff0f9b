"""The final review (tổng kết): numbers by hand on a small results file, the strict criteria
sheet, the commendation rule, and the command (workbook and brief, estimates said on every page)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import thidua_sim as ts
from thidua_sim.apps.cli import main
from thidua_sim.data import load_area_info, load_crosswalk, load_review_results
from thidua_sim.errors import InputErrors
from thidua_sim.planning._final_review import final_review, load_criteria, movement_units, write_criteria_template

ROOT = Path(__file__).resolve().parents[1]
DATA, PARAMS = ROOT / "data" / "kbang", ROOT / "params"
HEADER = "area_id,group,year,households,poor,near_poor,estimate,source\n"


def _results(tmp_path, reported=True):
    """Krong and Kon Pne + Đak Rong 2021-2025 (others left out): hand-checkable rates.

    Krong, dtts: 1000 households; poor 300 (2021), 260, 220, 190 (2024); 2025 on krong_2025: 160.
    Kon Pne: 500 households, poor 200, 180, 150, 140; Đak Rong: 500, poor 100, 90, 80, 60;
    2025 dak_rong_2025: 1000 households, poor 170. Other group: 100 households, 10 poor, every unit.
    """
    rows = []
    krong = [300, 260, 220, 190]
    kon = [200, 180, 150, 140]
    dak = [100, 90, 80, 60]
    est = "false" if reported else "true"
    for i, y in enumerate(range(2021, 2025)):
        for area, poor, hh in (("krong", krong[i], 1000), ("kon_pne", kon[i], 500), ("dak_rong", dak[i], 500)):
            rows.append(f"{area},dtts,{y},{hh},{poor},0,{est},test")
            rows.append(f"{area},other,{y},100,10,0,{est},test")
    rows += [f"krong_2025,dtts,2025,1000,160,0,{est},test", f"krong_2025,other,2025,100,10,0,{est},test",
             f"dak_rong_2025,dtts,2025,1000,170,0,{est},test", f"dak_rong_2025,other,2025,200,20,0,{est},test"]
    path = tmp_path / "ket_qua.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _targets():
    district = [ts.Target("d", "Huyện", "District", "district", 2.0, 2021, 2025),
                ts.Target("t", "DTTS", "Dtts", "dtts", 3.0, 2021, 2025)]
    communes = [ts.Target("k", "Krong", "Krong", "area:krong", 3.0, 2021, 2025, strict=False, level="commune",
                          status="assigned", decision="5/QĐ-UBND"),
                ts.Target("p", "Kon Pne", "Kon Pne", "area:kon_pne", 3.0, 2021, 2025, strict=False, level="commune",
                          status="proposed"),
                ts.Target("r", "Đak Rong", "Đak Rong", "area:dak_rong", 1.0, 2021, 2025, strict=False,
                          level="commune", status="proposed")]
    return district, communes


@pytest.fixture(scope="module")
def info():
    return load_area_info(DATA)


def test_numbers_by_hand(tmp_path, info):
    results = load_review_results(_results(tmp_path), info)
    crosswalk = load_crosswalk(DATA / "crosswalk.csv", info)
    district, communes = _targets()
    review = final_review(results, crosswalk, info, district, communes)
    y = review.years.set_index(["area_id", "year"])
    # Krong 2022: (310 / 1100) vs (270 / 1100): 2021 28.18 %, 2022 24.55 %: fall 3.64 points >= 3: met
    assert y.loc[("krong", 2022), "reduction"] == pytest.approx(100 * 40 / 1100)
    assert bool(y.loc[("krong", 2022), "met"])
    # Krong 2024: 230 -> 200 of 1100: fall 2.73 < 3: not met
    assert y.loc[("krong", 2024), "reduction"] == pytest.approx(100 * 30 / 1100) and not y.loc[("krong", 2024), "met"]
    # 2025 on the new commune, against 2024 of its former unit: 200/1100 -> 170/1100
    assert y.loc[("krong_2025", 2025), "reduction"] == pytest.approx(100 * 30 / 1100)
    # Đak Rong 2025 is Kon Pne + Đak Rong: 2024 (150 + 70) / 1200 -> 190 / 1200
    assert y.loc[("dak_rong_2025", 2025), "prev_rate"] == pytest.approx(100 * 220 / 1200)
    assert y.loc[("dak_rong_2025", 2025), "rate"] == pytest.approx(100 * 190 / 1200)
    p = review.period.set_index("area_id")
    # Krong over its life 2021-2024: (310 - 200) / 1100 / 3 years
    assert p.at["krong", "reduction_per_year"] == pytest.approx(100 * 110 / 1100 / 3)
    assert p.at["krong", "met_period"] and not p.at["krong", "met_each_year"]
    # the new communes 2021 -> 2025 through the crosswalk: Đak Rong 2025 from (210 + 110) / 1200
    n = review.new_communes.set_index("area_id")
    assert n.at["dak_rong_2025", "rate_first"] == pytest.approx(100 * 320 / 1200)
    assert n.at["dak_rong_2025", "reduction_per_year"] == pytest.approx((100 * 320 / 1200 - 100 * 190 / 1200) / 4)
    assert set(n.at["dak_rong_2025", "history"].split(", ")) == {"Kon Pne", "Đak Rong"}
    # the whole area: 2021 (310 + 210 + 110) / 2300 -> 2025 (170 + 190) / 2300
    d = review.district.set_index("target_id")
    assert d.at["d", "reduction_per_year"] == pytest.approx((100 * 630 / 2300 - 100 * 360 / 2300) / 4)
    assert d.at["d", "met"] == (d.at["d", "reduction_per_year"] > 2.0)
    assert d.at["t", "rate_start"] == pytest.approx(100 * 600 / 2000)
    # ranking: Đak Rong (met every year: falls 10/600, 10/600, 20/600 = 1.67, 1.67, 3.33 >= 1) first
    assert review.ranking.iloc[0]["area_id"] == "dak_rong" and review.ranking.iloc[0]["rank"] == 1
    assert not review.only_estimates and not review.any_estimates


def _criteria(tmp_path, rows, header="Đơn vị,Nguồn lực huy động (triệu đồng),Sử dụng kinh phí đúng quy định,"
                                      "Quyết toán đúng hạn,Báo cáo đúng hạn,Ghi chú"):
    path = tmp_path / "tieu_chi.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_commendation_needs_all_four_criteria(tmp_path, info):
    results = load_review_results(_results(tmp_path), info)
    crosswalk = load_crosswalk(DATA / "crosswalk.csv", info)
    district, communes = _targets()
    criteria = load_criteria(_criteria(tmp_path, ["Đak Rong,1200,có,có,có,", "Krong,0,có,có,có,",
                                                  "Kon Pne,500,có,không,có,"]), movement_units(info))
    review = final_review(results, crosswalk, info, district, communes, criteria)
    c = review.commendations.set_index("area_id")
    assert bool(c.at["dak_rong", "proposed"])  # met every year and all three sheet criteria
    assert not c.at["krong", "proposed"] and c.at["krong", "resources_mobilised"] == False  # noqa: E712 - 0 mobilised
    assert not c.at["kon_pne", "proposed"] and c.at["kon_pne", "funds_regulated_settled"] == False  # noqa: E712


@pytest.mark.parametrize("rows, header, where", [
    (["Đak Rong,1200,có,có,có,"], "Đơn vị,Nguồn lực,Sử dụng kinh phí đúng quy định,Quyết toán đúng hạn,"
                                   "Báo cáo đúng hạn", "row 1, column B"),
    (["Đak Rong,1200,có,có,có,", "Krong,50,có,hơi,có,"], None, "row 3, column D"),
    (["Đak Rong,-5,có,có,có,"], None, "row 2, column B"),
    (["Đak Rong,1200,có,có,,"], None, "row 2, column E"),
    (["Hà Nội,1200,có,có,có,"], None, "row 2, column A"),
    (["Đak Rong,1200,có,có,có,", "Đăk Roong,10,có,có,có,"], None, "row 3, column A"),
])
def test_malformed_criteria_sheet_is_refused_with_file_row_column(tmp_path, info, rows, header, where):
    path = _criteria(tmp_path, rows, header) if header else _criteria(tmp_path, rows)
    with pytest.raises(InputErrors) as exc:
        load_criteria(path, movement_units(info))
    text = str(exc.value)
    assert str(path) in text and where in text, text


def test_criteria_template_round_trips(tmp_path, info):
    path = write_criteria_template(tmp_path / "mau.xlsx", movement_units(info))
    sheet = load_workbook(path)["tieu_chi"]
    assert [c.value for c in sheet[1]][:5] == ["Đơn vị", "Nguồn lực huy động (triệu đồng)",
                                                "Sử dụng kinh phí đúng quy định", "Quyết toán đúng hạn",
                                                "Báo cáo đúng hạn"]
    assert sheet.max_row == 1 + 14  # the 14 units of 2021
    with pytest.raises(InputErrors):  # blank cells are refused, not read as "no"
        load_criteria(path, movement_units(info))
    with pytest.raises(InputErrors):  # never replaced silently
        write_criteria_template(path, info)


def test_command_writes_workbook_and_brief_and_says_estimates_everywhere(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    out, brief = tmp_path / "tk.xlsx", tmp_path / "tk.html"
    assert main(["review-final", "--out", str(out), "--brief", str(brief)]) == 0
    text = capsys.readouterr().out
    assert "Toàn bộ số liệu của bản tổng kết này là số ước tính" in text
    book = load_workbook(out)
    assert book.sheetnames == ["chi_tieu_huyen", "tung_nam", "xep_hang", "xa_moi", "de_nghi_khen_thuong"]
    for ws in book.worksheets:
        assert any("số ước tính" in str(c.value) for c in ws["A"][:4]), ws.title
    html = brief.read_text(encoding="utf-8")
    assert html.count("<section") == 6 and html.count("Toàn bộ số liệu của bản tổng kết này là số ước tính") == 6
    assert "Chỉ tiêu huyện giao" not in html and "chỉ tiêu đề xuất" in html
    assert "<script" not in html


def test_command_refuses_bad_criteria_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    bad = _criteria(tmp_path, ["Krong,12,có,có,maybe,"])
    out, brief = tmp_path / "tk.xlsx", tmp_path / "tk.html"
    assert main(["review-final", "--criteria", str(bad), "--out", str(out), "--brief", str(brief)]) == 1
    err = capsys.readouterr().err
    assert "row 2, column E" in err and str(bad) in err and "Traceback" not in err
    assert not out.exists() and not brief.exists()


def test_command_with_reported_results(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    out, brief = tmp_path / "tk.xlsx", tmp_path / "tk.html"
    assert main(["review-final", "--results", str(_results(tmp_path)), "--out", str(out), "--brief", str(brief),
                 "--language", "en"]) == 0
    html = brief.read_text(encoding="utf-8")
    assert "estimate, not official" not in html and "Final review" in html
    frame = pd.read_excel(out, sheet_name="tung_nam", header=None)
    assert frame.shape[0] > 10
