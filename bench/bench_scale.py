"""Province and national scale (issue 14): every figure beside its goal, as a ratio against a
reference measured in the same run, with the load average of the machine beside it (the
machines are shared: a loaded machine slows both sides, not always equally).

    .venv/bin/python bench/bench_scale.py [part ...]

Parts (all by default, as ``make bench`` runs it):

* ``machine`` (no goal: what the 2-worker figure of ``floor`` depends on): how much two processes
  gain over one on this machine, for a compiled loop that stays in registers and for loops
  streaming 1, 4 and 16 MB a process (docs/scale.md: two vCPUs may compute in parallel and still
  share memory badly);
* ``floor``: the national Monte Carlo (10,600 areas x 2 groups x 4 transitions x 1,000 draws,
  streamed) against the time NumPy takes to generate the same number of random variates
  (7 normals and 1 uniform a cell-year, float32, SFC64: what the run draws; every move and new
  household is a function of them) on the same number of processes; goal <= 2.5x, peak
  memory <= 1 GB (summed PSS of the process and its workers). CPU seconds of both sides are
  printed beside the wall-clock ratio (a shared machine slows wall time unevenly). The run draws
  those numbers with its own compiled copy of NumPy's generator (model/_variates.py, the same
  numbers bit for bit), 3-4x faster than NumPy's own: the floor the issue names is NumPy's,
  and the 1-worker line also prints the run against its own generator;
* ``peer``: draws per second of ``project(draws=10000)`` on Kbang against EMA Workbench running
  the same cohort model (bench/_ema_peer.py: a plain Python + NumPy function of one parameter
  set, as an EMA user writes one, checked against thidua_sim's expected path by
  tests/test_ema_peer.py) one Python call per experiment; goal >= 40x. Needs ``ema_workbench`` (optional: ``pip install
  'thidua_sim[bench]'``); skipped, saying so, without it;
* ``table``: ``Projection.table()`` of a 10,000-draw Kbang run against the projection itself;
  goal <= 1x;
* ``briefs``: the 15 Kbang briefs (batch: results computed once, warm kernels, 2 processes, HTML)
  against the sequential papermill loop of bench/bench_briefs.py; goal >= 3x (the batch runs
  before and after the loop, the ratio is against their mean);
* ``province``: the 135 synthetic province briefs (+ its district brief) against the 15 Kbang
  briefs; goal <= 10x;
* ``stream``: the 3,321-commune synthetic country 2025 -> 2030 with 10,000 draws, streamed;
  goal: peak memory < 1 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
# kernels and worker processes import this checkout's thidua_sim too
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)

PARTS = ("machine", "floor", "peer", "table", "briefs", "province", "stream")
SCENARIO = ROOT / "params/scenarios/status_quo.yaml"


def load() -> str:
    return "load " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if proc.returncode:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- machine: what two processes gain here ------------------------------------------------------

def _machine_job(kind: str, mb: int) -> float:
    """Seconds of one compiled loop: ``registers`` (a square root and an add a step on a 16 KB array
    held in the first-level cache) or ``stream`` (``b = 1.0001 a + b`` over two arrays of ``mb`` MB
    each, some 12 GB read and written in all)."""
    import numba
    import numpy as np

    @numba.njit(fastmath=True)
    def registers(a, reps):
        s = np.float32(0)
        for r in range(reps):
            for i in range(a.shape[0]):
                s += np.sqrt(a[i] * a[i] + np.float32(r))
        return s

    @numba.njit
    def stream(a, b, reps):
        for _ in range(reps):
            for i in range(a.shape[0]):
                b[i] = a[i] * np.float32(1.0001) + b[i]

    n = (mb * 2**20) // 4 if kind == "stream" else 4096
    a = np.random.default_rng(0).random(n, dtype=np.float32)
    b = np.zeros_like(a)
    registers(a[:16], 1), stream(a[:16], b[:16], 1)  # compiled before the clock starts
    start = time.perf_counter()
    if kind == "registers":
        registers(a, 300_000)
    else:
        stream(a, b, max(1, 4000 // mb))
    return time.perf_counter() - start


def part_machine() -> None:
    import concurrent.futures
    import multiprocessing

    figures = []
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for kind, mb in (("registers", 0), ("stream", 1), ("stream", 4), ("stream", 16)):
            alone = pool.submit(_machine_job, kind, mb).result()
            both = max(pool.map(_machine_job, [kind, kind], [mb, mb]))
            label = "in registers" if kind == "registers" else f"streaming {mb} MB a process"
            figures.append(f"{label} {2 * alone / both:.2f}x")
    print(f"machine: two processes against one (2.0x: no sharing): {'; '.join(figures)}; {load()}")


# -- floor: national Monte Carlo against generating its random numbers -------------------------

def _variates(n: int, size: int) -> tuple[float, float]:
    """(wall, CPU) seconds to generate ``n`` variates, 8 a cell as the sampler draws them."""
    import numpy as np

    rng = np.random.Generator(np.random.SFC64(1))
    z = np.empty((7, size), np.float32)
    u = np.empty(size, np.float32)
    start, cpu = time.perf_counter(), time.process_time()
    done = 0
    while done < n:
        rng.standard_normal(dtype=np.float32, out=z)
        rng.random(dtype=np.float32, out=u)
        done += 8 * size
    return time.perf_counter() - start, time.process_time() - cpu


def _own_variates(n: int, size: int) -> float:
    """Wall seconds for the run's own generator (model/_variates.py: NumPy's numbers, compiled) to
    generate the same ``n`` variates in one process, a stream a chunk-year as the run seeds them."""
    import numpy as np

    from thidua_sim.model import _variates

    z = np.empty((7, size), np.float32)
    u = np.empty(size, np.float32)
    _variates.fill(np.random.SeedSequence(0), z[:, :1].copy(), u[:1].copy())  # load the kernel first
    start = time.perf_counter()
    for i in range(-(-n // (8 * size))):
        _variates.fill(np.random.SeedSequence([1, i]), z, u)
    return time.perf_counter() - start


def floor_seconds(variates: int, workers: int, size: int) -> tuple[float, float]:
    """Wall time for ``workers`` processes to generate ``variates`` numbers between them, and the
    CPU time they used."""
    import concurrent.futures
    import multiprocessing

    if workers == 1:
        return _variates(variates, size)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_variates, [1000] * workers, [size] * workers))  # start the processes first
        start = time.perf_counter()
        cpus = [cpu for _, cpu in pool.map(_variates, [variates // workers] * workers, [size] * workers)]
        return time.perf_counter() - start, sum(cpus)


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the worker processes)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child_national(workers: int) -> dict:
    from bench_engine import PeakMemory, synthetic_baseline, synthetic_params, synthetic_scenario

    from thidua_sim import project
    from thidua_sim.model._montecarlo import chunk_size

    baseline = synthetic_baseline(10600, 27.0e6, 0.13, seed=10600)
    params, scenario = synthetic_params(), synthetic_scenario(9.0e6)
    with PeakMemory() as memory:
        start, cpu = time.perf_counter(), _cpu()
        result = project(baseline, scenario, params, until=2025, draws=1000, seed=2021, workers=workers,
                         keep_draws=False, progress=False)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    cells = 10600 * 2
    variates = 8 * 1000 * 4 * cells  # what the run draws: 6 normals for the moves, 1 for new households, 1 uniform
    floor, floor_cpu = floor_seconds(variates, workers, chunk_size(cells) * cells)
    own = _own_variates(variates, chunk_size(cells) * cells) if workers == 1 else None
    return {"seconds": seconds, "floor": floor, "cpu": cpu, "floor_cpu": floor_cpu, "peak_mb": memory.peak,
            "variates": variates, "bins": result.summary.bins, "own": own}


def part_floor() -> None:
    for workers in (1, 2):
        fig = _child(["national", str(workers)])
        ratio = fig["seconds"] / fig["floor"]
        print(f"national MC, 10,600 areas x 2 x 4 transitions x 1,000 draws, streamed, workers={workers}: "
              f"{fig['seconds']:.1f} s against {fig['floor']:.1f} s for NumPy's {fig['variates'] / 1e6:.0f} M variates "
              f"-> {ratio:.2f}x (goal <= 2.5x: {verdict(ratio <= 2.5)}); peak memory {fig['peak_mb']:.0f} MB "
              f"(goal <= 1024 MB: {verdict(fig['peak_mb'] <= 1024)}); {fig['bins']} histogram bins; CPU "
              f"{fig['cpu']:.1f} s against {fig['floor_cpu']:.1f} s -> {fig['cpu'] / fig['floor_cpu']:.2f}x (less "
              f"sensitive to the load); {load()}")
        if fig["own"] is not None:
            print(f"  the run draws them with its own compiled copy of NumPy's generator (model/_variates.py, the "
                  f"same numbers): {fig['own']:.1f} s for the {fig['variates'] / 1e6:.0f} M variates in one process, "
                  f"{fig['floor'] / fig['own']:.1f}x faster than the NumPy floor; the run is "
                  f"{fig['seconds'] / fig['own']:.1f}x its own generator")


# -- peer: EMA Workbench ----------------------------------------------------------------------

def part_peer(experiments: int = 1000) -> None:
    try:
        import ema_workbench  # noqa: F401
    except ImportError:
        print("peer: SKIPPED: ema_workbench is not installed (optional, for this benchmark only: "
              "pip install 'thidua_sim[bench]')")
        return
    import contextlib
    import io

    from _ema_peer import ema_draws_per_second, ema_overhead_per_second
    from thidua_sim.model._montecarlo import parameter_specs

    from bench_engine import kbang_inputs, timed
    from thidua_sim import project

    _, baseline, scenario, params = kbang_inputs()
    project(baseline, scenario, params, draws=100, seed=1)
    ours = timed(lambda: project(baseline, scenario, params, until=2025, draws=10_000, seed=2021), repeat=3)
    with contextlib.redirect_stderr(io.StringIO()):  # EMA's own progress bars
        theirs, version = ema_draws_per_second(baseline, scenario, params, experiments)
        n_params = len(parameter_specs(params, tuple(params.instruments)))
        bound = ema_overhead_per_second(n_params, 5 * experiments)
    ratio = (10_000 / ours) / theirs
    print(f"peer: thidua_sim {10_000 / ours:,.0f} draws/s (10,000 draws in {ours:.2f} s) against EMA Workbench "
          f"{version} {theirs:,.0f} draws/s ({experiments:,} experiments, one call each of the plain NumPy cohort "
          f"model of bench/_ema_peer.py) -> {ratio:.0f}x (goal >= 40x: {verdict(ratio >= 40)}); {load()}")
    print(f"peer, bound: EMA calling a model that does nothing runs {bound:,.0f} experiments/s: against any peer "
          f"model in EMA at least {(10_000 / ours) / bound:.1f}x")


# -- table ------------------------------------------------------------------------------------

def part_table() -> None:
    from bench_engine import kbang_inputs, timed
    from thidua_sim import project

    _, baseline, scenario, params = kbang_inputs()
    project(baseline, scenario, params, draws=100, seed=1).table()  # imports, first allocations
    t_project = timed(lambda: project(baseline, scenario, params, until=2025, draws=10_000, seed=2021), repeat=3)
    result = project(baseline, scenario, params, until=2025, draws=10_000, seed=2021)
    t_table = timed(result.table, repeat=3)
    ratio = t_table / t_project
    print(f"table(): Kbang 10,000 draws: table {t_table:.2f} s against the projection's {t_project:.2f} s -> "
          f"{ratio:.2f}x (goal <= 1x: {verdict(ratio <= 1.0)}); {load()}")


# -- briefs -------------------------------------------------------------------------------------

def _batch(data: Path, out: Path, draws: int = 200) -> tuple[float, str]:
    from thidua_sim.apps.briefs.batch import run_briefs

    start = time.perf_counter()
    result = run_briefs(SCENARIO, None, 2, out_dir=out, data_dir=data, params_dir=ROOT / "params", draws=draws,
                        force=True, progress=False)
    seconds = time.perf_counter() - start
    if result.failed:
        raise RuntimeError(result.summary())
    return seconds, result.summary().splitlines()[0]


def _sequential_loop(data: Path, out: Path, draws: int = 200) -> float:
    """bench/bench_briefs.py's reference: papermill over every notebook, one after the other."""
    import papermill

    from thidua_sim.apps.briefs.batch import default_notebooks_dir
    from thidua_sim.data import load_baseline

    notebooks = default_notebooks_dir()
    common = {"scenario": str(SCENARIO), "data_dir": str(data), "params_dir": str(ROOT / "params"), "draws": draws,
              "seed": 2021, "language": "vi", "until": 2025}
    jobs = [("district_brief.ipynb", "district", {})] + [
        ("commune_brief.ipynb", f"commune_{a}", {"area_id": a}) for a in load_baseline(data).area_ids]
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for notebook, name, extra in jobs:
        papermill.execute_notebook(str(notebooks / notebook), str(out / f"{name}.ipynb"),
                                   parameters={**extra, **common}, kernel_name="python3", cwd=str(notebooks),
                                   progress_bar=False)
    return time.perf_counter() - start


