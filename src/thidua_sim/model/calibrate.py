"""Calibration: base rates per group fitted to the review history (docs/model.md, "Calibration").

Method
------
For every pair of consecutive review years ``t -> t+1`` and every area and group with
figures in both, the model predicts year ``t+1`` from the *observed* stocks of year ``t``
(one step ahead), with the historical resources of the scenario acting as in a projection
(instrument costs and effects at their central values). So the fitted base rates mean
"without the modelled support", and every scenario stays absolute.

Observations per area, group and year ``t+1``: households ``H``, poor ``P`` and near-poor
``N``; where the review gives them, the flows: ``escaped_poverty`` (P -> N or O during the
year), ``near_poor_to_poor`` (N -> P) and, when ``escaped_poverty`` is missing,
``fell_back + newly_poor`` (every household entering poverty: N -> P, O -> P and new
households that enter poor; with ``escaped_poverty`` given it adds nothing to ``P``).
Each observation is Gaussian around the model's expected value with the variance of the
model's own chance moves (binomial rows, Poisson formation) plus a review error of
``obs_cv`` times the observed value, squared (default 0.2 %, an assumption: Gia Lai's
households, derived from rates published to 0.01 %, are within about 0.1 %). Observations
are treated as independent.

Priors: each rate's central value and 90 % interval of the current base-rates file, as
the two-piece normal on the logit (log for ``gamma``) scale that the Monte Carlo draws
from (:mod:`thidua_sim.model._transforms`). Rates given without an interval stay
fixed. Area multipliers are kept as they are.

Posterior: the mode (MAP, L-BFGS-B on the transformed scale) and a Laplace approximation
there (finite-difference Hessian) give a multivariate-t proposal; importance sampling from
it (``samples`` draws, fixed seed) gives posterior medians and 5 %/95 % points per rate,
and the effective sample size. The written file keeps marginal medians and intervals;
:attr:`Calibration.posterior` keeps joint draws (rows resampled by weight), which
``project(..., posterior=...)`` and ``save_posterior`` carry on with their correlations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml
from scipy import optimize, stats

from ._transforms import TwoPiece, two_piece
from ..core.defaults import CALIBRATION_SAMPLES, DEFAULT_SEED
from ..core.types import GROUPS, RATE_NAMES, BaseRates, Params, Scenario, Uncertain
from .engine import (
    PNO,
    PNP,
    POP,
    PON,
    PPN,
    PPO,
    allocate_area_resources,
    compile_model,
    coverage_shares,
    normalise_rates,
    step_expected,
)
from ..errors import CalibrationError  # noqa: F401 (re-exported: callers import it from here)
from ..core.defaults import DEFAULT_OBS_CV
from ..io import write_atomic
from ..io._yaml import WritingDumper

if TYPE_CHECKING:  # the data layer hands us its ReviewResults; we only read .table/.years/.baseline()
    from ..data import ReviewResults

__all__ = ["calibrate", "Calibration", "CalibrationError", "base_rates_document", "save_base_rates",
           "save_posterior", "load_posterior", "posterior_path", "OBSERVED_MEASURES", "DEFAULT_OBS_CV"]

POSTERIOR_ROWS = 4000
"""Rows of joint posterior draws kept (:attr:`Calibration.posterior`)."""

OBSERVED_MEASURES = ("households", "poor", "near_poor", "escaped_poverty", "near_poor_to_poor", "entered_poverty")

RATE_DESCRIPTIONS = {
    "pPN": "poor -> near-poor", "pPO": "poor -> other", "pNP": "near-poor -> poor (falling back)",
    "pNO": "near-poor -> other", "pOP": "other -> poor (newly poor)", "pON": "other -> near-poor",
    "gamma": "new households per household per year",
}


# -- observations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Step:
    """One transition t -> t+1 of one group: observed stocks before, what the model needs, and
    the observations after (NaN where not given)."""

    year: int
    group: int
    area_ids: tuple[str, ...]
    stocks: np.ndarray  # (A, 3) observed at t
    multipliers: np.ndarray  # (A, 7)
    share: np.ndarray  # (A, K) coverage of the support acting in t+1 (central costs)
    eligible: np.ndarray  # (K, 3)
    effects: np.ndarray  # (K, 4) central effects
    entry: np.ndarray | None  # (3,) entry shares of the group, or None
    observed: np.ndarray  # (M, A) for OBSERVED_MEASURES, NaN = not observed


def _steps(review: ReviewResults, scenario: Scenario, params: Params) -> list[_Step]:
    years = list(review.years)
    table = review.table
    steps = []
    for t, t1 in zip(years, years[1:]):
        if t1 != t + 1:
            continue  # the fit uses one-year steps only
        before = review.baseline(t)
        after = review.baseline(t1)
        common = tuple(a for a in before.area_ids if a in set(after.area_ids))
        if not common:
            continue
        before, after = before.subset(common), after.subset(common)
        model = compile_model(before, scenario, params, until=t1)
        n = np.asarray(before.households, dtype=float)
        resources, _ = allocate_area_resources(model, 0, n)
        share, _, _ = coverage_shares(n, resources, model.costs, model.eligible)
        multipliers = model.multipliers if model.multipliers is not None else np.ones(model.rates.shape)
        rows = table[table["year"] == t1].set_index(["area_id", "group"])
        for g, group in enumerate(GROUPS):
            obs = np.full((len(OBSERVED_MEASURES), len(common)), np.nan)
            obs[0] = after.households[:, g].sum(axis=-1)
            obs[1] = after.households[:, g, 0]
            obs[2] = after.households[:, g, 1]
            for a, area_id in enumerate(common):
                if (area_id, group) not in rows.index:
                    continue
                row = rows.loc[(area_id, group)]
                escaped, to_poor = row["escaped_poverty"], row["near_poor_to_poor"]
                fell_back, newly = row["fell_back"], row["newly_poor"]
                obs[3, a] = escaped
                obs[4, a] = to_poor
                if pd.isna(escaped) and not (pd.isna(fell_back) or pd.isna(newly)):
                    obs[5, a] = fell_back + newly
            entry = None if model.entry is None else model.entry[g]
            steps.append(_Step(t1, g, common, n[:, g], multipliers[:, g], share, model.eligible, model.effects,
                               entry, obs))
    return steps


# -- the model of one step, vectorised over parameter samples --------------------------------------

def _predict(rates: np.ndarray, step: _Step) -> tuple[np.ndarray, np.ndarray]:
    """Expected observations and their chance variances (S, M, A) for base rates (S, 7)."""
    r = normalise_rates(rates[:, None, :] * step.multipliers[None])  # (S, A, 7)
    # the engine's one step, with this group as the only group (axis of length 1)
    one = step_expected(step.stocks[:, None, :], r[:, :, None, :], step.share, step.eligible, step.effects,
                        step.entry)
    after, new, primed = one.stocks[:, :, 0], one.new[:, :, 0], one.rates[:, :, 0]  # (S, A, 3|7)
    pPN, pPO, pNP, pNO, pOP, pON = (primed[..., i] for i in (PPN, PPO, PNP, PNO, POP, PON))
    nP, nN, nO = step.stocks.T  # (A,)
    stay_P, stay_N = 1 - pPN - pPO, 1 - pNP - pNO
    newP, newN = new[..., 0], new[..., 1]
    escaped = nP * (pPN + pPO)
    to_poor = nN * pNP
    mean = np.stack([after.sum(axis=-1), after[..., 0], after[..., 1], escaped, to_poor,
                     to_poor + nO * pOP + newP], axis=1)
    H = nP + nN + nO
    gamma = primed[..., 6]

    def bvar(n: np.ndarray, p: np.ndarray) -> np.ndarray:
        return n * p * (1 - p)

    var = np.stack([
        gamma * H,
        bvar(nP, stay_P) + bvar(nN, pNP) + bvar(nO, pOP) + newP,
        bvar(nP, pPN) + bvar(nN, stay_N) + bvar(nO, pON) + newN,
        bvar(nP, pPN + pPO),
        bvar(nN, pNP),
        bvar(nN, pNP) + bvar(nO, pOP) + newP,
    ], axis=1)
    return mean, var


# -- priors on the transformed scale --------------------------------------------------------------

@dataclass(frozen=True)
class _Prior:
    """The prior of one rate: its distribution (:mod:`thidua_sim.model._transforms`) and place."""

    group: int
    rate: int
    value: Uncertain
    dist: TwoPiece

    @property
    def median(self) -> float:
        return self.dist.median

    @property
    def s_lo(self) -> float:
        return max(self.dist.s_lo, 1e-9)

    @property
    def s_hi(self) -> float:
        return max(self.dist.s_hi, 1e-9)

    def to_natural(self, x: np.ndarray) -> np.ndarray:
        return self.dist.to_natural(x)

    def neg_log(self, x: np.ndarray) -> np.ndarray:
        return self.dist.neg_log(x)


def _prior(group: int, rate: int, value: Uncertain) -> _Prior:
    return _Prior(group, rate, value, two_piece(value, "log" if RATE_NAMES[rate] == "gamma" else "logit"))


# -- results ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """What :func:`calibrate` found.

    ``base_rates``: the fitted rates (posterior median, 90 % interval), area multipliers kept.
    ``estimates``: one row per group and rate: prior central/low/high, posterior central/low/high,
    the mode, ``fitted`` (False for rates held fixed). ``fit``: observed against fitted per area,
    group, year and measure (``fitted`` at the posterior medians, ``prior_fit`` at the prior
    centrals). ``data_used``: what entered the fit. ``ess``: effective sample size per group.
    """

    base_rates: BaseRates
    estimates: pd.DataFrame
    fit: pd.DataFrame
    data_used: dict[str, Any]
    ess: dict[str, float]
    method: str
    obs_cv: float
    prior: BaseRates = field(repr=False, default=None)  # type: ignore[assignment]
    posterior: pd.DataFrame | None = field(repr=False, default=None)
    """Joint posterior draws, one row per draw (resampled by importance weight), one column per
    fitted rate (``rate:<group>:<name>``): pass it to ``project(..., posterior=...)`` to keep the
    correlations between the fitted rates in the Monte Carlo."""


def _objective(x: np.ndarray, priors: list[_Prior], base: np.ndarray, steps: list[_Step],
               obs_cv: float) -> np.ndarray:
    """Negative log posterior (S,) of transformed parameters x (S, k) for one group."""
    x = np.atleast_2d(x)
    rates = np.broadcast_to(base, (x.shape[0], len(RATE_NAMES))).copy()
    total = np.zeros(x.shape[0])
    for j, p in enumerate(priors):
        rates[:, p.rate] = p.to_natural(x[:, j])
        total += p.neg_log(x[:, j])
    for step in steps:
        mean, var = _predict(rates, step)
        y = step.observed[None]
        given = ~np.isnan(y)
        v = var + (obs_cv * np.nan_to_num(y)) ** 2 + 0.25  # 0.25: half a household, keeps v > 0
        terms = np.where(given, 0.5 * (np.nan_to_num(y) - mean) ** 2 / v + 0.5 * np.log(v), 0.0)
        total += terms.sum(axis=(1, 2))
    return total


def _value_and_gradient(f: Any, h: float = 1e-6) -> Any:
    """``x -> (f(x), central-difference gradient)`` from one vectorised call of ``f``."""
    def both(x: np.ndarray) -> tuple[float, np.ndarray]:
        steps = np.eye(x.size) * h
        values = f(np.vstack([x, x + steps, x - steps]))
        return float(values[0]), (values[1:x.size + 1] - values[x.size + 1:]) / (2 * h)
    return both


def _hessian(f: Any, x0: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """Central finite-difference Hessian of a scalar function, evaluated in one vectorised call."""
    k = x0.size
    points = []
    for i in range(k):
        for j in range(k):
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                p = x0.copy()
                p[i] += si * h
                p[j] += sj * h
                points.append(p)
    values = f(np.array(points)).reshape(k, k, 4)
    return (values[..., 0] - values[..., 1] - values[..., 2] + values[..., 3]) / (4 * h * h)


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = np.cumsum(w) - 0.5 * w
    cum /= w.sum()
    return np.interp(qs, cum, v)


def calibrate(review: ReviewResults, scenario: Scenario, params: Params, *, obs_cv: float = DEFAULT_OBS_CV,
              samples: int = CALIBRATION_SAMPLES, seed: int = DEFAULT_SEED) -> Calibration:
    """Fit the base rates of ``params`` to review results (see the module docstring).

    ``review``: a :class:`thidua_sim.data.ReviewResults` with at least two consecutive years;
    ``scenario``: the resources that acted in those years (an empty scenario means the fitted
    rates include whatever support there was); ``params``: the prior base rates (central and
    90 % interval), area multipliers and the instruments of the scenario.
    """
    if not (0 <= obs_cv < 1):
        raise CalibrationError(f"obs_cv = {obs_cv!r}: expected a share in [0, 1)")
    if samples < 100:
        raise CalibrationError(f"samples = {samples!r}: expected at least 100")
    steps = _steps(review, scenario, params)
    if not steps:
        raise CalibrationError(
            f"{review.source or 'review results'}: review results of years "
            f"{', '.join(map(str, review.years)) or 'none'}: expected at least two "
            "consecutive years with figures for the same areas; add the next year's review results")
    prior_rates = params.base_rates.rates
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xCA11,)))
    posterior: dict[str, dict[str, Uncertain]] = {}
    estimate_rows = []
    ess: dict[str, float] = {}
    modes: dict[str, np.ndarray] = {}
    joint: dict[str, np.ndarray] = {}
    for g, group in enumerate(GROUPS):
        base = np.array([prior_rates[group][name].central for name in RATE_NAMES], dtype=float)
        priors = [_prior(g, r, prior_rates[group][name]) for r, name in enumerate(RATE_NAMES)
                  if not prior_rates[group][name].is_fixed]
        group_steps = [s for s in steps if s.group == g]
        posterior[group] = dict(prior_rates[group])
        if not priors:
            ess[group] = float("nan")
            modes[group] = base
            continue

        def f(x: np.ndarray, priors: list[_Prior] = priors, base: np.ndarray = base,
              group_steps: list[_Step] = group_steps) -> np.ndarray:
            return _objective(x, priors, base, group_steps, obs_cv)

        x0 = np.array([p.median for p in priors])
        result = optimize.minimize(_value_and_gradient(f), x0, jac=True, method="L-BFGS-B",
                                   options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 2000})
        mode = result.x
        hess = _hessian(f, mode)
        hess = 0.5 * (hess + hess.T)
        # never flatter than a twentieth of the prior's curvature, so the proposal stays proper
        floor = 0.05 / max(max(p.s_lo, p.s_hi) for p in priors) ** 2
        eigval, eigvec = np.linalg.eigh(hess)
        hess = eigvec @ np.diag(np.maximum(eigval, floor)) @ eigvec.T
        # round 1: Laplace proposal (widened); round 2: proposal refitted to round 1's weighted draws
        loc, cov = mode, np.linalg.inv(hess) * 1.5**2
        for _round_ in range(2):
            proposal = stats.multivariate_t(loc=loc, shape=cov, df=5, seed=rng)
            xs = proposal.rvs(size=samples).reshape(samples, -1)
            log_w = -f(xs) - proposal.logpdf(xs).reshape(samples)
            log_w -= log_w.max()
            w = np.exp(log_w)
            loc = np.average(xs, axis=0, weights=w)
            cov = np.atleast_2d(np.cov(xs.T, aweights=w)) * 1.2**2 + 1e-12 * np.eye(len(priors))
        ess[group] = float(w.sum() ** 2 / (w**2).sum())
        full = np.broadcast_to(base, (samples, len(RATE_NAMES))).copy()
        rows = rng.choice(samples, size=POSTERIOR_ROWS, replace=True, p=w / w.sum())
        mode_rates = base.copy()
        for j, p in enumerate(priors):
            full[:, p.rate] = p.to_natural(xs[:, j])
            mode_rates[p.rate] = float(p.to_natural(np.array([mode[j]]))[0])
        modes[group] = mode_rates
        for p in priors:
            joint[f"rate:{group}:{RATE_NAMES[p.rate]}"] = full[rows, p.rate]
        for j, p in enumerate(priors):
            lo, med, hi = _weighted_quantiles(full[:, p.rate], w, (0.05, 0.5, 0.95))
            name = RATE_NAMES[p.rate]
            posterior[group][name] = Uncertain(
                float(med), float(min(lo, med)), float(max(hi, med)),
                f"fit: posterior median and 90 % interval ({len(group_steps)} year(s) of review results, "
                f"effective sample size {ess[group]:.0f}); prior: {p.value.source}",
                f"khớp theo kết quả rà soát: trung vị hậu nghiệm và khoảng 90 % ({len(group_steps)} năm kết quả "
                f"rà soát, cỡ mẫu hiệu dụng {ess[group]:.0f}); tiên nghiệm: {p.value.source_vi or p.value.source}")
    for g, group in enumerate(GROUPS):
        for r, name in enumerate(RATE_NAMES):
            pv, qv = prior_rates[group][name], posterior[group][name]
            estimate_rows.append({
                "group": group, "rate": name, "fitted": not pv.is_fixed,
                "prior_central": pv.central, "prior_low": pv.low, "prior_high": pv.high,
                "central": qv.central, "low": qv.low, "high": qv.high, "mode": float(modes[group][r]),
            })
    fitted = BaseRates(posterior, params.base_rates.area_multipliers,
                       f"calibrated to review results ({review.source or 'review results'}); prior: "
                       f"{params.base_rates.source}")
    fit = _fit_table(steps, prior_rates, posterior)
    years = sorted({s.year for s in steps})
    areas = sorted({a for s in steps for a in s.area_ids})
    n_obs = {m: int(sum(np.isfinite(s.observed[i]).sum() for s in steps)) for i, m in enumerate(OBSERVED_MEASURES)}
    data_used = {
        "review_results": str(review.source),
        "transitions": [f"{y - 1}->{y}" for y in years],
        "areas": areas,
        "observations": {k: v for k, v in n_obs.items() if v},
        "estimated_figures": bool(review.table["estimate"].astype(bool).any()),
        "scenario": scenario.id,
        "obs_cv": obs_cv,
        "support": {"scenario": scenario.id,
                    "amount_mvnd_by_year": {int(y): float(sum(r.amount_mvnd for r in scenario.resources
                                                              if r.year == y)) for y in years}},
    }
    method = ("MAP (L-BFGS-B) + Laplace proposal, importance sampling "
              f"({samples} draws, seed {seed}); one-step-ahead Gaussian likelihood")
    return Calibration(fitted, pd.DataFrame(estimate_rows), fit, data_used, ess, method, obs_cv,
                       params.base_rates, pd.DataFrame(joint) if joint else None)


def _fit_table(steps: list[_Step], prior: Mapping[str, Mapping[str, Uncertain]],
               posterior: Mapping[str, Mapping[str, Uncertain]]) -> pd.DataFrame:
    rows = []
    for step in steps:
        group = GROUPS[step.group]
        at = {}
        for label, rates in (("fitted", posterior), ("prior_fit", prior)):
            vec = np.array([[rates[group][n].central for n in RATE_NAMES]])
            at[label] = _predict(vec, step)[0][0]  # (M, A)
        for i, measure in enumerate(OBSERVED_MEASURES):
            for a, area_id in enumerate(step.area_ids):
                observed = step.observed[i, a]
                if np.isnan(observed):
                    continue
                rows.append({"area": area_id, "group": group, "year": step.year, "measure": measure,
                             "observed": float(observed), "fitted": float(at["fitted"][i, a]),
                             "prior_fit": float(at["prior_fit"][i, a])})
    return pd.DataFrame(rows, columns=["area", "group", "year", "measure", "observed", "fitted", "prior_fit"])


# -- writing a base-rates params file -------------------------------------------------------------

def _round(x: float) -> float:
    return float(f"{x:.6g}")


def base_rates_document(calibration: Calibration, prior_document: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The fitted base rates as a params document (the format of ``params/base_rates.yaml``).

    ``prior_document``: the prior file as read (``_yaml.read_yaml``) to keep its descriptions and
    its area multipliers with their sources; without it, generic descriptions are written and the
    multipliers get a note that they come from the prior.
    """
    prior_groups = (prior_document or {}).get("groups", {}) or {}
    groups: dict[str, Any] = {}
    for group in GROUPS:
        node: dict[str, Any] = {}
        prior_node = prior_groups.get(group, {}) or {}
        if isinstance(prior_node, Mapping) and "description" in prior_node:
            node["description"] = str(prior_node["description"])
        for name in RATE_NAMES:
            value = calibration.base_rates.rates[group][name]
            old = prior_node.get(name, {}) if isinstance(prior_node, Mapping) else {}
            entry: dict[str, Any] = {"value": _round(value.central)}
            if not value.is_fixed:
                low, high = _round(value.low), _round(value.high)
                entry["interval"] = [min(low, entry["value"]), max(high, entry["value"])]
            entry["unit"] = "share per year" if name == "gamma" else "probability per year"
            entry["description"] = str(old.get("description", RATE_DESCRIPTIONS[name])) if isinstance(old, Mapping) \
                else RATE_DESCRIPTIONS[name]
            if value.is_fixed:
                entry["assumption"] = f"held fixed in the fit (no interval in the prior: {value.source or 'prior file'})"
                entry["assumption_vi"] = ("giữ cố định khi khớp (tiên nghiệm không có khoảng: "
                                          f"{value.source_vi or value.source or 'tệp tiên nghiệm'})")
            else:
                entry["reference"] = value.source
                if value.source_vi:
                    entry["reference_vi"] = value.source_vi
            node[name] = entry
        groups[group] = node
    used = calibration.data_used
    doc: dict[str, Any] = {
        "description": ("Annual transition rates between poor (P), near-poor (N) and other (O) households, per "
                        "group, without the modelled support, fitted to review results; gamma = new households "
                        "per household per year."),
        "reference": (f"thidua-sim calibrate: {used['review_results']}, transitions "
                      f"{', '.join(used['transitions'])}, historical resources of scenario '{used['scenario']}'"),
        "fit": {
            "method": calibration.method,
            "data": {k: used[k] for k in ("review_results", "transitions", "areas", "observations",
                                          "estimated_figures", "scenario")},
            **({"support": _plain(used["support"])} if used.get("support") else {}),
            "review_error_cv": calibration.obs_cv,
            "effective_sample_size": {g: (None if math.isnan(v) else round(v)) for g, v in calibration.ess.items()},
            "prior": str(calibration.prior.source if calibration.prior is not None else ""),
        },
        "groups": groups,
    }
    multipliers = (prior_document or {}).get("area_multipliers")
    if multipliers:
        doc["area_multipliers"] = _plain(multipliers)
    elif calibration.base_rates.area_multipliers:
        doc["area_multipliers"] = {
            area: {name: {"value": float(v), "unit": "factor", "assumption": "kept from the prior base-rates file"}
                   for name, v in factors.items()}
            for area, factors in calibration.base_rates.area_multipliers.items()}
    return doc


