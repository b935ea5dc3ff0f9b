"""The Monte Carlo sampler written in NumPy, whole arrays at a time: the reference the compiled
kernel (src/thidua_sim/model/_kernel.py) is checked against, bit for bit (tests/test_kernel.py).

This is the sampler thidua_sim ran before the kernel (commit c07d84f), kept here unchanged as a
second implementation of the rules of docs/model.md, "Monte Carlo": the package itself has one
implementation, the kernel. Not imported by the package.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special

from thidua_sim.model._coverage import divide_where
from thidua_sim.model._montecarlo import EXACT_BELOW_VARIANCE
from thidua_sim.model._stats import QUANTILES
from thidua_sim.model.engine import PNO, PNP, POP, PON, PPN, PPO


class _Work:
    """Scratch arrays of one chunk, reused every year (fewer allocations, fewer page faults)."""

    def __init__(self, shape: tuple[int, ...], dtype: type):
        self.a = np.empty(shape, dtype)
        self.b = np.empty(shape, dtype)
        self.c = np.empty(shape, dtype)
        self.small = np.empty(shape, bool)


def _invert(u: np.ndarray, pmf0: np.ndarray, factor: Callable[[int, np.ndarray], np.ndarray]) -> np.ndarray:
    """The smallest ``k`` with ``F(k) >= u`` per element (inversion of a distribution on 0, 1, ...
    with ``P(0) = pmf0`` and ``P(k) = P(k - 1) * factor(k, i)`` for the elements ``i``). Elements
    drop out as soon as they are placed, so the loop runs over fewer and fewer of them; it also
    stops where the running sum no longer grows (the float64 rounding of a tail below 1e-16)."""
    # k = 0 and 1 on whole arrays (most draws of a small variance end there), then the rest
    pm1 = pmf0 * factor(1, slice(None))
    cd1 = pmf0 + pm1
    x = ((u > pmf0) & (cd1 > pmf0)).astype(np.float64)
    i = np.flatnonzero((u > cd1) & (cd1 > pmf0))
    pm, cd, uu = pm1[i], cd1[i], u[i]
    k = 1
    while i.size:
        k += 1
        pm = pm * factor(k, i)
        new = cd + pm
        grew = new > cd  # a step that adds nothing (past n, or below the rounding) does not count
        x[i] = grew + (k - 1)
        go = (new < uu) & grew
        if not go.all():
            i, pm, new, uu = i[go], pm[go], new[go], uu[go]
        cd = new
    return x


def _exact_binomial(n: np.ndarray, p: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Binomial(n, p) exactly, by inversion of its distribution at ``Phi(z)`` (increasing in ``z``);
    for ``p > 1/2`` as ``n - Bin(n, 1 - p)`` at ``Phi(-z)``. For the cells of small variance: a
    few steps of the running sum each (fast where ``n p`` or ``n (1 - p)`` is small)."""
    n = n.astype(np.float64)
    p = p.astype(np.float64)
    flip = p > 0.5
    any_flip = bool(flip.any())  # outflow rates rarely exceed 1/2
    q = np.where(flip, 1.0 - p, p) if any_flip else p
    u = special.ndtr(np.where(flip, -z, z).astype(np.float64) if any_flip else z.astype(np.float64))
    ratio = q / (1.0 - q)
    x = _invert(u, np.exp(n * np.log1p(-q)), lambda k, i: (n[i] - (k - 1)) / k * ratio[i])
    np.minimum(x, n, out=x)
    return np.where(flip, n - x, x) if any_flip else x


