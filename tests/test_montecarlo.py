"""Monte Carlo draws: determinism, common random numbers, convergence to the expected path,
the parameter distributions and the household-move sampler against closed forms."""

from dataclasses import replace

import numpy as np
import pytest
from factories import line, make_baseline, make_instrument, make_params, make_rates, make_scenario
from scipy import special, stats

import thidua_sim.model._montecarlo as mc
from thidua_sim import ProjectionError, Uncertain, project

BASELINE = [[(100, 50, 350), (20, 30, 450)], [(200, 80, 220), (10, 10, 180)]]


def uncertain_params(instruments=(), interval=0.3):
    return make_params(instruments, rates=make_rates(interval=interval, dtts={"gamma": 0.02}, other={"gamma": 0.01}))


# -- determinism ---------------------------------------------------------------------------------

def test_same_seed_same_numbers_for_one_and_two_workers(monkeypatch):
    # small chunks so that 2 workers really split the draws between them
    monkeypatch.setattr(mc, "CHUNK_CELLS", 32)  # 4 cells -> 8 draws a chunk, 40 draws -> 5 chunks
    monkeypatch.setattr(mc, "POOL_MIN_CELL_YEARS", 0)  # a pool even for this small run
    inst = make_instrument(cost=10.0, eligible=("poor", "near_poor"), effects={"uPO": 0.3, "dNP": 0.2})
    scenario = make_scenario([line(2022, "livelihood", 800.0, rule="poor"), line(2023, "livelihood", 300.0,
                                                                                  area="area_1")])
    params = uncertain_params([inst])
    one = project(make_baseline(BASELINE), scenario, params, draws=40, seed=7, workers=1)
    two = project(make_baseline(BASELINE), scenario, params, draws=40, seed=7, workers=2)
    again = project(make_baseline(BASELINE), scenario, params, draws=40, seed=7, workers=1)
    other = project(make_baseline(BASELINE), scenario, params, draws=40, seed=8, workers=1)
    np.testing.assert_array_equal(one.draws, two.draws)
    np.testing.assert_array_equal(one.draws, again.draws)
    # the same when results come back by pipe instead of the shared file
    monkeypatch.setattr(mc, "_shared_output", lambda shape, dtype: None)
    piped = project(make_baseline(BASELINE), scenario, params, draws=40, seed=7, workers=2)
    np.testing.assert_array_equal(one.draws, piped.draws)
    assert not np.array_equal(one.draws, other.draws)
    assert one.draws.dtype == np.int32 and one.draws.shape == (40, 5, 2, 2, 3)


def test_parameter_sample_depends_on_names_not_on_other_parameters():
    from dataclasses import replace

    inst = replace(make_instrument(), cost_mvnd=Uncertain(10.0, 8.0, 14.0), effects={"uPO": Uncertain(0.3, 0.2, 0.4)})
    model_a = project(make_baseline(), make_scenario(), uncertain_params(), until=2022).model
    model_b = project(make_baseline(), make_scenario(), uncertain_params([inst]), until=2022).model
    a = mc.sample_parameters(model_a, uncertain_params(), 50, seed=3)
    b = mc.sample_parameters(model_b, uncertain_params([inst]), 50, seed=3)
    np.testing.assert_array_equal(a.rates, b.rates)  # adding an instrument leaves the rates' draws alone
    assert np.ptp(b.costs) > 0 and np.ptp(b.effects[:, 0, 0]) > 0  # its own cost and effect are drawn


# -- common random numbers -----------------------------------------------------------------------

def test_common_random_numbers_make_scenario_differences_small():
    inst = make_instrument(cost=10.0, eligible=("poor",), effects={"uPO": 0.3})
    params = uncertain_params([inst])
    baseline = make_baseline(BASELINE)
    lines = [line(year, "livelihood", 600.0, rule="poor") for year in range(2022, 2026)]
    more = [line(year, "livelihood", 630.0, rule="poor") for year in range(2022, 2026)]
    a = project(baseline, make_scenario(lines), params, draws=400, seed=11)
    b = project(baseline, make_scenario(more), params, draws=400, seed=11)
    poor_a = a.stocks("district", draws=True)[:, -1, 0]
    poor_b = b.stocks("district", draws=True)[:, -1, 0]
    diff = poor_b - poor_a
    assert diff.std() < 0.2 * min(poor_a.std(), poor_b.std())
    # and the extra money helps on average, as on the expected path
    assert diff.mean() < 0
    assert b.expected[-1, ..., 0].sum() < a.expected[-1, ..., 0].sum()
    # independent seeds would not give that: the same difference has a large spread
    c = project(baseline, make_scenario(more), params, draws=400, seed=12)
    assert (c.stocks("district", draws=True)[:, -1, 0] - poor_a).std() > 3 * diff.std()


