"""Imported once, and only, by the local worker processes' fork server (:func:`._executors.worker_context`):
the Monte Carlo's modules and its compiled kernels, loaded before any worker is forked, so that
every worker shares them with the server instead of importing and loading them again (about
250 MB and a second per worker otherwise)."""

from __future__ import annotations

import numpy as np

from . import _kernel, _montecarlo, _streaming, _support, _variates  # noqa: F401  (imported to be shared)


def _warm() -> None:
    """Load the kernels' machine code (from Numba's cache) for the types a run passes them: both
    working dtypes, both widths of histogram bins."""
    none = np.zeros(0, np.int64)
    _variates.fill(np.random.SeedSequence(0), np.zeros(7, np.float32), np.zeros(1, np.float32))
    for dtype in (np.float32, np.float64):
        K = _kernel.constants(dtype, _montecarlo.EXACT_BELOW_VARIANCE)
        row = np.zeros(2, dtype)
        n = np.zeros((3, 2), dtype)
        _kernel.step_year(n, row, row, row, row, row, row, row, np.zeros((2, 2), dtype), False,
                          np.zeros((7, 2), dtype), row, K, n.copy())
        cells = np.zeros((1, 2, 2), dtype)  # (C, A, G), and the layouts simulate_chunk passes
        _support.support(cells, cells, cells, np.broadcast_to(np.zeros((2, 1), dtype), (1, 2, 1)),
                         np.broadcast_to(np.zeros((1, 2), dtype), (1, 1, 2)), np.zeros(2, bool),
                         np.ones((1, 2, 1), dtype), np.zeros((1, 3), dtype), np.zeros((1, 1, 4), dtype),
                         np.zeros((1, 4), bool), cells, cells, cells, cells, dtype(1), dtype(0),
                         *(cells.copy() for _ in range(4)))
        stocks = np.zeros((3, 1, 1, 2), dtype)
        stats = [np.zeros((6, 1)) for _ in range(6)]
        for bins in (np.zeros((1, 1, 6, 1), np.uint8), np.zeros((1, 1, 6, 1), np.uint16)):
            _kernel.year_statistics(stocks, np.array([0, 1], np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64),
                                    stats[0], stats[1], stats[2], stats[3], stats[4], True, stats[5], stats[5], 1,
                                    bins, np.zeros((1, 1, 6, 1)), 0, none, none, none, np.zeros((1, 1)))


try:
    _warm()
except Exception:  # noqa: BLE001 - the server must start: each worker then loads the kernels itself,
    pass  # and any error of theirs reaches the caller with its task, not as a fork server that died
# the workers forked from here share this process's memory page by page until they write to it; the
# garbage collector's passes over every object would write to all of it (copying each page into
# each worker): frozen objects are left out of those passes
import gc  # noqa: E402

gc.freeze()
