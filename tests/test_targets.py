"""Targets: checks against hand computations, probabilities, and the commune split's guarantee."""

import numpy as np
import pytest
from factories import SIMPLE_RATES, line, make_baseline, make_instrument, make_params, make_rates, make_scenario

from thidua_sim import Area, Target, project
from thidua_sim.planning.targets import (
    CHECK_COLUMNS,
    PlanningError,
    check_target,
    check_targets,
    commune_feasibility,
    end_household_weights,
    meets,
    split_district_target,
)


def hand_matrix(r):
    return np.array([
        [1 - r["pPN"] - r["pPO"], r["pPN"], r["pPO"]],
        [r["pNP"], 1 - r["pNP"] - r["pNO"], r["pNO"]],
        [r["pOP"], r["pON"], 1 - r["pOP"] - r["pON"]],
    ])


def target(threshold, population="district", strict=True, start=2021, end=2025, id="t"):
    return Target(id, id, id, population, threshold, start, end, strict, "test")


# -- checks --------------------------------------------------------------------------------------

def test_check_by_hand_no_instruments():
    # one area, one group: the stocks are n0 @ M^t, so rates are known in closed form
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    proj = project(baseline, make_scenario(), make_params(), until=2025)
    m = hand_matrix(SIMPLE_RATES)
    n0 = np.array([100.0, 50.0, 350.0])
    n4 = n0 @ np.linalg.matrix_power(m, 4)
    r0, r4 = 100 * 100 / 500, 100 * n4[0] / n4.sum()
    red = (r0 - r4) / 4
    for thr in (red - 0.5, red + 0.5):
        c = check_target(proj, target(thr))
        assert c.rate_start == pytest.approx(20.0)
        assert c.rate_end == pytest.approx(r4, rel=1e-12)
        assert c.reduction_points_per_year == pytest.approx(red, rel=1e-12)
        assert c.margin_points == pytest.approx(red - thr, rel=1e-12)
        assert c.met == (red > thr)
        assert c.constraint == pytest.approx(max(0.0, thr - red), abs=1e-12)
        assert c.probability is None
    missed = check_target(proj, target(red + 0.5))
    # 0.5 points a year on 500 households is 2.5 households a year
    assert missed.margin_households_per_year == pytest.approx(0.5 * 500 / 100)
    assert check_target(proj, target(red - 0.5)).margin_households_per_year == 0.0


def test_margin_households_closes_the_gap_exactly():
    # with household formation the end-year households differ from the start: take them from the path
    baseline = make_baseline()
    params = make_params(rates=make_rates(dtts={"gamma": 0.03}, other={"gamma": 0.01}))
    proj = project(baseline, make_scenario(), params, until=2025)
    c = check_target(proj, target(9.0))
    assert not c.met and c.margin_households_per_year > 0
    end = proj.stocks("district")[-1]
    assert c.households_end == pytest.approx(end.sum())
    # move 4 years x margin households from poor to other in the end year: the target is met exactly
    poor_after = end[0] - 4 * c.margin_households_per_year
    rate_after = 100 * poor_after / end.sum()
    assert (c.rate_start - rate_after) / 4 == pytest.approx(9.0, rel=1e-12)


def test_strict_and_at_least_at_equality():
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    proj = project(baseline, make_scenario(), make_params(), until=2025)
    red = check_target(proj, target(1.0)).reduction_points_per_year
    strict = check_target(proj, target(red, strict=True))
    at_least = check_target(proj, target(red, strict=False))
    assert not strict.met and at_least.met
    assert strict.constraint == pytest.approx(0.0, abs=1e-12) and at_least.constraint == pytest.approx(0.0, abs=1e-12)
    assert meets(2.0 + 1e-6, 2.0, True) and not meets(2.0, 2.0, True) and meets(2.0, 2.0, False)


def test_group_and_area_populations_by_hand():
    baseline = make_baseline()  # area_1 dtts: 200 poor of 500
    proj = project(baseline, make_scenario(), make_params(), until=2023)
    m = hand_matrix(SIMPLE_RATES)
    cell = np.array([200.0, 80.0, 220.0]) @ np.linalg.matrix_power(m, 2)
    c = check_target(proj, target(1.0, "area:area_1:dtts", end=2023))
    assert c.rate_end == pytest.approx(100 * cell[0] / cell.sum(), rel=1e-12)
    dtts_cells = (np.array([[100.0, 50, 350], [200, 80, 220]]) @ np.linalg.matrix_power(m, 2)).sum(axis=0)
    c = check_target(proj, target(1.0, "dtts", end=2023))
    assert c.rate_end == pytest.approx(100 * dtts_cells[0] / dtts_cells.sum(), rel=1e-12)


