"""The briefs' forecast-record box (read from the shipped backtest metrics, never recomputed) and the
district brief's "what decides whether the target is met" section; the backtest and sensitivity
commands' refusals."""

import pandas as pd
import pytest

from thidua_sim.apps.cli import main
from thidua_sim.report.validation import backtest_box


def _metrics(tmp_path, mae_model):
    rows = [{"measure": "poor_rate", "horizon": "1", "n": 4, "mae_model": mae_model, "mae_linear": 0.40,
             "mae_ratio": 0.50, "bias_model": 0.1, "bias_linear": 0.0, "bias_ratio": 0.2, "cover80": 0.75,
             "cover90": 1.0, "years": "2018, 2021"},
            {"measure": "poor_rate", "horizon": "all", "n": 9, "mae_model": 1.0, "mae_linear": 1.0,
             "mae_ratio": 1.0, "bias_model": 0.1, "bias_linear": 0.0, "bias_ratio": 0.2, "cover80": 0.8,
             "cover90": 0.9, "years": "2018, 2021"}]
    path = tmp_path / "backtest_metrics.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_forecast_box_reads_the_shipped_metrics_and_says_when_the_model_loses(tmp_path):
    worse = backtest_box(_metrics(tmp_path, 0.45), "en")
    assert worse["title"] == "How well this model forecast past years"
    assert "on 4 published reviews (2018, 2021)" in worse["text"]
    assert "model 0.45 points, of a linear trend 0.40, of a constant-ratio decline 0.50" in worse["text"]
    assert "80% of the actual values" in worse["text"] and "did not forecast better" in worse["text"]
    better = backtest_box(_metrics(tmp_path, 0.30), "vi")
    assert "0,30 điểm %" in better["text"] and "tốt hơn cả hai" in better["text"]
    assert "Chưa có kết quả" in backtest_box(tmp_path / "none.csv", "vi")["text"]


def test_shipped_metrics_file_exists_and_has_the_one_year_poor_rate_row():
    m = pd.read_csv("data/history/backtest_metrics.csv", dtype={"horizon": str}, encoding="utf-8-sig")
    row = m[(m["measure"] == "poor_rate") & (m["horizon"] == "1")]
    assert len(row) == 1 and row.iloc[0]["n"] >= 1


def test_district_brief_shows_what_decides_the_target():
    from thidua_sim.apps.briefs import sections

    brief = sections.district_brief("status_quo", data_dir="data/kbang", params_dir="params", draws=0,
                                    language="en")
    text = sections.what_decides(brief).text()
    assert "What decides whether the target is met" in text
    assert "probability of meeting the target" in text and "±" in text
    assert "conditional" in text
    record = sections.forecast_record(brief).text()
    assert "How well this model forecast past years" in record and "params/" in record


@pytest.mark.parametrize("argv, message", [
    (["backtest", "--out", "x.json"], "expected a name ending in .csv or .xlsx"),
    (["backtest", "--history", "no/such/folder"], "no such file"),
    (["sensitivity", "--scenario", "params/scenarios/status_quo.yaml", "--target", "nope"], "no such target"),
    (["sensitivity", "--scenario", "params/scenarios/status_quo.yaml", "--samples", "100"], "power of 2"),
])
def test_commands_refuse_bad_options_without_a_traceback(argv, message, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sensitivity_command_prints_and_writes(tmp_path, capsys):
    out = tmp_path / "s.xlsx"
    assert main(["sensitivity", "--scenario", "params/scenarios/status_quo.yaml", "--samples", "16",
                 "--language", "en", "--out", str(out), "--chart", str(tmp_path / "s.png")]) == 0
    text = capsys.readouterr().out
    assert "Sobol indices" in text and "PRIM" in text and "±" in text
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"indices", "samples"} <= set(sheets) and (tmp_path / "s.png").stat().st_size > 1000


