"""The support rule written in NumPy, whole arrays at a time: the reference the compiled rule
(src/thidua_sim/model/_support.py) is checked against, bit for bit (tests/test_support.py).

This is the rule thidua_sim ran before it was compiled (commit 3a620e0: model/engine.py's
allocation, keep factors and adjusted rates, model/_coverage.py's coverage), kept here unchanged
as a second implementation of docs/model.md, "One year, t -> t+1", steps 1-3. Not imported by the
package.
"""

from __future__ import annotations

import functools

import numpy as np

from thidua_sim.model._coverage import divide_where
from thidua_sim.model.engine import DNP, N, P, PNO, PNP, PPN, PPO, UNO, UPN, UPO  # noqa: F401


def _cell_totals(stocks: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eligible households per cell for each distinct eligibility row: ``(totals (P, ..., A, G),
    index (K,))`` with instrument ``k`` served by pattern ``index[k]``. Instruments serving the same
    states share one sum (over the states of a cell, in state order), far cheaper than a product
    over every instrument; the pattern axis comes first so that every sum runs over contiguous
    memory."""
    flags = np.asarray(eligible) != 0
    patterns, index = _patterns(flags.tobytes(), flags.shape)
    dtype = np.result_type(stocks.dtype, eligible.dtype)
    totals = np.zeros((len(patterns),) + stocks.shape[:-1], dtype=dtype)
    for j, states in enumerate(patterns):
        for s in states:
            totals[j] += stocks[..., s]
    return totals, index


@functools.lru_cache(maxsize=256)
def _patterns(flags: bytes, shape: tuple[int, int]) -> tuple[tuple[tuple[int, ...], ...], np.ndarray]:
    """The distinct eligibility rows (as state indices, in first-seen order) and each instrument's
    row; cached, as a run asks the same question every year."""
    rows = np.frombuffer(flags, dtype=bool).reshape(shape)
    patterns: dict[tuple[int, ...], int] = {}
    index = [patterns.setdefault(tuple(int(s) for s in np.flatnonzero(row)), len(patterns)) for row in rows]
    out = np.array(index, dtype=np.intp)
    out.flags.writeable = False
    return tuple(patterns), out


def _per_instrument(by_pattern: np.ndarray, index: np.ndarray) -> np.ndarray:
    """(patterns, ...) -> (..., K), contiguous, instrument ``k`` taking pattern ``index[k]``."""
    if not len(index):  # no instruments
        return np.zeros(by_pattern.shape[1:] + (0,), dtype=by_pattern.dtype)
    return np.stack([by_pattern[j] for j in index], axis=-1)


def eligible_households(stocks: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Households of each cell eligible for each instrument: ``stocks`` (..., A, G, 3) and
    ``eligible`` (K, 3) of 0/1 -> (..., A, G, K).

    ``stocks`` may be any view (the Monte Carlo passes its state-first arrays moved to the end)."""
    totals, index = _cell_totals(stocks, eligible)
    return _per_instrument(totals, index)


def coverage_shares(stocks: np.ndarray, resources: np.ndarray, costs: np.ndarray, eligible: np.ndarray,
                    *, details: bool = True) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Coverage of each instrument in each area (see the module docstring).

    ``stocks`` (..., A, G, 3) at the start of the year; ``resources`` (..., A, K) money acting
    that year; ``costs`` (K,) or broadcasting to (..., 1, K) cost per household; ``eligible``
    (K, 3) 0/1. Returns ``(share (..., A, K), beneficiaries (..., A, G, K), unused money
    (..., A, K))``; with ``details=False`` (the Monte Carlo) only the share, and None twice.
    """
    totals, index = _cell_totals(stocks, eligible)  # (patterns, ..., A, G)
    area = totals[..., 0].copy()  # (patterns, ..., A): cells first, then the groups of an area
    for g in range(1, totals.shape[-1]):  # a loop over the 2 groups beats a reduction over a short axis
        area += totals[..., g]
    eligible_area = _per_instrument(area, index)  # (..., A, K)
    wanted = resources / costs
    covered = np.minimum(wanted, eligible_area, out=wanted)
    share = divide_where(covered, eligible_area, eligible_area > 0, covered.shape, covered.dtype)
    if not details:
        return share, None, None
    beneficiaries = share[..., None, :] * _per_instrument(totals, index)
    unused = resources - covered * costs
    return share, beneficiaries, unused


def allocate_area_resources(model: CompiledModel, t: int, stocks: np.ndarray,
                            rule_totals: np.ndarray | None = None,
                            fixed_resources: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Money per area and instrument acting in transition ``t``.

    ``stocks``: (..., A, G, 3) at the start of the transition. Returns ``(resources (..., A, K),
    unallocated (..., K))``: district totals spread by poor households (or poor dtts households);
    a total with nowhere to go (no poor households at all) is unallocated and reported.
    """
    fixed = model.fixed_resources[t] if fixed_resources is None else fixed_resources
    totals = model.rule_totals[t] if rule_totals is None else rule_totals  # (..., K, 2)
    poor_dtts = stocks[..., 0, P]  # (..., A)
    poor_all = poor_dtts.copy()
    for g in range(1, stocks.shape[-2]):  # a loop over the 2 groups beats a reduction over a short axis
        poor_all += stocks[..., g, P]
    dtype = np.result_type(stocks.dtype, np.float32)  # float32 in the Monte Carlo, float64 on the expected path
    resources = np.broadcast_to(fixed, stocks.shape[:-2] + fixed.shape[-1:]).astype(dtype, copy=True)
    unallocated = np.zeros(stocks.shape[:-3] + (totals.shape[-2],), dtype=dtype)
    for rule, weights in ((0, poor_all), (1, poor_dtts)):
        amount = totals[..., rule].astype(dtype)  # (..., K)
        if not np.any(amount):
            continue
        wsum = weights.sum(axis=-1, keepdims=True)  # (..., 1)
        share = divide_where(weights, wsum, wsum > 0, weights.shape, dtype)  # (..., A)
        # share * amount, one instrument at a time and only those with money under this rule (adding
        # zero changes nothing): several times faster than one product broadcast over the few instruments
        # (or a matmul of inner size 1), with the same numbers
        spent = np.any(amount != 0, axis=tuple(range(amount.ndim - 1)))
        for k in np.flatnonzero(spent):
            resources[..., k] += share * amount[..., k, None]
        unallocated += np.where(wsum > 0, 0.0, amount).astype(dtype)
    return resources, unallocated


def keep_factors(share: np.ndarray, eligible: np.ndarray, effects: np.ndarray) -> tuple[np.ndarray, ...]:
    """``prod_k (1 - s_k e_k)`` for each effect e in EFFECT_NAMES order (uPO, uPN, uNO, dNP).

    ``share`` (..., A, K); ``eligible`` (K, 3); ``effects`` (..., K, 4). The poor-row effects count
    only instruments poor households are eligible for, the near-poor-row effects only those
    near-poor households are eligible for. Returns four arrays (..., A, 1) (to broadcast over G).
    """
    keeps = []
    # (K, 4): which effects act at all (in any draw), asked once instead of once per instrument and effect
    acts = np.any(effects != 0, axis=tuple(range(effects.ndim - 2)))
    # shares laid out (K, A, ...): each instrument's shares contiguous, and a draw's effect (...,)
    # broadcasting along the last axis (a long inner loop); the same products in the same order
    by_instrument = np.ascontiguousarray(np.moveaxis(share, (-1, -2), (0, 1)))
    for state, e in ((P, UPO), (P, UPN), (N, UNO), (N, DNP)):
        keep = np.ones(by_instrument.shape[1:], dtype=share.dtype)  # (A, ...)
        for k in range(share.shape[-1]):  # a loop over instruments beats a reduction over a short axis
            if not eligible[k, state] or not acts[k, e]:
                continue
            u = effects[..., k, e]  # (...,): one value per draw, or a scalar
            factor = by_instrument[k] * (-np.asarray(u, dtype=share.dtype))
            factor += 1.0
            keep *= factor
        keeps.append(np.moveaxis(keep, 0, -1)[..., None])  # (..., A, 1)
    return tuple(keeps)


def adjust_rates(pPN: np.ndarray, pPO: np.ndarray, pNP: np.ndarray, pNO: np.ndarray,
                 keeps: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four rates instruments change, from base rates and :func:`keep_factors` (docs/model.md,
    "One year, t -> t+1", step 3). Returns ``(pPN', pPO', pNP', pNO')``; ``pNP'`` is capped at
    ``1 - pNO'``."""
    keep_PO, keep_PN, keep_NO, keep_NP = keeps
    new_pPO = 1.0 - (1.0 - pPO) * keep_PO
    stay_ratio = divide_where(pPN, 1.0 - pPO, pPO < 1.0, pPN.shape, pPN.dtype)
    new_pPN = (1.0 - new_pPO) * (1.0 - (1.0 - stay_ratio) * keep_PN)
    new_pNO = 1.0 - (1.0 - pNO) * keep_NO
    new_pNP = np.minimum(pNP * keep_NP, 1.0 - new_pNO)
    return new_pPN, new_pPO, new_pNP, new_pNO