def test_check_targets_table_and_errors():
    proj = project(make_baseline(), make_scenario(), make_params(), until=2025)
    table = check_targets(proj, [target(1.0, id="a"), target(50.0, "dtts", id="b")])
    assert list(table.columns) == list(CHECK_COLUMNS)
    assert table["target_id"].tolist() == ["a", "b"]
    assert table["met"].tolist() == [True, False]
    with pytest.raises(PlanningError, match="outside the projection"):
        check_target(proj, target(1.0, end=2027))
    with pytest.raises(PlanningError, match="unknown area"):
        check_target(proj, target(1.0, "area:nowhere"))


def test_probability_near_zero_and_one():
    params = make_params([make_instrument(cost=10.0)], rates=make_rates(interval=0.2))
    scenario = make_scenario([line(y, "livelihood", 500.0, rule="poor") for y in range(2022, 2026)])
    proj = project(make_baseline(), scenario, params, until=2025, draws=400, seed=7)
    base = check_target(proj, target(1.0)).reduction_points_per_year
    wide_miss = check_target(proj, target(base + 3.0))
    wide_met = check_target(proj, target(base - 3.0))
    assert not wide_miss.met and wide_miss.probability <= 0.01
    assert wide_met.met and wide_met.probability >= 0.99
    # the probability is the share of draws, recomputed by hand from the drawn rates
    rates = proj.rate("district", draws=True)
    near = check_target(proj, target(base))
    assert near.probability == pytest.approx(np.mean((rates[:, 0] - rates[:, 4]) / 4 > base + 1e-9))
    assert 0.05 < near.probability < 0.95


# -- the commune split ---------------------------------------------------------------------------

def split_case():
    """Four communes of different sizes, rates and dtts shares; dtts households grow faster and one
    commune has its own household formation multiplier."""
    households = [
        [(300, 120, 580), (20, 40, 540)],      # large, mixed
        [(150, 40, 110), (5, 5, 90)],          # small, poor, mostly dtts
        [(10, 20, 170), (15, 35, 1150)],       # town-like, low rate
        [(80, 60, 260), (30, 30, 340)],
    ]
    baseline = make_baseline(households)
    rates = make_rates(dtts={"gamma": 0.03}, other={"gamma": 0.01}, multipliers={"area_1": {"gamma": 1.5}})
    return baseline, make_params(rates=rates)


def hand_end_households(households, T):
    g = np.array([[0.03, 0.01], [0.045, 0.015], [0.03, 0.01], [0.03, 0.01]])
    h = np.asarray(households, dtype=float).sum(axis=-1)
    return h.sum(axis=1), (h * (1 + g) ** T).sum(axis=1)


def district_reduction(baseline, end_rates, h_end, T):
    stocks = baseline.households
    r0 = 100 * stocks[..., 0].sum() / stocks.sum()
    r_end = np.sum(end_rates * h_end) / h_end.sum()
    return (r0 - r_end) / T


def test_end_household_weights_match_engine():
    baseline, params = split_case()
    h0, h4 = end_household_weights(baseline, 4, params)
    hand0, hand4 = hand_end_households(baseline.households, 4)
    np.testing.assert_allclose(h0, hand0)
    np.testing.assert_allclose(h4, hand4, rtol=1e-12)
    proj = project(baseline, make_scenario(), params, until=2025)
    np.testing.assert_allclose(h4, [proj.households(f"area:{a}")[-1] for a in baseline.area_ids], rtol=1e-12)


@pytest.mark.parametrize("rule", ["equal", "proportional", "dtts_weighted"])
def test_split_guarantees_the_district_target(rule):
    baseline, params = split_case()
    T, thr = 4, 2.0
    district = target(thr)
    communes = split_district_target(baseline, district, rule, params=params, decimals=None)
    x = np.array([c.threshold_points for c in communes])
    assert [c.population for c in communes] == [f"area:{a}" for a in baseline.area_ids]
    h0, h_end = hand_end_households(baseline.households, T)
    r0 = 100 * baseline.households[..., 0].sum(axis=-1) / h0
    # every commune cuts exactly its target: the district cuts exactly its own (the split is tight)
    exact = r0 - T * x
    assert district_reduction(baseline, exact, h_end, T) == pytest.approx(thr, abs=1e-9)
    # any end rates meeting every commune target (strictly) meet the district's strictly
    rng = np.random.default_rng(1)
    for _ in range(200):
        below = exact - rng.uniform(1e-6, 1.0, size=x.size) * np.clip(exact, 1e-6, None)
        assert district_reduction(baseline, below, h_end, T) > thr
    # rounded up to 0.01 points, the guarantee holds too
    rounded = np.array([c.threshold_points for c in split_district_target(baseline, district, rule, params=params)])
    assert np.all(rounded >= x - 1e-12) and np.all(rounded - x < 0.01 + 1e-9)
    assert district_reduction(baseline, r0 - T * rounded, h_end, T) >= thr - 1e-9


