"""``thidua-sim project`` and ``thidua-sim calibrate`` through ``thidua_sim.apps.cli.main``."""

import json

import numpy as np
import pandas as pd
import pytest

from thidua_sim.apps.cli import main
from thidua_sim.data import load_baseline
from thidua_sim.params import load_base_rates, load_params, load_scenario
from thidua_sim.model.projection import project
from thidua_sim.report.i18n import format_percent

SCENARIO = "params/scenarios/status_quo.yaml"


def shipped(until=2025, draws=0, seed=2021):
    baseline = load_baseline("data/kbang")
    params = load_params("params", areas=baseline.areas)
    return project(baseline, load_scenario(SCENARIO, params, baseline.areas), params, until=until, draws=draws,
                   seed=seed)


def test_project_prints_district_and_groups(capsys):
    assert main(["project", "--scenario", SCENARIO, "--language", "en"]) == 0
    out = capsys.readouterr().out
    expected = shipped()
    for title, population in (("District", "district"), ("Ethnic-minority households", "dtts"),
                              ("Other households", "other")):
        assert title in out
        # the printed 2025 rate is the projection's, in the language's format
        assert format_percent(expected.rate(population)[-1], "en", 2) in out
    assert "estimate" in out  # the shipped baseline is estimated, and the output says so


def test_project_vietnamese_with_draws_shows_the_band(capsys):
    assert main(["project", "--scenario", SCENARIO, "--draws", "200", "--seed", "5", "--until", "2023"]) == 0
    out = capsys.readouterr().out
    assert "Toàn huyện" in out and "Hộ đồng bào DTTS" in out and "200 lần mô phỏng" in out
    p = shipped(until=2023, draws=200, seed=5)
    low, high = np.quantile(p.rate("district", draws=True), [0.05, 0.95], axis=0)
    assert f"{format_percent(p.rate('district')[-1], 'vi', 2)} ({low[-1]:.1f}–{high[-1]:.1f})".replace(".", ",") in out


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_project_writes_the_table(tmp_path, suffix, capsys):
    out = tmp_path / f"projection{suffix}"
    assert main(["project", "--scenario", SCENARIO, "--until", "2023", "--draws", "20", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    if suffix == ".csv":
        table = pd.read_csv(out)
    elif suffix == ".json":
        table = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    else:
        table = pd.read_excel(out, sheet_name="projection")
    expected = shipped(until=2023, draws=20).table()
    assert list(table.columns) == list(expected.columns) and len(table) == len(expected)
    np.testing.assert_allclose(table["value"].to_numpy(float), expected["value"].to_numpy(float), rtol=1e-9,
                               atol=1e-12)
    assert (table["population"].astype(str).to_numpy() == expected["population"].astype(str).to_numpy()).all()
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_project_refuses_unknown_output_type_without_traceback(tmp_path, capsys):
    out = tmp_path / "projection.txt"
    assert main(["project", "--scenario", SCENARIO, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "unknown file type '.txt'" in err and ".csv, .json, .xlsx" in err
    assert "Traceback" not in err and not out.exists()


def test_project_reports_bad_inputs(tmp_path, capsys):
    assert main(["project", "--scenario", str(tmp_path / "nowhere.yaml")]) == 1
    assert "nowhere.yaml" in capsys.readouterr().err
    assert main(["project", "--scenario", SCENARIO, "--draws", "-2"]) == 1
    assert "draws" in capsys.readouterr().err
    assert main(["project", "--scenario", SCENARIO, "--until", "2020"]) == 1
    assert "until" in capsys.readouterr().err


def test_calibrate_on_gia_lai_writes_a_usable_base_rates_file(tmp_path, capsys):
    out = tmp_path / "fitted.yaml"
    code = main(["calibrate", "--data", "data/gialai", "--scenario", SCENARIO, "--scale", "14.7",
                 "--samples", "2000", "--out", str(out), "--language", "en"])
    assert code == 0
    text = capsys.readouterr().out
    assert "2021->2022" in text and "Observed figures and the fit" in text and "estimates" in text
    rates = load_base_rates(out)
    prior = load_base_rates("params/base_rates.yaml")
    assert set(rates.rates) == {"dtts", "other"}
    assert rates.area_multipliers == prior.area_multipliers  # kept, with their sources
    # the fitted rates reproduce Gia Lai 2022 from 2021 with the same scenario, by the expected path
    from thidua_sim.data import load_review_results

    review = load_review_results("data/gialai/review_results.csv", "data/gialai")
    params = load_params("params", base_rates=out)
    scenario = load_scenario(SCENARIO, params, review.areas).scaled(14.7)
    p = project(review.baseline(2021), scenario, params, until=2022)
    observed = review.baseline(2022).households
    np.testing.assert_allclose(p.expected[1, 0, :, :2], observed[0, :, :2], rtol=0.01)


def test_calibrate_refuses_a_single_year_and_a_bad_output(tmp_path, capsys):
    assert main(["calibrate", "--data", "data/kbang", "--scenario", SCENARIO, "--out",
                 str(tmp_path / "x.yaml")]) == 1
    err = capsys.readouterr().err
    assert "at least two consecutive years" in err and "Traceback" not in err
    assert main(["calibrate", "--data", "data/gialai", "--scenario", SCENARIO, "--out", str(tmp_path / "x.csv")]) == 1
    assert ".yaml" in capsys.readouterr().err
