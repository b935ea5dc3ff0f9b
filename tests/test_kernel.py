"""The compiled Monte Carlo kernel (model/_kernel.py) against the same rules written in NumPy
(tests/_reference_sampler.py, the sampler before the kernel): the same numbers, bit for bit, on
cells of every kind (small and large variance, rates above one half, empty cells, entry shares),
in float32 and float64, and on whole runs, kept and streamed."""

import numpy as np
import pytest
from _reference_sampler import reference_hist_quantiles, reference_step_year, reference_year_statistics
from factories import line, make_baseline, make_instrument, make_params, make_rates, make_scenario
from scipy import special

import thidua_sim.model._kernel as kernel
import thidua_sim.model._montecarlo as mc
import thidua_sim.model._streaming as streaming
from thidua_sim import project


def _cells(rng, size, dtype):
    """Stocks (3, size) from empty to large, and rates spanning [0, 1] with many above 1/2."""
    scale = rng.choice([0.0, 1.0, 3.0, 30.0, 3000.0], size=(3, size))
    n = np.rint(rng.gamma(0.7, 1.0, size=(3, size)) * scale).astype(dtype)
    rates = []
    for _ in range(7):
        p = rng.uniform(0.0, 0.35, size)
        p[rng.random(size) < 0.15] = rng.uniform(0.5, 1.0, size)[:1]
        p[rng.random(size) < 0.03] = 0.0
        p[rng.random(size) < 0.01] = 1.0
        rates.append(p.astype(dtype))
    z = rng.standard_normal((7, size)).astype(dtype)
    u = rng.random(size).astype(dtype)
    return n, rates, z, u


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("with_entry", [False, True])
def test_step_year_matches_the_numpy_sampler_bit_for_bit(dtype, with_entry):
    rng = np.random.default_rng(2021 + with_entry)
    G, size = 2, 6 * kernel.BLOCK + 18  # several blocks and a partial one
    n, rates, z, u = _cells(rng, size, dtype)
    shares = np.array([[0.2, 0.3, 0.5], [0.05, 0.15, 0.8]]) if with_entry else None
    entry, use_entry = mc._entry_shares(shares, G, np.dtype(dtype))
    got = np.empty_like(n)
    kernel.step_year(n, *rates, entry, use_entry, z, u, kernel.constants(dtype, mc.EXACT_BELOW_VARIANCE), got)
    want = np.empty_like(n)
    reference_step_year(n, *rates, shares, z, u, want)
    small = (n[0] * rates[1] * (1 - rates[1]) < 1) & (n[0] > 0)
    assert small.sum() > 500 and (~small).sum() > 500  # both the exact and the normal draws are in play
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.dtype(dtype)


def test_binomial_and_poisson_wrappers_match_the_numpy_sampler():
    from _reference_sampler import _binomial, _poisson

    rng = np.random.default_rng(7)
    n, rates, z, _ = _cells(rng, 50_000, np.float32)
    np.testing.assert_array_equal(mc._binomial(n[0], rates[0], z[0]), _binomial(n[0], rates[0], z[0]))
    lam = (n[1] * rates[6]).astype(np.float32)
    np.testing.assert_array_equal(mc._poisson(lam, z[1]), _poisson(lam, z[1]))


def test_normal_distribution_function_is_scipys_to_the_last_bits():
    # the exact draws invert at Phi(z); the kernel's Phi (the C library's erf and erfc) differs from
    # SciPy's ndtr (cephes' own erfc) in the last bits: measured here at most 36 units in the last
    # place below z = -5, 12 on [-5, -0.5], 2 above. An exact draw changes only where Phi(z) falls
    # that close to a step of the distribution function (about 1e-15 of the draws)
    z = np.concatenate([np.linspace(-9, 9, 4_001), np.random.default_rng(1).standard_normal(2_000)])
    ours = np.array([kernel._ndtr(x) for x in z])
    theirs = special.ndtr(z)
    ulp = np.abs(ours - theirs) / np.spacing(theirs)
    assert ulp[z < -5].max() <= 64
    assert ulp[z >= -5].max() <= 16
    assert ulp[z >= -0.5].max() <= 2