def test_split_rules_by_hand_without_growth():
    baseline, _ = split_case()
    baseline = baseline.subset(["area_0", "area_1", "area_3"])  # no commune at its cap
    h0 = baseline.households.sum(axis=(-1, -2))
    r0 = 100 * baseline.households[..., 0].sum(axis=-1) / h0
    rd = 100 * baseline.households[..., 0].sum() / h0.sum()
    proportional = split_district_target(baseline, target(2.0), "proportional", decimals=None)
    np.testing.assert_allclose([c.threshold_points for c in proportional], 2.0 * r0 / rd, rtol=1e-12)
    dtts_share = baseline.households[:, 0].sum(axis=-1) / h0
    weighted = split_district_target(baseline, target(2.0), "dtts_weighted", decimals=None)
    v = 1 + dtts_share
    np.testing.assert_allclose([c.threshold_points for c in weighted], 2.0 * v / np.sum(h0 / h0.sum() * v), rtol=1e-12)


def test_equal_split_caps_low_rate_communes():
    baseline, params = split_case()
    T = 4
    communes = split_district_target(baseline, target(2.0), "equal", params=params, decimals=None, max_cut=0.9)
    x = np.array([c.threshold_points for c in communes])
    h0, h_end = hand_end_households(baseline.households, T)
    r0 = 100 * baseline.households[..., 0].sum(axis=-1) / h0
    cap = 0.9 * r0 / T
    assert x[2] == pytest.approx(cap[2])           # the town-like commune (rate 1.8 %) is capped
    assert np.all(x <= cap + 1e-12)
    free = x[np.arange(4) != 2]
    assert np.allclose(free, free[0])               # the others share the same points, more than 2
    assert free[0] > 2.0
    assert district_reduction(baseline, r0 - T * x, h_end, T) == pytest.approx(2.0, abs=1e-9)


def test_composition_effect_raises_the_split():
    # poorer communes grow faster -> the district rate falls less than the communes' own: targets go up
    baseline, params = split_case()
    no_growth = split_district_target(baseline, target(2.0), params=None, decimals=None)
    growth = split_district_target(baseline, target(2.0), params=params, decimals=None)
    assert all(g.threshold_points > n.threshold_points for g, n in zip(growth, no_growth))
    margin = split_district_target(baseline, target(2.0), params=params, decimals=None, margin_points=0.5)
    assert all(m.threshold_points > g.threshold_points for m, g in zip(margin, growth))


def test_dtts_target_splits_over_dtts_cells():
    baseline, params = split_case()
    communes = split_district_target(baseline, target(3.0, "dtts"), params=params, decimals=None)
    assert communes[0].population == "area:area_0:dtts"
    h0, h_end = end_household_weights(baseline, 4, params, group="dtts")
    dtts = baseline.households[:, 0]
    r0 = 100 * dtts[:, 0] / h0
    x = np.array([c.threshold_points for c in communes])
    r_end = np.sum((r0 - 4 * x) * h_end) / h_end.sum()
    assert (100 * dtts[:, 0].sum() / h0.sum() - r_end) / 4 == pytest.approx(3.0, abs=1e-9)


def test_split_errors():
    baseline, params = split_case()
    with pytest.raises(PlanningError, match="cannot be split"):
        split_district_target(baseline, target(12.0), params=params)
    with pytest.raises(PlanningError, match="split rule"):
        split_district_target(baseline, target(2.0), "by_size")
    with pytest.raises(PlanningError, match="only a district or group target"):
        split_district_target(baseline, target(2.0, "area:area_0"))
    with pytest.raises(PlanningError, match="baseline is 2021"):
        split_district_target(baseline, target(2.0, start=2022))


def test_commune_feasibility_statuses():
    areas = (Area("rich", "Xã Giàu"), Area("poor", "Xã Nghèo"))
    baseline = make_baseline([[(10, 20, 470), (0, 0, 0)], [(200, 80, 220), (0, 0, 0)]], areas=areas)
    proj = project(baseline, make_scenario(), make_params(), until=2025)
    rich = check_target(proj, target(0.0, "area:rich")).reduction_points_per_year
    own = [target(rich - 0.1, "area:rich", id="t:rich"), target(20.0, "area:poor", id="t:poor")]
    table = commune_feasibility(proj, own)
    assert table["area_id"].tolist() == ["poor", "rich"]  # worst first
    assert table["status"].tolist() == ["not_met", "met"]
    assert table["area_name"].tolist() == ["Xã Nghèo", "Xã Giàu"]
    assert table.loc[0, "margin_households_per_year"] > 0
