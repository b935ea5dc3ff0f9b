"""Cost of running across periods (issue 12): the unit changes and the 2027 re-basing hooks.

Run: ``.venv/bin/python bench/bench_periods.py`` (or ``make bench``, or ``bench/run.py periods``).
Prints, on the shipped Kbang inputs to 2030, the time of the projection with periods (20 units,
the 2024 and 2025 changes and the 2027 switch) as a ratio of the same projection without periods
(14 units throughout), measured in the same run: expected path and 2,000 Monte Carlo draws.
Goal: the ratio at most 2 (the union of units has 20 columns instead of 14, so 1.4 is the
floor of the extra cells; the hooks themselves should add little).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import thidua_sim as ts  # noqa: E402

GOAL = 2.0


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    baseline = ts.load_baseline(ROOT / "data/kbang")
    params = ts.load_params(ROOT / "params", areas=baseline.areas)
    scenario = ts.load_scenario(ROOT / "params/scenarios/status_quo.yaml", params=params, areas=baseline.areas)
    periods = ts.load_period_inputs(ROOT / "data/kbang", ROOT / "params")
    for label, draws, repeat in (("expected path", 0, 20), ("2,000 draws", 2000, 3)):
        plain = _best(lambda: ts.project(baseline, scenario, params, until=2030, draws=draws), repeat)
        across = _best(lambda: ts.project(baseline, scenario, params, until=2030, draws=draws, periods=periods),
                       repeat)
        ratio = across / plain
        print(f"{label:>14}: without periods {plain * 1000:8.1f} ms, with periods {across * 1000:8.1f} ms, "
              f"ratio {ratio:4.2f} (goal <= {GOAL:.1f}) {'ok' if ratio <= GOAL else 'OVER'}")


if __name__ == "__main__":
    main()
