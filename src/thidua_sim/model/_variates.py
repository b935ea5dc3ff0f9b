"""The Monte Carlo's random numbers: NumPy's SFC64 float32 normals and uniforms, compiled.

A chunk-year draws 7 normals and 1 uniform a cell, as ``Generator(SFC64(seq))`` fills them:
``standard_normal(dtype=float32, out=z)`` then ``random(dtype=float32, out=u)``. In NumPy each
number costs a call through the bit generator's function pointer; here the same algorithms run in
one compiled loop, about 3x faster on this machine (a national chunk-year's 445,200 normals and
63,600 uniforms: 1.0-1.7 ms against NumPy's 4.6 ms). bench/bench_scale.py, part ``floor``, still
measures the run against NumPy's own generator.

The numbers are NumPy's, bit for bit (tests/test_variates.py compares the streams and the state
left behind):

* SFC64 (Chris Doty-Humphrey's Small Fast Chaotic generator) as in NumPy's ``sfc64.h``: a 32-bit
  draw takes the low half of a 64-bit output and keeps the high half for the next one;
* the float32 normal is NumPy's ``random_standard_normal_f``: Marsaglia and Tsang's ziggurat
  (2000) with 256 layers, its tables built here as NumPy built its ``ziggurat_constants.h``
  (:func:`_ziggurat_tables`), the tail by Marsaglia's method on ``log1p(-U)``;
* the float32 uniform is the top 24 bits of a 32-bit draw times 2^-24.

float64 work (counts of 2^22 and more, :func:`._montecarlo._work_dtype`) keeps NumPy's generator.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._kernel import _JIT

__all__ = ["fill"]

_R = 3.6541528853610087963519472518
"""The ziggurat's base strip edge r for 256 layers (NumPy's ``ziggurat_nor_r``)."""
_V = 0.00492867323399
"""The area of each layer (Marsaglia and Tsang, 2000, for 256 layers)."""
_R_F = np.float32(_R)
_INV_R_F = np.float32(0.27366123732975827203338247596)  # NumPy's ziggurat_nor_inv_r_f, 1/r
_TO_UNIT = np.float32(1.0 / 16777216.0)
_U64 = np.uint64


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(k, w, f) of the float32 ziggurat: the acceptance bound of each layer on 23-bit draws, the
    layer's width per unit of draw and the density at its edge, by Marsaglia and Tsang's
    construction in float64, rounded as NumPy's tables are (k to the nearest integer, w and f to
    float32)."""
    m = 2.0**23
    k, w, f = np.zeros(256), np.zeros(256), np.zeros(256)
    density = lambda x: math.exp(-0.5 * x * x)  # noqa: E731 - the unnormalised normal density
    d = t = _R
    q = _V / density(d)
    k[0], w[0], w[255] = d / q * m, q / m, d / m
    f[0], f[255] = 1.0, density(d)
    for i in range(254, 0, -1):
        d = math.sqrt(-2.0 * math.log(_V / d + density(d)))
        k[i + 1], t = d / t * m, d
        f[i], w[i] = density(d), d / m
    return np.rint(k).astype(np.uint32), w.astype(np.float32), f.astype(np.float32)


_K, _W, _F = _ziggurat_tables()


@numba.njit(**_JIT, inline="always")
def _next32(s0, s1, s2, s3, has, kept):
    """The next 32 bits and the state after them: SFC64's ``(s0, s1, s2, s3)``, and ``has``,
    ``kept``: a kept high half, as NumPy's ``has_uint32`` and ``uinteger``. The state is passed in
    and out as values so that it stays in registers: kept in arrays, each draw waited for the
    last one's stores (the whole fill 14 % slower)."""
    if has:
        return np.uint32(kept), s0, s1, s2, s3, False, kept
    out = s0 + s1 + s3
    n0 = s1 ^ (s1 >> _U64(11))
    n1 = s2 + (s2 << _U64(3))
    n2 = ((s2 << _U64(24)) | (s2 >> _U64(40))) + out
    return np.uint32(out & _U64(0xFFFFFFFF)), n0, n1, n2, s3 + _U64(1), True, out >> _U64(32)


