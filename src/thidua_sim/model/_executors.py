"""Where Monte Carlo tasks run: in this process, in local worker processes, or on a Dask cluster.

:func:`map_ordered` runs ``fn(model, *common, *args)`` for every ``args`` and yields the results **in
order**, whatever order they finish in, with a bounded number of tasks in flight (so results
waiting to be merged never pile up). The caller merges in that order, which is what makes a run's
numbers identical on 1 process, several processes or a cluster.

* ``scheduler=None``: local, exactly as before: ``workers=1`` in this process; more in spawned
  processes that receive the model once (their initializer).
* ``scheduler="tcp://host:port"``: the tasks go to an existing Dask distributed scheduler
  (``pip install "dask[distributed]"``; see docs/scale.md). The model is sent once to every
  worker (``scatter(broadcast=True)``), and so are the arguments ``common`` to every task; a worker that dies mid-run has its tasks run again
  elsewhere by the scheduler (Dask's ``allowed-failures``), and a task that raised is retried
  once. Nothing is written by the tasks: results come back to this process.
"""

from __future__ import annotations

import collections
import concurrent.futures
import concurrent.futures.process
import dataclasses
import itertools
import multiprocessing
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence

from ..io._atomic import remove_left_by_dead

__all__ = ["map_ordered", "dask_client", "SCHEDULER_ENV", "scheduler_from_env", "worker_context", "prestart", "stop_fork_server",
           "POOL_ERRORS", "pool_error"]

SCHEDULER_ENV = "THIDUA_SCHEDULER"
"""Environment variable with a Dask scheduler address, read by ``thidua-sim project`` and
``thidua-sim briefs`` when ``--scheduler`` is not given."""

_CLIENTS: dict[str, object] = {}
CONNECT_TIMEOUT = "20s"


def scheduler_from_env(given: str | None) -> str | None:
    """``given``, else the address in :data:`SCHEDULER_ENV`, else None (run locally)."""
    if given:
        return given
    value = os.environ.get(SCHEDULER_ENV, "").strip()
    return value or None


def dask_client(address: str):
    """A ``distributed.Client`` connected to ``address`` (one per address and process)."""
    from .engine import ProjectionError

    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ProjectionError(f"--scheduler {address}: Dask distributed is not installed; pip install "
                         "'dask[distributed]', or run without --scheduler (locally)") from None
    client = _CLIENTS.get(address)
    if client is not None and getattr(client, "status", "") == "running":
        return client
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ProjectionError(f"--scheduler {address}: no Dask scheduler answers there ({type(exc).__name__}); start one "
                         f"(`dask scheduler`), fix the address, or unset {SCHEDULER_ENV} to run locally") from None
    _CLIENTS[address] = client
    return client


def _local(fn: Callable, tasks: Sequence[tuple], model, common: tuple) -> Iterator[object]:
    from ._montecarlo import _no_hugepage_advice

    with _no_hugepage_advice():
        for args in tasks:
            yield fn(model, *common, *args)


_COMMON: dict[str, object] = {}

SPILL_BYTES = 4 * 2**20
"""A local worker's result holding more array data than this comes back through a file in memory
(``/dev/shm`` where it has room) that this process maps, instead of through the pipe: the pipe
copies every byte four times (pickle, write, read in 64 KB pieces, unpickle), which took the
driver of a 2-worker national run about a third of a core (33 MB a task).

The files are **slots**, reused from task to task (:class:`_Slots`): a new file for every result
made the kernel allocate, zero and free its memory every time, about 4 s of system time in a
2-worker national run (16-19 ms to write a new 25 MB file in /dev/shm, 4-6 ms to write over a kept
one). So a result's arrays are valid until the next result is asked for: a caller keeps a copy of
what it keeps (the streamed statistics add every result into their own sums)."""


@dataclasses.dataclass(frozen=True)
class _Spilled:
    """A result whose arrays wait in ``path``, one after the other from its start (``sizes``
    bytes each); ``data``: the rest of it, pickled with those arrays out of band (pickle protocol
    5); ``slot``: the slot file it was written to, or None for a file of its own (its name is
    removed once it is mapped)."""

    path: str
    data: bytes
    sizes: tuple[int, ...]
    slot: int | None = None


def _slot_path(folder: str, slot: int) -> str:
    """The file of result slot ``slot`` in a run's results folder (the worker writes it, the driver maps it)."""
    return os.path.join(folder, f"slot-{slot}.bin")