# -- convergence to the expected path ------------------------------------------------------------

def assert_mean_matches(result, z=4.5):
    draws = result.draws.astype(float)
    mean, se = draws.mean(axis=0), draws.std(axis=0, ddof=1) / np.sqrt(draws.shape[0])
    gap = np.abs(mean - result.expected)
    # cells without variance (year 0, empty groups) must match exactly
    assert np.all(gap[se == 0] < 1e-9)
    assert np.all(gap <= z * se + 1e-9), f"largest gap in standard errors: {np.max(gap / np.where(se > 0, se, 1))}"


def test_mean_converges_to_expected_path_with_fixed_parameters():
    # fixed parameters, no instruments: the recurrence on expected counts is linear, so the
    # expected path is the exact mean of the draws (formation included: gamma * moved)
    params = make_params(rates=make_rates(dtts={"gamma": 0.02}, other={"gamma": 0.01}))
    result = project(make_baseline(BASELINE), make_scenario(), params, draws=6000, seed=5)
    assert_mean_matches(result)


def test_mean_converges_with_saturated_instrument_and_entry_shares():
    # money far beyond what the eligible households need covers all of them in every draw, so the
    # coverage share is 1 and the path stays linear; entry shares fix the split of new households
    inst = make_instrument(cost=1.0, eligible=("poor", "near_poor"), effects={"uPO": 0.3, "uPN": 0.2,
                                                                             "uNO": 0.1, "dNP": 0.5})
    entry = {"dtts": {"poor": 0.3, "near_poor": 0.3, "other": 0.4}, "other": {"poor": 0.0, "near_poor": 0.2,
                                                                             "other": 0.8}}
    scenario = make_scenario([line(y, "livelihood", 1e6, rule="poor") for y in range(2022, 2026)], entry_shares=entry)
    params = make_params([inst], rates=make_rates(dtts={"gamma": 0.03}, other={"gamma": 0.01}))
    result = project(make_baseline(BASELINE), scenario, params, draws=6000, seed=6)
    assert np.all(result.unused > 0)  # saturated
    assert_mean_matches(result)


def test_draws_conserve_households_and_stay_whole():
    params = make_params(rates=make_rates(interval=0.3))  # gamma = 0: no new households
    result = project(make_baseline(BASELINE), make_scenario(), params, draws=300, seed=9)
    totals = result.draws.sum(axis=-1)
    np.testing.assert_array_equal(totals, np.broadcast_to(totals[:, :1], totals.shape))
    assert result.draws.min() >= 0


# -- parameter distributions ---------------------------------------------------------------------

@pytest.mark.parametrize("value, scale", [
    (Uncertain(0.15, 0.10, 0.22), "logit"),
    (Uncertain(0.02, 0.005, 0.03), "logit"),
    (Uncertain(40.0, 35.0, 60.0), "log"),
    (Uncertain(0.05, 0.0, 0.10), "logit"),  # interval touching 0: natural scale, clipped
])
def test_quantile_hits_central_and_interval(value, scale):
    got = mc.quantile(value, np.array([0.05, 0.5, 0.95]), scale)
    np.testing.assert_allclose(got, [value.low, value.central, value.high], rtol=1e-12, atol=1e-15)
    tails = mc.quantile(value, np.array([1e-9, 1 - 1e-9]), scale)
    assert tails[0] >= 0 and (scale == "log" or tails[1] <= 1)


def test_fixed_value_is_not_drawn():
    assert np.all(mc.quantile(Uncertain(0.3), np.array([0.01, 0.99]), "logit") == 0.3)


def test_latin_hypercube_column_is_stratified():
    u = mc._lhs_column(2021, "rate:dtts:pPO", 200)
    np.testing.assert_array_equal(np.sort(np.floor(u * 200)), np.arange(200))
    assert not np.array_equal(u, mc._lhs_column(2021, "rate:dtts:pPN", 200))


@pytest.mark.parametrize("seed, name, draws", [(0, "rate:dtts:pPO", 1), (2021, "cost:housing", 7),
                                               (2021, "effect:housing:uPO", 10_000), (987654321, "rebase:dtts:x", 333)])
