"""Speed (and memory) of the household records tools, each figure beside its goal (issue 13):

* 20,000 households classified and tabulated (every standard table): goal < 0.5 s;
* a targeted plan with 1,000 income draws per household on the shipped synthetic Kbang list
  (17,732 households; housing support under a budget): goal < 3 s (and, without a goal, the
  budget optimiser over every support option);
* 1,000,000 households (a province) classified: goal < 10 s and < 2 GB (peak memory of the
  classification, traced with tracemalloc, and the peak RSS of the process).

Each figure also comes as a ratio to a same-run reference: a plain numpy pass over the same
arrays (the rule written inline; the normal draws alone for the plan).

Run: ``.venv/bin/python bench/bench_households.py`` (or ``make bench``). Figures are printed, never
asserted: speed depends on the machine.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from thidua_sim.core.types import Area  # noqa: E402
from thidua_sim.data import load_households  # noqa: E402
from thidua_sim.data._households import INDICATOR_IDS, records_from_table  # noqa: E402
from thidua_sim.data._names import AreaInfo  # noqa: E402
from thidua_sim.model import classify_households, simulate_support  # noqa: E402
from thidua_sim.params import load_household_params, load_instruments  # noqa: E402
from thidua_sim.params.standards import load_standards  # noqa: E402
from thidua_sim.planning import optimise_support  # noqa: E402
from thidua_sim.report._household_tables import household_tables  # noqa: E402


def best(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs)


def fake_records(n: int, seed: int = 1):
    """``n`` random households over 100 communes x 10 villages, review year 2024."""
    rng = np.random.default_rng(seed)
    areas = [AreaInfo(Area(f"xa_{i:03d}", f"Xã {i:03d}", "town" if i == 0 else "commune")) for i in range(100)]
    a = rng.integers(0, 100, n)
    ids = np.array([a_.id for a_ in areas], dtype=object)
    table = {"household_id": pd.RangeIndex(n).map(lambda k: f"h{k:016x}"), "area_id": ids[a],
             "village": np.array([f"Thôn {v}" for v in range(1, 11)], dtype=object)[rng.integers(0, 10, n)],
             "group": np.where(rng.random(n) < 0.5, "dtts", "other").astype(object), "members": rng.integers(1, 9, n),
             "urban": a == 0, "income": rng.uniform(500_000, 4_000_000, n).round(-3), "year": np.full(n, 2024),
             "causes": np.where(rng.random(n) < 0.3, "land;capital", "").astype(object),
             "status_before": np.array(["poor", "near_poor", "other", "new"], dtype=object)[rng.integers(0, 4, n)]}
    for k, iid in enumerate(INDICATOR_IDS):
        table[f"dep_{iid}"] = (rng.random(n) < 0.2).astype(np.int8) if k < 12 else np.full(n, -1, np.int8)
    return records_from_table(pd.DataFrame(table), areas, "benchmark")


def numpy_reference(records) -> float:
    """The classification written inline over the same arrays (no checks, no lookups)."""
    flags = records.table[[f"dep_{i}" for i in INDICATOR_IDS[:12]]].to_numpy()
    income, urban = records.table["income"].to_numpy(), records.table["urban"].to_numpy()

    def run():
        line = np.where(urban, 2_000_000.0, 1_500_000.0)
        count = flags.sum(axis=1)
        return np.where(income <= line, np.where(count >= 3, 0, 1), 2)
    return best(run)


def main() -> None:
    std = load_standards(ROOT / "params" / "standards.yaml")
    hp = load_household_params(ROOT / "params" / "households.yaml")

    recs = fake_records(20_000)
    t = best(lambda: household_tables(recs, 5, std))
    ref = numpy_reference(recs)
    print(f"20,000 households classified + every standard table: {t:.3f} s (goal < 0.5 s); "
          f"{t / ref:.0f}x a plain numpy classification ({ref * 1000:.2f} ms)")

    shipped = ROOT / "data" / "kbang" / "households_synthetic.csv"
    kbang = load_households(shipped, key=bytes(32))
    t = best(lambda: load_households(shipped, key=bytes(32)), repeat=3)
    print(f"import of the shipped list (17,732 rows, checked and pseudonymised): {t:.2f} s (no goal in the issue)")
    instruments = {**load_instruments(ROOT / "params" / "instruments.yaml"), **hp.measures}
    plan = simulate_support(kbang, instruments, ["housing"], hp, "fewest_deprivations", 10_000, 1000, 2021, std)
    t = best(lambda: simulate_support(kbang, instruments, ["housing"], hp, "fewest_deprivations", 10_000, 1000,
                                      2021, std), repeat=3)
    rng = np.random.default_rng(0)
    ref = best(lambda: np.exp(rng.standard_normal((1000, plan.eligible))), repeat=3)
    print(f"targeted plan (housing, 10,000 million VND), 17,732 households ({plan.eligible} eligible), 1,000 income "
          f"draws: {t:.3f} s (goal < 3 s); {t / ref:.1f}x drawing the growth alone ({ref:.3f} s)")
    options = [k for k, i in instruments.items() if i.closes or i.income_effect_vnd is not None]
    start = time.perf_counter()
    optimum = optimise_support(kbang, instruments, options, hp, 5000, 1000, 2021, std)
    t = time.perf_counter() - start
    print(f"optimiser, {len(options)} options x {len(optimum.rows)} poor or near-poor households, 1,000 draws, "
          f"5,000 million VND: {t:.2f} s (no goal in the issue; scipy milp)")

    big = fake_records(1_000_000, seed=2)
    t = best(lambda: classify_households(big, std), repeat=3)
    ref = numpy_reference(big)
    tracemalloc.start()
    classify_households(big, std)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    table_mb = big.table.memory_usage(deep=True).sum() / 2**20
    print(f"1,000,000 households classified: {t:.3f} s (goal < 10 s); {t / ref:.1f}x a plain numpy pass "
          f"({ref:.3f} s); classification peak {peak / 2**20:.0f} MB beyond the records ({table_mb:.0f} MB); "
          f"process peak RSS {rss:.0f} MB (goal < 2 GB)")


if __name__ == "__main__":
    main()