_KBANG_BATCH: dict[str, float] = {}


def part_briefs() -> None:
    # the batch runs before and after the loop and is compared by its mean: the machine's load
    # changes during the loop's minute and a half, and a batch on 2 cores feels it more than the
    # loop on one
    with tempfile.TemporaryDirectory() as tmp:
        before, summary = _batch(ROOT / "data/kbang", Path(tmp) / "batch")
        load_before = load()
        loop = _sequential_loop(ROOT / "data/kbang", Path(tmp) / "loop")
        load_loop = load()
        after, _ = _batch(ROOT / "data/kbang", Path(tmp) / "batch_again")
    batch = (before + after) / 2
    _KBANG_BATCH["seconds"] = batch
    ratio = loop / batch
    print(f"briefs: 15 Kbang briefs, batch (results once, warm kernels, 2 processes, HTML) {before:.1f} s "
          f"({load_before}) and {after:.1f} s ({load()}), mean {batch:.1f} s ({summary}) against the sequential "
          f"papermill loop {loop:.1f} s ({load_loop}) -> {ratio:.2f}x (goal >= 3x: {verdict(ratio >= 3)}; "
          f"{loop / min(before, after):.2f}x against the faster batch)")


def part_province() -> None:
    data = ROOT / "data/synthetic_province"
    if not data.is_dir():
        print("province: SKIPPED: no data/synthetic_province (run scripts/build_synthetic_scale.py)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        if "seconds" not in _KBANG_BATCH:
            _KBANG_BATCH["seconds"] = _batch(ROOT / "data/kbang", Path(tmp) / "kbang")[0]
        seconds, summary = _batch(data, Path(tmp) / "province")
    ratio = seconds / _KBANG_BATCH["seconds"]
    print(f"province: 135 synthetic briefs + district {seconds:.1f} s ({summary}) against the 15 Kbang briefs "
          f"{_KBANG_BATCH['seconds']:.1f} s -> {ratio:.1f}x (goal <= 10x: {verdict(ratio <= 10)}); {load()}")


# -- stream: the synthetic country, 10,000 draws -------------------------------------------------

def child_stream(draws: int, workers: int) -> dict:
    from bench_engine import PeakMemory

    from thidua_sim import project
    from thidua_sim.data import load_baseline
    from thidua_sim.params import load_params, load_scenario

    baseline = load_baseline(ROOT / "data/synthetic_national")
    params = load_params(ROOT / "params")
    scenario = load_scenario(SCENARIO, params, baseline.areas)
    with PeakMemory() as memory:
        start = time.perf_counter()
        result = project(baseline, scenario, params, until=2030, draws=draws, seed=2021, workers=workers,
                         keep_draws=False, progress=False)
        seconds = time.perf_counter() - start
        table = result.table()
    full_mb = draws * len(result.years) * len(baseline.areas) * 2 * 3 * 4 / 2**20
    return {"seconds": seconds, "peak_mb": memory.peak, "rows": len(table), "full_mb": full_mb,
            "bins": result.summary.bins}


def part_stream(draws: int = 10_000, workers: int = 2) -> None:
    if not (ROOT / "data/synthetic_national").is_dir():
        print("stream: SKIPPED: no data/synthetic_national (run scripts/build_synthetic_scale.py)")
        return
    fig = _child(["stream", str(draws), str(workers)])
    print(f"stream: 3,321 communes 2025 -> 2030, {draws:,} draws, streamed, workers={workers}: {fig['seconds']:.0f} s; "
          f"peak memory {fig['peak_mb']:.0f} MB (goal < 1024 MB: {verdict(fig['peak_mb'] < 1024)}; the full draws "
          f"alone would take {fig['full_mb']:,.0f} MB); table of {fig['rows']:,} rows; {fig['bins']} bins; {load()}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    wanted = [p for p in argv if p in PARTS] or list(PARTS)
    print(f"{os.cpu_count()} cores; {load()} before (other work on the machine slows every figure)")
    for part in wanted:
        globals()[f"part_{part}"]()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "national":
            print(json.dumps(child_national(int(rest[0]))))
        else:
            print(json.dumps(child_stream(int(rest[0]), int(rest[1]))))
    else:
        main()
