"""Coalescing rapid changes (a slider being dragged) into one refresh.

:class:`Debouncer` calls its function once, ``delay`` seconds after the last of a burst of
calls. In a Jupyter kernel the timer runs on the kernel's asyncio loop (so the refresh runs on
the kernel's main thread, like any widget callback); outside an event loop a daemon
``threading.Timer`` is used. A ``delay`` of 0 calls the function at once, which tests use;
the scheduler can be replaced (tests pass a fake one to check the coalescing without waiting).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Protocol

__all__ = ["Debouncer", "Handle", "default_scheduler"]


class Handle(Protocol):
    def cancel(self) -> object: ...


Scheduler = Callable[[float, Callable[[], None]], Handle]


def default_scheduler(delay: float, callback: Callable[[], None]) -> Handle:
    """Call ``callback`` after ``delay`` seconds on the running asyncio loop, else on a timer thread."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        return loop.call_later(delay, callback)
    timer = threading.Timer(delay, callback)
    timer.daemon = True
    timer.start()
    return timer


class Debouncer:
    """Call ``function`` once, ``delay`` seconds after the last call of a burst."""

    def __init__(self, delay: float, function: Callable[[], None], scheduler: Scheduler | None = None):
        self.delay = float(delay)
        self.function = function
        self.scheduler = scheduler or default_scheduler
        self._handle: Handle | None = None
        self._generation = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> bool:
        """True while a call is scheduled and has not run yet."""
        return self._handle is not None

    def __call__(self) -> None:
        if self.delay <= 0:
            self.cancel()
            self.function()
            return
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
            self._generation += 1
            generation = self._generation
            self._handle = self.scheduler(self.delay, lambda: self._fire(generation))

    def _fire(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._handle is None:
                return  # superseded or cancelled while the timer was firing
            self._handle = None
        self.function()

    def cancel(self) -> None:
        """Drop the scheduled call, if any."""
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
                self._handle = None
            self._generation += 1

    def flush(self) -> None:
        """Run the scheduled call now (nothing happens when none is scheduled)."""
        with self._lock:
            handle, self._handle = self._handle, None
            self._generation += 1
        if handle is not None:
            handle.cancel()
            self.function()
