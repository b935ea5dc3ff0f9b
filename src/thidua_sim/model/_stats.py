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
    """Quantiles of rows sorted along the last axis, by NumPy's linear method: (Q, ...)."""
    return _lerp(lambda k: sorted_rows[..., k], sorted_rows.shape[-1], sorted_rows.shape[:-1])


def _order_positions(n: int) -> list[int]:
    """The order statistics (0-based, ascending) NumPy's linear method reads for QUANTILES of n values."""
    lows = [int(np.floor((n - 1) * q)) for q in QUANTILES]
    return sorted({k for lo in lows for k in (lo, min(lo + 1, n - 1))})


def _lerp(order_statistic, n: int, shape: tuple[int, ...]) -> np.ndarray:
    """QUANTILES by NumPy's linear method from ``order_statistic(k)``, the k-th smallest (0-based)
    of each of the ``shape`` rows of ``n`` values: (Q, *shape)."""
    out = np.empty((len(QUANTILES), *shape))
    for i, q in enumerate(QUANTILES):
        h = (n - 1) * q
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        t = h - lo
        a = order_statistic(lo).astype(np.float64)
        b = order_statistic(hi).astype(np.float64)
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
    sorted rows. Each row counts over its own range (rows laid end to end). None when the ranges
    add up to too many bins (then the caller sorts)."""
    R, n = rows.shape
    low = rows.min(axis=1).astype(np.int64)
    widths = rows.max(axis=1).astype(np.int64) - low + 1
    if int(widths.sum()) > COUNT_BINS:
        return None
    base = np.zeros(R, np.int64)
    np.cumsum(widths[:-1], out=base[1:])
    keys = rows - (low - base).astype(rows.dtype)[:, None]
    running = np.cumsum(np.bincount(keys.ravel(), minlength=int(widths.sum())))

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


def _partitioned_quantiles(rows: np.ndarray) -> np.ndarray:
    """(R, D) rows of finite floats -> (Q, R) quantiles by NumPy's linear method, from the order
    statistics the quantiles read, selected in one compiled pass per row
    (:func:`._kernel.order_statistics`: the values ``np.partition`` puts there, about ten times faster)."""
    from . import _kernel  # Numba: loaded by the first run that draws, before any table

    R, n = rows.shape
    kth = _order_positions(n)
    found = np.empty((R, len(kth)), rows.dtype)
    _kernel.order_statistics(np.ascontiguousarray(rows), np.array(kth, np.int64), found)
    column = {k: j for j, k in enumerate(kth)}
    return _lerp(lambda k: found[:, column[k]], n, (R,))


def _whole_rows(draws: np.ndarray, parsed: list[tuple[int | None, int | None]], cache: dict,
                first: int) -> np.ndarray:
    """(D, Y, A, G, 3) whole-number draws -> (B, 3, Y - first, D) stocks of each population, draws
    last (every row contiguous), in int32 while the district's total fits (else int64). The draws
    are transposed once (``cache``), so that every sum runs over contiguous rows."""
    if "rows_T" not in cache:
        D, Y, A, G, S = draws.shape
        acc = np.int32 if draws.dtype.itemsize <= 4 and float(draws[:, first:].sum(axis=(2, 3, 4)).max(initial=0)) \
            < 2**31 - 1 else np.int64
        T = np.empty((A, G, S, Y - first, D), acc)  # draws last
        T[...] = np.transpose(draws[:, first:], (2, 3, 4, 1, 0))
        cache["rows_T"] = T
        cache["group_rows"] = T.sum(axis=0, dtype=acc)  # (G, 3, Y', D)
    T, by_group = cache["rows_T"], cache["group_rows"]
    A, G, S, Yr, D = T.shape
    out = np.empty((len(parsed), S, Yr, D), T.dtype)
    for b, (area, group) in enumerate(parsed):
        if area is None:
            if group is None:
                np.sum(by_group, axis=0, out=out[b])
            else:
                out[b] = by_group[group]
        elif group is None:
            np.add(T[area, 0], T[area, 1], out=out[b]) if G > 1 else np.copyto(out[b], T[area, 0])
            for g in range(2, G):
                out[b] += T[area, g]
        else:
            out[b] = T[area, group]
    return out


def draw_statistics(draws: np.ndarray, parsed: list[tuple[int | None, int | None]],
                    cache: dict | None = None) -> np.ndarray:
    """(D, Y, A, G, 3) whole-number draws -> (B, 7, M, Y), the same statistics as
    ``exact_statistics(population_sums(draws, parsed))``, computed on integer rows laid out draws
    last: counts and households summed exactly (int64), their mean and sd from exact integer
    sums of x and x^2 (while ``D^2 max(x)^2`` stays below 2^62; else NumPy's two-pass sd), their
    quantiles counted (:func:`_sorted_quantiles`); the rates' quantiles from the order statistics
    they read (:func:`_partitioned_quantiles`). The baseline year (the same in every draw) needs no
    pass over the draws."""
    cache = {} if cache is None else cache
    D, Y, A, G, S = draws.shape
    M = S + 3
    B = len(parsed)
    out = np.empty((B, len(STATISTICS), M, Y))
    first = 0
    if Y > 1 and D > 1:
        if "baseline_constant" not in cache:
            cache["baseline_constant"] = bool(np.array_equal(draws[:, 0], np.broadcast_to(draws[:1, 0], draws[:, 0].shape)))
        if cache["baseline_constant"]:
            base = measures(population_sums(draws[:1, :1], parsed))[0]  # (B, M, 1)
            out[..., 0] = base[:, None, :, 0]
            out[:, 1, :, 0] = 0.0
            first = 1
    counts = _whole_rows(draws, parsed, cache, first)  # (B, 3, Y', D)
    Yr = Y - first
    rows = np.empty((B, S + 1, Yr, D), counts.dtype)
    rows[:, :S] = counts
    np.sum(counts, axis=1, out=rows[:, S])
    flat = rows.reshape(-1, D)
    s1 = flat.sum(axis=1, dtype=np.int64)
    mean = s1 / D
    big = int(flat.max(initial=0))  # counts are >= 0
    if D > 1 and big and float(big) ** 2 * float(D) ** 2 < 2.0**62:
        s2 = np.einsum("rd,rd->r", flat, flat, dtype=np.int64)
        var = (D * s2 - s1 * s1) / (D * (D - 1.0))
        sd = np.sqrt(np.maximum(var, 0.0))
    elif D > 1:
        sd = flat.std(axis=1, ddof=1)
    else:
        sd = np.zeros(len(flat))
    sl = slice(first, None)
    out[:, 0, :S + 1, sl] = mean.reshape(B, S + 1, Yr)
    out[:, 1, :S + 1, sl] = sd.reshape(B, S + 1, Yr)
    out[:, 2:, :S + 1, sl] = np.moveaxis(_sorted_quantiles(flat).reshape(-1, B, S + 1, Yr), 0, 1)
    h = np.maximum(rows[:, S], 1)  # whole numbers: P / max(H, 1) is P / H, and 0 where H = 0 (then P = 0)
    rates = np.empty((B, 2, Yr, D))
    for j in range(2):  # poor and near-poor rates in percent, as measures()
        np.divide(rows[:, j], h, out=rates[:, j])
    rates *= 100.0
    rflat = rates.reshape(-1, D)
    out[:, 0, S + 1:, sl] = rflat.mean(axis=1).reshape(B, 2, Yr)
    out[:, 1, S + 1:, sl] = (rflat.std(axis=1, ddof=1) if D > 1 else 0.0).reshape(B, 2, Yr) if D > 1 else 0.0
    out[:, 2:, S + 1:, sl] = np.moveaxis(_partitioned_quantiles(rflat).reshape(-1, B, 2, Yr), 0, 1)
    return out
