"""The crosswalk of administrative changes (mergers, dissolutions) and the roll-up of
review results into the units in force on a date."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ._areas import _as_area_info, load_area_info
from ._names import AreaInfo, suggest_areas
from ._review_results import COUNT_COLUMNS, FLOW_COLUMNS, REVIEW_COLUMNS, ReviewResults
from ..io._sheets import PathLike_, _map_header, _parse_date, _read_sheet, _Row
from ..core.types import Area
from ..errors import ErrorCollector, InputError, InputErrors

@dataclass(frozen=True)
class CrosswalkRow:
    """Households of ``old_id`` go (in share ``share``) to ``new_id`` from ``effective`` on."""

    old_id: str
    new_id: str
    effective: date
    share: float
    people: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Crosswalk:
    """Administrative changes (mergers, dissolutions), one row per old unit x new unit."""

    rows: tuple[CrosswalkRow, ...]
    source: str = ""

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(sorted({r.effective for r in self.rows}))

    @property
    def table(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.rows],
                            columns=["old_id", "new_id", "effective", "share", "people", "source"])


_CROSSWALK_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "old_id": ("old_id", ("Đơn vị cũ",), True),
    "new_id": ("new_id", ("Đơn vị mới",), True),
    "effective": ("effective", ("Hiệu lực", "Ngày hiệu lực"), True),
    "share_people": ("share_people", ("share", "Tỷ lệ dân số"), False),
    "people": ("people", ("Số dân",), False),
    "source": ("source", ("Nguồn",), False),
}


def load_crosswalk(path: PathLike_, areas: Sequence[Area | AreaInfo] | PathLike_ | None = None) -> Crosswalk:
    """Read a crosswalk file (old_id, new_id, effective, share_people, people, source).

    A blank share means 1 when the old unit goes to one new unit. The shares of an old unit
    at one date must add up to 1. Ids are checked against ``areas`` (default: the areas
    files beside the crosswalk) when there are any.
    """
    path = Path(path)
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _CROSSWALK_SPEC, errors)
    errors.raise_if_any()
    known: set[str] | None = None
    if areas is not None:
        known = {a.id for a in _as_area_info(areas, path)}
    elif (path.parent / "areas.csv").exists():
        known = {a.id for a in load_area_info(path.parent)}
    labels = {c: c for c in _CROSSWALK_SPEC}
    raw: list[tuple[int, str, str, date, float | None, int | None, str]] = []
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        old, new = row.text("old_id", required=True), row.text("new_id", required=True)
        for cid, value in (("old_id", old), ("new_id", new)):
            if value is not None and known is not None and value not in known:
                sugg = suggest_areas(value, [AreaInfo(Area(k, k)) for k in sorted(known)])
                row.fail(cid, f"unknown area id {value!r}", "an id from the areas files",
                         f"did you mean {' or '.join(map(repr, sugg))}?" if sugg else "add the unit to an areas file")
        text = row.text("effective", required=True)
        effective = None
        if text is not None:
            try:
                effective = _parse_date(text)
            except ValueError:
                row.fail("effective", repr(text), "a date as YYYY-MM-DD", "e.g. 2024-11-01")
        share = None
        share_text = row.text("share_people")
        if share_text is not None:
            try:
                share = float(share_text.replace(",", "."))
            except ValueError:
                share = None
            if share is None or not 0 < share <= 1:
                row.fail("share_people", repr(share_text), "a share above 0 and at most 1, or empty",
                         "write the share of the old unit's people that moved, e.g. 0.25")
                share = None
        people = row.count("people")
        if row.ok and old and new and effective:
            raw.append((number, old, new, effective, share, people, row.text("source") or ""))
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per old unit and new unit", "add the changes")
    groups: dict[tuple[str, date], list[tuple[int, str, str, date, float | None, int | None, str]]] = {}
    for item in raw:
        groups.setdefault((item[1], item[3]), []).append(item)
    rows: list[CrosswalkRow] = []
    for (old, when), items in groups.items():
        shares = [i[4] for i in items]
        if len(items) == 1 and shares[0] is None:
            shares = [1.0]
        if any(s is None for s in shares):
            errors.add(f"row {items[0][0]}, column share_people", f"{old} splits over {len(items)} units on {when} "
                       "with a share missing", "a share on every row of a split", "fill in every share")
            continue
        if abs(sum(shares) - 1) > 1e-4:  # type: ignore[arg-type]
            errors.add(f"row {items[0][0]}, column share_people",
                       f"shares of {old} on {when} adding up to {sum(shares):.6f}",  # type: ignore[arg-type]
                       "shares adding up to 1", "correct the shares of the rows of that unit")
            continue
        for item, s in zip(items, shares, strict=True):
            rows.append(CrosswalkRow(item[1], item[2], item[3], float(s), item[5], item[6]))  # type: ignore[arg-type]
    errors.raise_if_any()
    rows.sort(key=lambda r: r.effective)  # stable: file order within a date
    return Crosswalk(tuple(rows), str(path))


def rollup(results: ReviewResults, crosswalk: Crosswalk, on: date | str | None = None,
           areas: Sequence[Area | AreaInfo] | PathLike_ | None = None) -> ReviewResults:
    """Review results re-expressed in the units in force on ``on`` (default: after every change).

    Each change of the crosswalk with an effective date on or before ``on`` is applied in date
    order: the households (and poor, near-poor, flows) of an old unit go to its new unit(s);
    a split follows the share of people (assumption: households and poverty split like
    people), rounded so that every count is conserved. Rows touched by a split are marked
    as estimates. ``areas``: the known units incl. the new ones (default: the areas files
    beside the crosswalk, plus those of ``results``).
    """
    if isinstance(on, str):
        on = date.fromisoformat(on)
    if areas is None:
        folder = Path(crosswalk.source).parent
        info = list(results.area_info)
        if (folder / "areas.csv").exists():
            info += [a for a in load_area_info(folder) if a.id not in {i.id for i in info}]
    else:
        info = list(_as_area_info(areas, Path(crosswalk.source)))
    by_id = {a.id: a for a in info}
    table = results.table.copy()
    for when in crosswalk.dates:
        if on is not None and when > on:
            continue
        moves: dict[str, list[CrosswalkRow]] = {}
        for r in crosswalk.rows:
            if r.effective == when:
                moves.setdefault(r.old_id, []).append(r)
        table = _apply_moves(table, moves, when)
    missing = sorted(set(table["area_id"]) - set(by_id))
    if missing:
        raise InputErrors([InputError(crosswalk.source, "new_id", ", ".join(missing),
                                      "ids of an areas file", "add the new units to an areas_*.csv file")])
    order = {a.id: i for i, a in enumerate(info)}
    table = table.sort_values(["year", "area_id", "group"], key=lambda s: s.map(order) if s.name == "area_id" else s,
                              kind="stable").reset_index(drop=True)
    present = set(table["area_id"])
    return ReviewResults(table, tuple(by_id[a].area for a in sorted(present, key=order.__getitem__)),
                         f"{results.source} rolled up by {crosswalk.source}", tuple(info))


def _split(value: float, shares: Sequence[float]) -> list[float]:
    """Integers proportional to shares summing to ``value`` (largest remainder, ties to the first)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return [math.nan] * len(shares)
    total = int(round(value))
    exact = [total * s for s in shares]
    out = [math.floor(e) for e in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return [float(v) for v in out]


def _apply_moves(table: pd.DataFrame, moves: Mapping[str, list[CrosswalkRow]], when: date) -> pd.DataFrame:
    pieces = []
    for r in table.to_dict("records"):
        targets = moves.get(r["area_id"])
        if not targets:
            pieces.append(r)
            continue
        shares = [t.share for t in targets]
        other = r["households"] - r["poor"] - r["near_poor"]
        split = {c: _split(r[c], shares) for c in ("poor", "near_poor", *FLOW_COLUMNS)}
        split_other = _split(other, shares)
        for i, t in enumerate(targets):
            piece = dict(r)
            piece["area_id"] = t.new_id
            for c in ("poor", "near_poor", *FLOW_COLUMNS):
                piece[c] = split[c][i]
            piece["households"] = split["poor"][i] + split["near_poor"][i] + split_other[i]
            if len(targets) > 1:
                piece["estimate"] = True
                piece["method"] = "; ".join(m for m in (r["method"], f"{r['area_id']} split by people share "
                                                        f"{t.share:g} on {when}") if m)
            pieces.append(piece)
    frame = pd.DataFrame(pieces, columns=list(REVIEW_COLUMNS))
    agg: dict[str, Any] = {c: "sum" for c in COUNT_COLUMNS}
    agg.update({c: (lambda s: s.sum(min_count=len(s))) for c in FLOW_COLUMNS})
    agg["estimate"] = "any"
    agg["method"] = lambda s: " | ".join(dict.fromkeys(m for m in s if m))
    agg["source"] = lambda s: " | ".join(dict.fromkeys(m for m in s if m))
    out = frame.groupby(["area_id", "group", "year"], sort=False, as_index=False).agg(agg)
    out = out[list(REVIEW_COLUMNS)]
    for c in ("year", *COUNT_COLUMNS):
        out[c] = out[c].astype("int64")
    for c in FLOW_COLUMNS:
        out[c] = out[c].astype("float64")
    out["estimate"] = out["estimate"].astype(bool)
    return out
