"""The expected path against independent computations worked out by hand."""

import numpy as np
import pytest
from factories import SIMPLE_RATES, line, make_baseline, make_instrument, make_params, make_rates, make_scenario

from thidua_sim import ProjectionError, project


def hand_matrix(r):
    return np.array([
        [1 - r["pPN"] - r["pPO"], r["pPN"], r["pPO"]],
        [r["pNP"], 1 - r["pNP"] - r["pNO"], r["pNO"]],
        [r["pOP"], r["pON"], 1 - r["pOP"] - r["pON"]],
    ])


def test_no_instruments_equals_matrix_power():
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    result = project(baseline, make_scenario(), make_params(), until=2025)
    n0 = np.array([100.0, 50.0, 350.0])
    m = hand_matrix(SIMPLE_RATES)
    for t, year in enumerate(range(2021, 2026)):
        np.testing.assert_allclose(result.expected[t, 0, 0], n0 @ np.linalg.matrix_power(m, t), rtol=1e-12)
    # the empty group stays empty; rates of an empty population are 0, not NaN
    assert result.expected[:, 0, 1].sum() == 0
    assert np.all(np.isfinite(result.rate("other")))


def test_household_formation_by_hand():
    rates = make_rates(dtts={"gamma": 0.02})
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    result = project(baseline, make_scenario(), make_params(rates=rates), until=2022)
    moved = np.array([100.0, 50.0, 350.0]) @ hand_matrix(SIMPLE_RATES)
    # 500 households * 2 % = 10 new ones, split by the shares after the moves
    np.testing.assert_allclose(result.expected[1, 0, 0], moved * 1.02)
    assert result.households("district")[1] == pytest.approx(510.0)


def test_entry_shares_by_hand():
    rates = make_rates(dtts={"gamma": 0.02})
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    entry = {"dtts": {"poor": 0.5, "near_poor": 0.5, "other": 0.0}, "other": {"poor": 0, "near_poor": 0, "other": 1}}
    result = project(baseline, make_scenario(entry_shares=entry), make_params(rates=rates), until=2022)
    moved = np.array([100.0, 50.0, 350.0]) @ hand_matrix(SIMPLE_RATES)
    np.testing.assert_allclose(result.expected[1, 0, 0], moved + np.array([5.0, 5.0, 0.0]))


def test_one_instrument_at_known_coverage():
    # 100 poor households; 500 million at 10 million each covers 50 -> share 0.5.
    inst = make_instrument(cost=10.0, eligible=("poor",), effects={"uPO": 0.4, "uPN": 0.2})
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    result = project(baseline, make_scenario([line(2022, "livelihood", 500.0, area="area_0")]),
                     make_params([inst]), until=2022)
    r = dict(SIMPLE_RATES)
    pPO = 1 - (1 - 0.15) * (1 - 0.5 * 0.4)          # 0.32
    pPN = (1 - pPO) * (1 - (1 - 0.10 / 0.85) * (1 - 0.5 * 0.2))
    r["pPO"], r["pPN"] = pPO, pPN
    expected = np.array([100.0, 50.0, 350.0]) @ hand_matrix(r)
    np.testing.assert_allclose(result.expected[1, 0, 0], expected, rtol=1e-12)
    assert result.beneficiaries[0, 0, 0, 0] == pytest.approx(50.0)
    assert result.unused[0, 0, 0] == pytest.approx(0.0)


def test_money_beyond_saturation_is_unused():
    inst = make_instrument(cost=10.0, eligible=("poor",))
    baseline = make_baseline([[(100, 50, 350), (20, 0, 80)]])
    result = project(baseline, make_scenario([line(2022, "livelihood", 1500.0, area="area_0")]),
                     make_params([inst]), until=2022)
    # 120 poor households eligible -> 1200 spent, 300 unused; split 100:20 over groups
    assert result.unused[0, 0, 0] == pytest.approx(300.0)
    np.testing.assert_allclose(result.beneficiaries[0, 0, :, 0], [100.0, 20.0])


