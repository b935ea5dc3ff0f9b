"""Published review history (kết quả rà soát các năm): stocks, rates and flows per area and
year, with the poverty standard in force and the source and quote of every figure.

Format (``docs/formats/data.md``, ``data/history/README.md``): one row per figure with the
columns of :data:`HISTORY_COLUMNS`. Loading is strict: every problem of the file is
collected with its row and column and raised together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ErrorCollector, InputError, InputErrors
from ..io._sheets import PathLike_, _map_header, _read_sheet, _Row

__all__ = ["History", "load_history", "HISTORY_COLUMNS", "HISTORY_MEASURES", "HISTORY_STANDARDS",
           "HISTORY_LEVELS", "HISTORY_FLOWS"]

HISTORY_STANDARDS: tuple[str, ...] = ("59/2015", "07/2021")
"""Decision 59/2015/QĐ-TTg (reviews 2015-2021) and Decree 07/2021/NĐ-CP (reviews from 2021)."""
HISTORY_LEVELS: tuple[str, ...] = ("country", "province", "district", "commune")
HISTORY_POPULATIONS: tuple[str, ...] = ("all", "dtts")
HISTORY_FLOWS: tuple[str, ...] = ("escaped_poverty", "newly_poor", "fell_back", "near_poor_to_poor",
                                  "left_near_poverty")
HISTORY_SERIES_MEASURES: tuple[str, ...] = ("households", "poor", "near_poor", "poor_rate", "near_poor_rate",
                                            *HISTORY_FLOWS)
HISTORY_MEASURES: tuple[str, ...] = (*HISTORY_SERIES_MEASURES, "programme_spending")
"""``programme_spending``: money of the national poverty programme over a period (billion VND; the
period in ``unit``), recorded in the period's last year."""
_RATES = ("poor_rate", "near_poor_rate")

_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "area_id": ("area_id", ("Mã địa bàn",), True),
    "area_name": ("area_name", ("Địa bàn",), True),
    "level": ("level", ("Cấp",), True),
    "parent": ("parent", ("Thuộc",), False),
    "year": ("year", ("Năm",), True),
    "standard": ("standard", ("Chuẩn nghèo",), True),
    "population": ("population", ("Nhóm",), True),
    "measure": ("measure", ("Chỉ tiêu",), True),
    "value": ("value", ("Giá trị",), True),
    "unit": ("unit", ("Đơn vị",), True),
    "source_url": ("source_url", ("Địa chỉ nguồn",), True),
    "source_title": ("source_title", ("Tên nguồn",), True),
    "source_doc": ("source_doc", ("Văn bản",), False),
    "quote": ("quote", ("Trích dẫn",), True),
    "note": ("note", ("Ghi chú",), False),
}
HISTORY_COLUMNS: tuple[str, ...] = tuple(_SPEC)


@dataclass(frozen=True, eq=False)
class History:
    """Published figures as loaded: ``table`` has one row per figure (columns
    :data:`HISTORY_COLUMNS`, ``year`` int, ``value`` float); ``source`` is the file."""

    table: pd.DataFrame
    source: str = ""

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self.table["year"].unique()))

    def until(self, year: int) -> History:
        """The figures of the reviews up to and including ``year``."""
        return History(self.table[self.table["year"] <= int(year)].reset_index(drop=True), self.source)

    def value(self, area_id: str, year: int, measure: str, population: str = "all",
              standard: str | None = None) -> float:
        """One figure, or NaN when it is not published."""
        t = self.table
        keep = (t.area_id == area_id) & (t.year == int(year)) & (t.measure == measure) & (t.population == population)
        if standard is not None:
            keep &= t.standard == standard
        values = t.loc[keep, "value"]
        return float(values.iloc[0]) if len(values) else math.nan

    def require(self, area_id: str, year: int, measure: str, population: str = "all",
                standard: str | None = None) -> float:
        """One figure; an InputError naming the missing figure when it is not there."""
        v = self.value(area_id, year, measure, population, standard)
        if math.isnan(v):
            raise InputErrors([InputError(
                self.source, f"area {area_id!r}, year {year}, population {population!r}, measure {measure!r}"
                + (f", standard {standard}" if standard else ""), "no such figure",
                "the published figure", "add the row with its source and quote, or choose another area or year")])
        return v

    def series(self) -> pd.DataFrame:
        """One row per area, population, standard and year: ``poor_rate`` and ``near_poor_rate``
        in percent (as published, or worked out from counts and households), the counts, and the
        flows; NaN where not published. ``derived_rate`` is True where a rate was worked out."""
        t = self.table[self.table["measure"].isin(HISTORY_SERIES_MEASURES)]
        wide = t.pivot_table(index=["area_id", "population", "standard", "year"], columns="measure",
                             values="value", aggfunc="first")
        for m in HISTORY_SERIES_MEASURES:
            if m not in wide.columns:
                wide[m] = np.nan
        wide = wide[list(HISTORY_SERIES_MEASURES)].reset_index()
        derived = np.zeros(len(wide), dtype=bool)
        for rate, count in (("poor_rate", "poor"), ("near_poor_rate", "near_poor")):
            fill = wide[rate].isna() & wide[count].notna() & (wide["households"] > 0)
            wide.loc[fill, rate] = 100.0 * wide.loc[fill, count] / wide.loc[fill, "households"]
            derived |= fill.to_numpy()
        wide["derived_rate"] = derived
        wide.columns.name = None
        return wide.sort_values(["area_id", "population", "standard", "year"]).reset_index(drop=True)


