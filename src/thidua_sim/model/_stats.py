"""Statistics over Monte Carlo draws, for :meth:`Projection.table` and the streaming summary.

Two pieces shared by the full-draw table and the chunked (streaming) Monte Carlo:

* :func:`population_sums`: the per-draw stocks of many populations at once, (D, Y, A, G, 3)
  -> (D, B, Y, 3), summing each area and each group only once (instead of once per
  population);
* :func:`exact_statistics`: mean, sd (ddof 1) and the quantiles of :data:`QUANTILES` by
  NumPy's default ("linear") method, over the draw axis, computed on rows laid out
  contiguously (draws last) and sorted once, with counts sorted as integers. Rows whose draws
  are all equal (the baseline year) are not sorted at all.

The quantiles equal ``np.quantile(values, QUANTILES, axis=0)`` (same interpolation formula).
"""

from __future__ import annotations

import numpy as np

__all__ = ["QUANTILES", "measures", "population_sums", "exact_statistics", "STATISTICS"]

QUANTILES: tuple[float, ...] = (0.05, 0.10, 0.25, 0.5, 0.75, 0.90, 0.95)
"""The quantiles every Monte Carlo summary reports: the 90 % band (5-95), the 80 % band (10-90), the
quartiles and the median."""
STATISTICS: tuple[str, ...] = ("mean", "sd", *(f"q{round(q * 100):02d}" for q in QUANTILES))
"""The statistics over draws, in table order (after ``expected``)."""


def measures(stocks: np.ndarray) -> np.ndarray:
    """(..., Y, 3) stocks -> (..., M, Y): the counts, households and the two rates in percent."""
    h = stocks.sum(axis=-1)
    rates = 100.0 * np.divide(stocks[..., :2], h[..., None], out=np.zeros(stocks[..., :2].shape),
                              where=h[..., None] > 0)
    out = np.concatenate([stocks, h[..., None], rates], axis=-1)  # (..., Y, M)
    return np.swapaxes(out, -1, -2)


def population_sums(source: np.ndarray, parsed: list[tuple[int | None, int | None]],
                    cache: dict | None = None) -> np.ndarray:
    """Stocks of each population ``(area or None, group or None)``: (..., Y, A, G, 3) ->
    (..., B, Y, 3) in float64. Integer draws are summed exactly (int64) before the conversion.
    ``cache``: a dict kept between calls on the same ``source`` (each sum is made once)."""
    acc = np.int64 if source.dtype.kind in "iu" else np.float64
    cache = {} if cache is None else cache

    def area_sums() -> np.ndarray:  # (..., Y, A, 3)
        if "area" not in cache:
            cache["area"] = source.sum(axis=-2, dtype=acc)
        return cache["area"]

    def group_sums() -> np.ndarray:  # (..., Y, G, 3)
        if "group" not in cache:
            cache["group"] = source.sum(axis=-3, dtype=acc)
        return cache["group"]

    out = np.empty((*source.shape[:-4], len(parsed), source.shape[-4], source.shape[-1]))
    kinds: dict[str, tuple[list[int], list[int], list[int]]] = {k: ([], [], []) for k in ("d", "g", "a", "c")}
    for b, (area, group) in enumerate(parsed):  # positions and indices of each kind of population
        kind = "d" if area is None and group is None else "g" if area is None else "a" if group is None else "c"
        kinds[kind][0].append(b)
        kinds[kind][1].append(-1 if area is None else area)
        kinds[kind][2].append(-1 if group is None else group)
    for kind, (where, areas, groups) in kinds.items():
        if not where:
            continue
        if kind == "d":
            if "district" not in cache:
                cache["district"] = group_sums().sum(axis=-2)
            values = np.expand_dims(cache["district"], -2)  # (..., Y, 1, 3)
        elif kind == "g":
            values = group_sums()[..., groups, :]
        elif kind == "a":
            values = area_sums()[..., areas, :]
        else:
            values = source[..., areas, groups, :]  # (..., Y, k, 3)
        out[..., where, :, :] = np.swapaxes(values, -2, -3)
    return out


def _lerp_quantiles(sorted_rows: np.ndarray) -> np.ndarray:
    """Quantiles of rows sorted along the last axis (or partitioned at the order statistics the
    quantiles read), by NumPy's linear method: (Q, ...)."""
    n = sorted_rows.shape[-1]
    out = np.empty((len(QUANTILES), *sorted_rows.shape[:-1]))
    for i, q in enumerate(QUANTILES):
        h = (n - 1) * q
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        t = h - lo
        a = sorted_rows[..., lo].astype(np.float64)
        b = sorted_rows[..., hi].astype(np.float64)
        diff = b - a
        # numpy's _lerp: a + t (b - a), and b - (1 - t)(b - a) for t >= 0.5 (the same rounding)
        out[i] = b - diff * (1.0 - t) if t >= 0.5 else a + diff * t
    return out


