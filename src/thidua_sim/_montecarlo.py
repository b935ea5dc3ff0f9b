"""Monte Carlo replicates of the projection (model.md section 4).

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
  ``SeedSequence(seed).spawn(n_chunks)[i]`` and, inside, one stream per year and
  per kind of variate. Normal variates are drawn for every cell whether used or
  not, so two scenarios use the same noise cell by cell.

Household moves
---------------
A multinomial row is drawn as two sequential binomials (first outflow, then the
second outflow among those that stayed). A binomial with variance ``n p (1-p)``
below :data:`EXACT_BELOW_VARIANCE` is drawn exactly (NumPy); above, as the rounded
second-order Cornish-Fisher normal ``n p + sd z + (1-2p)(z^2-1)/6`` with
``sd^2 = n p (1-p) - 1/12`` (Sheppard's correction for the rounding), clipped to
``[0, n]``. Its total-variation distance to the exact binomial is below 0.6 % at
the threshold and falls as the variance grows; the mean is exact. New households
are Poisson per state (mean ``gamma * H * share``), with the same rule.

Memory: the result is ``(D, Y, A, G, 3)`` counts in int32 (4 bytes each: the
national case, 1,000 x 5 x 10,600 x 2 x 3, is 1.27 GB); a chunk works on about
:data:`CHUNK_CELLS` cell-draws in float64.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.stats import qmc

from ._types import EFFECT_NAMES, GROUPS, RATE_NAMES, Params, Uncertain
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
    adjust_rates,
    allocate_area_resources,
    keep_factors,
    normalise_rates,
)

__all__ = ["run_draws", "sample_parameters", "ParameterSample", "quantile", "parameter_specs",
           "chunk_size", "EXACT_BELOW_VARIANCE", "CHUNK_CELLS", "Z90"]

EXACT_BELOW_VARIANCE = 1.0
"""Binomial and Poisson variates with a smaller variance are drawn exactly."""

CHUNK_CELLS = 2**17
"""Cell-draws per chunk (draws per chunk = CHUNK_CELLS // cells, at least 1, at most MAX_CHUNK)."""

MAX_CHUNK = 4096
Z90 = float(special.ndtri(0.95))  # 1.6449: the 95 % point of the standard normal
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
    u = np.asarray(u, dtype=float)
    if value.is_fixed:
        return np.full(u.shape, float(value.central))
    c, lo, hi = float(value.central), float(value.low), float(value.high)
    upper = 1.0 if scale == "logit" else np.inf
    if lo > 0.0 and hi < upper and 0.0 < c < upper:
        f, finv = (special.logit, special.expit) if scale == "logit" else (np.log, np.exp)
    else:
        f, finv = (lambda x: x), (lambda x: np.clip(x, 0.0, upper))
    m = f(c)
    s_lo, s_hi = (m - f(lo)) / Z90, (f(hi) - m) / Z90
    z = special.ndtri(u)
    return finv(m + z * np.where(z < 0, s_lo, s_hi))


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
    """One Latin-hypercube column of ``draws`` uniforms with a stream of its own."""
    key = zlib.crc32(name.encode("utf-8"))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_PARAM_STREAM, key)))
    return qmc.LatinHypercube(d=1, rng=rng).random(draws)[:, 0]


@dataclass(frozen=True)
class ParameterSample:
    """Drawn parameters: ``rates`` (D, G, 7) before area multipliers, ``costs`` (D, K),
    ``effects`` (D, K, 4)."""

    rates: np.ndarray
    costs: np.ndarray
    effects: np.ndarray

    def chunk(self, start: int, stop: int) -> ParameterSample:
        return ParameterSample(self.rates[start:stop], self.costs[start:stop], self.effects[start:stop])


def sample_parameters(model: CompiledModel, params: Params, draws: int, seed: int) -> ParameterSample:
    """Latin-hypercube sample of every uncertain parameter (fixed ones are repeated)."""
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
    return ParameterSample(rates, costs, effects)


# -- random household moves -------------------------------------------------------------------