def load_history(path: PathLike_) -> History:
    """Read a history file (``data/history/history.csv``, or a folder holding one), strictly."""
    path = Path(path)
    if path.is_dir():
        path = path / "history.csv"
    if not path.exists():
        raise InputErrors([InputError(str(path), "file", "no such file", "a history file (history.csv)",
                                      "give the folder that holds history.csv, e.g. data/history")])
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _SPEC, errors)
    errors.raise_if_any()
    labels = {c: c for c in _SPEC}
    records = []
    seen: dict[tuple, int] = {}
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        rec: dict[str, object] = {c: row.text(c, required=_SPEC[c][2]) for c in _SPEC if c not in ("year", "value")}
        rec["year"] = row.year()
        for cid, allowed in (("level", HISTORY_LEVELS), ("standard", HISTORY_STANDARDS),
                             ("population", HISTORY_POPULATIONS), ("measure", HISTORY_MEASURES)):
            if rec[cid] is not None and rec[cid] not in allowed:
                row.fail(cid, repr(rec[cid]), "one of " + ", ".join(allowed), f"correct the {cid}")
        text = row.text("value", required=True)
        value = None
        if text is not None:
            try:
                value = float(text)
            except ValueError:
                row.fail("value", repr(text), "a number (decimal point '.')", "type the figure as published, "
                                                                              "e.g. 12.09 or 45688")
        if value is not None:
            if not math.isfinite(value) or value < 0:
                row.fail("value", text, "a figure >= 0", "correct the figure")
            elif rec["measure"] in _RATES and value > 100:
                row.fail("value", text, "a percentage in [0, 100]", "give the rate in percent, e.g. 12.09")
            elif rec["measure"] in HISTORY_SERIES_MEASURES and rec["measure"] not in _RATES \
                    and not float(value).is_integer():
                row.fail("value", text, "a whole number of households", "give the count as published, e.g. 6782")
        for cid in ("source_url", "quote"):
            if rec.get(cid) is not None and len(str(rec[cid])) < 3:
                row.fail(cid, repr(rec[cid]), "the address and the sentence the figure came from",
                         "copy them from the source")
        key = (rec["area_id"], rec["year"], rec["standard"], rec["population"], rec["measure"])
        if row.ok and key in seen:
            row.fail("measure", f"{rec['measure']} of {rec['area_id']} ({rec['population']}) {rec['year']} under "
                                f"{rec['standard']} again (first on row {seen[key]})", "each figure once",
                     "keep one row and name the other source in its note")
        if row.ok:
            seen[key] = number
            rec["value"] = value
            records.append(rec)
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per published figure", "add the figures")
    ids = {r["area_id"] for r in records}
    for r in records:
        if r.get("parent") and r["parent"] not in ids:
            errors.add(f"area {r['area_id']!r}", f"parent {r['parent']!r}", "an area_id of the same file",
                       "add a figure of the parent area, or leave parent empty")
            break
    errors.raise_if_any()
    table = pd.DataFrame.from_records(records, columns=list(_SPEC))
    table["year"] = table["year"].astype(int)
    table["value"] = table["value"].astype(float)
    for c in ("parent", "source_doc", "note"):
        table[c] = table[c].fillna("")
    return History(table, str(path))
