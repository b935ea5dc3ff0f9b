"""The compiled support rule (src/thidua_sim/model/_support.py) against the NumPy rule the package
ran before (tests/_reference_support.py): the same numbers, bit for bit, on the layouts its callers
use (batches of money, parameter samples, broadcast costs and effects, float32 and float64), on
the edge cases (no poor household anywhere, nobody eligible, pPO = 1), and against hand work."""

from __future__ import annotations

from types import SimpleNamespace

import _reference_support as ref
import numpy as np
import pytest

from thidua_sim.model import _support
from thidua_sim.model._coverage import coverage_shares, eligible_households
from thidua_sim.model.engine import adjust_rates, allocate_area_resources, keep_factors, primed_rates

ELIGIBLE = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 0], [1, 1, 1]], np.int8)  # K = 4 eligibility patterns


def _stocks(rng, shape, dtype, whole=True):
    x = rng.gamma(0.6, 40.0, size=shape)
    x[..., 1, :, :] = 0.0  # an area with no household at all
    x[..., 2, 0, 0] = 0.0  # an area without poor dtts households
    return (np.rint(x) if whole else x).astype(dtype)


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(np.broadcast_to(got, want.shape), want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [(), (3,), (2, 5)])
def test_allocation_coverage_and_keeps_are_the_numpy_rule(dtype, batch):
    rng = np.random.default_rng(len(batch) + (dtype == np.float32))
    A, G, K = 300, 2, 4  # more than 128 areas: the pairwise sum's halves
    stocks = _stocks(rng, batch + (A, G, 3), dtype, whole=dtype == np.float32)
    fixed = rng.uniform(0, 50, size=batch + (A, K)) * (rng.uniform(size=(A, K)) < 0.3)
    totals = rng.uniform(0, 1e4, size=batch + (K, 2))
    totals[..., 1, :] = 0.0  # an instrument without rule money
    model = SimpleNamespace(fixed_resources=[fixed], rule_totals=[totals])
    got, want = allocate_area_resources(model, 0, stocks), ref.allocate_area_resources(model, 0, stocks)
    for g, w in zip(got, want):
        _same(g, w)
    money = got[0]
    costs = rng.uniform(1.0, 9.0, size=K).astype(dtype)
    for c in (costs, np.broadcast_to(costs, batch + (1, K))):
        for g, w in zip(coverage_shares(stocks, money, c, ELIGIBLE), ref.coverage_shares(stocks, money, c, ELIGIBLE)):
            _same(g, w)
    _same(eligible_households(stocks, ELIGIBLE), ref.eligible_households(stocks, ELIGIBLE))
    share = coverage_shares(stocks, money, costs, ELIGIBLE)[0]
    effects = rng.uniform(0, 0.6, size=batch + (K, 4)).astype(dtype)
    effects[..., 2, 1] = 0.0
    for e in (effects, effects[(0,) * len(batch)]):  # per row, or one set for all rows
        for g, w in zip(keep_factors(share, ELIGIBLE, e), ref.keep_factors(share, ELIGIBLE, e)):
            _same(g, w)


def test_nowhere_to_go_is_unallocated():
    stocks = np.zeros((3, 1, 3))
    stocks[:, 0, 1] = 5.0  # near-poor households only: no poor household to spread rule money over
    model = SimpleNamespace(fixed_resources=[np.full((3, 1), 2.0)], rule_totals=[np.array([[7.0, 4.0]])])
    money, unallocated = allocate_area_resources(model, 0, stocks)
    np.testing.assert_array_equal(money, np.full((3, 1), 2.0))  # the fixed money only
    np.testing.assert_array_equal(unallocated, [11.0])


