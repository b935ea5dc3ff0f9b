"""A real Dask cluster on this machine for tests: ``dask scheduler`` and ``dask worker``
processes on 127.0.0.1 only, no dashboards, one process and one thread per worker.

:func:`cluster` is a context manager yielding a :class:`Cluster`; everything it started is
stopped in ``finally`` (terminate, then kill), whatever the test did, and the named semaphores a
killed worker's process group leaves in /dev/shm are removed (tests/_semaphores.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import _semaphores

import thidua_sim

SRC = str(Path(thidua_sim.__file__).resolve().parents[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH", "")) if p)
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"  # a worker may start kernels (subprocesses)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


@dataclass
class Cluster:
    address: str
    folder: Path
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start_worker(self, name: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "dask", "worker", self.address, "--host", "127.0.0.1", "--nworkers", "1",
             "--nthreads", "1", "--no-dashboard", "--name", name, "--local-directory", str(self.folder / name),
             "--memory-limit", "0"],
            stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True)
        log.close()
        self.workers.append(proc)
        return proc

    def wait_for_workers(self, n: int, timeout: float = 60.0) -> None:
        from distributed import Client

        with Client(self.address, timeout="20s") as client:
            client.wait_for_workers(n, timeout=timeout)

    def kill(self, proc: subprocess.Popen) -> None:
        """Kill a worker like a lost machine: its whole process group, without warning."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _stop(proc: subprocess.Popen) -> None:
    """Stop ``proc`` and every process of its group (a ``dask worker`` starts the worker process in
    it): terminate, then kill what is left after 15 s."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
    _semaphores.wait_group_gone(proc.pid)  # the rest of the group, before its semaphores are looked at


@contextlib.contextmanager
def cluster(folder: Path, workers: int = 2) -> Iterator[Cluster]:
    folder = Path(folder)
    semaphores_before = _semaphores.named()
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    log = open(folder / "scheduler.log", "wb")
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(info)],
        stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True)
    log.close()
    c = None
    try:
        deadline = time.monotonic() + 60
        while not info.is_file() or not info.read_text().strip():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start: " + (folder / "scheduler.log").read_text())
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:"), address
        c = Cluster(address, folder, scheduler)
        for i in range(workers):
            c.start_worker(f"w{i}")
        c.wait_for_workers(workers)
        yield c
    finally:
        from thidua_sim.model import _executors

        for client in list(_executors._CLIENTS.values()):  # our own connections first
            with contextlib.suppress(Exception):
                client.close(timeout=5)
        _executors._CLIENTS.clear()
        for proc in (c.workers if c else []):
            _stop(proc)
        _stop(scheduler)
        _semaphores.remove_left(semaphores_before)