def test_the_log_phi_table_bounds_log_phi_from_above_and_closely():
    # the sure-zero shortcut of the exact draws rests on this bound (model/_kernel.py)
    rng = np.random.default_rng(11)
    z = np.concatenate([rng.standard_normal(20_000), np.linspace(-7.99, 7.99, 4_001)]).astype(np.float32)
    bound = np.array([kernel._log_phi_above(np.float64(x)) for x in z])
    log_phi = np.log(special.ndtr(z.astype(np.float64)))
    assert (log_phi <= bound).all()
    inside = np.abs(z) < 6
    # one grid step (1/256) of log Phi, whose slope phi/Phi is below 7 on [-6, 6]
    assert (bound - log_phi)[inside].max() < 7 / 256
    # outside the table's [-8, 8]: no bound (0 >= log Phi), so the exact draw decides
    assert kernel._log_phi_above(9.0) == 0.0 and kernel._log_phi_above(-9.0) == 0.0


@pytest.mark.parametrize("flip", [False, True])
def test_exact_draws_decided_without_erf_are_the_exact_ones_at_the_step(flip):
    # normals packed around the first step of the distribution, Phi(z) = P(0), where a wrong bound
    # would call a 1 a 0: the moves must be the NumPy sampler's there
    from _reference_sampler import _exact_binomial

    cases = [(n, q) for n in (1, 2, 3, 5, 10, 30, 100) for q in (1e-4, 0.003, 0.03, 0.1, 0.3, 0.5)
             if n * q * (1 - q) < mc.EXACT_BELOW_VARIANCE]
    n_cells, p_cells, z_cells = [], [], []
    for n, q in cases:
        z0 = special.ndtri((1 - q) ** n)
        z = z0 + np.linspace(-0.03, 0.03, 601)
        n_cells.append(np.full(z.size, n))
        p_cells.append(np.full(z.size, 1 - q if flip else q))
        z_cells.append(-z if flip else z)
    n = np.concatenate(n_cells).astype(np.float32)
    p = np.concatenate(p_cells).astype(np.float32)
    z = np.concatenate(z_cells).astype(np.float32)
    surely = np.array([kernel._surely_none_binomial(a, b, c) for a, b, c in zip(n, p, z)])
    zero = _exact_binomial(n, p, z) == np.where(p > 0.5, n, 0)  # p = 1/2 is not flipped
    assert 0.3 < surely.mean() < zero.mean()  # the shortcut takes most of the zeros, and only zeros
    assert not (surely & ~zero).any()
    stocks = np.zeros((3, n.size), np.float32)
    stocks[0] = n
    none = np.zeros_like(p)
    got = np.empty_like(stocks)
    kernel.moves(stocks, none, p, none, none, none, none, np.stack([z] + [np.zeros_like(z)] * 6),
                 kernel.constants(np.float32, mc.EXACT_BELOW_VARIANCE), got)
    np.testing.assert_array_equal(n - got[0], _exact_binomial(n, p, z))


def test_new_households_decided_without_erf_are_the_exact_ones_at_the_step():
    from _reference_sampler import _exact_poisson

    lam = np.repeat(np.array([1e-4, 0.01, 0.1, 0.4, 0.9]), 601)
    z = (special.ndtri(np.exp(-lam)) + np.tile(np.linspace(-0.03, 0.03, 601), 5)).astype(np.float32)
    lam = lam.astype(np.float32)
    surely = np.array([kernel._surely_none_poisson(a, c) for a, c in zip(lam, z)])
    zero = _exact_poisson(lam, z) == 0
    assert 0.3 < surely.mean() < zero.mean()
    assert not (surely & ~zero).any()
    households = np.ones(lam.size, np.float32)
    moved = np.zeros((3, lam.size), np.float32)
    moved[2] = 1
    entry, use_entry = mc._entry_shares(None, 1, np.dtype(np.float32))
    out = moved.copy()
    kernel.formation(moved, households, lam, z, np.full(lam.size, 0.5, np.float32), entry, use_entry,
                     kernel.constants(np.float32, mc.EXACT_BELOW_VARIANCE), out)
    np.testing.assert_array_equal((out - moved).sum(axis=0), _exact_poisson(lam, z))


