"""Pooled calibration of the P/N/O cohort model on published review history (model.md section 5b).

The unit is a **series**: one area, one population (all households or dtts households) and one
poverty standard (59/2015 or 07/2021), with the published poor rate at two or more reviews and,
where published, the near-poor rate and the year's flows. The state of a series is its shares of
poor, near-poor and other households; one year moves it by the engine's own step
(:func:`one_step`: coverage, primed rates, transition), with

- the exit rate ``pPO`` (poor -> other) per series, an area effect around a group mean on the
  logit scale (partial pooling); the other rates (``pPN``, ``pNP``, ``pNO``, ``pOP``, ``pON``)
  shared by all series (the history has too few near-poor figures and flows to give them area
  effects: with them the posterior was not sampled reliably);
- a **steady support budget** per series (log scale, an area effect around a group mean): the
  support lifts ``beta * p0`` households per household a year out of poverty, ``p0`` the poor
  share at the series' first review (an instrument of cost 1 with ``uPO = 1`` for poor
  households), so its coverage of the poor grows as the poor stock shrinks. This is how the cohort model can follow a published decline that is linear in
  points;
- a residual (model) error of the poor share (scale ``sigma``) and of the near-poor share
  (``sigma_n``) per review, Student-t with :data:`NU` degrees of freedom, its scale growing with
  the square root of the years between reviews and, in the chosen :data:`DEFAULT_STRUCTURE`, in
  proportion to the share at the start of the transition (``sigma`` is the scale at a 10 % share:
  a 30 % dtts rate moves by more points in a year than a 3 % national one).

Other structures (:class:`Structure`: an estimated between-area spread with non-centred area
effects, area effects on the exit rate, a trend in the exit rate, other residual scales) can be
fitted and compared by :func:`waic` on the pointwise log likelihood (:func:`_log_lik`); the
comparison that chose the default is logged in docs/validation.md.

Flows (escaped poverty, near-poor to poor, newly poor + fell back, left near-poverty), where a
review publishes them, are likelihood terms of their own, Gaussian with their binomial variance
and a review error of :data:`FLOW_CV`; the poor stock of a transition whose escapes and entries
are all published is then left out of the likelihood, so no household is counted twice.

Posterior: the mode (L-BFGS-B) and a Laplace approximation there start :data:`CHAINS`
random-walk Metropolis chains side by side (over-dispersed starts, proposal shaped by the
Laplace covariance and re-estimated during the warm-up); split R-hat and the effective sample
size of every parameter are reported, and a fit whose largest R-hat is above :data:`MAX_RHAT`
or whose smallest effective sample size is below :data:`MIN_ESS` is refused (importance
sampling from the Laplace approximation was tried first: the posterior is too far from
Gaussian, effective sample sizes were 2-80 of 20,000). Posterior draws are kept as **joint**
vectors (rows of :attr:`HistoryFit.draws`, thinned evenly from the chains).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..core.defaults import DEFAULT_SEED, HISTORY_SAMPLES
from ..core.types import Params
from ..errors import HistoryFitError, ThiduaError
from .engine import PNO, PNP, PON, POP, PPN, PPO, coverage_shares, step_expected

__all__ = ["HistoryFit", "HistoryFitError", "Structure", "DEFAULT_STRUCTURE", "fit_history", "one_step", "series_cells",
           "waic", "MIN_ESS", "FLOW_CV"]

MIN_ESS = 200.0
"""Smallest effective sample size (of any parameter) of an accepted fit."""
MAX_RHAT = 1.1
"""Largest split R-hat (of any parameter) of an accepted fit."""
CHAINS, WARMUP = 32, 3000
"""Metropolis chains run side by side, and the warm-up iterations of each (discarded)."""
KEEP_DRAWS = 4000
"""About this many joint posterior draws are kept (thinned evenly from the chains)."""
FLOW_CV = 0.03
"""Review error assumed on a published flow count, as a share of the count (an assumption)."""
RATE_ROUNDING = 0.0005
"""Rates are published to 0.01-0.1 points: an error of 0.05 points (as a share) on every rate."""

# prior of the steady support budget, as the share of the series' poor households at its first
# review that the support lifts each year (an assumption: 10 %, 90 % interval 1-40 %; national
# programme money is allocated by poor households, so budgets scale with the poverty of the start)
BUDGET_PRIOR = (0.10, 0.01, 0.40)
# between-area spread of the pooled parameters on their scale (an assumption)
TAU = {"pPO": 0.6, "pOP": 0.6, "pNP": 0.5, "pNO": 0.5, "budget": 0.8}
NU = 4.0  # degrees of freedom of the residual error of a published rate (heavy tails; an assumption)
SIGMA_PRIOR = (0.01, 0.002, 0.05)  # residual error of a share per review (1 point; 0.2-5 points)
SHARED = ("pPN", "pPO", "pNP", "pNO", "pOP", "pON")
_RATE_INDEX = {"pPN": PPN, "pPO": PPO, "pNP": PNP, "pNO": PNO, "pOP": POP, "pON": PON}


# -- the engine's step on shares -----------------------------------------------------------------

_COST = np.array([1.0])
_ELIGIBLE = np.array([[1.0, 0.0, 0.0]])  # the support reaches poor households
_EFFECT = np.array([[1.0, 0.0, 0.0, 0.0]])  # uPO = 1: every beneficiary leaves poverty


def one_step(shares: np.ndarray, rates: np.ndarray, budget: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One year of the cohort model on shares (households sum to 1, no formation), by the engine's
    one-step rule (:func:`~thidua_sim.model.engine.step_expected`, before household formation).
    ``shares`` (..., 3); ``rates`` (..., 7) base rates; ``budget`` (...,) households lifted per
    household. Returns ``(shares after, primed rates (..., 7))``."""
    stocks = shares[..., None, None, :]  # (..., A=1, G=1, 3)
    money = budget[..., None, None]  # (..., A=1, K=1)
    share, _, _ = coverage_shares(stocks, money, _COST, _ELIGIBLE)
    step = step_expected(stocks, rates[..., None, None, :], share, _ELIGIBLE, _EFFECT)
    return step.moved[..., 0, 0, :], step.rates[..., 0, 0, :]