def test_allocation_by_hand():
    # 2 areas: poor 30 + 10 (dtts) / 10 + 0; rule 0 spreads 80 by all poor (40 : 10), rule 1 20 by dtts poor (30 : 10)
    stocks = np.zeros((2, 2, 3))
    stocks[0, :, 0] = 30.0, 10.0
    stocks[1, :, 0] = 10.0, 0.0
    model = SimpleNamespace(fixed_resources=[np.array([[1.0], [0.0]])], rule_totals=[np.array([[80.0, 20.0]])])
    money, unallocated = allocate_area_resources(model, 0, stocks)
    np.testing.assert_allclose(money[:, 0], [1.0 + 64.0 + 15.0, 16.0 + 5.0])
    assert unallocated[0] == 0.0
    # coverage at cost 1.5: area 0 could pay for 80 / 1.5 = 53.3 of its 40 eligible (poor and near-poor):
    # all 40, share 1, 80 - 60 = 20 unused; area 1 pays for 21 / 1.5 = 14 of its 10 + 6: share 14 / 16
    stocks[1, 1, 1] = 6.0
    share, beneficiaries, unused = coverage_shares(stocks, money, np.array([1.5]), np.array([[1, 1, 0]]))
    np.testing.assert_allclose(share[:, 0], [1.0, 14.0 / 16.0])
    np.testing.assert_allclose(unused[:, 0], [20.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(beneficiaries[1, :, 0], [10.0 * 14.0 / 16.0, 6.0 * 14.0 / 16.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adjusted_rates_are_the_numpy_rule(dtype):
    rng = np.random.default_rng(5)
    rates = [rng.uniform(0, 0.5, size=(4, 30, 2)).astype(dtype) for _ in range(4)]
    rates[1][0, :3] = 1.0  # pPO = 1: no stay ratio
    keeps = tuple(rng.uniform(0.2, 1.0, size=(4, 30, 1)).astype(dtype) for _ in range(4))
    for g, w in zip(adjust_rates(*rates, keeps), ref.adjust_rates(*rates, keeps)):
        _same(g, w)
    # by hand, one cell: pPN .2, pPO .1, pNP .3, pNO .6, keeps .5, .8, .5, .9:
    # pPO' = 1 - .9 * .5 = .55; pPN' = .45 * (1 - (1 - .2 / .9) * .8); pNO' = 1 - .4 * .5 = .8; pNP' = min(.27, .2)
    got = adjust_rates(*(np.array([v]) for v in (0.2, 0.1, 0.3, 0.6)), tuple(np.array([v]) for v in (0.5, 0.8, 0.5, 0.9)))
    np.testing.assert_allclose([g[0] for g in got], [0.45 * (1 - (1 - 0.2 / 0.9) * 0.8), 0.55, 0.2, 0.8])


def test_primed_rates_with_a_batch_of_samples():
    """The calibration's call: rates per sample (S, A, 1, 7), one share for all samples."""
    rng = np.random.default_rng(9)
    rates = rng.uniform(0, 0.3, size=(6, 5, 1, 7))
    share = rng.uniform(0, 1, size=(5, 4))
    effects = rng.uniform(0, 0.5, size=(4, 4))
    got = primed_rates(rates, share, ELIGIBLE, effects)
    keeps = ref.keep_factors(share, ELIGIBLE, effects)
    want = rates.copy() * np.ones((1, 5, 1, 1))
    for i, r in zip((0, 1, 2, 3), ref.adjust_rates(rates[..., 0], rates[..., 1], rates[..., 2], rates[..., 3], keeps)):
        want[..., i] = r
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pairwise_sum_is_numpy_sum(dtype):
    rng = np.random.default_rng(2)
    for n in [0, 1, 7, 8, 9, 127, 128, 129, 255, 256, 259, 1000, 1001, 4097, 10600, 77777]:
        x = (rng.exponential(size=n) * 1000).astype(dtype)
        got = _support._pairwise_sum(x, n, dtype(0))
        assert got == x.sum(), n  # exactly: the same order of additions


def test_support_in_one_pass_is_the_steps_one_by_one():
    """The Monte Carlo's fused pass against the engine's steps, draw by draw (float32)."""
    rng = np.random.default_rng(3)
    C, A, G, K = 3, 200, 2, 4
    n = _stocks(rng, (3, C, A, G), np.float32)  # state first, as the sampler lays it out
    fixed = (rng.uniform(0, 50, size=(A, K)) * (rng.uniform(size=(A, K)) < 0.3)).astype(np.float32)
    totals = rng.uniform(0, 1e4, size=(K, 2)).astype(np.float32)
    costs = np.broadcast_to(rng.uniform(1, 9, size=(C, 1, K)).astype(np.float32), (C, A, K)).copy()
    effects = rng.uniform(0, 0.6, size=(C, K, 4)).astype(np.float32)
    base = [rng.uniform(0, 0.4, size=(C, A, G)).astype(np.float32) for _ in range(4)]
    out = [np.empty((C, A, G), np.float32) for _ in range(4)]
    _support.support(n[0], n[1], n[2], np.broadcast_to(fixed, (C, A, K)), np.broadcast_to(totals, (C, K, 2)),
                     np.array([True, True]), costs, ELIGIBLE.astype(np.float32), effects,
                     np.any(effects != 0, axis=0), *base, np.float32(1), np.float32(0), *out)
    stocks = np.moveaxis(n, 0, -1)
    model = SimpleNamespace(fixed_resources=[fixed], rule_totals=[totals])
    money, _ = ref.allocate_area_resources(model, 0, stocks)
    share, _, _ = ref.coverage_shares(stocks, money, costs, ELIGIBLE.astype(np.float32), details=False)
    keeps = tuple(np.broadcast_to(k, (C, A, G)).copy() for k in ref.keep_factors(share, ELIGIBLE.astype(np.float32),
                                                                               effects))
    for g, w in zip(out, ref.adjust_rates(*base, keeps)):
        _same(g, w)