def _exact_poisson(lam: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Poisson(lam) exactly, by inversion at ``Phi(z)`` (see :func:`_exact_binomial`)."""
    lam = lam.astype(np.float64)
    return _invert(special.ndtr(z.astype(np.float64)), np.exp(-lam), lambda k, i: lam[i] / k)


def _binomial(n: np.ndarray, p: np.ndarray, z: np.ndarray, out: np.ndarray | None = None,
              work: _Work | None = None) -> np.ndarray:
    """Binomial(n, p) per cell (``p`` broadcasts to ``n``) from the standard normals ``z``: exact
    (by inversion, :func:`_exact_binomial`) below EXACT_BELOW_VARIANCE, else the rounded
    Cornish-Fisher normal, clipped to [0, n]. Written into ``out`` (scratch from ``work``) when
    given."""
    work = work or _Work(n.shape, n.dtype)
    out = np.empty(n.shape, n.dtype) if out is None else out
    mean, sd, q6, small = work.a, work.b, work.c, work.small
    np.multiply(n, p, out=mean)
    np.multiply(mean, p, out=sd)
    np.subtract(mean, sd, out=sd)  # variance n p (1 - p)
    np.less(sd, EXACT_BELOW_VARIANCE, out=small)
    sd -= 1.0 / 12.0  # Sheppard's correction for the rounding
    np.maximum(sd, 0.0, out=sd)
    np.sqrt(sd, out=sd)
    if p.shape == n.shape:
        np.multiply(p, -1.0 / 3.0, out=q6)
        q6 += 1.0 / 6.0  # (1 - 2p) / 6
    else:  # rates shared by all areas: compute on their own small shape
        q6 = p * (-1.0 / 3.0)
        q6 += 1.0 / 6.0
    np.multiply(q6, z, out=out)
    out += sd
    out *= z
    out += mean
    out -= q6  # mean + sd z + (1 - 2p)(z^2 - 1) / 6
    np.rint(out, out=out)
    np.maximum(out, 0.0, out=out)  # clipped to [0, n]: as np.clip, without its wrapper's checks (twice as fast)
    np.minimum(out, n, out=out)
    idx = np.flatnonzero(small)
    if idx.size:
        p_flat = p.reshape(-1) if p.shape == n.shape else np.broadcast_to(p, n.shape).reshape(-1)
        out.reshape(-1)[idx] = _exact_binomial(n.reshape(-1).take(idx), p_flat.take(idx), z.reshape(-1).take(idx))
    return out


def _poisson(lam: np.ndarray, z: np.ndarray, out: np.ndarray | None = None,
             work: _Work | None = None) -> np.ndarray:
    """Poisson(lam) per cell from the normals ``z``: exact (by inversion) below
    EXACT_BELOW_VARIANCE, else Cornish-Fisher."""
    work = work or _Work(lam.shape, lam.dtype)
    out = np.empty(lam.shape, lam.dtype) if out is None else out
    sd, small = work.b, work.small
    np.less(lam, EXACT_BELOW_VARIANCE, out=small)
    np.subtract(lam, 1.0 / 12.0, out=sd)
    np.maximum(sd, 0.0, out=sd)
    np.sqrt(sd, out=sd)
    np.multiply(z, 1.0 / 6.0, out=out)
    out += sd
    out *= z
    out += lam
    out -= 1.0 / 6.0  # lam + sd z + (z^2 - 1) / 6
    np.rint(out, out=out)
    np.maximum(out, 0.0, out=out)
    idx = np.flatnonzero(small)
    if idx.size:
        out.reshape(-1)[idx] = _exact_poisson(lam.reshape(-1).take(idx), z.reshape(-1).take(idx))
    return out


def _conditional(p_second: np.ndarray, p_first: np.ndarray) -> np.ndarray:
    """Chance of the second outflow among households that did not take the first (in [0, 1])."""
    rest = 1.0 - p_first
    out = divide_where(p_second, rest, rest > 0, rest.shape, rest.dtype)
    return np.minimum(out, 1.0, out=out)


def _moves(stocks: np.ndarray, r: dict[int, np.ndarray], z: np.ndarray,
           out: np.ndarray | None = None, work: _Work | None = None) -> np.ndarray:
    """Stocks after one year of drawn moves: each row (P, N, O) a multinomial drawn as two
    sequential binomials.

    ``stocks`` (3, C, A, G) whole numbers as floats (state first); ``r[rate index]`` arrays that
    broadcast to (C, A, G); ``z`` (6, C, A, G) standard normals. Written into ``out`` when given.
    """
    work = work or _Work(stocks.shape[1:], stocks.dtype)
    out = np.empty_like(stocks) if out is None else out
    nP, nN, nO = stocks
    newP, newN, newO = out
    # each row: first outflow into out[...], the households left into the stock's own slot, then
    # the second outflow out of those (the slots are filled in an order that never overwrites a
    # value still needed)
    P_O = _binomial(nP, r[PPO], z[0], newO, work)  # poor escaping to other
    np.subtract(nP, P_O, out=newP)
    P_N = _binomial(newP, _conditional(r[PPN], r[PPO]), z[1], newN, work)  # ... to near-poor
    newP -= P_N  # poor staying poor
    N_P = _binomial(nN, r[PNP], z[2], None, work)  # near-poor falling back
    rest_N = nN - N_P
    N_O = _binomial(rest_N, _conditional(r[PNO], r[PNP]), z[3], None, work)  # ... escaping to other
    rest_N -= N_O
    newP += N_P
    newN += rest_N
    newO += N_O
    O_P = _binomial(nO, r[POP], z[4], None, work)  # newly poor
    rest_O = nO - O_P
    O_N = _binomial(rest_O, _conditional(r[PON], r[POP]), z[5], None, work)  # ... newly near-poor
    rest_O -= O_N
    newP += O_P
    newN += O_N
    newO += rest_O
    return out


def _formation(moved: np.ndarray, households: np.ndarray, gamma: np.ndarray, entry: np.ndarray | None,
               z: np.ndarray, u: np.ndarray, work: _Work | None = None) -> np.ndarray:
    """New households per state (3, C, A, G).

    Their number is Poisson with mean ``gamma * H`` (from the normals ``z``); they are split over
    states by systematic sampling with the uniform ``u``: with cumulative shares ``c1 = share_P``,
    ``c2 = share_P + share_N`` (of the cell after the moves, or the scenario's entry shares (G, 3)),
    ``new_P = ceil(T c1 - u)``, ``new_P + new_N = ceil(T c2 - u)``. Each state gets its expected
    number ``T * share`` rounded up or down, unbiased; the split varies less than a multinomial.
    """
    work = work or _Work(households.shape, households.dtype)
    total = _poisson(households * gamma, z, None, work)
    if entry is None:
        some = households > 0
        c1 = divide_where(moved[0], households, some, households.shape, households.dtype)
        c2 = divide_where(moved[0] + moved[1], households, some, households.shape, households.dtype)
    else:
        cum = np.cumsum(entry, axis=-1).astype(moved.dtype)  # (G, 3)
        c1, c2 = cum[:, 0], cum[:, 1]
    new = np.empty_like(moved)
    np.multiply(total, np.minimum(c1, 1.0), out=new[0])
    new[0] -= u
    np.ceil(new[0], out=new[0])  # new_P
    np.multiply(total, np.minimum(c2, 1.0), out=new[1])
    new[1] -= u
    np.ceil(new[1], out=new[1])  # new_P + new_N
    np.subtract(total, new[1], out=new[2])
    new[1] -= new[0]
    return new


# -- the streamed statistics of one year, in NumPy (model/_streaming.py before the kernel) ------

def reference_year_statistics(n, bounds, kinds, indices, shift, s1, s2, lo, hi, with_bins, scale, offset, n_bins,
                              bins, values, t, t_rows, t_measure, t_pos, rates):
    """What :func:`thidua_sim.model._kernel.year_statistics` computes, with whole-array NumPy, chunk
    after chunk (draws ``bounds[k]:bounds[k + 1]``): the measures of every population of the stack
    (sums over its cells), their running sums around ``shift``, extremes, and histogram bins (or
    values), and the target rates."""
    for k in range(len(bounds) - 1):
        c = slice(bounds[k], bounds[k + 1])
        _reference_chunk_statistics(n[:, c], kinds, indices, shift, s1, s2, lo, hi, with_bins, scale, offset,
                                    n_bins, bins[c] if with_bins else bins, values if with_bins else values[c], t,
                                    t_rows, t_measure, t_pos, rates[c])


def _reference_chunk_statistics(n, kinds, indices, shift, s1, s2, lo, hi, with_bins, scale, offset, n_bins, bins,
                                values, t, t_rows, t_measure, t_pos, rates):
    S, C, A, G = n.shape
    flat = n.reshape(S, C, A * G).astype(np.float64)
    counts = np.empty((S, C, len(kinds)))
    for q, (kind, index) in enumerate(zip(kinds, indices)):
        if kind == 0:
            counts[:, :, q] = flat.sum(axis=-1)
        elif kind == 1:
            counts[:, :, q] = flat[:, :, index::G].sum(axis=-1)
        elif kind == 2:
            counts[:, :, q] = flat[:, :, index * G:(index + 1) * G].sum(axis=-1)
        else:
            counts[:, :, q] = flat[:, :, index]
    h = counts[0] + counts[1] + counts[2]
    whole = np.maximum(h, 1.0)
    V = np.concatenate([counts, h[None], (counts[0] / whole * 100.0)[None], (counts[1] / whole * 100.0)[None]])
    d = V - shift[:, None, :]
    s1 += d.sum(axis=1)
    s2 += (d * d).sum(axis=1)
    np.minimum(lo, V.min(axis=1), out=lo)
    np.maximum(hi, V.max(axis=1), out=hi)
    if with_bins:
        b = np.clip(V * scale[:, None, :] + offset[:, None, :], 0.0, n_bins + 1)
        bins[:, t] = b.astype(bins.dtype).transpose(1, 0, 2)
    else:
        values[:, t] = V.transpose(1, 0, 2)
    for row, m, q in zip(t_rows, t_measure, t_pos):
        rates[:, row] = V[m, :, q]


def reference_step_year(n, pPN, pPO, pNP, pNO, pOP, pON, gamma, shares, z, u, out):
    """What :func:`thidua_sim.model._kernel.step_year` computes, with the NumPy sampler above, on
    cells laid out (3, cells) with the group of cell ``i`` being ``i % G``: the moves, then the new
    households, split by the cells' own shares or by ``shares`` (G, 3), the scenario's entry
    shares."""
    r = {PPN: pPN, PPO: pPO, PNP: pNP, PNO: pNO, POP: pOP, PON: pON}
    moved = _moves(n, r, z[:6])
    households = n[0] + n[1] + n[2]
    if shares is None:
        out[...] = moved + _formation(moved, households, gamma, None, z[6], u)
        return
    G = shares.shape[0]
    by_group = (3, n.shape[1] // G, G)  # _formation's entry shares broadcast over the last axis
    new = _formation(moved.reshape(by_group), households.reshape(by_group[1:]), gamma.reshape(by_group[1:]),
                     shares, z[6].reshape(by_group[1:]), u.reshape(by_group[1:]))
    out[...] = moved + new.reshape(moved.shape)


def reference_hist_quantiles(hist: np.ndarray, start: np.ndarray, width: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    draws: int, block: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles (Q, N) and the width of the bin each was read in, from counts (N, B + 2): the NumPy
    version the package ran before :func:`thidua_sim.model._kernel.hist_quantiles` (commit 60aa696)."""
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