def chunk_size(cells: int) -> int:
    """Draws per chunk for a model of ``cells`` area x group cells (independent of workers)."""
    return int(max(1, min(MAX_CHUNK, CHUNK_CELLS // max(int(cells), 1))))


def _binomial(n: np.ndarray, p: np.ndarray, z: np.ndarray, exact: np.random.Generator) -> np.ndarray:
    """Binomial(n, p) per cell (``p`` broadcasts to ``n``): exact below EXACT_BELOW_VARIANCE, else
    the rounded Cornish-Fisher normal from the standard normals ``z``, clipped to [0, n]."""
    mean = n * p
    var = mean * p
    np.subtract(mean, var, out=var)  # n p (1 - p)
    small = var < EXACT_BELOW_VARIANCE
    x = var  # reuse: sd with Sheppard's correction
    x -= 1.0 / 12.0
    np.maximum(x, 0.0, out=x)
    np.sqrt(x, out=x)
    q6 = p * (-1.0 / 3.0)
    q6 += 1.0 / 6.0  # (1 - 2p) / 6
    q6 = np.broadcast_to(q6, n.shape)
    t = q6 * z
    t += x
    t *= z
    t += mean
    t -= q6  # mean + sd z + (1 - 2p)(z^2 - 1) / 6
    np.rint(t, out=t)
    np.clip(t, 0.0, n, out=t)
    idx = np.flatnonzero(small)
    if idx.size:
        p_flat = p.reshape(-1) if p.shape == n.shape else np.broadcast_to(p, n.shape).reshape(-1)
        t.reshape(-1)[idx] = exact.binomial(n.reshape(-1).take(idx).astype(np.int64), p_flat.take(idx))
    return t


def _poisson(lam: np.ndarray, z: np.ndarray, exact: np.random.Generator) -> np.ndarray:
    """Poisson(lam) per cell: exact below EXACT_BELOW_VARIANCE, else Cornish-Fisher from ``z``."""
    small = lam < EXACT_BELOW_VARIANCE
    x = lam - 1.0 / 12.0
    np.maximum(x, 0.0, out=x)
    np.sqrt(x, out=x)
    t = z * (1.0 / 6.0)
    t += x
    t *= z
    t += lam
    t -= 1.0 / 6.0  # lam + sd z + (z^2 - 1) / 6
    np.rint(t, out=t)
    np.maximum(t, 0.0, out=t)
    idx = np.flatnonzero(small)
    if idx.size:
        t.reshape(-1)[idx] = exact.poisson(lam.reshape(-1).take(idx))
    return t


def _conditional(p_second: np.ndarray, p_first: np.ndarray) -> np.ndarray:
    """Chance of the second outflow among households that did not take the first (in [0, 1])."""
    rest = 1.0 - p_first
    out = np.divide(p_second, rest, out=np.zeros_like(rest), where=rest > 0)
    return np.minimum(out, 1.0, out=out)


def _moves(stocks: np.ndarray, r: dict[int, np.ndarray], z: np.ndarray, exact: np.random.Generator) -> np.ndarray:
    """Stocks after one year of drawn moves: each row (P, N, O) a multinomial drawn as two
    sequential binomials.

    ``stocks`` (3, C, A, G) whole numbers as floats (state first); ``r[rate index]`` arrays that
    broadcast to (C, A, G); ``z`` (6, C, A, G) standard normals.
    """
    nP, nN, nO = stocks
    P_O = _binomial(nP, r[PPO], z[0], exact)  # poor escaping to other
    P_N = _binomial(nP - P_O, _conditional(r[PPN], r[PPO]), z[1], exact)  # ... to near-poor
    N_P = _binomial(nN, r[PNP], z[2], exact)  # near-poor falling back
    N_O = _binomial(nN - N_P, _conditional(r[PNO], r[PNP]), z[3], exact)  # ... escaping to other
    O_P = _binomial(nO, r[POP], z[4], exact)  # newly poor
    O_N = _binomial(nO - O_P, _conditional(r[PON], r[POP]), z[5], exact)  # ... newly near-poor
    out = np.empty_like(stocks)
    np.subtract(nP, P_O, out=out[0])
    out[0] -= P_N
    out[0] += N_P
    out[0] += O_P
    np.subtract(nN, N_P, out=out[1])
    out[1] -= N_O
    out[1] += P_N
    out[1] += O_N
    np.subtract(nO, O_P, out=out[2])
    out[2] -= O_N
    out[2] += P_O
    out[2] += N_O
    return out


def _formation(moved: np.ndarray, households: np.ndarray, gamma: np.ndarray, entry: np.ndarray | None,
               z: np.ndarray, u: np.ndarray, exact: np.random.Generator) -> np.ndarray:
    """New households per state (3, C, A, G).

    Their number is Poisson with mean ``gamma * H`` (from the normals ``z``); they are split over
    states by systematic sampling with the uniform ``u``: with cumulative shares ``c1 = share_P``,
    ``c2 = share_P + share_N`` (of the cell after the moves, or the scenario's entry shares (G, 3)),
    ``new_P = ceil(T c1 - u)``, ``new_P + new_N = ceil(T c2 - u)``. Each state gets its expected
    number ``T * share`` rounded up or down, unbiased; the split varies less than a multinomial.
    """
    total = _poisson(households * gamma, z, exact)
    if entry is None:
        c1 = np.divide(moved[0], households, out=np.zeros_like(households), where=households > 0)
        c2 = np.divide(moved[0] + moved[1], households, out=np.zeros_like(households), where=households > 0)
    else:
        cum = np.cumsum(entry, axis=-1).astype(moved.dtype)  # (G, 3)
        c1, c2 = cum[:, 0], cum[:, 1]
    upto_P = total * np.minimum(c1, 1.0)
    upto_P -= u
    np.ceil(upto_P, out=upto_P)
    upto_N = total * np.minimum(c2, 1.0)
    upto_N -= u
    np.ceil(upto_N, out=upto_N)
    new = np.empty_like(moved)
    new[0] = upto_P
    np.subtract(upto_N, upto_P, out=new[1])
    np.subtract(total, upto_N, out=new[2])
    return new


def _work_dtype(model: CompiledModel) -> type:
    """float32 while every count is a whole number float32 holds exactly (below 2^22, with room to
    grow), else float64."""
    return np.float32 if float(np.max(model.stocks0, initial=0.0)) < 2.0**22 else np.float64


def simulate_chunk(model: CompiledModel, sample: ParameterSample, seq: np.random.SeedSequence,
                   dtype: type = np.int32) -> np.ndarray:
    """Stocks (C, Y, A, G, 3) of one chunk of draws with their parameters ``sample``."""
    C = sample.rates.shape[0]
    T, (A, G, S) = model.steps, model.stocks0.shape
    wd = _work_dtype(model)
    if model.multipliers is None:
        rates = normalise_rates(sample.rates[:, None, :, :].copy())  # (C, 1, G, 7)
    else:
        rates = normalise_rates(sample.rates[:, None, :, :] * model.multipliers)  # (C, A, G, 7)
    base = {i: np.ascontiguousarray(rates[..., i], dtype=wd) for i in range(rates.shape[-1])}  # (C, A|1, G)
    effects = sample.effects.astype(wd)
    costs = sample.costs[:, None, :]  # (C, 1, K)
    eligible = model.eligible.astype(wd)
    out = np.empty((C, T + 1, A, G, S), dtype=dtype)
    n = np.empty((S, C, A, G), dtype=wd)  # state first: contiguous rows
    n[:] = np.moveaxis(np.rint(model.stocks0), -1, 0)[:, None]
    out[:, 0] = np.rint(model.stocks0)
    for t, year_seq in enumerate(seq.spawn(T)):
        normal_seq, exact_seq = year_seq.spawn(2)
        common = np.random.Generator(np.random.PCG64(normal_seq))  # fixed shapes: same noise in every scenario
        z = common.standard_normal((7, C, A, G), dtype=wd)
        u = common.random((C, A, G), dtype=wd)
        exact = np.random.Generator(np.random.PCG64(exact_seq))
        r = base
        if model.fixed_resources[t].any() or model.rule_totals[t].any():
            resources, _ = allocate_area_resources(model, t, np.moveaxis(n, 0, -1))
            poor_area, near_area = n[0].sum(axis=-1), n[1].sum(axis=-1)
            eligible_area = poor_area[..., None] * eligible[:, 0] + near_area[..., None] * eligible[:, 1]  # (C, A, K)
            covered = np.minimum(resources / costs, eligible_area)
            share = np.divide(covered, eligible_area, out=np.zeros(covered.shape), where=eligible_area > 0)
            keeps = keep_factors(share.astype(wd), eligible, effects)
            r = dict(base)
            r[PPN], r[PPO], r[PNP], r[PNO] = adjust_rates(base[PPN], base[PPO], base[PNP], base[PNO], keeps)
        households = n[0] + n[1]
        households += n[2]
        moved = _moves(n, r, z[:6], exact)
        moved += _formation(moved, households, base[GAMMA], model.entry, z[6], u, exact)
        n = moved
        for s_ in range(S):
            out[:, t + 1, :, :, s_] = n[s_]
    return out


# -- chunks and workers -------------------------------------------------------------------------

def _chunks(draws: int, size: int) -> Iterator[tuple[int, int, int]]:
    for i, start in enumerate(range(0, draws, size)):
        yield i, start, min(draws, start + size)


_WORKER_MODEL: CompiledModel | None = None


def _init_worker(model: CompiledModel) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _worker_chunk(args: tuple[ParameterSample, np.random.SeedSequence, type]) -> np.ndarray:
    assert _WORKER_MODEL is not None
    return simulate_chunk(_WORKER_MODEL, *args)


def run_draws(model: CompiledModel, params: Params, draws: int, seed: int, workers: int = 1) -> np.ndarray:
    """Monte Carlo stocks (D, Y, A, G, 3), int32 (int64 for cells above 100 million households).

    Same ``seed`` -> identical numbers for any ``workers``; see the module docstring.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ProjectionError(f"seed = {seed!r}: expected a whole number >= 0")
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ProjectionError(f"workers = {workers!r}: expected a whole number >= 1")
    if draws < 1:
        raise ProjectionError(f"draws = {draws!r}: expected a whole number >= 1")
    sample = sample_parameters(model, params, draws, int(seed))
    A, G, S = model.stocks0.shape
    dtype = np.int32 if float(np.max(model.stocks0, initial=0.0)) < 1e8 else np.int64
    size = chunk_size(A * G)
    chunks = list(_chunks(draws, size))
    seqs = np.random.SeedSequence(int(seed)).spawn(len(chunks))
    out = np.empty((draws, model.steps + 1, A, G, S), dtype=dtype)
    tasks = [(sample.chunk(start, stop), seqs[i], dtype) for i, start, stop in chunks]
    workers = min(int(workers), len(chunks))
    if workers == 1:
        for (i, start, stop), task in zip(chunks, tasks):
            out[start:stop] = simulate_chunk(model, *task)
        return out
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process (Jupyter)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                                initargs=(model,)) as pool:
        for (i, start, stop), result in zip(chunks, pool.map(_worker_chunk, tasks)):
            out[start:stop] = result
    return out
