"""Warm kernels: one Jupyter kernel per batch worker, reused for brief after brief.

Starting a kernel and importing thidua_sim, pandas and matplotlib in it costs about as much as a
commune brief itself once the shared results are computed (apps/briefs/_results.py). papermill's
engine interface takes a kernel manager (``execute_notebook(..., km=...)``, passed through to
nbclient, which then neither starts nor shuts down a kernel), so a worker keeps its kernel:

* before every brief the kernel's namespace is cleared (``%reset -f``) and open figures are
  closed, so a brief sees nothing of the one before; imported modules stay (that is the saving);
* a kernel that died, timed out or belongs to another kernel spec or folder is shut down and a
  fresh one started; so is every kernel after :data:`MAX_BRIEFS` briefs;
* the kernel is shut down when the worker process exits;
* :func:`prestart` starts a worker's kernel before its first brief and has it import what a
  brief imports (:data:`PRELOAD_CODE`) without waiting for it, so a batch's kernels warm up
  while its shared results are computed; the first brief's reset waits for that import to end
  (a kernel answers requests in order).

Each thread has its own kernel (a Dask worker with several threads runs several briefs at once).
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient

__all__ = ["KeptClient", "warm_kernel", "prestart", "release", "discard", "shutdown_all", "MAX_BRIEFS", "RESET_CODE", "PRELOAD_CODE"]

MAX_BRIEFS = 50
"""Briefs one kernel runs before it is replaced (bounds memory a long batch could accumulate)."""
RESET_CODE = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt\n"

PRELOAD_CODE = ("import matplotlib.pyplot, pandas, scipy.special\n"
                "from thidua_sim import brief\n"
                "import thidua_sim.report.validation\n"
                "import thidua_sim.data, thidua_sim.params.standards, thidua_sim.model.projection\n"
                "import thidua_sim.planning.targets, thidua_sim.planning.scoreboard\n"
                "import gc\n"
                "gc.freeze()\n")
"""What every brief imports (a commune brief needs no scipy.optimize or scipy.stats, 0.6 s: the
district brief's kernel imports them on first use); modules stay across resets. The layers are
named: ``import thidua_sim`` loads none of them (its names come on first use), and a brief reads
the data, the parameters, the projection and the targets.
``gc.freeze()`` then moves the imported modules' objects out of the collector's sight: they live
as long as the kernel anyway, and ``%reset -f`` runs two full collections (0.3 s a brief with
them in sight, a few milliseconds without)."""

_LOCAL = threading.local()
_ALL: list = []
_LOCK = threading.Lock()


class KeptClient(AsyncKernelClient):
    """The asynchronous client nbclient gets for every brief of a warm kernel: starting its
    channels again is a no-op (nbclient starts them for each notebook; a heartbeat thread can
    start only once). Messages of earlier requests left on its IOPub channel are skipped by
    nbclient, which reads only those answering its own requests."""

    def start_channels(self, *args, **kwargs) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)


class _Warm:
    def __init__(self, key: tuple, km, kc, sockets: str | None = None):
        self.key, self.km, self.kc, self.briefs, self.sockets = key, km, kc, 0, sockets
        self.clients: list = []  # the one asynchronous client nbclient gets (KeptClient)


def _start(kernel_name: str, cwd: str, timeout: int, ipc_root: str | None = None) -> _Warm:
    import tempfile

    from jupyter_client.manager import KernelManager

    # the kernel's life is ours (a plain manager); nbclient talks to it with the asynchronous
    # client it expects, we reset it with a blocking one of our own
    # IPC transport (Unix sockets in a folder of its own, kept while the kernel lives): no TCP
    # port races between parallel kernels, nothing listening on the network
    sockets = tempfile.mkdtemp(prefix="w-", dir=ipc_root if ipc_root and os.path.isdir(ipc_root) else None)
    km = KernelManager(kernel_name=kernel_name, client_class=f"{__name__}.KeptClient",
                       transport="ipc", ip=os.path.join(sockets, "kernel"))
    try:
        km.start_kernel(cwd=cwd, env=dict(os.environ))
    except BaseException:
        _remove(sockets)
        raise
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
    except BaseException:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        _remove(sockets)
        raise
    warm = _Warm((kernel_name, cwd), km, kc, sockets)
    make_client = km.client

    def client(**kwargs):
        # one asynchronous client for every brief of this kernel: a new one per brief waited
        # 0.5-0.7 s in wait_for_ready (its IOPub subscription joins late: kernel_info is asked
        # again until a status message arrives); this one is connected from the start
        kept = warm.clients[0] if warm.clients else None
        if kept is None or not kept.channels_running:
            kept = make_client(**kwargs)
            kept.start_channels()
            warm.clients[:] = [kept]
        return kept

    km.client = client  # type: ignore[method-assign]
    client()  # connect it now, while the kernel imports
    with _LOCK:
        _ALL.append(warm)
    return warm


def _stop(warm: _Warm) -> None:
    for c in [*warm.clients, warm.kc]:
        try:
            c.stop_channels()
        except Exception:  # noqa: BLE001 - closing a client that is already gone
            pass
    warm.clients.clear()
    try:
        warm.kc.stop_channels()
    except Exception:  # noqa: BLE001 - closing a client that is already gone
        pass
    try:
        if warm.km.has_kernel:
            warm.km.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - a kernel that is already gone
        pass
    _remove(warm.sockets)
    with _LOCK:
        if warm in _ALL:
            _ALL.remove(warm)


def _remove(folder: str | None) -> None:
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _reset(warm: _Warm, timeout: int) -> bool:
    """Clear the namespace; False when the kernel does not answer properly."""
    try:
        reply = warm.kc.execute_interactive(RESET_CODE, timeout=timeout, store_history=False,
                                            output_hook=lambda msg: None)
    except Exception:  # noqa: BLE001 - a dead or stuck kernel: replaced by the caller
        return False
    return reply.get("content", {}).get("status") == "ok"


def release() -> None:
    """After a brief: nothing to close; the kernel's one asynchronous client (``KeptClient``)
    stays connected for the next brief (nbclient leaves a client it did not start alone)."""


def warm_kernel(kernel_name: str, cwd: str | Path, timeout: int = 60, ipc_root: str | None = None):
    """This thread's kernel manager for ``kernel_name`` in ``cwd``, started if needed (its IPC
    sockets in a new folder under ``ipc_root``), its namespace cleared; pass it to papermill as
    ``km`` and call :func:`release` afterwards."""
    key = (kernel_name, str(cwd))
    warm = getattr(_LOCAL, "warm", None)
    if warm is not None and (warm.key != key or warm.briefs >= MAX_BRIEFS or not warm.km.is_alive()
                             or not _reset(warm, timeout)):
        _stop(warm)
        warm = None
    if warm is None:
        warm = _LOCAL.warm = _start(kernel_name, str(cwd), timeout, ipc_root)
    warm.briefs += 1
    return warm.km


def prestart(kernel_name: str, cwd: str | Path, timeout: int = 60, ipc_root: str | None = None) -> None:
    """Start this thread's kernel now and send it :data:`PRELOAD_CODE` without waiting for the
    answer; the next :func:`warm_kernel` call (same name and folder) uses this kernel."""
    warm = getattr(_LOCAL, "warm", None)
    if warm is None or warm.key != (kernel_name, str(cwd)):
        if warm is not None:
            _stop(warm)
        warm = _LOCAL.warm = _start(kernel_name, str(cwd), timeout, ipc_root)
    warm.kc.execute(PRELOAD_CODE, silent=True, store_history=False)


def discard() -> None:
    """Shut down this thread's kernel (after an error in it): the next brief starts a fresh one."""
    warm = getattr(_LOCAL, "warm", None)
    _LOCAL.warm = None
    if warm is not None:
        _stop(warm)


def shutdown_all() -> None:
    """Shut down every warm kernel of this process."""
    with _LOCK:
        todo = list(_ALL)
    for warm in todo:
        _stop(warm)
    _LOCAL.warm = None


atexit.register(shutdown_all)
try:  # worker processes of multiprocessing skip atexit; their finalizers run
    from multiprocessing import util as _mp_util

    _mp_util.Finalize(None, shutdown_all, exitpriority=100)
except Exception:  # pragma: no cover  # noqa: BLE001
    pass
