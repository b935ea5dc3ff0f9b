"""Monte Carlo replicates of the projection (docs/model.md, "Monte Carlo").

Each draw ``d`` has its own values of every uncertain parameter (base rates and
gamma per group, instrument costs and effects), sampled by Latin hypercube and
mapped through a distribution matched to the central value and 90 % interval
(:func:`quantile`), and its own household moves, drawn per cell and year as
multinomials (P row, N row, O row) plus household formation. District totals are
allocated per draw on that draw's stocks.

Determinism and common random numbers
-------------------------------------
* The parameter sample depends only on ``seed``, the number of draws and the
  parameter's *name* (``rate:dtts:pPO``, ``cost:housing``, ...): each parameter is
  one Latin-hypercube column with its own stream. Adding an instrument to the
  params does not change the draws of the base rates, and the sample never
  depends on the scenario.
* Draws are split into chunks whose size depends only on the number of cells
  (:func:`chunk_size`), never on ``workers``; chunk ``i`` gets the stream
  ``SeedSequence(seed).spawn(n_chunks)[i]`` and, inside, one stream per year for
  the normals and uniforms, drawn for every cell in fixed shapes: every draw of a move
  or of new households is a function of them, so two scenarios use the same noise cell
  by cell.

Household moves
---------------
A multinomial row is drawn as two sequential binomials (first outflow, then the
second outflow among those that stayed), each from its cell's standard normal ``z``. A
binomial with variance ``n p (1-p)`` below :data:`EXACT_BELOW_VARIANCE` is drawn exactly, by
inverting its distribution function at ``Phi(z)``; above, as the rounded
second-order Cornish-Fisher normal ``n p + sd z + (1-2p)(z^2-1)/6`` with
``sd^2 = n p (1-p) - 1/12`` (Sheppard's correction for the rounding), clipped to
``[0, n]``. Measured from this sampler over 2,000,001 normal quantiles, worst over ``p``
(docs/model.md, "Monte Carlo"): its total-variation distance to the exact binomial is
2.4 % at variance 1 (the threshold), 1.0 % at 3, 0.3 % at 9, 0.1 % at 25; its mean is
biased upwards near the threshold by the clip at 0 and the rounding, +0.016 households
per flow at variance 1, +0.004 at 3, under 0.001 from 5 on. New households: their total
per cell is Poisson with mean ``gamma * H``, drawn by the same rule (:func:`_poisson`),
then split over the states by systematic sampling (:func:`_formation`).

The draws are made by compiled loops (:mod:`._kernel`, Numba), one pass over a chunk's cells a
year, from the normals and uniforms NumPy draws for the chunk; ``_binomial``, ``_poisson``,
``_moves`` and ``_formation`` here call them on whole arrays. tests/_reference_sampler.py keeps the
same rules written in NumPy, and tests/test_kernel.py checks that both give the same numbers.

Memory: the result is ``(D, Y, A, G, 3)`` counts in int32 (4 bytes each: the
national case, 1,000 x 5 x 10,600 x 2 x 3, is 1.27 GB); a chunk works on
:func:`chunk_size` draws, about :data:`CHUNK_CELLS` cell-draws, in float32 (float64 when a
baseline cell exceeds 2^22 households).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # posterior draws arrive as a DataFrame; only its columns and values are read
    import pandas as pd

from ..core.types import EFFECT_NAMES, GROUPS, RATE_NAMES, Params, Uncertain
from .engine import (
    GAMMA,
    PNO,
    PNP,
    POP,
    PON,
    PPN,
    PPO,
    CompiledModel,
    ProjectionError,
    effects_acting,
    normalise_rates,
)

__all__ = ["run_draws", "draws_memory", "available_memory", "check_draws_fit", "sample_parameters",
           "sample_rebasing", "ParameterSample", "quantile", "parameter_specs",
           "chunk_size", "EXACT_BELOW_VARIANCE", "CHUNK_CELLS"]

EXACT_BELOW_VARIANCE = 1.0
"""Binomial and Poisson variates with a smaller variance are drawn exactly."""

CHUNK_CELLS = 2**16
"""Cell-draws per chunk (draws per chunk = CHUNK_CELLS // cells, at least 1, at most MAX_CHUNK)."""

MAX_CHUNK = 4096
"""At most this many draws per chunk (models of 16 cells or fewer: chunks of 4,096 draws, not
CHUNK_CELLS // cells)."""
POOL_MIN_CELL_YEARS = 2**23
"""Runs with fewer cell-years (draws x transitions x cells) than this stay in one process."""
_PARAM_STREAM = 2**31  # spawn-key prefix of the parameter streams (chunks use keys (i,))


# -- parameter distributions ------------------------------------------------------------------

@dataclass(frozen=True)
class ParamSpec:
    """One parameter: its name (stream key), value and the scale its distribution lives on."""

    name: str
    value: Uncertain
    scale: str  # "logit" (in [0, 1]) or "log" (>= 0)


def _check_interval(name: str, value: Uncertain) -> None:
    if value.is_fixed:
        return
    if not (value.low <= value.central <= value.high):
        raise ProjectionError(
            f"parameter {name}: 90 % interval [{value.low}, {value.high}] does not contain the central value "
            f"{value.central}; fix the params file"
        )


def quantile(value: Uncertain, u: np.ndarray, scale: str) -> np.ndarray:
    """Map uniforms ``u`` in (0, 1) to values of a parameter.

    The distribution has median ``value.central`` and 5 % / 95 % points ``value.low`` /
    ``value.high``: a two-piece normal on the logit scale (``scale="logit"``, for rates and
    effects in [0, 1]) or on the log scale (``scale="log"``, for costs and gamma), with one
    standard deviation below the median and another above it. Where the interval touches a
    bound of the scale (0 or 1), the natural scale is used instead and values are clipped to
    the bounds. A fixed value maps to itself.
    """
    from ._transforms import two_piece  # SciPy's special functions: the driver's, not the workers' imports

    u = np.asarray(u, dtype=float)
    if value.is_fixed:
        return np.full(u.shape, float(value.central))
    return two_piece(value, scale).quantile(u)


def parameter_specs(params: Params, instrument_ids: tuple[str, ...]) -> list[ParamSpec]:
    """Every parameter the Monte Carlo draws, in a fixed order, checked."""
    specs = []
    for g in GROUPS:
        for name in RATE_NAMES:
            specs.append(ParamSpec(f"rate:{g}:{name}", params.base_rates.rates[g][name],
                                   "log" if name == "gamma" else "logit"))
    for k in instrument_ids:
        inst = params.instruments[k]
        specs.append(ParamSpec(f"cost:{k}", inst.cost_mvnd, "log"))
        for e in EFFECT_NAMES:
            if e in inst.effects:
                specs.append(ParamSpec(f"effect:{k}:{e}", inst.effects[e], "logit"))
    for spec in specs:
        _check_interval(spec.name, spec.value)
    return specs


def _lhs_column(seed: int, name: str, draws: int) -> np.ndarray:
    """One Latin-hypercube column of ``draws`` uniforms with a stream of its own.

    The same numbers as SciPy's ``qmc.LatinHypercube(d=1, rng=default_rng(stream)).random(draws)``
    (scrambled, strength 1, no optimisation; tests/test_montecarlo.py compares them), written out:
    the engine spawns one child generator of the stream, draws one uniform per stratum and shuffles
    the strata ``(perm - uniform) / draws``. SciPy's object deep-copies its generator to be able to
    reset it, which cost a 10,000-draw Kbang run about 20 ms over its 40 parameters."""
    key = zlib.crc32(name.encode("utf-8"))
    stream = np.random.SeedSequence(seed, spawn_key=(_PARAM_STREAM, key))
    rng = np.random.Generator(np.random.PCG64(stream.spawn(1)[0]))  # default_rng's engine, child as in SciPy
    jitter = rng.uniform(size=(draws, 1))
    strata = np.arange(1, draws + 1)
    rng.shuffle(strata)
    return (strata - jitter[:, 0]) / draws


@dataclass(frozen=True)
class ParameterSample:
    """Drawn parameters: ``rates`` (D, G, 7) before area multipliers, ``costs`` (D, K),
    ``effects`` (D, K, 4)."""

    rates: np.ndarray
    costs: np.ndarray
    effects: np.ndarray
    rebasing: np.ndarray | None = None  # (D, G, 3) reclassification shares at a standard switch (_periods.py)

    def chunk(self, start: int, stop: int) -> ParameterSample:
        return ParameterSample(self.rates[start:stop], self.costs[start:stop], self.effects[start:stop],
                               None if self.rebasing is None else self.rebasing[start:stop])


def sample_parameters(model: CompiledModel, params: Params, draws: int, seed: int,
                      posterior: pd.DataFrame | None = None) -> ParameterSample:
    """Latin-hypercube sample of every uncertain parameter (fixed ones are repeated).

    ``posterior``: joint posterior draws (e.g. ``Calibration.posterior``), one row per draw, columns
    named like the parameters (``rate:dtts:pPO``, ``effect:housing:uPO``, ``cost:housing``). Each
    Monte Carlo draw then takes all those columns from one row, resampled with the run's seed, so
    the correlations of the fit are kept; parameters without a column are drawn as usual.
    """
    K = len(model.instrument_ids)
    rates = np.empty((draws, len(GROUPS), len(RATE_NAMES)))
    costs = np.broadcast_to(model.costs, (draws, K)).copy()
    effects = np.broadcast_to(model.effects, (draws, K, len(EFFECT_NAMES))).copy()
    for spec in parameter_specs(params, model.instrument_ids):
        kind, *rest = spec.name.split(":")
        if spec.value.is_fixed:
            values = np.full(draws, float(spec.value.central))
        else:
            values = quantile(spec.value, _lhs_column(seed, spec.name, draws), spec.scale)
        if kind == "rate":
            rates[:, GROUPS.index(rest[0]), RATE_NAMES.index(rest[1])] = values
        elif kind == "cost":
            costs[:, model.instrument_ids.index(rest[0])] = values
        else:
            effects[:, model.instrument_ids.index(rest[0]), EFFECT_NAMES.index(rest[1])] = values
    if posterior is not None:
        _apply_posterior(posterior, model, params, draws, seed, rates, costs, effects)
    return ParameterSample(rates, costs, effects, sample_rebasing(model, draws, seed))


def sample_rebasing(model: CompiledModel, draws: int, seed: int) -> np.ndarray | None:
    """(D, G, 3) reclassification shares of a standard switch, one Latin-hypercube column per share
    (``rebase:<group>:<share>``, streams of their own: the other parameters' draws do not change),
    or None when the run has no switch."""
    switch = getattr(model.periods, "switch", None)
    if switch is None:
        return None
    from ..params._rebasing import REBASING_SHARES

    out = np.empty((draws, len(GROUPS), len(REBASING_SHARES)))
    for g, group in enumerate(GROUPS):
        for i, name in enumerate(REBASING_SHARES):
            value = switch.rebasing.shares[group][name]
            spec_name = f"rebase:{group}:{name}"
            _check_interval(spec_name, value)
            out[:, g, i] = (np.full(draws, float(value.central)) if value.is_fixed
                            else quantile(value, _lhs_column(seed, spec_name, draws), "logit"))
    return out


def _apply_posterior(posterior: pd.DataFrame, model: CompiledModel, params: Params, draws: int, seed: int,
                     rates: np.ndarray, costs: np.ndarray, effects: np.ndarray) -> None:
    """Overwrite the drawn parameters that ``posterior`` has columns for with whole rows of it."""
    known = {spec.name: spec for spec in parameter_specs(params, model.instrument_ids)}
    unknown = [c for c in posterior.columns if c not in known]
    if unknown:
        raise ProjectionError(f"posterior draws name unknown parameters {unknown[:3]}; expected names like "
                              f"{', '.join(list(known)[:3])}")
    if len(posterior) == 0:
        raise ProjectionError("posterior draws: the table has no rows")
    values = posterior.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ProjectionError("posterior draws: expected finite values >= 0 in every row")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_PARAM_STREAM, 0x9057)))
    rows = rng.integers(0, len(values), size=draws)
    for j, name in enumerate(posterior.columns):
        kind, *rest = name.split(":")
        column = values[rows, j]
        if kind == "rate":
            rates[:, GROUPS.index(rest[0]), RATE_NAMES.index(rest[1])] = column
        elif kind == "cost":
            costs[:, model.instrument_ids.index(rest[0])] = column
        else:
            effects[:, model.instrument_ids.index(rest[0]), EFFECT_NAMES.index(rest[1])] = column


