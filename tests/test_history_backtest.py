"""Published history (loader), the pooled fit on it (recovery from simulated series with flows,
convergence refusal, joint draws), the naive baselines and backtest metrics by hand, and the
Monte Carlo keeping the correlations of joint posterior draws."""

import math

import numpy as np
import pandas as pd
import pytest
from factories import make_baseline, make_instrument, make_params, make_rates, make_scenario

from thidua_sim import BaseRates, Uncertain
from thidua_sim.data import HISTORY_COLUMNS, load_history
from thidua_sim.errors import InputErrors
from thidua_sim.model import _history_fit as hf
from thidua_sim.model._montecarlo import sample_parameters
from thidua_sim.model.backtest import baseline_forecasts, metrics
from thidua_sim.model.engine import compile_model

SHIPPED = "data/history"


# -- the shipped history and its loader -------------------------------------------------------------

def test_shipped_history_is_up_to_2022_with_a_source_and_quote_per_figure():
    history = load_history(SHIPPED)
    t = history.table
    assert len(t) > 150
    assert t["year"].max() <= 2022  # reviews of 2023 and later are kept back for the check of forecasts
    assert (t["source_url"].str.len() > 10).all() and (t["quote"].str.len() > 3).all()
    # the Kon Tum 2022 flows of the issue, as published
    for measure, value in (("escaped_poverty", 6782), ("newly_poor", 594), ("fell_back", 13),
                           ("near_poor_to_poor", 169), ("left_near_poverty", 3409), ("poor", 15943)):
        assert history.value("kon_tum", 2022, measure) == value
    assert history.value("kon_tum", 2021, "poor") == 21989


def _write(tmp_path, rows):
    path = tmp_path / "history.csv"
    pd.DataFrame(rows, columns=list(HISTORY_COLUMNS)).to_csv(path, index=False)
    return path


def _row(**kw):
    base = dict(area_id="x", area_name="X", level="province", parent="", year=2021, standard="07/2021",
                population="all", measure="poor_rate", value=10.0, unit="percent", source_url="https://a.vn/b",
                source_title="t", source_doc="", quote="tỷ lệ hộ nghèo 10%", note="")
    base.update(kw)
    return base


def test_bad_history_rows_are_reported_with_row_column_and_fix(tmp_path):
    path = _write(tmp_path, [_row(), _row(year=2022, measure="poor_rat"), _row(year=2022, value=120.0),
                             _row(), _row(year=2022, standard="2016", measure="poor")])
    with pytest.raises(InputErrors) as info:
        load_history(path)
    text = str(info.value)
    assert "row 3, column H 'measure'" in text and "poor_rat" in text
    assert "row 4, column I 'value'" in text and "percentage" in text
    assert "row 5" in text and "again (first on row 2)" in text
    assert "row 6, column F 'standard'" in text and "59/2015, 07/2021" in text
    assert "Fix:" in text


def test_a_missing_figure_is_named():
    history = load_history(SHIPPED)
    with pytest.raises(InputErrors) as info:
        history.require("kon_tum", 2022, "households", "dtts")
    assert "area 'kon_tum', year 2022, population 'dtts', measure 'households'" in str(info.value)


# -- naive baselines and metrics by hand --------------------------------------------------------------

def test_baselines_by_hand():
    # 20 % in 2015, 16 % in 2017: 2 points a year, ratio 0.8 over two years
    linear, ratio = baseline_forecasts(np.array([2015, 2017]), np.array([20.0, 16.0]), 1)
    assert linear == pytest.approx(14.0)
    assert ratio == pytest.approx(16.0 * math.sqrt(0.8))  # 14.3108...
    linear3, ratio3 = baseline_forecasts(np.array([2015, 2016, 2017]), np.array([20.0, 99.0, 16.0]), 3)
    assert linear3 == pytest.approx(16.0 - 6.0)  # through the first and last point only
    assert ratio3 == pytest.approx(16.0 * 0.8**1.5)
    assert baseline_forecasts(np.array([2020, 2021]), np.array([3.0, 1.0]), 2)[0] == 0.0  # never below 0


