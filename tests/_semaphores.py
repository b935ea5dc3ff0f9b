"""The named semaphores a killed process group leaves in /dev/shm, for the tests that kill one.

Python's multiprocessing keeps a pool's semaphores named (``sem.mp-*`` in /dev/shm on Linux) until
its resource tracker unlinks them. A test that kills a whole process group with SIGKILL (a lost
machine, a killed batch) kills the tracker too, and they would stay until the machine restarts.
Such a test notes :func:`named` before, and calls :func:`remove_left` once the group is gone
(:func:`wait_group_gone`): only semaphores that appeared meanwhile and that no process maps are
removed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

FOLDER = Path("/dev/shm")


def named() -> set[str]:
    """The names of the multiprocessing semaphores now in :data:`FOLDER`."""
    try:
        return {name for name in os.listdir(FOLDER) if name.startswith("sem.mp-")}
    except OSError:  # no /dev/shm (not Linux)
        return set()


def mapped() -> set[str]:
    """The semaphores some living process has mapped (every process that uses one maps it)."""
    found: set[str] = set()
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/maps") as f:
                found.update(line.split(f"{FOLDER}/", 1)[1].split()[0] for line in f if f"{FOLDER}/sem.mp-" in line)
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def remove_left(before: set[str]) -> list[str]:
    """Remove the semaphores that appeared since ``before`` and that no process maps any more."""
    left = sorted((named() - before) - mapped())
    for name in left:
        with contextlib.suppress(FileNotFoundError):
            (FOLDER / name).unlink()
    return left


def group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies waiting to be reaped do not count)."""
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()  # after "(command)": state, ppid, pgrp, ...
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_group_gone(pgid: int, kill_after: float = 15.0, give_up_after: float = 30.0) -> None:
    """Wait until no process of group ``pgid`` runs: SIGKILL to the group after ``kill_after``
    seconds; after ``give_up_after`` (a process stuck in the kernel) go on without it."""
    start = time.monotonic()
    killed = False
    while group_alive(pgid):
        waited = time.monotonic() - start
        if waited > kill_after and not killed:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            killed = True
        elif waited > give_up_after:
            return
        time.sleep(0.1)