# -- series from a history table ---------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One series: area, population, standard, its years and observed shares (NaN = not published)."""

    area_id: str
    population: str
    standard: str
    years: np.ndarray
    poor: np.ndarray
    near_poor: np.ndarray
    households: np.ndarray
    flows: np.ndarray  # (Y, 4): escaped, near_poor_to_poor, entered from other (newly + fell back), left N

    @property
    def key(self) -> str:
        return f"{self.area_id}|{self.population}|{self.standard}"


def series_cells(series: pd.DataFrame, min_points: int = 1) -> list[Cell]:
    """Cells from :meth:`thidua_sim.data.History.series` with a poor rate at ``min_points`` years or more."""
    cells = []
    s = series[series["poor_rate"].notna()]
    for (area, pop, std), part in s.groupby(["area_id", "population", "standard"], sort=True):
        if len(part) < min_points:
            continue
        part = part.sort_values("year")
        h = part["households"].to_numpy(float)
        derived = part["poor"].to_numpy(float) * 100.0 / part["poor_rate"].to_numpy(float)
        h = np.where(np.isnan(h), derived, h)
        entered = part["newly_poor"].to_numpy(float) + part["fell_back"].to_numpy(float)
        flows = np.stack([part["escaped_poverty"].to_numpy(float), part["near_poor_to_poor"].to_numpy(float),
                          entered, part["left_near_poverty"].to_numpy(float)], axis=1)
        cells.append(Cell(str(area), str(pop), str(std), part["year"].to_numpy(int),
                          part["poor_rate"].to_numpy(float) / 100.0,
                          part["near_poor_rate"].to_numpy(float) / 100.0, h, flows))
    return cells


# -- parameters ---------------------------------------------------------------------------------

def _logit_prior(c: float, lo: float, hi: float) -> tuple[float, float]:
    m = float(special.logit(c))
    return m, max(m - float(special.logit(lo)), float(special.logit(hi)) - m) / 1.6449


def _log_prior(c: float, lo: float, hi: float) -> tuple[float, float]:
    m = math.log(c)
    return m, max(m - math.log(lo), math.log(hi) - m) / 1.6449


@dataclass(frozen=True)
class Structure:
    """Which structure the pooled fit has (the variants compared in docs/validation.md).

    ``tau``: between-area spread of the area effects, ``"fixed"`` (:data:`TAU`) or ``"estimated"``
    (a log-normal hyper-prior around :data:`TAU`, non-centred area effects ``tau * z``);
    ``exit_effects``: area effects on the exit rate ``pPO`` too (around a group mean), not only on
    the budget; ``trend``: a common slope of ``logit pPO`` a year (centred on :data:`TREND_YEAR`);
    ``residual``: how the residual error of a published rate scales with its level, ``"points"``
    (the same in points at every level), ``"binomial"`` (with ``sqrt(r (1 - r))`` of the rate at the
    start, scaled to 1 at 10 %) or ``"proportional"`` (with the rate at the start, 1 at 10 %)."""

    tau: str = "fixed"
    exit_effects: bool = False
    trend: bool = False
    residual: str = "points"
    near_poor_fill: str = "scaled"
    sigma_dtts: bool = False

    def __post_init__(self) -> None:
        for name, allowed in (("tau", ("fixed", "estimated")), ("residual", ("points", "binomial", "proportional")),
                              ("near_poor_fill", ("scaled", "nearest"))):
            if getattr(self, name) not in allowed:
                raise HistoryFitError(f"Structure({name}={getattr(self, name)!r}): expected one of "
                                      f"{', '.join(repr(a) for a in allowed)}")

    @property
    def pooled(self) -> tuple[str, ...]:
        return ("pPO",) if self.exit_effects else ()


