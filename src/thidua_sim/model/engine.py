"""The projection engine: household stocks per area and group, year by year.

Implements docs/model.md, "One year, t -> t+1 (expected path)" on expected counts (the
*expected path*). The step functions broadcast over any leading axes (money batches, parameter
samples). The support rule (allocation, coverage, keep factors, adjusted rates) is compiled in
``_support.py``; the functions here lay arrays out for it, and the Monte Carlo (``_montecarlo.py``)
runs the same compiled rule draw by draw.

Array axes: (draw,) year, area, group, state; instruments on the last axis ``K``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ..core.defaults import DEFAULT_HORIZON, MAX_HORIZON
from ..core.types import (
    EFFECT_NAMES,
    GROUPS,
    RATE_NAMES,
    STATES,
    Area,
    Baseline,
    Params,
    Scenario,
)
from ._coverage import batch_rows, coverage_shares, divide_where, eligible_households
from ..errors import ProjectionError  # noqa: F401 (re-exported: callers import it from here)

__all__ = ["CompiledModel", "compile_model", "expected_path", "primed_rates", "keep_factors", "adjust_rates", "effects_acting",
           "allocate_area_resources",
           "coverage_shares", "eligible_households", "transition", "step_expected", "ExpectedStep",
           "ProjectionError", "MAX_HORIZON"]

P, N, O = 0, 1, 2
# indices into the rate axis (RATE_NAMES order)
PPN, PPO, PNP, PNO, POP, PON, GAMMA = range(7)
# indices into the effect axis (EFFECT_NAMES order)
UPO, UPN, UNO, DNP = range(4)


@dataclass(frozen=True)
class CompiledModel:
    """Inputs turned into arrays, in the engine's axis order. Central values only;
    Monte Carlo replaces ``rates``/``effects``/``costs`` with drawn ones.

    ``rates``: (A, G, 7) base rates incl. area multipliers.
    ``costs``: (K,) million VND per beneficiary household.
    ``eligible``: (K, 3) 1.0 where a state is eligible for an instrument.
    ``effects``: (K, 4) uplifts uPO, uPN, uNO, dNP.
    ``fixed_resources``: (T, A, K) money acting in transition t (t = 0 is T0 -> T0+1) that is
        already tied to areas (explicit areas, equal split, explicit shares).
    ``rule_totals``: (T, K, 2) district totals to spread by poor / poor dtts at run time.
    ``entry``: (G, 3) entry shares of new households, or None.
    ``lags``: (K,) years between spending and effect, per instrument.
    ``multipliers``: (A, G, 7) area multipliers of the base rates, or None where no area has one
        (the Monte Carlo applies them to drawn rates).
    """

    years: tuple[int, ...]
    areas: tuple[Area, ...]
    instrument_ids: tuple[str, ...]
    stocks0: np.ndarray
    rates: np.ndarray
    costs: np.ndarray
    eligible: np.ndarray
    effects: np.ndarray
    fixed_resources: np.ndarray
    rule_totals: np.ndarray
    entry: np.ndarray | None = None
    lags: tuple[int, ...] = field(default=())
    multipliers: np.ndarray | None = None
    periods: Any = None  # a _periods.PeriodPlan: unit changes and standard switch between years, or None

    @property
    def steps(self) -> int:
        return len(self.years) - 1


def compile_model(baseline: Baseline, scenario: Scenario, params: Params,
                  until: int = DEFAULT_HORIZON) -> CompiledModel:
    """Check that the three inputs fit together and turn them into arrays."""
    t0 = int(baseline.year)
    if not isinstance(until, (int, np.integer)) or until <= t0 or until > MAX_HORIZON:
        raise ProjectionError(
            f"horizon 'until' = {until!r}: expected a year after the baseline year {t0} and at most {MAX_HORIZON}"
        )
    years = tuple(range(t0, int(until) + 1))
    steps = len(years) - 1
    areas = tuple(baseline.areas)
    area_ids = [a.id for a in areas]
    area_pos = {a: i for i, a in enumerate(area_ids)}
    A, G = len(areas), len(GROUPS)
    stocks0 = np.asarray(baseline.households, dtype=float)
    if stocks0.shape != (A, G, len(STATES)):
        raise ProjectionError(f"baseline households have shape {stocks0.shape}; expected {(A, G, len(STATES))}")
    if not np.all(np.isfinite(stocks0)) or np.any(stocks0 < 0):
        a, g, s = np.argwhere(~(np.isfinite(stocks0) & (stocks0 >= 0)))[0]
        raise ProjectionError(f"baseline households of area {area_ids[a]!r}, group {GROUPS[g]!r}, state "
                              f"{STATES[s]!r} = {stocks0[a, g, s]!r}; expected a count >= 0")

    # base rates with area multipliers, rows renormalised where a multiplier pushes them over 1
    rates = np.empty((A, G, len(RATE_NAMES)))
    multipliers = np.ones((A, G, len(RATE_NAMES)))
    for g, group in enumerate(GROUPS):
        try:
            group_rates = params.base_rates.rates[group]
        except KeyError:
            raise ProjectionError(f"base rates have no group {group!r}") from None
        for r, name in enumerate(RATE_NAMES):
            rates[:, g, r] = group_rates[name].central
    for area_id, factors in params.base_rates.area_multipliers.items():
        if area_id not in area_pos:
            continue  # multipliers may cover more areas than this run (a province file)
        for name, factor in factors.items():
            if name not in RATE_NAMES:
                raise ProjectionError(f"area multiplier for {area_id!r} names unknown rate {name!r}; "
                                      f"expected one of {', '.join(RATE_NAMES)}")
            multipliers[area_pos[area_id], :, RATE_NAMES.index(name)] *= factor
    rates = normalise_rates(rates * multipliers)

    instrument_ids = tuple(params.instruments)
    K = len(instrument_ids)
    costs = np.array([params.instruments[k].cost_mvnd.central for k in instrument_ids], dtype=float)
    eligible = np.zeros((K, len(STATES)))
    effects = np.zeros((K, len(EFFECT_NAMES)))
    lags = []
    for i, k in enumerate(instrument_ids):
        inst = params.instruments[k]
        for state in inst.eligible:
            eligible[i, STATES.index(state)] = 1.0
        for name, value in inst.effects.items():
            effects[i, EFFECT_NAMES.index(name)] = value.central
        lags.append(int(inst.lag))

    fixed = np.zeros((steps, A, K))
    rule_totals = np.zeros((steps, K, 2))
    for n_line, line in enumerate(scenario.resources):
        where = f"scenario {scenario.id!r}, resource line {n_line + 1}"
        if line.instrument not in params.instruments:
            raise ProjectionError(
                f"{where}: unknown instrument {line.instrument!r}; known: {', '.join(instrument_ids)}"
            )
        k = instrument_ids.index(line.instrument)
        acting_year = line.year + lags[k]
        t = acting_year - t0 - 1  # transition index: acting in year t0+1 -> index 0
        if t < 0 or t >= steps:
            continue  # money acting outside the horizon
        amount = float(line.amount_mvnd)
        if line.area is not None:
            if line.area not in area_pos:
                raise ProjectionError(f"{where}: unknown area {line.area!r}; known: {', '.join(area_ids)}")
            fixed[t, area_pos[line.area], k] += amount
        elif line.rule == "equal":
            fixed[t, :, k] += amount / A
        elif line.rule == "shares":
            shares = dict(line.shares or {})
            unknown = sorted(set(shares) - set(area_pos))
            if unknown:
                raise ProjectionError(f"{where}: shares name unknown areas {unknown}; known: {', '.join(area_ids)}")
            known = shares
            total = sum(shares.values())
            if total <= 0:
                raise ProjectionError(f"{where}: shares sum to {total}; expected a positive sum")
            for a, s in known.items():
                fixed[t, area_pos[a], k] += amount * s / total
        elif line.rule == "poor":
            rule_totals[t, k, 0] += amount
        elif line.rule == "poor_dtts":
            rule_totals[t, k, 1] += amount
        else:
            raise ProjectionError(f"{where}: district total with rule {line.rule!r}; expected one of "
                                  "poor, poor_dtts, equal, shares")

    entry = None
    if scenario.entry_shares is not None:
        entry = np.array([[scenario.entry_shares[g][s] for s in STATES] for g in GROUPS], dtype=float)

    return CompiledModel(years, areas, instrument_ids, stocks0, rates, costs, eligible, effects, fixed,
                         rule_totals, entry, tuple(lags),
                         None if np.all(multipliers == 1.0) else multipliers)


def normalise_rates(rates: np.ndarray) -> np.ndarray:
    """Clip rates to [0, 1] and scale down a state's outflows where they sum above 1."""
    rates = np.clip(rates, 0.0, None)
    rates[..., :GAMMA] = np.minimum(rates[..., :GAMMA], 1.0)
    for a, b in ((PPN, PPO), (PNP, PNO), (POP, PON)):
        total = rates[..., a] + rates[..., b]
        over = np.where(total > 1.0, total, 1.0)
        rates[..., a] /= over
        rates[..., b] /= over
    return rates


