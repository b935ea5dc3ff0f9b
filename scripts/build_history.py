"""Build data/history/history.csv from the published review figures up to the 2022 review.

Run once by a maintainer (``python scripts/build_history.py SOURCE.yaml``); the project never
reads SOURCE at run time. SOURCE is the collected list of published figures (each with its
address, title and the sentence it came from). Only figures that are plain end-of-year review
results are copied: stocks (households, poor, near-poor), rates, and the year's flows
(escaped poverty, newly poor, fell back, near-poor to poor, left near-poverty), for all
households and for dtts households. Approximate figures ("gần", "hơn"), bounds, forecasts,
mid-year re-reviews, regional aggregates and figures of other standards are left out.
Where two sources give different values for the same figure, the first is kept and the
other is named in the note. Figures of the 2023 and later reviews are refused: they are kept
back for an independent check of the forecasts.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

import yaml

LAST_YEAR = 2022
COLUMNS = ("area_id", "area_name", "level", "parent", "year", "standard", "population", "measure", "value",
           "unit", "source_url", "source_title", "source_doc", "quote", "note")

# source measure -> (population, measure, standard override or None)
PLAIN = {
    "total_households": ("all", "households", None),
    "poor_households": ("all", "poor", None),
    "near_poor_households": ("all", "near_poor", None),
    "poor_rate": ("all", "poor_rate", None),
    "near_poor_rate": ("all", "near_poor_rate", None),
    "dtts_households": ("dtts", "households", None),
    "poor_households_dtts": ("dtts", "poor", None),
    "near_poor_households_dtts": ("dtts", "near_poor", None),
    "poor_rate_dtts": ("dtts", "poor_rate", None),
    "near_poor_rate_dtts": ("dtts", "near_poor_rate", None),
    "escaped_poverty": ("all", "escaped_poverty", None),
    "newly_poor": ("all", "newly_poor", None),
    "fell_back_into_poverty": ("all", "fell_back", None),
    "near_poor_to_poor": ("all", "near_poor_to_poor", None),
    "escaped_near_poverty": ("all", "left_near_poverty", None),
    "poor_rate_old_standard": ("all", "poor_rate", "59/2015"),
    "poor_households_old_standard": ("all", "poor", "59/2015"),
    "near_poor_households_old_standard": ("all", "near_poor", "59/2015"),
    "district_total_households": ("all", "households", None),
    "district_poor_households": ("all", "poor", None),
    "district_poor_rate": ("all", "poor_rate", None),
    "district_dtts_households": ("dtts", "households", None),
    "district_poor_households_dtts": ("dtts", "poor", None),
    "ntp_spr_funds_2016_2020_total": ("all", "programme_spending", None),
}
# units of programme spending -> factor to billion VND
SPENDING_UNITS = (("trillion VND", 1000.0), ("billion VND", 1.0))
STANDARDS = ("59/2015", "07/2021")


def slug(name: str) -> str:
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def rows(doc: dict) -> list[dict]:
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    sections = (("viet_nam", "Việt Nam", "country"), ("provinces", None, "province"), ("gia_lai", "Gia Lai", "province"),
                ("kbang", "Kbang", "district"), ("spending", None, "province"))
    for section, fixed_name, level in sections:
        for rec in doc.get(section, []) or []:
            mapped = PLAIN.get(str(rec.get("measure")))
            if mapped is None or rec.get("value") is None:
                continue
            population, measure, standard = mapped
            standard = standard or str(rec.get("standard"))
            if standard not in STANDARDS or rec.get("year") is None:
                continue
            year = int(rec["year"])
            if year > LAST_YEAR:
                raise SystemExit(f"{section}: a figure of {year}; only reviews up to {LAST_YEAR} may be copied")
            province = rec.get("province") or fixed_name
            name, lvl, parent = province, level, ("viet_nam" if level == "province" else "")
            if section == "spending":
                if measure != "programme_spending":
                    continue
                name = "Việt Nam" if slug(str(rec.get("area"))) == "viet_nam" else str(rec.get("area"))
                lvl, parent = ("country", "") if slug(name) == "viet_nam" else ("province", "viet_nam")
            if section == "kbang":
                parent = "gia_lai"
            if str(rec["measure"]).startswith("district_"):
                if not rec.get("area") or "+" in str(rec["area"]):
                    continue  # a district figure needs its district; sums of districts are left out
                name, lvl, parent = rec["area"], "district", slug(province)
            elif rec.get("area") and section not in ("viet_nam", "spending"):
                continue  # an item of a named place that is not a district figure
            area_id = "viet_nam" if section == "viet_nam" or lvl == "country" else (f"{parent}.{slug(name)}" if lvl == "district"
                                                                 else slug(name))
            unit = str(rec.get("unit", ""))
            value = rec["value"]
            if measure == "programme_spending":
                factor = next((f for u, f in SPENDING_UNITS if unit.startswith(u)), None)
                if factor is None:
                    continue
                value, unit = float(value) * factor, "billion VND, total of the programme period 2016-2020"
            if re.search(r"approx|lower bound|upper bound|'gần'|'hơn'|'trên'", unit):
                continue
            src = rec.get("source") or {}
            key = (area_id, year, standard, population, measure)
            row = {"area_id": area_id, "area_name": name, "level": lvl, "parent": parent, "year": year,
                   "standard": standard, "population": population, "measure": measure, "value": value,
                   "unit": unit, "source_url": src.get("url", ""), "source_title": src.get("title", ""),
                   "source_doc": src.get("doc", ""), "quote": " ".join(str(rec.get("quote", "")).split()),
                   "note": " ".join(str(rec.get("note", "") or "").split())}
            if key in seen:
                first = out[seen[key]]
                if float(first["value"]) != float(value):
                    first["note"] = (first["note"] + "; " if first["note"] else "") + (
                        f"another source gives {value} ({src.get('url', '')})")
                continue
            seen[key] = len(out)
            out.append(row)
    out.sort(key=lambda r: (r["level"] != "country", r["area_id"], r["standard"], r["year"], r["population"],
                            r["measure"]))
    return out


def main(argv: list[str]) -> int:
    source = Path(argv[1] if len(argv) > 1 else "../shared/data/review-history-to-2022.yaml")
    target = Path(__file__).resolve().parents[1] / "data" / "history" / "history.csv"
    records = rows(yaml.safe_load(source.read_text(encoding="utf-8")))
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    print(f"{target}: {len(records)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