def test_latin_hypercube_column_is_scipys(seed, name, draws):
    """The hand-written column equals SciPy's LatinHypercube on the same stream (the sample's numbers
    did not change when the SciPy object was dropped for speed)."""
    import zlib

    from scipy.stats import qmc

    stream = np.random.SeedSequence(seed, spawn_key=(mc._PARAM_STREAM, zlib.crc32(name.encode("utf-8"))))
    expected = qmc.LatinHypercube(d=1, rng=np.random.default_rng(stream)).random(draws)[:, 0]
    np.testing.assert_array_equal(mc._lhs_column(seed, name, draws), expected)


def test_interval_without_its_central_value_is_refused():
    rates = make_rates()
    bad = {**rates.rates["dtts"], "pPO": Uncertain(0.15, 0.2, 0.3, "test")}
    params = make_params(rates=type(rates)({"dtts": bad, "other": rates.rates["other"]}, {}, "test"))
    with pytest.raises(ProjectionError, match=r"rate:dtts:pPO.*does not contain the central value"):
        project(make_baseline(), make_scenario(), params, draws=5)


@pytest.mark.parametrize("kwargs, message", [
    ({"draws": -1}, "draws"), ({"draws": 5, "seed": -3}, "seed"), ({"draws": 5, "workers": 0}, "workers"),
])
def test_bad_draws_seed_or_workers_are_refused(kwargs, message):
    with pytest.raises(ProjectionError, match=message):
        project(make_baseline(), make_scenario(), make_params(), **kwargs)


# -- the household-move sampler --------------------------------------------------------------------

@pytest.mark.parametrize("n, p", [(200, 0.1), (60, 0.03), (5000, 0.02), (12, 0.4), (3, 0.2)])
def test_binomial_sampler_matches_the_binomial(n, p):
    size = 200_000
    rng = np.random.default_rng(1)
    z = rng.standard_normal(size).astype(np.float32)
    x = mc._binomial(np.full(size, n, np.float32), np.float32(p), z)
    assert x.min() >= 0 and x.max() <= n and np.all(x == np.round(x))
    mean, var = n * p, n * p * (1 - p)
    assert abs(x.mean() - mean) < 4 * np.sqrt(var / size)
    assert abs(x.var() / var - 1) < 0.03
    # distribution: total-variation distance to the exact binomial below 1.5 %
    counts = np.bincount(x.astype(int), minlength=n + 1) / size
    tv = 0.5 * np.abs(counts - stats.binom.pmf(np.arange(n + 1), n, p)).sum()
    assert tv < 0.015


@pytest.mark.parametrize("lam", [0.4, 3.0, 40.0])
def test_poisson_sampler_matches_the_poisson(lam):
    size = 200_000
    z = np.random.default_rng(3).standard_normal(size).astype(np.float32)
    x = mc._poisson(np.full(size, lam, np.float32), z)
    assert abs(x.mean() - lam) < 4 * np.sqrt(lam / size)
    assert abs(x.var() / lam - 1) < 0.03


@pytest.mark.parametrize("n, p", [(3, 0.2), (40, 0.01), (1, 0.5), (50, 0.99), (7, 0.9), (0, 0.3), (9, 0.0)])
def test_small_variance_binomials_are_exact_by_inversion(n, p):
    """Below the threshold, the draw at normal quantile z is the binomial's own quantile at Phi(z):
    over equally spaced quantiles its distribution is the binomial's to the grid's resolution, and
    it never decreases in z (common random numbers)."""
    size = 200_001
    z = special.ndtri((np.arange(size) + 0.5) / size).astype(np.float32)
    x = mc._binomial(np.full(size, n, np.float32), np.float32(p), z)
    assert n * p * (1 - p) < mc.EXACT_BELOW_VARIANCE
    assert np.all(np.diff(x) >= 0) and x.min() >= 0 and x.max() <= n
    counts = np.bincount(x.astype(int), minlength=n + 1) / size
    np.testing.assert_allclose(counts, stats.binom.pmf(np.arange(n + 1), n, p), atol=2e-5)


@pytest.mark.parametrize("lam", [0.0, 0.05, 0.4, 0.95])
def test_small_poisson_draws_are_exact_by_inversion(lam):
    size = 200_001
    z = special.ndtri((np.arange(size) + 0.5) / size).astype(np.float32)
    x = mc._poisson(np.full(size, lam, np.float32), z)
    assert np.all(np.diff(x) >= 0)
    counts = np.bincount(x.astype(int), minlength=12)[:12] / size
    np.testing.assert_allclose(counts, stats.poisson.pmf(np.arange(12), lam), atol=2e-5)


