"""Loading the shipped data, the template round trip, the crosswalk roll-up and validate_data_file."""

import csv

import numpy as np
import openpyxl
import pytest

from thidua_sim import GROUPS, project
from thidua_sim.apps.cli import main as cli_main
from thidua_sim.data import (
    SHIPPED_DATA,
    load_areas,
    load_baseline,
    load_crosswalk,
    load_figures,
    load_review_results,
    rollup,
    validate_data_file,
    write_template,
)
from thidua_sim.errors import InputErrors

KBANG = SHIPPED_DATA / "kbang"


def test_shipped_areas_are_the_14_units_of_2021_2024():
    areas = load_areas(KBANG)
    assert len(areas) == 14
    assert sum(a.kind == "town" for a in areas) == 1
    assert {a.name for a in areas} >= {"Thị trấn Kbang", "Kon Pne", "Kông Lơng Khơng", "Đăk HLơ", "Sơ Pai"}


def test_shipped_baseline_totals_match_the_public_district_figures():
    baseline = load_baseline(KBANG)
    assert baseline.year == 2021
    assert baseline.households.shape == (14, 2, 3)
    assert baseline.households.sum() == 17732              # households of the 14 units (brochure)
    assert baseline.households[:, GROUPS.index("dtts")].sum() == 9375
    assert baseline.estimated.all()                         # every figure is an estimate
    assert all("estimate" in baseline.provenance[a] for a in baseline.area_ids)
    assert (baseline.households >= 0).all()


def test_shipped_baseline_keeps_son_lang_published_figures():
    baseline = load_baseline(KBANG)
    i = baseline.area_index("son_lang")
    dtts, other = baseline.households[i]
    assert dtts[0] + other[0] == 85 and dtts[0] == 66          # poor, of which dtts
    assert dtts[1] + other[1] == 216 and dtts[1] == 151        # near-poor, of which dtts
    assert baseline.households[i].sum() == 1209


def test_shipped_baseline_projects():
    from factories import make_params, make_scenario

    projection = project(load_baseline(KBANG), make_scenario(), make_params(), until=2023)
    assert projection.expected.shape == (3, 14, 2, 3)


def test_review_results_table_columns_and_types():
    results = load_review_results(KBANG / "review_results.csv")
    assert list(results.table.columns) == ["area_id", "group", "year", "households", "poor", "near_poor",
                                           "escaped_poverty", "fell_back", "newly_poor", "near_poor_to_poor",
                                           "estimate", "method", "source"]
    assert results.years == (2021,)
    assert results.table["fell_back"].isna().all()
    assert results.table["estimate"].all()
    assert [a.id for a in results.areas] == [a.id for a in load_areas(KBANG)]


def test_saving_gives_back_the_shipped_file(tmp_path):
    results = load_review_results(KBANG / "review_results.csv")
    saved = results.to_csv(tmp_path / "review_results.csv")
    assert saved.read_bytes() == (KBANG / "review_results.csv").read_bytes()
    with pytest.raises(InputErrors, match="already exists"):
        results.to_csv(saved)


def test_baseline_of_a_missing_year_is_an_input_error():
    results = load_review_results(KBANG / "review_results.csv")
    with pytest.raises(InputErrors, match="year 2023"):
        results.baseline(2023)


def test_gialai_province_figures_by_group():
    results = load_review_results(SHIPPED_DATA / "gialai" / "review_results.csv")
    assert results.years == (2021, 2022)
    b21, b22 = results.baseline(2021), results.baseline(2022)
    # published counts (Report 67/BC-UBND; Decision 822/QĐ-UBND)
    assert b21.households[0, :, 0].sum() == 45688 and b21.households[0, 0, 0] == 40475
    assert b22.households[0, :, 1].sum() == 37253 and b22.households[0, 0, 1] == 28565
    # the derived households give back the published rates to 0.01 %
    for b, total_pct, dtts_pct in ((b21, 12.09, 25.58), (b22, 10.06, 21.26)):
        h = b.households[0]
        assert 100 * h[:, 0].sum() / h.sum() == pytest.approx(total_pct, abs=0.005)
        assert 100 * h[0, 0] / h[0].sum() == pytest.approx(dtts_pct, abs=0.005)


