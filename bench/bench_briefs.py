"""Speed of the batch of briefs: every commune brief plus the district brief, run in parallel by
``thidua_sim.apps.briefs.batch.run_briefs`` (2 processes), against a sequential loop of papermill over the
same notebooks with the same parameters. Prints both times and the ratio.

    .venv/bin/python bench/bench_briefs.py [draws]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    import papermill

    from thidua_sim.apps.briefs.batch import default_notebooks_dir, run_briefs
    from thidua_sim.data import load_baseline

    argv = sys.argv[1:] if argv is None else argv
    draws = int(argv[0]) if argv else 200
    scenario = ROOT / "params/scenarios/status_quo.yaml"
    data, params = ROOT / "data/kbang", ROOT / "params"
    notebooks = default_notebooks_dir()
    areas = list(load_baseline(data).area_ids)
    common = {"scenario": str(scenario), "data_dir": str(data), "params_dir": str(params), "draws": draws,
              "seed": 2021, "language": "vi", "until": 2025}
    print(f"{len(areas)} commune briefs + the district brief, {draws} draws each")

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = run_briefs(scenario, areas, 2, out_dir=Path(tmp) / "parallel", data_dir=data, params_dir=params,
                            draws=draws, force=True, progress=False)
        parallel = time.perf_counter() - start
        print(f"parallel batch (2 processes, HTML included): {parallel:.1f} s; {result.summary().splitlines()[0]}")

        start = time.perf_counter()
        out = Path(tmp) / "sequential"
        out.mkdir()
        jobs = [("district_brief.ipynb", "district", {})] + [
            ("commune_brief.ipynb", f"commune_{a}", {"area_id": a}) for a in areas]
        for notebook, name, extra in jobs:
            papermill.execute_notebook(str(notebooks / notebook), str(out / f"{name}.ipynb"),
                                       parameters={**extra, **common}, kernel_name="python3",
                                       cwd=str(notebooks), progress_bar=False)
        sequential = time.perf_counter() - start
        print(f"sequential papermill loop (no HTML): {sequential:.1f} s")
    print(f"speed-up: {sequential / parallel:.2f}x (sequential / parallel)")


if __name__ == "__main__":
    main()
