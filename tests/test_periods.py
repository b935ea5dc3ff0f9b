"""Runs across periods (model/_periods.py): the crosswalk's unit changes conserve households,
new communes' rates are household-weighted, money follows the units, and the 2027 standard
switch re-bases stocks by the declared reclassification. Expected values are hand-worked or
come from a second computation written here, never from the code under test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

import thidua_sim as ts
from thidua_sim.core.types import GROUPS, RATE_NAMES, ResourceLine
from thidua_sim.model._periods import (
    build_plan,
    load_period_inputs,
    localise_scenario,
    rebase_matrix,
    rebase_whole,
    review_year_of,
    split_whole,
)
from thidua_sim.planning.targets import PlanningError, check_target

ROOT = Path(__file__).resolve().parents[1]
DATA, PARAMS = ROOT / "data" / "kbang", ROOT / "params"

NEW_FROM_OLD = {  # public-figures.yaml reorganisation_2025 (Resolution 1664/NQ-UBTVQH15)
    "kbang_2025": ["kbang", "lo_ku", "dak_smar"],
    "kong_bo_la_2025": ["dong", "nghia_an", "kong_bo_la"],
    "to_tung_2025": ["to_tung", "kong_long_khong"],
    "son_lang_2025": ["so_pai", "son_lang"],
    "dak_rong_2025": ["kon_pne", "dak_rong"],
    "krong_2025": ["krong"],
}


@pytest.fixture(scope="module")
def inputs():
    baseline = ts.load_baseline(DATA)
    params = ts.load_params(PARAMS, areas=baseline.areas)
    return baseline, params, load_period_inputs(DATA, PARAMS)


@pytest.fixture(scope="module")
def plan(inputs):
    baseline, _, periods = inputs
    return build_plan(baseline, range(2021, 2031), periods)


def test_review_year_of_a_change():
    assert review_year_of(date(2025, 7, 1)) == 2025  # before the review closes on 14 December
    assert review_year_of(date(2024, 11, 1)) == 2024
    assert review_year_of(date(2024, 12, 20)) == 2025


def test_units_in_force(plan):
    assert len(plan.units_in_force(2023)) == 14
    assert len(plan.units_in_force(2024)) == 13 and "dak_hlo" not in plan.units_in_force(2024)
    assert sorted(plan.units_in_force(2025)) == sorted(NEW_FROM_OLD)
    assert plan.units_in_force(2030) == plan.units_in_force(2025)
    assert set(plan.history("kong_bo_la_2025")) == {"dong", "nghia_an", "kong_bo_la", "dak_hlo"}
    assert plan.standards[2026 - 2021] == "decree_07_2021" and plan.standards[2027 - 2021] == "decree_351_2025"
    assert plan.switch.year == 2027


def test_unit_change_conserves_random_stocks_on_the_expected_path(plan):
    rng = np.random.default_rng(12)
    A = len(plan.areas)
    ids = [a.id for a in plan.areas]
    n = np.zeros((4, A, 2, 3))
    n[:, :14] = rng.uniform(0, 5000, size=(4, 14, 2, 3))
    t24 = plan.years.index(2024) - 1
    after24 = plan.apply_expected(t24, n)
    np.testing.assert_allclose(after24.sum(axis=1), n.sum(axis=1), rtol=1e-12)
    dak_hlo, nghia_an, kong_bo_la = ids.index("dak_hlo"), ids.index("nghia_an"), ids.index("kong_bo_la")
    np.testing.assert_allclose(after24[:, nghia_an], n[:, nghia_an] + 0.098577 * n[:, dak_hlo], rtol=1e-12)
    np.testing.assert_allclose(after24[:, kong_bo_la], n[:, kong_bo_la] + 0.901423 * n[:, dak_hlo], rtol=1e-12)
    assert not after24[:, dak_hlo].any()
    after25 = plan.apply_expected(plan.years.index(2025) - 1, after24)
    np.testing.assert_allclose(after25.sum(axis=1), n.sum(axis=1), rtol=1e-12)
    for new, olds in NEW_FROM_OLD.items():
        np.testing.assert_allclose(after25[:, ids.index(new)], sum(after24[:, ids.index(o)] for o in olds),
                                   rtol=1e-12)
    assert not after25[:, :14].any()


def test_unit_change_conserves_whole_households_in_the_monte_carlo(plan):
    rng = np.random.default_rng(2025)
    A = len(plan.areas)
    C = 7
    n = np.zeros((3, C, A, 2), dtype=np.float32)
    n[:, :, :14] = rng.integers(0, 3000, size=(3, C, 14, 2))
    before = n.copy()
    plan.apply_draws(plan.years.index(2024) - 1, n, None)
    assert np.array_equal(n.sum(axis=2), before.sum(axis=2))  # every state, draw and group: exact
    assert np.array_equal(n, np.rint(n)) and n.min() >= 0
    plan.apply_draws(plan.years.index(2025) - 1, n, None)
    assert np.array_equal(n.sum(axis=2), before.sum(axis=2))
    assert not n[:, :, :14].any()


def test_split_whole_hand_worked():
    # 1000 households of Đăk HLơ: 98.577 and 901.423 -> floors 98 + 901 = 999, the one left goes
    # to the larger remainder (0.577)
    assert split_whole(np.array(1000.0), [0.098577, 0.901423]).tolist() == [99.0, 901.0]
    # 10 households in thirds: 3.33 each, one left, ties to the first
    assert split_whole(np.array(10.0), [1 / 3, 1 / 3, 1 / 3]).tolist() == [4.0, 3.0, 3.0]
    x = np.random.default_rng(1).integers(0, 10_000, size=500).astype(float)
    parts = split_whole(x, [0.2, 0.3, 0.5])
    assert np.array_equal(parts.sum(axis=-1), x) and np.all(np.abs(parts - x[:, None] * [0.2, 0.3, 0.5]) < 1)


def test_rebasing_hand_worked():
    # a = near-poor -> poor 0.1, b = other -> poor 0.015, c = other -> near-poor 0.06
    # P 100, N 200, O 1000 -> P 100 + 20 + 15 = 135, N 200 - 20 + 60 = 240, O 1000 - 15 - 60 = 925
    values = np.array([0.1, 0.015, 0.06])
    m = rebase_matrix(values[None])[0]
    np.testing.assert_allclose(np.array([100.0, 200.0, 1000.0]) @ m, [135.0, 240.0, 925.0])
    assert [float(v) for v in rebase_whole(np.float64(100), np.float64(200), np.float64(1000), values)] == \
        [135.0, 240.0, 925.0]
    # whole households: 7 near-poor x 0.1 = 0.7 -> 1; 33 other x 0.015 = 0.495 -> 0; x 0.06 = 1.98 -> 2
    assert [float(v) for v in rebase_whole(np.float64(5), np.float64(7), np.float64(33), values)] == \
        [6.0, 8.0, 31.0]


def test_new_commune_rates_are_household_weighted(inputs):
    baseline, params, periods = inputs
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    projection = ts.project(baseline, scenario, params, until=2026, periods=periods)
    ids = [a.id for a in projection.areas]
    h = {a.id: baseline.households[i].sum(axis=-1) for i, a in enumerate(baseline.areas)}  # (G,)
    mult = params.base_rates.area_multipliers
    for g, group in enumerate(GROUPS):
        w_kp, w_dr = h["kon_pne"][g], h["dak_rong"][g]
        for r, name in enumerate(RATE_NAMES):
            base = params.base_rates.rates[group][name].central
            expected = base * (w_kp * mult["kon_pne"].get(name, 1.0) + w_dr * mult["dak_rong"].get(name, 1.0)) \
                / (w_kp + w_dr)
            assert projection.model.rates[ids.index("dak_rong_2025"), g, r] == pytest.approx(expected, rel=1e-12)
            # Krong alone: its own multipliers carried to the new commune
            expected = base * mult["krong"].get(name, 1.0)
            assert projection.model.rates[ids.index("krong_2025"), g, r] == pytest.approx(expected, rel=1e-12)


def test_projection_conserves_households_and_names_units_by_date(inputs):
    baseline, params, periods = inputs
    assert not any("gamma" in f for f in params.base_rates.area_multipliers.values())  # same growth everywhere
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    with_periods = ts.project(baseline, scenario, params, until=2030, periods=periods)
    plain = ts.project(baseline, scenario, params, until=2030)
    # household formation is H x gamma whatever the unit: the district's households agree each year
    np.testing.assert_allclose(with_periods.households("district"), plain.households("district"), rtol=1e-12)
    ids = [a.id for a in with_periods.areas]
    hh = with_periods.expected.sum(axis=(-1, -2))  # (Y, A)
    y = {year: i for i, year in enumerate(with_periods.years)}
    assert not hh[y[2025]:, :14].any() and not hh[:y[2025], 14:].any() and hh[y[2024], ids.index("dak_hlo")] == 0
    table = with_periods.table(["district", "area:krong", "area:krong_2025"])
    assert set(table[table.area == "krong"].year) == set(range(2021, 2025))
    assert set(table[table.area == "krong_2025"].year) == set(range(2025, 2031))
    assert set(table.standard) == {"decree_07_2021", "decree_351_2025"}
    # the 2026 stock re-based (second computation: the closed form per group)
    s26 = with_periods.expected[y[2026]]
    central = {g: [periods.rebasing.shares[g][k].central for k in ("near_poor_to_poor", "other_to_poor",
                                                                     "other_to_near_poor")] for g in GROUPS}
    P = sum(s26[:, g, 0] + central[gr][0] * s26[:, g, 1] + central[gr][1] * s26[:, g, 2]
            for g, gr in enumerate(GROUPS)).sum()
    H = s26.sum()
    assert with_periods.rate("district", standard="decree_351_2025")[y[2026]] == pytest.approx(100 * P / H)
    assert np.isnan(with_periods.rate("district", standard="decree_351_2025")[y[2025]])
    assert np.isnan(with_periods.rate("district", standard="decree_07_2021")[y[2027]])


def test_monte_carlo_across_periods_conserves_and_repeats(inputs):
    baseline, params, periods = inputs
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    a = ts.project(baseline, scenario, params, until=2028, draws=16, seed=5, periods=periods)
    b = ts.project(baseline, scenario, params, until=2028, draws=16, seed=5, periods=periods)
    assert np.array_equal(a.draws, b.draws)
    assert not a.draws[:, 4:, :14].any() and not a.draws[:, :4, 14:].any()
    assert a.rebased_draws.shape == (16, len(a.areas), 2, 3)
    # the re-based 2026 draws hold the same households as the 2026 draws
    assert np.array_equal(a.rebased_draws.sum(axis=-1), a.draws[:, 5].sum(axis=-1))
    # and re-basing only moves households towards poverty
    assert np.all(a.rebased_draws[..., 0] >= a.draws[:, 5, ..., 0])


def test_money_follows_the_units(inputs, plan):
    _, params, _ = inputs
    inst = next(iter(params.instruments))
    lag = params.instruments[inst].lag
    scenario = ts.Scenario("s", "s", "s", "", (
        ResourceLine(2026 - lag, inst, 600.0, rule="equal"),
        ResourceLine(2026 - lag, inst, 100.0, area="kon_pne"),
        ResourceLine(2022 - lag, inst, 100.0, area="kbang_2025"),
    ))
    lines = localise_scenario(scenario, plan, params).resources
    assert lines[0].rule == "shares" and sorted(lines[0].shares) == sorted(NEW_FROM_OLD)
    assert lines[1].shares == {"dak_rong_2025": 1.0}
    # a unit not yet formed: its former units, by household share
    assert set(lines[2].shares) == {"kbang", "lo_ku", "dak_smar"}
    assert sum(lines[2].shares.values()) == pytest.approx(1.0)


def test_target_across_the_switch_needs_a_standard(inputs):
    baseline, params, periods = inputs
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    projection = ts.project(baseline, scenario, params, until=2030, periods=periods)
    target = ts.Target("t", "t", "t", "district", 1.0, 2026, 2030)
    with pytest.raises(PlanningError, match="2027"):
        check_target(projection, target)


@pytest.mark.slow
def test_same_numbers_for_any_worker_count_across_periods(inputs, monkeypatch):
    from thidua_sim.model import _montecarlo

    baseline, params, periods = inputs
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    one = ts.project(baseline, scenario, params, until=2030, draws=300, seed=3, periods=periods)
    monkeypatch.setattr(_montecarlo, "POOL_MIN_CELL_YEARS", 0)  # force worker processes on this small run
    monkeypatch.setattr(_montecarlo, "CHUNK_CELLS", 40 * 40)  # several chunks: 40 draws each
    a = ts.project(baseline, scenario, params, until=2030, draws=300, seed=3, periods=periods, workers=1)
    b = ts.project(baseline, scenario, params, until=2030, draws=300, seed=3, periods=periods, workers=2)
    assert np.array_equal(a.draws, b.draws) and np.array_equal(a.rebased_draws, b.rebased_draws)
    assert one.draws.shape == a.draws.shape


def test_a_run_from_a_new_commune_baseline(inputs):
    baseline, params, periods = inputs
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    full = ts.project(baseline, scenario, params, until=2026, periods=periods)
    start = full.window(2025).baseline  # the 2025 stocks on the 6 communes, as an imported review would be
    assert [a.id for a in start.areas] == list(NEW_FROM_OLD) and start.year == 2025
    run = ts.project(start, ts.Scenario("none", "n", "n", "", ()), params, until=2030, periods=periods)
    assert not run.periods.changes and run.periods.switch.year == 2027
    assert run.households("district")[0] == pytest.approx(full.households("district")[-2])
    assert run.rebased is not None and np.isnan(run.rate("district", standard="decree_351_2025")[0])
    # the communes' rates are weighted from their former units' 2021 households, as in the run from 2021
    ids = [a.id for a in full.areas]
    for new in NEW_FROM_OLD:
        np.testing.assert_allclose(run.model.rates[list(NEW_FROM_OLD).index(new)], full.model.rates[ids.index(new)],
                                   rtol=1e-12)
    h = {a.id: baseline.households[i].sum(axis=-1) for i, a in enumerate(baseline.areas)}
    m = params.base_rates.area_multipliers
    base = params.base_rates.rates["dtts"]["pPO"].central
    w_kp, w_dr = h["kon_pne"][0], h["dak_rong"][0]
    assert run.model.rates[list(NEW_FROM_OLD).index("dak_rong_2025"), 0, 1] == pytest.approx(
        base * (w_kp * m["kon_pne"]["pPO"] + w_dr * m["dak_rong"]["pPO"]) / (w_kp + w_dr), rel=1e-12)


def test_a_dissolved_units_target_is_refused_not_read_as_zero(inputs):
    baseline, params, periods = inputs
    scenario = ts.load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params=params, areas=baseline.areas)
    projection = ts.project(baseline, scenario, params, until=2026, periods=periods)
    target = ts.Target("k", "k", "k", "area:kon_pne", 2.0, 2021, 2025)
    with pytest.raises(PlanningError, match="dak_rong_2025"):
        check_target(projection, target)
    # the district's 2021-2025 targets are still checked on the whole former district area
    district = next(t for t in params.targets if t.population == "district")
    plain = ts.project(baseline, scenario, params, until=2025)
    assert check_target(projection, district).rate_start == pytest.approx(check_target(plain, district).rate_start)