TREND_YEAR = 2018
TREND_PRIOR = (0.0, 0.15)  # slope of logit pPO a year: normal, 90 % interval -0.25..+0.25 (an assumption)
TAU_HYPER_S = 0.7  # log-normal hyper-prior on tau: median TAU, 90 % interval TAU / 3.2 .. TAU * 3.2
DEFAULT_STRUCTURE = Structure(residual="proportional", near_poor_fill="nearest")
"""The structure chosen by in-sample WAIC on the history up to 2022 (docs/validation.md, the log of variants)."""


@dataclass(frozen=True)
class _Layout:
    cells: tuple[Cell, ...]
    names: tuple[str, ...]  # parameter names, in vector order
    prior_m: np.ndarray
    prior_s: np.ndarray
    structure: Structure = DEFAULT_STRUCTURE

    @property
    def k(self) -> int:
        return len(self.names)

    @property
    def effects(self) -> tuple[str, ...]:
        return self.structure.pooled + ("budget",)

    @property
    def n_head(self) -> int:
        """Parameters before the area effects (rates, budget mean, sigmas, trend, log tau)."""
        return len(self.names) - len(self.cells) * len(self.effects)

    def index(self, name: str) -> int:
        return self.names.index(name)


def _residual_scale(structure: Structure, level: np.ndarray) -> np.ndarray:
    """Relative scale of the residual error of a published rate whose start is ``level`` (share)."""
    level = np.clip(np.nan_to_num(level, nan=0.1), 1e-3, 0.999)
    if structure.residual == "points":
        return np.ones_like(level)
    if structure.residual == "binomial":
        return np.sqrt(level * (1 - level)) / math.sqrt(0.1 * 0.9)
    if structure.residual == "proportional":
        return level / 0.1
    raise ValueError(f"residual = {structure.residual!r}")


def _layout(cells: list[Cell], params: Params, group: str, structure: Structure = DEFAULT_STRUCTURE) -> _Layout:
    rates = params.base_rates.rates[group]
    pooled = structure.pooled
    names, m, s = [], [], []
    for name in SHARED:
        v = rates[name]
        lo, hi = (v.low, v.high) if not v.is_fixed else (v.central * 0.5, min(0.99, v.central * 2))
        mm, ss = _logit_prior(float(v.central), float(lo), float(hi))
        names.append(f"mean:{name}" if name in pooled else f"shared:{name}")
        m.append(mm)
        s.append(ss)
    bm, bs = _log_prior(*BUDGET_PRIOR)
    names.append("mean:budget")
    m.append(bm)
    s.append(bs)
    for name in ("sigma", "sigma_n") + (("sigma:dtts",) if structure.sigma_dtts else ()):
        sm, ss = _log_prior(*SIGMA_PRIOR)
        names.append(name)
        m.append(sm)
        s.append(ss)
    if structure.trend:
        names.append("trend:pPO")
        m.append(TREND_PRIOR[0])
        s.append(TREND_PRIOR[1])
    if structure.tau == "estimated":
        for name in pooled + ("budget",):
            names.append(f"log_tau:{name}")
            m.append(math.log(TAU[name]))
            s.append(TAU_HYPER_S)
    for cell in cells:
        for name in pooled + ("budget",):
            names.append(f"{cell.key}:{name}")
            m.append(0.0)  # area effect around the group mean (standardised when tau is estimated)
            s.append(TAU[name] if structure.tau == "fixed" else 1.0)
    return _Layout(tuple(cells), tuple(names), np.array(m), np.array(s), structure)


def _effects(x: np.ndarray, lay: _Layout) -> np.ndarray:
    """Area effects (S, C, E) on their natural (logit or log) scale."""
    S, C, E = x.shape[0], len(lay.cells), len(lay.effects)
    eff = x[:, lay.n_head:].reshape(S, C, E)
    if lay.structure.tau == "estimated":
        tau = np.exp(np.stack([x[:, lay.index(f"log_tau:{n}")] for n in lay.effects], axis=-1))  # (S, E)
        eff = eff * tau[:, None, :]
    return eff


