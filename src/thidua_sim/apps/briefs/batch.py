"""Batch runs of the planning briefs: one brief per commune plus the district brief.

:func:`run_briefs` executes the brief notebooks with papermill in parallel processes, renders
each to a standalone HTML file without code, and writes ``index.html`` with a status table
linking every brief. What it guarantees:

- **One failure never stops the others.** A failed brief keeps its executed notebook (with
  papermill's error cell) under ``notebooks/``; the index and the summary list it with the last
  line of its error; :attr:`BatchResult.failed` is non-empty (the CLI exits 1).
- **Atomic outputs.** Every file is written to a temporary file in the same folder and moved
  into place with ``os.replace``; a killed run leaves no half-written brief (its temporaries are
  removed by the next run).
- **Resume.** A brief whose inputs (parameter files, data files, scenario, notebook, package
  version and source, parameters) did not change since it last succeeded is skipped; the hash
  is stored beside it (``.<name>.inputs.json``). ``force=True`` rebuilds everything.
- **The project's Python.** The kernel is this interpreter (:mod:`._batch_kernel`), with a kernel
  start timeout and a cell timeout; a kernel that dies is restarted once.

Layout of ``out_dir``: ``index.html``, ``district.html``, ``commune_<area id>.html``,
``notebooks/<name>.ipynb`` (executed) and the hidden ``.<name>.inputs.json``.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ...core.defaults import BRIEF_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED
from ...io._atomic import remove_left_by_dead, watch_driver
from ...io._digest import inputs_hash
from ._index import render_index
from ._io import remove_stale_temporaries, temporary_path, write_atomic
from ...errors import BatchError, ThiduaError  # noqa: F401 (BatchError re-exported: callers import it from here)
from ...report.i18n import check_language, t

__all__ = [
    "BatchError",
    "BriefJob",
    "BriefResult",
    "BatchResult",
    "run_briefs",
    "notebook_parameters",
    "default_notebooks_dir",
    "DEFAULT_START_TIMEOUT",
    "DEFAULT_CELL_TIMEOUT",
]

DEFAULT_START_TIMEOUT = 120
"""Seconds a kernel may take to start."""
DEFAULT_CELL_TIMEOUT = 900
"""Seconds one notebook cell may run."""
IPC_ENV = "THIDUA_BRIEF_SOCKETS"
"""Environment variable naming the folder under which the kernels' IPC sockets live (one per run)."""
LOCK_NAME = ".briefs.lock"
"""The lock file of an output folder: one batch at a time writes into a folder."""
NOTEBOOK_FILES = {"commune": "commune_brief.ipynb", "district": "district_brief.ipynb"}
PERIODS = {"2021-2025": {"until": 2025, "out": "briefs"}, "2026-2030": {"until": 2030, "out": "briefs_2026_2030"}}
"""The planning periods a batch builds: 2021-2025 (the movement, on the 2021 units) and 2026-2030
(the 6 new communes and the former district area; see :mod:`thidua_sim.apps.briefs.sections`).
``out``: the default output folder name under ``out/``; the index of each links to the other
when it has been built beside it."""


