"""The final review (tổng kết) of the movement 2021-2025 from imported review results.

From review results of every year (the old units to 2024, the new communes for 2025, as the
import template lays them out) :func:`final_review` computes:

* **year by year**, each unit as it was that year: its poverty rate, the fall from the year
  before *on its own footprint* (the year before rolled up through the crosswalk to the units
  of this year, so a merged commune compares with the sum of its former units), its own target
  and whether that year's fall met it;
* **the period**: each unit of the movement from its first to its last review (2021-2024 for
  the units dissolved in 2025, with Đăk HLơ to 2023), and each new commune 2021-2025 through
  the crosswalk (its history: the 2021 figures of its former units added up);
* **the district's targets** (2 points a year, 3 points for dtts households) on the whole
  former district area, whose households no unit change alters;
* **a ranking** of the units of the movement: own target met each year first, then the margin
  (average fall minus own target), then the dtts fall;
* **commendation proposals** by the plan's criteria for communes: (1) the assigned reduction
  met each year; (2) resources mobilised; (3) funds used as regulated and settled on time;
  (4) reporting on time. (2)-(4) come from the reviewers' criteria sheet
  (:func:`load_criteria`, strictly validated); (1) from the results. A unit whose target was
  proposed by the tool (not assigned by a decision) is flagged so: the criterion is then read
  against a proposal.

Figures marked as estimates in the results make every table say so (``estimate`` columns and
``FinalReview.only_estimates``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.text import name_key
from ..core.types import Target
from ..data import AreaInfo, Crosswalk, ReviewResults, rollup
from ..data._names import AreaMatcher, UnknownArea
from ..errors import ErrorCollector, InputError, InputErrors
from ..io._sheets import _blank, _map_header, _read_sheet, _Row
from .targets import PlanningError, meets

__all__ = ["FinalReview", "Criteria", "CRITERIA_COLUMNS", "load_criteria", "write_criteria_template",
           "final_review", "unit_years", "estimated_results", "movement_units"]

CRITERIA_COLUMNS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    # id: (Vietnamese header, other accepted headers, required)
    "area_id": ("Đơn vị", ("Xã, thị trấn", "Xã/thị trấn", "Mã đơn vị"), True),
    "resources_mobilised_mvnd": ("Nguồn lực huy động (triệu đồng)", ("Nguồn lực huy động",), True),
    "funds_as_regulated": ("Sử dụng kinh phí đúng quy định", (), True),
    "settled_on_time": ("Quyết toán đúng hạn", (), True),
    "reporting_on_time": ("Báo cáo đúng hạn", (), True),
    "note": ("Ghi chú", (), False),
}
"""Columns of the reviewers' criteria sheet (one row per unit)."""

_YES = {"co", "x", "dat", "yes", "true", "1"}
_NO = {"khong", "chua", "chuadat", "no", "false", "0"}


@dataclass(frozen=True)
class Criteria:
    """What reviewers record per unit: resources mobilised (million VND), funds used as regulated,
    settled on time, reporting on time."""

    area_id: str
    resources_mobilised_mvnd: float
    funds_as_regulated: bool
    settled_on_time: bool
    reporting_on_time: bool
    note: str = ""


def _key(text: str) -> str:
    return name_key(text)


def movement_units(areas: Sequence[AreaInfo], year: int = 2021) -> list[AreaInfo]:
    """The units of the movement: those in force at the review of its start year (the criteria
    sheet names them; the communes formed in 2025 share names with them)."""
    day = _review_day(year)
    return [a for a in areas if a.exists_on(day)]


