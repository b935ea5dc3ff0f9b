"""Build a SYNTHETIC household list for Kbang: data/kbang/households_synthetic.csv.

No real household is in it. It exists so that every household feature (import, tables,
microsimulation, the 2027 switch) runs out of the box; a planner replaces it with the real
list of the review (``thidua-sim template --households`` writes the import template).

It is consistent with the commune estimates: for every unit and group of
``data/kbang/review_results.csv`` (2021) it has exactly that many households, poor households
and near-poor households once classified under Decree 07/2021/NĐ-CP (income at or below the
line and 3 or more deprivations: poor; fewer: near-poor). ``tests/test_households.py`` checks
this and that the build is deterministic.

How each household is drawn (all ASSUMPTIONS, for a plausible shape, not estimates of Kbang):

- state: the first ``poor`` households of a unit and group are poor, the next ``near_poor``
  near-poor, the rest other (then shuffled);
- income per person per month: poor and near-poor between 45 % and 100 % of the line of the
  unit (rural 1.5 million VND, urban 2 million for the town), others above the line
  (line x (1.02 + Gamma(2, 0.35))), rounded to 1,000 VND;
- deprivations: poor 3-7, near-poor 0-2, others 0-4, which indicators by fixed weights
  (WEIGHTS: adult education and latrines most common, health insurance rarest);
- members 1 + Poisson(3.5) for dtts households, 1 + Poisson(2.8) for others;
- thôn/làng: units split into villages of about 150 households ("Thôn 1", ...);
- ethnicity: dtts households Ba Na (85 %), Gia Rai (10 %), Xơ Đăng (5 %); others Kinh;
- causes of poverty and support needs for poor and near-poor households, 1-3 causes;
  no-labour-capacity 4 % of poor and 2 % of near-poor; merit households 1 %;
- the classification at the start of the period (status_before) and "previously poor";
- the indicators Decree 351 adds (waste treatment, internet) are NOT recorded: the 2027
  switch fills them from its declared assumptions (params/households.yaml).

Every row has ``synthetic = true`` and a household code ``SYN-...`` that is not a real code.
Deterministic: fixed seed (SEED), numpy's PCG64; the same bytes on every run.

Usage:
    python scripts/build_synthetic_households.py             # writes data/kbang/households_synthetic.csv
    python scripts/build_synthetic_households.py --out DIR   # writes DIR/households_synthetic.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from thidua_sim.data import load_area_info, load_review_results  # noqa: E402
from thidua_sim.data._households import CAUSES, NEEDS  # noqa: E402
from thidua_sim.params.standards import load_standards  # noqa: E402

SEED = 20211231
YEAR = 2021
FILE = "households_synthetic.csv"
DECREE_07 = ("employment", "dependants", "nutrition", "health_insurance", "adult_education",
             "child_school_attendance", "housing_quality", "housing_area", "drinking_water", "sanitation",
             "telecom_services", "information_means")
WEIGHTS = np.array([0.8, 0.5, 0.8, 0.3, 1.5, 0.6, 1.2, 0.8, 1.0, 1.5, 0.5, 1.0])
COUNTS = {"poor": ((3, 4, 5, 6, 7), (0.35, 0.30, 0.20, 0.10, 0.05)),
          "near_poor": ((0, 1, 2), (0.2, 0.4, 0.4)),
          "other": ((0, 1, 2, 3, 4), (0.45, 0.30, 0.15, 0.07, 0.03))}
BEFORE = {"poor": (("poor", "near_poor", "other", "new"), (0.80, 0.10, 0.05, 0.05)),
          "near_poor": (("poor", "near_poor", "other", "new"), (0.20, 0.60, 0.15, 0.05)),
          "other": (("poor", "near_poor", "other", "new"), (0.03, 0.05, 0.88, 0.04))}
STATUS_WORD = {"poor": "poor", "near_poor": "near_poor", "other": "other", "new": "new"}
COLUMNS = ("household_code", "area_id", "village", "group", "ethnicity", "members", "income", *DECREE_07,
           "no_labour", "merit", "causes", "needs", "status_before", "previously_poor", "year", "synthetic")


def build(data_dir: Path = ROOT / "data" / "kbang") -> str:
    rng = np.random.default_rng(SEED)
    info = load_area_info(data_dir)
    results = load_review_results(data_dir / "review_results.csv", info)
    std = load_standards(ROOT / "params" / "standards.yaml").for_year(YEAR)
    assert tuple(i.id for i in std.indicators) == DECREE_07
    kinds = {a.id: a.kind for a in info}
    table = results.table[results.table["year"] == YEAR]
    rows: list[list[object]] = []
    causes, needs = list(CAUSES), list(NEEDS)
    for area_id in dict.fromkeys(table["area_id"]):
        part = table[table["area_id"] == area_id]
        total = int(part["households"].sum())
        villages = max(3, round(total / 150))
        serial = 0
        line = std.income_line_urban if kinds[area_id] == "town" else std.income_line_rural
        for r in part.itertuples(index=False):
            states = ["poor"] * int(r.poor) + ["near_poor"] * int(r.near_poor) + \
                     ["other"] * int(r.households - r.poor - r.near_poor)
            order = rng.permutation(len(states))
            for k in order:
                state = states[k]
                serial += 1
                values, p = COUNTS[state]
                n_dep = int(rng.choice(values, p=p))
                chosen = rng.choice(12, size=n_dep, replace=False, p=WEIGHTS / WEIGHTS.sum()) if n_dep else []
                flags = [0] * 12
                for c in chosen:
                    flags[int(c)] = 1
                if state == "other":
                    income = line * (1.02 + rng.gamma(2.0, 0.35))
                    income = max(line + 1000, round(income / 1000) * 1000)
                else:
                    income = min(line, round(line * rng.uniform(0.45, 1.0) / 1000) * 1000)
                dtts = r.group == "dtts"
                members = 1 + int(rng.poisson(3.5 if dtts else 2.8))
                # dtts households live more in the later villages (làng), others in the first (thôn)
                v = int(rng.integers(villages // 3, villages)) if dtts else int(rng.integers(0, max(1, villages * 2 // 3)))
                village = f"{'Làng' if dtts else 'Thôn'} {v + 1}"
                ethnicity = str(rng.choice(["Ba Na", "Gia Rai", "Xơ Đăng"], p=[0.85, 0.10, 0.05])) if dtts else "Kinh"
                poorish = state != "other"
                cause = ";".join(sorted(rng.choice(causes, size=int(rng.integers(1, 4)), replace=False).tolist(),
                                        key=causes.index)) if poorish else ""
                need = set(rng.choice(needs[:5], size=int(rng.integers(1, 3)), replace=False).tolist()) if poorish else set()
                if poorish and (flags[6] or flags[7]):
                    need.add("housing")
                no_labour = poorish and rng.random() < (0.04 if state == "poor" else 0.02)
                merit = rng.random() < 0.01
                b_values, b_p = BEFORE[state]
                before = str(rng.choice(b_values, p=b_p))
                previously = state == "poor" and before != "poor" and rng.random() < 0.3
                rows.append([f"SYN-{area_id.upper()}-{serial:05d}", area_id, village, r.group, ethnicity, members,
                             int(income), *flags, _b(no_labour), _b(merit), cause,
                             ";".join(n for n in needs if n in need), STATUS_WORD[before], _b(previously),
                             YEAR, "true"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def _b(x: bool) -> str:
    return "true" if x else "false"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "kbang", help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / FILE
    path.write_bytes(build().encode("utf-8"))
    print(f"wrote {path} (SYNTHETIC household records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