def test_national_figures_are_as_published():
    figures = load_figures(SHIPPED_DATA / "vietnam" / "figures.csv")
    row = figures[(figures.year == 2022) & (figures.population == "all") & (figures.measure == "poor")].iloc[0]
    assert row.value == 1057374 and not row.derived
    derived = figures[figures.derived]
    assert set(zip(derived.year, derived.measure, strict=True)) == {(2021, "poor_rate_pct"), (2022, "households")}
    assert (derived.note != "").all()


# --- template round trip --------------------------------------------------------------

def shipped_rows():
    with open(KBANG / "review_results.csv", encoding="utf-8") as f:
        return {(r["area_id"], r["group"]): r for r in csv.DictReader(f)}


def test_template_xlsx_fill_and_import(tmp_path):
    path = write_template(tmp_path / "ra_soat.xlsx", year=2021)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Xã/thị trấn", "Nhóm hộ", "Năm", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo"]
    assert "Hướng dẫn" in book.sheetnames[1]
    guide = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert "households" in guide and "near_poor_to_poor" in guide
    # fill in the shipped figures, as a planner would type them
    names = {a.name: a.id for a in load_areas(KBANG)}
    expected = shipped_rows()
    filled = 0
    for row in sheet.iter_rows(min_row=2):
        area, group = names[row[0].value], {"DTTS": "dtts", "Khác": "other"}[row[1].value]
        source = expected[area, group]
        row[3].value, row[4].value, row[5].value = (int(source[c]) for c in ("households", "poor", "near_poor"))
        filled += 1
    sheet.cell(row=2, column=1).value = "tt kbang"             # a planner's spelling
    book.save(path)
    assert filled == 28
    imported = load_review_results(path)
    assert (imported.baseline(2021).households == load_baseline(KBANG).households).all()
    assert not imported.table["estimate"].any()                 # typed-in figures are reported ones


def test_template_csv_fill_and_import(tmp_path):
    path = write_template(tmp_path / "ra_soat.csv", year=2021)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")        # BOM: Excel shows the diacritics
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    names = {a.name: a.id for a in load_areas(KBANG)}
    expected = shipped_rows()
    for row in rows[1:]:
        source = expected[names[row[0]], {"DTTS": "dtts", "Khác": "other"}[row[1]]]
        row[3:6] = [source["households"], source["poor"], source["near_poor"]]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    imported = load_review_results(path)
    assert (imported.baseline().households == load_baseline(KBANG).households).all()


