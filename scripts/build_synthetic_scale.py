"""Write the synthetic province and national inputs used by the scale benchmarks.

    .venv/bin/python scripts/build_synthetic_scale.py [data]

writes, in the data formats of docs/formats/data.md:

* ``data/synthetic_province/``: 135 units (the size of the new Gia Lai province, July 2025),
  baseline year 2021 so that the shipped 2021-2025 targets and the briefs apply;
* ``data/synthetic_national/``: 3,321 communes (the country's count from July 2025), baseline
  year 2025, for 2025 -> 2030 runs.

**Every figure is synthetic**, not a review result: each row says ``estimate=true``, its
``method`` names this script and the seed, and its ``source`` says "synthetic". The numbers
are drawn once from fixed seeds (:data:`SETS`), so the files are the same on every machine:
commune sizes lognormal (sigma 0.6) scaled to the set's households, the share of
ethnic-minority (dtts) households Beta(0.6, 1.2) scaled to the set's dtts share, poor and
near-poor rates Beta-distributed per group (means about 25 % / 16 % for dtts, 5 % / 7 % for
other households). Only the sizes and rates resemble a real place; no real commune is
described.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

SETS = {
    # name: (units, households, dtts share, baseline year, seed, prefix, README title)
    "synthetic_province": (135, 980_000, 0.28, 2021, 14_001, "Xã Mẫu", "a synthetic province of 135 units"),
    "synthetic_national": (3_321, 27_400_000, 0.15, 2025, 14_002, "Xã Mẫu", "a synthetic country of 3,321 communes"),
}
HEADER = ["area_id", "group", "year", "households", "poor", "near_poor", "escaped_poverty", "fell_back",
          "newly_poor", "near_poor_to_poor", "estimate", "method", "source"]


def draw(units: int, households: float, dtts_share: float, seed: int) -> np.ndarray:
    """(units, 2 groups, 3 states) whole households: poor, near-poor, other."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0.0, 0.6, units)
    size = size / size.sum() * households
    dtts = np.clip(rng.beta(0.6, 1.2, units), 0, 1)
    dtts = np.clip(dtts * dtts_share * households / (dtts * size).sum(), 0, 0.98)
    hh = np.stack([size * dtts, size * (1 - dtts)], axis=1)
    poor = np.stack([rng.beta(2, 6, units), rng.beta(1, 20, units)], axis=1)
    near = np.stack([rng.beta(2, 10, units), rng.beta(1, 15, units)], axis=1) * (1 - poor)
    counts = np.rint(np.stack([hh * poor, hh * near, hh * (1 - poor - near)], axis=-1))
    return counts.astype(np.int64)


def write_set(folder: Path, name: str) -> None:
    units, households, dtts_share, year, seed, prefix, title = SETS[name]
    counts = draw(units, households, dtts_share, seed)
    width = len(str(units))
    ids = [f"xa_{i + 1:0{width}d}" for i in range(units)]
    method = f"synthetic v1 seed {seed}"  # build_synthetic_scale.py; short: the national file stays small
    source = "synthetic"
    folder.mkdir(parents=True, exist_ok=True)
    areas = io.StringIO()
    w = csv.writer(areas, lineterminator="\n")
    w.writerow(["id", "name", "kind", "aliases", "valid_from", "valid_to", "source"])
    for i, area_id in enumerate(ids):
        w.writerow([area_id, f"{prefix} {i + 1:0{width}d}", "commune", "", "", "", source])
    (folder / "areas.csv").write_text(areas.getvalue(), encoding="utf-8")
    rows = io.StringIO()
    w = csv.writer(rows, lineterminator="\n")
    w.writerow(HEADER)
    for i, area_id in enumerate(ids):
        for g, group in enumerate(("dtts", "other")):
            p, n, o = (int(x) for x in counts[i, g])
            w.writerow([area_id, group, year, p + n + o, p, n, "", "", "", "", "true", method, source])
    (folder / "review_results.csv").write_text(rows.getvalue(), encoding="utf-8")
    total = counts.sum(axis=(0, 2))
    (folder / "README.md").write_text(
        f"# {name}: {title} (SYNTHETIC)\n\n"
        f"**Every figure here is synthetic.** Made by `scripts/build_synthetic_scale.py` (seed {seed}); "
        "no row describes a real commune. For the scale benchmarks (`bench/bench_scale.py`) and to try "
        "the tool at province or national size. A real province runs from the same two files "
        "(`areas.csv`, `review_results.csv`; see docs/formats/data.md).\n\n"
        f"- units: {units:,}; baseline year {year}\n"
        f"- households: {int(counts.sum()):,} ({int(total[0]):,} dtts, {int(total[1]):,} other)\n"
        f"- poor: {int(counts[..., 0].sum()):,}; near-poor: {int(counts[..., 1].sum()):,}\n\n"
        "Regenerate: `.venv/bin/python scripts/build_synthetic_scale.py`\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "data"
    for name in SETS:
        write_set(out / name, name)
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