def _cap(rates: np.ndarray) -> np.ndarray:
    """A state's two outflows never above 0.99 (both scaled down together)."""
    for a, b in ((PPN, PPO), (PNP, PNO), (POP, PON)):
        total = rates[..., a] + rates[..., b]
        over = np.where(total > 0.99, total / 0.99, 1.0)
        rates[..., a] /= over
        rates[..., b] /= over
    return rates


def _unpack(x: np.ndarray, lay: _Layout) -> dict[str, np.ndarray]:
    """Natural-scale parameters per cell: rates (S, C, 7) (at :data:`TREND_YEAR` with a trend),
    budget (S, C), sigma (S, C) (of the poor share, per cell), sigma_n (S,), trend (S,) (0 without), logit_pPO (S, C)."""
    S, C = x.shape[0], len(lay.cells)
    pooled = lay.structure.pooled
    eff = _effects(x, lay)
    rates = np.zeros((S, C, 7))
    logit = np.zeros((S, C, 7))
    for j, name in enumerate(SHARED):
        logit[..., _RATE_INDEX[name]] = x[:, j][:, None]
    for j, name in enumerate(pooled):
        logit[..., _RATE_INDEX[name]] += eff[..., j]
    for name in SHARED:
        rates[..., _RATE_INDEX[name]] = special.expit(logit[..., _RATE_INDEX[name]])
    rates = _cap(rates)
    first_poor = np.array([c.poor[0] for c in lay.cells])
    budget = np.exp(x[:, lay.index("mean:budget")][:, None] + eff[..., len(pooled)]) * first_poor
    trend = x[:, lay.index("trend:pPO")] if lay.structure.trend else np.zeros(S)
    sigma = np.repeat(np.exp(x[:, lay.index("sigma")])[:, None], C, axis=1)
    if lay.structure.sigma_dtts:
        dtts = np.array([c.population == "dtts" for c in lay.cells])
        sigma[:, dtts] = np.exp(x[:, lay.index("sigma:dtts")])[:, None]
    return {"rates": rates, "budget": budget, "sigma": sigma,
            "sigma_n": np.exp(x[:, lay.index("sigma_n")]), "effects": eff, "trend": trend,
            "logit": logit}