class _Slots:
    """The result files of a pool's tasks, in ``folder``: one per task in flight and one for the
    result being merged (``count``). The driver hands a free slot to each task it submits and takes
    it back when the next result is asked for; it keeps each file mapped (read only) for the run,
    so the pages are allocated and mapped once, not once a task."""

    def __init__(self, folder: str, count: int):
        self.folder = folder
        self.free = collections.deque(range(count))
        self.maps: dict[int, object] = {}

    def take(self) -> int:
        return self.free.popleft()

    def give(self, slot: int) -> None:
        self.free.append(slot)

    def mapped(self, slot: int, size: int) -> memoryview:
        """The slot's file, mapped, at least ``size`` bytes (mapped again when a task made it
        longer; an older, shorter mapping is dropped, closed with its last array)."""
        import mmap

        mapped = self.maps.get(slot)
        if mapped is None or len(mapped) < size:  # type: ignore[arg-type]
            with open(_slot_path(self.folder, slot), "rb") as f:
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            self.maps[slot] = mapped
        return memoryview(mapped)  # type: ignore[arg-type]


INIT_FILE = "init.pickle"
"""The model and the arguments common to every task, written once to the results folder for the
local workers to read at their start: through the fork server's pipe each worker received them in
64 KB pieces, one worker after the other (22 MB nationally: 0.3-0.66 s a worker)."""


RESULTS_PREFIX = "thidua_results_"
"""Name prefix of the per-run folders of workers' results (:func:`scratch_dirs`), followed by the
driver's process id: ``thidua_results_<pid>_<random>``."""
DRAWS_PREFIX = "thidua_draws_"
"""The same for the file of a run's kept draws (``_montecarlo._shared_output``)."""
SCRATCH_DIRS: tuple[str, ...] | None = None
"""Where those go, in order of preference; None: /dev/shm, then the temporary folder."""
STALE_SECONDS = 600
"""A results folder or draws file is removed by a later run only when its driver is gone **and** it
has not changed for this long: a process of another PID namespace sharing /dev/shm (containers
run with the host's IPC) looks gone from here while its run still writes."""


def scratch_dirs() -> tuple[str, ...]:
    """The folders a run's files in memory may go to, in order of preference. The files and
    folders of drivers that are gone (killed mid-run, so their own clean-up never ran) are removed
    first: in /dev/shm they would hold memory until the machine restarts."""
    import tempfile

    folders = SCRATCH_DIRS if SCRATCH_DIRS is not None else ("/dev/shm", tempfile.gettempdir())
    for folder in folders:
        remove_left_by_dead(folder, (RESULTS_PREFIX, DRAWS_PREFIX), STALE_SECONDS)
    return folders


def scratch_prefix(prefix: str) -> str:
    """``prefix`` with this process's id: the name a later run reads to know the owner is gone."""
    return f"{prefix}{os.getpid()}_"


def _results_folder() -> str | None:
    """A new folder for the results of one run's workers, in /dev/shm when there is one."""
    import tempfile

    for folder in scratch_dirs():
        try:
            return tempfile.mkdtemp(prefix=scratch_prefix(RESULTS_PREFIX), dir=folder)
        except OSError:
            continue
    return None


def _init_pool(model, common: tuple, folder: str | None = None, spill_bytes: int = SPILL_BYTES,
               driver: int | None = None, from_file: bool = False) -> None:
    """A local worker process: the model and the arguments common to every task, received once
    (``from_file``: read from :data:`INIT_FILE` in ``folder``), the folder its results above
    ``spill_bytes`` of arrays go to, and the ``driver`` process to outlive by no more than a moment
    (``io._atomic.watch_driver``)."""
    from ._montecarlo import _init_worker

    if from_file:
        with open(os.path.join(folder, INIT_FILE), "rb") as f:  # type: ignore[arg-type]
            model, common = pickle.load(f)
    _init_worker(model, None, driver)
    _COMMON["args"] = common
    _COMMON["folder"] = folder
    _COMMON["spill"] = spill_bytes
    _COMMON["sent"] = itertools.count()


def _call_in_worker(fn: Callable, args: tuple, slot: int | None = None) -> object:
    """``fn`` on a task in a local worker; its result written to the file of ``slot`` (else to a
    new file) when its arrays are large (see :data:`SPILL_BYTES`)."""
    result = fn(None, *_COMMON["args"], *args)
    folder = _COMMON.get("folder")
    if folder is None:
        return result
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
    raws = [b.raw() for b in buffers]
    size = sum(r.nbytes for r in raws)
    if size == 0 or size < _COMMON["spill"]:  # type: ignore[operator]
        return result
    if slot is None:
        path = os.path.join(folder, f"{os.getpid()}-{next(_COMMON['sent'])}.bin")  # type: ignore[call-overload]
        mode = "wb"
    else:  # written over, never shortened: the pages stay allocated (and mapped by the driver)
        path = _slot_path(folder, slot)
        mode = "r+b" if os.path.exists(path) else "wb"
    with open(path, mode) as f:
        for r in raws:
            f.write(r)
    return _Spilled(path, data, tuple(r.nbytes for r in raws), slot)


