"""The Monte Carlo's compiled inner loops (Numba): one pass over a chunk's cells per year.

The sampler of docs/model.md, "Monte Carlo", and of :mod:`._montecarlo` (its rules are written
out there), compiled: every cell's six household moves (two sequential binomials per row) and its
new households are drawn in one pass over memory, from the normals and uniforms drawn for the
chunk (NumPy's, by :mod:`._variates`), instead of some forty whole-array NumPy passes. :func:`year_statistics` does the same for
the streamed statistics of :mod:`._streaming` (counts, households and rates of every population,
their running sums, extremes and histogram bins), :func:`add_counts` counts bins into the
histograms and :func:`hist_quantiles` reads the quantiles off them.

Why compiled: the national run (10,600 areas x 2 groups x 4 transitions x 1,000 draws) spent
three quarters of its time in the NumPy passes around the random numbers it draws (bench/
bench_scale.py, part ``floor``); a fused pass is bound by the random numbers themselves.

The numbers are the NumPy sampler's, bit for bit: the same operations in the same order and the
same precision (the working dtype of the chunk, float32 or float64, with every constant of that
dtype: ``K``), and the exact small-variance draws in float64 as before. Only the normal
distribution function ``Phi`` (the C library's erf and erfc) differs from SciPy's ``ndtr`` in
the last bits (measured: at most 36 units in the last place below z = -5, 12 on [-5, -0.5], 2
above), which changes an exact draw only where ``Phi(z)`` falls that close to a step of the
distribution function, about 1e-15 of the draws. tests/test_kernel.py compares the kernel with
the NumPy reference (tests/_reference_sampler.py), cell by cell and on whole runs.

Most exact draws are the distribution's k = 0 (``Phi(z) <= P(0)``). The vector loop of the normal
approximation decides most of those without erf, exp or log1p, only where it is sure: log Phi(z)
bounded above by a table (:data:`_LOG_PHI`, Phi being increasing), log P(0) bounded below by its
series, with a margin far above rounding. Where it is not sure, the exact draw decides, so the
numbers are the same bit for bit; it halves the cost of the exact draws.

Compiled on first use and cached on disk (``cache=True``: Numba's cache next to this file, or in
``NUMBA_CACHE_DIR``), so a new process loads the machine code in a fraction of a second.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba.extending import overload

__all__ = ["constants", "step_year", "moves", "binomial", "poisson", "formation", "year_statistics",
           "add_counts", "hist_quantiles", "order_statistics", "BLOCK", "STACK_BLOCK"]

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}
_SQRT1_2 = 0.7071067811865476


def constants(dtype: type, exact_below: float) -> np.ndarray:
    """The sampler's constants in the working ``dtype`` (so that arithmetic stays in it):
    Sheppard's 1/12, -1/3 and 1/6 of the Cornish-Fisher term, the exact-draw threshold, 0, 1."""
    return np.array([1.0 / 12.0, -1.0 / 3.0, 1.0 / 6.0, exact_below, 0.0, 1.0], dtype=dtype)


@numba.njit(**_JIT)
def _ndtr(a):
    """Phi(a) by the formula of SciPy's ``ndtr``, with the C library's erf and erfc."""
    x = a * _SQRT1_2
    z = abs(x)
    if z < 1.0:
        return 0.5 + 0.5 * math.erf(x)
    y = 0.5 * math.erfc(z)
    return 1.0 - y if x > 0.0 else y


_GRID_LO, _GRID_STEP, _GRID_CELLS = -8.0, 1.0 / 256.0, 4096
_LOG_PHI = np.log(np.array([_ndtr.py_func(_GRID_LO + i * _GRID_STEP) for i in range(_GRID_CELLS + 1)]))
"""log Phi at the grid points -8, -8 + 1/256, ..., 8 (:func:`_ndtr`'s formula run by Python, on
Python's erf and erfc): Phi is increasing, so for z in [z_i, z_(i+1)] log Phi(z) <=
_LOG_PHI[i + 1] (:func:`_log_phi_above`)."""
_MARGIN = 1e-9
"""Absolute margin (in log) of the sure-zero bounds, far above the float64 rounding of
log Phi, exp and log1p (about 1e-15) and the gap between libm's and Python's erf."""


@numba.njit(**_JIT)
def _log_phi_above(z):
    """An upper bound of log Phi(z) for float64 ``z`` (0 outside the table: no bound)."""
    t = (z - _GRID_LO) * 256.0  # exact for a float32 z: its bits fit a float64 with room
    inside = (t >= 0.0) & (t < _GRID_CELLS)
    i = int(min(max(t, 0.0), _GRID_CELLS - 1.0))
    return _LOG_PHI[i + 1] + _MARGIN if inside else 0.0


