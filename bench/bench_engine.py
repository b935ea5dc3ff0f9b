"""Speed and memory of the projection engine (expected path and Monte Carlo).

Run: ``.venv/bin/python bench/bench_engine.py`` (or ``make bench``). Prints:

* Kbang, 14 areas x 2 groups, 2021 -> 2025, 10,000 draws (target <= 0.5 s), 1 and 2 workers;
* national, 10,600 areas x 2 groups, 2021 -> 2025 (4 transitions), 1,000 draws
  (target <= 15 s and <= 2 GB peak), measured in a fresh subprocess so that its peak
  resident memory (``ru_maxrss``, of the process and of its worker processes) is its own.

The Kbang case uses the shipped data and params when they load, else a synthetic
district of the same size (17,732 households, 9,375 dtts). The national case is
synthetic (the country's 10,600 communes are not shipped): sizes and poverty
rates drawn once from a fixed seed, about 27 million households.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from thidua_sim import (  # noqa: E402
    Area,
    Baseline,
    BaseRates,
    Instrument,
    Params,
    ResourceLine,
    Scenario,
    Uncertain,
    project,
)

RATES = {  # central, low, high: synthetic, for timing only
    "dtts": {"pPN": (0.10, 0.06, 0.15), "pPO": (0.12, 0.08, 0.17), "pNP": (0.06, 0.03, 0.10),
             "pNO": (0.18, 0.12, 0.25), "pOP": (0.012, 0.006, 0.02), "pON": (0.03, 0.02, 0.045),
             "gamma": (0.015, 0.008, 0.025)},
    "other": {"pPN": (0.12, 0.08, 0.17), "pPO": (0.20, 0.14, 0.27), "pNP": (0.04, 0.02, 0.07),
              "pNO": (0.25, 0.18, 0.33), "pOP": (0.004, 0.002, 0.008), "pON": (0.012, 0.006, 0.02),
              "gamma": (0.012, 0.006, 0.02)},
}
INSTRUMENTS = [  # id, cost (central, low, high), eligible, effects, lag, rule
    ("livelihood", (15, 10, 25), ("poor", "near_poor"), {"uPO": (0.25, 0.1, 0.4), "uNO": (0.2, 0.1, 0.35)}, 0, "poor"),
    ("housing", (40, 35, 60), ("poor",), {"uPN": (0.5, 0.3, 0.7)}, 0, "poor_dtts"),
    ("training", (6, 4, 9), ("poor", "near_poor"), {"uPO": (0.1, 0.03, 0.2), "uNO": (0.1, 0.03, 0.2)}, 1, "poor"),
    ("credit", (5, 3, 8), ("poor", "near_poor"), {"uPO": (0.08, 0.02, 0.15), "dNP": (0.2, 0.1, 0.35)}, 0, "equal"),
]


def synthetic_params() -> Params:
    rates = {g: {k: Uncertain(*v, source="bench") for k, v in rs.items()} for g, rs in RATES.items()}
    instruments = {}
    for id_, cost, eligible, effects, lag, _ in INSTRUMENTS:
        instruments[id_] = Instrument(id_, id_, id_, "bench", Uncertain(*cost, source="bench"), frozenset(eligible),
                                      {k: Uncertain(*v, source="bench") for k, v in effects.items()}, lag, "bench")
    return Params(BaseRates(rates, {}, "bench"), instruments, (), "bench")


def synthetic_baseline(areas: int, households: float, dtts_share: float, seed: int) -> Baseline:
    """Areas with lognormal sizes and Beta poverty rates, scaled to the given totals."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 0.6, areas)
    size = size / size.sum() * households
    dtts = np.clip(rng.beta(0.6, 1.2, areas), 0, 1)
    dtts = dtts * dtts_share * households / (dtts * size).sum()
    dtts = np.clip(dtts, 0, 0.98)
    hh = np.stack([size * dtts, size * (1 - dtts)], axis=1)  # (A, G)
    poor = np.stack([rng.beta(2, 6, areas), rng.beta(1, 20, areas)], axis=1)
    near = np.stack([rng.beta(2, 10, areas), rng.beta(1, 15, areas)], axis=1) * (1 - poor)
    counts = np.rint(np.stack([hh * poor, hh * near, hh * (1 - poor - near)], axis=-1))
    ids = tuple(Area(f"a{i:05d}", f"Xã {i}") for i in range(areas))
    return Baseline(2021, ids, counts, np.ones((areas, 2), bool), {}, "synthetic")


def synthetic_scenario(budget_per_year: float) -> Scenario:
    lines = []
    for year in range(2022, 2026):
        for id_, *_, rule in INSTRUMENTS:
            lines.append(ResourceLine(year, id_, budget_per_year / len(INSTRUMENTS), None, rule))
    return Scenario("bench", "bench", "bench", "synthetic", tuple(lines))


