"""Coverage of instruments: who is eligible, how many a sum of money reaches, what is left.

The one implementation of the rule of docs/model.md, "One year, t -> t+1" (step 2), used by the
expected path, the Monte Carlo (per draw), the report's resource tables and the planner:

- the households of a cell eligible for instrument ``k`` are its households in every state the
  instrument serves (``eligible[k, s] = 1``), whichever states those are: an instrument built in
  code may serve "other" households (the params loader allows only poor and near-poor ones);
  they then take up places and money, though no effect acts on the "other" row;
- in each area, ``b_k = min(R_k / c_k, E_k)`` households are reached, the share
  ``s_k = b_k / E_k`` (0 where nobody is eligible) is the same for every eligible household of
  the area (dtts and others alike), and ``R_k - b_k c_k`` is unused.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["eligible_households", "coverage_shares", "divide_where"]


def divide_where(num: np.ndarray, den: np.ndarray, where: np.ndarray, shape: tuple[int, ...],
                 dtype: np.dtype | type) -> np.ndarray:
    """``num / den`` where ``where`` holds and 0 elsewhere, as a new array of ``shape`` and ``dtype``:
    the same numbers as ``np.divide(num, den, out=np.zeros(shape, dtype), where=where)``. Where the
    mask holds everywhere (nearly always: a cell with no households or no eligible household is
    rare) the division runs unmasked, several times faster than NumPy's masked loop."""
    if where.all():
        return np.divide(num, den, out=np.empty(shape, dtype))
    return np.divide(num, den, out=np.zeros(shape, dtype), where=where)


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