@pytest.mark.parametrize("bins_dtype", [np.uint8, np.uint16])
def test_year_statistics_match_a_numpy_reduction(bins_dtype):
    rng = np.random.default_rng(3)
    S, C, A, G = 3, 4, 9, 2
    n = rng.integers(0, 40, size=(S, C, A, G)).astype(np.float32)
    n[:, :, 0, 1] = 0  # an empty cell: its rates are 0
    kinds = np.array([0, 1, 1, 2, 2, 2, 3, 3, 3, 3], np.int64)
    indices = np.array([0, 0, 1, 0, 4, 8, 1, 2, 9, 17], np.int64)
    M, Q, Y1, t = 6, len(kinds), 3, 1
    shift = rng.normal(size=(M, Q)) * 10
    start = rng.normal(size=(M, Q)) * 5 - 20
    width = np.full((M, Q), 0.7)
    scale, offset = 1.0 / width, 1.0 - start / width
    n_bins = 200 if bins_dtype == np.uint8 else 900
    t_rows, t_measure, t_pos = (np.array(x, np.int64) for x in ([0, 3], [4, 5], [0, 5]))
    bounds = np.array([0, 1, 4], np.int64)  # two chunks of draws, reduced in one call
    results = []

    def by_chunk(n, bounds, *args):  # the kernel called chunk by chunk, as the Monte Carlo did before
        *stats, with_bins, scale, offset, n_bins, bins, values, t, t_rows, t_measure, t_pos, rates = args
        for k in range(len(bounds) - 1):
            c = slice(bounds[k], bounds[k + 1])
            kernel.year_statistics(np.ascontiguousarray(n[:, c]), np.array([0, c.stop - c.start], np.int64),
                                   *stats, with_bins, scale, offset, n_bins, bins[c] if with_bins else bins,
                                   values if with_bins else values[c], t, t_rows, t_measure, t_pos, rates[c])

    for fn in (kernel.year_statistics, reference_year_statistics, by_chunk):
        s1, s2 = np.full((M, Q), 0.5), np.full((M, Q), 2.0)
        lo, hi = np.full((M, Q), np.inf), np.full((M, Q), -np.inf)
        lo[0, 0], hi[0, 0] = -1.0, 1e9  # extremes carried over from earlier chunks
        bins = np.zeros((C, Y1, M, Q), bins_dtype)
        values = np.zeros((C, Y1, M, Q))
        rates = np.full((C, 4), -1.0)
        fn(n, bounds, kinds, indices, shift, s1, s2, lo, hi, True, scale, offset, n_bins, bins, values, t, t_rows,
           t_measure, t_pos, rates)
        fn(n, bounds, kinds, indices, shift, s1, s2, lo, hi, False, scale, offset, n_bins, bins, values, t + 1, t_rows,
           t_measure, t_pos, rates)
        results.append((s1, s2, lo, hi, bins, values, rates))
    for other in results[1:]:
        for got, want in zip(results[0], other):
            np.testing.assert_array_equal(got, want)
    # and by hand: the district's poor households of draw 2, area 4's households, a cell's rate
    assert results[0][5][2, 2, 0, 0] == n[0, 2].sum()
    assert results[0][5][1, 2, 3, 4] == n[:, 1, 4].sum()
    cell = n[:, 3, 8, 1]  # index 17 = area 8, group 1
    assert results[0][5][3, 2, 4, 9] == pytest.approx(100 * cell[0] / cell.sum())
    assert results[0][6][0, 3] == results[0][5][0, 2, 5, 5]