def kbang_inputs():
    """Shipped Kbang data and status quo when the loaders and files exist, else synthetic."""
    try:
        from thidua_sim.data import load_baseline
        from thidua_sim.params import load_params, load_scenario

        params = load_params(ROOT / "params")
        baseline = load_baseline(ROOT / "data" / "kbang")
        scenario = load_scenario(ROOT / "params" / "scenarios" / "status_quo.yaml", params, baseline.areas)
        return "shipped data/kbang + params/scenarios/status_quo.yaml", baseline, scenario, params
    except Exception as exc:  # noqa: BLE001 - a benchmark runs on what exists
        reason = f"{type(exc).__name__}"
    baseline = synthetic_baseline(14, 17732, 9375 / 17732, seed=14)
    return f"synthetic Kbang-size district ({reason} loading the shipped files)", baseline, \
        synthetic_scenario(20000.0), synthetic_params()


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _pss_mb(pid: int) -> float:
    """Proportional set size of a process (shared pages split among the processes sharing them)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _mapped_files(pids: list[int]) -> set[str]:
    """The files mapped by any of ``pids`` (their pages are in those processes' PSS already)."""
    mapped: set[str] = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/maps") as f:
                mapped.update(line.split(None, 5)[5].strip() for line in f if line.count(" ") >= 5 and "/" in line)
        except OSError:
            pass
    return mapped


def _results_files_mb(pids: list[int]) -> float:
    """Files in thidua_sim's results folders (in /dev/shm and the temporary folder) that none of
    ``pids`` maps: results waiting to be read, the workers' start-up file. Their memory is in no
    PSS; a file the driver maps (a result slot) is counted there, and not again here."""
    import glob
    import tempfile

    from thidua_sim.model._executors import RESULTS_PREFIX

    mapped = _mapped_files(pids)
    total = 0
    for folder in ("/dev/shm", tempfile.gettempdir()):
        for path in glob.glob(os.path.join(folder, RESULTS_PREFIX + "*", "*")):
            if os.path.realpath(path) in mapped:
                continue
            try:
                total += os.stat(path).st_blocks * 512
            except OSError:
                pass
    return total / 2**20


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (worker processes may be children of a fork server, itself a
    child of the run)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            direct = [int(c) for c in f.read().split()]
    except OSError:
        return []
    return direct + [d for c in direct for d in _children(c)]


class PeakMemory:
    """Polls the summed PSS of this process and its worker processes: the memory the run uses,
    with the shared draws counted once."""

    def __init__(self, interval: float = 0.5):
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def _run(self, interval: float) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            pids = [me, *_children(me)]
            total = sum(_pss_mb(p) for p in pids) + _results_files_mb(pids)
            self.peak = max(self.peak, total)
            self._stop.wait(interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def national_child(workers: int) -> None:
    """Runs in a subprocess: the national case; prints one JSON line."""
    baseline = synthetic_baseline(10600, 27.0e6, 0.13, seed=10600)
    params = synthetic_params()
    scenario = synthetic_scenario(9.0e6)
    def cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    with PeakMemory() as memory:
        start, cpu0 = time.perf_counter(), cpu()
        result = project(baseline, scenario, params, until=2025, draws=1000, seed=2021, workers=workers,
                         keep_draws=True)  # this bench measures the full draws (bench_scale.py: streamed)
        seconds, cpu_seconds = time.perf_counter() - start, cpu() - cpu0
        start = time.perf_counter()
        rate = result.rate("district", draws=True)
        rate_seconds = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "rate_seconds": rate_seconds, "peak_pss_mb": memory.peak,
                      "self_mb": self_kb / 1024, "children_mb": child_kb / 1024,
                      "draws_mb": result.draws.nbytes / 2**20, "households": float(baseline.households.sum()),
                      "rate_2025_q05_q95": [float(np.quantile(rate[:, -1], q)) for q in (0.05, 0.95)]}))


def main() -> None:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine slows "
          "every figure below)")
    label, baseline, scenario, params = kbang_inputs()
    A = len(baseline.areas)
    print(f"Kbang: {label}; {A} areas x 2 groups, 2021 -> 2025")
    t = timed(lambda: project(baseline, scenario, params, until=2025))
    print(f"  expected path: {t * 1000:.1f} ms")
    project(baseline, scenario, params, until=2025, draws=100, seed=1)  # warm imports
    for workers in (1, 2):
        t = timed(lambda: project(baseline, scenario, params, until=2025, draws=10_000, seed=2021, workers=workers),
                  repeat=3 if workers == 1 else 1)
        print(f"  10,000 draws, workers={workers}: {t:.2f} s (target <= 0.5 s)")
    result = project(baseline, scenario, params, until=2025, draws=10_000, seed=2021)
    t = timed(lambda: result.table(), repeat=1)
    print(f"  table() with 10,000 draws ({len(result.populations())} populations): {t:.2f} s")

    for workers in (1, 2):
        proc = subprocess.run([sys.executable, __file__, "--national", str(workers)], capture_output=True, text=True,
                              check=False, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        if proc.returncode:
            print(f"national, workers={workers}: FAILED\n{proc.stderr[-2000:]}")
            continue
        fig = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"national: 10,600 areas x 2 groups x 4 transitions x 1,000 draws, {fig['households'] / 1e6:.1f} M "
              f"households, workers={workers}: {fig['seconds']:.1f} s (target <= 15 s; {fig['cpu_seconds']:.1f} CPU-s "
              f"in all processes); peak memory "
              f"{fig['peak_pss_mb']:.0f} MB (summed PSS of the process and its workers, sampled every 0.5 s; "
              f"ru_maxrss {fig['self_mb']:.0f} MB main, {fig['children_mb']:.0f} MB largest worker; target <= "
              f"2048 MB); draws array {fig['draws_mb']:.0f} MB int32; district rate per draw "
              f"{fig['rate_seconds']:.2f} s")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--national":
        national_child(int(sys.argv[2]))
    else:
        main()
