"""Build data/gialai/review_results.csv from the published figures in data/gialai/figures.csv.

Gia Lai's reports give the counts of poor and near-poor households and the rates, by
group (all households, dtts), but not the number of households. This script derives it
(households = poor / poor rate), takes the non-dtts group as all minus dtts, checks the
near-poor rates against the derived households, and writes the province as one area
(id ``gia_lai``, kind province) in the review-results format. Deterministic; the test
suite runs it into a temporary folder and compares the bytes with the shipped file.

Usage:
    python scripts/build_reference_data.py              # writes data/gialai/review_results.csv
    python scripts/build_reference_data.py --out DIR    # writes DIR/review_results.csv
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

from _review_csv import render  # scripts/_review_csv.py: the loader's own columns

from thidua_sim.io import write_atomic

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "data" / "gialai" / "figures.csv"
AREA_ID = "gia_lai"
METHOD = ("households derived as poor / poor rate (rates published to 0.01 %, so households are within "
          "about 0.1 %); other = all - dtts; poor and near-poor counts as published")
TOLERANCE_PCT = 0.01   # a derived near-poor rate may differ from the published one by at most this


def round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def read_figures(path: Path) -> dict[tuple[int, str, str], tuple[float, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return {(int(r["year"]), r["population"], r["measure"]): (float(r["value"]), r["source"])
                for r in csv.DictReader(f)}


def derive(figures: dict[tuple[int, str, str], tuple[float, str]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for year in sorted({k[0] for k in figures}):
        def get(pop: str, measure: str) -> float:
            return figures[year, pop, measure][0]

        source = figures[year, "all", "poor"][1]
        households = {p: round_half_up(get(p, "poor") / (get(p, "poor_rate_pct") / 100)) for p in ("all", "dtts")}
        for p in ("all", "dtts"):
            rate = 100 * get(p, "near_poor") / households[p]
            if abs(rate - get(p, "near_poor_rate_pct")) > TOLERANCE_PCT:
                raise SystemExit(f"{year} {p}: derived near-poor rate {rate:.3f} % does not match "
                                 f"the published {get(p, 'near_poor_rate_pct')} %")
        groups = {
            "dtts": (households["dtts"], get("dtts", "poor"), get("dtts", "near_poor")),
            "other": (households["all"] - households["dtts"], get("all", "poor") - get("dtts", "poor"),
                      get("all", "near_poor") - get("dtts", "near_poor")),
        }
        for g, (h, p, n) in groups.items():
            rows.append({"area_id": AREA_ID, "group": g, "year": year, "households": h, "poor": int(p),
                         "near_poor": int(n), "escaped_poverty": "", "fell_back": "", "newly_poor": "",
                         "near_poor_to_poor": "", "estimate": "true", "method": METHOD, "source": source})
    return rows



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIGURES.parent, help="directory to write review_results.csv into")
    parser.add_argument("--figures", type=Path, default=FIGURES, help="the published figures (default data/gialai/figures.csv)")
    args = parser.parse_args(argv)
    rows = derive(read_figures(args.figures))
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "review_results.csv"
    write_atomic(target, render(rows).encode("utf-8"))  # the package's one atomic write (mode 0644)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
