"""Review results (kết quả rà soát) as loaded: their columns, the headers a file may use
for them, and :class:`ReviewResults` (the table, a year's baseline, saving as CSV)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ._names import AreaInfo
from ..io import write_atomic
from ..io._sheets import PathLike_
from ..core.types import GROUPS, Area, Baseline
from ..errors import InputError, InputErrors

COUNT_COLUMNS: tuple[str, ...] = ("households", "poor", "near_poor")
FLOW_COLUMNS: tuple[str, ...] = ("escaped_poverty", "fell_back", "newly_poor", "near_poor_to_poor")
REVIEW_COLUMNS: tuple[str, ...] = (
    "area_id", "group", "year", *COUNT_COLUMNS, *FLOW_COLUMNS, "estimate", "method", "source",
)
"""Columns of :attr:`ReviewResults.table`, in order."""

# Review-results columns: id -> (Vietnamese header of the template, accepted headers, required).
_REVIEW_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "area_id": ("Xã/thị trấn", ("area", "area_id", "commune", "Xã", "Thị trấn", "Xã, thị trấn", "Đơn vị",
                                "Tên xã", "Mã xã"), True),
    "group": ("Nhóm hộ", ("group", "Nhóm"), True),
    "year": ("Năm", ("year", "Năm rà soát"), True),
    "households": ("Tổng số hộ", ("households", "Số hộ", "Tổng hộ"), True),
    "poor": ("Hộ nghèo", ("poor", "Số hộ nghèo"), True),
    "near_poor": ("Hộ cận nghèo", ("near_poor", "Số hộ cận nghèo"), True),
    "escaped_poverty": ("Thoát nghèo", ("escaped_poverty", "Hộ thoát nghèo", "Số hộ thoát nghèo"), False),
    "fell_back": ("Tái nghèo", ("fell_back", "Hộ tái nghèo", "Số hộ tái nghèo"), False),
    "newly_poor": ("Phát sinh nghèo mới", ("newly_poor", "Hộ nghèo phát sinh mới", "Phát sinh mới"), False),
    "near_poor_to_poor": ("Cận nghèo chuyển nghèo", ("near_poor_to_poor", "Hộ cận nghèo chuyển nghèo"), False),
    "estimate": ("Ước tính", ("estimate", "Số ước tính"), False),
    "method": ("Phương pháp", ("method", "Phương pháp ước tính"), False),
    "source": ("Nguồn", ("source", "Nguồn số liệu"), False),
    "note": ("Ghi chú", ("note", "notes", "Ghi chú"), False),
}

@dataclass(frozen=True, eq=False)
class ReviewResults:
    """Review results (kết quả rà soát hộ nghèo, hộ cận nghèo) by area, group and year.

    ``table``: one row per area x group (dtts, other) x year with columns
    :data:`REVIEW_COLUMNS`; flow columns are NaN where not given. Rows given as a total
    plus one group in the file appear here as the two groups (the other one derived).
    ``areas``: the areas that have rows, in the order of the areas file.
    """

    table: pd.DataFrame
    areas: tuple[Area, ...]
    source: str = ""
    area_info: tuple[AreaInfo, ...] = field(default=(), repr=False)

    @property
    def years(self) -> tuple[int, ...]:
        """The review years present, ascending."""
        return tuple(sorted(int(y) for y in self.table["year"].unique()))

    def baseline(self, year: int | None = None) -> Baseline:
        """Household stocks of one review year (default: the first) as the engine's Baseline."""
        if not self.years:
            raise InputErrors([InputError(self.source, "file", "no rows", "review results of at least one year")])
        year = self.years[0] if year is None else int(year)
        if year not in self.years:
            raise InputErrors([InputError(self.source, f"year {year}", "no rows for that year",
                                          "one of " + ", ".join(map(str, self.years)),
                                          "choose a year the file has, or add its rows")])
        rows = self.table[self.table["year"] == year]
        present = set(rows["area_id"])
        areas = tuple(a for a in self.areas if a.id in present)
        households = np.zeros((len(areas), len(GROUPS), 3))
        estimated = np.zeros((len(areas), len(GROUPS)), dtype=bool)
        provenance: dict[str, str] = {}
        index = {a.id: i for i, a in enumerate(areas)}
        for r in rows.itertuples(index=False):
            a, g = index[r.area_id], GROUPS.index(r.group)
            households[a, g] = (r.poor, r.near_poor, r.households - r.poor - r.near_poor)
            estimated[a, g] = bool(r.estimate)
        for aid, part in rows.groupby("area_id", sort=False):
            provenance[aid] = _provenance(part)
        note = " (contains estimates)" if estimated.any() else ""
        return Baseline(year, areas, households, estimated, provenance, f"{self.source}{note}")

    def to_csv(self, path: PathLike_, overwrite: bool = False) -> Path:
        """Save in the canonical review-results format (column ids, UTF-8), e.g. to make an
        imported spreadsheet the baseline: ``results.to_csv("data/kbang/review_results.csv", overwrite=True)``."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                          "choose another name, or pass overwrite=True to replace it")])
        table = self.table.copy()
        for c in FLOW_COLUMNS:
            table[c] = table[c].map(lambda v: "" if pd.isna(v) else str(int(v)))
        table["estimate"] = table["estimate"].map(lambda v: "true" if v else "false")
        buffer = io.StringIO()
        table.to_csv(buffer, index=False, lineterminator="\n")
        return write_atomic(path, buffer.getvalue().encode("utf-8"))

    def for_years(self, years: Iterable[int]) -> ReviewResults:
        """The same results restricted to some years."""
        keep = self.table[self.table["year"].isin(list(years))].reset_index(drop=True)
        present = set(keep["area_id"])
        return replace(self, table=keep, areas=tuple(a for a in self.areas if a.id in present))


PROVENANCE_WORDS = {"estimate": "estimate", "source": "; source: ", "reported": "reported"}
"""The fixed words of a baseline's provenance text (:func:`_provenance`); a report translates them."""


def _provenance(part: pd.DataFrame) -> str:
    w = PROVENANCE_WORDS
    texts = []
    for r in part.itertuples(index=False):
        if r.estimate:
            text = f"{w['estimate']} ({r.method})" if r.method else w["estimate"]
            text += f"{w['source']}{r.source}" if r.source else ""
        else:
            text = r.source or w["reported"]
        if text not in texts:
            texts.append(text)
    return " | ".join(texts)
