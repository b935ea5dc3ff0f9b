"""The support rule, compiled (Numba): money to areas, coverage, and the rates the instruments change.

The one implementation of docs/model.md, "One year, t -> t+1", steps 1-3, used by the expected path
(:mod:`.engine`'s ``allocate_area_resources``, ``coverage_shares``, ``keep_factors`` and
``adjust_rates`` are thin wrappers that lay their arrays out for these functions), by the
calibration and the history fit (through the engine), and by the Monte Carlo, which runs the three
steps for one draw after another in one pass (:func:`support`) instead of some thirty whole-array
NumPy passes a year:

1. **allocation**: each instrument's fixed money per area, plus its rule totals spread over the
   areas by their poor households (rule 0) or poor dtts households (rule 1); a total with no poor
   household to go to is unallocated;
2. **coverage**: ``b_k = min(R_k / c_k, E_k)`` of the ``E_k`` eligible households of an area are
   reached, the share ``s_k = b_k / E_k`` (0 where nobody is eligible);
3. **keep factors** ``prod_k (1 - s_k e_k)`` of each effect (uPO, uPN over the instruments poor
   households are eligible for; uNO, dNP over those near-poor households are eligible for) and the
   **adjusted rates** (``pNP'`` capped at ``1 - pNO'``).

Every array is laid out with one batch axis first (draws, money batches or parameter samples; a
broadcast axis of stride 0 is fine) and computed in the arrays' own dtype (float32 in the Monte
Carlo, float64 elsewhere; ``zero`` and ``one`` are scalars of it). The arithmetic is that of the
NumPy rule the package ran before (tests/_reference_support.py), in the same order: the same
numbers, bit for bit, including the sums over areas (NumPy's pairwise summation,
:func:`_pairwise_sum`).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["eligible_households", "allocate", "coverage", "keep_factors", "adjust", "support"]

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}
_EFFECT_STATES = (0, 0, 1, 1)  # uPO, uPN act on the poor row, uNO, dNP on the near-poor row


@numba.njit(inline="always", **_JIT)
def _minimum(a, b):
    """``np.minimum`` of two scalars (a NaN wins), without the ufunc machinery."""
    return a if (a <= b or a != a) else b


@numba.njit(**_JIT)
def _block_sum(x, lo, n, zero):
    """NumPy's pairwise summation of at most 128 elements: in order below 8, else eight running sums
    combined as a tree, then the rest in order."""
    if n < 8:
        res = zero
        for i in range(n):
            res += x[lo + i]
        return res
    r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
    r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += x[lo + i]
        r1 += x[lo + i + 1]
        r2 += x[lo + i + 2]
        r3 += x[lo + i + 3]
        r4 += x[lo + i + 4]
        r5 += x[lo + i + 5]
        r6 += x[lo + i + 6]
        r7 += x[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[lo + i]
        i += 1
    return res


@numba.njit(**_JIT)
def _pairwise_sum(x, n, zero):
    """``x[:n].sum()`` as NumPy computes it (pairwise summation: blocks of at most 128 elements, and
    above that the sum of the two halves, the first a multiple of 8 long), so that the float
    result is NumPy's. The halving runs on an explicit stack (Numba cannot cache a recursive
    function)."""
    if n <= 128:
        return _block_sum(x, 0, n, zero)
    los = np.empty(64, np.int64)  # the pending halves: start, length, and how far each got
    lens = np.empty(64, np.int64)
    stage = np.empty(64, np.int64)
    vals = np.empty(64, x.dtype)
    top, nv = 0, 0
    los[0], lens[0], stage[0] = 0, n, 0
    while top >= 0:
        lo, m = los[top], lens[top]
        if m <= 128:
            vals[nv] = _block_sum(x, lo, m, zero)
            nv += 1
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if stage[top] == 0:  # first the left half
            stage[top] = 1
            top += 1
            los[top], lens[top], stage[top] = lo, half, 0
        elif stage[top] == 1:  # then the right half
            stage[top] = 2
            top += 1
            los[top], lens[top], stage[top] = lo + half, m - half, 0
        else:  # both done: their sum
            nv -= 1
            vals[nv - 1] = vals[nv - 1] + vals[nv]
            top -= 1
    return vals[0]


@numba.njit(inline="always", **_JIT)
def _eligible_cell(eligible, k, s0, s1, s2, zero):
    """Households of a cell (``s0, s1, s2`` poor, near-poor, other) eligible for instrument ``k``:
    its households in every state the instrument serves (``eligible[k, s] != 0``), added in state
    order."""
    cell = zero
    if eligible[k, 0] != 0:
        cell += s0
    if eligible[k, 1] != 0:
        cell += s1
    if eligible[k, 2] != 0:
        cell += s2
    return cell


@numba.njit(**_JIT)
def eligible_households(n0, n1, n2, eligible, zero, out):
    """:func:`_eligible_cell` of every cell and instrument into ``out`` (B, A, G, K)."""
    B, A, G = n0.shape
    for b in range(B):
        for a in range(A):
            for g in range(G):
                s0, s1, s2 = n0[b, a, g], n1[b, a, g], n2[b, a, g]
                for k in range(eligible.shape[0]):
                    out[b, a, g, k] = _eligible_cell(eligible, k, s0, s1, s2, zero)


@numba.njit(**_JIT)
def _allocate_row(b, o, poor, fixed, totals, active, zero, weights, resources, unallocated):
    """Step 1 for batch row ``b`` of the inputs into row ``o`` of ``resources`` (., A, K) and
    ``unallocated`` (., K). ``poor`` (B, A, G) poor households; ``fixed`` (B, A, K); ``totals``
    (B, K, 2) per rule; ``active[rule]``: whether the rule has money in any row (else skipped: it
    would add zeros); ``weights`` (A,) scratch."""
    A, G = poor.shape[1], poor.shape[2]
    K = fixed.shape[2]
    for a in range(A):
        for k in range(K):
            resources[o, a, k] = fixed[b, a, k]
    for k in range(K):
        unallocated[o, k] = zero
    for rule in range(2):
        if not active[rule]:
            continue
        for a in range(A):
            w = poor[b, a, 0]
            if rule == 0:  # every group: the groups added in order, as the NumPy rule adds them
                for g in range(1, G):
                    w += poor[b, a, g]
            weights[a] = w
        wsum = _pairwise_sum(weights, A, zero)
        if wsum > zero:
            for a in range(A):
                weights[a] = weights[a] / wsum  # each area's share of the rule's totals
        for k in range(K):
            amount = totals[b, k, rule]
            if amount == zero:
                continue  # share * 0 adds nothing
            if wsum > zero:
                for a in range(A):
                    resources[o, a, k] += weights[a] * amount
            else:
                unallocated[o, k] += amount


@numba.njit(**_JIT)
def _coverage_row(b, o, n0, n1, n2, resources, costs, eligible, zero, share, covered):
    """Step 2 for batch row ``b`` of the stocks ``n0, n1, n2`` (B, A, G) (poor, near-poor, other),
    money ``resources`` (row ``o``, A, K) and ``costs`` (B, A, K); ``eligible`` (K, 3). Writes
    ``share`` and ``covered`` (households reached) into row ``o``."""
    A, G = n0.shape[1], n0.shape[2]
    K = costs.shape[2]
    for a in range(A):
        for k in range(K):
            area = _eligible_cell(eligible, k, n0[b, a, 0], n1[b, a, 0], n2[b, a, 0], zero)
            for g in range(1, G):  # the groups in order, as the NumPy rule adds them
                area += _eligible_cell(eligible, k, n0[b, a, g], n1[b, a, g], n2[b, a, g], zero)
            reached = _minimum(resources[o, a, k] / costs[b, a, k], area)
            covered[o, a, k] = reached
            share[o, a, k] = reached / area if area > zero else zero


@numba.njit(**_JIT)
def _keep_row(b, o, share, eligible, effects, acts, one, keeps):
    """Step 3's keep factors for batch row ``b`` of ``effects`` (B, K, 4) and row ``o`` of ``share``
    (., A, K), into ``keeps`` (4, ., A) row ``o``. ``acts`` (K, 4): whether an effect is non-zero
    in any row (else skipped: its factor is 1)."""
    A, K = share.shape[1], share.shape[2]
    for e in range(4):
        state = _EFFECT_STATES[e]
        for a in range(A):
            keeps[e, o, a] = one
        for k in range(K):  # the factors multiplied in instrument order, an instrument at a time
            if eligible[k, state] == 0 or not acts[k, e]:
                continue
            minus = -effects[b, k, e]
            for a in range(A):
                factor = share[o, a, k] * minus
                factor = factor + one
                keeps[e, o, a] = keeps[e, o, a] * factor


@numba.njit(inline="always", **_JIT)
def _adjusted(pPN, pPO, pNP, pNO, kPO, kPN, kNO, kNP, one, zero):
    """The four rates the instruments change, ``(pPN', pPO', pNP', pNO')``, of one cell."""
    new_pPO = one - (one - pPO) * kPO
    stay_ratio = pPN / (one - pPO) if pPO < one else zero
    new_pPN = (one - new_pPO) * (one - (one - stay_ratio) * kPN)
    new_pNO = one - (one - pNO) * kNO
    new_pNP = _minimum(pNP * kNP, one - new_pNO)
    return new_pPN, new_pPO, new_pNP, new_pNO


@numba.njit(**_JIT)
def allocate(poor, fixed, totals, active, zero, resources, unallocated):
    """Step 1 for every batch row (see :func:`_allocate_row`)."""
    weights = np.empty(poor.shape[1], resources.dtype)
    for b in range(poor.shape[0]):
        _allocate_row(b, b, poor, fixed, totals, active, zero, weights, resources, unallocated)


@numba.njit(**_JIT)
def coverage(n0, n1, n2, resources, costs, eligible, zero, share, covered):
    """Step 2 for every batch row (see :func:`_coverage_row`)."""
    for b in range(n0.shape[0]):
        _coverage_row(b, b, n0, n1, n2, resources, costs, eligible, zero, share, covered)


@numba.njit(**_JIT)
def keep_factors(share, eligible, effects, acts, one, keeps):
    """Step 3's keep factors for every batch row (see :func:`_keep_row`)."""
    for b in range(share.shape[0]):
        _keep_row(b, b, share, eligible, effects, acts, one, keeps)


