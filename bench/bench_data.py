"""Speed of the data loaders.

Run: ``.venv/bin/python bench/bench_data.py`` (or ``make bench``). Prints:

* ``load_baseline("data/kbang")``: the shipped Kbang areas and review results;
* importing a generated review-results workbook of 2,000 rows: 200 synthetic communes
  x 2 groups (DTTS, Khác) x 5 review years (2021-2025), with the Vietnamese headers of
  the import template and the communes by name, as a planner's spreadsheet would have
  them. Its ``areas.csv`` is written beside it in a temporary folder.

Figures are printed, never asserted: speed depends on the machine.
"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from thidua_sim.data import load_baseline, load_review_results  # noqa: E402

AREAS, YEARS = 200, tuple(range(2021, 2026))
T = TypeVar("T")

HEADER = ("Xã/thị trấn", "Nhóm hộ", "Năm", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo", "Thoát nghèo", "Nguồn")


def timings(fn: Callable[[], T], repeat: int) -> tuple[T, float, float, float]:
    """The first call's value and seconds, then the best and the median seconds of ``repeat`` calls after it."""
    start = time.perf_counter()
    value = fn()
    first = time.perf_counter() - start
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return value, first, min(runs), statistics.median(runs)


def write_areas(path: Path) -> list[str]:
    """An areas.csv of AREAS synthetic communes; returns their names."""
    names = [f"Thử Nghiệm {i:03d}" for i in range(1, AREAS + 1)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "kind", "aliases", "valid_from", "valid_to", "source"])
        for i, name in enumerate(names, start=1):
            writer.writerow([f"thu_nghiem_{i:03d}", name, "commune", f"Xã Thử Nghiệm {i:03d}", "", "", "synthetic"])
    return names


def write_review_xlsx(path: Path, names: list[str], seed: int = 2000) -> int:
    """Review results of every commune, group and year (consistent counts); returns the rows written."""
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kết quả rà soát"
    sheet.append(list(HEADER))
    rows = 0
    for name in names:
        for group, share in (("DTTS", rng.uniform(0.2, 0.9)), ("Khác", None)):
            households = rng.randint(300, 2500)
            households = round(households * share) if share is not None else households // 3
            poor = round(households * rng.uniform(0.05, 0.35))
            for year in YEARS:
                escaped = round(poor * rng.uniform(0.1, 0.3)) if year > YEARS[0] else None
                poor = max(0, poor - (escaped or 0) + round(poor * rng.uniform(0.0, 0.05)))
                near = round((households - poor) * rng.uniform(0.02, 0.15))
                sheet.append([name, group, year, households, poor, near, escaped,
                              "Quyết định công nhận kết quả rà soát (số liệu giả lập)"])
                rows += 1
    book.save(path)
    return rows


def main() -> None:
    kbang = ROOT / "data" / "kbang"
    baseline, first, best, median = timings(lambda: load_baseline(kbang), repeat=10)
    print(f'load_baseline("data/kbang"), {len(baseline.areas)} areas x 2 groups, year {baseline.year}:')
    print(f"  first call {first * 1000:.1f} ms; then best {best * 1000:.1f} ms, median {median * 1000:.1f} ms (10 runs)")

    with tempfile.TemporaryDirectory(prefix="thidua_bench_data_") as tmp:
        folder = Path(tmp)
        names = write_areas(folder / "areas.csv")
        path = folder / "ket_qua_ra_soat.xlsx"
        start = time.perf_counter()
        rows = write_review_xlsx(path, names)
        written = time.perf_counter() - start
        results, first, best, median = timings(lambda: load_review_results(path), repeat=3)
        print(f"import of a generated .xlsx: {rows:,} rows ({AREAS} areas x 2 groups x {len(YEARS)} years), "
              f"{path.stat().st_size / 1024:.0f} KiB, written in {written:.2f} s; "
              f"{len(results.table):,} rows loaded, {len(results.areas)} areas, years {results.years[0]}-{results.years[-1]}")
        print(f"  load_review_results: first call {first:.2f} s; then best {best:.2f} s, median {median:.2f} s (3 runs)")


if __name__ == "__main__":
    main()
