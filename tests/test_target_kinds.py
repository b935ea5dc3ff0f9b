"""Target kinds (reduction, level by a year, named communes), levels and statuses, the 2026-2030
target set, and the commands that use them. Verdicts are checked by hand against the rates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import thidua_sim as ts
from thidua_sim.apps.cli import main
from thidua_sim.errors import InputErrors
from thidua_sim.model._periods import load_period_inputs
from thidua_sim.params import load_targets
from thidua_sim.planning.targets import check_target, split_district_target

ROOT = Path(__file__).resolve().parents[1]
DATA, PARAMS = ROOT / "data" / "kbang", ROOT / "params"


@pytest.fixture(scope="module")
def run():
    baseline = ts.load_baseline(DATA)
    params = ts.load_params(PARAMS, areas=baseline.areas)
    ids = [a.id for a in ts.load_area_info(DATA)] if hasattr(ts, "load_area_info") else None
    from thidua_sim.data import load_area_info

    ids = [a.id for a in load_area_info(DATA)]
    scenario = ts.load_scenario(PARAMS / "scenarios" / "programme_2026_2030.yaml", params=params, areas=ids)
    projection = ts.project(baseline, scenario, params, until=2030, draws=40, seed=7,
                            periods=load_period_inputs(DATA, PARAMS))
    targets = {x.id: x for x in load_targets(PARAMS / "targets_2026_2030.yaml", ids)}
    return projection, targets


def _rate(projection, population, year, standard="decree_351_2025"):
    """Poor share in percent by hand from the stocks (re-based stocks in the year before the switch)."""
    stocks = projection.stocks_in(population, standard)[projection.years.index(year)]
    return 100.0 * stocks[0] / stocks.sum()


def test_the_2026_2030_file(run):
    _, targets = run
    assert {t.kind for t in targets.values()} == {"reduction", "level", "communes"}
    assert targets["dtts_below_10"].threshold_points == 10.0 and targets["dtts_below_10"].strict
    assert targets["poor_communes_3_points"].areas == ("krong_2025", "dak_rong_2025")
    assert all(t.standard == "decree_351_2025" for t in targets.values())
    tt = targets["to_tung_poor_rate"]
    assert (tt.level, tt.status) == ("commune", "assigned") and "Tơ Tung" in tt.decision
    assert targets["programme_poor_rate"].level == "programme"


def test_level_target_by_hand(run):
    projection, targets = run
    target = targets["dtts_below_10"]
    check = check_target(projection, target)
    end = _rate(projection, "dtts", 2030)
    assert check.rate_end == pytest.approx(end)
    assert check.met == (end < 10.0)
    assert check.margin_points == pytest.approx(10.0 - end)
    h = projection.households("dtts")[-1]
    assert check.margin_households_per_year == pytest.approx(max(0.0, end - 10.0) * h / 100 / 4)
    per_draw = projection.rate("dtts", draws=True)[:, -1]
    assert check.probability == pytest.approx(np.mean(per_draw < 10.0))
    # the same target at a level above the projected rate is met, and its margin is positive
    easy = ts.Target("easy", "e", "e", "dtts", end + 0.5, 2026, 2030, kind="level", standard="decree_351_2025")
    assert check_target(projection, easy).met and check_target(projection, easy).margin_points == pytest.approx(0.5)


def test_reduction_target_in_the_new_standard_starts_from_the_rebased_year(run):
    projection, targets = run
    target = targets["programme_poor_rate"]
    check = check_target(projection, target)
    r0, r1 = _rate(projection, "district", 2026), _rate(projection, "district", 2030)
    # 2026 re-based by hand: P + a N + b O per group with the central shares
    s = projection.expected[projection.years.index(2026)]
    reb = load_period_inputs(DATA, PARAMS).rebasing.shares
    poor = sum(s[:, g, 0].sum() + reb[grp]["near_poor_to_poor"].central * s[:, g, 1].sum()
               + reb[grp]["other_to_poor"].central * s[:, g, 2].sum() for g, grp in enumerate(("dtts", "other")))
    assert r0 == pytest.approx(100 * poor / s.sum())
    assert check.reduction_points_per_year == pytest.approx((r0 - r1) / 4)
    assert check.met == ((r0 - r1) / 4 >= 1.0 - 1e-9)


def test_named_communes_target_by_hand(run):
    projection, targets = run
    target = targets["poor_communes_3_points"]
    check = check_target(projection, target)
    falls = {a: (_rate(projection, f"area:{a}", 2026) - _rate(projection, f"area:{a}", 2030)) / 4
             for a in target.areas}
    assert check.reduction_points_per_year == pytest.approx(min(falls.values()))
    assert check.met == all(f >= 3.0 for f in falls.values())
    easy = ts.Target("easy", "e", "e", "district", min(falls.values()) - 0.01, 2026, 2030, strict=False,
                     kind="communes", areas=target.areas, standard="decree_351_2025")
    assert check_target(projection, easy).met


def test_old_targets_keep_their_numbers():
    baseline = ts.load_baseline(DATA)
    params = ts.load_params(PARAMS, areas=baseline.areas)
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    projection = ts.project(baseline, scenario, params, until=2025)
    for target in params.targets:
        assert target.kind == "reduction" and target.standard is None
        check = check_target(projection, target)
        rate = projection.rate(target.population)
        assert check.reduction_points_per_year == pytest.approx((rate[0] - rate[-1]) / 4)


def test_proposed_split_is_marked_proposed():
    baseline = ts.load_baseline(DATA)
    params = ts.load_params(PARAMS, areas=baseline.areas)
    for target in split_district_target(baseline, params.targets[0], params=params):
        assert target.status == "proposed" and target.level == "commune"
        assert "huyện giao" not in target.name_vi.lower() and "đề xuất" in target.name_vi.lower()


BAD = """description: x
reference: y
targets:
  {body}