def _receive(item: object, slots: _Slots | None = None) -> object:
    """A worker's result as it was made: a spilled one read back from its file, its arrays
    mapping the file (read only). A file of its own: its name is removed at once, its memory goes
    with the arrays. A slot's file: ``slots`` keeps it mapped; the arrays are valid until the slot
    is given to another task."""
    if not isinstance(item, _Spilled):
        return item
    if item.slot is not None and slots is not None:
        view = slots.mapped(item.slot, sum(item.sizes))
    else:
        import mmap

        with open(item.path, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            os.unlink(item.path)
        except OSError:  # pragma: no cover - a mapped file cannot be removed on Windows: the run's folder goes at its end
            pass
        view = memoryview(mapped)
    views, offset = [], 0
    for size in item.sizes:
        views.append(view[offset:offset + size])
        offset += size
    return pickle.loads(item.data, buffers=views)


def _started() -> None:
    """A task that returns at once: done when a worker has started (:data:`HELP_WHILE_STARTING`; the
    kept draws' pool asks it first, so that a worker ending later is told as such)."""


HELP_WHILE_STARTING = True
"""While no local worker has started yet (they fork from a server that first imports the Monte Carlo
and loads its kernels: 1.2-1.9 s, most of a second's work on a national run), this process runs the
next tasks itself, in order, and yields each at once; the workers take the tasks after them. The
numbers are the same: a task's result does not depend on the process, and the results are merged in
task order. Tests that need every task in a worker turn it off."""


def _call_with_common(fn: Callable, model, common: tuple, *args) -> object:
    return fn(model, *common, *args)


PRELOAD = "thidua_sim.model._preload"


def worker_context() -> multiprocessing.context.BaseContext:
    """How local worker processes start: from a fork server where the system has one (Linux,
    macOS), which imports the Monte Carlo's modules and kernels once (:mod:`._preload`) and forks
    each worker from itself, so the workers share that memory and start at once; else spawned
    (Windows). Never a fork of this process, which may have threads (Jupyter). The fork server
    is started for a run (:func:`prestart`) and stopped after it (:func:`stop_fork_server`)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


def prestart(workers: int, scheduler: str | None = None) -> None:
    """Start the fork server now, when a run will need local workers: it imports the Monte Carlo
    and loads its kernels (about a second) while this process prepares the run."""
    if scheduler or int(workers) <= 1 or "forkserver" not in multiprocessing.get_all_start_methods():
        return
    worker_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()  # returns once the server is started; it imports on its own


def _could_not_start(workers: int, exc: BaseException) -> Exception:
    from ._montecarlo import ProjectionError

    return ProjectionError(
        f"workers = {workers}: the worker processes could not start ({type(exc).__name__}). In a script, put the "
        "code that calls project(...) under `if __name__ == \"__main__\":` (worker processes re-import the "
        "script), or use workers=1, which gives the same numbers")


def _ended_mid_run(workers: int, exc: BaseException) -> Exception:
    from ._montecarlo import ProjectionError

    return ProjectionError(
        f"workers = {workers}: a worker process ended in the middle of the run ({type(exc).__name__}); "
        "it was killed, often by the system when memory runs short. Run again with fewer workers or "
        "fewer draws, or with workers=1, which gives the same numbers")


POOL_ERRORS = (concurrent.futures.process.BrokenProcessPool, RuntimeError, ConnectionError, EOFError)
"""What a local pool raises when its processes fail (:func:`pool_error` says which it was)."""


def pool_error(workers: int, exc: BaseException, started: bool) -> Exception | None:
    """The error to raise for ``exc`` (one of :data:`POOL_ERRORS`) from a local pool of ``workers``:
    a broken pool is a worker that ended mid-run once a worker had answered (``started``), else
    processes that could not start; any other error after the start is a task's own (None: raise
    ``exc`` as it is)."""
    if isinstance(exc, concurrent.futures.process.BrokenProcessPool):
        return (_ended_mid_run if started else _could_not_start)(workers, exc)
    return None if started else _could_not_start(workers, exc)


def _pool(fn: Callable, tasks: Sequence[tuple], model, workers: int, common: tuple) -> Iterator[object]:
    context = worker_context()
    window = workers  # results waiting to be merged are held here (a result is some 30 MB nationally)
    folder = _results_folder()
    slots = _Slots(folder, window + 1) if folder is not None else None
    initargs: tuple = (model, common, folder, SPILL_BYTES, os.getpid())
    if folder is not None:  # one file every worker reads, not a pipe to each (INIT_FILE); the
        # run's own scratch folder, read only once the pool starts: no atomic write needed
        with open(os.path.join(folder, INIT_FILE), "wb") as f:
            pickle.dump((model, common), f, protocol=5)
        initargs = (None, (), folder, SPILL_BYTES, os.getpid(), True)
    started_ok = False  # a worker answered (the start-up probe, or a result): the pool had started
    task_failed = False  # a task raised an error of its own (in a worker or here): not the pool's
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_pool,
                                                    initargs=initargs) as pool:
            pending: collections.deque = collections.deque()

            def submit(args: tuple) -> None:
                slot = slots.take() if slots is not None else None
                pending.append((pool.submit(_call_in_worker, fn, args, slot), slot))

            it = iter(tasks)
            if HELP_WHILE_STARTING:
                # the first submit starts the workers and waits for the fork server's imports: from
                # a thread, while this process runs tasks (never forked: safe with threads)
                started: list = []

                def start() -> None:
                    try:
                        started.append(pool.submit(_started))
                    except BaseException as exc:  # noqa: BLE001 - raised again below, in this thread
                        started.append(exc)

                starter = threading.Thread(target=start, name="thidua-pool-start", daemon=True)
                starter.start()
                while not (started and (isinstance(started[0], BaseException) or started[0].done())):
                    args = next(it, None)
                    if args is None:
                        break
                    from ._montecarlo import _no_hugepage_advice

                    try:
                        with _no_hugepage_advice():
                            result = fn(model, *common, *args)
                    except BaseException:
                        task_failed = True
                        raise
                    yield result
                starter.join()
                if isinstance(started[0], BaseException):
                    raise started[0]
                started[0].result()  # a pool that could not start fails here, however far this process got
                started_ok = True
            for args in it:
                submit(args)
                if len(pending) >= window:
                    break
            while pending:
                future, slot = pending.popleft()
                try:
                    item = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    raise
                except BaseException:
                    task_failed = True
                    raise
                started_ok = True
                result = _receive(item, slots)
                nxt = next(it, None)
                if nxt is not None:
                    submit(nxt)
                yield result
                if slots is not None:  # the next result is asked for: this one's arrays are not read again
                    slots.give(slot)  # type: ignore[arg-type]
    except POOL_ERRORS as exc:
        error = pool_error(workers, exc, started_ok or task_failed)  # a task's own error: raised as it is
        if error is None:
            raise
        raise error from exc
    finally:
        stop_fork_server()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)  # results never read (an error, an early stop)


def stop_fork_server() -> None:
    """End the fork server once a run's workers are done: it holds the imported modules (about
    100 MB) while this process goes on to build tables. The next run with workers starts it again
    (:func:`prestart`). Uses the standard library's private ``_stop`` (Python 3.9 and later); where
    it is missing the server simply lives until this process ends."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        try:
            stop()
        except OSError:  # pragma: no cover - already gone
            pass