@numba.njit(**_JIT)
def _surely_none_binomial(n_w, p_w, z_w):
    """True where the exact Binomial(n, p) at Phi(z) (:func:`_exact_binomial`) is surely its k = 0
    case (u <= P(0)), decided without erf, exp or log1p: log Phi(z) from a table bound above,
    log P(0) = n log1p(-q) bound below by -n (q + q^2/2 + q^3 / (3 (1 - q))). Branch free, so that
    the loop deciding it runs on whole SIMD registers; False leaves the exact draw to decide."""
    n = np.float64(n_w)
    p = np.float64(p_w)
    z = np.float64(z_w)
    flip = p > 0.5
    q = 1.0 - p if flip else p
    q2 = q * q
    log_p0 = -n * (q + 0.5 * q2 + q2 * q / (3.0 * max(1.0 - q, 0.5))) * (1.0 + 1e-12) - _MARGIN
    return _log_phi_above(-z if flip else z) < log_p0


@numba.njit(**_JIT)
def _surely_none_poisson(lam_w, z_w):
    """True where the exact Poisson(lam) at Phi(z) is surely 0 (log Phi(z) < -lam, bounded as in
    :func:`_surely_none_binomial`)."""
    lam = np.float64(lam_w)
    return _log_phi_above(np.float64(z_w)) < -lam * (1.0 + 1e-12) - _MARGIN


@numba.njit(**_JIT)
def _invert(u, pmf0, c0, c1, r):
    """Smallest k with F(k) >= u for a distribution on 0, 1, ... with P(0) = pmf0 and
    P(k) = P(k - 1) (c0 - c1 (k - 1)) / k r: Binomial(n, q) with (c0, c1, r) = (n, 1, q / (1 - q)),
    Poisson(lam) with (lam, 0, 1). Stops where the running sum no longer grows (past n, or below
    the float64 rounding of the tail), as the NumPy sampler's ``_invert``."""
    pm = pmf0 * ((c0 - c1 * 0.0) / 1.0 * r)
    cd = pmf0 + pm
    x = 1.0 if (u > pmf0 and cd > pmf0) else 0.0
    if not (u > cd and cd > pmf0):
        return x
    k = 1
    while True:
        k += 1
        pm = pm * ((c0 - c1 * (k - 1)) / k * r)
        new = cd + pm
        grew = new > cd
        x = (1.0 if grew else 0.0) + (k - 1)
        if not (new < u and grew):
            return x
        cd = new


@numba.njit(**_JIT)
def _exact_binomial(n_w, p_w, z_w):
    """Binomial(n, p) by inversion at Phi(z), in float64; for p > 1/2 as n - Bin(n, 1 - p) at Phi(-z)."""
    n = np.float64(n_w)
    if n == 0.0:  # nothing to draw (the inversion would give 0 too)
        return 0.0
    p = np.float64(p_w)
    z = np.float64(z_w)
    flip = p > 0.5
    q = 1.0 - p if flip else p
    u = _ndtr(-z if flip else z)
    pmf0 = math.exp(n * math.log1p(-q))
    if u <= pmf0:  # k = 0, as the inversion finds it (the running sum starts at P(0))
        return n if flip else 0.0
    ratio = q / (1.0 - q)
    x = _invert(u, pmf0, n, 1.0, ratio)
    x = min(x, n)
    return n - x if flip else x


@numba.njit(**_JIT)
def _binomial(n, p, z, K):
    """One Binomial(n, p) from the normal z: exact below the threshold K[3] of variance, else the
    rounded Cornish-Fisher normal clipped to [0, n] (in the dtype of n, p, z and K)."""
    if _small(n, p, K):
        return _cast(_exact_binomial(n, p, z), K)
    return _normal_binomial(n, p, z, K)


def _cast(x, K):
    """float64 ``x`` (a whole number) as a scalar of K's dtype (compiled by :func:`_cast_impl`)."""
    raise NotImplementedError("only inside compiled code")


@overload(_cast, jit_options={"cache": True})
def _cast_impl(x, K):
    if K.dtype == numba.float32:
        return lambda x, K: np.float32(x)
    return lambda x, K: np.float64(x)


