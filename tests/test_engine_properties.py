"""Properties of the engine over random inputs (hypothesis): households are conserved, rates stay
in [0, 1], and more money never raises the expected number of poor households."""

import numpy as np
from factories import line, make_baseline, make_params, make_scenario
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import thidua_sim.model._montecarlo as mc
from thidua_sim import BaseRates, Instrument, Uncertain, project
from thidua_sim.model.engine import PNO, PNP, POP, PON, PPN, PPO, primed_rates, transition, transition_matrix

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
prob = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def rate_rows(draw, shape=(3, 2)):
    """Base rates (..., 7) with every state's outflows summing to at most 1."""
    out = np.zeros(shape + (7,))
    for i in np.ndindex(shape):
        for a, b in ((PPN, PPO), (PNP, PNO), (POP, PON)):
            first = draw(prob)
            out[i + (a,)] = first
            out[i + (b,)] = draw(st.floats(0.0, 1.0 - first))
        out[i + (6,)] = draw(st.floats(0.0, 0.1))
    return out


@given(rates=rate_rows(), shares=st.lists(prob, min_size=6, max_size=6), effects=st.lists(prob, min_size=8,
                                                                                          max_size=8),
       eligible=st.lists(st.booleans(), min_size=4, max_size=4))
@SETTINGS
def test_primed_rates_stay_probabilities(rates, shares, effects, eligible):
    share = np.array(shares).reshape(3, 2)  # 3 areas, 2 instruments
    elig = np.zeros((2, 3))
    elig[:, :2] = np.array(eligible, dtype=float).reshape(2, 2)
    out = primed_rates(rates, share, elig, np.array(effects).reshape(2, 4))
    assert np.all(out >= 0) and np.all(out <= 1 + 1e-12)
    for a, b in ((PPN, PPO), (PNP, PNO), (POP, PON)):
        assert np.all(out[..., a] + out[..., b] <= 1 + 1e-12)
    m = transition_matrix(out)
    np.testing.assert_allclose(m.sum(axis=-1), 1.0, atol=1e-12)
    assert np.all(m >= -1e-12)


@given(rates=rate_rows(), stocks=st.lists(st.floats(0, 1e5), min_size=18, max_size=18))
@SETTINGS
def test_transition_conserves_households(rates, stocks):
    n = np.array(stocks).reshape(3, 2, 3)
    moved = transition(n, rates)
    np.testing.assert_allclose(moved.sum(axis=-1), n.sum(axis=-1), rtol=1e-12, atol=1e-6)
    assert np.all(moved >= -1e-6)


