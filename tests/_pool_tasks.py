"""Tasks for the local worker pool's own tests (tests/test_streaming.py): module-level, so that the
worker processes can import them (``tests`` is on their path, as on the driver's)."""

from __future__ import annotations

import numpy as np


def filled(model: object, value: int, size: int) -> dict:
    """``size`` float64 numbers, all ``value``: past 4 MB the result comes back through a file."""
    return {"value": value, "array": np.full(size, float(value))}


def whoami(model: object, value: int, seconds: float) -> tuple[int, int]:
    """``value`` and the id of the process that ran the task, after ``seconds`` of sleep."""
    import os
    import time

    time.sleep(seconds)
    return value, os.getpid()
