"""The Monte Carlo's compiled random numbers (model/_variates.py) against NumPy's own generator:
the same normals and uniforms, bit for bit, and the same generator state left behind."""

from __future__ import annotations

import numpy as np
import pytest

from thidua_sim.model import _variates


def _numpy(seq: np.random.SeedSequence, size: int, count: int, dtype: type) -> tuple[np.ndarray, np.ndarray, dict]:
    generator = np.random.SFC64(seq)
    common = np.random.Generator(generator)
    z = common.standard_normal(size, dtype=dtype)
    u = common.random(count, dtype=dtype)
    return z, u, generator.state


@pytest.mark.parametrize(("entropy", "size", "count"), [(0, 2_000_000, 285_714), (2021, 7 * 10_601, 10_601),
                                                        (7, 1, 0), (8, 0, 3), (9, 3, 1)])
def test_the_compiled_stream_is_numpys_float32_normals_then_uniforms(entropy, size, count):
    seq = np.random.SeedSequence(entropy)
    z_ref, u_ref, state_after = _numpy(seq, size, count, np.float32)
    state = np.random.SFC64(seq).state
    s = np.array(state["state"]["state"], dtype=np.uint64)
    half = np.array([state["has_uint32"], state["uinteger"]], dtype=np.uint64)
    z, u = np.empty(size, np.float32), np.empty(count, np.float32)
    _variates._fill(s, half, z, u, _variates._K, _variates._W, _variates._F)
    np.testing.assert_array_equal(z, z_ref, strict=True)
    np.testing.assert_array_equal(u, u_ref, strict=True)
    # the state left behind: the next draws are NumPy's too (the kept half of an odd count included)
    np.testing.assert_array_equal(s, state_after["state"]["state"])
    assert (half[0], half[1]) == (state_after["has_uint32"], state_after["uinteger"])


def test_the_long_stream_passes_through_the_wedges_and_the_tail():
    """The 2-million stream above reaches every branch of the ziggurat: beyond r = 3.654 only the
    tail draws (about 1 in 3,900 of the normals), and a rejected wedge draw takes a uniform more,
    so a wrong wedge test shifts the whole stream after it."""
    z, _, _ = _numpy(np.random.SeedSequence(0), 2_000_000, 0, np.float32)
    beyond = int(np.count_nonzero(np.abs(z) > _variates._R_F))
    assert 300 < beyond < 800  # 2e6 x 2 x (1 - Phi(3.654)) = 516
    # the hand-computed first and last layers of Marsaglia and Tsang's tables (256 layers, r, v)
    assert _variates._W[255] == np.float32(_variates._R / 2**23)
    assert _variates._F[0] == 1 and _variates._F[255] == np.float32(np.exp(-0.5 * _variates._R**2))
    assert _variates._K[1] == 0  # layer 1 has no sure part
    # acceptance bounds as NumPy's ziggurat_constants.h writes them (ki_float[0], [2], [4], [255]):
    # rounded to the nearest integer, not truncated
    assert [int(_variates._K[i]) for i in (0, 2, 4, 255)] == [0x007799EC, 0x006045F5, 0x00728FB4, 0x0078D2D2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fill_gives_numpys_numbers_in_place_for_either_working_dtype(dtype):
    seq = np.random.SeedSequence([5, 3])
    z_ref, u_ref, _ = _numpy(seq, 7 * 601, 601, dtype)
    z, u = np.empty((7, 601), dtype), np.empty(601, dtype)
    _variates.fill(seq, z, u)
    np.testing.assert_array_equal(z.reshape(-1), z_ref, strict=True)
    np.testing.assert_array_equal(u, u_ref, strict=True)


def test_fill_refuses_an_array_it_cannot_fill_in_place_or_mixed_dtypes():
    z = np.empty((7, 20), np.float32)[:, ::2]
    with pytest.raises(ValueError, match="C-contiguous"):
        _variates.fill(np.random.SeedSequence(1), z, np.empty(10, np.float32))
    # float32 normals with float64 uniforms would be float32 uniforms widened, not NumPy's float64 ones
    with pytest.raises(ValueError, match="one dtype"):
        _variates.fill(np.random.SeedSequence(1), np.empty(7, np.float32), np.empty(1, np.float64))