def load_criteria(path: str | Path, areas: Sequence[AreaInfo]) -> dict[str, Criteria]:
    """The reviewers' criteria sheet (.xlsx or .csv), strictly: unknown, missing or repeated
    columns, unknown units (``areas``: the units of the movement, :func:`movement_units`), a unit twice, blank cells, yes/no cells that are neither ("có" /
    "không"), amounts that are not numbers >= 0: every problem with its file, row and column,
    raised together as :class:`~thidua_sim.errors.InputErrors`."""
    path = Path(path)
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, CRITERIA_COLUMNS, errors)
    if any(c not in columns for c, spec in CRITERIA_COLUMNS.items() if spec[2]):
        errors.raise_if_any()
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per commune", "fill in the rows under the header")
        errors.raise_if_any()
    labels = {c: s[0] for c, s in CRITERIA_COLUMNS.items()}
    matcher = AreaMatcher(areas)
    out: dict[str, Criteria] = {}
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        name = row.text("area_id", required=True)
        area_id = None
        if name is not None:
            try:
                area_id = matcher.match(name).id
            except UnknownArea as exc:
                row.fail("area_id", repr(name), "a commune of the review results (name or id)", str(exc))
        if area_id is not None and area_id in first_row:
            row.fail("area_id", f"{name!r} a second time (first in row {first_row[area_id]})", "one row per commune",
                     "delete one of the two rows")
            area_id = None
        amount = _amount(row, "resources_mobilised_mvnd")
        flags = {c: _yes_no(row, c) for c in ("funds_as_regulated", "settled_on_time", "reporting_on_time")}
        if area_id is not None and row.ok and amount is not None and None not in flags.values():
            first_row[area_id] = number
            out[area_id] = Criteria(area_id, amount, **flags, note=row.text("note") or "")  # type: ignore[arg-type]
        elif area_id is not None:
            first_row[area_id] = number
    errors.raise_if_any()
    return out


