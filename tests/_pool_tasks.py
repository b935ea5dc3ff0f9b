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


def failing(model: object, value: int, fail_at: int) -> int:
    """``value``, or the task's own RuntimeError at ``fail_at``."""
    if value == fail_at:
        raise RuntimeError(f"task {value} failed on its own")
    return value


def dies(model: object, value: int, at: int, driver: int) -> int:
    """``value``; the task ``at`` kills its worker process (never the ``driver``), as the system's
    out-of-memory killer would."""
    import os
    import signal

    if value == at and os.getpid() != driver:
        os.kill(os.getpid(), signal.SIGKILL)
    return value


class EndsItsWorker:
    """A model's ``periods`` stand-in (``simulate_chunk`` calls its ``apply_draws`` every year; no
    standard switch): in any process but the ``driver`` it kills its own, as the system's
    out-of-memory killer would a worker of a large kept-draws run."""

    switch = None

    def __init__(self, driver: int):
        self.driver = driver

    def apply_draws(self, t: int, n: object, rebasing: object) -> None:
        import os
        import signal

        if os.getpid() != self.driver:
            os.kill(os.getpid(), signal.SIGKILL)