@numba.njit(**_JIT, inline="always")
def _unit(r):
    """The float32 uniform of 32 bits ``r``: its top 24 bits times 2^-24."""
    return np.float32(r >> np.uint32(8)) * _TO_UNIT


@numba.njit(**_JIT)
def _fill(s, half, z, u, k, w, f):
    """NumPy's ``random_standard_normal_f`` into each of ``z``, then ``next_float`` into each of
    ``u``; ``s`` (SFC64's four words) and ``half`` ([has a kept high half, the kept half]) are
    read at the start and written back at the end. One loop with the ziggurat written inline: as
    a separate function returning from inside its loops, the normal ran 15x slower here (Numba
    kept it a call)."""
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    has, kept = half[0] != _U64(0), half[1]
    for j in range(z.size):
        while True:
            r, s0, s1, s2, s3, has, kept = _next32(s0, s1, s2, s3, has, kept)
            i = r & np.uint32(0xFF)
            rabs = (r >> np.uint32(9)) & np.uint32(0x7FFFFF)
            x = np.float32(rabs) * w[i]
            if (r >> np.uint32(8)) & np.uint32(1):
                x = -x
            if rabs < k[i]:
                break  # 99.3 % of the draws
            if i == 0:  # the tail beyond r
                while True:
                    a, s0, s1, s2, s3, has, kept = _next32(s0, s1, s2, s3, has, kept)
                    xx = -_INV_R_F * np.float32(math.log1p(-_unit(a)))
                    b, s0, s1, s2, s3, has, kept = _next32(s0, s1, s2, s3, has, kept)
                    yy = -np.float32(math.log1p(-_unit(b)))
                    if yy + yy > xx * xx:
                        break
                x = -(_R_F + xx) if (rabs >> np.uint32(8)) & np.uint32(1) else _R_F + xx
                break
            c, s0, s1, s2, s3, has, kept = _next32(s0, s1, s2, s3, has, kept)
            if (f[i - 1] - f[i]) * _unit(c) + f[i] < math.exp(-0.5 * np.float64(x) * np.float64(x)):
                break  # the wedge
        z[j] = x
    for j in range(u.size):
        c, s0, s1, s2, s3, has, kept = _next32(s0, s1, s2, s3, has, kept)
        u[j] = _unit(c)
    s[0], s[1], s[2], s[3] = s0, s1, s2, s3
    half[0], half[1] = (_U64(1) if has else _U64(0)), kept


def fill(seq: np.random.SeedSequence, z: np.ndarray, u: np.ndarray) -> None:
    """``z`` and ``u`` filled as ``g = Generator(SFC64(seq)); g.standard_normal(dtype=z.dtype,
    out=z); g.random(dtype=u.dtype, out=u)`` fills them (C-contiguous arrays of one dtype)."""
    if not (z.flags.c_contiguous and u.flags.c_contiguous):
        raise ValueError("the normals and uniforms are filled in place: pass C-contiguous arrays")
    if z.dtype != u.dtype:
        raise ValueError(f"normals {z.dtype} and uniforms {u.dtype}: pass arrays of one dtype (the run's working dtype)")
    generator = np.random.SFC64(seq)
    if z.dtype != np.float32:
        common = np.random.Generator(generator)
        common.standard_normal(dtype=z.dtype, out=z)
        common.random(dtype=u.dtype, out=u)
        return
    state = generator.state
    s = np.array(state["state"]["state"], dtype=np.uint64)
    half = np.array([state["has_uint32"], state["uinteger"]], dtype=np.uint64)
    _fill(s, half, z.reshape(-1), u.reshape(-1), _K, _W, _F)
