"""The planning commands (check, required, allocate, scoreboard) on the shipped Kbang inputs: what
they print and write agrees with the package functions; user mistakes exit 1 without a traceback."""

from pathlib import Path

import pandas as pd
import pytest

from thidua_sim import project
from thidua_sim.apps.cli import main
from thidua_sim.data import load_baseline
from thidua_sim.params import load_params, load_scenario
from thidua_sim.planning import allocate_budget, required_resources
from thidua_sim.planning.targets import check_targets, split_district_target

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "params" / "scenarios" / "status_quo.yaml")
DATA, PARAMS = str(ROOT / "data" / "kbang"), str(ROOT / "params")


@pytest.fixture(scope="module")
def inputs():
    baseline = load_baseline(DATA)
    params = load_params(PARAMS, areas=baseline.areas)
    return baseline, params, load_scenario(SCENARIO, params, baseline.areas)


def run(capsys, *argv):
    code = main([*argv, "--data", DATA, "--params", PARAMS])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_agrees_with_check_targets(capsys, tmp_path, inputs):
    baseline, params, scenario = inputs
    code, out, err = run(capsys, "check", "--scenario", SCENARIO, "--language", "en", "--out", str(tmp_path / "c.csv"))
    assert code == 0 and err == ""
    assert "District targets" in out and "estimate" in out  # the estimated baseline is flagged
    written = pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig")
    assert (written["level"] == "commune").sum() == len(baseline.areas)
    direct = check_targets(project(baseline, scenario, params), params.targets)
    got = written[written["level"] == "district"].set_index("target_id")
    for row in direct.itertuples():
        assert got.loc[row.target_id, "reduction_points_per_year"] == pytest.approx(row.reduction_points_per_year)
        assert bool(got.loc[row.target_id, "met"]) == row.met
    # commune targets are the proportional split of the district target
    split = split_district_target(baseline, params.targets[0], params=params)
    communes = written[written["level"] == "commune"].set_index("target_id")
    for t in split:
        assert communes.loc[t.id, "threshold_points"] == pytest.approx(t.threshold_points)


def test_check_vietnamese_and_xlsx(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "--scenario", SCENARIO, "--split-rule", "equal", "--out", str(tmp_path / "c.xlsx"))
    assert code == 0
    assert "Chỉ tiêu của huyện" in out and "cùng mức giảm ở mọi xã" in out
    assert set(pd.read_excel(tmp_path / "c.xlsx", sheet_name=None)) == {"targets", "communes"}


def test_required_agrees_with_required_resources(capsys, tmp_path, inputs):
    baseline, params, scenario = inputs
    code, out, _ = run(capsys, "required", "--scenario", SCENARIO, "--target", "district_poor_rate",
                       "--mode", "extra", "--out", str(tmp_path / "r.csv"))
    assert code == 0 and "triệu đồng/năm" in out
    direct = required_resources(baseline, scenario, params, params.targets[0], mode="extra")
    written = pd.read_csv(tmp_path / "r.csv", encoding="utf-8-sig")
    assert written.loc[0, "extra_mvnd_per_year"] == pytest.approx(direct.extra_mvnd_per_year)
    assert bool(written.loc[0, "feasible"]) == direct.feasible


def test_required_commune_target_and_unknown_target(capsys):
    code, out, _ = run(capsys, "required", "--scenario", SCENARIO, "--target", "district_poor_rate:kon_pne",
                       "--language", "en")
    assert code == 0 and "Kon Pne" in out
    code, out, err = run(capsys, "required", "--scenario", SCENARIO, "--target", "nope")
    assert code == 1 and "Traceback" not in err
    assert "no such target" in err and "district_poor_rate" in err


def test_allocate_writes_the_allocation(capsys, tmp_path, inputs):
    baseline, params, scenario = inputs
    code, out, _ = run(capsys, "allocate", "--scenario", SCENARIO, "--budget", "3000", "--instruments",
                       "housing,livelihood", "--cap", "kon_pne=1000", "--language", "en",
                       "--out", str(tmp_path / "a.csv"))
    assert code == 0 and "fewer" in out
    written = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig")
    assert written["mvnd_per_year"].sum() == pytest.approx(3000.0)
    assert written.loc[written.area_id == "kon_pne", "mvnd_per_year"].sum() <= 1000.0 + 1e-6
    direct = allocate_budget(baseline, scenario, params, 3000.0, instruments=["housing", "livelihood"],
                             caps={"kon_pne": 1000.0})
    assert direct.tidy()["mvnd_per_year"].to_numpy() == pytest.approx(written["mvnd_per_year"].to_numpy())


def test_allocate_bad_limit_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["allocate", "--scenario", SCENARIO, "--budget", "100", "--cap", "kon_pne", "--data", DATA])
    assert exit_info.value.code == 2
    assert "KEY=MILLION_VND" in capsys.readouterr().err
    code, _, err = run(capsys, "allocate", "--scenario", SCENARIO, "--budget", "100", "--cap", "nowhere=5")
    assert code == 1 and "unknown area or instrument" in err and "Traceback" not in err


def synthetic_results(path):
    """The shipped 2021 rows plus a synthetic 2023 review: Kon Pne cut its poor by a third, Krong not at all."""
    rows = pd.read_csv(Path(DATA) / "review_results.csv", encoding="utf-8")
    later = rows[rows["area_id"].isin(["kon_pne", "krong"])].copy()
    later["year"] = 2023
    later["estimate"] = False
    later["method"] = "synthetic test data"
    later.loc[later.area_id == "kon_pne", "poor"] = (later.loc[later.area_id == "kon_pne", "poor"] * 2 // 3)
    pd.concat([rows, later]).to_csv(path, index=False)
    return path


def test_scoreboard_with_results(capsys, tmp_path):
    results = synthetic_results(tmp_path / "results.csv")
    code, out, _ = run(capsys, "scoreboard", "--scenario", SCENARIO, "--results", str(results), "--language", "en",
                       "--out", str(tmp_path / "s.xlsx"))
    assert code == 0 and "Annual review ranking 2023" in out
    sheets = pd.read_excel(tmp_path / "s.xlsx", sheet_name=None)
    ranking = sheets["ranking"]
    assert ranking["year"].eq(2023).all()
    assert ranking.set_index("area_id").loc["kon_pne", "basis"] == "actual"
    assert ranking.set_index("area_id").loc["kon_pne", "rank"] == 1  # a third fewer poor in two years
    assert ranking.set_index("area_id").loc["krong", "on_track"] == False  # noqa: E712


def test_scoreboard_without_results_says_planned(capsys):
    code, out, _ = run(capsys, "scoreboard", "--scenario", SCENARIO, "--kind", "tong_ket")
    assert code == 0
    assert "chỉ có số kế hoạch" in out and "Xếp hạng tổng kết 2021–2025" in out


def test_missing_scenario_file(capsys):
    code, _, err = run(capsys, "check", "--scenario", str(ROOT / "params" / "scenarios" / "none.yaml"))
    assert code == 1 and "none.yaml" in err and "Traceback" not in err