@given(rates=rate_rows(shape=(2,)), stocks=st.lists(st.integers(0, 3000), min_size=12, max_size=12),
       seed=st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_drawn_moves_conserve_households(rates, stocks, seed):
    n = np.array(stocks, dtype=np.float32).reshape(3, 1, 2, 2)  # (3 states, 1 draw, 2 areas, 2 groups)
    r = {k: np.broadcast_to(rates[None, None, :, k].astype(np.float32), (1, 2, 2)) for k in range(7)}
    z = np.random.default_rng(seed).standard_normal((6, 1, 2, 2)).astype(np.float32)
    moved = mc._moves(n, r, z)
    np.testing.assert_array_equal(moved.sum(axis=0), n.sum(axis=0))
    assert np.all(moved >= 0) and np.all(moved == np.round(moved))


# -- more money, fewer poor -------------------------------------------------------------------------

@st.composite
def monotone_case(draw):
    """Random baseline, base rates, instruments and money in the domain where the model is
    stochastically monotone (see docs/model.md, "Monotonicity").

    In every cell: staying poor is at least as likely as falling back from near-poor, which is
    at least as likely as an other household becoming poor; and a poor household reaches "other"
    no more easily than a near-poor one does, whatever the coverage.
    """
    A = draw(st.integers(1, 3))
    households = [[[draw(st.integers(0, 400)) for _ in range(3)] for _ in range(2)] for _ in range(A)]
    K = draw(st.integers(1, 3))
    instruments = []
    for k in range(K):
        eligible = draw(st.sampled_from([("poor",), ("near_poor",), ("poor", "near_poor")]))
        effects = {}
        if "poor" in eligible:
            effects["uPN"] = draw(st.floats(0, 0.5))
            effects["uPO"] = draw(st.floats(0, 0.3))
        if "near_poor" in eligible:
            effects["uNO"] = draw(st.floats(0, 0.5))
            effects["dNP"] = draw(st.floats(0, 0.5))
        instruments.append(Instrument(f"i{k}", "i", "i", "test", Uncertain(draw(st.floats(1, 50))),
                                      frozenset(eligible), {e: Uncertain(v) for e, v in effects.items()},
                                      draw(st.integers(0, 1))))
    rates = {}
    for g in ("dtts", "other"):
        pOP = draw(st.floats(0, 0.03))
        pON = draw(st.floats(0, 0.1))
        pNP = draw(st.floats(0.05, 0.15))
        pNO = draw(st.floats(0.45, 0.6))
        pPO = draw(st.floats(0, 0.1))
        pPN = draw(st.floats(0, 0.3))
        gamma = draw(st.floats(0, 0.03))
        rates[g] = {"pPN": pPN, "pPO": pPO, "pNP": pNP, "pNO": pNO, "pOP": pOP, "pON": pON, "gamma": gamma}
    # worst cases over coverage: every poor-row effect at full coverage against the bare near-poor row
    for g in rates.values():
        keep_po = np.prod([1 - i.effects.get("uPO", Uncertain(0)).central for i in instruments])
        keep_pn = np.prod([1 - i.effects.get("uPN", Uncertain(0)).central for i in instruments])
        keep_no = np.prod([1 - i.effects.get("uNO", Uncertain(0)).central for i in instruments])
        keep_np = np.prod([1 - i.effects.get("dNP", Uncertain(0)).central for i in instruments])
        pPO_max = 1 - (1 - g["pPO"]) * keep_po
        stay_min = (1 - pPO_max) * (1 - g["pPN"] / (1 - g["pPO"])) * keep_pn
        pNO_max = 1 - (1 - g["pNO"]) * keep_no
        assume(stay_min >= g["pNP"])  # staying poor at least as likely as falling back
        assume(g["pNP"] * keep_np >= g["pOP"])  # near-poor at least as exposed as other households
        assume(pPO_max <= g["pNO"])  # poor reach "other" no more easily than near-poor
        assume(1 - pNO_max >= g["pOP"] + g["pON"])
    base = BaseRates({g: {k: Uncertain(v) for k, v in r.items()} for g, r in rates.items()})
    ids = [i.id for i in instruments]
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        year = draw(st.integers(2022, 2024))
        rule = draw(st.sampled_from(["poor", "poor_dtts", "equal", "area"]))
        amount = draw(st.floats(0, 5000))
        lines.append(line(year, draw(st.sampled_from(ids)), amount, area="area_0" if rule == "area" else None,
                          rule=None if rule == "area" else rule))
    extra_line = draw(st.integers(0, len(lines) - 1))
    extra = draw(st.floats(1, 5000))
    return households, instruments, base, lines, extra_line, extra


@given(monotone_case())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_more_money_never_raises_expected_poor(case):
    households, instruments, base, lines, i, extra = case
    baseline = make_baseline(households)
    params = make_params(instruments, rates=base)
    more = list(lines)
    more[i] = line(more[i].year, more[i].instrument, more[i].amount_mvnd + extra, more[i].area, more[i].rule)
    low = project(baseline, make_scenario(lines), params, until=2025)
    high = project(baseline, make_scenario(more), params, until=2025)
    poor_low, poor_high = low.expected[..., 0].sum(axis=(1, 2)), high.expected[..., 0].sum(axis=(1, 2))
    assert np.all(poor_high <= poor_low + 1e-9 * (1 + poor_low))


def test_outside_the_monotone_domain_money_can_raise_later_poverty():
    """Documented behaviour (docs/model.md, "Monotonicity"): housing moves poor households to
    near-poor, where a poor-only livelihood instrument no longer reaches them and a high fall-back
    rate returns them to poverty, so early housing money leaves more poor households two years on."""
    from factories import make_instrument, make_rates

    housing = make_instrument("housing", cost=10, eligible=("poor",), effects={"uPN": 0.9})
    livelihood = make_instrument("livelihood", cost=10, eligible=("poor",), effects={"uPO": 0.9})
    flat = {"pNO": 0.0, "pNP": 0.3, "pPO": 0.0, "pPN": 0.0}
    params = make_params([housing, livelihood], rates=make_rates(dtts=flat, other=flat))
    baseline = make_baseline([[(100, 0, 400), (0, 0, 0)]])
    later = [line(y, "livelihood", 1000.0, area="area_0") for y in (2023, 2024, 2025)]
    without = project(baseline, make_scenario(later), params)
    with_housing = project(baseline, make_scenario(later + [line(2022, "housing", 500.0, area="area_0")]), params)
    # by hand for 2022: 50 of 100 poor covered, 0.9 of them move to near-poor -> 55 poor, plus
    # newly poor 400 * 0.01 = 4; near-poor 45 (no fall-back from an empty near-poor stock yet)
    np.testing.assert_allclose(with_housing.expected[1, 0, 0, :2], [59.0, 45.0 + 400 * 0.02])
    assert with_housing.expected[1, 0, 0, 0] < without.expected[1, 0, 0, 0]
    assert with_housing.expected[2, 0, 0, 0] > without.expected[2, 0, 0, 0]