def _dask(fn: Callable, tasks: Sequence[tuple], model, address: str, common: tuple) -> Iterator[object]:
    client = dask_client(address)
    workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
    window = 2 * workers + 1
    model_future = client.scatter(model, broadcast=True, hash=False)
    # a list of one: scatter sends each item of a list as its own future
    common_future = client.scatter([common], broadcast=True, hash=False)[0] if common else None
    pending: collections.deque = collections.deque()

    def submit(args: tuple):
        if common_future is None:
            return client.submit(fn, model_future, *args, pure=False, retries=1)
        return client.submit(_call_with_common, fn, model_future, common_future, *args, pure=False, retries=1)

    try:
        it = iter(tasks)
        for args in it:
            pending.append(submit(args))
            if len(pending) >= window:
                break
        while pending:
            future = pending.popleft()
            result = future.result()
            future.release()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(submit(nxt))
            yield result
    finally:
        for f in pending:
            f.cancel()
        model_future.release()
        if common_future is not None:
            common_future.release()


def map_ordered(fn: Callable, tasks: Sequence[tuple], *, workers: int = 1, scheduler: str | None = None,
                model=None, local_pool: bool = True, common: tuple = ()) -> Iterator[object]:
    """``fn(model, *common, *args)`` for every task, yielded in task order (see the module text).
    ``common``: arguments every task shares, sent to each worker once rather than with every task."""
    tasks = list(tasks)
    common = tuple(common)
    if scheduler:
        return _dask(fn, tasks, model, scheduler, common)
    workers = min(int(workers), len(tasks))
    if workers <= 1 or not local_pool:
        return _local(fn, tasks, model, common)
    return _pool(fn, tasks, model, workers, common)