@numba.njit(**_JIT)
def _normal_poisson(lam, z, K):
    """The rounded Cornish-Fisher Poisson, at least 0 (no branch)."""
    sd = np.sqrt(max(lam - K[0], K[4]))
    x = z * K[2]
    x = x + sd
    x = x * z
    x = x + lam
    x = x - K[2]
    x = np.rint(x)
    return max(x, K[4])


@numba.njit(**_JIT)
def _exact_poisson(lam, z, K):
    """Poisson(lam) by inversion at Phi(z), in float64, as a scalar of K's dtype."""
    lam64 = np.float64(lam)
    u = _ndtr(np.float64(z))
    pmf0 = math.exp(-lam64)
    if u <= pmf0:  # k = 0, as the inversion finds it
        return K[4]
    return _cast(_invert(u, pmf0, lam64, 0.0, 1.0), K)


@numba.njit(**_JIT)
def _poisson(lam, z, K):
    """One Poisson(lam): exact below the threshold K[3], else Cornish-Fisher."""
    return _exact_poisson(lam, z, K) if lam < K[3] else _normal_poisson(lam, z, K)


@numba.njit(**_JIT)
def _conditional(p_second, p_first, K):
    """Chance of the second outflow among households that did not take the first (0 where none
    stay), at most 1."""
    rest = K[5] - p_first
    some = rest > K[4]
    out = p_second / (rest if some else K[5])
    return min(out if some else K[4], K[5])


@numba.njit(**_JIT)
def _normal_binomial(n, p, z, K):
    """The rounded Cornish-Fisher binomial, clipped to [0, n] (no branch: the loops calling it
    run on whole SIMD registers); the exact draws are put in afterwards."""
    mean = n * p
    var = mean - mean * p
    sd = np.sqrt(max(var - K[0], K[4]))
    q6 = p * K[1] + K[2]
    x = q6 * z
    x = x + sd
    x = x * z
    x = x + mean
    x = x - q6
    x = np.rint(x)
    return min(max(x, K[4]), n)


@numba.njit(**_JIT)
def _small(n, p, K):
    mean = n * p
    return mean - mean * p < K[3]


@numba.njit(**_JIT)
def _draw(n, p, z, K, out, flag, m):
    """Binomials of the ``m`` cells of a block (its rows, indexed from 0): the normal approximation
    for all and, in the same vector loop, the exact draw's sure zeros (:func:`_surely_none_binomial`:
    about two thirds of the exact draws of the national run); then the exact draw where the
    variance is small and the draw is not surely its k = 0."""
    some = False
    for j in range(m):
        x = _normal_binomial(n[j], p[j], z[j], K)
        small = _small(n[j], p[j], K)
        none = small & _surely_none_binomial(n[j], p[j], z[j])
        out[j] = (n[j] if np.float64(p[j]) > 0.5 else K[4]) if none else x
        small = small & ~none
        flag[j] = small
        some |= small
    if some:
        for j in range(m):
            if flag[j]:
                out[j] = _cast(_exact_binomial(n[j], p[j], z[j]), K)


BLOCK = 1024
"""Cells per block of :func:`step_year` (its scratch rows stay in the first-level cache)."""


@numba.njit(**_JIT)
def _scratch(dt):
    """Scratch rows of one block: the six flows, households, a conditional chance, a rest, and
    the new households' mean and total, and the exact-draw flags."""
    return np.empty((11, BLOCK), dt), np.empty(BLOCK, np.bool_)


@numba.njit(**_JIT)
def _move_block(n, pPN, pPO, pNP, pNO, pOP, pON, z, K, b0, b1, rows, flag, out):
    """Drawn moves of the cells ``b0:b1``: each row (P, N, O) a multinomial drawn as two sequential
    binomials (first outflow, then the second among those that stayed), every move over the whole
    block; the stocks after the moves into ``out`` and the households before them into
    ``rows[6]``."""
    m = b1 - b0
    P_O, P_N, N_P, N_O, O_P, O_N, households, cond, rest = (rows[0], rows[1], rows[2], rows[3], rows[4], rows[5],
                                                            rows[6], rows[7], rows[8])
    nP = n[0, b0:b1]
    nN = n[1, b0:b1]
    nO = n[2, b0:b1]
    _draw(nP, pPO[b0:b1], z[0, b0:b1], K, P_O, flag, m)  # poor escaping to other
    for j in range(m):
        rest[j] = nP[j] - P_O[j]
        cond[j] = _conditional(pPN[b0 + j], pPO[b0 + j], K)
    _draw(rest, cond, z[1, b0:b1], K, P_N, flag, m)  # ... to near-poor
    _draw(nN, pNP[b0:b1], z[2, b0:b1], K, N_P, flag, m)  # near-poor falling back
    for j in range(m):
        rest[j] = nN[j] - N_P[j]
        cond[j] = _conditional(pNO[b0 + j], pNP[b0 + j], K)
    _draw(rest, cond, z[3, b0:b1], K, N_O, flag, m)  # ... escaping to other
    _draw(nO, pOP[b0:b1], z[4, b0:b1], K, O_P, flag, m)  # newly poor
    for j in range(m):
        rest[j] = nO[j] - O_P[j]
        cond[j] = _conditional(pON[b0 + j], pOP[b0 + j], K)
    _draw(rest, cond, z[5, b0:b1], K, O_N, flag, m)  # ... newly near-poor
    for j in range(m):
        i = b0 + j
        households[j] = nP[j] + nN[j]
        households[j] = households[j] + nO[j]
        out[0, i] = nP[j] - P_O[j] - P_N[j] + N_P[j] + O_P[j]  # whole numbers: exact in any order
        out[1, i] = P_N[j] + (nN[j] - N_P[j] - N_O[j]) + O_N[j]
        out[2, i] = P_O[j] + N_O[j] + (nO[j] - O_P[j] - O_N[j])


