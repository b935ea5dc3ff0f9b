"""Speed of planning on the shipped Kbang inputs (14 communes, every instrument).

Goals (brief, issue 4): required resources for the district target at 2,000 draws <= 5 s;
allocation over 14 communes x all instruments <= 10 s. Run with ``make bench`` or
``python bench/bench_planning.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    from thidua_sim import project
    from thidua_sim.data import load_baseline
    from thidua_sim.params import load_params, load_scenario
    from thidua_sim.planning import allocate_budget, required_resources
    from thidua_sim.planning.targets import check_targets, split_district_target

    baseline = load_baseline(ROOT / "data" / "kbang")
    params = load_params(ROOT / "params", areas=baseline.areas)
    scenario = load_scenario(ROOT / "params" / "scenarios" / "status_quo.yaml", params, baseline.areas)
    district = next(t for t in params.targets if t.population == "district")
    print(f"inputs: {len(baseline.areas)} communes, {len(params.instruments)} instruments, scenario {scenario.id}")

    _, seconds = _timed(lambda: project(baseline, scenario, params, draws=2000))
    print(f"one Monte Carlo projection, 2,000 draws: {seconds:.2f} s (for scale)")
    (proj, seconds) = _timed(lambda: project(baseline, scenario, params, draws=2000))
    _, seconds = _timed(lambda: check_targets(proj, params.targets))
    print(f"check_targets on it: {seconds * 1000:.1f} ms")
    _, seconds = _timed(lambda: split_district_target(baseline, district, params=params))
    print(f"split_district_target: {seconds * 1000:.1f} ms")

    for mode in ("scale", "extra"):
        r, seconds = _timed(lambda: required_resources(baseline, scenario, params, district, mode=mode))
        print(f"required_resources {district.id}, {mode}, expected path: {seconds:.2f} s "
              f"({r.evaluations} amounts tried) -> {r.amount:.4g}")
    for mode in ("scale", "extra"):
        r, seconds = _timed(lambda: required_resources(baseline, scenario, params, district, mode=mode,
                                                       probability=0.8, draws=2000))
        print(f"required_resources {district.id}, {mode}, probability 0.8, 2,000 draws: {seconds:.2f} s "
              f"(goal <= 5 s; {r.monte_carlo_runs} Monte Carlo runs) -> {r.amount:.4g}, "
              f"achieved {r.achieved_probability:.3f}")

    for budget in (2000.0, 10000.0, 50000.0):
        a, seconds = _timed(lambda: allocate_budget(baseline, scenario, params, budget))
        print(f"allocate_budget {budget:,.0f} million VND/yr over {a.table.size} cells: {seconds:.2f} s "
              f"(goal <= 10 s; {a.evaluations} evaluations, best from {a.start}); "
              f"{a.gain_over_proportional:.1f} fewer poor households than proportional")


if __name__ == "__main__":
    main()