# -- random household moves -------------------------------------------------------------------

def chunk_size(cells: int) -> int:
    """Draws per chunk for a model of ``cells`` area x group cells (independent of workers)."""
    return int(max(1, min(MAX_CHUNK, CHUNK_CELLS // max(int(cells), 1))))


class _Workspace:
    """Every per-chunk array of :func:`simulate_chunk`, for one chunk shape (C, A, G)."""

    def __init__(self, shape: tuple[int, int, int], dtype: type):
        self.key = (shape, np.dtype(dtype))
        self.z = np.empty((7, *shape), dtype)
        self.u = np.empty(shape, dtype)
        self.n = np.empty((3, *shape), dtype)
        self.moved = np.empty((3, *shape), dtype)


_LOCAL = threading.local()  # one workspace per thread: concurrent projections never share arrays


def _workspace(shape: tuple[int, int, int], dtype: type) -> _Workspace:
    space = getattr(_LOCAL, "space", None)
    if space is None or space.key != (shape, np.dtype(dtype)):
        space = _LOCAL.space = _Workspace(shape, dtype)
    return space


def _flat(x: np.ndarray, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=dtype), shape)).reshape(-1)


def _binomial(n: np.ndarray, p: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Binomial(n, p) per cell (``p`` and the standard normals ``z`` broadcast to ``n``), drawn as
    the Monte Carlo draws each move (:mod:`._kernel`): exact by inversion below
    EXACT_BELOW_VARIANCE, else the rounded Cornish-Fisher normal, clipped to [0, n]; in ``n``'s
    dtype."""
    from . import _kernel  # Numba: imported when a run first draws, not with the package
    n = np.asarray(n)
    K = _kernel.constants(n.dtype, EXACT_BELOW_VARIANCE)
    out = np.empty(n.shape, n.dtype)
    _kernel.binomial(_flat(n, n.shape, n.dtype), _flat(p, n.shape, n.dtype), _flat(z, n.shape, n.dtype), K,
                     out.reshape(-1))
    return out


def _poisson(lam: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Poisson(lam) per cell from the normals ``z``: exact (by inversion) below
    EXACT_BELOW_VARIANCE, else Cornish-Fisher (:mod:`._kernel`)."""
    from . import _kernel  # Numba: imported when a run first draws, not with the package
    lam = np.asarray(lam)
    K = _kernel.constants(lam.dtype, EXACT_BELOW_VARIANCE)
    out = np.empty(lam.shape, lam.dtype)
    _kernel.poisson(_flat(lam, lam.shape, lam.dtype), _flat(z, lam.shape, lam.dtype), K, out.reshape(-1))
    return out


def _moves(stocks: np.ndarray, r: dict[int, np.ndarray], z: np.ndarray) -> np.ndarray:
    """Stocks after one year of drawn moves (:func:`._kernel.moves`): each row (P, N, O) a
    multinomial drawn as two sequential binomials.

    ``stocks`` (3, ...) whole numbers as floats (state first); ``r[rate index]`` arrays that
    broadcast to ``stocks[0]``; ``z`` (6, ...) standard normals."""
    from . import _kernel  # Numba: imported when a run first draws, not with the package
    stocks = np.ascontiguousarray(stocks)
    shape, dtype = stocks.shape[1:], stocks.dtype
    K = _kernel.constants(dtype, EXACT_BELOW_VARIANCE)
    out = np.empty_like(stocks)
    rates = [_flat(r[i], shape, dtype) for i in (PPN, PPO, PNP, PNO, POP, PON)]
    _kernel.moves(stocks.reshape(3, -1), *rates, np.ascontiguousarray(z, dtype=dtype).reshape(6, -1), K,
                  out.reshape(3, -1))
    return out


def _formation(moved: np.ndarray, households: np.ndarray, gamma: np.ndarray, entry: np.ndarray | None,
               z: np.ndarray, u: np.ndarray) -> np.ndarray:
    """New households per state (3, ...) of cells with ``moved`` stocks (3, ...) after the moves and
    ``households`` before them, as the Monte Carlo adds them (:func:`._kernel.formation`).

    Their number is Poisson with mean ``gamma * H`` (from the normals ``z``); they are split over
    states by systematic sampling with the uniform ``u``: with cumulative shares ``c1 = share_P``,
    ``c2 = share_P + share_N`` (of the cell after the moves, or the scenario's entry shares (G, 3),
    the last axis being the group), ``new_P = ceil(T c1 - u)``, ``new_P + new_N = ceil(T c2 - u)``.
    Each state gets its expected number ``T * share`` rounded up or down, unbiased; the split varies
    less than a multinomial."""
    from . import _kernel  # Numba: imported when a run first draws, not with the package
    moved = np.ascontiguousarray(moved)
    shape, dtype = moved.shape[1:], moved.dtype
    K = _kernel.constants(dtype, EXACT_BELOW_VARIANCE)
    cum, use_entry = _entry_shares(entry, shape[-1] if shape else 1, dtype)
    out = np.zeros_like(moved)
    _kernel.formation(moved.reshape(3, -1), _flat(households, shape, dtype), _flat(gamma, shape, dtype),
                      _flat(z, shape, dtype), _flat(u, shape, dtype), cum, use_entry, K, out.reshape(3, -1))
    return out


def _entry_shares(entry: np.ndarray | None, G: int, dtype: np.dtype) -> tuple[np.ndarray, bool]:
    """The kernel's (G, 2) cumulative entry shares (poor; poor and near-poor) of new households, and
    whether they are used (else the cell's own shares after the moves)."""
    if entry is None:
        return np.zeros((G, 2), dtype), False
    return np.cumsum(entry, axis=-1).astype(dtype)[:, :2].copy(), True


def output_dtype(model: CompiledModel) -> type:
    """dtype of the drawn stocks: int32, or int64 for cells above 100 million households."""
    return np.int32 if float(np.max(model.stocks0, initial=0.0)) < 1e8 else np.int64


def _work_dtype(model: CompiledModel) -> type:
    """float32 while every count is a whole number float32 holds exactly (below 2^22, with room to
    grow), else float64."""
    return np.float32 if float(np.max(model.stocks0, initial=0.0)) < 2.0**22 else np.float64


def simulate_chunk(model: CompiledModel, sample: ParameterSample, seq: np.random.SeedSequence,
                   dtype: type = np.int32, out: np.ndarray | None = None,
                   on_year: Callable[[int, np.ndarray], None] | None = None, keep: bool = True) -> np.ndarray | None:
    """Stocks (C, Y, A, G, 3) of one chunk of draws with their parameters ``sample`` (written into
    ``out`` when given).

    ``on_year(t, n)``: called after each transition ``t`` with the stocks of year ``t + 1`` as
    whole-number floats laid out state first, (3, C, A, G) (read only; overwritten later), so that
    a caller can reduce them while they are in cache. ``keep=False``: only ``on_year`` sees the
    stocks (no array of every year; returns None)."""
    from . import _kernel, _support, _variates  # Numba: imported when a run first draws, not with the package
    C = sample.rates.shape[0]
    T, (A, G, S) = model.steps, model.stocks0.shape
    wd = _work_dtype(model)
    if model.multipliers is None:
        rates = normalise_rates(sample.rates[:, None, :, :].copy())  # (C, 1, G, 7)
    else:
        rates = normalise_rates(sample.rates[:, None, :, :] * model.multipliers)  # (C, A, G, 7)
    # every rate as a contiguous (C, A, G) array, even where it is the same for all areas: an
    # operation broadcasting a (C, 1, G) rate runs NumPy's inner loop over the G = 2 groups only,
    # several times slower than over whole contiguous arrays
    base = {}
    for i in range(rates.shape[-1]):
        base[i] = np.empty((C, A, G), wd)
        for g in range(G):  # a group at a time: the copy's inner loop runs over the areas, not over
            base[i][:, :, g] = rates[:, :, g, i]  # the 2 groups (every rate: 1.0-1.2 -> 0.3 ms a national chunk)
    effects = sample.effects.astype(wd)
    acts = effects_acting(effects)
    K_ = sample.costs.shape[-1]
    one, zero = wd(1), wd(0)
    adjusted = {i: np.empty((C, A, G), wd) for i in (PPN, PPO, PNP, PNO)}  # the rates support changes
    costs = np.empty((C, A, sample.costs.shape[-1]), wd)  # (C, A, K): contiguous, like the rates
    for k in range(K_):  # an instrument at a time, as the rates
        costs[:, :, k] = sample.costs[:, None, k]
    eligible = model.eligible.astype(wd)
    if keep:
        out = np.empty((C, T + 1, A, G, S), dtype=dtype) if out is None else out
    space = _workspace((C, A, G), wd)
    n, moved, z, u = space.n, space.moved, space.z, space.u
    n[:] = np.moveaxis(np.rint(model.stocks0), -1, 0)[:, None]  # state first: contiguous rows
    K = _kernel.constants(wd, EXACT_BELOW_VARIANCE)
    entry, use_entry = _entry_shares(model.entry, G, wd)
    if keep:
        out[:, 0] = np.rint(model.stocks0)
    for t, year_seq in enumerate(seq.spawn(T)):
        normal_seq = year_seq.spawn(1)[0]  # the first child (a second was the exact draws' stream)
        _variates.fill(normal_seq, z, u)  # as Generator(SFC64(normal_seq)); fixed shapes: same noise in every scenario
        if model.periods is not None:  # units merged or split, stocks re-based into years[t + 1] (_periods.py)
            model.periods.apply_draws(t, n, sample.rebasing)
        r = base
        if model.fixed_resources[t].any() or model.rule_totals[t].any():
            # allocation, coverage and the adjusted rates, one draw after another (_support.support)
            totals = np.broadcast_to(model.rule_totals[t].astype(wd), (C, K_, 2))
            _support.support(n[0], n[1], n[2], np.broadcast_to(model.fixed_resources[t].astype(wd), (C, A, K_)),
                             totals, np.array([totals[0, :, 0].any(), totals[0, :, 1].any()]), costs, eligible,
                             effects, acts, base[PPN], base[PPO], base[PNP], base[PNO], one, zero,
                             *(adjusted[i] for i in (PPN, PPO, PNP, PNO)))
            r = {**base, **adjusted}
        flat = [r[i].reshape(-1) for i in (PPN, PPO, PNP, PNO, POP, PON, GAMMA)]
        _kernel.step_year(n.reshape(3, -1), *flat, entry, use_entry, z.reshape(7, -1), u.reshape(-1), K,
                          moved.reshape(3, -1))
        n, moved = moved, n
        if keep:
            for s_ in range(S):
                out[:, t + 1, :, :, s_] = n[s_]
        if on_year is not None:
            on_year(t, n)
    return out if keep else None


# -- chunks and workers -------------------------------------------------------------------------

@contextlib.contextmanager
def _no_hugepage_advice() -> Iterator[None]:
    """NumPy asks the kernel for transparent huge pages on large arrays; with the kernel's default
    "defrag on madvise" each request may compact memory first, which here tripled the time spent in
    the kernel (6 s of a 33 s national run). Turned off while drawing, restored afterwards."""
    try:
        from numpy._core import multiarray
        setter = multiarray._set_madvise_hugepage
    except (ImportError, AttributeError):  # pragma: no cover - another NumPy
        yield
        return
    previous = setter(False)
    try:
        yield
    finally:
        setter(previous)


def _chunks(draws: int, size: int) -> Iterator[tuple[int, int, int]]:
    for i, start in enumerate(range(0, draws, size)):
        yield i, start, min(draws, start + size)


_WORKER: dict[str, object] = {}


def _keep_freed_memory() -> None:
    """In a worker process (which only draws): let glibc keep freed memory instead of returning it
    to the kernel and faulting it back in on the next allocation of the same size. No effect
    elsewhere than glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    mallopt(M_MMAP_THRESHOLD, 64 * 2**20)
    mallopt(M_TRIM_THRESHOLD, 512 * 2**20)


def _init_worker(model: CompiledModel, shared: tuple[str, tuple[int, ...], str] | None,
                 driver: int | None = None) -> None:
    """A local worker process: the model, the shared output of kept draws (path, shape, dtype) if
    any, and the ``driver`` process it must not outlive (``io._atomic.watch_driver``)."""
    from ..io._atomic import watch_driver

    watch_driver(driver)
    _WORKER["model"] = model
    _keep_freed_memory()
    _WORKER["hugepages"] = _no_hugepage_advice()
    _WORKER["hugepages"].__enter__()  # type: ignore[attr-defined]  # a worker process only draws
    if shared is not None:
        path, shape, dtype = shared
        _WORKER["out"] = np.memmap(path, dtype=np.dtype(dtype), mode="r+", shape=shape)


def _worker_chunk(args: tuple[int, int, ParameterSample, np.random.SeedSequence, type]) -> np.ndarray | None:
    start, stop, sample, seq, dtype = args
    model = _WORKER["model"]
    assert isinstance(model, CompiledModel)
    out = _WORKER.get("out")
    if out is None:
        return simulate_chunk(model, sample, seq, dtype)
    simulate_chunk(model, sample, seq, dtype, out=out[start:stop])  # type: ignore[index]
    return None


def _shared_output(shape: tuple[int, ...], dtype: type) -> tuple[str, np.ndarray] | None:
    """A file-backed array the worker processes write into directly (no copies through pipes):
    in /dev/shm when it has room, else in the temporary folder (``_executors.scratch_dirs``, named
    by this process); space reserved up front so that a full disk is an error here, not a crash
    later. None when neither works."""
    import tempfile

    from ._executors import DRAWS_PREFIX, scratch_dirs, scratch_prefix

    nbytes = max(int(np.prod(shape)) * np.dtype(dtype).itemsize, 1)
    for folder in scratch_dirs():
        try:
            st = os.statvfs(folder)
            if st.f_bavail * st.f_frsize < nbytes * 1.05:
                continue
            fd, path = tempfile.mkstemp(prefix=scratch_prefix(DRAWS_PREFIX), suffix=".bin", dir=folder)
        except (OSError, AttributeError):  # no such folder, or no statvfs (Windows)
            continue
        try:
            try:
                if hasattr(os, "posix_fallocate"):
                    os.posix_fallocate(fd, 0, nbytes)
                else:  # pragma: no cover - not Linux
                    os.ftruncate(fd, nbytes)
            finally:
                os.close(fd)
            return path, np.memmap(path, dtype=dtype, mode="r+", shape=shape)
        except OSError:
            _unlink(path)
    return None


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:  # pragma: no cover - e.g. still open on Windows
        pass


MEMORY_SHARE = 0.5
"""A run may plan to use at most this share of the memory available when it starts."""


def draws_memory(model: CompiledModel, draws: int, keep: bool = True) -> int:
    """Bytes a run of ``draws`` needs, estimated before anything is allocated: the stocks of every
    draw (cells x years x 3 states, int32; only when the draws are kept), the drawn parameters
    (always: they are drawn for the whole run at once), and the float64 working space of the
    statistics over the draws (a population's measures per draw, twice)."""
    A, G, S = model.stocks0.shape
    years = model.steps + 1
    K = len(model.instrument_ids)
    itemsize = np.dtype(output_dtype(model)).itemsize
    per_draw = (years * A * G * S * itemsize * bool(keep)         # the stocks kept
                + 8 * (G * len(RATE_NAMES) + K * (1 + len(EFFECT_NAMES)) + 1)   # the parameters (and LHS column)
                + 2 * 8 * years * (S + 3))                          # statistics of one population
    return int(draws) * per_draw


def available_memory() -> int | None:
    """Bytes of memory available now (MemAvailable, within a cgroup limit), or None when unknown."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError):
        pass
    for name in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(name, encoding="ascii") as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            found.append(int(text))
    if not found:
        try:
            import os

            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None
    return min(found)


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def check_draws_fit(model: CompiledModel, draws: int, available: int | None = None, keep: bool = True) -> None:
    """Refuse, before allocating anything, a number of draws whose arrays would not fit in memory
    (``keep``: the draws are kept, not streamed)."""
    available = available_memory() if available is None else available
    if available is None:
        return
    need = draws_memory(model, draws, keep)
    budget = int(available * MEMORY_SHARE)
    if need <= budget:
        return
    per_draw = max(draws_memory(model, 1, keep), 1)
    fit = budget // per_draw
    A, G, _S = model.stocks0.shape
    raise ProjectionError(
        f"draws = {draws:,}: needs about {_gib(need)} of memory ({A * G} cells x {model.steps + 1} years x 3 "
        f"states per draw, with working space), more than half of the {_gib(available)} available now; "
        f"at most about {fit:,} draws fit. Use at most {fit:,} draws (2,000 already give a probability to "
        "within about 2 points), or run on a machine with more memory; more --workers does not lower "
        "the memory a run needs")


@dataclass(frozen=True)
class ChunkPlan:
    """How a run of ``draws`` is cut into chunks, and what each chunk draws from: the one plan of
    every runner (in process, worker processes, streamed, Dask), so the numbers are the same
    whichever runs them. Chunk ``i`` covers draws ``start:stop`` and has the ``i``-th child of the
    run's seed."""

    sample: ParameterSample
    dtype: type
    size: int
    chunks: list[tuple[int, int, int]]  # (i, start, stop)
    seqs: list[np.random.SeedSequence]

    def tasks(self) -> list[tuple[ParameterSample, np.random.SeedSequence, type]]:
        """(parameters, seed, dtype) of every chunk, in order."""
        return [(self.sample.chunk(start, stop), self.seqs[i], self.dtype) for i, start, stop in self.chunks]


def plan_chunks(model: CompiledModel, params: Params, draws: int, seed: int,
                posterior: pd.DataFrame | None = None) -> ChunkPlan:
    """The :class:`ChunkPlan` of a run (its parameters drawn with ``seed``, chunk sizes set by the
    model's cells only, never by the number of workers)."""
    sample = sample_parameters(model, params, draws, int(seed), posterior)
    size = chunk_size(model.stocks0.shape[0] * model.stocks0.shape[1])
    chunks = list(_chunks(draws, size))
    return ChunkPlan(sample, output_dtype(model), size, chunks, np.random.SeedSequence(int(seed)).spawn(len(chunks)))


def uses_pool(draws: int, steps: int, cells: int, workers: int) -> bool:
    """Whether a run of ``draws`` over ``steps`` years and ``cells`` cells starts ``workers``
    local worker processes: more than one asked for, and enough cell-years (POOL_MIN_CELL_YEARS)
    that starting them costs less than it saves."""
    return int(workers) > 1 and int(draws) * int(steps) * int(cells) >= POOL_MIN_CELL_YEARS


def run_draws(model: CompiledModel, params: Params, draws: int, seed: int, workers: int = 1,
              posterior: pd.DataFrame | None = None) -> np.ndarray:
    """Monte Carlo stocks (D, Y, A, G, 3), int32 (int64 for cells above 100 million households).

    Same ``seed`` -> identical numbers for any ``workers``; see the module docstring.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ProjectionError(f"seed = {seed!r}: expected a whole number >= 0")
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ProjectionError(f"workers = {workers!r}: expected a whole number >= 1")
    if draws < 1:
        raise ProjectionError(f"draws = {draws!r}: expected a whole number >= 1")
    check_draws_fit(model, draws)
    plan = plan_chunks(model, params, draws, seed, posterior)
    A, G, S = model.stocks0.shape
    dtype, chunks, tasks = plan.dtype, plan.chunks, plan.tasks()
    workers = min(int(workers), len(chunks))
    if not uses_pool(draws, model.steps, A * G, workers):
        workers = 1  # starting processes would cost more than it saves; the numbers are the same
    shape = (draws, model.steps + 1, A, G, S)
    if workers == 1:
        with _no_hugepage_advice():
            out = np.empty(shape, dtype=dtype)
            for (i, start, stop), task in zip(chunks, tasks):
                simulate_chunk(model, *task, out=out[start:stop])
        return out
    from ._executors import POOL_ERRORS, _started, pool_error, stop_fork_server, worker_context

    context = worker_context()
    shared = _shared_output(shape, dtype)
    # a plain array over the mapping (which lives as long as the array does), or results by pipe
    out = np.empty(shape, dtype=dtype) if shared is None else np.asarray(shared[1])
    started = False  # a worker answered: an error after this is a worker's end, not the pool's start
    try:
        with concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=context, initializer=_init_worker,
                initargs=(model, None if shared is None else (shared[0], shape, np.dtype(dtype).str),
                          os.getpid())) as pool:
            pool.submit(_started).result()
            started = True
            jobs = [(start, stop, *task) for (i, start, stop), task in zip(chunks, tasks)]
            for (i, start, stop), result in zip(chunks, pool.map(_worker_chunk, jobs)):
                if result is not None:
                    out[start:stop] = result
    except POOL_ERRORS as exc:
        error = pool_error(workers, exc, started)
        if error is None:
            raise
        raise error from exc
    finally:
        stop_fork_server()
        if shared is not None:
            _unlink(shared[0])  # the data stay reachable through the mapping until the array is freed
    return out
