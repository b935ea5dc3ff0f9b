"""How fast the planner answers a change: callback times on Kbang's shipped files.

Targets (docs/planner.md): the expected path and the target status refresh within 150 ms for
one commune and 300 ms for the district after a change. Printed per stage, as the median and
the slowest of repeated slider moves:

- projection_and_status: project the district, check the view's targets;
- tables: status and coverage HTML;
- required: the extra budget each unmet target needs (expected path, live);
- chart: the trajectory chart as PNG;
- callback: the whole slider callback as the kernel runs it (all of the above).

Also: with uncertainty on (Monte Carlo draws), the extra budget with probability 0.8 (the
button), and how many refreshes a burst of 20 slider moves causes with the 0.2 s debounce.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 12


def _moves(planner, instrument: str, repeats: int = REPEATS) -> dict[str, list[float]]:
    slider = planner.budget_sliders[instrument]
    base = slider.value
    stages: dict[str, list[float]] = {}
    for i in range(repeats):
        start = time.perf_counter()
        slider.value = base * (1.2 if i % 2 == 0 else 0.8)
        elapsed = time.perf_counter() - start
        for stage, seconds in planner.timings.items():
            stages.setdefault(stage, []).append(seconds)
        stages.setdefault("callback", []).append(elapsed)
    slider.value = base
    return stages


def _print(title: str, stages: dict[str, list[float]]) -> None:
    print(f"{title}")
    for stage in ("projection_and_status", "tables", "required", "chart", "callback"):
        values = stages.get(stage)
        if values:
            print(f"  {stage:<22} median {1000 * statistics.median(values):7.1f} ms   "
                  f"slowest {1000 * max(values):7.1f} ms")


def main() -> None:
    from thidua_sim.apps.planner import Planner

    start = time.perf_counter()
    planner = Planner.from_files(project_dir=ROOT, debounce_s=0, brief_dir=ROOT / "out" / "planner")
    print(f"planner built from files (load + first refresh): {time.perf_counter() - start:.2f} s")
    instrument = "livelihood" if "livelihood" in planner.budget_sliders else planner.instrument_ids[0]
    areas = len(planner.baseline.areas)

    _print(f"district view ({areas} areas, 2 targets), {REPEATS} slider moves:", _moves(planner, instrument))
    commune = planner.baseline.areas[min(4, areas - 1)]
    planner.area.value = commune.id
    _print(f"one commune ({commune.name}), {REPEATS} slider moves:", _moves(planner, instrument))
    planner.area.value = ""

    for draws in (200, 1000):
        planner.draws.value = draws
        planner.uncertainty.value = True
        _print(f"district view with uncertainty, {draws} draws, 3 slider moves:", _moves(planner, instrument, 3))
        start = time.perf_counter()
        planner.compute_required()
        print(f"  extra budget with probability 0.8 (button)  {time.perf_counter() - start:6.2f} s")
    planner.uncertainty.value = False

    # a burst of slider moves with the real debounce: how many refreshes run
    refreshes = []
    debounced = Planner.from_files(project_dir=ROOT, debounce_s=0.2)
    original = debounced.refresh

    def counting_refresh():
        refreshes.append(time.perf_counter())
        return original()

    debounced.refresh = counting_refresh
    slider = debounced.budget_sliders[instrument]
    burst_start = time.perf_counter()
    for i in range(20):
        slider.value = slider.value + slider.step
        time.sleep(0.01)
    time.sleep(1.0)
    delay = (refreshes[-1] - burst_start) if refreshes else float("nan")
    print(f"debounce 0.2 s: 20 slider moves 10 ms apart -> {len(refreshes)} refresh(es), "
          f"the last starting {delay:.2f} s after the first move")


if __name__ == "__main__":
    sys.exit(main())
