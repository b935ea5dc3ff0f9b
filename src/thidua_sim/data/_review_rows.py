"""The rows of a review-results file: each row read and checked (area in force that
year, group, counts), checks across rows, and the table with derived groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ._areas import _review_day
from ._names import AreaInfo, AreaMatcher, UnknownArea, name_key, suggest_areas
from ._review_results import COUNT_COLUMNS, FLOW_COLUMNS, REVIEW_COLUMNS
from ..io._sheets import _blank, _column_letter, _Row, _Sheet
from ..core.types import GROUPS
from ..errors import ErrorCollector

_GROUP_WORDS: dict[str, str] = {
    **{name_key(w): "dtts" for w in ("dtts", "Dân tộc thiểu số", "Hộ DTTS", "Hộ dân tộc thiểu số",
                                     "Đồng bào DTTS", "Đồng bào dân tộc thiểu số", "ethnic minority")},
    **{name_key(w): "other" for w in ("other", "Khác", "Hộ khác", "Không DTTS", "Ngoài DTTS", "Kinh và khác")},
    **{name_key(w): "total" for w in ("total", "Tổng", "Tổng cộng", "Tổng số", "Chung", "Toàn xã", "all")},
}

@dataclass
class _Parsed:
    number: int
    area: str
    group: str
    year: int
    counts: dict[str, int | None]
    estimate: bool
    method: str
    source: str
    ok: bool = True


class _Matchers:
    """One :class:`AreaMatcher` per review day (the units in force that day); None = all units."""

    def __init__(self, info: Sequence[AreaInfo]):
        self.info = info
        self.cache: dict[date | None, AreaMatcher] = {}

    def on(self, day: date | None) -> AreaMatcher:
        if day not in self.cache:
            self.cache[day] = AreaMatcher(a for a in self.info if day is None or a.exists_on(day))
        return self.cache[day]


def _parse_review_row(row: _Row, info: Sequence[AreaInfo],
                      matchers: _Matchers) -> tuple[_Parsed | None, tuple[str | None, int | None]]:
    """The row, or None with what is known of its area and year when the row cannot be placed."""
    year = row.year()
    name = row.text("area_id", required=True)
    area = None
    if name is not None:
        day = _review_day(year) if year is not None else None
        try:
            area = matchers.on(day).match(name)
        except UnknownArea as exc:
            try:
                other = matchers.on(None).match(name)
            except UnknownArea:
                other = None
            if other is not None and year is not None:
                unit = next(a for a in info if a.id == other.id)
                span = (f"from {unit.valid_from}" if unit.valid_from and day < unit.valid_from  # type: ignore[operator]
                        else f"until {unit.valid_to}")
                row.fail("area_id", f"{name!r} ({other.id}), which exists only {span}",
                         f"an area that exists in the {year} review",
                         "use the unit that held these households in that year (see data/kbang/crosswalk.csv)")
            elif exc.ambiguous:
                row.fail("area_id", f"{name!r}, which fits {' and '.join(exc.ambiguous)}", "one area",
                         "write the area id instead")
            else:
                sugg = exc.suggestions or suggest_areas(name, info)
                row.fail("area_id", f"unknown area {name!r}", "an area of the areas file (id or name)",
                         f"did you mean {' or '.join(repr(s) for s in sugg)}?" if sugg
                         else "check the spelling or add the area to areas.csv")
    group_text = row.text("group", required=True)
    group = None
    if group_text is not None:
        group = _GROUP_WORDS.get(name_key(group_text))
        if group is None:
            row.fail("group", repr(group_text), "DTTS (dân tộc thiểu số), Khác (other) or Tổng (total)",
                     "write DTTS or Khác")
    if all(_blank(row.raw(c)) for c in COUNT_COLUMNS) and not row.formulas:
        row.fail("households", "no counts on the row (Tổng số hộ, Hộ nghèo, Hộ cận nghèo all empty)",
                 "the counts of households, poor and near-poor households", "fill in the counts or delete the row")
        return None, (area.id if area else None, year)
    counts: dict[str, int | None] = {c: row.count(c, required=True) for c in COUNT_COLUMNS}
    counts.update({c: row.count(c) for c in FLOW_COLUMNS})
    estimate = row.flag("estimate")
    hh, poor, near = counts["households"], counts["poor"], counts["near_poor"]
    if hh is not None and poor is not None and near is not None and poor + near > hh:
        row.fail("near_poor", f"poor {poor} + near-poor {near} = {poor + near} households, above the "
                              f"{hh} households of the row", "poor + near-poor <= all households",
                 "check the three counts: households counts every household, poor or not")
    for flow in ("fell_back", "newly_poor", "near_poor_to_poor"):
        value = counts[flow]
        if value is not None and poor is not None and value > poor:
            row.fail(flow, f"{value} households, above the {poor} poor households at the end of the year",
                     "at most the poor households of the row", "these flows end in the poor count: check both")
    if area is None or group is None or year is None:
        return None, (area.id if area else None, year)
    return _Parsed(row.number, area.id, group, year, counts, estimate,
                   row.text("method") or "", row.text("source") or ""), (area.id, year)


def _check_review_rows(parsed: list[_Parsed], unidentified: list[tuple[str | None, int | None]], sheet: _Sheet,
                       columns: Mapping[str, int], errors: ErrorCollector) -> None:
    """Checks across rows: duplicates, totals against groups, missing groups, flows across years.

    Count checks use rows whose own cells are fine; the missing-group check leaves out area
    and years that a row with an unknown area, group or year may belong to (its problem is
    already reported; no cascade of consequences)."""
    def maybe_unplaced(area: str, year: int) -> bool:
        return any((a is None or a == area) and (y is None or y == year) for a, y in unidentified)

    def col(cid: str) -> str:
        i = columns.get(cid)
        return f"column {_column_letter(i)} {sheet.header[i]!r}" if i is not None else cid

    cells: dict[tuple[str, int], dict[str, _Parsed]] = {}
    for p in parsed:
        slot = cells.setdefault((p.area, p.year), {})
        if p.group in slot:
            first = slot[p.group]
            errors.add(f"row {p.number}, {col('year')}",
                       f"{p.area} {p.group} {p.year} again (first on row {first.number})",
                       "one row per area, group and year", "delete one of the two rows or correct its year")
            continue
        slot[p.group] = p
    for (area, year), slot in cells.items():
        total = slot.get("total")
        counts_ok = all(p.ok for p in slot.values())
        if total is not None and counts_ok:
            for g in ("dtts", "other"):
                part = slot.get(g)
                if part is None:
                    continue
                for c in COUNT_COLUMNS:
                    if (part.counts[c] or 0) > (total.counts[c] or 0):
                        errors.add(f"row {part.number}, {col(c)}",
                                   f"{part.counts[c]} for {g}, above the total {total.counts[c]} on row {total.number}",
                                   f"a {g} figure no larger than the total", "check the group and the total rows")
            if "dtts" in slot and "other" in slot:
                for c in COUNT_COLUMNS:
                    s = (slot["dtts"].counts[c] or 0) + (slot["other"].counts[c] or 0)
                    if s != total.counts[c]:
                        errors.add(f"row {total.number}, {col(c)}",
                                   f"total {total.counts[c]}, but dtts + other = {s} "
                                   f"(rows {slot['dtts'].number} and {slot['other'].number})",
                                   "the total equal to dtts + other", "correct the total or one of the group rows")
        if len(slot) == 1 and not maybe_unplaced(area, year):
            (g, p), = slot.items()
            if g == "total":
                errors.add(f"row {p.number}, {col('group')}",
                           f"only a total row for {area} {year}", "the dtts row too (other = total - dtts)",
                           "add the row for DTTS households (Nhóm hộ = DTTS)")
            else:
                missing = "Khác (other)" if g == "dtts" else "DTTS"
                errors.add(f"row {p.number}, {col('group')}", f"only the {g} row for {area} {year}",
                           "both groups (DTTS and Khác) or one of them with a total row",
                           f"add the {missing} row, or a Tổng (total) row; write 0 where there are none")
    # escaped households cannot exceed the poor of the year before
    for (area, year), slot in cells.items():
        before = cells.get((area, year - 1))
        if not before:
            continue
        for g, p in slot.items():
            prev = before.get(g)
            esc = p.counts["escaped_poverty"]
            if prev is not None and p.ok and prev.ok and esc is not None and prev.counts["poor"] is not None and esc > prev.counts["poor"]:
                errors.add(f"row {p.number}, {col('escaped_poverty')}",
                           f"{esc} escaped, more than the {prev.counts['poor']} poor households of {year - 1} "
                           f"(row {prev.number})", "at most the poor households of the year before",
                           "check the two years' figures")


def _review_table(parsed: list[_Parsed]) -> pd.DataFrame:
    cells: dict[tuple[str, int], dict[str, _Parsed]] = {}
    for p in parsed:
        cells.setdefault((p.area, p.year), {}).setdefault(p.group, p)
    records = []
    for (area, year), slot in cells.items():
        for g in GROUPS:
            if g in slot:
                p = slot[g]
                counts, estimate, method, source = p.counts, p.estimate, p.method, p.source
            else:  # derive from the total and the other group
                total, known = slot["total"], slot["other" if g == "dtts" else "dtts"]
                counts = {c: (None if total.counts[c] is None or known.counts[c] is None
                              else total.counts[c] - known.counts[c])  # type: ignore[operator]
                          for c in (*COUNT_COLUMNS, *FLOW_COLUMNS)}
                estimate = total.estimate or known.estimate
                method = "; ".join(m for m in (f"derived: total (row {total.number}) - {known.group} "
                                               f"(row {known.number})", total.method) if m)
                source = total.source or known.source
            records.append({
                "area_id": area, "group": g, "year": year,
                **{c: counts[c] for c in COUNT_COLUMNS},
                **{c: (np.nan if counts[c] is None else float(counts[c])) for c in FLOW_COLUMNS},  # type: ignore[arg-type]
                "estimate": bool(estimate), "method": method, "source": source,
            })
    table = pd.DataFrame.from_records(records, columns=list(REVIEW_COLUMNS))
    for c in ("year", *COUNT_COLUMNS):
        table[c] = table[c].astype("int64")
    for c in FLOW_COLUMNS:
        table[c] = table[c].astype("float64")
    table["estimate"] = table["estimate"].astype(bool)
    return table
