"""Rolling-origin backtest of the pooled cohort model on a review history (docs/validation.md).

For every origin year ``t`` the history allows, the model is fitted (``_history_fit.fit_history``)
on the reviews up to and including ``t`` only, and every series whose latest review is ``t``
is forecast ``1..horizon`` years ahead, wherever a later review of the same series and standard
is published. Two naive baselines are fitted on the same reviews of the same series:

- **linear trend in points**: ``y_t + h (y_t - y_f) / (t - f)``, with ``f`` the first review of
  the series used and ``t`` the origin (the line through the first and last point);
- **constant-ratio decline**: ``y_t (y_t / y_f) ** (h / (t - f))`` (the same yearly ratio).

Measures: the poor rate of all households (``poor_rate``), of dtts households
(``dtts_poor_rate``) and the near-poor rate of all households (``near_poor_rate``), in percent.
A forecast needs at least two reviews of the measure up to the origin (so that both baselines
exist) and a published value to compare with. Metrics (:func:`metrics`): mean absolute error
and bias (forecast minus actual) of the model (median of its predictive draws) and of both
baselines, and the share of actual values inside the model's 80 % and 90 % intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.defaults import DEFAULT_SEED, HISTORY_SAMPLES
from ..core.types import Params
from ._history_fit import DEFAULT_STRUCTURE, HistoryFit, HistoryFitError, Structure, fit_history, series_cells

if TYPE_CHECKING:
    from ..data import History

__all__ = ["Backtest", "backtest", "baseline_forecasts", "metrics", "coverage_p_value", "coverage_window_probability",
           "COVERAGE_GOAL", "published_flows_check", "MEASURES",
           "FORECAST_COLUMNS", "HistoryFit", "HistoryFitError", "Structure", "fit_history", "series_cells"]
# the pooled fit's public names live here (its module, _history_fit, is private)

MEASURES: tuple[str, ...] = ("poor_rate", "dtts_poor_rate", "near_poor_rate")
FORECAST_COLUMNS: tuple[str, ...] = (
    "measure", "area_id", "population", "standard", "origin", "year", "horizon", "points", "actual", "model",
    "q05", "q10", "q90", "q95", "linear", "ratio")


def baseline_forecasts(years: np.ndarray, values: np.ndarray, horizon: float) -> tuple[float, float]:
    """The two naive forecasts ``horizon`` years after the last of ``years`` (at least two, ascending):
    ``(linear trend in points, constant ratio)``; see the module docstring."""
    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    if len(years) < 2 or years[-1] <= years[0]:
        raise ValueError("two reviews in different years are needed for a baseline")
    span = years[-1] - years[0]
    first, last = values[0], values[-1]
    linear = last + horizon * (last - first) / span
    ratio = last * (last / first) ** (horizon / span) if first > 0 else last
    return float(max(linear, 0.0)), float(ratio)


@dataclass(frozen=True)
class Backtest:
    """``forecasts``: one row per forecast (:data:`FORECAST_COLUMNS`); ``metrics``: :func:`metrics`
    of them; ``fits``: per origin, the fit's diagnostics (or why it was refused); ``flows``:
    :func:`published_flows_check` of the fit on the whole history."""

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    fits: pd.DataFrame
    settings: dict[str, object] = field(default_factory=dict)
    flows: pd.DataFrame | None = None


def _measure_series(cell_population: str, measure: str) -> tuple[str, str] | None:
    if measure == "poor_rate" and cell_population == "all":
        return "poor", "poor_rate"
    if measure == "dtts_poor_rate" and cell_population == "dtts":
        return "poor", "dtts_poor_rate"
    if measure == "near_poor_rate" and cell_population == "all":
        return "near_poor", "near_poor_rate"
    return None


def backtest(history: History, params: Params, *, horizon: int = 3, seed: int = DEFAULT_SEED,
             samples: int = HISTORY_SAMPLES, group: str = "dtts", structure: Structure = DEFAULT_STRUCTURE) -> Backtest:
    """Rolling-origin evaluation on ``history`` (module docstring)."""
    if not isinstance(horizon, int) or horizon < 1:
        raise HistoryFitError(f"horizon = {horizon!r}: expected a whole number of years >= 1")
    full = series_cells(history.series())
    by_key = {c.key: c for c in full}
    origins = sorted({int(y) for c in full for y in c.years})
    rows, fit_rows = [], []
    for origin in origins:
        targets = []
        for cell in full:
            past = cell.years <= origin
            if past.sum() < 2 or int(cell.years[past][-1]) != origin:
                continue
            ahead = [(int(y), i) for i, y in enumerate(cell.years) if origin < y <= origin + horizon]
            if ahead:
                targets.append((cell, ahead))
        if not targets:
            continue
        cells = series_cells(history.until(origin).series())
        try:
            fit = fit_history(cells, params, group=group, samples=samples, seed=seed, structure=structure)
        except HistoryFitError as exc:
            fit_rows.append({"origin": origin, "converged": False, "note": str(exc)})
            continue
        fit_rows.append({"origin": origin, "converged": True, "series": len(fit.cells),
                         "ess_min": fit.diagnostics["ess_min"], "rhat_max": fit.diagnostics["rhat_max"],
                         "note": ""})
        for cell, ahead in targets:
            fitted = next(c for c in fit.cells if c.key == cell.key)
            rows.extend(_forecast_rows(fit, fitted, by_key[cell.key], origin, ahead, seed))
    forecasts = pd.DataFrame(rows, columns=list(FORECAST_COLUMNS))
    flows = published_flows_check(history, params, group=group, samples=samples, seed=seed, structure=structure)
    return Backtest(forecasts, metrics(forecasts), pd.DataFrame(fit_rows),
                    {"horizon": horizon, "seed": seed, "samples": samples, "source": history.source}, flows)


def published_flows_check(history: History, params: Params, *, group: str = "dtts", samples: int = HISTORY_SAMPLES,
                          seed: int = DEFAULT_SEED, structure: Structure = DEFAULT_STRUCTURE) -> pd.DataFrame:
    """The model fitted on the whole history: for every series and year with published flows, the
    posterior predictive one-year flows (median, 90 % interval) beside the published ones."""
    fit = fit_history(series_cells(history.series()), params, group=group, samples=samples, seed=seed,
                      structure=structure)
    rows = []
    for cell in fit.cells:
        for i in range(1, len(cell.years)):
            if np.isfinite(cell.flows[i]).any() and cell.years[i] - cell.years[i - 1] == 1 \
                    and np.isfinite(cell.households[i - 1]):
                table = fit.flows(cell, int(cell.years[i]), seed=seed)
                table.insert(0, "year", int(cell.years[i]))
                table.insert(0, "series", cell.key)
                rows.append(table[table["published"].notna()])
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["series", "year", "flow", "published", "median", "low90", "high90"])
    out["inside90"] = (out["low90"] <= out["published"]) & (out["published"] <= out["high90"])
    return out


def _forecast_rows(fit: HistoryFit, cell, full_cell, origin: int, ahead: list[tuple[int, int]],
                   seed: int) -> list[dict[str, object]]:
    horizons = [y - origin for y, _ in ahead]
    draws = fit.forecast(cell, origin, horizons, seed=seed + origin)
    rows = []
    for measure in MEASURES:
        spec = _measure_series(cell.population, measure)
        if spec is None:
            continue
        state, _ = spec
        past_values = cell.poor if state == "poor" else cell.near_poor
        known = ~np.isnan(past_values)
        if known.sum() < 2 or not known[-1]:
            continue
        for (year, i), h, j in zip(ahead, horizons, range(len(ahead))):
            actual = full_cell.poor[i] if state == "poor" else full_cell.near_poor[i]
            if math.isnan(actual):
                continue
            linear, ratio = baseline_forecasts(cell.years[known], 100.0 * past_values[known], h)
            d = 100.0 * draws[state][:, j]
            q05, q10, q50, q90, q95 = np.quantile(d, (0.05, 0.10, 0.5, 0.90, 0.95))
            rows.append({"measure": measure, "area_id": cell.area_id, "population": cell.population,
                         "standard": cell.standard, "origin": origin, "year": year, "horizon": h,
                         "points": int(known.sum()), "actual": 100.0 * float(actual), "model": float(q50),
                         "q05": float(q05), "q10": float(q10), "q90": float(q90), "q95": float(q95),
                         "linear": linear, "ratio": ratio})
    return rows


COVERAGE_GOAL = (0.65, 0.95)
"""The issue's goal for the share of held-out points inside the 80 % intervals."""