@pytest.mark.parametrize("G", [2, 3])
def test_year_statistics_of_whole_stacks_across_blocks(G):
    # the stack a run reports (the district, every group, every area, every cell) is read in runs of
    # consecutive cells and areas, and its blocks of STACK_BLOCK populations start inside those runs;
    # a stack with gaps and a group missing is read in shorter runs: both as NumPy does
    rng = np.random.default_rng(11)
    S, C, A = 3, 3, 2500
    n = rng.integers(0, 60, size=(S, C, A, G)).astype(np.float32)
    whole = ([0], list(range(G)), list(range(A)), list(range(A * G)))
    gaps = ([], [G - 1], [a for a in range(A) if a % 7], [c for c in range(A * G) if c % 5 != 2])
    for stack in (whole, gaps):
        kinds = np.concatenate([np.full(len(ix), k, np.int64) for k, ix in enumerate(stack)])
        indices = np.concatenate([np.array(ix, np.int64) for ix in stack])
        assert len(kinds) > 2 * kernel.STACK_BLOCK
        M, Q = 6, len(kinds)
        shift = rng.normal(size=(M, Q))
        width = np.full((M, Q), 3.0)
        scale, offset = 1.0 / width, 1.0 - (shift - 40.0) / width
        results = []
        for fn in (kernel.year_statistics, reference_year_statistics):
            s1, s2 = np.zeros((M, Q)), np.zeros((M, Q))
            lo, hi = np.full((M, Q), np.inf), np.full((M, Q), -np.inf)
            bins = np.zeros((C, 1, M, Q), np.uint8)
            fn(n, np.array([0, 1, C], np.int64), kinds, indices, shift, s1, s2, lo, hi, True, scale, offset, 60,
               bins, np.zeros((1, 1, 1, 1)), 0, np.zeros(0, np.int64), np.zeros(0, np.int64),
               np.zeros(0, np.int64), np.zeros((C, 0)))
            results.append((s1, s2, lo, hi, bins))
        for got, want in zip(*results):
            np.testing.assert_array_equal(got, want)
        # by hand: the largest and smallest draw of the last area's households, and of the district's poor
        last = int(stack[2][-1])
        pos = len(stack[0]) + len(stack[1]) + len(stack[2]) - 1
        households = n[:, :, last].sum(axis=(0, 2))
        assert results[0][3][3, pos] == households.max() and results[0][2][3, pos] == households.min()
        if stack[0]:
            assert results[0][3][0, 0] == n[0].sum(axis=(1, 2)).max()


def test_district_and_group_counts_are_the_exact_integer_sums():
    # float64 stocks (a country of large cells) summed over 40,000 cells in any order: the
    # whole-number sums are exact, equal to Python's integer sums
    rng = np.random.default_rng(8)
    S, C, A, G = 3, 2, 20_000, 2
    whole = rng.integers(0, 2**31, size=(S, C, A, G))
    n = whole.astype(np.float64)
    kinds, indices = np.array([0, 1, 1], np.int64), np.array([0, 0, 1], np.int64)
    M, Q = 6, 3
    values = np.zeros((C, 1, M, Q))
    none = np.zeros((M, Q))
    kernel.year_statistics(n, np.array([0, C], np.int64), kinds, indices, none, none.copy(), none.copy(),
                           np.full((M, Q), np.inf), np.full((M, Q), -np.inf), False, none, none, 0,
                           np.zeros((1, 1, 1, 1), np.uint8), values, 0, np.zeros(0, np.int64), np.zeros(0, np.int64),
                           np.zeros(0, np.int64), np.zeros((C, 1)))
    for c in range(C):
        for s_ in range(S):
            assert values[c, 0, s_, 0] == sum(int(x) for x in whole[s_, c].ravel())
            for g in range(G):
                assert values[c, 0, s_, 1 + g] == sum(int(x) for x in whole[s_, c, :, g])