@numba.njit(**_JIT)
def step_year(n, pPN, pPO, pNP, pNO, pOP, pON, gamma, entry, use_entry, z, u, K, out):
    """One year of drawn moves and new households for every cell of a chunk.

    ``n``, ``out``: (3, cells) whole numbers, state first, before and after; the rates and
    ``gamma``: (cells,); ``z``: (7, cells) normals (six moves, then new households); ``u``:
    (cells,) uniforms of the split of new households; ``entry``: (G, 2) cumulative entry shares
    (used when ``use_entry``), the group of cell ``i`` being ``i % G``; ``K``: :func:`constants`.
    Cells are drawn a block at a time (:data:`BLOCK`): the moves (:func:`_move_block`), then the
    new households (:func:`_add_new_households`).
    """
    rows, flag = _scratch(K.dtype)
    for b0 in range(0, n.shape[1], BLOCK):
        b1 = min(n.shape[1], b0 + BLOCK)
        _move_block(n, pPN, pPO, pNP, pNO, pOP, pON, z, K, b0, b1, rows, flag, out)
        _add_new_households(out, rows[6], gamma, z[6], u, entry, use_entry, K, b0, b1, rows[9], rows[10], flag, out)


@numba.njit(**_JIT)
def moves(n, pPN, pPO, pNP, pNO, pOP, pON, z, K, out):
    """The drawn moves alone (no new households), as :func:`step_year` draws them."""
    rows, flag = _scratch(K.dtype)
    for b0 in range(0, n.shape[1], BLOCK):
        b1 = min(n.shape[1], b0 + BLOCK)
        _move_block(n, pPN, pPO, pNP, pNO, pOP, pON, z, K, b0, b1, rows, flag, out)


@numba.njit(**_JIT)
def _add_new_households(moved, households, gamma, z, u, entry, use_entry, K, b0, b1, lam, total, flag, out):
    """Add the new households of cells ``b0:b1`` to ``out`` (3, cells). Their number is
    Poisson(gamma H) (``households`` indexed from 0 for the block, the rest by cell); they are
    split over the states by systematic sampling with ``u``, by the cumulative shares of the
    ``moved`` stocks (or ``entry``'s shares, by group ``i % G``): ``new_P = ceil(T c1 - u)``,
    ``new_P + new_N = ceil(T c2 - u)``. ``lam``, ``total``, ``flag``: scratch rows."""
    G = entry.shape[0]
    m = b1 - b0
    some = False
    for j in range(m):
        lam[j] = households[j] * gamma[b0 + j]
        x = _normal_poisson(lam[j], z[b0 + j], K)
        small = lam[j] < K[3]
        none = small & _surely_none_poisson(lam[j], z[b0 + j])  # the exact draw's 0, decided here
        total[j] = K[4] if none else x
        small = small & ~none
        flag[j] = small
        some |= small
    if some:
        for j in range(m):
            if flag[j]:
                total[j] = _exact_poisson(lam[j], z[b0 + j], K)
    for j in range(m):
        i = b0 + j
        if use_entry:
            c1 = entry[i % G, 0]
            c2 = entry[i % G, 1]
        else:
            h = households[j]
            some_h = h > K[4]
            den = h if some_h else K[5]
            c1 = moved[0, i] / den if some_h else K[4]
            c2 = (moved[0, i] + moved[1, i]) / den if some_h else K[4]
        new0 = np.ceil(total[j] * min(c1, K[5]) - u[i])
        upto1 = np.ceil(total[j] * min(c2, K[5]) - u[i])
        out[0, i] += new0
        out[1, i] += upto1 - new0
        out[2, i] += total[j] - upto1