def _plain(obj: Any) -> Any:
    """Plain dicts/lists (LineDict -> dict) for a YAML dump."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


class _Dumper(WritingDumper):
    """Block style, with short lists of numbers (intervals) on one line."""


_Dumper.add_representer(list, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=all(isinstance(x, (int, float)) for x in v) and len(v) <= 4))



def save_base_rates(calibration: Calibration, path: str | Path,
                    prior_document: Mapping[str, Any] | None = None) -> Path:
    """Write the fitted base rates as a params file (see :func:`base_rates_document`), atomically."""
    path = Path(path)
    head = ("# Base rates fitted by `thidua-sim calibrate` (thidua_sim.model.calibrate): posterior medians and\n"
            "# 90 % intervals. Same format as params/base_rates.yaml; use it with\n"
            "# load_params(..., base_rates=<this file>) or copy it over params/base_rates.yaml.\n")
    text = head + yaml.dump(base_rates_document(calibration, prior_document), Dumper=_Dumper, allow_unicode=True,
                            sort_keys=False, width=110)
    write_atomic(path, text)
    return path


# -- joint posterior draws beside the base-rates file ---------------------------------------------

def posterior_path(base_rates_path: str | Path) -> Path:
    """Where the joint posterior draws of a fitted base-rates file live: ``<name>.posterior.csv``."""
    path = Path(base_rates_path)
    return path.with_name(path.stem + ".posterior.csv")


def save_posterior(calibration: Calibration, base_rates_path: str | Path) -> Path | None:
    """Write :attr:`Calibration.posterior` beside the base-rates file (atomically); None if there is none."""
    if calibration.posterior is None or calibration.posterior.empty:
        return None
    path = posterior_path(base_rates_path)
    text = calibration.posterior.to_csv(index=False, lineterminator="\n", float_format="%.6g")
    write_atomic(path, text)
    return path


def load_posterior(base_rates_path: str | Path) -> pd.DataFrame | None:
    """The joint posterior draws written beside a fitted base-rates file, or None if there are none."""
    path = posterior_path(base_rates_path)
    if not path.exists():
        return None
    from ..errors import InputError, InputErrors

    try:
        table = pd.read_csv(path)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputErrors([InputError(str(path), "file", f"unreadable ({exc})", "a CSV of posterior draws",
                                      "write it again with thidua-sim calibrate")]) from None
    bad = [c for c in table.columns if not str(c).startswith("rate:")]
    if bad or table.empty or not np.all(np.isfinite(table.to_numpy(float))):
        raise InputErrors([InputError(str(path), f"column {bad[0]!r}" if bad else "rows",
                                      "not a table of posterior draws", "columns rate:<group>:<rate>, finite values",
                                      "write it again with thidua-sim calibrate")])
    return table