def coverage_p_value(inside: int, n: int, level: float) -> float:
    """Two-sided binomial p-value of ``inside`` of ``n`` held-out points inside intervals of nominal
    ``level``, if the intervals were honest (the sum of the probabilities of every count no more
    likely than the one seen): small values say the intervals are too narrow or too wide."""
    if n == 0:
        return math.nan
    from scipy import stats

    probs = stats.binom.pmf(np.arange(n + 1), n, level)
    return float(min(1.0, probs[probs <= probs[inside] * (1 + 1e-7)].sum()))


def coverage_window_probability(n: int, level: float, window: tuple[float, float]) -> float:
    """The probability that honest intervals of nominal ``level`` cover a share of ``n`` points inside
    ``window``: how well ``n`` points can judge the coverage goal (low: too few points to judge)."""
    if n == 0:
        return math.nan
    from scipy import stats

    k = np.arange(n + 1)
    ok = (k / n >= window[0] - 1e-12) & (k / n <= window[1] + 1e-12)
    return float(stats.binom.pmf(k[ok], n, level).sum())


def metrics(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Per measure, for one-year-ahead forecasts (``horizon`` 1), for every horizon pooled
    (``horizon`` "all") and per horizon: count, mean absolute error and bias of the model and
    both baselines (points), the coverage of the model's 80 % and 90 % intervals (share), the
    two-sided binomial p-value of the 80 % coverage (:func:`coverage_p_value`) and the probability
    that honest 80 % intervals would meet the coverage goal on that many points
    (:func:`coverage_window_probability`; below 0.5: too few points to judge the goal)."""
    out = []
    for measure in MEASURES + ("all",):
        part = forecasts if measure == "all" else forecasts[forecasts["measure"] == measure]
        groups = [("all", part)] + [(str(h), part[part["horizon"] == h]) for h in sorted(part["horizon"].unique())]
        for label, g in groups:
            if g.empty:
                continue
            a = g["actual"].to_numpy(float)
            row: dict[str, object] = {"measure": measure, "horizon": label, "n": len(g),
                                      "years": ", ".join(str(y) for y in sorted(g["year"].unique()))}
            for name in ("model", "linear", "ratio"):
                err = g[name].to_numpy(float) - a
                row[f"mae_{name}"] = float(np.mean(np.abs(err)))
                row[f"bias_{name}"] = float(np.mean(err))
            inside80 = int(np.sum((g["q10"] <= a) & (a <= g["q90"])))
            row["cover80"] = inside80 / len(g)
            row["cover90"] = float(np.mean((g["q05"] <= a) & (a <= g["q95"])))
            row["cover80_p"] = coverage_p_value(inside80, len(g), 0.8)
            row["cover80_judge"] = coverage_window_probability(len(g), 0.8, COVERAGE_GOAL)
            out.append(row)
    columns = ["measure", "horizon", "n", "years", "mae_model", "mae_linear", "mae_ratio", "bias_model", "bias_linear",
               "bias_ratio", "cover80", "cover90", "cover80_p", "cover80_judge"]
    return pd.DataFrame(out, columns=columns)