def allocate_area_resources(model: CompiledModel, t: int, stocks: np.ndarray,
                            rule_totals: np.ndarray | None = None,
                            fixed_resources: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Money per area and instrument acting in transition ``t`` (:mod:`._support`, step 1).

    ``stocks``: (..., A, G, 3) at the start of the transition. Returns ``(resources (..., A, K),
    unallocated (..., K))``: district totals spread by poor households (or poor dtts households);
    a total with nowhere to go (no poor households at all) is unallocated and reported.
    """
    from . import _support

    fixed = model.fixed_resources[t] if fixed_resources is None else fixed_resources
    totals = model.rule_totals[t] if rule_totals is None else rule_totals  # (..., K, 2)
    dtype = np.result_type(stocks.dtype, np.float32)  # float64 on the expected path, float32 for float32 stocks
    (A, G), K = stocks.shape[-3:-1], totals.shape[-2]
    batch = np.broadcast_shapes(stocks.shape[:-3], np.shape(fixed)[:-2], np.shape(totals)[:-2])
    totals = batch_rows(totals, batch, (K, 2), dtype)
    active = np.array([np.any(totals[..., 0]), np.any(totals[..., 1])])
    resources = np.empty((math.prod(batch), A, K), dtype)
    unallocated = np.empty((math.prod(batch), K), dtype)
    _support.allocate(batch_rows(stocks[..., P], batch, (A, G), dtype), batch_rows(fixed, batch, (A, K), dtype),
                      totals, active, dtype.type(0), resources, unallocated)
    return resources.reshape(batch + (A, K)), unallocated.reshape(batch + (K,))


def effects_acting(effects: np.ndarray) -> np.ndarray:
    """(K, 4): which effects act at all, in any row of ``effects`` (..., K, 4) (the others are skipped:
    their factor is 1)."""
    effects = np.asarray(effects)
    return np.any(effects != 0, axis=tuple(range(effects.ndim - 2)))


def keep_factors(share: np.ndarray, eligible: np.ndarray, effects: np.ndarray) -> tuple[np.ndarray, ...]:
    """``prod_k (1 - s_k e_k)`` for each effect e in EFFECT_NAMES order (uPO, uPN, uNO, dNP)
    (:mod:`._support`, step 3).

    ``share`` (..., A, K); ``eligible`` (K, 3); ``effects`` (..., K, 4). The poor-row effects count
    only instruments poor households are eligible for, the near-poor-row effects only those
    near-poor households are eligible for. Returns four arrays (..., A, 1) (to broadcast over G).
    """
    from . import _support

    dtype = share.dtype
    A, K = share.shape[-2:]
    batch = np.broadcast_shapes(share.shape[:-2], np.shape(effects)[:-2])
    keeps = np.empty((4, math.prod(batch), A), dtype)
    _support.keep_factors(batch_rows(share, batch, (A, K), dtype), eligible,
                          batch_rows(effects, batch, (K, 4), dtype), effects_acting(effects), dtype.type(1), keeps)
    return tuple(keeps[e].reshape(batch + (A, 1)) for e in range(4))


def adjust_rates(pPN: np.ndarray, pPO: np.ndarray, pNP: np.ndarray, pNO: np.ndarray,
                 keeps: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four rates instruments change, from base rates and :func:`keep_factors` (docs/model.md,
    "One year, t -> t+1", step 3; :mod:`._support`). Returns ``(pPN', pPO', pNP', pNO')``, each of
    the inputs' broadcast shape; ``pNP'`` is capped at ``1 - pNO'``."""
    from . import _support

    arrays = [np.asarray(x) for x in (pPN, pPO, pNP, pNO, *keeps)]
    shape = np.broadcast_shapes(*(x.shape for x in arrays))
    dtype = np.result_type(*arrays)
    flat = [np.ascontiguousarray(np.broadcast_to(x, shape), dtype).reshape(-1) for x in arrays]
    out = np.empty((4, flat[0].size), dtype)
    _support.adjust(*flat, dtype.type(1), dtype.type(0), out)
    return out[0].reshape(shape), out[1].reshape(shape), out[2].reshape(shape), out[3].reshape(shape)


def primed_rates(rates: np.ndarray, share: np.ndarray, eligible: np.ndarray, effects: np.ndarray) -> np.ndarray:
    """Base rates adjusted by the instruments, as independent chances (docs/model.md,
    "One year, t -> t+1", step 3).

    ``rates`` (..., A or 1, G, 7); ``share`` (..., A, K); ``eligible`` (K, 3); ``effects`` (..., K, 4).
    An instrument acts on the poor row only if poor households are eligible for it, and on the
    near-poor row only if near-poor households are. Returns rates (..., A, G, 7).

    Where protection and uplift would make a near-poor household's outflows exceed 1, the fall
    back ``pNP'`` is capped at ``1 - pNO'`` (never raised).
    """
    keeps = keep_factors(share, eligible, effects)
    # rates may be shared by all areas (axis of length 1); the result is per area
    out = np.empty(np.broadcast_shapes(rates.shape, share.shape[:-1] + (1, rates.shape[-1])), dtype=rates.dtype)
    out[...] = rates  # C order (a copy of a broadcast view would keep its odd strides)
    out[..., PPN], out[..., PPO], out[..., PNP], out[..., PNO] = adjust_rates(
        rates[..., PPN], rates[..., PPO], rates[..., PNP], rates[..., PNO], keeps)
    return out


def transition_matrix(rates: np.ndarray) -> np.ndarray:
    """The row-stochastic 3x3 matrix of docs/model.md, "One year, t -> t+1" (step 4), from (primed)
    rates (..., 7) -> (..., 3, 3)."""
    m = np.empty(rates.shape[:-1] + (3, 3))
    m[..., P, N], m[..., P, O] = rates[..., PPN], rates[..., PPO]
    m[..., P, P] = 1.0 - rates[..., PPN] - rates[..., PPO]
    m[..., N, P], m[..., N, O] = rates[..., PNP], rates[..., PNO]
    m[..., N, N] = 1.0 - rates[..., PNP] - rates[..., PNO]
    m[..., O, P], m[..., O, N] = rates[..., POP], rates[..., PON]
    m[..., O, O] = 1.0 - rates[..., POP] - rates[..., PON]
    return m


def transition(stocks: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Expected stocks after one year of moves: ``n @ M`` per cell."""
    return np.einsum("...s,...st->...t", stocks, transition_matrix(rates))


def add_new_households(moved: np.ndarray, households_before: np.ndarray, gamma: np.ndarray,
                       entry: np.ndarray | None) -> np.ndarray:
    """Household formation: ``H * gamma`` new households, split by the cell's shares after the
    moves, or by the scenario's entry shares (G, 3)."""
    new = households_before * gamma  # (..., A, G)
    if entry is None:
        total = moved.sum(axis=-1, keepdims=True)
        split = divide_where(moved, total, total > 0, moved.shape, moved.dtype)
    else:
        split = np.broadcast_to(entry, moved.shape)
    return moved + new[..., None] * split


class ExpectedStep(NamedTuple):
    """What :func:`step_expected` returns; every array has the stocks' shape (..., A, G, 3) except
    ``rates`` (..., A, G, 7)."""

    stocks: np.ndarray  # expected stocks at t + 1: after the moves and household formation
    moved: np.ndarray  # after the moves, before household formation
    new: np.ndarray  # new households per state
    rates: np.ndarray  # the rates that acted (base rates adjusted by the instruments)


def step_expected(stocks: np.ndarray, rates: np.ndarray, share: np.ndarray | None = None,
                  eligible: np.ndarray | None = None, effects: np.ndarray | None = None,
                  entry: np.ndarray | None = None) -> ExpectedStep:
    """One year of the model on expected counts: stocks at ``t`` -> expected stocks at ``t + 1``
    (docs/model.md, "One year, t -> t+1 (expected path)").

    ``stocks`` (..., A, G, 3) at the start of the year. ``rates`` (..., A or 1, G, 7) base rates
    in RATE_NAMES order (area multipliers applied, :func:`normalise_rates`d). ``share`` (..., A, K)
    coverage of each instrument acting this year (:func:`coverage_shares`), with ``eligible`` (K, 3)
    and ``effects`` (..., K, 4); None = no support (``rates`` act as given). ``entry`` (G, 3) entry
    shares of new households, or None for the cell's shares after the moves.

    Steps: the instruments adjust the rates (:func:`primed_rates`); every cell moves by the
    transition matrix (``n @ M``); ``H * gamma`` new households (``H`` = households at ``t``) join,
    split by ``entry`` or by the cell's shares after the moves. Any leading axes broadcast (batches
    of money, parameter samples); :func:`expected_path` runs this every year, the calibration uses
    it for its one-step-ahead predictions.
    """
    if share is not None:
        if eligible is None or effects is None:
            raise ValueError("step_expected: a coverage share needs eligible and effects too")
        rates = primed_rates(rates, share, eligible, effects)
    moved = transition(stocks, rates)
    after = add_new_households(moved, stocks.sum(axis=-1), rates[..., GAMMA], entry)
    return ExpectedStep(after, moved, after - moved, rates)


@dataclass
class PathResult:
    """Arrays of one run over the horizon (expected path, or one batch of draws)."""

    stocks: np.ndarray  # (..., Y, A, G, 3)
    resources: np.ndarray  # (..., T, A, K) money acting in each transition
    beneficiaries: np.ndarray  # (..., T, A, G, K)
    unused: np.ndarray  # (..., T, A, K)
    unallocated: np.ndarray  # (..., T, K)
    extra: dict[str, Any] = field(default_factory=dict)


def expected_path(model: CompiledModel, fixed_resources: np.ndarray | None = None,
                  rule_totals: np.ndarray | None = None) -> PathResult:
    """The recurrence of docs/model.md, "One year, t -> t+1 (expected path)", on expected counts, every
    parameter central.

    ``fixed_resources`` (..., T, A, K) and ``rule_totals`` (..., T, K, 2) replace the scenario's
    money; with leading batch axes, many money arrays run in one vectorised pass (the planning
    layer's searches). Every result array then carries the same leading axes.
    """
    fixed = model.fixed_resources if fixed_resources is None else np.asarray(fixed_resources, dtype=float)
    totals = model.rule_totals if rule_totals is None else np.asarray(rule_totals, dtype=float)
    batch = np.broadcast_shapes(fixed.shape[:-3], totals.shape[:-3])
    T, (A, G, S), K = model.steps, model.stocks0.shape, len(model.instrument_ids)
    stocks = np.empty(batch + (T + 1, A, G, S))
    stocks[..., 0, :, :, :] = model.stocks0
    resources = np.zeros(batch + (T, A, K))
    beneficiaries = np.zeros(batch + (T, A, G, K))
    unused = np.zeros(batch + (T, A, K))
    unallocated = np.zeros(batch + (T, K))
    for t in range(T):
        n = stocks[..., t, :, :, :]
        if model.periods is not None:  # units merged or split, stocks re-based into years[t + 1] (_periods.py)
            n = model.periods.apply_expected(t, n)
        money, unallocated[..., t, :] = allocate_area_resources(model, t, n, totals[..., t, :, :],
                                                                fixed[..., t, :, :])
        resources[..., t, :, :] = money
        share, beneficiaries[..., t, :, :, :], unused[..., t, :, :] = coverage_shares(
            n, money, model.costs, model.eligible)
        stocks[..., t + 1, :, :, :] = step_expected(n, model.rates, share, model.eligible, model.effects,
                                                    model.entry).stocks
    return PathResult(stocks, resources, beneficiaries, unused, unallocated)
