"""Scenario files: expansion to resource lines, save/load round trip, refusal to overwrite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from factories import line, make_baseline, make_instrument, make_params, make_scenario

from thidua_sim import ResourceLine, project
from thidua_sim.errors import InputErrors
from thidua_sim.params import load_params, load_scenario, save_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "params" / "scenarios"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """
id: small
name_vi: "Kịch bản nhỏ"
name_en: Small
description: a hand-made scenario
assumption: test amounts
resources:
  livelihood:
    lines:
      - {years: 2022-2024, amount_mvnd_per_year: 300, rule: poor}
      - {years: 2023, areas: {area_0: 50, area_1: 20}}
  housing:
    reference: "project 5 plan"
    lines:
      - {years: 2022-2023, amount_mvnd_per_year: 100, rule: shares, shares: {area_0: 3, area_1: 1}}
      - {years: 2024, amount_mvnd_per_year: 80, area: area_1, assumption: "one more house"}
entry_shares:
  dtts: {poor: 0.2, near_poor: 0.3, other: 0.5}
  other: {poor: 0.05, near_poor: 0.15, other: 0.8}
"""


def test_lines_expand_per_year_and_destination(tmp_path):
    scenario = load_scenario(write(tmp_path / "small.yaml", SMALL), ["livelihood", "housing"], ["area_0", "area_1"])
    expected = {
        line(2022, "livelihood", 300, rule="poor"), line(2023, "livelihood", 300, rule="poor"),
        line(2024, "livelihood", 300, rule="poor"),
        line(2023, "livelihood", 50, area="area_0"), line(2023, "livelihood", 20, area="area_1"),
        line(2024, "housing", 80, area="area_1"),
    }
    shares = [r for r in scenario.resources if r.rule == "shares"]
    assert {(r.year, r.amount_mvnd, tuple(sorted(r.shares.items()))) for r in shares} == {
        (2022, 100, (("area_0", 3.0), ("area_1", 1.0))), (2023, 100, (("area_0", 3.0), ("area_1", 1.0)))}
    assert {r for r in scenario.resources if r.rule != "shares"} == expected
    assert len(scenario.resources) == len(expected) + 2
    # instruments in file order, then by year
    assert [r.instrument for r in scenario.resources][:4] == ["livelihood"] * 4
    assert [r.year for r in scenario.resources if r.instrument == "livelihood"] == [2022, 2023, 2023, 2023, 2024]
    assert scenario.entry_shares["dtts"] == {"poor": 0.2, "near_poor": 0.3, "other": 0.5}
    assert scenario.source == "assumption: test amounts"
    assert (scenario.id, scenario.name_vi) == ("small", "Kịch bản nhỏ")


def test_loaded_scenario_projects_like_the_same_lines_built_by_hand(tmp_path):
    # a second route to the same numbers: the engine on lines written out by hand
    scenario = load_scenario(write(tmp_path / "small.yaml", SMALL))
    by_hand = make_scenario([
        *(line(y, "livelihood", 300, rule="poor") for y in (2022, 2023, 2024)),
        line(2023, "livelihood", 50, area="area_0"), line(2023, "livelihood", 20, area="area_1"),
        *(line(y, "housing", 100, rule="shares", shares={"area_0": 0.75, "area_1": 0.25}) for y in (2022, 2023)),
        line(2024, "housing", 80, area="area_1"),
    ], entry_shares=scenario.entry_shares)
    params = make_params([make_instrument("livelihood", cost=10.0),
                          make_instrument("housing", cost=40.0, effects={"uPN": 0.5})],
                         rates=None)
    baseline = make_baseline()
    a = project(baseline, scenario, params, until=2025)
    b = project(baseline, by_hand, params, until=2025)
    np.testing.assert_allclose(a.expected, b.expected, rtol=1e-12)
    np.testing.assert_allclose(a.resources, b.resources, rtol=1e-12)


@pytest.mark.parametrize("name", ["status_quo", "expanded_support", "budget_cut"])
def test_shipped_scenarios_round_trip(tmp_path, name):
    params = load_params(ROOT / "params")
    original = load_scenario(SCENARIOS / f"{name}.yaml", params)
    path = save_scenario(original, tmp_path / f"{name}.yaml")
    again = load_scenario(path, params)
    assert again == original
    # and the file is the same format: a second save gives the same text
    assert save_scenario(again, tmp_path / "second.yaml").read_text(encoding="utf-8") == path.read_text(
        encoding="utf-8")


def test_round_trip_of_a_small_file_keeps_every_line(tmp_path):
    original = load_scenario(write(tmp_path / "small.yaml", SMALL))
    again = load_scenario(save_scenario(original, tmp_path / "out.yaml"))
    assert again == original


def test_saved_file_is_compact_and_readable(tmp_path):
    scenario = make_scenario([line(y, "housing", 500, rule="poor") for y in range(2022, 2031)], id="plain")
    text = save_scenario(scenario, tmp_path / "plain.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    # nine years of equal amounts become one range
    assert doc["resources"]["housing"]["lines"] == [{"years": "2022-2030", "amount_mvnd_per_year": 500,
                                                     "rule": "poor"}]
    assert "{years: 2022-2030, amount_mvnd_per_year: 500, rule: poor}" in text
    assert doc["reference"] == "test"  # the scenario's source


def test_code_built_scenario_round_trips_up_to_order_and_sums(tmp_path):
    lines = [line(2023, "b", 1.5, area="x"), line(2022, "a", 10, rule="poor"), line(2022, "a", 5, rule="poor"),
             line(2024, "b", 2.25, rule="equal"), line(2022, "b", 7, rule="shares", shares={"x": 0.25, "y": 0.75})]
    scenario = make_scenario(lines, id="code").scaled(1.5)
    again = load_scenario(save_scenario(scenario, tmp_path / "code.yaml"))
    assert again.id == "code_x1.5"

    def totals(s):
        out = {}
        for r in s.resources:
            key = (r.instrument, r.year, r.area, r.rule, tuple(sorted((r.shares or {}).items())))
            out[key] = out.get(key, 0.0) + r.amount_mvnd
        return out

    assert totals(again) == totals(scenario)
    assert totals(again)[("a", 2022, None, "poor", ())] == 22.5  # (10 + 5) * 1.5 added together


def test_save_refuses_to_overwrite(tmp_path):
    scenario = make_scenario([line(2022, "a", 1, rule="poor")])
    path = save_scenario(scenario, tmp_path / "s.yaml")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(InputErrors, match="already exists"):
        save_scenario(make_scenario([line(2022, "a", 2, rule="poor")]), path)
    assert path.read_text(encoding="utf-8") == before
    save_scenario(make_scenario([line(2022, "a", 2, rule="poor")]), path, overwrite=True)
    assert load_scenario(path).resources == (line(2022, "a", 2.0, rule="poor"),)


def test_save_refuses_a_scenario_that_would_not_load(tmp_path):
    scenario = make_scenario([ResourceLine(2022, "a", -5.0, rule="poor")])
    with pytest.raises(InputErrors, match="amount_mvnd_per_year"):
        save_scenario(scenario, tmp_path / "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists()


def test_unknown_instrument_checked_against_params(tmp_path):
    params = make_params([make_instrument("livelihood")])
    with pytest.raises(InputErrors) as info:
        load_scenario(write(tmp_path / "small.yaml", SMALL), params)
    assert [e.where for e in info.value] == ["resources.housing"]