def rates_in(p: dict[str, np.ndarray], cells: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Base rates (S, T, 7) of the cells ``cells`` (T,) in the year ``year`` (T,) that starts a step
    (the exit rate moves with the trend, if the structure has one)."""
    rates = p["rates"][:, cells].copy()
    if not np.any(p["trend"]):
        return rates
    logit = p["logit"][:, cells]
    shift = p["trend"][:, None] * (np.asarray(year, float) - TREND_YEAR)[None, :]
    for name in SHARED:
        j = _RATE_INDEX[name]
        rates[..., j] = special.expit(logit[..., j] + (shift if name == "pPO" else 0.0))
    return _cap(rates)


# -- transitions between consecutive reviews of a cell --------------------------------------------

@dataclass(frozen=True)
class _Transitions:
    cell: np.ndarray  # (T,) cell index
    start: np.ndarray  # (T, 3) observed shares at the start
    years: np.ndarray  # (T,) years between the two reviews
    end_p: np.ndarray  # (T,)
    end_n: np.ndarray  # (T,) NaN = not published
    use_p: np.ndarray  # (T,) bool: poor share in the likelihood (False when flows cover it)
    h0: np.ndarray  # (T,) households at the start (NaN = unknown)
    flows: np.ndarray  # (T, 4) NaN = not published (one-year transitions only)
    year0: np.ndarray  # (T,) the year of the start review


def _near_poor_ratio(cells: list[Cell]) -> float:
    ratios = [n / p for c in cells for p, n in zip(c.poor, c.near_poor) if p > 0 and not math.isnan(n)]
    return float(np.median(ratios)) if ratios else 0.6


def start_shares(cell: Cell, i: int, ratio: float, fill: str = "nearest") -> np.ndarray:
    """Shares at review ``i`` of a cell; an unpublished near-poor share is taken from the nearest
    review of the cell that publishes one, as it is (``fill="nearest"``) or scaled by the change of
    the poor share (``"scaled"``), else the pooled near-poor/poor ratio times the poor share.
    (Held out one at a time, the 17 published near-poor shares of the history up to 2022 are
    imputed with a mean error of 0.62 points as they are and 2.45 points scaled: near-poverty
    stays level while poverty falls.)"""
    p = float(cell.poor[i])
    n = float(cell.near_poor[i])
    if math.isnan(n):
        known = [j for j in range(len(cell.years)) if not math.isnan(cell.near_poor[j])]
        if known:
            j = min(known, key=lambda j: (abs(int(cell.years[j]) - int(cell.years[i])), j))
            n = float(cell.near_poor[j])
            if fill == "scaled":
                n *= p / float(cell.poor[j]) if cell.poor[j] > 0 else 1.0
        else:
            n = ratio * p
    n = min(n, 1.0 - p)
    return np.array([p, n, 1.0 - p - n])


def _transitions(cells: list[Cell], ratio: float, fill: str = "nearest") -> _Transitions:
    rows = []
    for c, cell in enumerate(cells):
        for i in range(len(cell.years) - 1):
            dy = int(cell.years[i + 1] - cell.years[i])
            flows = cell.flows[i + 1] if dy == 1 else np.full(4, np.nan)
            covered = not math.isnan(flows[0]) and not (math.isnan(flows[1]) and math.isnan(flows[2]))
            rows.append((c, start_shares(cell, i, ratio, fill), dy, cell.poor[i + 1], cell.near_poor[i + 1],
                         not covered, cell.households[i], flows, int(cell.years[i])))
    if not rows:
        return _Transitions(*(np.zeros((0,) + s) for s in ((), (3,), (), (), (), (), (), (4,), ())))
    c, st, dy, ep, en, use, h0, fl, y0 = zip(*rows)
    return _Transitions(np.array(c), np.array(st), np.array(dy), np.array(ep), np.array(en), np.array(use),
                        np.array(h0, float), np.array(fl), np.array(y0))


def _simulate(start: np.ndarray, p: dict[str, np.ndarray], cells: np.ndarray, year0: np.ndarray,
              years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares after ``years`` (T,) steps from ``start`` (T, 3) of the cells ``cells`` (T,) starting in
    ``year0`` (T,), for the natural parameters ``p`` (:func:`_unpack`); and the primed rates of the
    first year (S, T, 7)."""
    budget = p["budget"][:, cells]
    rates = rates_in(p, cells, year0)
    x = np.broadcast_to(start, rates.shape[:-1] + (3,)).copy()
    first = None
    for step in range(int(years.max(initial=1))):
        if step and np.any(p["trend"]):
            rates = rates_in(p, cells, year0 + step)
        nxt, primed = one_step(x, rates, budget)
        if first is None:
            first = primed
        x = np.where((step < years)[None, :, None], nxt, x)
    return x, first


def _log_lik(x: np.ndarray, lay: _Layout, tr: _Transitions) -> np.ndarray:
    """Pointwise log likelihood (S, observations) of the published figures (full densities, on the
    scale the figures are published on, so that structures can be compared by WAIC): the poor share
    of every transition in the likelihood, the near-poor share where published, each published flow.
    NaN where an observation does not exist (its column is then the same NaN in every row)."""
    x = np.atleast_2d(x)
    p = _unpack(x, lay)
    end, primed = _simulate(tr.start, p, tr.cell, tr.year0, tr.years)
    st = lay.structure
    scale_p = _residual_scale(st, tr.start[:, 0])
    scale_n = _residual_scale(st, tr.start[:, 1])
    var_p = p["sigma"][:, tr.cell] ** 2 * tr.years * scale_p**2 + RATE_ROUNDING**2
    var_n = p["sigma_n"][:, None] ** 2 * tr.years * scale_n**2 + RATE_ROUNDING**2
    lp = np.where(tr.use_p, _t_logpdf(end[..., 0] - tr.end_p, var_p), np.nan)
    has_n = ~np.isnan(tr.end_n)
    ln = np.where(has_n, _t_logpdf(end[..., 1] - np.nan_to_num(tr.end_n), var_n), np.nan)
    parts = [lp, ln]
    if np.isfinite(tr.flows).any():
        mean, var = _flow_moments(tr.start, primed, tr.h0)
        y = tr.flows[None]
        given = np.isfinite(y) & np.isfinite(tr.h0)[None, :, None]
        v = var + (FLOW_CV * np.nan_to_num(y)) ** 2 + 1.0
        lf = np.where(given, -0.5 * (np.nan_to_num(y) - mean) ** 2 / v - 0.5 * np.log(2 * math.pi * v), np.nan)
        parts.append(lf.reshape(lf.shape[0], -1))
    return np.concatenate(parts, axis=1)


def _neg_log_post(x: np.ndarray, lay: _Layout, tr: _Transitions) -> np.ndarray:
    x = np.atleast_2d(x)
    total = 0.5 * (((x - lay.prior_m) / lay.prior_s) ** 2).sum(axis=1)
    if len(tr.cell) == 0:
        return total
    return total - np.nansum(_log_lik(x, lay, tr), axis=1)


def waic(log_lik: np.ndarray) -> dict[str, float]:
    """WAIC of pointwise log likelihoods (S draws, n observations; NaN columns ignored): ``elpd``
    (the expected log predictive density, higher is better), ``p_waic`` (effective parameters),
    ``waic`` (-2 elpd), its standard error, and ``n`` (Vehtari, Gelman and Gabry 2017, eq. 3-5, 22)."""
    ll = log_lik[:, ~np.isnan(log_lik).any(axis=0)]
    lppd = special.logsumexp(ll, axis=0) - math.log(ll.shape[0])
    p_waic = ll.var(axis=0, ddof=1)
    point = lppd - p_waic
    return {"elpd": float(point.sum()), "p_waic": float(p_waic.sum()), "waic": float(-2 * point.sum()),
            "se": float(2 * math.sqrt(len(point) * point.var())), "n": int(len(point))}


def _t_logpdf(residual: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Log density of a Student-t residual with NU degrees of freedom and squared scale ``var``: a
    review now and then far off the trend (a changed method, a storm) does not inflate the error of
    every forecast."""
    return (_T_CONST - 0.5 * (NU + 1) * np.log1p(residual**2 / (NU * var)) - 0.5 * np.log(var))


_T_CONST = float(special.gammaln((NU + 1) / 2) - special.gammaln(NU / 2) - 0.5 * math.log(NU * math.pi))


def _flow_moments(start: np.ndarray, primed: np.ndarray, h0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected one-year flows (S, T, 4) and their binomial variances, in households."""
    nP, nN, nO = (np.nan_to_num(h0)[:, None] * start).T
    out_p = primed[..., PPN] + primed[..., PPO]
    probs = np.stack([out_p, primed[..., PNP], primed[..., POP], primed[..., PNO]], axis=-1)
    n = np.stack([nP, nN, nO, nN], axis=-1)[None]
    return n * probs, n * probs * (1 - probs)


# -- posterior sampling and its diagnostics ----------------------------------------------------------

def _metropolis(f, mode: np.ndarray, cov: np.ndarray, chains: int, warmup: int, keep: int,
                rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Random-walk Metropolis, ``chains`` chains side by side (one vectorised call of ``f`` a step), the
    proposal shaped by the Laplace covariance; during warm-up its scale is tuned towards 25 %
    acceptance and the covariance is re-estimated once from the chains. Returns the kept draws
    (chains, keep, k) and the acceptance rate after warm-up."""
    k = mode.size
    chol = np.linalg.cholesky(cov)
    x = mode + (rng.standard_normal((chains, k)) @ chol.T) * 1.5  # over-dispersed starts
    fx = f(x)
    scale = 2.38 / math.sqrt(k)
    out = np.empty((chains, keep, k))
    accepted = 0
    history = []
    for it in range(warmup + keep):
        y = x + scale * (rng.standard_normal((chains, k)) @ chol.T)
        fy = f(y)
        accept = np.log(rng.random(chains)) < fx - fy
        x = np.where(accept[:, None], y, x)
        fx = np.where(accept, fy, fx)
        if it < warmup:
            scale *= math.exp((float(accept.mean()) - 0.25) * 0.05)
            if it >= warmup // 4:
                history.append(x.copy())
            if it in (warmup // 2, (3 * warmup) // 4) and history:
                pooled = np.concatenate(history)
                chol = np.linalg.cholesky(np.cov(pooled.T) + 1e-10 * np.eye(k))
                scale = 2.38 / math.sqrt(k)
                history = []
        else:
            accepted += int(accept.sum())
            out[:, it - warmup] = x
    return out, accepted / (chains * keep)


def _rhat_ess(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split R-hat and effective sample size per parameter of draws (chains, n, k) (Gelman et al.,
    Bayesian Data Analysis, 3rd ed., section 11.4-11.5: autocorrelations summed while consecutive
    pairs stay positive)."""
    m, n, k = draws.shape
    half = n // 2
    split = np.concatenate([draws[:, :half], draws[:, half:2 * half]], axis=0)  # (2m, half, k)
    M, N = split.shape[:2]
    means = split.mean(axis=1)
    within = split.var(axis=1, ddof=1).mean(axis=0)
    between = N * means.var(axis=0, ddof=1)
    var_plus = (N - 1) / N * within + between / N
    rhat = np.sqrt(var_plus / np.maximum(within, 1e-300))
    centred = split - means[:, None]
    spec = np.fft.rfft(centred, n=2 * N, axis=1)
    acov = np.fft.irfft(spec * np.conj(spec), axis=1)[:, :N] / N  # (2m, N, k)
    rho = 1.0 - (within - acov.mean(axis=0)) / np.maximum(var_plus, 1e-300)  # (N, k)
    ess = np.empty(k)
    for j in range(k):
        total = 0.0
        for t in range(1, N - 1, 2):
            pair = rho[t, j] + rho[t + 1, j]
            if pair < 0:
                break
            total += pair
        ess[j] = M * N / (1.0 + 2.0 * total)
    return rhat, ess


# -- the fit -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryFit:
    """A pooled fit: ``cells`` fitted, parameter ``names``, the ``mode``, the joint posterior
    ``draws`` (rows of equally weighted parameter vectors), ``ess``, ``converged`` and a
    ``diagnostics`` dict (optimiser message, iterations, gradient norm)."""

    cells: tuple[Cell, ...]
    names: tuple[str, ...]
    mode: np.ndarray
    draws: np.ndarray
    ess: float
    converged: bool
    diagnostics: dict[str, object] = field(default_factory=dict)
    near_poor_ratio: float = 0.6
    layout: _Layout | None = field(default=None, repr=False)

    def table(self) -> pd.DataFrame:
        """The joint posterior draws as a table: one row per draw, one column per parameter."""
        return pd.DataFrame(self.draws, columns=list(self.names))

    def natural(self) -> dict[str, np.ndarray]:
        return _unpack(self.draws, self.layout)

    @property
    def structure(self) -> Structure:
        return self.layout.structure

    def waic(self) -> dict[str, float]:
        """WAIC of the fit on its own data (:func:`waic` of the pointwise log likelihood of its draws)."""
        return waic(_log_lik(self.draws, self.layout, _transitions(list(self.cells), self.near_poor_ratio,
                                                                self.structure.near_poor_fill)))

    def cell_index(self, key: str) -> int:
        return [c.key for c in self.cells].index(key)

    def forecast(self, cell: Cell, origin: int, horizons: list[int], seed: int = 0,
                 noise: bool = True) -> dict[str, np.ndarray]:
        """Predictive draws of the poor and near-poor shares ``h`` years after the cell's review
        ``origin``: ``{"poor": (D, H), "near_poor": (D, H)}``; with ``noise`` the residual error
        of the fit is added (``sigma * sqrt(h)``)."""
        i = int(np.flatnonzero(cell.years == origin)[0])
        c = self.cell_index(cell.key)
        p = self.natural()
        cells = np.array([c])
        budget = p["budget"][:, cells]
        start = start_shares(cell, i, self.near_poor_ratio, self.structure.near_poor_fill)
        x = np.broadcast_to(start, (len(self.draws), 1, 3)).copy()
        scale = _residual_scale(self.layout.structure, start[:2])
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x4157,)))
        out_p, out_n = [], []
        step = 0
        for h in sorted(horizons):
            while step < h:
                x, _ = one_step(x, rates_in(p, cells, np.array([origin + step])), budget)
                step += 1
            zp, zn = rng.standard_t(NU, size=(2, len(x)))
            e = np.sqrt(h) if noise else 0.0
            out_p.append(np.clip(x[:, 0, 0] + e * scale[0] * p["sigma"][:, c] * zp, 0.0, 1.0))
            out_n.append(np.clip(x[:, 0, 1] + e * scale[1] * p["sigma_n"] * zn, 0.0, 1.0))
        order = np.argsort(np.argsort(horizons))
        return {"poor": np.stack(out_p, axis=1)[:, order], "near_poor": np.stack(out_n, axis=1)[:, order]}

    def flows(self, cell: Cell, year: int, seed: int = 0) -> pd.DataFrame:
        """Posterior predictive one-year flows into ``year`` (households): median and 90 % interval
        of escaped, near-poor to poor, entered from other, left near-poverty, with the published ones."""
        i = int(np.flatnonzero(cell.years == year)[0]) - 1
        if i < 0 or cell.years[i + 1] - cell.years[i] != 1 or math.isnan(cell.households[i]):
            raise HistoryFitError(f"{cell.key}: no one-year transition with households into {year}")
        c = self.cell_index(cell.key)
        p = self.natural()
        start = start_shares(cell, i, self.near_poor_ratio, self.structure.near_poor_fill)
        cells = np.array([c])
        _, primed = one_step(np.broadcast_to(start, (len(self.draws), 1, 3)).copy(),
                             rates_in(p, cells, np.array([int(cell.years[i])])), p["budget"][:, cells])
        mean, var = _flow_moments(start[None], primed, np.array([cell.households[i]]))
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xF10,)))
        sim = mean[:, 0] + np.sqrt(var[:, 0]) * rng.standard_normal(mean[:, 0].shape)
        rows = []
        for j, name in enumerate(("escaped_poverty", "near_poor_to_poor", "entered_from_other", "left_near_poverty")):
            lo, med, hi = np.quantile(sim[:, j], (0.05, 0.5, 0.95))
            rows.append({"flow": name, "published": float(cell.flows[i + 1, j]), "median": float(med),
                         "low90": float(lo), "high90": float(hi)})
        return pd.DataFrame(rows)