def _sorted_quantiles(rows: np.ndarray) -> np.ndarray:
    """(R, D) rows -> (Q, R) quantiles; constant rows are not sorted."""
    out = np.empty((len(QUANTILES), rows.shape[0]))
    lo, hi = rows.min(axis=1), rows.max(axis=1)
    const = lo == hi
    out[:, const] = lo[const].astype(np.float64)
    vary = np.flatnonzero(~const)
    if vary.size:
        part = rows[vary]
        if part.dtype.kind in "iu" and part.size and int(part.max()) < 2**31 and int(part.min()) >= -2**31:
            part = part.astype(np.int32)
        counted = _counted_quantiles(part) if part.dtype.kind in "iu" else None
        if counted is None:
            part.sort(axis=1)
            counted = _lerp_quantiles(part)
        out[:, vary] = counted
    return out


COUNT_BINS = 2**24
"""Whole-number rows are counted (one bincount) instead of sorted while rows x range stays below this."""


def _counted_quantiles(rows: np.ndarray) -> np.ndarray | None:
    """Quantiles of whole-number rows (R, n) from their counts: the order statistics NumPy's
    linear method reads are found in the running count of each row's values, exactly as in the
    sorted rows. None when the values span too wide a range (then the caller sorts)."""
    R, n = rows.shape
    low = rows.min(axis=1).astype(np.int64)
    width = int((rows.max(axis=1).astype(np.int64) - low).max()) + 1
    if R * width > COUNT_BINS:
        return None
    base = np.arange(R, dtype=np.int64) * width
    keys = rows - low[:, None]
    keys += base[:, None]
    running = np.cumsum(np.bincount(keys.ravel(), minlength=R * width))

    def order_statistic(k: int) -> np.ndarray:  # the k-th smallest value (0-based) of every row
        j = np.searchsorted(running, np.arange(R, dtype=np.int64) * n + k, side="right")
        return (j - base + low).astype(np.float64)

    out = np.empty((len(QUANTILES), R))
    for i, q in enumerate(QUANTILES):
        h = (n - 1) * q
        lo = int(np.floor(h))
        t = h - lo
        a, b = order_statistic(lo), order_statistic(min(lo + 1, n - 1))
        diff = b - a
        out[i] = b - diff * (1.0 - t) if t >= 0.5 else a + diff * t
    return out


def exact_statistics(per_draw: np.ndarray) -> np.ndarray:
    """(D, B, Y, 3) per-draw stocks -> (B, 7, M, Y): mean, sd (ddof 1; 0 with one draw) and the
    quantiles over the draws of each measure."""
    D, B, Y, S = per_draw.shape
    M = S + 3
    if Y > 1 and D > 1 and np.array_equal(per_draw[:, :, 0], np.broadcast_to(per_draw[:1, :, 0], per_draw[:, :, 0].shape)):
        # the baseline year is the same in every draw: its statistics need no pass over the draws
        out = np.empty((B, len(STATISTICS), M, Y))
        out[..., 1:] = exact_statistics(per_draw[:, :, 1:])
        first = measures(per_draw[0, :, :1])[..., 0]  # (B, M)
        out[..., 0] = first[:, None, :]
        out[:, 1, :, 0] = 0.0
        return out
    rows = np.empty((B, M, Y, D))  # draws last: every reduction runs over contiguous memory
    rows[:, :S] = np.transpose(per_draw, (1, 3, 2, 0))
    np.sum(rows[:, :S], axis=1, out=rows[:, S])  # households
    h = rows[:, S]
    for j in range(2):  # poor and near-poor rates in percent
        np.divide(rows[:, j], h, out=rows[:, S + 1 + j], where=h > 0)
        rows[:, S + 1 + j][~(h > 0)] = 0.0
        rows[:, S + 1 + j] *= 100.0
    out = np.empty((B, len(STATISTICS), M, Y))
    out[:, 0] = rows.mean(axis=-1)
    out[:, 1] = rows.std(axis=-1, ddof=1) if D > 1 else 0.0
    counts = rows[:, :S + 1]
    if np.array_equal(counts, np.rint(counts)):  # whole numbers (draws always are): sort as integers
        counts = counts.astype(np.int64)
    out[:, 2:, :S + 1] = np.moveaxis(_sorted_quantiles(counts.reshape(-1, D)).reshape(-1, B, S + 1, Y), 0, 1)
    out[:, 2:, S + 1:] = np.moveaxis(_sorted_quantiles(rows[:, S + 1:].reshape(-1, D)).reshape(-1, B, 2, Y), 0, 1)
    return out