def default_notebooks_dir() -> Path:
    """``notebooks/`` of the project this package is installed from (editable install), else the
    working folder's ``notebooks/``."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "notebooks"
        if (candidate / NOTEBOOK_FILES["district"]).is_file():
            return candidate
    return Path.cwd() / "notebooks"


@dataclass(frozen=True)
class BriefJob:
    """One brief to build: which notebook, with which parameters, into which files."""

    name: str
    kind: str
    title: str
    label: str
    notebook: str
    parameters: dict
    out_dir: str
    inputs_hash: str
    language: str = "vi"
    kernel_name: str = "python3"
    env: dict = field(default_factory=dict)
    start_timeout: int = DEFAULT_START_TIMEOUT
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    warm: bool = False  # reuse the worker's kernel across briefs (_warm.py)

    @property
    def html_path(self) -> Path:
        return Path(self.out_dir) / f"{self.name}.html"

    @property
    def notebook_path(self) -> Path:
        return Path(self.out_dir) / "notebooks" / f"{self.name}.ipynb"

    @property
    def log_path(self) -> Path:
        return Path(self.out_dir) / "logs" / f"{self.name}.log"

    @property
    def state_path(self) -> Path:
        return Path(self.out_dir) / f".{self.name}.inputs.json"


@dataclass
class BriefResult:
    """What became of one brief. ``status``: ``"ok"`` (built now), ``"skipped"`` (inputs
    unchanged, the earlier brief is kept), ``"failed"`` (``error``: the error's last line) or,
    in the index of a run still going, ``"pending"``."""

    name: str
    title: str
    label: str
    status: str
    inputs_hash: str
    html_name: str = ""
    notebook_name: str = ""
    error: str | None = None
    seconds: float | None = None
    attempts: int = 0


@dataclass
class BatchResult:
    """All briefs of a run, in display order (district first), and where the index is."""

    results: list[BriefResult]
    index: Path
    out_dir: Path

    @property
    def failed(self) -> list[BriefResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def built(self) -> list[BriefResult]:
        return [r for r in self.results if r.status == "ok"]

    @property
    def skipped(self) -> list[BriefResult]:
        return [r for r in self.results if r.status == "skipped"]

    def summary(self) -> str:
        """A few lines for the terminal: counts, each failure with its error, the index."""
        lines = [f"{len(self.built)} built, {len(self.skipped)} unchanged (skipped), {len(self.failed)} failed "
                 f"of {len(self.results)} briefs."]
        for r in self.failed:
            lines.append(f"  FAILED {r.name}: {r.error}  (executed notebook: {self.out_dir / r.notebook_name})")
        lines.append(f"Index: {self.index}")
        return "\n".join(lines)


# -- parameters ----------------------------------------------------------------------------------

def notebook_parameters(notebook: Path) -> tuple[str, ...]:
    """The parameters a notebook declares in its cell tagged ``parameters`` (papermill)."""
    import papermill

    return tuple(papermill.inspect_notebook(str(notebook)).keys())


_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"),
    "str": ((str,), "text"),
    "bool": ((bool,), "true or false"),
}


def _check_parameters(notebook: Path, parameters: Mapping[str, object]) -> None:
    """Refuse, before any kernel runs, a parameter the notebook does not declare (``sed`` for
    ``seed``) or one whose type differs from the declared default's (papermill's inspection)."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        from difflib import get_close_matches

        close = [m for u in unknown for m in get_close_matches(u, list(declared), n=1)]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise BatchError(
            f"{notebook.name} does not declare the parameter{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}; it declares {', '.join(declared) or 'none'}.{hint} "
            "Remove the unknown ones or add them to the notebook's cell tagged 'parameters'.")
    for name, value in parameters.items():
        kind = declared[name].get("inferred_type_name")
        if kind in (None, "None"):  # no annotation: the type of the default value
            import ast

            try:
                kind = type(ast.literal_eval(str(declared[name].get("default")))).__name__
            except (ValueError, SyntaxError):
                kind = None
        accepted = _TYPES.get(str(kind))
        if accepted is None or value is None:
            continue
        types, what = accepted
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            raise BatchError(
                f"{notebook.name}: parameter {name} = {value!r} is {type(value).__name__}; the notebook expects "
                f"{what} (its default is {declared[name].get('default')}). Give e.g. -p {name}="
                f"{declared[name].get('default')}")


# -- one brief (runs in a worker process) ------------------------------------------------------