@numba.njit(**_JIT)
def binomial(n, p, z, K, out):
    """Elementwise :func:`_binomial` (arrays of one shape, flat): the sampler's binomial on its own."""
    for i in range(n.shape[0]):
        out[i] = _binomial(n[i], p[i], z[i], K)


@numba.njit(**_JIT)
def poisson(lam, z, K, out):
    """Elementwise :func:`_poisson`."""
    for i in range(lam.shape[0]):
        out[i] = _poisson(lam[i], z[i], K)


@numba.njit(**_JIT)
def formation(moved, households, gamma, z, u, entry, use_entry, K, out):
    """New households per state added to ``out`` (3, cells), as :func:`step_year` adds them (on
    their own, for tests)."""
    rows, flag = _scratch(K.dtype)
    cells = households.shape[0]
    for b0 in range(0, cells, BLOCK):
        b1 = min(cells, b0 + BLOCK)
        _add_new_households(moved, households[b0:b1], gamma, z, u, entry, use_entry, K, b0, b1, rows[9], rows[10],
                            flag, out)


# -- streamed statistics ------------------------------------------------------------------------

@numba.njit(**_JIT, fastmath={"reassoc"})
def _whole_sum(row, start, step):
    """Sum of ``row[start::step]`` in float64. The rows are whole numbers and so are their sums
    (below 2^53), exactly, in any order: the compiler may reorder the additions (``reassoc``) and
    run them on SIMD registers, with the numbers of the sequential sum."""
    acc = 0.0
    for i in range(start, row.shape[0], step):
        acc += row[i]
    return acc


@numba.njit(**_JIT)
def _counts(nf, c, kind, index, G, out):
    """Poor, near-poor and other households of one population of draw ``c`` (float64, exact) from
    the stocks ``nf`` (3, C, A * G): kind 0 the district, 1 group ``index``, 2 area ``index``, 3
    cell ``index`` (= a * G + g)."""
    cells = nf.shape[2]
    for s in range(3):
        acc = 0.0
        if kind == 0:
            acc = _whole_sum(nf[s, c], 0, 1)
        elif kind == 1:
            acc = _whole_sum(nf[s, c], index, G)
        elif kind == 2:
            for g in range(G):
                acc += nf[s, c, index * G + g]
        else:
            acc = np.float64(nf[s, c, index])
        out[s] = acc


@numba.njit(**_JIT)
def _measures(nf, c, kind, index, G, v):
    """The six measures of a population (counts P, N, O, households, poor and near-poor rates in
    percent) of draw ``c`` into ``v``, as :func:`._stats.measures` defines them."""
    _counts(nf, c, kind, index, G, v)
    h = v[0] + v[1]
    h = h + v[2]
    v[3] = h
    whole = max(h, 1.0)  # whole numbers: P / max(H, 1) is P / H, and 0 where H = 0
    v[4] = v[0] / whole * 100.0
    v[5] = v[1] / whole * 100.0


@numba.njit(**_JIT)
def _row_statistics(first, x_, s_, d1, d2, mn, mx, w):
    """Running sums of ``x - s`` and its square and the extremes of one row of ``w`` statistics,
    started by the chunk's first draw (``first``) or added to."""
    if first:
        for j in range(w):
            x = x_[j]
            d = x - s_[j]
            d1[j] = d
            d2[j] = d * d
            mn[j] = x
            mx[j] = x
    else:
        for j in range(w):
            x = x_[j]
            d = x - s_[j]
            d1[j] += d
            d2[j] += d * d
            mn[j] = min(mn[j], x)
            mx[j] = max(mx[j], x)


@numba.njit(**_JIT)
def _row_bins(x_, scale, offset, top, out, w):
    """Histogram bins ``clip(x * scale + offset, 0, top)``, truncated, of one row of statistics."""
    for j in range(w):
        b = x_[j] * scale[j]
        b = b + offset[j]
        out[j] = int(min(max(b, 0.0), top))


STACK_BLOCK = 2048
"""Populations per block of :func:`year_statistics` (its scratch rows, about 0.5 MB, stay in the
second-level cache; 256 was about 10 % slower on the national run)."""


