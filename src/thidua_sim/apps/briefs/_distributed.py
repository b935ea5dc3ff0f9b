"""The batch of briefs on a Dask cluster: one brief per task (``run_briefs(scheduler=...)``).

Every worker must see the same folders as this process (the data, params, notebooks and the
output folder: a shared file system, as on an HPC cluster or with a shared volume on
Kubernetes; docs/scale.md) and have thidua_sim installed. Each task resolves its own kernel on
its worker (that worker's Python), runs the brief with a warm kernel and writes the brief's
files atomically, exactly as a local worker process does. A worker that dies mid-brief has its
task run again on another worker by the scheduler; the temporary files it left are removed
when the batch ends, so no partial file remains.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

__all__ = ["run_on_cluster"]


def _execute_remote(job):
    """One brief on a Dask worker (the job's kernel resolved there)."""
    from ._kernel import resolve_kernel
    from .batch import _execute_logged

    kernel_name, env = resolve_kernel(Path(job.out_dir))
    env = {**{k: v for k, v in job.env.items() if k != "JUPYTER_PATH"}, **env}
    return _execute_logged(replace(job, kernel_name=kernel_name, env=env))


def run_on_cluster(to_run: list, address: str, results: dict, progress: bool, on_done) -> None:
    """Run ``to_run`` (BriefJobs) on the cluster at ``address``; fill ``results`` by name as each
    finishes and call ``on_done()`` after each."""
    import sys

    from distributed import as_completed
    from tqdm import tqdm

    from ._io import remove_stale_temporaries
    from .batch import BriefResult, _last_line
    from ...model._executors import dask_client

    client = dask_client(address)
    run_id = uuid.uuid4().hex[:8]
    futures = {client.submit(_execute_remote, job, key=f"thidua-brief-{job.name}-{run_id}", pure=False,
                             retries=1): job for job in to_run}
    bar = tqdm(total=len(to_run), desc="briefs", unit="brief", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    try:
        for future in as_completed(futures, loop=client.loop):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a brief that failed on every try fails alone
                result = BriefResult(job.name, job.title, job.label, "failed", job.inputs_hash,
                                     notebook_name=f"notebooks/{job.notebook_path.name}", error=_last_line(exc))
            results[job.name] = result
            bar.set_postfix_str(f"{job.name}: {result.status}")
            bar.update(1)
            on_done()
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        bar.close()
    # every task is done: what temporaries remain are those of a worker killed mid-brief (its
    # task ran again elsewhere)
    if to_run:
        remove_stale_temporaries(Path(to_run[0].out_dir))