def test_template_for_2025_lists_the_new_communes(tmp_path):
    path = write_template(tmp_path / "t.xlsx", year=2025)
    names = {row[0] for row in openpyxl.load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert names == {"Kbang", "Kông Bơ La", "Tơ Tung", "Sơn Lang", "Đak Rong", "Krong"}


def test_template_refuses_to_overwrite(tmp_path):
    path = write_template(tmp_path / "t.csv")
    with pytest.raises(InputErrors, match="already exists"):
        write_template(path)
    write_template(path, overwrite=True)


def test_template_command(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert cli_main(["template", "--out", str(out), "--year", "2024"]) == 0
    assert out.exists() and f"Đã ghi {out}" in capsys.readouterr().out  # Vietnamese by default, like every command
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 26 and rows[0][2] == 2024                # 13 units after Đăk HLơ's dissolution x 2
    assert cli_main(["template", "--out", str(out)]) == 1        # exists: refused, no traceback


# --- crosswalk and roll-up ---------------------------------------------------------------

def test_crosswalk_rows():
    crosswalk = load_crosswalk(KBANG / "crosswalk.csv")
    assert [d.isoformat() for d in crosswalk.dates] == ["2024-11-01", "2025-07-01"]
    split = [r for r in crosswalk.rows if r.old_id == "dak_hlo"]
    assert {r.new_id: r.people for r in split} == {"nghia_an": 284, "kong_bo_la": 2597}
    assert sum(r.share for r in split) == pytest.approx(1)
    assert {r.old_id for r in crosswalk.rows if r.new_id == "kbang_2025"} == {"kbang", "lo_ku", "dak_smar"}


def test_rollup_conserves_every_count():
    results = load_review_results(KBANG / "review_results.csv")
    rolled = rollup(results, load_crosswalk(KBANG / "crosswalk.csv"))
    assert [a.id for a in rolled.areas] == ["kbang_2025", "kong_bo_la_2025", "to_tung_2025", "son_lang_2025",
                                            "dak_rong_2025", "krong_2025"]
    for c in ("households", "poor", "near_poor"):
        for g in GROUPS:
            assert rolled.table[rolled.table.group == g][c].sum() == results.table[results.table.group == g][c].sum()
    old = results.table.set_index(["area_id", "group"])
    new = rolled.table.set_index(["area_id", "group"])
    # Tơ Tung 2025 = Tơ Tung + Kông Lơng Khơng, exactly
    assert new.loc[("to_tung_2025", "dtts"), "poor"] == (old.loc[("to_tung", "dtts"), "poor"]
                                                         + old.loc[("kong_long_khong", "dtts"), "poor"])
    assert rolled.baseline().households.sum() == 17732


def test_rollup_splits_dak_hlo_by_people_share(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("area_id,group,year,households,poor,near_poor\n"
                    "dak_hlo,dtts,2021,100,11,7\ndak_hlo,other,2021,0,0,0\n"
                    "nghia_an,dtts,2021,0,0,0\nnghia_an,other,2021,0,0,0\n"
                    "kong_bo_la,dtts,2021,0,0,0\nkong_bo_la,other,2021,0,0,0\n", encoding="utf-8")
    results = load_review_results(path, KBANG)
    rolled = rollup(results, load_crosswalk(KBANG / "crosswalk.csv"), on="2024-12-31")
    table = rolled.table.set_index(["area_id", "group"])
    # shares 284/2881 and 2597/2881; by hand: poor 11 -> 1.08 + 9.92 -> 1 + 10; near-poor 7 -> 0.69 + 6.31
    # -> 1 + 6; other 82 -> 8.08 + 73.92 -> 8 + 74 (largest remainder)
    assert tuple(table.loc[("nghia_an", "dtts"), ["households", "poor", "near_poor"]]) == (10, 1, 1)
    assert tuple(table.loc[("kong_bo_la", "dtts"), ["households", "poor", "near_poor"]]) == (90, 10, 6)
    assert "dak_hlo" not in set(rolled.table.area_id)
    assert table.loc[("nghia_an", "dtts"), "estimate"]          # a split is an estimate


# --- validate_data_file -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["kbang/areas.csv", "kbang/areas_2025.csv", "kbang/review_results.csv",
                                  "kbang/crosswalk.csv", "gialai/areas.csv", "gialai/review_results.csv",
                                  "gialai/figures.csv", "vietnam/figures.csv"])
def test_every_shipped_data_file_is_clean(name):
    assert validate_data_file(SHIPPED_DATA / name) == []


def test_validate_data_file_ignores_other_files(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert validate_data_file(tmp_path / "notes.csv") is None
    assert validate_data_file(KBANG / "README.md") is None


def test_validate_data_file_reports_problems(tmp_path):
    (tmp_path / "areas.csv").write_bytes((KBANG / "areas.csv").read_bytes())
    path = tmp_path / "r.csv"
    path.write_text("Xã/thị trấn,Nhóm hộ,Năm,Tổng số hộ,Hộ nghèo,Hộ cận nghèo\nKon Pne,DTTS,2021,10,20,0\n"
                    "Kon Pne,Khác,2021,1,0,0\n", encoding="utf-8")
    (error,) = validate_data_file(path)
    assert error.where == "row 2, column F 'Hộ cận nghèo'"


def test_validate_data_file_flags_a_non_utf8_csv(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("Xã/thị trấn,Năm\n".encode("utf-16"))
    errors = validate_data_file(path)
    assert errors and "UTF-8" in errors[0].expected


def test_loaded_arrays_are_independent_copies():
    a, b = load_baseline(KBANG), load_baseline(KBANG)
    a.households[0, 0, 0] += 1
    assert not np.array_equal(a.households, b.households)


def test_the_documented_planner_example_gives_the_shipped_son_lang_rows(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Xã/thị trấn,Nhóm hộ,Năm,Tổng số hộ,Hộ nghèo,Hộ cận nghèo\n"
                    "Xã Sơn Lang,Tổng,2021,1209,85,216\nSon Lang,DTTS,2021,596,66,151\n", encoding="utf-8")
    typed = load_review_results(path, KBANG).baseline().households
    shipped = load_baseline(KBANG)
    assert (typed[0] == shipped.households[shipped.area_index("son_lang")]).all()