def fit_history(cells: list[Cell], params: Params, *, group: str = "dtts", samples: int = HISTORY_SAMPLES,
                seed: int = DEFAULT_SEED, require_convergence: bool = True,
                structure: Structure = DEFAULT_STRUCTURE) -> HistoryFit:
    """Fit the pooled model to the cells with two or more reviews (module docstring). ``samples``:
    kept Metropolis steps over all chains (``samples // CHAINS`` a chain, after :data:`WARMUP`);
    ``require_convergence=False`` returns a fit that failed the checks (``converged`` False)."""
    fitted = [c for c in cells if len(c.years) >= 2]
    if not fitted:
        raise HistoryFitError("no series with a poor rate at two or more reviews of the same standard: "
                              "add the figures of a second review year")
    ratio = _near_poor_ratio(fitted)
    lay = _layout(fitted, params, group, structure)
    tr = _transitions(fitted, ratio, structure.near_poor_fill)

    def f(x: np.ndarray) -> np.ndarray:
        return _neg_log_post(x, lay, tr)

    def value_and_grad(x: np.ndarray, h: float = 1e-5) -> tuple[float, np.ndarray]:
        steps = np.eye(x.size) * h
        v = f(np.vstack([x, x + steps, x - steps]))
        return float(v[0]), (v[1:x.size + 1] - v[x.size + 1:]) / (2 * h)

    x0 = lay.prior_m.copy()
    result = optimize.minimize(value_and_grad, x0, jac=True, method="L-BFGS-B",
                               options={"maxiter": 3000, "ftol": 1e-12, "gtol": 1e-6})
    mode = result.x
    grad = value_and_grad(mode)[1]
    # Hessian by central differences of the gradient
    k, h = mode.size, 1e-4
    hess = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = h
        hess[i] = (value_and_grad(mode + e)[1] - value_and_grad(mode - e)[1]) / (2 * h)
    hess = 0.5 * (hess + hess.T)
    eigval, eigvec = np.linalg.eigh(hess)
    floor = 0.05 / float(np.max(lay.prior_s)) ** 2
    cov = eigvec @ np.diag(1.0 / np.maximum(eigval, floor)) @ eigvec.T
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x415,)))
    chains, warmup = CHAINS, WARMUP
    per_chain = max(samples // chains, 50)
    kept, acceptance = _metropolis(f, mode, cov, chains, warmup, per_chain, rng)
    rhat, ess_all = _rhat_ess(kept)
    ess = float(np.min(ess_all))
    gnorm = float(np.max(np.abs(grad)))
    converged = bool(result.success or gnorm < 1e-3) and ess >= MIN_ESS and float(np.max(rhat)) <= MAX_RHAT
    worst = int(np.argmax(rhat))
    diagnostics = {"optimiser": str(result.message), "iterations": int(result.nit), "max_gradient": gnorm,
                   "ess_min": ess, "rhat_max": float(np.max(rhat)), "rhat_worst": lay.names[worst],
                   "chains": chains, "warmup": warmup, "draws_per_chain": per_chain,
                   "acceptance": acceptance, "min_ess": MIN_ESS, "max_rhat": MAX_RHAT, "parameters": k,
                   "transitions": int(len(tr.cell))}
    if require_convergence and not converged:
        raise HistoryFitError(
            f"the fit did not converge (optimiser: {result.message}; largest gradient {gnorm:.2g}; largest R-hat "
            f"{np.max(rhat):.3f} ({lay.names[worst]}), at most {MAX_RHAT} accepted; smallest effective sample size "
            f"{ess:.0f}, at least {MIN_ESS:.0f} needed): add review years, or raise the number of samples")
    thin = max(1, kept.shape[1] * chains // KEEP_DRAWS)
    draws = kept[:, ::thin].reshape(-1, k)
    return HistoryFit(tuple(fitted), lay.names, mode, draws, ess, converged, diagnostics, ratio, lay)