def test_formation_split_is_unbiased_and_whole():
    size = 100_000
    rng = np.random.default_rng(5)
    moved = np.broadcast_to(np.array([30.0, 20.0, 150.0], np.float32)[:, None], (3, size)).copy()
    households = moved.sum(axis=0)
    new = mc._formation(moved, households, np.float32(0.05), None, rng.standard_normal(size).astype(np.float32),
                        rng.random(size, dtype=np.float32))
    assert new.min() >= 0
    np.testing.assert_allclose(new.mean(axis=1), [1.5, 1.0, 7.5], atol=4 * np.sqrt(10 / size))
    # each state gets its expected share of the drawn total, rounded up or down
    total = new.sum(axis=0)
    assert np.all(np.abs(new - total * (moved / households)) < 1.0 + 1e-6)


def test_chunk_size_depends_on_cells_only():
    assert mc.chunk_size(28) == min(mc.MAX_CHUNK, mc.CHUNK_CELLS // 28)
    assert mc.chunk_size(21200) == mc.CHUNK_CELLS // 21200
    assert mc.chunk_size(10**9) == 1


# -- statistics of the draws -------------------------------------------------------------------------

def test_table_statistics_match_direct_computation():
    inst = make_instrument(cost=10.0, eligible=("poor",), effects={"uPO": 0.4})
    result = project(make_baseline(BASELINE), make_scenario([line(2022, "livelihood", 500.0, rule="poor")]),
                     uncertain_params([inst]), until=2024, draws=101, seed=4)
    table = result.table()
    pops = result.populations()
    # 10 statistics (expected, mean, sd, q05, q10, q25, q50, q75, q90, q95), 6 measures, 2021-2024
    assert len(table) == len(pops) * 10 * 6 * 4
    # by hand for area_1, dtts: the raw draws of that one cell
    cell = result.draws[:, :, 1, 0, :].astype(float)  # (D, Y, 3)
    rate = 100 * cell[..., 0] / cell.sum(axis=-1)
    rows = table[(table.population == "area:area_1:dtts") & (table.measure == "poor_rate")]
    got = rows.pivot(index="statistic", columns="year", values="value")
    np.testing.assert_allclose(got.loc["mean"], rate.mean(axis=0))
    np.testing.assert_allclose(got.loc["sd"], rate.std(axis=0, ddof=1))
    np.testing.assert_allclose(got.loc["q05"], np.sort(rate, axis=0)[5])  # 101 draws: the 6th smallest
    np.testing.assert_allclose(got.loc["q50"], np.median(rate, axis=0))
    np.testing.assert_allclose(got.loc["q10"], np.sort(rate, axis=0)[10])  # 101 draws: the 11th smallest
    np.testing.assert_allclose(got.loc["q90"], np.sort(rate, axis=0)[90])
    # the district sums every cell; expected comes from the expected path
    district = table[(table.population == "district") & (table.measure == "poor") & (table.statistic == "mean")]
    np.testing.assert_allclose(district.value, result.draws[..., 0].sum(axis=(2, 3)).mean(axis=0))
    expected = table[(table.population == "dtts") & (table.measure == "households") & (table.statistic == "expected")]
    np.testing.assert_allclose(expected.value, result.expected[:, :, 0].sum(axis=(1, 2)))
    # per-draw rates of a population, as the planning layer uses them
    np.testing.assert_allclose(result.rate("area:area_1:dtts", draws=True), rate)


def test_table_without_draws_has_expected_only():
    result = project(make_baseline(BASELINE), make_scenario(), make_params(), until=2022)
    table = result.table(["district", "area:area_0"])
    assert set(table.statistic) == {"expected"} and len(table) == 2 * 6 * 2
    with pytest.raises(ProjectionError, match="no Monte Carlo draws"):
        result.stocks("district", draws=True)
    with pytest.raises(ProjectionError, match="unknown area 'nowhere'"):
        result.table(["area:nowhere"])


def test_the_prior_of_the_calibration_is_the_distribution_the_monte_carlo_draws_from():
    # one transform (model/_transforms.py): the calibration's prior density and the Monte Carlo's
    # quantile function describe the same two-piece normal. Checked against the closed form: the
    # 5 %, 50 % and 95 % points are the interval and the central value, and the prior's minus
    # log density at the transformed 5 % point is z90^2 / 2.
    from scipy import special

    from thidua_sim.model._montecarlo import quantile
    from thidua_sim.model._transforms import Z90
    from thidua_sim.model.calibrate import _prior

    value = Uncertain(0.2, 0.1, 0.4)
    prior = _prior(0, 1, value)  # pPO: a logit-scale rate
    assert np.allclose(quantile(value, np.array([0.05, 0.5, 0.95]), "logit"), [0.1, 0.2, 0.4])
    assert prior.to_natural(np.array([special.logit(0.1)]))[0] == pytest.approx(0.1)
    assert prior.neg_log(np.array([special.logit(0.1)]))[0] == pytest.approx(Z90**2 / 2)
    assert prior.neg_log(np.array([special.logit(0.4)]))[0] == pytest.approx(Z90**2 / 2)
    gamma = _prior(0, 6, Uncertain(0.02, 0.015, 0.03))
    assert gamma.dist.scale == "log" and gamma.to_natural(np.array([np.log(0.03)]))[0] == pytest.approx(0.03)


def test_an_instrument_serving_other_households_is_covered_alike_by_both_paths():
    # The public Instrument may make "other" households eligible (only the params loader forbids
    # it). They take up places: with 1,000 poor and 3,000 other households in a cell and money for
    # 500 households, the share is 500 / 4,000 = 1/8, on the expected path and in every draw. One
    # year from a fixed baseline with fixed parameters, the Monte Carlo mean is the expected value
    # up to Monte Carlo error (binomial and Poisson variates are unbiased here: every variance is
    # far above the threshold where clipping at 0 matters).
    from thidua_sim.model.engine import compile_model, expected_path

    inst = make_instrument("outreach", cost=10.0, eligible=("poor", "other"), effects={"uPO": 0.6})
    params = make_params([inst])
    baseline = make_baseline([[(1000, 0, 3000), (0, 0, 0)]])
    scenario = make_scenario([line(2022, "outreach", 5000.0, area="area_0")])
    projection = project(baseline, scenario, params, until=2022, draws=4000, seed=11)
    expected = projection.expected[1, 0, 0, 0]  # poor households of the cell in 2022
    # by hand: pPO' = 1 - (1 - 0.15)(1 - 0.6/8) = 0.21375; pPN' = (1 - pPO')(1 - (1 - 0.10/0.85)) ...
    p_po = 1 - (1 - 0.15) * (1 - 0.6 / 8)
    p_pn = (1 - p_po) * (0.10 / 0.85)
    assert expected == pytest.approx(1000 * (1 - p_po - p_pn) + 3000 * 0.01)
    draws = projection.draws[:, 1, 0, 0, 0].astype(float)
    se = draws.std(ddof=1) / np.sqrt(draws.size)
    assert abs(draws.mean() - expected) < 4 * se
    # the rule that ignored "other" households (share 500 / 1,000) is far outside that error
    model = compile_model(baseline, scenario, params, until=2022)
    poor_only = expected_path(replace(model, eligible=model.eligible * np.array([1.0, 1.0, 0.0])))
    assert abs(poor_only.stocks[1, 0, 0, 0] - expected) > 50 * se


def _sampler_distribution(n, p, size=400_001, dtype=np.float32):
    """The binomial sampler's distribution (values, probabilities) over equally likely normal
    quantiles z = Phi^-1((i + 0.5) / size): the sampler's own code, no random noise."""
    from scipy import special

    z = special.ndtri((np.arange(size) + 0.5) / size).astype(dtype)
    x = mc._binomial(np.full(size, n, dtype), dtype(p), z)
    assert n * p * (1 - p) >= mc.EXACT_BELOW_VARIANCE  # the approximation, not the exact draws
    return x


@pytest.mark.parametrize("n, p, bias_low, bias_high, tv_max", [
    (202, 0.005, 0.010, 0.020, 0.025),  # variance 1.005: the threshold, small p (the clip at 0 acts)
    (5, 0.3, 0.005, 0.015, 0.025),  # variance 1.05: the worst distance at the threshold
    (604, 0.005, 0.002, 0.006, 0.011),  # variance 3
    (36, 0.5, -1e-3, 1e-3, 0.0035),  # variance 9
])
def test_sampler_bias_and_distance_near_the_threshold(n, p, bias_low, bias_high, tv_max):
    # the figures docs/model.md ("Monte Carlo") states, against the exact binomial (scipy.stats)
    x = _sampler_distribution(n, p)
    bias = x.astype(float).mean() - n * p
    assert bias_low < bias < bias_high
    counts = np.bincount(x.astype(int), minlength=n + 1) / x.size
    tv = 0.5 * np.abs(counts - stats.binom.pmf(np.arange(n + 1), n, p)).sum()
    assert tv < tv_max
