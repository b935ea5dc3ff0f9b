"""Speed of the rules written once (issue 9): coverage in the Monte Carlo, and the scan of the
required-resources search.

Goals: the shared coverage function (``model/_coverage.py``) costs the Monte Carlo no more than
the inline sum it replaced (ratio <= 1.0, the old inline sum measured in the same run as the
reference); the expected-path required-resources search, which now scans the lever instead of
assuming monotonicity, stays interactive for the planner (Kbang, <= 0.1 s; printed as a ratio
to one expected path too). Run with ``python bench/bench_rules.py``.
"""

from __future__ import annotations

import sys
import time
import timeit
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _reference_coverage(n, resources, costs, eligible):
    """The Monte Carlo's inline sum before issue 9 (poor and near-poor only): the speed reference."""
    resources = resources.copy()
    poor_area, near_area = n[0, ..., 0] + n[0, ..., 1], n[1, ..., 0] + n[1, ..., 1]
    eligible_area = poor_area[..., None] * eligible[:, 0] + near_area[..., None] * eligible[:, 1]
    resources /= costs
    covered = np.minimum(resources, eligible_area, out=resources)
    return np.divide(covered, eligible_area, out=np.zeros(covered.shape, np.float32), where=eligible_area > 0)


def _coverage_case(C: int, A: int, K: int) -> None:
    from thidua_sim.model.engine import coverage_shares

    rng = np.random.default_rng(0)
    n = rng.integers(0, 500, (3, C, A, 2)).astype(np.float32)  # state-first, as the Monte Carlo keeps it
    eligible = np.zeros((K, 3), np.float32)
    eligible[:, 0] = 1
    eligible[: K // 2 + 1, 1] = 1
    resources = (rng.random((C, A, K)) * 1000).astype(np.float32)
    costs = (rng.random((C, 1, K)) * 30 + 5).astype(np.float32)

    def shared():
        return coverage_shares(np.moveaxis(n, 0, -1), resources, costs, eligible, details=False)[0]

    def reference():
        return _reference_coverage(n, resources, costs, eligible)

    assert np.array_equal(shared(), reference())  # same numbers where nobody "other" is eligible
    t_new = min(timeit.repeat(shared, number=50, repeat=7)) / 50
    t_ref = min(timeit.repeat(reference, number=50, repeat=7)) / 50
    print(f"coverage per Monte Carlo year, chunk of {C} draws x {A} areas x {K} instruments: "
          f"{t_new * 1e3:.2f} ms, reference {t_ref * 1e3:.2f} ms, ratio {t_new / t_ref:.2f} (goal <= 1.0)")


def main() -> None:
    from thidua_sim.data import load_baseline
    from thidua_sim.model.engine import compile_model, expected_path
    from thidua_sim.params import load_params, load_scenario
    from thidua_sim.planning import required_resources

    _coverage_case(2340, 14, 5)  # Kbang: 2^16 // 28 cells draws a chunk
    _coverage_case(3, 10600, 4)  # national: 3 draws a chunk

    baseline = load_baseline(ROOT / "data" / "kbang")
    params = load_params(ROOT / "params", areas=baseline.areas)
    scenario = load_scenario(ROOT / "params" / "scenarios" / "status_quo.yaml", params, baseline.areas)
    district = next(t for t in params.targets if t.population == "district")
    model = compile_model(baseline, scenario, params)
    one = min(timeit.repeat(lambda: expected_path(model), number=20, repeat=5)) / 20
    for mode in ("scale", "extra"):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            r = required_resources(baseline, scenario, params, district, mode=mode)
            times.append(time.perf_counter() - start)
        best = min(times)
        print(f"required_resources {district.id}, {mode}, expected path: {best * 1e3:.0f} ms (goal <= 100 ms), "
              f"{best / one:.0f} expected paths' time; {r.evaluations} amounts, monotone {r.monotone}")


if __name__ == "__main__":
    main()