@numba.njit(**_JIT)
def year_statistics(n, bounds, kinds, indices, shift, s1, s2, lo, hi, with_bins, scale, offset, n_bins, bins,
                    values, t, t_rows, t_measure, t_pos, rates):
    """Reduce one year of the stocks ``n`` (3, C, A, G) of one or more chunks of draws (chunk ``k``:
    draws ``bounds[k]:bounds[k + 1]``) to the statistics of the stack of populations (``kinds``,
    ``indices``: see :func:`_counts`), as :mod:`._streaming` describes.

    For each measure m and population q: ``s1[m, q] += sum_c (x - shift[m, q])``, ``s2`` the same of
    the squares (each chunk's sum first, then added, chunk after chunk: the order of the NumPy
    reduction chunk by chunk), ``lo`` and ``hi`` the extremes; with ``with_bins`` the bin
    ``clip(x * scale + offset, 0, n_bins + 1)`` of each draw into ``bins[c, t, m, q]``, else the
    values into ``values[c, t, m, q]``. Target rates: ``rates[c, row]`` gets measure ``t_measure[j]``
    of population ``t_pos[j]`` for row ``t_rows[j]``. The populations are taken a block at a time,
    every draw of every chunk, each measure over the whole block: the block's running sums are read
    and written once for all the chunks (with one chunk a call they were the memory traffic).
    """
    S, C, A, G = n.shape
    nf = n.reshape(S, C, A * G)
    M = shift.shape[0]
    Q = kinds.shape[0]
    W = STACK_BLOCK
    v = np.empty(6)
    V = np.empty((6, W))
    d1 = np.empty((6, W))
    d2 = np.empty((6, W))
    mn = np.empty((6, W))
    mx = np.empty((6, W))
    top = np.float64(n_bins + 1)
    runs = np.empty(W + 1, np.int64)
    groups = np.empty((3, G))
    for q0 in range(0, Q, W):
        w = min(Q, q0 + W) - q0
        n_runs = _runs(kinds, indices, q0, w, runs)
        for k in range(bounds.shape[0] - 1):
            _block_statistics(nf, bounds[k], bounds[k + 1], q0, w, kinds, indices, runs, n_runs, G, M, shift,
                              with_bins, scale, offset, top, bins, values, t, groups, V, d1, d2, mn, mx)
            for m in range(M):  # the chunk's sums added in: one array a loop (on SIMD registers)
                _add_row(s1[m, q0:q0 + w], d1[m], w)
                _add_row(s2[m, q0:q0 + w], d2[m], w)
                _min_row(lo[m, q0:q0 + w], mn[m], w)
                _max_row(hi[m, q0:q0 + w], mx[m], w)
    for j in range(t_rows.shape[0]):
        q = t_pos[j]
        for c in range(C):
            _measures(nf, c, kinds[q], indices[q], G, v)
            rates[c, t_rows[j]] = v[t_measure[j]]


@numba.njit(**_JIT)
def _add_row(acc, x, w):
    """``acc[:w] += x[:w]``."""
    for j in range(w):
        acc[j] += x[j]


@numba.njit(**_JIT)
def _min_row(acc, x, w):
    """``acc[:w] = min(acc[:w], x[:w])`` (the extremes are never NaN: whole numbers and rates)."""
    for j in range(w):
        acc[j] = min(acc[j], x[j])


@numba.njit(**_JIT)
def _max_row(acc, x, w):
    """``acc[:w] = max(acc[:w], x[:w])``."""
    for j in range(w):
        acc[j] = max(acc[j], x[j])


@numba.njit(**_JIT)
def _runs(kinds, indices, q0, w, runs):
    """Split the block ``q0:q0 + w`` of the stack into runs of populations of one kind with
    consecutive indices (the whole stack of a run is four such runs: the district, the groups, the
    areas, the cells): run ``r`` is ``runs[r]:runs[r + 1]`` (block positions). Returns the number
    of runs."""
    n_runs = 0
    runs[0] = 0
    for j in range(1, w):
        q = q0 + j
        if kinds[q] != kinds[q - 1] or indices[q] != indices[q - 1] + 1:
            n_runs += 1
            runs[n_runs] = j
    n_runs += 1
    runs[n_runs] = w
    return n_runs


@numba.njit(**_JIT, fastmath={"reassoc"})
def _group_sums(nf, c, G, out):
    """Poor, near-poor and other households of each group of draw ``c`` into ``out`` (3, G), in
    float64, one pass over the cells (whole numbers: exact in any order, as :func:`_whole_sum`)."""
    for s in range(3):
        row = nf[s, c]
        if G == 2:  # the groups of every run (dtts, other): two running sums, on SIMD registers
            a0 = 0.0
            a1 = 0.0
            for i in range(0, row.shape[0] - 1, 2):
                a0 += row[i]
                a1 += row[i + 1]
            out[s, 0] = a0
            out[s, 1] = a1
        else:
            for g in range(G):
                out[s, g] = _whole_sum(row, g, G)