@pytest.mark.parametrize("draws", [1, 3, 4, 37])  # four draws a pass, and the rest one by one
@pytest.mark.parametrize("bins_dtype", [np.uint8, np.uint16])
def test_add_counts_is_np_add_at(draws, bins_dtype):
    rng = np.random.default_rng(4)
    bins = rng.integers(0, 12, size=(draws, 1000)).astype(bins_dtype)
    bins[:, 7] = 5  # every draw in one bin of a statistic
    hist = np.zeros((1000, 12), np.uint16)
    hist[3, 2] = 9  # counts already there are added to
    kernel.add_counts(hist, bins, 64)
    want = np.zeros((1000, 12), np.int64)
    want[3, 2] = 9
    np.add.at(want, (np.arange(1000)[None, :].repeat(draws, 0), bins), 1)
    np.testing.assert_array_equal(hist, want)
    assert hist[7, 5] == draws and hist.sum() == draws * 1000 + 9


def test_hist_quantiles_are_the_numpy_ones():
    """The compiled quantiles against the NumPy reading of the histograms, on histograms with empty
    rows' ends, every draw in the under- or over-flow bin, one draw, and ties at the ranks."""
    from thidua_sim.model._stats import QUANTILES
    from thidua_sim.model._streaming import _hist_quantiles

    rng = np.random.default_rng(8)
    N, B, draws = 600, 20, 97
    hist = np.zeros((N, B + 2), np.uint16)
    for s in range(N):
        kind = s % 6
        if kind == 0:
            hist[s, 0] = draws  # all below the range
        elif kind == 1:
            hist[s, -1] = draws  # all above
        elif kind == 2:
            hist[s, 1 + s % B] = draws  # one bin holds every draw
        else:
            np.add.at(hist[s], rng.integers(0, B + 2, draws), 1)
    start = rng.normal(size=N) * 10
    width = rng.uniform(0.1, 3.0, size=N)
    lo = start - rng.uniform(0.0, 5.0, size=N)
    hi = start + width * B + rng.uniform(0.0, 5.0, size=N)
    got = _hist_quantiles(hist, start, width, lo, hi, draws)
    want = reference_hist_quantiles(hist, start, width, lo, hi, draws)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    # by hand: 10 draws, 4 in bin 1 [0, 1) and 6 in bin 2 [1, 2). The median's rank is 9 * 0.5 + 0.5 = 5,
    # one draw into bin 2: 1 + 1/6; the lower quartile's is 2.75, in bin 1: 2.75 / 4
    one = np.array([[0, 4, 6, 0]], np.uint16)
    q, err = _hist_quantiles(one, np.zeros(1), np.ones(1), np.zeros(1), np.full(1, 2.0), 10)
    median, quartile = QUANTILES.index(0.5), QUANTILES.index(0.25)
    assert q[median, 0] == pytest.approx(1 + 1 / 6) and err[median, 0] == 1.0
    assert q[quartile, 0] == pytest.approx(2.75 / 4)


# -- whole runs: the kernel's draws against the NumPy sampler's ---------------------------------

BASELINE = [[(100, 50, 350), (20, 30, 450)], [(2, 1, 8), (0, 0, 0)], [(3000, 900, 6000), (1, 0, 2)]]


def _inputs(entry=None):
    inst = make_instrument(cost=10.0, eligible=("poor", "near_poor"), effects={"uPO": 0.3, "dNP": 0.2})
    scenario = make_scenario([line(2022, "livelihood", 600.0, rule="poor")], entry_shares=entry)
    params = make_params([inst], rates=make_rates(interval=0.3, dtts={"gamma": 0.02}, other={"gamma": 0.01}))
    return make_baseline(BASELINE), scenario, params


def _with_numpy_sampler(monkeypatch, entry):
    shares = None if entry is None else np.array([[entry[g][s] for s in ("poor", "near_poor", "other")]
                                                   for g in ("dtts", "other")])

    def step_year(n, pPN, pPO, pNP, pNO, pOP, pON, gamma, _entry, _use, z, u, K, out):
        reference_step_year(n, pPN, pPO, pNP, pNO, pOP, pON, gamma, shares, z, u, out)

    monkeypatch.setattr(kernel, "step_year", step_year)
    monkeypatch.setattr(kernel, "year_statistics", reference_year_statistics)


