"""Speed of the calibration on the shipped review history (goal: under 30 s on 2 cores).

Run: ``.venv/bin/python bench/bench_calibration.py`` (or ``make bench``). Prints:

* the pooled fit of the cohort model on ``data/history`` (every review up to 2022: mode,
  Hessian, Metropolis chains, diagnostics), in seconds, beside the 30 s goal;
* a reference measured in the same run: one vectorised evaluation of the posterior density for
  32 parameter vectors (one Metropolis step of all chains), and the fit's time as a multiple of it,
  so that a slower machine shows as a slower reference, not as a slower fit.

Figures are printed, never asserted: speed depends on the machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from thidua_sim.data import load_history  # noqa: E402
from thidua_sim.model import _history_fit as hf  # noqa: E402
from thidua_sim.params import load_params  # noqa: E402

GOAL_SECONDS = 30.0


def main() -> None:
    history = load_history(ROOT / "data" / "history")
    params = load_params(ROOT / "params")
    cells = hf.series_cells(history.series())
    fitted = [c for c in cells if len(c.years) >= 2]
    lay = hf._layout(fitted, params, "dtts")
    tr = hf._transitions(fitted, hf._near_poor_ratio(fitted), hf.DEFAULT_STRUCTURE.near_poor_fill)
    x = np.repeat(lay.prior_m[None], hf.CHAINS, axis=0)
    hf._neg_log_post(x, lay, tr)  # warm up
    runs = []
    for _ in range(200):
        start = time.perf_counter()
        hf._neg_log_post(x, lay, tr)
        runs.append(time.perf_counter() - start)
    reference = float(np.median(runs))
    start = time.perf_counter()
    fit = hf.fit_history(cells, params)
    seconds = time.perf_counter() - start
    d = fit.diagnostics
    print(f"shipped history: {len(history.table)} figures, {len(fit.cells)} series, {d['transitions']} transitions, "
          f"{d['parameters']} parameters")
    print(f"calibration (pooled fit, {d['chains']} chains x {d['warmup']} warm-up + {d['draws_per_chain']} draws): "
          f"{seconds:.1f} s   goal < {GOAL_SECONDS:.0f} s   -> {'OK' if seconds < GOAL_SECONDS else 'SLOWER THAN GOAL'}")
    print(f"reference: one density evaluation of {hf.CHAINS} vectors {1e3 * reference:.2f} ms; "
          f"fit = {seconds / reference:,.0f} x reference")
    print(f"diagnostics: largest R-hat {d['rhat_max']:.3f}, smallest ESS {d['ess_min']:.0f}, "
          f"acceptance {d['acceptance']:.2f}")


if __name__ == "__main__":
    main()