def test_district_total_follows_poor_households():
    inst = make_instrument(cost=1.0, eligible=("poor",))
    baseline = make_baseline()  # area_0 has 120 poor, area_1 has 210
    result = project(baseline, make_scenario([line(2022, "livelihood", 33.0, rule="poor")]),
                     make_params([inst]), until=2022)
    np.testing.assert_allclose(result.resources[0, :, 0], [12.0, 21.0])


def test_lag_shifts_the_effect():
    inst = make_instrument(cost=10.0, lag=1)
    baseline = make_baseline([[(100, 50, 350), (0, 0, 0)]])
    with_lag = project(baseline, make_scenario([line(2022, "livelihood", 500.0, area="area_0")]),
                       make_params([inst]), until=2023)
    plain = project(baseline, make_scenario(), make_params([inst]), until=2023)
    np.testing.assert_allclose(with_lag.expected[1], plain.expected[1])  # nothing acts in 2022
    assert with_lag.expected[2, 0, 0, 0] < plain.expected[2, 0, 0, 0]


def test_unknown_instrument_and_area_are_refused():
    baseline = make_baseline()
    with pytest.raises(ProjectionError, match="unknown instrument 'housing'"):
        project(baseline, make_scenario([line(2022, "housing", 1.0, area="area_0")]), make_params(), until=2022)
    inst = make_instrument()
    with pytest.raises(ProjectionError, match="unknown area 'nowhere'"):
        project(baseline, make_scenario([line(2022, "livelihood", 1.0, area="nowhere")]),
                make_params([inst]), until=2022)


def test_step_expected_by_hand_and_as_the_calibration_uses_it():
    # engine.step_expected: one year with support and formation, worked out by hand. A poor-only
    # instrument with uPO = 0.3 reaches half the poor: pPO' = 1 - (1 - 0.15)(1 - 0.15) = 0.2775;
    # pPN' = (1 - pPO') * 0.10 / 0.85; 500 households form 500 * 0.02 = 10 new ones, split by the
    # cell's shares after the moves.
    from thidua_sim.model.calibrate import _predict, _Step
    from thidua_sim.model.engine import step_expected

    r = {**SIMPLE_RATES, "gamma": 0.02}
    rates = np.array([[[r[k] for k in ("pPN", "pPO", "pNP", "pNO", "pOP", "pON", "gamma")]]])  # (1, 1, 7)
    stocks = np.array([[[100.0, 50.0, 350.0]]])  # (A=1, G=1, 3)
    eligible = np.array([[1.0, 0.0, 0.0]])
    effects = np.array([[0.3, 0.0, 0.0, 0.0]])
    share = np.array([[0.5]])
    one = step_expected(stocks, rates, share, eligible, effects)
    p_po = 1 - 0.85 * 0.85
    p_pn = (1 - p_po) * 0.10 / 0.85
    moved = np.array([100 * (1 - p_po - p_pn) + 50 * 0.05 + 350 * 0.01,
                      100 * p_pn + 50 * (1 - 0.05 - 0.20) + 350 * 0.02,
                      100 * p_po + 50 * 0.20 + 350 * (1 - 0.01 - 0.02)])
    np.testing.assert_allclose(one.moved[0, 0], moved, rtol=1e-12)
    np.testing.assert_allclose(one.new[0, 0], 10 * moved / 500, rtol=1e-12)
    np.testing.assert_allclose(one.stocks[0, 0], moved * 1.02, rtol=1e-12)
    assert one.rates[0, 0, 1] == pytest.approx(p_po)
    # with entry shares instead: the 10 new households enter 60 / 30 / 10
    entry = np.array([[0.6, 0.3, 0.1]])
    np.testing.assert_allclose(step_expected(stocks, rates, share, eligible, effects, entry).new[0, 0], [6, 3, 1])
    # the calibration's one-step prediction (households, poor, near-poor, escaped, N->P, entered P)
    step = _Step(2022, 0, ("a",), stocks[:, 0], np.ones((1, 7)), share, eligible, effects, None,
                 np.full((6, 1), np.nan))
    mean, _ = _predict(rates[0], step)
    np.testing.assert_allclose(mean[0, :, 0], [510, moved[0] * 1.02, moved[1] * 1.02, 100 * (p_po + p_pn),
                                               50 * 0.05, 50 * 0.05 + 350 * 0.01 + 10 * moved[0] / 500],
                               rtol=1e-12)