@numba.njit(**_JIT)
def _block_statistics(nf, c0, c1, q0, w, kinds, indices, runs, n_runs, G, M, shift, with_bins, scale, offset, top,
                      bins, values, t, groups, V, d1, d2, mn, mx):
    """:func:`year_statistics` of the block ``q0:q0 + w`` of the stack (its runs: :func:`_runs`) for
    the draws ``c0:c1`` (one chunk): their sums and extremes into ``d1, d2, mn, mx`` (started by the
    chunk's first draw). The counts of a run of cells or areas are read off the stocks' consecutive
    cells in one loop (no lookup per population); the district and the groups come from one pass
    over the cells, the same whole-number sums as :func:`_counts` makes."""
    for c in range(c0, c1):
        summed = False  # the group sums of draw c (for the district and the groups), made once
        for r in range(n_runs):
            j0, j1 = runs[r], runs[r + 1]
            kind = kinds[q0 + j0]
            first = indices[q0 + j0] - j0  # population j of the run has index first + j
            if kind == 3:  # cells
                for s in range(3):
                    row = nf[s, c]
                    for j in range(j0, j1):
                        V[s, j] = row[first + j]
            elif kind == 2:  # areas: the sum over each area's groups, as _counts adds them
                for s in range(3):
                    row = nf[s, c]
                    if G == 2:
                        for j in range(j0, j1):
                            acc = 0.0
                            acc += row[(first + j) * 2]
                            acc += row[(first + j) * 2 + 1]
                            V[s, j] = acc
                    else:
                        for j in range(j0, j1):
                            acc = 0.0
                            for g in range(G):
                                acc += row[(first + j) * G + g]
                            V[s, j] = acc
            else:  # the district (kind 0) or groups (kind 1)
                if not summed:
                    _group_sums(nf, c, G, groups)
                    summed = True
                for s in range(3):
                    for j in range(j0, j1):
                        if kind == 1:
                            V[s, j] = groups[s, first + j]
                        else:
                            acc = 0.0
                            for g in range(G):
                                acc += groups[s, g]
                            V[s, j] = acc
        for j in range(w):
            h = V[0, j] + V[1, j]
            h = h + V[2, j]
            V[3, j] = h
            whole = max(h, 1.0)  # whole numbers: P / max(H, 1) is P / H, and 0 where H = 0
            V[4, j] = V[0, j] / whole * 100.0
            V[5, j] = V[1, j] / whole * 100.0
        for m in range(M):
            _row_statistics(c == c0, V[m], shift[m, q0:q0 + w], d1[m], d2[m], mn[m], mx[m], w)
            if with_bins:
                _row_bins(V[m], scale[m, q0:q0 + w], offset[m, q0:q0 + w], top, bins[c, t, m, q0:q0 + w], w)
            else:
                values[c, t, m, q0:q0 + w] = V[m, :w]


@numba.njit(**_JIT)
def add_counts(hist, bins, block):
    """``hist[s, bins[d, s]] += 1`` for every draw ``d`` and statistic ``s``, a block of statistics
    at a time over every draw (the block of the histogram stays in cache)."""
    D, N = bins.shape
    width = hist.shape[1]
    flat = hist.reshape(-1)
    for start in range(0, N, block):
        stop = min(N, start + block)
        d = 0
        while d + 3 < D:  # four draws a pass: a quarter of the loop's own work (0.8 ns an increment, not 1.1-1.4)
            r0, r1, r2, r3 = bins[d], bins[d + 1], bins[d + 2], bins[d + 3]
            for s in range(start, stop):
                base = s * width
                flat[base + r0[s]] += 1
                flat[base + r1[s]] += 1
                flat[base + r2[s]] += 1
                flat[base + r3[s]] += 1
            d += 4
        while d < D:
            row = bins[d]
            for s in range(start, stop):
                flat[s * width + row[s]] += 1
            d += 1


