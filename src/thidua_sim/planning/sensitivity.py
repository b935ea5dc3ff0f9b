"""What the answer depends on: global sensitivity of a target outcome to every uncertain parameter
(Sobol indices by SALib) and scenario discovery (which ranges of assumptions make the target
fail: PRIM boxes by the ``PRIM`` package). docs/planning.md, section "Sensitivity".

Every uncertain parameter of the run (base rates per group, instrument costs and effects with a
90 % interval) is a uniform ``u`` in (0, 1) mapped to its value by the same quantile function the
Monte Carlo uses (:func:`thidua_sim.model._montecarlo.quantile`), so the analysis covers exactly
the stated uncertainty. Each sample runs the expected path (engine functions, vectorised over
samples); the outcome is the target's average yearly fall of the rate in points, and whether it
meets the target. Household chance is left out (it is the same for every parameter and would
only add noise to the indices).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.defaults import DEFAULT_SEED
from ..core.types import EFFECT_NAMES, GROUPS, RATE_NAMES, Baseline, Params, Scenario, Target
from ..model._montecarlo import parameter_specs, quantile
from ..model.engine import (
    GAMMA,
    add_new_households,
    allocate_area_resources,
    compile_model,
    coverage_shares,
    normalise_rates,
    primed_rates,
    transition,
)
from ..model.projection import population_mask
from .targets import PlanningError, meets, reduction_points_per_year

__all__ = ["Sensitivity", "sensitivity", "batched_expected_stocks", "MAX_BOX_DIMS"]

PRIM_PARAMETERS = 5
"""PRIM looks for the box among this many parameters, those with the largest total Sobol index."""
MAX_BOX_DIMS = 3
"""A PRIM box shown restricts at most this many parameters (readability over a little density)."""


@dataclass(frozen=True)
class Sensitivity:
    """``indices``: one row per parameter (S1, S1_conf, ST, ST_conf of the yearly fall);
    ``samples``: the parameter values (columns by name) with ``reduction`` and ``met`` per run;
    the box is searched among the :data:`PRIM_PARAMETERS` parameters of largest total index;
    ``box``: the PRIM box of assumptions under which the target fails (parameter, low, high; None
    if none was found) and ``box_stats`` (density, coverage, mass); ``probability``: share of runs
    meeting the target."""

    target: Target
    indices: pd.DataFrame
    samples: pd.DataFrame
    box: pd.DataFrame | None
    box_stats: dict[str, float] | None
    probability: float
    base_samples: int
    independent_runs: int = 0
    """Runs behind ``probability`` (the independent base samples): its Monte Carlo error is
    ``sqrt(p (1 - p) / independent_runs)``."""


def batched_expected_stocks(model, rates: np.ndarray, costs: np.ndarray, effects: np.ndarray) -> np.ndarray:
    """The expected path for S parameter sets at once: ``rates`` (S, G, 7) before area multipliers,
    ``costs`` (S, K), ``effects`` (S, K, 4) -> stocks (S, Y, A, G, 3), by the engine's step functions."""
    S = rates.shape[0]
    r = rates[:, None, :, :] * (1.0 if model.multipliers is None else model.multipliers[None])
    r = normalise_rates(np.broadcast_to(r, (S,) + model.stocks0.shape[:2] + (7,)).copy())
    gamma = r[..., GAMMA]
    stocks = np.empty((S, model.steps + 1) + model.stocks0.shape)
    stocks[:, 0] = model.stocks0
    for t in range(model.steps):
        n = stocks[:, t]
        money, _ = allocate_area_resources(model, t, n)
        share, _, _ = coverage_shares(n, money, costs[:, None, :], model.eligible)
        primed = primed_rates(r, share, model.eligible, effects)
        stocks[:, t + 1] = add_new_households(transition(n, primed), n.sum(axis=-1), gamma, model.entry)
    return stocks


