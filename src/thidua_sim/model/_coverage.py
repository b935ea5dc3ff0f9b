"""Coverage of instruments: who is eligible, how many a sum of money reaches, what is left.

The rule of docs/model.md, "One year, t -> t+1" (step 2), as the expected path, the report's
resource tables and the planner ask for it; these functions lay the arrays out for its one
implementation, compiled in :mod:`._support` (which the Monte Carlo runs per draw):

- the households of a cell eligible for instrument ``k`` are its households in every state the
  instrument serves (``eligible[k, s] = 1``), whichever states those are: an instrument built in
  code may serve "other" households (the params loader allows only poor and near-poor ones);
  they then take up places and money, though no effect acts on the "other" row;
- in each area, ``b_k = min(R_k / c_k, E_k)`` households are reached, the share
  ``s_k = b_k / E_k`` (0 where nobody is eligible) is the same for every eligible household of
  the area (dtts and others alike), and ``R_k - b_k c_k`` is unused.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["eligible_households", "coverage_shares", "divide_where", "batch_rows"]


def divide_where(num: np.ndarray, den: np.ndarray, where: np.ndarray, shape: tuple[int, ...],
                 dtype: np.dtype | type) -> np.ndarray:
    """``num / den`` where ``where`` holds and 0 elsewhere, as a new array of ``shape`` and ``dtype``:
    the same numbers as ``np.divide(num, den, out=np.zeros(shape, dtype), where=where)``. Where the
    mask holds everywhere (nearly always: a cell with no households or no eligible household is
    rare) the division runs unmasked, several times faster than NumPy's masked loop."""
    if where.all():
        return np.divide(num, den, out=np.empty(shape, dtype))
    return np.divide(num, den, out=np.zeros(shape, dtype), where=where)


def batch_rows(x: np.ndarray, batch: tuple[int, ...], tail: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``x`` broadcast to ``batch + tail`` with the batch axes as one, (B, *tail), in ``dtype``: the
    layout of :mod:`._support` (a view where it can be: a broadcast axis keeps its stride 0)."""
    y = np.broadcast_to(np.asarray(x, dtype=dtype), batch + tail)
    return y.reshape((math.prod(batch),) + tail)


def _states(stocks: np.ndarray, batch: tuple[int, ...], dtype: np.dtype) -> list[np.ndarray]:
    A, G = stocks.shape[-3], stocks.shape[-2]
    return [batch_rows(stocks[..., s], batch, (A, G), dtype) for s in range(stocks.shape[-1])]


def eligible_households(stocks: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Households of each cell eligible for each instrument: ``stocks`` (..., A, G, 3) and
    ``eligible`` (K, 3) of 0/1 -> (..., A, G, K).

    ``stocks`` may be any view (e.g. state-first arrays with the state axis moved to the end)."""
    from . import _support

    dtype = np.result_type(stocks.dtype, eligible.dtype)
    batch, (A, G) = stocks.shape[:-3], stocks.shape[-3:-1]
    out = np.empty((math.prod(batch), A, G, eligible.shape[0]), dtype)
    _support.eligible_households(*_states(stocks, batch, dtype), eligible, dtype.type(0), out)
    return out.reshape(batch + out.shape[1:])


def coverage_shares(stocks: np.ndarray, resources: np.ndarray, costs: np.ndarray, eligible: np.ndarray,
                    *, details: bool = True) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Coverage of each instrument in each area (see the module docstring).

    ``stocks`` (..., A, G, 3) at the start of the year; ``resources`` (..., A, K) money acting
    that year; ``costs`` (K,) or broadcasting to (..., 1, K) cost per household; ``eligible``
    (K, 3) 0/1. Returns ``(share (..., A, K), beneficiaries (..., A, G, K), unused money
    (..., A, K))``; with ``details=False`` only the share, and None twice.
    """
    from . import _support

    costs = np.asarray(costs)
    dtype = np.result_type(stocks.dtype, eligible.dtype, resources.dtype, costs.dtype)
    A, K = stocks.shape[-3], resources.shape[-1]
    batch = np.broadcast_shapes(stocks.shape[:-3], resources.shape[:-2], costs.shape[:-2])
    share = np.empty((math.prod(batch), A, K), dtype)
    covered = np.empty_like(share)
    _support.coverage(*_states(stocks, batch, dtype), batch_rows(resources, batch, (A, K), dtype),
                      batch_rows(costs, batch, (A, K), dtype), eligible, dtype.type(0), share, covered)
    share = share.reshape(batch + (A, K))
    if not details:
        return share, None, None
    beneficiaries = share[..., None, :] * eligible_households(stocks, eligible)
    unused = resources - covered.reshape(batch + (A, K)) * costs
    return share, beneficiaries, unused
