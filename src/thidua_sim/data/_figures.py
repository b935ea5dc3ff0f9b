"""Reference figures (province, country): counts or rates as published."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io._sheets import PathLike_, _map_header, _read_sheet, _Row
from ..errors import ErrorCollector

FIGURE_MEASURES: tuple[str, ...] = ("households", "poor", "near_poor", "poor_rate_pct", "near_poor_rate_pct")
FIGURE_POPULATIONS: tuple[str, ...] = ("all", "dtts", "other")
_FIGURES_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "year": ("year", ("Năm",), True),
    "population": ("population", ("Nhóm",), True),
    "measure": ("measure", ("Chỉ tiêu",), True),
    "value": ("value", ("Giá trị",), True),
    "derived": ("derived", ("Suy ra",), True),
    "source": ("source", ("Nguồn",), True),
    "note": ("note", ("Ghi chú",), False),
}

def load_figures(path: PathLike_) -> pd.DataFrame:
    """Published figures as given (counts where published, rates where counts are absent).

    One row per year x population (all, dtts, other) x measure (households, poor,
    near_poor, poor_rate_pct, near_poor_rate_pct). ``derived`` marks figures worked out from
    others (the note says how). Returns a DataFrame with the file's columns.
    """
    path = Path(path)
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _FIGURES_SPEC, errors)
    errors.raise_if_any()
    labels = {c: c for c in _FIGURES_SPEC}
    records = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        year = row.year()
        population = row.text("population", required=True)
        measure = row.text("measure", required=True)
        if population is not None and population not in FIGURE_POPULATIONS:
            row.fail("population", repr(population), "one of " + ", ".join(FIGURE_POPULATIONS), "correct the group")
        if measure is not None and measure not in FIGURE_MEASURES:
            row.fail("measure", repr(measure), "one of " + ", ".join(FIGURE_MEASURES), "correct the measure")
        text = row.text("value", required=True)
        value = None
        if text is not None:
            try:
                value = float(text)
            except ValueError:
                row.fail("value", repr(text), "a number (decimal point '.')", "type the figure, e.g. 12.09")
        if value is not None and (value < 0 or (measure or "").endswith("_pct") and value > 100):
            row.fail("value", str(value), "a count >= 0 or a percentage in [0, 100]", "correct the figure")
        derived = row.flag("derived")
        source = row.text("source", required=True)
        key = (year, population, measure)
        if row.ok and key in seen:
            row.fail("measure", f"{measure} of {population} {year} again (first on row {seen[key]})",
                     "each figure once", "delete one of the rows")
        if row.ok:
            seen[key] = number  # type: ignore[index]
            records.append({"year": year, "population": population, "measure": measure, "value": value,
                            "derived": derived, "source": source, "note": row.text("note") or ""})
    if not sheet.rows:
        errors.add("row 2", "no data rows", "one row per figure", "add the figures")
    errors.raise_if_any()
    return pd.DataFrame.from_records(records, columns=list(_FIGURES_SPEC))


def missing_review_figures(path: PathLike_) -> list[str]:
    """The figures a reference-figures file lacks to give review results by group (households, poor
    and near-poor of all and of dtts households, in each year it has), e.g. ``"2021 dtts households"``.
    A count may be worked out from another count and its rate (households = poor / poor rate)."""
    table = load_figures(path)
    have = {(int(r.year), r.population, r.measure) for r in table.itertuples(index=False)}
    missing = []
    for year in sorted({y for y, _, _ in have}):
        for population in ("all", "dtts"):
            def known(measure: str, _y: int = year, _p: str = population) -> bool:
                return (_y, _p, measure) in have

            households = known("households") or (known("poor") and known("poor_rate_pct")) or (
                known("near_poor") and known("near_poor_rate_pct"))
            for measure, ok in (("households", households),
                                ("poor", known("poor") or (households and known("poor_rate_pct"))),
                                ("near_poor", known("near_poor") or (households and known("near_poor_rate_pct")))):
                if not ok:
                    missing.append(f"{year} {population} {measure}")
    return missing