def test_metrics_by_hand():
    f = pd.DataFrame({
        "measure": ["poor_rate"] * 3, "horizon": [1, 1, 2], "year": [2018, 2021, 2020], "actual": [10.0, 8.0, 5.0],
        "model": [11.0, 7.0, 5.5], "linear": [9.0, 8.0, 3.0], "ratio": [10.0, 10.0, 6.0],
        "q10": [9.0, 7.5, 5.0], "q90": [12.0, 7.9, 6.0], "q05": [8.0, 7.2, 4.0], "q95": [13.0, 9.5, 7.0]})
    m = metrics(f).set_index(["measure", "horizon"])
    one, all_ = m.loc[("poor_rate", "1")], m.loc[("poor_rate", "all")]
    assert one["n"] == 2 and all_["n"] == 3
    assert one["mae_model"] == pytest.approx(1.0) and one["bias_model"] == pytest.approx(0.0)
    assert one["mae_linear"] == pytest.approx(0.5) and one["bias_linear"] == pytest.approx(-0.5)
    assert one["mae_ratio"] == pytest.approx(1.0) and one["bias_ratio"] == pytest.approx(1.0)
    assert all_["mae_model"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert all_["bias_linear"] == pytest.approx((-1 + 0 - 2) / 3)
    assert one["cover80"] == pytest.approx(0.5)  # 10 in [9, 12]; 8 not in [7.5, 7.9]
    assert all_["cover90"] == pytest.approx(1.0)
    assert one["years"] == "2018, 2021"
    pooled = m.loc[("all", "all")]  # the three measures pooled (only one here)
    assert pooled["n"] == 3 and pooled["mae_model"] == pytest.approx(all_["mae_model"])


# -- the pooled fit ----------------------------------------------------------------------------------

TRUE_SIGMA = 0.0015  # residual error of a share a year, at a 10 % share (the fit's proportional structure)


def _simulate_cells(rates, budgets, years, h=100_000, seed=1, sigma=TRUE_SIGMA, slope=0.0, standard="07/2021",
                    prefix="a"):
    """Series simulated as the fitted model says they arise: each review is the engine's step from
    the one before, by known rates and budgets, plus a Student-t residual (NU degrees of freedom) of
    scale ``sigma`` times the share at the start over 10 % (:class:`hf.Structure`, residual
    ``"proportional"``); the year's flows are those of the step (published for one series).
    ``slope``: logit pPO moves by this much a year from ``hf.TREND_YEAR`` (the trend option)."""
    rng = np.random.default_rng(seed)
    cells = []
    for c, (p0, n0, beta) in enumerate(budgets):
        x = np.array([p0, n0, 1 - p0 - n0])
        poor, near, flows = [x[0]], [x[1]], [np.full(4, np.nan)]
        for y in years[:-1]:
            r = np.array(rates, float)
            if slope:
                r[1] = 1 / (1 + math.exp(-(math.log(r[1] / (1 - r[1])) + slope * (y - hf.TREND_YEAR))))
            nxt, primed = hf.one_step(x, r, np.array(beta * p0))
            f = h * np.array([x[0] * (primed[0] + primed[1]), x[1] * primed[2], x[2] * primed[4], x[1] * primed[3]])
            flows.append(np.round(f) if c == 0 else np.full(4, np.nan))  # flows published for one series
            e = sigma * rng.standard_t(hf.NU, size=2) * x[:2] / 0.1
            x = np.array([nxt[0] + e[0], nxt[1] + e[1], 0.0])
            x[2] = 1.0 - x[0] - x[1]
            poor.append(x[0])
            near.append(x[1])
        cells.append(hf.Cell(f"{prefix}{c}", "all", standard, np.array(years), np.array(poor), np.array(near),
                             np.full(len(years), float(h)), np.array(flows)))
    return cells


TRUE_RATES = np.array([0.10, 0.08, 0.06, 0.12, 0.006, 0.02, 0.0])  # pPN pPO pNP pNO pOP pON gamma


def _prior_params():
    rates = {g: {"pPN": Uncertain(0.13, 0.06, 0.25), "pPO": Uncertain(0.06, 0.03, 0.15),
                 "pNP": Uncertain(0.08, 0.03, 0.16), "pNO": Uncertain(0.10, 0.05, 0.2),
                 "pOP": Uncertain(0.01, 0.004, 0.025), "pON": Uncertain(0.03, 0.01, 0.06),
                 "gamma": Uncertain(0.02)} for g in ("dtts", "other")}
    return make_params(rates=BaseRates(rates, {}, "test prior"))


@pytest.fixture(scope="module")
def recovered():
    budgets = [(0.20, 0.08, 0.15), (0.12, 0.06, 0.05), (0.30, 0.10, 0.25), (0.08, 0.05, 0.10),
               (0.25, 0.07, 0.08), (0.15, 0.09, 0.20)]
    cells = _simulate_cells(TRUE_RATES, budgets, list(range(2016, 2022)))
    fit = hf.fit_history(cells, _prior_params(), samples=64_000, seed=3)
    return cells, budgets, fit


def test_recovers_known_rates_and_budgets_from_simulated_series_with_flows(recovered):
    cells, budgets, fit = recovered
    nat = fit.natural()
    assert fit.converged and fit.diagnostics["rhat_max"] <= hf.MAX_RHAT and fit.ess >= hf.MIN_ESS
    names = ["pPN", "pPO", "pNP", "pNO", "pOP", "pON"]
    inside = 0
    for r, name in enumerate(names):
        lo, med, hi = np.quantile(nat["rates"][:, 0, r], (0.05, 0.5, 0.95))
        inside += lo <= TRUE_RATES[r] <= hi
        assert abs(med - TRUE_RATES[r]) <= 0.25 * TRUE_RATES[r], (name, med, TRUE_RATES[r])
    # six honest 90 % intervals all contain their truth only 0.9^6 = 53 % of the time; at least
    # five of six, 89 % (the residuals are drawn as the model says, so the posterior can be honest)
    assert inside >= 5
    covered = 0
    for c, (p0, _, beta) in enumerate(budgets):
        lo, med, hi = np.quantile(nat["budget"][:, c] / p0, (0.05, 0.5, 0.95))
        covered += lo <= beta <= hi
        assert abs(med - beta) <= 0.35 * beta + 0.02, (c, med, beta)
    assert covered >= 5  # of 6 90 % intervals
    assert fit.structure.residual == "proportional"
    lo, hi = np.quantile(nat["sigma"][:, 0], (0.05, 0.95))
    assert lo <= TRUE_SIGMA <= hi, (lo, TRUE_SIGMA, hi)


def test_fitted_flows_contain_the_simulated_ones(recovered):
    cells, _, fit = recovered
    table = fit.flows(cells[0], 2017)
    assert ((table["low90"] <= table["published"]) & (table["published"] <= table["high90"])).all()


def test_joint_draws_keep_the_correlations_of_the_posterior(recovered):
    # the rows of the fit's draws are joint vectors: they fit the data better than the same
    # marginals shuffled column by column (independent draws lose the posterior's correlations)
    _, _, fit = recovered
    tr = hf._transitions(list(fit.cells), fit.near_poor_ratio, fit.structure.near_poor_fill)
    joint = hf._neg_log_post(fit.draws, fit.layout, tr)
    rng = np.random.default_rng(0)
    shuffled = np.column_stack([rng.permutation(col) for col in fit.draws.T])
    independent = hf._neg_log_post(shuffled, fit.layout, tr)
    corr = np.corrcoef(fit.draws.T)
    assert np.max(np.abs(corr - np.eye(len(corr)))) > 0.3
    assert np.median(joint) < np.median(independent) - 2.0


def test_a_fit_that_did_not_converge_is_refused():
    cells = _simulate_cells(TRUE_RATES, [(0.2, 0.08, 0.15), (0.1, 0.05, 0.1)], [2020, 2021, 2022])
    with pytest.raises(hf.HistoryFitError, match="did not converge"):
        hf.fit_history(cells, _prior_params(), samples=32 * 60, seed=1)  # 60 draws a chain: too few


# -- the Monte Carlo with joint posterior draws --------------------------------------------------------

def test_monte_carlo_keeps_the_correlation_of_posterior_draws():
    params = make_params(rates=make_rates(interval=0.3))
    baseline = make_baseline([[(100, 50, 850), (20, 30, 950)]])
    model = compile_model(baseline, make_scenario([]), params, until=2023)
    rng = np.random.default_rng(0)
    z = rng.standard_normal((5000, 2))
    pPO = 0.08 + 0.02 * z[:, 0]
    pNP = 0.06 - 0.015 * (0.95 * z[:, 0] + math.sqrt(1 - 0.95**2) * z[:, 1])
    posterior = pd.DataFrame({"rate:dtts:pPO": pPO, "rate:dtts:pNP": pNP})
    target = np.corrcoef(pPO, pNP)[0, 1]
    with_post = sample_parameters(model, params, 2000, seed=7, posterior=posterior)
    r = np.corrcoef(with_post.rates[:, 0, 1], with_post.rates[:, 0, 2])[0, 1]
    assert r == pytest.approx(target, abs=0.03)
    assert target < -0.9
    # the same parameters drawn one by one (Latin hypercube, independent columns) have no correlation
    alone = sample_parameters(model, params, 2000, seed=7)
    assert abs(np.corrcoef(alone.rates[:, 0, 1], alone.rates[:, 0, 2])[0, 1]) < 0.1
    # same seed, same rows
    again = sample_parameters(model, params, 2000, seed=7, posterior=posterior)
    assert np.array_equal(again.rates, with_post.rates)


def test_posterior_with_unknown_parameter_is_an_error():
    from thidua_sim.model.engine import ProjectionError

    params = make_params(instruments=[make_instrument("housing")])
    baseline = make_baseline([[(100, 50, 850), (20, 30, 950)]])
    model = compile_model(baseline, make_scenario([]), params, until=2023)
    with pytest.raises(ProjectionError, match="unknown parameters"):
        sample_parameters(model, params, 10, seed=1, posterior=pd.DataFrame({"rate:dtts:pXX": [0.1]}))


# -- on the shipped history (slow: a full fit, and the backtest's five fits) -------------------------

@pytest.mark.slow
def test_kon_tum_2022_flows_are_inside_the_fitted_90_percent_intervals():
    from thidua_sim.model.backtest import published_flows_check
    from thidua_sim.params import load_params

    flows = published_flows_check(load_history(SHIPPED), load_params("params"))
    kon_tum = flows[(flows["series"] == "kon_tum|all|07/2021") & (flows["year"] == 2022)].set_index("flow")
    assert kon_tum.loc["escaped_poverty", "published"] == 6782
    assert kon_tum.loc["near_poor_to_poor", "published"] == 169
    assert kon_tum.loc["entered_from_other", "published"] == 594 + 13  # newly poor + fell back
    assert kon_tum.loc["left_near_poverty", "published"] == 3409
    assert kon_tum["inside90"].all(), kon_tum


@pytest.mark.slow
def test_backtest_on_the_shipped_history_uses_only_past_reviews():
    from thidua_sim.model.backtest import backtest
    from thidua_sim.params import load_params

    result = backtest(load_history(SHIPPED), load_params("params"), horizon=1)
    f = result.forecasts
    assert len(f) >= 5 and (f["year"] > f["origin"]).all() and (f["horizon"] == 1).all()
    assert result.fits["converged"].all()
    # the baselines of every forecast, by hand from the history up to its origin
    series = load_history(SHIPPED).series()
    for r in f.itertuples(index=False):
        column = "near_poor_rate" if r.measure == "near_poor_rate" else "poor_rate"
        past = series[(series.area_id == r.area_id) & (series.population == r.population)
                      & (series.standard == r.standard) & (series.year <= r.origin)].dropna(subset=[column])
        y0, y1 = past[column].iloc[0], past[column].iloc[-1]
        t0, t1 = past["year"].iloc[0], past["year"].iloc[-1]
        assert r.linear == pytest.approx(max(0.0, y1 + (y1 - y0) / (t1 - t0)))
        assert r.ratio == pytest.approx(y1 * (y1 / y0) ** (1 / (t1 - t0)))


def test_a_folder_of_published_figures_only_names_the_missing_figures():
    from thidua_sim.data import load_baseline

    with pytest.raises(InputErrors) as info:
        load_baseline("data/vietnam")
    text = str(info.value)
    assert "published figures.csv only" in text
    assert "2021 dtts households" in text and "2022 dtts near_poor" in text
    assert "2022 all households" not in text  # published (derived as poor / poor rate)


def test_programme_spending_is_kept_out_of_the_series():
    history = load_history(SHIPPED)
    assert history.value("gia_lai", 2020, "programme_spending") == 1268.0
    assert history.value("viet_nam", 2020, "programme_spending") == 93000.0  # 93 trillion VND, in billions
    assert "programme_spending" not in history.series().columns


# -- structure comparison (WAIC) and the residual error's scale --------------------------------------

def test_waic_by_hand():
    # two observations, three draws; a NaN column (an observation that does not exist) is ignored
    ll = np.array([[-1.0, -2.0, np.nan], [-1.0, -4.0, np.nan], [-1.0, -3.0, np.nan]])
    w = hf.waic(ll)
    lppd1 = -1.0  # log mean exp(-1, -1, -1)
    lppd2 = math.log((math.exp(-2) + math.exp(-4) + math.exp(-3)) / 3)
    p2 = 1.0  # sample variance of (-2, -4, -3)
    assert w["n"] == 2
    assert w["p_waic"] == pytest.approx(0.0 + p2)
    assert w["elpd"] == pytest.approx(lppd1 + lppd2 - p2)
    assert w["waic"] == pytest.approx(-2 * (lppd1 + lppd2 - p2))
    points = np.array([lppd1, lppd2 - p2])
    assert w["se"] == pytest.approx(2 * math.sqrt(2 * points.var()))


def test_t_density_is_a_density():
    # the residual's log density integrates to 1 (it is compared across structures by WAIC)
    var = 0.02**2
    r = np.linspace(-2.0, 2.0, 400_001)
    dens = np.exp(hf._t_logpdf(r, np.full_like(r, var)))
    assert np.trapezoid(dens, r) == pytest.approx(1.0, abs=2e-3)


@pytest.mark.parametrize("residual, level, expected", [
    ("points", 0.30, 1.0), ("proportional", 0.05, 0.5), ("proportional", 0.30, 3.0),
    ("binomial", 0.30, math.sqrt(0.3 * 0.7 / 0.09))])
def test_residual_scale_by_hand(residual, level, expected):
    got = hf._residual_scale(hf.Structure(residual=residual), np.array([level]))[0]
    assert got == pytest.approx(expected)


def test_forecast_noise_is_student_t_with_the_structures_scale():
    # a fit whose draws are all one vector: the forecast's spread is the residual error alone,
    # sigma * scale(level at the origin) * sqrt(h) times a Student-t quantile (closed form)
    from scipy import stats

    structure = hf.Structure(residual="proportional")
    cell = hf.Cell("a", "all", "07/2021", np.array([2020, 2021]), np.array([0.30, 0.27]), np.array([0.1, 0.1]),
                   np.full(2, 1000.0), np.full((2, 4), np.nan))
    lay = hf._layout([cell], _prior_params(), "dtts", structure)
    x = lay.prior_m.copy()
    x[lay.index("sigma")] = math.log(0.01)
    draws = np.repeat(x[None], 200_000, axis=0)
    fit = hf.HistoryFit((cell,), lay.names, x, draws, 1e9, True, {}, 1.0, lay)
    mid = fit.forecast(cell, 2021, [2], noise=False)["poor"][0, 0]
    q90 = np.quantile(fit.forecast(cell, 2021, [2], seed=5)["poor"][:, 0], 0.9)
    expected = 0.01 * (0.27 / 0.1) * math.sqrt(2) * stats.t.ppf(0.9, hf.NU)
    assert q90 - mid == pytest.approx(expected, rel=0.02)


def test_coverage_p_value_and_window_probability_by_hand():
    from thidua_sim.model.backtest import coverage_p_value, coverage_window_probability

    # 3 of 5 inside honest 80 % intervals: P(k) = C(5, k) 0.8^k 0.2^(5-k); counts no likelier than
    # P(3) = 0.2048 are 0, 1, 2, 3 (P(4) = 0.4096 and P(5) = 0.32768 are likelier)
    p = [0.2**5, 5 * 0.8 * 0.2**4, 10 * 0.8**2 * 0.2**3, 10 * 0.8**3 * 0.2**2]
    assert coverage_p_value(3, 5, 0.8) == pytest.approx(sum(p))  # 0.26272
    assert coverage_p_value(4, 5, 0.8) == pytest.approx(1.0)  # the likeliest count
    # of 5 points only 4 inside (80 %) is within 65-95 %: P(4) = 0.4096
    assert coverage_window_probability(5, 0.8, (0.65, 0.95)) == pytest.approx(5 * 0.8**4 * 0.2)
    # 3 points: 2/3 = 67 % is inside the window, 3/3 is not: P(2) = 3 * 0.8^2 * 0.2
    assert coverage_window_probability(3, 0.8, (0.65, 0.95)) == pytest.approx(3 * 0.64 * 0.2)
    f = pd.DataFrame({"measure": ["poor_rate"] * 5, "horizon": [1] * 5, "year": [2018] * 5,
                      "actual": [1.0, 2.0, 3.0, 4.0, 5.0], "model": [1.0] * 5, "linear": [1.0] * 5, "ratio": [1.0] * 5,
                      "q10": [0, 0, 0, 9, 9], "q90": [9] * 5, "q05": [0] * 5, "q95": [9] * 5})
    row = metrics(f).set_index(["measure", "horizon"]).loc[("poor_rate", "1")]
    assert row["cover80"] == pytest.approx(0.6)
    assert row["cover80_p"] == pytest.approx(sum(p))
    assert row["cover80_judge"] == pytest.approx(5 * 0.8**4 * 0.2)


def test_an_unpublished_near_poor_share_is_the_nearest_published_one():
    cell = hf.Cell("a", "all", "59/2015", np.array([2015, 2016, 2018, 2020]), np.array([0.10, 0.08, 0.05, 0.03]),
                   np.array([np.nan, 0.06, np.nan, 0.04]), np.full(4, np.nan), np.full((4, 4), np.nan))
    # 2015: the nearest published is 2016 (6 %), as it is; scaled by the poor share it was 6 % * 10 / 8
    assert hf.start_shares(cell, 0, 0.5) == pytest.approx([0.10, 0.06, 0.84])
    assert hf.start_shares(cell, 0, 0.5, fill="scaled") == pytest.approx([0.10, 0.075, 0.825])
    # 2018: 2016 and 2020 are both two years away: the earlier one
    assert hf.start_shares(cell, 2, 0.5)[1] == pytest.approx(0.06)
    none = hf.Cell("b", "all", "59/2015", np.array([2015, 2016]), np.array([0.10, 0.08]), np.full(2, np.nan),
                   np.full(2, np.nan), np.full((2, 4), np.nan))
    assert hf.start_shares(none, 1, 0.5)[1] == pytest.approx(0.04)  # the pooled ratio times the poor share


@pytest.mark.slow
def test_recovers_a_known_trend_in_the_exit_rate():
    # the trend option (not the shipped structure): series simulated with logit pPO moving 0.15 a
    # year, residuals as the model states them, flows published for one series; the slope's 90 %
    # interval contains it, and excludes 0
    slope = 0.15
    budgets = [(0.20, 0.08, 0.10), (0.12, 0.06, 0.05), (0.30, 0.10, 0.15), (0.08, 0.05, 0.10)]
    years = list(range(2012, 2023))
    cells = _simulate_cells(TRUE_RATES, budgets, years, seed=4, slope=slope, standard="59/2015", prefix="t")
    structure = hf.Structure(trend=True, residual="proportional", near_poor_fill="nearest")
    fit = hf.fit_history(cells, _prior_params(), samples=64_000, seed=5, structure=structure)
    lo, hi = np.quantile(fit.natural()["trend"], (0.05, 0.95))
    assert lo <= slope <= hi and lo > 0, (lo, hi)


@pytest.mark.parametrize("field, value", [("tau", "estimate"), ("residual", "pointz"), ("near_poor_fill", "near")])
def test_an_unknown_structure_option_is_refused(field, value):
    with pytest.raises(hf.HistoryFitError, match=rf"Structure\({field}='{value}'\): expected one of"):
        hf.Structure(**{field: value})