@numba.njit(**_JIT)
def adjust(pPN, pPO, pNP, pNO, kPO, kPN, kNO, kNP, one, zero, out):
    """Step 3's adjusted rates, element by element of the 1-d inputs, into ``out`` (4, n)."""
    for i in range(pPN.shape[0]):
        out[0, i], out[1, i], out[2, i], out[3, i] = _adjusted(pPN[i], pPO[i], pNP[i], pNO[i], kPO[i], kPN[i],
                                                               kNO[i], kNP[i], one, zero)


@numba.njit(**_JIT)
def support(n0, n1, n2, fixed, totals, active, costs, eligible, effects, acts, pPN, pPO, pNP, pNO, one, zero,
            out_PN, out_PO, out_NP, out_NO):
    """Steps 1-3 for each draw of a Monte Carlo chunk, one draw after another (its rows stay in
    cache): stocks ``n0, n1, n2`` (C, A, G); ``fixed`` (C, A, K) and ``totals`` (C, K, 2) (broadcast
    views); ``costs`` (C, A, K); ``effects`` (C, K, 4); base rates (C, A, G). Writes the adjusted
    rates ``out_*`` (C, A, G)."""
    C, A, G = n0.shape
    K = costs.shape[2]
    dt = out_PN.dtype
    weights = np.empty(A, dt)
    resources = np.empty((1, A, K), dt)
    unallocated = np.empty((1, K), dt)
    share = np.empty((1, A, K), dt)
    covered = np.empty((1, A, K), dt)
    keeps = np.empty((4, 1, A), dt)
    for c in range(C):
        _allocate_row(c, 0, n0, fixed, totals, active, zero, weights, resources, unallocated)
        _coverage_row(c, 0, n0, n1, n2, resources, costs, eligible, zero, share, covered)
        _keep_row(c, 0, share, eligible, effects, acts, one, keeps)
        for a in range(A):
            kPO, kPN, kNO, kNP = keeps[0, 0, a], keeps[1, 0, a], keeps[2, 0, a], keeps[3, 0, a]
            for g in range(G):
                out_PN[c, a, g], out_PO[c, a, g], out_NP[c, a, g], out_NO[c, a, g] = _adjusted(
                    pPN[c, a, g], pPO[c, a, g], pNP[c, a, g], pNO[c, a, g], kPO, kPN, kNO, kNP, one, zero)