def sensitivity(baseline: Baseline, scenario: Scenario, params: Params, target: Target, *,
                base_samples: int = 256, seed: int = DEFAULT_SEED, prim_threshold: float = 0.8) -> Sensitivity:
    """Sobol indices of the target's yearly fall, and a PRIM box of the assumptions under which it
    fails (module docstring). ``base_samples`` (a power of 2) gives ``base_samples * (k + 2)``
    runs for ``k`` uncertain parameters."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if base_samples < 16 or base_samples & (base_samples - 1):
        raise PlanningError(f"base_samples = {base_samples!r}: expected a power of 2, at least 16")
    model = compile_model(baseline, scenario, params, until=max(target.end_year, baseline.year + 1))
    years = model.years
    if target.start_year not in years or target.end_year not in years:
        raise PlanningError(f"target {target.id!r}: years {target.start_year}-{target.end_year} are outside the "
                            f"projection {years[0]}-{years[-1]}")
    specs = [s for s in parameter_specs(params, model.instrument_ids) if not s.value.is_fixed]
    if not specs:
        raise PlanningError("no parameter has a 90 % interval: nothing to analyse")
    names = [s.name for s in specs]
    problem = {"num_vars": len(specs), "names": names, "bounds": [[1e-6, 1 - 1e-6]] * len(specs)}
    u = sobol_sample.sample(problem, base_samples, calc_second_order=False, seed=seed)
    values = np.column_stack([quantile(s.value, u[:, j], s.scale) for j, s in enumerate(specs)])
    S = len(u)
    K = len(model.instrument_ids)
    rates = np.broadcast_to(np.array([[params.base_rates.rates[g][n].central for n in RATE_NAMES] for g in GROUPS]),
                            (S, len(GROUPS), len(RATE_NAMES))).copy()
    costs = np.broadcast_to(model.costs, (S, K)).copy()
    effects = np.broadcast_to(model.effects, (S, K, len(EFFECT_NAMES))).copy()
    for j, name in enumerate(names):
        kind, *rest = name.split(":")
        if kind == "rate":
            rates[:, GROUPS.index(rest[0]), RATE_NAMES.index(rest[1])] = values[:, j]
        elif kind == "cost":
            costs[:, model.instrument_ids.index(rest[0])] = values[:, j]
        else:
            effects[:, model.instrument_ids.index(rest[0]), EFFECT_NAMES.index(rest[1])] = values[:, j]
    outcome = np.empty(S)
    chunk = 4096
    mask = population_mask(target.population, model.areas)  # (A, G)
    i0, i1 = years.index(target.start_year), years.index(target.end_year)
    for start in range(0, S, chunk):
        st = batched_expected_stocks(model, rates[start:start + chunk], costs[start:start + chunk],
                                     effects[start:start + chunk])
        cells = np.einsum("nyagk,ag->nyk", st, mask)
        rate = 100.0 * cells[..., 0] / np.maximum(cells.sum(axis=-1), 1e-300)
        outcome[start:start + chunk] = reduction_points_per_year(rate[:, i0], rate[:, i1], target.start_year,
                                                                 target.end_year)
    met = np.asarray(meets(outcome, target.threshold_points, target.strict))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SALib divides by a zero variance for a flat outcome
        result = sobol_analyze.analyze(problem, outcome, calc_second_order=False, seed=seed)
    indices = pd.DataFrame({"parameter": names, "S1": result["S1"], "S1_conf": result["S1_conf"],
                            "ST": result["ST"], "ST_conf": result["ST_conf"]})
    samples = pd.DataFrame(values, columns=names)
    samples["reduction"] = outcome
    samples["met"] = met
    # scenario discovery on the parameters that matter most (largest total indices)
    top = list(indices.sort_values("ST", ascending=False)["parameter"].head(PRIM_PARAMETERS))
    box, stats = _prim_box(samples[top], ~met, prim_threshold)
    # the probability from the two independent base matrices (rows A and B of Saltelli's design),
    # so that its Monte Carlo error p(1-p)/n holds
    step = len(names) + 2
    rows = np.concatenate([np.arange(0, S, step), np.arange(step - 1, S, step)])
    return Sensitivity(target, indices, samples, box, stats, float(met[rows].mean()), base_samples,
                       int(len(rows)))


def _prim_box(x: pd.DataFrame, failing: np.ndarray, threshold: float) -> tuple[pd.DataFrame | None,
                                                                                 dict[str, float] | None]:
    """The first PRIM box (PRIM package, peeling until the density of failures reaches ``threshold``)
    of the runs that miss the target; None when fewer than 2 % or more than 98 % of runs miss."""
    share = float(np.mean(failing))
    if share < 0.02 or share > 0.98:
        return None, None
    import prim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package warns when the box does not reach the threshold
        p = prim.Prim(x, failing.astype(float), threshold=threshold, threshold_type=">")
        box = p.find_box()
    if box is None:
        return None, None
    # a readable box: of the peeling trajectory, the densest point restricting at most MAX_BOX_DIMS
        # parameters (more coverage breaks ties)
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    ok = trajectory[(trajectory["res dim"] <= MAX_BOX_DIMS) & (trajectory["res dim"] > 0)]
    if ok.empty:
        return None, None
    best = int(ok.sort_values(["density", "coverage"], ascending=False).index[0])
    box.select(best)
    limits = box.limits
    rows = [{"parameter": name, "low": float(limits.loc[name, "min"]), "high": float(limits.loc[name, "max"])}
            for name in limits.index]
    return pd.DataFrame(rows), {"density": float(box.density), "coverage": float(box.coverage),
                                "mass": float(box.mass)}