def test_calibrate_then_project_warns_about_the_support_and_uses_the_joint_draws(tmp_path, capsys):
    fitted = tmp_path / "fitted.yaml"
    assert main(["calibrate", "--data", "data/gialai", "--scenario", "params/scenarios/status_quo.yaml",
                 "--scale", "14.8", "--out", str(fitted), "--samples", "1000", "--language", "en"]) == 0
    draws = tmp_path / "fitted.posterior.csv"
    table = pd.read_csv(draws)
    assert len(table) == 4000 and "rate:dtts:pPO" in table.columns
    capsys.readouterr()
    assert main(["project", "--scenario", "params/scenarios/status_quo.yaml", "--base-rates", str(fitted),
                 "--draws", "20", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "fitted with the resources of scenario status_quo_x14.8 times 14.80" in out
    assert "723,720 million VND in 2022" in out and "48,900 million VND" in out


def test_project_options_interval_fixed_parameters_baseline_year_and_level(capsys):
    assert main(["project", "--scenario", "params/scenarios/status_quo.yaml", "--draws", "50", "--interval", "80",
                 "--no-parameter-uncertainty", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Poverty rate (80 % band)" in out and "Parameter uncertainty is off" in out
    assert main(["project", "--data", "data/gialai", "--scenario", "params/scenarios/status_quo.yaml",
                 "--baseline-year", "latest", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "baseline 2022" in out and "\nProvince\n" in out and "\nDistrict\n" not in out
    assert main(["project", "--scenario", "params/scenarios/status_quo.yaml", "--baseline-year", "20x1"]) == 1
    assert "expected a review year" in capsys.readouterr().err


def test_fixed_parameters_remove_every_interval():
    from thidua_sim.apps.cli.commands.project import fixed_parameters
    from thidua_sim.params import load_params

    params = fixed_parameters(load_params("params"))
    assert all(v.is_fixed for r in params.base_rates.rates.values() for v in r.values())
    assert all(i.cost_mvnd.is_fixed and all(e.is_fixed for e in i.effects.values())
               for i in params.instruments.values())


def test_planner_shows_what_decides_the_target():
    from factories import line, make_baseline, make_instrument, make_params, make_rates, make_scenario

    from thidua_sim import Target
    from thidua_sim.apps.planner import Planner

    instruments = [make_instrument("livelihood", 10.0, ("poor",), {"uPO": 0.3})]
    params = make_params(instruments, rates=make_rates(interval=0.3))
    params = type(params)(params.base_rates, params.instruments,
                          (Target("district_poor_rate", "d", "d", "district", 2.0, 2021, 2025),), "test")
    scenario = make_scenario([line(y, "livelihood", 500.0, rule="poor") for y in (2022, 2023, 2024, 2025)])
    planner = Planner(make_baseline(), params, scenario, lang="en", draws=20, scheduler=lambda f: f(),
                      live_required=False)
    result = planner.compute_sensitivity(base_samples=16)
    html = planner.sensitivity_output.value
    assert result is not None and "<img" in html and "probability of meeting the target" in html
    assert "±" in html and "conditional" in html
    assert planner.sensitivity_button.description == "What decides whether the target is met"


def test_calibrate_needs_data_and_scenario_or_history(tmp_path, capsys):
    assert main(["calibrate", "--out", str(tmp_path / "x.yaml")]) == 1
    assert "give --data and --scenario" in capsys.readouterr().err
    assert main(["calibrate", "--history", "data/history", "--out", str(tmp_path / "x.yaml")]) == 1
    assert "expected a name ending in .csv" in capsys.readouterr().err


@pytest.mark.slow
def test_calibrate_on_the_history_prints_diagnostics_and_writes_joint_draws(tmp_path, capsys):
    out = tmp_path / "draws.csv"
    assert main(["calibrate", "--history", "data/history", "--out", str(out), "--language", "en"]) == 0
    text = capsys.readouterr().out
    assert "largest R-hat" in text and "kon_tum|all|07/2021" in text
    draws = pd.read_csv(out, encoding="utf-8-sig")
    assert len(draws) >= 3000 and "shared:pPO" in draws.columns