def _last_line(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__


def _execute(job: BriefJob) -> BriefResult:
    """Run one brief notebook with the worker's (and so the kernel's) standard error going to
    ``logs/<name>.log``, so kernel chatter does not garble the progress bar."""
    job.log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(job.log_path, "w", encoding="utf-8") as log:
            os.dup2(log.fileno(), 2)
            return _execute_logged(job)
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _ipc_kernel_manager(folder: str):
    """A kernel manager whose kernel talks over Unix sockets in ``folder`` (IPC transport): no
    TCP ports (no port races between parallel kernels, nothing listening on the network)."""
    from jupyter_client.manager import AsyncKernelManager  # nbclient's own: an async client, so a dead
    from traitlets import default                            # kernel is noticed while a cell waits

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return os.path.join(folder, "kernel")

    return IPCKernelManager


def _execute_logged(job: BriefJob) -> BriefResult:
    """Run one brief notebook, keep the executed notebook, render the HTML, store the hash."""
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError

    from . import _warm
    from ._render import render_html

    import tempfile

    os.environ.update(job.env)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugpy in the kernel
    sockets = tempfile.mkdtemp(prefix="k-", dir=job.env.get(IPC_ENV) or None)
    try:
        return _execute_with(job, _ipc_kernel_manager(sockets))
    finally:
        import shutil

        shutil.rmtree(sockets, ignore_errors=True)


def _execute_with(job: BriefJob, kernel_manager_class: type) -> BriefResult:
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError

    from . import _warm
    from ._render import render_html

    started = time.perf_counter()
    error: str | None = None
    attempts = 0
    executed = None
    job.notebook_path.parent.mkdir(parents=True, exist_ok=True)
    job.state_path.unlink(missing_ok=True)  # a brief being rebuilt is not up to date until it succeeds
    while True:
        attempts += 1
        with temporary_path(job.notebook_path) as tmp:
            try:
                kernel = ({"km": _warm.warm_kernel(job.kernel_name, Path(job.notebook).parent, job.start_timeout,
                                                   job.env.get(IPC_ENV))}
                          if job.warm else {"kernel_manager_class": kernel_manager_class})
                # written once at the end (or with the error cell when a cell fails), not after every
                # cell: papermill's saves cost a fifth of a commune brief
                executed = papermill.execute_notebook(
                    job.notebook, str(tmp), parameters=dict(job.parameters), kernel_name=job.kernel_name,
                    cwd=str(Path(job.notebook).parent), progress_bar=False, log_output=False,
                    start_timeout=job.start_timeout, execution_timeout=job.cell_timeout,
                    request_save_on_cell_execute=False, **kernel,
                )
                _warm.release()
            except DeadKernelError as exc:
                _warm.discard()
                if attempts < 2:
                    continue  # the temporary file is dropped; start a fresh kernel once more
                error = _last_line(exc)
            except papermill.PapermillExecutionError as exc:
                _warm.discard()
                error = _last_line(exc)
            except Exception as exc:  # noqa: BLE001 - kernel start failures, timeouts: reported, never fatal
                _warm.discard()
                error = _last_line(exc)
            if tmp.stat().st_size == 0:
                nbformat.write(nbformat.read(job.notebook, as_version=4), str(tmp))
        break
    html_name = ""
    if error is None:
        try:
            write_atomic(job.html_path, render_html(executed if executed is not None else job.notebook_path,
                                                    job.title, job.language))
            html_name = job.html_path.name
        except Exception as exc:  # noqa: BLE001 - a rendering failure fails this brief only
            error = _last_line(exc)
    if error is not None:
        job.html_path.unlink(missing_ok=True)  # never leave an outdated brief that looks current
    seconds = time.perf_counter() - started
    result = BriefResult(job.name, job.title, job.label, "failed" if error else "ok", job.inputs_hash, html_name,
                         f"notebooks/{job.notebook_path.name}", error, round(seconds, 2), attempts)
    if error is None:
        write_atomic(job.state_path, json.dumps(asdict(result), ensure_ascii=False, indent=1))
    return result


def _up_to_date(job: BriefJob) -> BriefResult | None:
    """The stored result when the brief's inputs did not change since it last succeeded."""
    try:
        state = json.loads(job.state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("inputs_hash") != job.inputs_hash or state.get("status") != "ok" or not job.html_path.is_file():
        return None
    return BriefResult(job.name, job.title, job.label, "skipped", job.inputs_hash, job.html_path.name,
                       f"notebooks/{job.notebook_path.name}", None, state.get("seconds"))


# -- the batch -----------------------------------------------------------------------------------

def _area_names(data_dir: Path, period: str = "2021-2025") -> dict[str, str]:
    from ...data import load_area_info, load_baseline

    if period == "2026-2030":
        from .sections import period_units

        info = {a.id: a.name for a in load_area_info(data_dir)}
        return {a: info[a] for a in period_units(data_dir)}
    return {a.id: a.name for a in load_baseline(data_dir).areas}


def _other_periods(out_dir: Path, period: str, language: str) -> list[tuple[str, str]]:
    """Links to the index of the other period's briefs when they were built beside these."""
    links = []
    for other, spec in PERIODS.items():
        if other == period:
            continue
        here = PERIODS[period]["out"]
        folder = out_dir.parent / (out_dir.name.replace(here, spec["out"]) if here in out_dir.name else spec["out"])
        if (folder / "index.html").is_file():
            links.append((t("index_other_period", language, period=other.replace("-", "–")),
                          os.path.relpath(folder / "index.html", out_dir)))
    return links


def run_briefs(
    scenario: str | Path,
    areas: Sequence[str] | None = None,
    jobs: int | None = None,
    *,
    out_dir: str | Path,
    data_dir: str | Path = "data/kbang",
    params_dir: str | Path = "params",
    draws: int = BRIEF_DRAWS,
    seed: int = DEFAULT_SEED,
    language: str = "vi",
    until: int = DEFAULT_HORIZON,
    force: bool = False,
    district: bool = True,
    notebooks_dir: str | Path | None = None,
    extra_parameters: Mapping[str, object] | None = None,
    start_timeout: int = DEFAULT_START_TIMEOUT,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool = True,
    period: str = "2021-2025",
    scheduler: str | None = None,
    share_results: bool = True,
    warm_kernels: bool = True,
) -> BatchResult:
    """Build the briefs of ``areas`` (None, the default: every commune of ``data_dir``; an empty
    list: no commune brief) and, with
    ``district``, the district brief, under ``scenario``; see the module text.

    ``jobs``: parallel processes (default: all cores). ``extra_parameters`` go to every notebook;
    one that a notebook does not declare is refused before anything runs. Returns a
    :class:`BatchResult`; failures are in it, not raised.

    ``period``: "2021-2025" (default) or "2026-2030": the briefs of the 6 communes formed in 2025
    and of the former district area, projected to 2030 across the 2027 standard switch (``until``
    is then at least the period's end).

    ``share_results``: compute the projection and required resources once into
    ``out_dir/results.npz`` and give every brief its path (``_results.py``); ``warm_kernels``:
    each worker reuses its kernel (``_warm.py``); ``scheduler``: a Dask scheduler address, one
    brief per task (``_distributed.py``, docs/scale.md); None runs locally in ``jobs`` processes.
    """
    check_language(language)
    _skip_iri_parsers()
    if period not in PERIODS:
        raise BatchError(f"period {period!r}: expected one of {', '.join(PERIODS)}")
    if period != "2021-2025":
        until = max(int(until), PERIODS[period]["until"])
    out_dir = Path(out_dir).resolve()
    data_dir, params_dir = Path(data_dir).resolve(), Path(params_dir).resolve()
    notebooks_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir()
    for label, folder in (("data", data_dir), ("params", params_dir), ("notebooks", notebooks_dir)):
        if not folder.is_dir():
            raise BatchError(f"{label} folder {folder}: no such folder")
    scenario_path = Path(scenario)
    if not scenario_path.is_file() and (params_dir / "scenarios" / f"{scenario}.yaml").is_file():
        scenario_path = params_dir / "scenarios" / f"{scenario}.yaml"
    if not scenario_path.is_file():
        raise BatchError(f"scenario {scenario}: no such file; expected a scenario .yaml, "
                         f"e.g. {params_dir / 'scenarios' / 'status_quo.yaml'}")
    scenario_path = scenario_path.resolve()
    jobs = (os.cpu_count() or 1) if jobs is None else int(jobs)
    if jobs < 1:
        raise BatchError(f"jobs = {jobs}: expected a whole number >= 1")

    names = _area_names(data_dir, period)
    wanted = list(dict.fromkeys(areas)) if areas is not None else list(names)
    _check_area_ids(wanted, names, data_dir)  # before any file name is built from them
    common = {"scenario": str(scenario_path), "data_dir": str(data_dir), "params_dir": str(params_dir),
              "draws": int(draws), "seed": int(seed), "language": language, "until": int(until),
              **dict(extra_parameters or {})}
    specs: list[tuple[str, str, str, str, dict]] = []
    if district:
        district_title = t("brief_former_district_title" if period == "2026-2030" else "brief_district_title", language)
        district_link = t("former_district" if period == "2026-2030" else "district_brief_link", language)
        specs.append(("district", "district", district_title, district_link, dict(common)))
    for area_id in wanted:
        name = names.get(area_id, area_id)
        specs.append((f"commune_{area_id}", "commune", t("brief_commune_title", language, area=name), name,
                      {"area_id": area_id, **common}))
    results_file = out_dir / "results.npz"
    for kind in dict.fromkeys(s[1] for s in specs):
        notebook = notebooks_dir / NOTEBOOK_FILES[kind]
        if not notebook.is_file():
            raise BatchError(f"no brief notebook {notebook}")
        _check_parameters(notebook, next(s[4] for s in specs if s[1] == kind))
        if share_results and period == "2021-2025" and "results" in notebook_parameters(notebook):  # computed once, below
            for spec in specs:
                if spec[1] == kind:
                    spec[4]["results"] = str(results_file)

    from ._kernel import resolve_kernel

    out_dir.mkdir(parents=True, exist_ok=True)
    with _folder_lock(out_dir), _socket_folder() as sockets:
        return _run_locked(specs, jobs, out_dir, data_dir, params_dir, scenario_path, notebooks_dir, language,
                           force, start_timeout, cell_timeout, progress, sockets, resolve_kernel, period,
                           _Shared(results_file, common, wanted, district, scheduler, warm_kernels))


@contextlib.contextmanager
def _folder_lock(out_dir: Path):
    """Hold the output folder's lock for the run; a second run into the same folder is refused."""
    import fcntl

    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                other = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            except OSError:
                other = "?"
            raise BatchError(f"--out {out_dir}: another briefs run (process {other}) is writing into this folder; "
                             "wait for it to finish, or choose another --out") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _socket_folder():
    """A private folder for the kernels' IPC sockets (short path: a socket name has ~100 bytes)."""
    import shutil
    import tempfile

    remove_left_by_dead(tempfile.gettempdir(), ("thidua-briefs-p",))  # by runs killed (SIGKILL): no cleanup ran
    folder = tempfile.mkdtemp(prefix=f"thidua-briefs-p{os.getpid()}-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class _Shared:
    """What the locked part of a run needs of its set-up: the shared results file (computed once),
    the parameters every brief gets, the communes, and how the briefs run."""

    results_file: Path
    common: dict
    wanted: list
    district: bool
    scheduler: str | None
    warm_kernels: bool


def _run_locked(specs, jobs, out_dir, data_dir, params_dir, scenario_path, notebooks_dir, language, force,
                start_timeout, cell_timeout, progress, sockets, resolve_kernel, period, shared: _Shared) -> BatchResult:
    remove_stale_temporaries(out_dir)
    kernel_name, env = resolve_kernel(out_dir)
    env = {**env, IPC_ENV: sockets}
    # each kernel gets its share of the cores: numpy's BLAS threads in several kernels at once
    # would otherwise fight over the same cores
    threads = str(max(1, (os.cpu_count() or 1) // max(1, min(jobs, len(specs)))))
    env = {**{v: os.environ.get(v, threads) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
           **env}
    all_jobs = []
    for name, kind, title, label, parameters in specs:
        notebook = notebooks_dir / NOTEBOOK_FILES[kind]
        digest = inputs_hash(params_dir=params_dir, data_dir=data_dir, scenario=scenario_path, notebook=notebook,
                             parameters=parameters)
        all_jobs.append(BriefJob(name, kind, title, label, str(notebook), parameters, str(out_dir), digest, language,
                                 kernel_name, env, int(start_timeout), int(cell_timeout),
                                 bool(shared.warm_kernels)))

    results: dict[str, BriefResult] = {}
    to_run = []
    for job in all_jobs:
        stored = None if force else _up_to_date(job)
        if stored is not None:
            results[job.name] = stored
        else:
            to_run.append(job)

    scenario_name = _scenario_name(scenario_path, language)
    index = out_dir / "index.html"

    def write_index() -> None:
        shown = [results.get(j.name) or BriefResult(j.name, j.title, j.label, "pending", j.inputs_hash) for j in all_jobs]
        write_atomic(index, render_index(shown, language, scenario_name,
                                         links=_other_periods(out_dir, period, language), period=period))

    if to_run:
        write_index()  # an interrupted first run still leaves an index saying what is not finished
        to_compute = None
        if any("results" in j.parameters for j in to_run):
            from ._results import results_current

            inputs = dict(scenario=scenario_path, data_dir=data_dir, params_dir=params_dir,
                          draws=int(shared.common["draws"]), seed=int(shared.common["seed"]),
                          until=int(shared.common["until"]))
            if not results_current(shared.results_file, district=shared.district, **inputs):
                to_compute = {**inputs, "areas": shared.wanted, "district": shared.district}
        try:
            if shared.scheduler:
                from ._distributed import run_on_cluster
                from ._results import compute_results

                if to_compute is not None:
                    compute_results(shared.results_file, scheduler=shared.scheduler, **to_compute)
                run_on_cluster(to_run, shared.scheduler, results, progress, write_index)
            else:
                warm = None
                if shared.warm_kernels:
                    (out_dir / "logs").mkdir(exist_ok=True)
                    write_atomic(out_dir / "logs" / KERNELS_LOG, "")
                    warm = (kernel_name, str(Path(to_run[0].notebook).parent), int(start_timeout), env,
                            str(out_dir / "logs" / KERNELS_LOG))
                _run_parallel(to_run, jobs, results, progress, write_index, warm=warm,
                              shared_results=None if to_compute is None else (shared.results_file, to_compute))
        finally:
            remove_stale_temporaries(out_dir)  # those of workers stopped by Ctrl-C
    write_index()
    return BatchResult([results[j.name] for j in all_jobs], index, out_dir)


def _check_area_ids(wanted: Sequence[str], names: Mapping[str, str], data_dir: Path) -> None:
    """Every requested area id is a commune of the data folder (whose ids are checked snake_case):
    an id never becomes part of a file name unchecked (``../../notebooks/planner`` is refused)."""
    from difflib import get_close_matches

    unknown = [a for a in wanted if a not in names]
    if unknown:
        shown = ", ".join(repr(a if len(str(a)) <= 40 else str(a)[:37] + "...") for a in unknown[:5])
        close = [m for a in unknown for m in get_close_matches(str(a), list(names), n=1)]
        hint = f" Did you mean {', '.join(dict.fromkeys(close))}?" if close else ""
        raise BatchError(f"--areas: {shown} {'is not a commune id' if len(unknown) == 1 else 'are not commune ids'} "
                         f"of {data_dir / 'areas.csv'}.{hint} Known: {', '.join(names)}")


def _scenario_name(path: Path, language: str) -> str:
    try:
        from ...io._yaml import read_yaml

        data = read_yaml(path)
        return str(data.get("name_vi" if language == "vi" else "name_en") or data.get("name") or path.stem)
    except Exception:  # noqa: BLE001 - the title of the index only; the briefs report real problems
        return path.stem


def _run_parallel(to_run: list[BriefJob], jobs: int, results: dict[str, BriefResult], progress: bool,
                  on_done, *, warm: tuple | None = None, shared_results: tuple | None = None) -> None:
    """Run ``to_run`` in ``jobs`` worker processes, the longest brief (the district's) first.

    The workers start at once, each starting its warm kernel (``warm``: kernel name, folder,
    start timeout, environment, kernel log). While they start, the shared results
    (``shared_results``: the file and the inputs, when it must be computed) are computed in
    parallel: the draws and the required resources here, the allocation in a worker. The
    commune briefs need only the first two: the file is written with them and the commune briefs
    start; when the allocation is done the whole file is written and the district brief is the
    next to start. At most one brief a worker is submitted at a time, so the order holds."""
    from tqdm import tqdm

    workers = min(jobs, len(to_run))
    context = multiprocessing.get_context("spawn")
    futures: dict = {}
    bar = None
    queue = sorted(to_run, key=_longest_first)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(warm, os.getpid())) as pool:
        try:
            allocation = None  # (future of the allocation part, the other parts, the file, inputs)
            if shared_results is not None:
                allocation = _compute_shared(pool, workers, *shared_results)
            else:
                for _ in range(workers):  # start every worker (and its kernel) now, not on the first briefs
                    pool.submit(_started)
            bar = tqdm(total=len(to_run), desc="briefs", unit="brief", file=sys.stderr, disable=not progress,
                       dynamic_ncols=True)

            def submit_ready() -> None:
                busy = len(futures) + (allocation is not None)
                for job in list(queue):
                    if busy >= workers:
                        break
                    if allocation is not None and job.kind == "district":
                        continue  # it reads the allocation: after the whole file is written
                    queue.remove(job)
                    futures[pool.submit(_execute, job)] = job
                    busy += 1

            submit_ready()
            while futures or allocation is not None:
                watched = set(futures) | ({allocation[0]} if allocation is not None else set())
                done, _ = wait(watched, return_when=FIRST_COMPLETED)
                for future in done:
                    if allocation is not None and future is allocation[0]:
                        from ._results import compute_results

                        _, parts, path, inputs = allocation
                        compute_results(path, parts={**parts, "allocation": future.result()}, **inputs)
                        allocation = None
                        continue
                    job = futures.pop(future)
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker fails its brief only
                        result = BriefResult(job.name, job.title, job.label, "failed", job.inputs_hash,
                                             notebook_name=f"notebooks/{job.notebook_path.name}",
                                             error=_last_line(exc))
                    results[job.name] = result
                    bar.set_postfix_str(f"{job.name}: {result.status}")
                    bar.update(1)
                    on_done()
                submit_ready()
        except BaseException:
            for future in futures:
                future.cancel()
            _stop_workers(pool)  # promptly: do not wait for running notebooks (up to the cell timeout)
            raise
        finally:
            if bar is not None:
                bar.close()


def _longest_first(job: BriefJob) -> int:
    """Sort key: the district brief (its sensitivity analysis and charts) before the communes, so
    no worker is left with it at the end (sorting is stable: the communes keep their order)."""
    return 0 if job.kind == "district" else 1


def _started() -> None:
    """A no-op task: submitting one per worker makes the pool start them all at once."""


def _compute_shared(pool: ProcessPoolExecutor, workers: int, path: Path, inputs: dict):
    """Compute the shared results file's parts: the draws and the required resources here
    while the pool's workers start, then the allocation in a worker. Writes the file with the
    draws and the required resources; returns ``(future of the allocation, the other
    parts, path, inputs)`` for the caller to write the whole file when it is done, or None when
    the file is complete (no district brief in the batch)."""
    from ._results import compute_part, compute_results, results_parts

    parts = results_parts(inputs["district"])
    for _ in range(workers):  # start the workers (and their kernels) now
        pool.submit(_started)
    # while they start (spawn, imports, kernel: a few seconds), the draws and the required
    # resources, all the commune briefs need, are computed here; the allocation (the longest
    # part, only the district brief's) is computed by a worker after that, beside the commune
    # briefs, rather than slowing what they wait for on a busy machine
    done = {part: compute_part(part, **inputs) for part in parts if part != "allocation"}
    compute_results(path, parts=done, complete=False, **inputs)
    if "allocation" not in parts:
        return None
    return pool.submit(compute_part, "allocation", **inputs), done, path, inputs


def _skip_iri_parsers() -> None:
    """Import nbformat (papermill, nbconvert) without ``rfc3987_syntax``: jsonschema imports it
    when it is installed (here through jupyterlab's jupyter-events) and it builds 39 Earley
    parsers at import, 1-2 s of every batch process before anything runs. It only serves
    jsonschema's opt-in ``iri`` format checks, which no notebook schema (and nothing in
    thidua_sim) uses; without it jsonschema skips those formats, as it does when the package is
    absent. No effect once jsonschema is imported."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" raises ImportError


KERNELS_LOG = "kernels.log"
"""Under ``logs/``: the standard error of the warm kernels (started before any brief's log)."""


def _init_worker(warm: tuple | None = None, driver: int | None = None) -> None:
    """Workers leave Ctrl-C to the main process, which stops them and their kernels; if the main
    process (``driver``) is killed, a worker ends its kernels and itself within a second
    (``io._atomic.watch_driver``). With ``warm`` (kernel name, folder, start timeout, environment,
    log file) the worker starts its warm kernel now, which imports what a brief imports while the
    batch computes its results."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_driver(driver, on_gone=_end_kernels)
    _skip_iri_parsers()
    if warm is None:
        return
    kernel_name, cwd, timeout, env, log_path = warm
    from . import _warm

    os.environ.update(env)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugpy in the kernel
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log_path, "a", encoding="utf-8") as log:
            os.dup2(log.fileno(), 2)  # the kernel's chatter goes to the log, not over the progress bar
            _warm.prestart(kernel_name, cwd, timeout, env.get(IPC_ENV))
    except Exception:  # noqa: BLE001 - the first brief starts a kernel itself and reports what fails
        pass
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _end_kernels() -> None:
    """In a worker whose batch is gone: kill its kernels (children in their own sessions), then
    remove their sockets and connection files."""
    import psutil

    from . import _warm

    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    _warm.shutdown_all()


def _stop_workers(pool: ProcessPoolExecutor, grace: float = 3.0) -> None:
    """Terminate the pool's worker processes and their kernels (children in their own sessions),
    then kill what is left after ``grace`` seconds."""
    import psutil

    workers = [p for p in list(getattr(pool, "_processes", {}).values()) if p is not None]
    procs: list[psutil.Process] = []
    for worker in workers:
        try:
            parent = psutil.Process(worker.pid)
            procs.extend(parent.children(recursive=True))
            procs.append(parent)
        except (psutil.NoSuchProcess, TypeError):
            continue
    for proc in procs:
        try:
            proc.terminate()
        except psutil.NoSuchProcess:
            pass
    _gone, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace)
    pool.shutdown(wait=False, cancel_futures=True)
