"""Streaming Monte Carlo: the reported statistics computed chunk by chunk (model.md section 4).

:func:`run_summary` runs the same chunks as :func:`~thidua_sim.model._montecarlo.run_draws`
(same parameter sample, same chunk sizes, chunk ``i`` seeded from ``SeedSequence(seed)``'s
``i``-th child), so its draws are the very draws a full run keeps. Instead of keeping them it
reduces every chunk to what :meth:`Projection.table` and the target checks report, for every
population (district, groups, areas, groups within areas), measure and year:

* **mean and sd**: sums of ``x - e`` and ``(x - e)^2`` around the expected path ``e`` (no
  cancellation), added in task order: equal to the full-draw mean and sd to rounding;
* **quantiles** (5, 25, 50, 75, 95 %): a histogram per statistic. Its range comes from the
  first task (the *pilot*, up to :data:`PILOT_DRAWS` draws), widened by its span on
  each side; draws outside fall in an under- or overflow bin between the exact minimum
  (maximum) and the range. A quantile is read off the histogram's piecewise-linear
  distribution function; it is within one bin of the exact one (``quantile_error`` gives the
  width of the bin each quantile fell in). With no more draws than the pilot the quantiles are
  exact (``np.quantile``);
* **target success counts**: for each target given, the draws meeting it, by the caller's rule
  on the per-draw rates at the target's start and end years (exact).

Memory is the histograms (about :data:`HIST_BYTES`), the pilot's values and one task in flight
per worker: it does not grow with draws x cells. Tasks are groups of consecutive chunks whose
size depends only on the number of cells; their partial sums are merged in task order, so the
numbers are identical for 1 process, several processes or a Dask cluster
(:mod:`._executors`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._stats import QUANTILES, STATISTICS

__all__ = ["DrawSummary", "run_summary", "PILOT_DRAWS", "HIST_BYTES", "task_chunks", "full_draws_bytes"]

PILOT_DRAWS = 64
"""Draws of a task (the first, the *pilot*, sets the histograms' range) at most: fewer when the
statistics are many, so that a task's values take about TASK_BYTES."""
TASK_BYTES = 32 * 2**20
HIST_BYTES = 96 * 2**20
"""Memory for the quantile histograms (bins per statistic = this / statistics / 2 bytes, 30..1022)."""
MAX_BINS, MIN_BINS = 1022, 30
ADD_BLOCK = 4096  # statistics per block when counting a task into the histograms (~0.5 MB of them)

TargetRule = Callable[[object, np.ndarray, np.ndarray], np.ndarray]
"""``rule(target, rate_start, rate_end) -> bool array``: whether each draw meets the target."""


def full_draws_bytes(draws: int, years: int, cells: int, itemsize: int = 4) -> int:
    """Memory of the full draws (D, Y, A, G, 3) of a run."""
    return int(draws) * int(years) * int(cells) * 3 * int(itemsize)


def task_chunks(chunk: int, statistics: int) -> int:
    """Chunks per task for chunks of ``chunk`` draws and ``statistics`` reported numbers a draw:
    about PILOT_DRAWS draws, fewer for many statistics. Depends on the model's size only (never
    on workers), so the merge order is fixed."""
    draws = int(np.clip(TASK_BYTES // max(1, statistics * 8), 1, PILOT_DRAWS))
    return max(1, math.ceil(draws / max(1, chunk)))


@dataclass(frozen=True)
class DrawSummary:
    """Statistics of a streamed Monte Carlo run, for the populations ``populations``.

    ``mean``, ``sd``: (P, M, Y); ``quantiles``: (Q, P, M, Y) for :data:`QUANTILES`;
    ``quantile_error``: (Q, P, M, Y) width of the histogram bin each quantile was read in (0
    where exact); ``hits``: draws meeting each target, keyed by :func:`target_key`.
    """

    populations: tuple[str, ...]
    parsed: tuple[tuple[int | None, int | None], ...]
    draws: int
    years: tuple[int, ...]
    mean: np.ndarray
    sd: np.ndarray
    quantiles: np.ndarray
    quantile_error: np.ndarray
    hits: dict[str, int] = field(default_factory=dict)
    bins: int = 0

    def index(self, parsed: Sequence[tuple[int | None, int | None]]) -> list[int]:
        where = {p: i for i, p in enumerate(self.parsed)}
        out = []
        for p in parsed:
            if p not in where:
                from .engine import ProjectionError

                raise ProjectionError("this streamed projection has no statistics for that population; pass it in "
                                      "populations= to project(), or keep the draws (keep_draws=True)")
            out.append(where[p])
        return out

    def statistics(self, parsed: Sequence[tuple[int | None, int | None]]) -> np.ndarray:
        """(B, 7, M, Y): mean, sd and the quantiles, in the order of :data:`STATISTICS`."""
        idx = self.index(parsed)
        return np.concatenate([self.mean[idx][:, None], self.sd[idx][:, None],
                               np.moveaxis(self.quantiles[:, idx], 0, 1)], axis=1)

    def probability(self, target: object) -> float | None:
        """Share of draws meeting ``target``, or None if it was not counted."""
        n = self.hits.get(target_key(target))
        return None if n is None else n / self.draws


def target_key(target: object) -> str:
    """What a target's success depends on: population, years, threshold, strictness."""
    return (f"{target.population}|{target.start_year}|{target.end_year}|"  # type: ignore[attr-defined]
            f"{float(target.threshold_points)!r}|{bool(target.strict)}")  # type: ignore[attr-defined]


# -- one task (runs in a worker) ---------------------------------------------------------------

@dataclass(frozen=True)
class _TaskSpec:
    plan: np.ndarray  # (P,) index of each population in [district, groups, areas, cells]
    shift: np.ndarray  # (N,) expected-path measures, laid out (Y - 1, P, M)
    dtype: type
    target_cols: np.ndarray  # (T, 2) columns of the start and end poor rates; -1: the baseline year
    target_base: np.ndarray  # (T, 2) the rates where the column is -1 (the same in every draw)


def _plan(parsed: Sequence[tuple[int | None, int | None]], A: int, G: int) -> np.ndarray:
    """Where each population is in the stack [district, groups, areas, cells (a * G + g)]."""
    out = np.empty(len(parsed), np.int64)
    for i, (a, g) in enumerate(parsed):
        out[i] = 0 if a is None and g is None else 1 + g if a is None else 1 + G + a if g is None \
            else 1 + G + A + a * G + g
    return out


def chunk_values(stocks: np.ndarray, plan: np.ndarray) -> np.ndarray:
    """(C, Y, A, G, 3) stocks -> (C, Y, P, M) measures of the planned populations, in one gather:
    counts, households, poor and near-poor rates in percent (as :func:`~._stats.measures`)."""
    C, Y, A, G, S = stocks.shape
    acc = np.int64 if stocks.dtype.kind in "iu" else np.float64
    by_area = stocks.sum(axis=3, dtype=acc)  # (C, Y, A, 3)
    by_group = stocks.sum(axis=2, dtype=acc)  # (C, Y, G, 3)
    stack = np.concatenate([by_group.sum(axis=2, keepdims=True), by_group, by_area,
                            stocks.reshape(C, Y, A * G, S).astype(acc, copy=False)], axis=2)
    out = np.empty((C, Y, len(plan), S + 3))
    out[..., :S] = np.take(stack, plan, axis=2)
    np.sum(out[..., :S], axis=-1, out=out[..., S])
    h = out[..., S]
    for j in range(2):
        np.divide(out[..., j], h, out=out[..., S + 1 + j], where=h > 0)
        out[..., S + 1 + j][~(h > 0)] = 0.0
        out[..., S + 1 + j] *= 100.0
    return out


@dataclass
class _TaskResult:
    draws: int
    s1: np.ndarray
    s2: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    rates: np.ndarray  # (C, T, 2) per-draw target rates
    values: np.ndarray | None = None  # (C, N) float64: the pilot only
    bins: np.ndarray | None = None  # (C, N) bin indices (0 under, 1..B, B+1 over)


def _task(model, samples, seqs, spec: _TaskSpec, ranges: tuple[np.ndarray, np.ndarray, int] | None) -> _TaskResult:
    """Simulate the chunks of one task and reduce them (see the module text)."""
    from ._montecarlo import simulate_chunk

    if model is None:  # a local worker process: the model came once, with the pool
        from ._montecarlo import _WORKER

        model = _WORKER["model"]
    s1 = np.zeros(spec.shift.shape)
    s2 = np.zeros(spec.shift.shape)
    lo = np.full(spec.shift.shape, np.inf)
    hi = np.full(spec.shift.shape, -np.inf)
    values, bins, rates, count = [], [], [], 0
    for sample, seq in zip(samples, seqs):
        stocks = simulate_chunk(model, sample, seq, spec.dtype)  # (C, Y, A, G, 3)
        # the baseline year is the same in every draw: left out (the driver knows it)
        m = chunk_values(stocks[:, 1:], spec.plan).reshape(stocks.shape[0], -1)  # (C, N)
        del stocks
        d = m - spec.shift
        s1 += d.sum(axis=0)
        d *= d
        s2 += d.sum(axis=0)
        del d
        np.minimum(lo, m.min(axis=0), out=lo)
        np.maximum(hi, m.max(axis=0), out=hi)
        if spec.target_cols.size:
            rates.append(np.where(spec.target_cols >= 0, m[:, np.maximum(spec.target_cols, 0)], spec.target_base))
        else:
            rates.append(np.zeros((m.shape[0], 0, 2)))
        if ranges is None:
            values.append(m)
        else:
            bins.append(_bin(m, *ranges))
        count += m.shape[0]
    return _TaskResult(count, s1, s2, lo, hi, np.concatenate(rates),
                       np.concatenate(values) if values else None, np.concatenate(bins) if bins else None)


def _bin(m: np.ndarray, start: np.ndarray, width: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index of each value: 0 below ``start``, 1..n_bins inside, n_bins + 1 above."""
    idx = np.floor((m - start) / width)
    np.clip(idx + 1.0, 0.0, n_bins + 1, out=idx)
    return idx.astype(np.uint8 if n_bins + 2 <= 2**8 else np.uint16)


# -- the driver --------------------------------------------------------------------------------

def _ranges(values: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Histogram range per statistic from the pilot's values: its span widened by itself on each side
    (at least +-0.5 around a constant)."""
    lo, hi = values.min(axis=0), values.max(axis=0)
    pad = np.maximum(hi - lo, 0.5)
    start = lo - pad
    width = (hi + pad - start) / n_bins
    return start, width, n_bins


def _hist_quantiles(hist: np.ndarray, start: np.ndarray, width: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    draws: int, block: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles (Q, N) and the width of the bin each was read in, from counts (N, B + 2)."""
    N, nb = hist.shape
    B = nb - 2
    out = np.empty((len(QUANTILES), N))
    err = np.empty((len(QUANTILES), N))
    for s in range(0, N, block):
        h = hist[s:s + block].astype(np.int64)
        cum = np.cumsum(h, axis=1)
        rows = np.arange(h.shape[0])
        st, w, mn, mx = start[s:s + block], width[s:s + block], lo[s:s + block], hi[s:s + block]
        top = st + w * B
        for i, q in enumerate(QUANTILES):
            rank = (draws - 1) * q + 0.5  # the order statistic at NumPy's position, as a continuous rank
            j = np.minimum((cum <= rank).sum(axis=1), nb - 1)
            before = np.where(j > 0, cum[rows, np.maximum(j - 1, 0)], 0)
            inside = np.maximum(h[rows, j], 1)
            frac = np.clip((rank - before) / inside, 0.0, 1.0)
            left = np.where(j == 0, mn, np.where(j == nb - 1, top, st + w * (j - 1)))
            right = np.where(j == 0, np.minimum(st, mx), np.where(j == nb - 1, mx, st + w * j))
            left = np.maximum(left, mn)
            right = np.maximum(np.minimum(right, mx), left)
            out[i, s:s + block] = left + frac * (right - left)
            err[i, s:s + block] = right - left
    return out, err


def run_summary(model, params, draws: int, seed: int, parsed: Sequence[tuple[int | None, int | None]],
                populations: Sequence[str], shift: np.ndarray, *, workers: int = 1, scheduler: str | None = None,
                targets: Sequence[object] = (), target_rule: TargetRule | None = None,
                progress: bool | None = None, posterior: object = None) -> DrawSummary:
    """Monte Carlo statistics of ``populations`` (parsed as ``parsed``) without keeping the draws.

    ``shift``: (P, M, Y) expected-path measures (the centre of the running sums). ``targets``
    with ``target_rule``: count the draws meeting each. ``scheduler``: a Dask scheduler address
    (``tcp://host:port``) to run the tasks on; None runs locally in ``workers`` processes.
    Identical numbers for any ``workers`` or scheduler.
    """
    from ._executors import map_ordered
    from ._montecarlo import plan_chunks

    if targets and target_rule is None:
        from .engine import ProjectionError

        raise ProjectionError("targets given without a target_rule")
    run = plan_chunks(model, params, draws, seed, posterior)
    A, G, S = model.stocks0.shape
    sample, dtype, size, chunks, seqs = run.sample, run.dtype, run.size, run.chunks, run.seqs
    P, M, Y = shift.shape
    N = (Y - 1) * P * M  # the years after the baseline, populations, measures
    per_task = task_chunks(size, N)
    groups = [chunks[i:i + per_task] for i in range(0, len(chunks), per_task)]
    plan = _plan(parsed, A, G)
    base = chunk_values(np.rint(model.stocks0)[None, None], plan)[0, 0]  # (P, M): the baseline year
    flat_index = np.arange(N).reshape(Y - 1, P, M)
    years = model.years
    pop_pos = {p: i for i, p in enumerate(populations)}
    poor_rate = M - 2

    from .engine import ProjectionError

    for t in targets:
        if t.population not in pop_pos:
            raise ProjectionError(f"target {t.id!r}: its population {t.population!r} is not among the streamed "
                                  "populations; add it to populations= or leave populations unset (all)")
        for year in (t.start_year, t.end_year):
            if year not in years:
                raise ProjectionError(f"target {t.id!r}: year {year} is outside the projection "
                                      f"{years[0]}-{years[-1]}; project with until >= {t.end_year} or leave the "
                                      "target out of targets=")

    def column(pop: str, year: int) -> int:
        y = years.index(year)
        return -1 if y == 0 else int(flat_index[y - 1, pop_pos[pop], poor_rate])

    target_cols = np.array([[column(t.population, t.start_year), column(t.population, t.end_year)]
                            for t in targets], dtype=np.int64).reshape(-1, 2)
    target_base = np.array([[base[pop_pos[t.population], poor_rate]] * 2 for t in targets]).reshape(-1, 2)
    shift_flat = np.ascontiguousarray(np.moveaxis(shift, -1, 0)[1:], dtype=np.float64).reshape(-1)  # (Y-1, P, M)
    spec = _TaskSpec(plan, shift_flat, dtype, target_cols, target_base)
    n_bins = int(np.clip(HIST_BYTES // max(1, N * 2) - 2, MIN_BINS, MAX_BINS))

    def args_of(group):
        return ([sample.chunk(start, stop) for _, start, stop in group], [seqs[i] for i, _, _ in group])

    cell_years = draws * model.steps * A * G
    show = progress if progress is not None else cell_years > 2**26  # a few seconds or more
    bar = None
    if show:
        from tqdm import tqdm
        import sys

        bar = tqdm(total=draws, desc="Monte Carlo", unit="draw", file=sys.stderr, dynamic_ncols=True)
    try:
        # the pilot: the first task alone, its values kept to set the histograms' range
        pilot = next(map_ordered(_task, [(*args_of(groups[0]), spec, None)], workers=1, scheduler=scheduler,
                                 model=model, local_pool=False))
        if bar:
            bar.update(pilot.draws)
        s1, s2, lo, hi = pilot.s1.copy(), pilot.s2.copy(), pilot.lo.copy(), pilot.hi.copy()
        hits = np.zeros(len(targets), np.int64)

        def count_hits(rates: np.ndarray) -> None:
            for k, target in enumerate(targets):
                hits[k] += int(np.count_nonzero(target_rule(target, rates[:, k, 0], rates[:, k, 1])))

        count_hits(pilot.rates)
        exact = len(groups) == 1
        if exact:
            q = np.quantile(pilot.values, QUANTILES, axis=0)
            q_err = np.zeros_like(q)
        else:
            ranges = _ranges(pilot.values, n_bins)
            hist = np.zeros((N, n_bins + 2), np.uint16 if draws < 2**16 else np.uint32)
            flat = hist.reshape(-1)
            offsets = np.arange(N, dtype=np.int64) * (n_bins + 2)

            def add(bins: np.ndarray) -> None:
                # block by block of statistics, every draw of the task: the block of the histogram
                # stays in cache (one pass over the whole histogram per draw is memory-bound)
                for s in range(0, N, ADD_BLOCK):
                    e = min(N, s + ADD_BLOCK)
                    block = flat[s * (n_bins + 2):e * (n_bins + 2)]
                    local = offsets[:e - s]
                    where = np.empty(e - s, np.int64)
                    for row in bins[:, s:e]:
                        np.add(local, row, out=where)  # one value per statistic a draw: no repeated index
                        counts = block.take(where)
                        counts += 1
                        block.put(where, counts)

            add(_bin(pilot.values, *ranges))
            pilot = None  # the pilot's values are binned: free them
            rest = [(*args_of(g), spec, ranges) for g in groups[1:]]
            for result in map_ordered(_task, rest, workers=workers, scheduler=scheduler, model=model):
                s1 += result.s1
                s2 += result.s2
                np.minimum(lo, result.lo, out=lo)
                np.maximum(hi, result.hi, out=hi)
                count_hits(result.rates)
                add(result.bins)
                if bar:
                    bar.update(result.draws)
            q, q_err = _hist_quantiles(hist, ranges[0], ranges[1], lo, hi, draws)
            del hist, flat
    finally:
        if bar:
            bar.close()
    mean = spec.shift + s1 / draws
    var = np.maximum(s2 - s1 * s1 / draws, 0.0) / (draws - 1) if draws > 1 else np.zeros(N)
    q = np.clip(q, lo, hi)
    Q = len(QUANTILES)

    def with_baseline(values: np.ndarray, first: np.ndarray) -> np.ndarray:
        """(..., N) in the task layout -> (..., P, M, Y) with the baseline year ``first`` (P, M)."""
        lead = values.shape[:-1]
        rest = np.moveaxis(values.reshape(*lead, Y - 1, P, M), -3, -1)  # (..., P, M, Y - 1)
        return np.concatenate([np.broadcast_to(first[..., None], (*lead, P, M, 1)), rest], axis=-1)

    zeros = np.zeros((P, M))
    return DrawSummary(tuple(populations), tuple(parsed), int(draws), tuple(years), with_baseline(mean, base),
                       with_baseline(np.sqrt(var), zeros), with_baseline(q, base),
                       with_baseline(q_err, zeros),
                       {target_key(t): int(h) for t, h in zip(targets, hits)}, 0 if exact else n_bins)


def _full_task(model, sample, seq, dtype) -> np.ndarray:
    from ._montecarlo import simulate_chunk

    if model is None:
        from ._montecarlo import _WORKER

        model = _WORKER["model"]
    return simulate_chunk(model, sample, seq, dtype)


def run_full(model, params, draws: int, seed: int, *, scheduler: str, progress: bool | None = None,
             posterior: object = None) -> np.ndarray:
    """Every draw (D, Y, A, G, 3), chunk by chunk on a Dask cluster: the same numbers as
    :func:`~thidua_sim.model._montecarlo.run_draws` (the same chunks and seeds)."""
    from ._executors import map_ordered
    from ._montecarlo import plan_chunks

    run = plan_chunks(model, params, draws, seed, posterior)
    A, G, S = model.stocks0.shape
    chunks, tasks = run.chunks, run.tasks()
    out = np.empty((draws, model.steps + 1, A, G, S), dtype=run.dtype)
    for (i, start, stop), result in zip(chunks, map_ordered(_full_task, tasks, scheduler=scheduler, model=model)):
        out[start:stop] = result
    return out
