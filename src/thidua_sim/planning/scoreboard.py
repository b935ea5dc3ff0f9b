"""The emulation scoreboard (bảng theo dõi thi đua): each commune, each year, against its own target.

:func:`build_scoreboard` puts side by side, per commune and review year, the *actual* figures
(from imported review results, where a year has them) and the *planned* ones (the
projection's expected path), and says whether the commune is on track for its own target
("chỉ tiêu huyện giao"): its average annual fall since the start year must meet its target by
the target's own rule (more than / at least), applied to the years so far.

:func:`rank_for_review` ranks communes for the annual review (*sơ kết*, any year) or the final
review (*tổng kết*, the targets' end year, 2025). The ranking rule, in order:

1. own target met (on track in that year) first; communes without a target last;
2. larger margin first: average annual fall minus own target, in points;
3. faster fall of the dtts poverty rate first (points a year since the start);
4. ties on all three share a rank; they are listed by commune name.

Kbang has no public review results after 2021. Without imported results the scoreboard holds
planned values only, says so in every row (``basis = "planned"``) and in ``frame.attrs["note"]``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.types import GROUPS, Target
from ..io import write_atomic
from ..model.projection import Projection
from .targets import PlanningError, meets

__all__ = [
    "SCOREBOARD_COLUMNS",
    "RANKING_COLUMNS",
    "REVIEW_KINDS",
    "build_scoreboard",
    "rank_for_review",
    "export_table",
    "NOTE_PLANNED_ONLY",
]

REVIEW_KINDS: tuple[str, ...] = ("so_ket", "tong_ket")

NOTE_PLANNED_ONLY = {
    "vi": "Chưa có kết quả rà soát thực tế sau năm gốc: bảng chỉ có số kế hoạch (dự báo của mô hình).",
    "en": "No review results after the baseline year: the scoreboard shows planned (projected) values only.",
}

SCOREBOARD_COLUMNS: tuple[str, ...] = (
    "area_id", "area_name", "year", "basis", "actual_estimate",
    "households_planned", "poor_planned", "rate_planned", "dtts_rate_planned",
    "households_actual", "poor_actual", "rate_actual", "dtts_rate_actual",
    "households", "poor", "rate", "dtts_rate",
    "target_id", "target_points", "start_year", "end_year", "strict",
    "rate_start", "dtts_rate_start", "milestone_rate",
    "reduction_per_year", "dtts_reduction_per_year", "margin_points", "margin_households_per_year", "on_track",
)
"""Columns of :func:`build_scoreboard`. ``*_planned`` from the projection; ``*_actual`` from
review results (NaN where none); unsuffixed = actual where present, else planned, as ``basis``
says. ``milestone_rate``: the rate the commune would have on the straight line to its target.
``on_track``: True/False, or missing (None) in the start year and without a target."""

RANKING_COLUMNS: tuple[str, ...] = (
    "rank", "area_id", "area_name", "review", "year", "basis", "actual_estimate", "on_track", "target_points",
    "reduction_per_year", "margin_points", "dtts_reduction_per_year", "rate_start", "rate",
)


def _review_frame(review_results: Any) -> pd.DataFrame | None:
    if review_results is None:
        return None
    table = getattr(review_results, "table", review_results)
    if not isinstance(table, pd.DataFrame):
        raise PlanningError("review results: expected a ReviewResults (thidua_sim.data) or a pandas DataFrame")
    missing = {"area_id", "group", "year", "households", "poor"} - set(table.columns)
    if missing:
        raise PlanningError(f"review results lack columns {sorted(missing)}")
    return table


def _actuals(table: pd.DataFrame | None, area_ids: Sequence[str]) -> dict[tuple[str, int], dict[str, float]]:
    """Per (area, year): households, poor, dtts households and dtts poor, and whether any is an estimate.

    Rows of both groups are summed; an area-year with a group row missing counts only its dtts
    figures as missing (the area's totals use the rows given)."""
    out: dict[tuple[str, int], dict[str, float]] = {}
    if table is None or table.empty:
        return out
    wanted = set(area_ids)
    for (area, year), rows in table.groupby(["area_id", "year"], sort=True):
        if area not in wanted:
            continue
        groups = rows[rows["group"].isin(GROUPS)]
        if groups.empty:
            groups = rows  # totals given without a group split
        dtts = rows[rows["group"] == "dtts"]
        est = rows["estimate"] if "estimate" in rows else pd.Series([False] * len(rows))
        out[(str(area), int(year))] = {
            "households": float(groups["households"].sum()),
            "poor": float(groups["poor"].sum()),
            "dtts_households": float(dtts["households"].sum()) if len(dtts) else np.nan,
            "dtts_poor": float(dtts["poor"].sum()) if len(dtts) else np.nan,
            "estimate": bool(est.fillna(False).astype(bool).any()),
        }
    return out


def _rate(poor: float, households: float) -> float:
    if households is None or not np.isfinite(households) or households <= 0:
        return np.nan
    return 100.0 * poor / households


def build_scoreboard(
    review_results: Any,
    projection: Projection,
    commune_targets: Sequence[Target],
    year: int | None = None,
) -> pd.DataFrame:
    """Actual vs planned, on track or not, per commune and year (columns :data:`SCOREBOARD_COLUMNS`).

    ``review_results``: a ``thidua_sim.data.ReviewResults`` (or its ``.table``) or None.
    ``commune_targets``: targets on ``area:<id>`` (e.g. from
    :func:`~thidua_sim.planning.targets.split_district_target`); communes without one are listed with
    no target. ``year``: only that year (default: every year of the projection from the targets'
    start). ``frame.attrs``: ``note`` (vi/en dict, when there are no actual figures after the start),
    ``actual_years`` and ``start_year``/``end_year``.
    """
    by_area: dict[str, Target] = {}
    for target in commune_targets:
        parts = target.population.split(":")
        if parts[0] != "area" or len(parts) != 2:
            raise PlanningError(f"target {target.id!r} is for {target.population!r}; the scoreboard needs "
                                "commune targets on 'area:<id>'")
        if parts[1] in by_area:
            raise PlanningError(f"two targets for commune {parts[1]!r}: {by_area[parts[1]].id}, {target.id}")
        by_area[parts[1]] = target
    area_ids = [a.id for a in projection.areas]
    unknown = sorted(set(by_area) - set(area_ids))
    if unknown:
        raise PlanningError(f"commune targets for areas not in the projection: {', '.join(unknown)}")
    starts = {t.start_year for t in by_area.values()} or {projection.years[0]}
    ends = {t.end_year for t in by_area.values()} or {projection.years[-1]}
    start, end = min(starts), max(ends)
    if start not in projection.years:
        raise PlanningError(f"targets start in {start}, outside the projection {projection.years[0]}-"
                            f"{projection.years[-1]}")
    years = [y for y in projection.years if y >= start]
    if year is not None:
        if year not in years:
            raise PlanningError(f"year {year} is outside the scoreboard {years[0]}-{years[-1]}")
        years_out = [year]
    else:
        years_out = years
    actual = _actuals(_review_frame(review_results), area_ids)

    rows = []
    for area in projection.areas:
        a = area.id
        target = by_area.get(a)
        t_start = target.start_year if target else start
        planned_h = projection.households(f"area:{a}")
        planned_p = projection.stocks(f"area:{a}")[:, 0]
        planned_dh = projection.households(f"area:{a}:dtts")
        planned_dp = projection.stocks(f"area:{a}:dtts")[:, 0]

        def value(y: int) -> dict[str, Any]:
            i = projection.year_index(y)
            plan = {"households": planned_h[i], "poor": planned_p[i], "rate": _rate(planned_p[i], planned_h[i]),
                    "dtts_rate": _rate(planned_dp[i], planned_dh[i])}
            act = actual.get((a, y))
            if act is None:
                return {"plan": plan, "act": None, "use": plan, "basis": "planned", "estimate": None}
            act_v = {"households": act["households"], "poor": act["poor"],
                     "rate": _rate(act["poor"], act["households"]),
                     "dtts_rate": _rate(act["dtts_poor"], act["dtts_households"])}
            use = dict(act_v)
            if not np.isfinite(use["dtts_rate"]):
                use["dtts_rate"] = plan["dtts_rate"]
            return {"plan": plan, "act": act_v, "use": use, "basis": "actual", "estimate": act["estimate"]}

        first = value(t_start)["use"]
        for y in years_out:
            v = value(y)
            use, plan, act = v["use"], v["plan"], v["act"] or {}
            span = y - t_start
            if span > 0:
                red = (first["rate"] - use["rate"]) / span
                dred = (first["dtts_rate"] - use["dtts_rate"]) / span
            else:
                red = dred = np.nan
            row: dict[str, Any] = {
                "area_id": a, "area_name": area.name, "year": y, "basis": v["basis"], "actual_estimate": v["estimate"],
                "households_planned": plan["households"], "poor_planned": plan["poor"],
                "rate_planned": plan["rate"], "dtts_rate_planned": plan["dtts_rate"],
                "households_actual": act.get("households", np.nan), "poor_actual": act.get("poor", np.nan),
                "rate_actual": act.get("rate", np.nan), "dtts_rate_actual": act.get("dtts_rate", np.nan),
                "households": use["households"], "poor": use["poor"], "rate": use["rate"],
                "dtts_rate": use["dtts_rate"],
                "target_id": target.id if target else None,
                "target_points": target.threshold_points if target else np.nan,
                "start_year": t_start, "end_year": target.end_year if target else end,
                "strict": target.strict if target else None,
                "rate_start": first["rate"], "dtts_rate_start": first["dtts_rate"],
                "milestone_rate": first["rate"] - target.threshold_points * span if target else np.nan,
                "reduction_per_year": red, "dtts_reduction_per_year": dred,
            }
            if target is not None and span > 0 and np.isfinite(red):
                row["margin_points"] = red - target.threshold_points
                row["on_track"] = bool(meets(red, target.threshold_points, target.strict))
                row["margin_households_per_year"] = (0.0 if row["on_track"] else
                                                     max(0.0, -row["margin_points"]) * use["households"] / 100.0)
            else:
                row["margin_points"] = np.nan
                row["on_track"] = None
                row["margin_households_per_year"] = np.nan
            rows.append(row)
    frame = pd.DataFrame(rows, columns=list(SCOREBOARD_COLUMNS))
    actual_years = sorted({y for (_a, y) in actual if y in years})
    frame.attrs["actual_years"] = actual_years
    frame.attrs["start_year"], frame.attrs["end_year"] = start, end
    if not [y for y in actual_years if y > start]:
        frame.attrs["note"] = dict(NOTE_PLANNED_ONLY)
    return frame


def rank_for_review(scoreboard: pd.DataFrame, kind: str = "so_ket", year: int | None = None) -> pd.DataFrame:
    """Rank communes for the annual review (``"so_ket"``) or the final review (``"tong_ket"``).

    ``year``: for so_ket the latest year with actual figures, else the latest year after the
    start; for tong_ket the targets' end year. The rule is in the module text. Columns
    :data:`RANKING_COLUMNS`; ``review`` reads e.g. "Sơ kết năm 2023" / "Tổng kết 2021–2025".
    """
    if kind not in REVIEW_KINDS:
        raise PlanningError(f"review kind {kind!r}: expected so_ket (annual) or tong_ket (final)")
    if scoreboard.empty:
        raise PlanningError("the scoreboard is empty")
    start = int(scoreboard.attrs.get("start_year", scoreboard["start_year"].min()))
    end = int(scoreboard.attrs.get("end_year", scoreboard["end_year"].max()))
    available = sorted(int(y) for y in scoreboard["year"].unique())
    if year is None:
        if kind == "tong_ket":
            year = end
        else:
            actual = [y for y in scoreboard.attrs.get("actual_years", []) if y > start and y in available]
            later = [y for y in available if y > start]
            year = max(actual) if actual else (max(later) if later else max(available))
    if year not in available:
        raise PlanningError(f"year {year} is not in the scoreboard ({available[0]}-{available[-1]})")
    if year <= start:
        raise PlanningError(f"year {year} is the start year {start}: there is no progress to rank yet")
    rows = scoreboard[scoreboard["year"] == year].copy()
    rows["review"] = f"Sơ kết năm {year}" if kind == "so_ket" else f"Tổng kết {start}–{year}"
    key_met = rows["on_track"].map({True: 0, False: 1}).fillna(2).astype(int)
    key_margin = -rows["margin_points"].fillna(-np.inf)
    key_dtts = -rows["dtts_reduction_per_year"].fillna(-np.inf)
    keys = pd.DataFrame({"met": key_met, "margin": key_margin.round(9), "dtts": key_dtts.round(9),
                         "name": rows["area_name"], "id": rows["area_id"]}, index=rows.index)
    order = keys.sort_values(["met", "margin", "dtts", "name", "id"], kind="stable").index
    rows, keys = rows.loc[order], keys.loc[order]
    triple = list(zip(keys["met"], keys["margin"], keys["dtts"]))
    ranks, current = [], 0
    for i, k in enumerate(triple):
        if i == 0 or k != triple[i - 1]:
            current = i + 1
        ranks.append(current)
    rows.insert(0, "rank", ranks)
    out = rows[list(RANKING_COLUMNS)].reset_index(drop=True)
    out.attrs = {**scoreboard.attrs, "kind": kind, "year": year}
    return out


def export_table(frames: pd.DataFrame | Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write a table to .csv (UTF-8 with BOM, so Excel shows Vietnamese) or one or more tables to
    .xlsx (one sheet each), atomically: a temporary file in the same folder is renamed over the
    target, so a reader never sees a half-written file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise PlanningError(f"output {path}: expected a .csv or .xlsx file name")
    if isinstance(frames, pd.DataFrame):
        frames = {"table": frames}
    if suffix == ".csv" and len(frames) != 1:
        raise PlanningError(f"output {path}: a .csv holds one table; use .xlsx for {len(frames)}")
    def write(tmp: Path) -> None:
        if suffix == ".csv":
            next(iter(frames.values())).to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, frame in frames.items():
                    frame.to_excel(writer, sheet_name=str(name)[:31], index=False)

    write_atomic(path, write)
    return path
