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

A task keeps its chunks' stocks year by year, from the sampler's own state-first arrays
(``simulate_chunk(on_year=...)``), and reduces each year once for all its chunks in one compiled
pass (:func:`._kernel.year_statistics`, the chunks' sums added chunk after chunk): the areas,
groups and district are summed for every population asked for (the *stack* of
:class:`_Layout`), and the draws are never written out as int32 arrays. The statistics are laid
out (year, measure, population of the stack); the histograms are counted by the driver, a block
of statistics at a time over every draw of several tasks (:func:`._kernel.add_counts`,
:class:`_BinBatch`). The layout and the histograms' ranges go to each worker once, not with
every task (``map_ordered(common=...)``).

Memory is the histograms (about :data:`HIST_BYTES`), the pilot's values, one task in flight
per worker (about :data:`TASK_BYTES` of bin indices, four float64 sums per statistic, and its
chunks' stocks: 21 MB a national task of 2021-2025) and the driver's batch of bins
(:data:`ADD_BATCH_BYTES`): it does not grow with draws x cells. Tasks are groups of consecutive chunks whose
size depends only on the number of cells; their partial sums are merged in task order, so the
numbers are identical for 1 process, several processes or a Dask cluster
(:mod:`._executors`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._montecarlo import _no_hugepage_advice
from ._stats import QUANTILES, STATISTICS

__all__ = ["DrawSummary", "run_summary", "PILOT_DRAWS", "HIST_BYTES", "task_chunks", "full_draws_bytes"]

PILOT_DRAWS = 64
"""Draws of a task (the first, the *pilot*, sets the histograms' range) at most: fewer when the
statistics are many, so that a task's values take about TASK_BYTES."""
TASK_BYTES = 16 * 2**20  # with 2 local workers on the national case: 1.0 GB peak at 16 MB, 1.1 GB at 32 MB
HIST_BYTES = 96 * 2**20
"""Memory for the quantile histograms (bins per statistic = this / statistics / 2 bytes, 30..1022)."""
MAX_BINS, MIN_BINS = 1022, 30
ADD_BLOCK = 1024  # statistics per block when counting a task into the histograms (~130 KB of them: in cache)
ADD_BATCH_BYTES = 64 * 2**20
"""Bin indices the driver collects (from several tasks) before counting them into the histograms:
one pass over the histograms (about HIST_BYTES, read and written) per this many bytes of bins,
not per task (the national run: 84 draws a pass instead of 21, a quarter of the memory traffic)."""

TargetRule = Callable[[object, np.ndarray, np.ndarray], np.ndarray]
"""``rule(target, rate_start, rate_end) -> bool array``: whether each draw meets the target."""


def full_draws_bytes(draws: int, years: int, cells: int, itemsize: int = 4) -> int:
    """Memory of the full draws (D, Y, A, G, 3) of a run."""
    return int(draws) * int(years) * int(cells) * 3 * int(itemsize)


def task_chunks(chunk: int, statistics: int, itemsize: int = 8) -> int:
    """Chunks per task for chunks of ``chunk`` draws and ``statistics`` reported numbers a draw:
    about PILOT_DRAWS draws, fewer for many statistics, so that a task's values take about
    TASK_BYTES at ``itemsize`` bytes each (8: the pilot's float64 values; 2 for the other tasks'
    one-byte bin indices, with room for a task in flight per worker: the driver then counts
    many draws of a block of statistics at once). Depends on
    the model's size only (never on workers), so the merge order is fixed."""
    draws = int(np.clip(TASK_BYTES // max(1, statistics * itemsize), 1, PILOT_DRAWS))
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
class _Layout:
    """Where each statistic of a year is: measures x the *stack* of the distinct populations asked
    for, [district, groups, areas, cells], each kind in index order. ``plan[p]``: the position of
    population ``p`` in the stack."""

    district: bool
    groups: np.ndarray  # group indices
    areas: np.ndarray  # area indices
    cells: np.ndarray  # flat cell indices a * G + g
    plan: np.ndarray
    A: int
    G: int

    @property
    def size(self) -> int:
        return int(self.district) + len(self.groups) + len(self.areas) + len(self.cells)

    def stack(self) -> tuple[np.ndarray, np.ndarray]:
        """(kinds, indices) of the stack's populations, as :func:`._kernel.year_statistics` reads
        them: kind 0 the district, 1 a group, 2 an area, 3 a cell (index ``a * G + g``)."""
        kinds = np.concatenate([np.zeros(int(self.district), np.int64), np.full(len(self.groups), 1, np.int64),
                                np.full(len(self.areas), 2, np.int64), np.full(len(self.cells), 3, np.int64)])
        indices = np.concatenate([np.zeros(int(self.district), np.int64), self.groups, self.areas, self.cells])
        return kinds, indices.astype(np.int64)


def _layout(parsed: Sequence[tuple[int | None, int | None]], A: int, G: int) -> _Layout:
    district = any(a is None and g is None for a, g in parsed)
    groups = np.array(sorted({g for a, g in parsed if a is None and g is not None}), np.int64)
    areas = np.array(sorted({a for a, g in parsed if a is not None and g is None}), np.int64)
    cells = np.array(sorted({a * G + g for a, g in parsed if a is not None and g is not None}), np.int64)
    base_g, base_a = int(district), int(district) + len(groups)
    base_c = base_a + len(areas)
    where_g = {int(g): base_g + i for i, g in enumerate(groups)}
    where_a = {int(a): base_a + i for i, a in enumerate(areas)}
    where_c = {int(c): base_c + i for i, c in enumerate(cells)}
    plan = np.array([0 if a is None and g is None else where_g[g] if a is None else where_a[a] if g is None
                     else where_c[a * G + g] for a, g in parsed], np.int64)
    return _Layout(district, groups, areas, cells, plan, A, G)


def _stack_values(n: np.ndarray, layout: _Layout) -> np.ndarray:
    """The measures (M, C, Q) of the stack of populations (:class:`_Layout`) for stocks ``n`` (3, C,
    A, G), whole numbers, state first: the counts, households, poor and near-poor rates in percent
    (as :func:`~._stats.measures`), computed by the streaming kernel itself."""
    from . import _kernel

    S, C, _, _ = n.shape
    kinds, indices = layout.stack()
    M, Q = S + 3, len(kinds)
    values = np.empty((C, M, Q))
    zeros = np.zeros((M, Q))
    _kernel.year_statistics(np.ascontiguousarray(n), np.array([0, C], np.int64), kinds, indices, zeros,
                            zeros.copy(), zeros.copy(), np.full((M, Q), np.inf), np.full((M, Q), -np.inf), False,
                            zeros, zeros, 0,
                            np.zeros((1, 1, 1, 1), np.uint8), values[:, None], 0, np.zeros(0, np.int64),
                            np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((C, 1)))
    return np.moveaxis(values, 0, 1)


@dataclass(frozen=True)
class _TaskSpec:
    layout: _Layout
    shift: np.ndarray  # (Y - 1, M, Q) expected-path measures of the stack
    dtype: type
    target_cols: np.ndarray  # (T, 2) flat statistic (year, measure, stack position) of the start and end
    # poor rates; -1: the baseline year
    target_base: np.ndarray  # (T, 2) the rates where the column is -1 (the same in every draw)


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


def _task(model, spec: _TaskSpec, ranges: tuple[np.ndarray, np.ndarray, int] | None, samples, seqs) -> _TaskResult:
    """Simulate the chunks of one task and reduce them year by year, as each year is drawn (see
    the module text)."""
    from . import _kernel
    from ._montecarlo import simulate_chunk

    if model is None:  # a local worker process: the model came once, with the pool
        from ._montecarlo import _WORKER

        model = _WORKER["model"]
    shift = spec.shift
    Y1, M, Q = shift.shape
    s1 = np.zeros(shift.shape)
    s2 = np.zeros(shift.shape)
    lo = np.full(shift.shape, np.inf)
    hi = np.full(shift.shape, -np.inf)
    if ranges is not None:  # bin = floor((x - start) / width) + 1, as x * scale + offset
        start, width, n_bins = ranges
        scale = (1.0 / width).reshape(shift.shape)
        offset = (1.0 - start / width).reshape(shift.shape)
        bin_dtype = np.uint8 if n_bins + 2 <= 2**8 else np.uint16
    T = len(spec.target_cols)
    by_year: dict[int, list[tuple[int, int, int, int]]] = {}
    for k in range(T):
        for j in range(2):
            c = int(spec.target_cols[k, j])
            if c >= 0:
                t_, m_, q_ = np.unravel_index(c, shift.shape)
                by_year.setdefault(int(t_), []).append((k, j, int(m_), int(q_)))
    total = sum(int(sample.rates.shape[0]) for sample in samples)
    year_targets = {t_: tuple(np.array(col, np.int64) for col in zip(*[(2 * k + j, m_, q_) for k, j, m_, q_ in rows]))
                    for t_, rows in by_year.items()}
    no_targets = (np.zeros(0, np.int64),) * 3
    kinds, indices = spec.layout.stack()
    if ranges is None:
        scale = offset = np.zeros(shift.shape)
        n_bins = 0
    no_bins = np.zeros((1, 1, 1, 1), bin_dtype if ranges is not None else np.uint8)  # stand-ins (never written)
    no_values = np.zeros((1, 1, 1, 1))
    # the task's values (the pilot) or bin indices, written in place (no copies)
    task_values = np.empty((total, Y1, M, Q)) if ranges is None else None
    task_bins = np.empty((total, Y1, M, Q), bin_dtype) if ranges is not None else None
    rates = np.broadcast_to(spec.target_base, (total, T, 2)).copy()
    # every chunk's stocks of every year (state first, as simulate_chunk passes them), then each
    # year reduced once for all the chunks: the statistics' running sums are read and written once
    # a year per task, not once per chunk (in the national run they were the reduction's memory
    # traffic); the chunks' sums are still added chunk after chunk, the same numbers
    A, G = model.stocks0.shape[:2]
    stocks: np.ndarray | None = None
    bounds = np.zeros(len(samples) + 1, np.int64)
    count = 0
    for i, (sample, seq) in enumerate(zip(samples, seqs)):
        C = sample.rates.shape[0]

        def on_year(t: int, n: np.ndarray, at: int = count, C: int = C) -> None:
            nonlocal stocks
            if stocks is None:
                stocks = np.empty((Y1, 3, total, A, G), n.dtype)
            stocks[t, :, at:at + C] = n

        simulate_chunk(model, sample, seq, keep=False, on_year=on_year)
        count += C
        bounds[i + 1] = count
    for t in range(Y1):
        rows, measure, pos = year_targets.get(t, no_targets)
        _kernel.year_statistics(stocks[t], bounds, kinds, indices, shift[t], s1[t], s2[t], lo[t], hi[t],
                                task_bins is not None, scale[t], offset[t], n_bins,
                                task_bins if task_bins is not None else no_bins,
                                task_values if task_values is not None else no_values, t, rows, measure, pos,
                                rates.reshape(total, -1))
    return _TaskResult(count, s1.reshape(-1), s2.reshape(-1), lo.reshape(-1), hi.reshape(-1), rates,
                       None if task_values is None else task_values.reshape(count, -1),
                       None if task_bins is None else task_bins.reshape(count, -1))


class _BinBatch:
    """Bin indices (draws, statistics) of several tasks, copied into one buffer of about
    ``nbytes`` and counted into ``hist`` when it is full (:meth:`flush` for the rest): the counting
    goes a block of statistics at a time over every buffered draw, so each block of the
    histograms is read and written once per batch (it stays in cache meanwhile; one pass over the
    whole histograms per draw, or per task, is memory-bound). The counts are integers: the same
    in any order."""

    def __init__(self, hist: np.ndarray, nbytes: int):
        self.hist = hist
        self.nbytes = nbytes
        self.buffer: np.ndarray | None = None
        self.rows = self.filled = 0

    def add(self, bins: np.ndarray) -> None:
        if self.buffer is None:  # rows of the first bins' dtype (every task's)
            self.rows = max(1, self.nbytes // max(1, bins.shape[1] * bins.itemsize))
            self.buffer = np.empty((self.rows, bins.shape[1]), bins.dtype)
        start = 0
        while start < bins.shape[0]:
            take = min(bins.shape[0] - start, self.rows - self.filled)
            self.buffer[self.filled:self.filled + take] = bins[start:start + take]
            self.filled += take
            start += take
            if self.filled == self.rows:
                self.flush()

    def flush(self) -> None:
        from . import _kernel

        if self.filled:
            _kernel.add_counts(self.hist, self.buffer[:self.filled], ADD_BLOCK)
            self.filled = 0


def _bin(m: np.ndarray, start: np.ndarray, width: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index of each value (as the tasks compute it): 0 below ``start``, 1..n_bins inside,
    n_bins + 1 above."""
    idx = m * (1.0 / width)
    idx += 1.0 - start / width
    np.clip(idx, 0.0, n_bins + 1, out=idx)
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
                    draws: int) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles (Q, N) and the width of the bin each was read in, from counts (N, B + 2)
    (:func:`._kernel.hist_quantiles`)."""
    from . import _kernel

    if list(QUANTILES) != sorted(QUANTILES):
        raise ValueError("QUANTILES must be in ascending order (the histograms are read in one pass)")
    out = np.empty((len(QUANTILES), hist.shape[0]))
    err = np.empty_like(out)
    _kernel.hist_quantiles(hist, np.ascontiguousarray(start, np.float64), np.ascontiguousarray(width, np.float64),
                           np.ascontiguousarray(lo, np.float64), np.ascontiguousarray(hi, np.float64), int(draws),
                           np.array(QUANTILES, np.float64), out, err)
    return out, err


@_no_hugepage_advice()  # the whole run: the driver's merging, quantiles and layout too. NumPy asks
# for huge pages on every large array, and at the end of a national run faulting in and zeroing
# them was most of the quantiles' and the layout's time (0.84 s of system-heavy time, 0.37 s without)
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
    from ._executors import map_ordered, prestart
    from ._montecarlo import plan_chunks

    prestart(workers, scheduler)
    if targets and target_rule is None:
        from .engine import ProjectionError

        raise ProjectionError("targets given without a target_rule")
    run = plan_chunks(model, params, draws, seed, posterior)
    A, G, S = model.stocks0.shape
    sample, dtype, size, chunks, seqs = run.sample, run.dtype, run.size, run.chunks, run.seqs
    P, M, Y = shift.shape
    layout = _layout(parsed, A, G)
    Q = layout.size
    N = (Y - 1) * M * Q  # the years after the baseline, measures, the stack of populations
    pilot_chunks, per_task = task_chunks(size, N), task_chunks(size, N, itemsize=2)
    groups = [chunks[:pilot_chunks]] + [chunks[i:i + per_task] for i in range(pilot_chunks, len(chunks), per_task)]
    groups = [g for g in groups if g]
    plan = layout.plan
    base_stack = _stack_values(np.moveaxis(np.rint(model.stocks0), -1, 0)[:, None], layout)[:, 0]
    base = base_stack[:, plan].T  # (P, M): the baseline year
    flat_index = np.arange(N).reshape(Y - 1, M, Q)
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
        return -1 if y == 0 else int(flat_index[y - 1, poor_rate, plan[pop_pos[pop]]])

    target_cols = np.array([[column(t.population, t.start_year), column(t.population, t.end_year)]
                            for t in targets], dtype=np.int64).reshape(-1, 2)
    target_base = np.array([[base[pop_pos[t.population], poor_rate]] * 2 for t in targets]).reshape(-1, 2)
    shift_stack = np.empty((Y - 1, M, Q))
    shift_stack[:, :, plan] = np.moveaxis(np.asarray(shift, dtype=np.float64), (0, 1, 2), (2, 1, 0))[1:]
    spec = _TaskSpec(layout, shift_stack, dtype, target_cols, target_base)
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
        pilot = next(map_ordered(_task, [args_of(groups[0])], workers=1, scheduler=scheduler,
                                 model=model, local_pool=False, common=(spec, None)))
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
            batch = _BinBatch(hist, ADD_BATCH_BYTES)
            add = batch.add
            add(_bin(pilot.values, *ranges))
            pilot = None  # the pilot's values are binned: free them
            rest = [args_of(g) for g in groups[1:]]  # the spec and ranges go to each worker once
            for result in map_ordered(_task, rest, workers=workers, scheduler=scheduler, model=model,
                                      common=(spec, ranges)):
                s1 += result.s1
                s2 += result.s2
                np.minimum(lo, result.lo, out=lo)
                np.maximum(hi, result.hi, out=hi)
                count_hits(result.rates)
                add(result.bins)
                if bar:
                    bar.update(result.draws)
            batch.flush()
            q, q_err = _hist_quantiles(hist, ranges[0], ranges[1], lo, hi, draws)
            del hist
    finally:
        if bar:
            bar.close()
    mean = spec.shift.reshape(-1) + s1 / draws
    var = np.maximum(s2 - s1 * s1 / draws, 0.0) / (draws - 1) if draws > 1 else np.zeros(N)
    q = np.clip(q, lo, hi)

    def with_baseline(values: np.ndarray, first: np.ndarray) -> np.ndarray:
        """(..., N) in the task layout -> (..., P, M, Y) with the baseline year ``first`` (P, M)."""
        lead = values.shape[:-1]
        rest = np.take(values.reshape(*lead, Y - 1, M, Q), plan, axis=-1)  # (..., Y - 1, M, P)
        rest = np.moveaxis(rest, (-3, -2, -1), (-1, -2, -3))  # (..., P, M, Y - 1)
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