@numba.njit(**_JIT)
def _quantile_in_bin(j, before, inside, rank, nb, st, w, mn, mx, top):
    """The quantile at ``rank`` in bin ``j`` (``before`` draws in the bins below, ``inside`` in it) and
    the width of that bin, clipped to the extremes ``mn``, ``mx``."""
    frac = min(max((rank - before) / max(inside, 1), 0.0), 1.0)
    if j == 0:
        left, right = mn, min(st, mx)
    elif j == nb - 1:
        left, right = top, mx
    else:
        left, right = st + w * (j - 1), st + w * j
    left = max(left, mn)
    right = max(min(right, mx), left)
    return left + frac * (right - left), right - left


@numba.njit(**_JIT)
def hist_quantiles(hist, start, width, lo, hi, draws, quantiles, out, err):
    """Quantiles ``out[i, s]`` of each statistic ``s`` from its histogram ``hist[s]`` (under-flow bin,
    ``B`` bins of ``width[s]`` from ``start[s]``, over-flow bin) and its exact extremes ``lo``, ``hi``,
    read off the piecewise-linear distribution function at NumPy's rank ``(draws - 1) q + 1/2``;
    ``err[i, s]`` is the width of the bin the quantile fell in (clipped to the extremes). One pass
    over a row's counts for all the ``quantiles`` (ascending) (the rule of :mod:`._streaming`,
    "quantiles"): quantile ``i`` is in the first bin whose running count exceeds its rank, or in
    the last bin."""
    N, nb = hist.shape
    nq = quantiles.shape[0]
    B = nb - 2
    ranks = np.empty(nq)
    for i in range(nq):
        ranks[i] = (draws - 1) * quantiles[i] + 0.5
    for s in range(N):
        st, w, mn, mx = start[s], width[s], lo[s], hi[s]
        top = st + w * B
        acc = 0
        i = 0
        for b in range(nb):
            h = np.int64(hist[s, b])
            before = acc
            acc += h
            while i < nq and acc > ranks[i]:
                out[i, s], err[i, s] = _quantile_in_bin(b, before, h, ranks[i], nb, st, w, mn, mx, top)
                i += 1
            if i == nq:
                break
        while i < nq:  # ranks at or past every draw: the last bin
            h = np.int64(hist[s, nb - 1])
            out[i, s], err[i, s] = _quantile_in_bin(nb - 1, acc - h, h, ranks[i], nb, st, w, mn, mx, top)
            i += 1


SELECT_BINS = 1024
"""Bins of :func:`order_statistics`'s one counting pass per row."""


@numba.njit(**_JIT)
def order_statistics(rows, kth, out):
    """``out[r, j]``: the ``kth[j]``-th smallest (0-based; ``kth`` ascending) of the finite values
    of ``rows[r]``, the value ``np.partition(rows[r], kth)[kth[j]]`` holds. Three passes a row: its
    extremes; a count of its values in SELECT_BINS equal bins (the bin is a non-decreasing
    function of the value, so the k-th smallest lies in the bin where the running count passes k);
    the values of the bins holding a wanted rank, copied out and sorted (a few dozen each)."""
    R, n = rows.shape
    NB = SELECT_BINS
    counts = np.empty(NB, np.int64)
    first = np.empty(NB, np.int64)  # where a wanted bin's values start in ``picked``
    filled = np.empty(NB, np.int64)
    wanted = np.empty(NB, np.bool_)
    picked = np.empty(n, rows.dtype)
    J = kth.shape[0]
    for r in range(R):
        row = rows[r]
        lo = row[0]
        hi = row[0]
        for i in range(n):
            lo = min(lo, row[i])
            hi = max(hi, row[i])
        if lo == hi:
            for j in range(J):
                out[r, j] = lo
            continue
        scale = NB / (np.float64(hi) - np.float64(lo))
        counts[:] = 0
        for i in range(n):
            counts[min(int((np.float64(row[i]) - np.float64(lo)) * scale), NB - 1)] += 1
        wanted[:] = False
        cum = 0
        j = 0
        m = 0
        for b in range(NB):
            if j < J and kth[j] < cum + counts[b]:
                wanted[b] = True
                first[b] = m
                filled[b] = m
                m += counts[b]
                while j < J and kth[j] < cum + counts[b]:
                    j += 1
            cum += counts[b]
        for i in range(n):
            b = min(int((np.float64(row[i]) - np.float64(lo)) * scale), NB - 1)
            if wanted[b]:
                picked[filled[b]] = row[i]
                filled[b] += 1
        cum = 0
        j = 0
        for b in range(NB):
            if wanted[b]:
                part = np.sort(picked[first[b]:first[b] + counts[b]])
                while j < J and kth[j] < cum + counts[b]:
                    out[r, j] = part[kth[j] - cum]
                    j += 1
            cum += counts[b]