def _amount(row: _Row, cid: str) -> float | None:
    value = row.raw(cid)
    if _blank(value):
        row.fail(cid, "an empty cell", "million VND mobilised (0 if none)", "fill in the amount")
        return None
    try:
        number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else float(str(value).strip().replace(".", "").replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        row.fail(cid, repr(value), "a number of million VND >= 0", "type digits only, e.g. 1250")
        return None
    return number


def _yes_no(row: _Row, cid: str) -> bool | None:
    value = row.raw(cid)
    if isinstance(value, bool):
        return value
    key = "" if _blank(value) else _key(str(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    row.fail(cid, "an empty cell" if key == "" else repr(value), "có or không", "write có (yes) or không (no)")
    return None


def write_criteria_template(path: str | Path, areas: Sequence[AreaInfo], overwrite: bool = False) -> Path:
    """The criteria sheet to fill in (.xlsx, Vietnamese headers, one row per unit, and a guide
    sheet); refuses to replace a file unless ``overwrite``."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputErrors([InputError(str(path), "file name", f"the ending {path.suffix or '(none)'!r}", ".xlsx",
                                      "name the file e.g. tieu_chi_tong_ket.xlsx")])
    if path.exists() and not overwrite:
        raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                      "choose another name, or delete the old file first")])
    book = Workbook()
    sheet = book.active
    sheet.title = "tieu_chi"
    sheet.append([spec[0] for spec in CRITERIA_COLUMNS.values()])
    for a in areas:
        sheet.append([a.name, None, None, None, None, None])
    guide = book.create_sheet("huong_dan")
    guide.append(["Cột", "Cách điền"])
    for row in (("Đơn vị", "Tên xã, thị trấn (giữ nguyên như bản mẫu)"),
                ("Nguồn lực huy động (triệu đồng)", "Tổng nguồn lực xã huy động được cho giảm nghèo 2021-2025; 0 nếu không"),
                ("Sử dụng kinh phí đúng quy định", "có / không"),
                ("Quyết toán đúng hạn", "có / không"),
                ("Báo cáo đúng hạn", "có / không"),
                ("Ghi chú", "tùy chọn; không ghi tên, số định danh của hộ")):
        guide.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book.save(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _totals(table: pd.DataFrame) -> pd.DataFrame:
    """Per (area, year): households, poor, dtts households and poor, estimate flag."""
    rows = []
    for (area, year), g in table.groupby(["area_id", "year"], sort=False):
        d = g[g["group"] == "dtts"]
        rows.append({"area_id": area, "year": int(year), "households": float(g["households"].sum()),
                     "poor": float(g["poor"].sum()), "dtts_households": float(d["households"].sum()),
                     "dtts_poor": float(d["poor"].sum()), "estimate": bool(g["estimate"].any())})
    return pd.DataFrame(rows, columns=["area_id", "year", "households", "poor", "dtts_households", "dtts_poor",
                                       "estimate"])


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else math.nan


def _review_day(year: int) -> date:
    return date(year, 12, 15)


def unit_years(results: ReviewResults, crosswalk: Crosswalk | None, areas: Sequence[AreaInfo]) -> pd.DataFrame:
    """Year by year, each unit as it was that year: rate, dtts rate and the fall from the year
    before on the unit's own footprint (module text). Columns: area_id, year, households, poor,
    rate, dtts_rate, prev_rate, prev_dtts_rate, reduction, dtts_reduction, estimate."""
    table = results.table
    years = sorted(int(y) for y in table["year"].unique())
    frames = []
    for y in years:
        now = _totals(table[table["year"] == y])
        prev = None
        if y - 1 in years:
            before = replace(results, table=table[table["year"] == y - 1].reset_index(drop=True))
            if crosswalk is not None:
                before = rollup(before, crosswalk, on=_review_day(y), areas=areas)
            prev = _totals(before.table).set_index("area_id")
        now["rate"] = [_pct(p, h) for p, h in zip(now["poor"], now["households"])]
        now["dtts_rate"] = [_pct(p, h) for p, h in zip(now["dtts_poor"], now["dtts_households"])]
        if prev is not None:
            now["prev_rate"] = [_pct(prev.at[a, "poor"], prev.at[a, "households"]) if a in prev.index else math.nan
                                for a in now["area_id"]]
            now["prev_dtts_rate"] = [_pct(prev.at[a, "dtts_poor"], prev.at[a, "dtts_households"])
                                     if a in prev.index else math.nan for a in now["area_id"]]
            now["estimate"] = [e or (bool(prev.at[a, "estimate"]) if a in prev.index else False)
                               for a, e in zip(now["area_id"], now["estimate"])]
        else:
            now["prev_rate"] = math.nan
            now["prev_dtts_rate"] = math.nan
        now["reduction"] = now["prev_rate"] - now["rate"]
        now["dtts_reduction"] = now["prev_dtts_rate"] - now["dtts_rate"]
        frames.append(now)
    return pd.concat(frames, ignore_index=True)


@dataclass
class FinalReview:
    """The tables of the final review (module text); ``only_estimates`` when every figure of the
    results is an estimate, ``any_estimates`` when some are."""

    years: pd.DataFrame
    period: pd.DataFrame
    new_communes: pd.DataFrame
    district: pd.DataFrame
    ranking: pd.DataFrame
    commendations: pd.DataFrame
    only_estimates: bool
    any_estimates: bool
    start_year: int
    end_year: int
    names: Mapping[str, str] = field(default_factory=dict)


def final_review(results: ReviewResults, crosswalk: Crosswalk | None, areas: Sequence[AreaInfo],
                 district_targets: Sequence[Target], commune_targets: Sequence[Target],
                 criteria: Mapping[str, Criteria] | None = None) -> FinalReview:
    """The final review of the period of ``district_targets`` (2021-2025) from ``results``."""
    if not district_targets:
        raise PlanningError("final review: no district target (population district or dtts) to review against")
    start = min(t.start_year for t in district_targets)
    end = max(t.end_year for t in district_targets)
    table = results.table[(results.table["year"] >= start) & (results.table["year"] <= end)]
    years_present = sorted(int(y) for y in table["year"].unique())
    if start not in years_present or end not in years_present:
        raise PlanningError(f"final review {start}-{end}: the review results hold the years "
                            f"{', '.join(map(str, years_present)) or 'none'}; both {start} and {end} are needed "
                            "(thidua-sim template --year <year> writes the import template of a year)")
    results = replace(results, table=table.reset_index(drop=True))
    names = {a.id: a.name for a in areas}
    by_year = unit_years(results, crosswalk, areas)
    own = {t.population.split(":")[1]: t for t in commune_targets if t.population.startswith("area:")
           and t.population.count(":") == 1}
    by_year.insert(1, "area_name", [names.get(a, a) for a in by_year["area_id"]])
    by_year["target_points"] = [own[a].threshold_points if a in own else math.nan for a in by_year["area_id"]]
    by_year["target_status"] = [own[a].status if a in own else "" for a in by_year["area_id"]]
    by_year["met"] = [None if (a not in own or r != r) else bool(meets(r, own[a].threshold_points, own[a].strict))
                      for a, r in zip(by_year["area_id"], by_year["reduction"])]

    # the period, per unit of the movement: first to last review of the unit
    rows = []
    for area, g in by_year.groupby("area_id", sort=False):
        g = g.sort_values("year")
        first, last = g.iloc[0], g.iloc[-1]
        if int(first["year"]) != start:
            continue  # formed later (the 2025 communes): see new_communes
        span = int(last["year"]) - start
        red = (first["rate"] - last["rate"]) / span if span > 0 else math.nan
        dred = (first["dtts_rate"] - last["dtts_rate"]) / span if span > 0 else math.nan
        target = own.get(area)
        yearly = [m for m in g["met"].tolist()[1:]]
        rows.append({
            "area_id": area, "area_name": names.get(area, area), "first_year": start, "last_year": int(last["year"]),
            "rate_first": first["rate"], "rate_last": last["rate"], "reduction_per_year": red,
            "dtts_reduction_per_year": dred,
            "target_points": target.threshold_points if target else math.nan,
            "target_status": target.status if target else "",
            "target_decision": target.decision if target else "",
            "met_period": None if target is None or red != red else bool(meets(red, target.threshold_points,
                                                                                target.strict)),
            "met_each_year": None if target is None or not yearly or any(m is None for m in yearly)
            else all(bool(m) for m in yearly),
            "margin_points": red - target.threshold_points if target else math.nan,
            "estimate": bool(g["estimate"].any()),
        })
    period = pd.DataFrame(rows)

    # the new communes through the crosswalk: their former units' start-year figures added up
    new_rows = []
    last_units = set(by_year.loc[by_year["year"] == end, "area_id"])
    formed = [a for a in last_units if a not in set(period.get("area_id", []))]
    if formed and crosswalk is not None:
        first_year = replace(results, table=results.table[results.table["year"] == start].reset_index(drop=True))
        rolled = _totals(rollup(first_year, crosswalk, on=_review_day(end), areas=areas).table).set_index("area_id")
        now = by_year[by_year["year"] == end].set_index("area_id")
        for a in sorted(formed, key=lambda x: [i.id for i in areas].index(x) if x in names else 0):
            if a not in rolled.index:
                continue
            r0 = _pct(rolled.at[a, "poor"], rolled.at[a, "households"])
            r1 = float(now.at[a, "rate"])
            d0 = _pct(rolled.at[a, "dtts_poor"], rolled.at[a, "dtts_households"])
            d1 = float(now.at[a, "dtts_rate"])
            new_rows.append({"area_id": a, "area_name": names.get(a, a),
                             "history": ", ".join(names.get(x, x) for x in _formers(crosswalk, a)),
                             "rate_first": r0, "rate_last": r1,
                             "reduction_per_year": (r0 - r1) / (end - start),
                             "dtts_reduction_per_year": (d0 - d1) / (end - start),
                             "estimate": bool(now.at[a, "estimate"] or rolled.at[a, "estimate"])})
    new_communes = pd.DataFrame(new_rows, columns=["area_id", "area_name", "history", "rate_first", "rate_last",
                                                   "reduction_per_year", "dtts_reduction_per_year", "estimate"])

    # the district's targets on the whole former district area
    whole = _totals(results.table.assign(area_id="district"))
    whole = whole.set_index("year")
    drows = []
    for t in district_targets:
        if t.population not in ("district", "dtts"):
            continue
        part, base = ("dtts_poor", "dtts_households") if t.population == "dtts" else ("poor", "households")
        r0 = _pct(whole.at[t.start_year, part], whole.at[t.start_year, base])
        r1 = _pct(whole.at[t.end_year, part], whole.at[t.end_year, base])
        red = (r0 - r1) / (t.end_year - t.start_year)
        drows.append({"target_id": t.id, "name_vi": t.name_vi, "name_en": t.name_en,
                      "threshold_points": t.threshold_points, "strict": t.strict, "rate_start": r0, "rate_end": r1,
                      "reduction_per_year": red, "met": bool(meets(red, t.threshold_points, t.strict)),
                      "margin_points": red - t.threshold_points,
                      "estimate": bool(whole.loc[[t.start_year, t.end_year], "estimate"].any())})
    district = pd.DataFrame(drows)

    # ranking: met each year, margin, dtts fall; ties share a rank
    ranking = period.copy()
    if len(ranking):
        ranking["_met"] = [1 if m is True else 0 for m in ranking["met_each_year"]]
        ranking["_margin"] = ranking["margin_points"].fillna(-np.inf)
        ranking["_dtts"] = ranking["dtts_reduction_per_year"].fillna(-np.inf)
        ranking = ranking.sort_values(["_met", "_margin", "_dtts", "area_name"], ascending=[False, False, False, True],
                                      kind="stable").reset_index(drop=True)
        keys = list(zip(ranking["_met"], ranking["_margin"].round(9), ranking["_dtts"].round(9)))
        ranks = []
        for i, k in enumerate(keys):
            ranks.append(ranks[-1] if i and keys[i - 1] == k else i + 1)
        ranking.insert(0, "rank", ranks)
        ranking = ranking.drop(columns=["_met", "_margin", "_dtts"])

    # commendation proposals by the plan's criteria
    crows = []
    for _, r in ranking.iterrows():
        c = (criteria or {}).get(r["area_id"])
        met = r["met_each_year"]
        checks = {
            "met_each_year": met,
            "resources_mobilised": None if c is None else c.resources_mobilised_mvnd > 0,
            "funds_regulated_settled": None if c is None else (c.funds_as_regulated and c.settled_on_time),
            "reporting_on_time": None if c is None else c.reporting_on_time,
        }
        proposed = all(v is True for v in checks.values())
        crows.append({"area_id": r["area_id"], "area_name": r["area_name"], "rank": r["rank"], **checks,
                      "resources_mobilised_mvnd": None if c is None else c.resources_mobilised_mvnd,
                      "target_status": r["target_status"], "criteria_given": c is not None,
                      "proposed": proposed, "estimate": r["estimate"]})
    commendations = pd.DataFrame(crows)
    only = bool(results.table["estimate"].all())
    return FinalReview(by_year, period, new_communes, district, ranking, commendations, only,
                       bool(results.table["estimate"].any()), start, end, names)


def _formers(crosswalk: Crosswalk, area_id: str) -> list[str]:
    """Every former unit of ``area_id`` through the crosswalk, nearest first."""
    out: list[str] = []
    todo = [area_id]
    while todo:
        a = todo.pop(0)
        for r in crosswalk.rows:
            if r.new_id == a and r.old_id != a and r.old_id not in out:
                out.append(r.old_id)
                todo.append(r.old_id)
    return out


def estimated_results(projection: Any, end_year: int) -> ReviewResults:
    """Review results made from a projection's expected path (rounded; the units in force each
    year), every row marked as an estimate: the stand-in for review results not yet imported."""
    from ..data import REVIEW_COLUMNS

    rows = []
    ids = [a.id for a in projection.areas]
    for i, year in enumerate(projection.years):
        if year > end_year:
            break
        for a, area in enumerate(projection.areas):
            if not projection.in_force(area.id)[i]:
                continue
            for g, group in enumerate(("dtts", "other")):
                s = np.rint(projection.expected[i, a, g])
                rows.append({"area_id": area.id, "group": group, "year": year,
                             "households": int(s.sum()), "poor": int(s[0]), "near_poor": int(s[1]),
                             "escaped_poverty": np.nan, "fell_back": np.nan, "newly_poor": np.nan,
                             "near_poor_to_poor": np.nan, "estimate": True,
                             "method": f"expected path of scenario {projection.scenario.id} (not review results)",
                             "source": "thidua_sim projection"})
    table = pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))
    present = [a for a in projection.areas if a.id in set(table["area_id"])]
    del ids
    return ReviewResults(table, tuple(present), "estimated from the projection", ())