@pytest.mark.parametrize("entry", [None, {"dtts": {"poor": 0.3, "near_poor": 0.3, "other": 0.4},
                                          "other": {"poor": 0.1, "near_poor": 0.2, "other": 0.7}}])
def test_a_run_draws_the_numpy_samplers_numbers(monkeypatch, entry):
    baseline, scenario, params = _inputs(entry)
    kept = project(baseline, scenario, params, until=2025, draws=300, seed=5, keep_draws=True, progress=False)
    streamed = project(baseline, scenario, params, until=2025, draws=300, seed=5, keep_draws=False, progress=False)
    with monkeypatch.context() as m:
        _with_numpy_sampler(m, entry)
        kept_ref = project(baseline, scenario, params, until=2025, draws=300, seed=5, keep_draws=True, progress=False)
        streamed_ref = project(baseline, scenario, params, until=2025, draws=300, seed=5, keep_draws=False,
                               progress=False)
    np.testing.assert_array_equal(kept.draws, kept_ref.draws)
    assert kept.draws.std(axis=0).max() > 0  # the draws do vary
    np.testing.assert_array_equal(streamed.table().select_dtypes("number").to_numpy(),
                                  streamed_ref.table().select_dtypes("number").to_numpy())


def test_a_streamed_run_with_histograms_matches_the_numpy_reduction(monkeypatch):
    monkeypatch.setattr(mc, "CHUNK_CELLS", 32)  # 6 cells -> 5 draws a chunk
    monkeypatch.setattr(streaming, "PILOT_DRAWS", 30)  # several tasks: the quantiles come from histograms
    baseline, scenario, params = _inputs()
    ours = project(baseline, scenario, params, until=2025, draws=400, seed=9, keep_draws=False, progress=False)
    assert ours.summary.bins > 0
    monkeypatch.setattr(kernel, "year_statistics", reference_year_statistics)
    theirs = project(baseline, scenario, params, until=2025, draws=400, seed=9, keep_draws=False, progress=False)
    np.testing.assert_array_equal(ours.table().select_dtypes("number").to_numpy(),
                                  theirs.table().select_dtypes("number").to_numpy())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_order_statistics_are_the_values_np_partition_puts_there(dtype):
    rng = np.random.default_rng(21)
    n = 3_001
    rows = [
        rng.random(n) * 40,  # spread
        np.full(n, 2.5),  # constant
        rng.integers(0, 3, n) * 12.5,  # three values, many ties
        np.r_[np.zeros(n - 1), 1e6],  # one outlier: every other value in the first bin
        np.r_[-1e6, rng.normal(size=n - 2), 1e6],  # both ends far out
        -rng.exponential(size=n),  # negative
        100.0 * rng.integers(0, 40, n) / np.maximum(rng.integers(0, 400, n), 1),  # rates of whole numbers
    ]
    rows = np.array(rows, dtype)
    kth = np.array([0, 1, 150, 151, 1500, 1501, 2849, 2850, n - 2, n - 1], np.int64)
    got = np.empty((len(rows), len(kth)), dtype)
    kernel.order_statistics(rows, kth, got)
    np.testing.assert_array_equal(got, np.partition(rows, kth, axis=-1)[:, kth])
    # and by hand: the ends are the extremes, the middle of 0..n-1 shuffled is its middle
    assert (got[:, 0] == rows.min(axis=1)).all() and (got[:, -1] == rows.max(axis=1)).all()
    shuffled = rng.permutation(np.arange(n, dtype=dtype))[None]
    middle = np.empty((1, 1), dtype)
    kernel.order_statistics(shuffled, np.array([1500], np.int64), middle)
    assert middle[0, 0] == 1500


def test_order_statistics_of_tiny_rows():
    for n in (1, 2, 3):
        rows = np.random.default_rng(n).random((4, n))
        kth = np.arange(n, dtype=np.int64)
        got = np.empty((4, n))
        kernel.order_statistics(rows, kth, got)
        np.testing.assert_array_equal(got, np.sort(rows, axis=1))