"""


@pytest.mark.parametrize("body, where", [
    ("t1: {name_vi: a, name_en: a, population: 'area:krong', level: commune, status: assigned, "
     "threshold_points: {value: 2, unit: percentage points per year}, start_year: 2026, end_year: 2030}",
     "targets.t1.decision"),
    ("t1: {name_vi: a, name_en: a, population: district, kind: communes, "
     "threshold_points: {value: 2, unit: percentage points per year}, start_year: 2026, end_year: 2030}",
     "targets.t1.areas"),
    ("t1: {name_vi: a, name_en: a, population: district, kind: plateau, "
     "threshold_points: {value: 2, unit: percentage points per year}, start_year: 2026, end_year: 2030}",
     "targets.t1.kind"),
    ("t1: {name_vi: a, name_en: a, population: dtts, kind: level, "
     "threshold_points: {value: 10, unit: percentage points per year}, start_year: 2026, end_year: 2030}",
     "targets.t1.threshold_points.unit"),
    ("t1: {name_vi: a, name_en: a, population: district, status: given, "
     "threshold_points: {value: 2, unit: percentage points per year}, start_year: 2026, end_year: 2030}",
     "targets.t1.status"),
])
def test_bad_target_fields_are_refused(tmp_path, body, where):
    path = tmp_path / "targets.yaml"
    path.write_text(BAD.format(body=body), encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_targets(path)
    assert any(e.where == where for e in info.value.errors), [str(e) for e in info.value.errors]


def test_cli_project_to_2030_and_check_2026_2030(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["project", "--scenario", "params/scenarios/status_quo.yaml", "--until", "2030"]) == 0
    out = capsys.readouterr().out
    assert "Năm 2021–2023: 14 đơn vị" in out and "Năm 2024: 13 đơn vị" in out
    assert "Năm 2025–2030: 6 đơn vị (Kbang, Kông Bơ La, Tơ Tung, Sơn Lang, Đak Rong, Krong)" in out
    assert "Từ năm 2027 số hộ nghèo, cận nghèo tính theo NĐ 351/2025" in out
    assert "Địa bàn huyện Kbang cũ" in out
    assert main(["check", "--scenario", "params/scenarios/programme_2026_2030.yaml",
                 "--targets", "params/targets_2026_2030.yaml"]) == 0
    out = capsys.readouterr().out
    assert "Tỷ lệ hộ nghèo đồng bào DTTS dưới 10% vào năm 2030" in out and "mức cần đạt (%)" in out
    assert "Chỉ tiêu huyện giao" not in out  # the 2026-2030 commune target is the commune's own
    # a level target's 10 is a rate to reach: the header never calls it a fall a year
    assert "Ngưỡng chỉ tiêu (điểm %/năm; mức cần đạt: %)" in out and "Mức giảm yêu cầu" not in out.split("Chỉ tiêu từng xã")[0]


def test_brief_html_never_calls_a_proposed_split_district_assigned():
    from dataclasses import replace

    from thidua_sim.apps.briefs import sections

    inputs = dict(scenario=str(PARAMS / "scenarios/status_quo.yaml"), data_dir=str(DATA), params_dir=str(PARAMS),
                  draws=0, seed=11)
    proposed = sections.commune_brief("kon_pne", **inputs)
    html = "".join(f(proposed)._repr_html_() for f in (sections.summary, sections.targets))
    assert "Chỉ tiêu huyện giao" not in html and "chỉ tiêu huyện giao" not in html
    assert "Chỉ tiêu đề xuất cho xã" in html and "Chỉ tiêu đề xuất – Kon Pne" in html
    # the same brief with the target entered from a decision says so
    assigned = sections.commune_brief("kon_pne", **inputs)
    assigned.__dict__["commune_targets"] = tuple(
        replace(x, status="assigned", decision="12/QĐ-UBND", name_vi="Chỉ tiêu huyện giao – Kon Pne")
        if x.population == "area:kon_pne" else x for x in proposed.commune_targets)
    html = sections.targets(assigned)._repr_html_()
    assert "Chỉ tiêu huyện giao" in html and "đề xuất" not in html.split("</h2>")[0]
