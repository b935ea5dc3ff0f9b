"""The review's standard tables from household records, laid out as reviewers know them:
movement (diễn biến) of poor and near-poor households by unit; deprivation counts and shares by
indicator for poor and for near-poor households; by group and by ethnicity; by cause of
poverty; and counts by thôn/làng, where cells below the small-count threshold are suppressed.

Every table is aggregates only: no household appears, not even by pseudonym. Tables built from
synthetic records say so in their title. ``write_household_tables`` writes them as one .xlsx
with Vietnamese (or English) headers, atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.types import GROUPS
from ..data._households import CAUSES, HouseholdRecords
from ..io._atomic import write_atomic
from ..model._households import FLOW_COLUMNS, classify_households, household_flows
from ..params.standards import Standards, load_standards
from .i18n import t

__all__ = ["household_tables", "movement_table", "deprivation_table", "group_table", "ethnicity_table",
           "cause_table", "village_table", "write_household_tables", "SUPPRESSED", "suppress"]

SUPPRESSED = "<{n}"


def _names(records: HouseholdRecords) -> dict[str, str]:
    return {a.id: a.name for a in records.areas}


def movement_table(records: HouseholdRecords, codes: np.ndarray, standards: Standards | None = None,
                   year: int | None = None) -> pd.DataFrame:
    """Movement of poor and near-poor households by unit (both groups), with a district row."""
    flows = household_flows(records, year, standards, codes)
    by = flows.groupby("area_id", sort=False)[list(FLOW_COLUMNS)].sum().reset_index()
    total = by[list(FLOW_COLUMNS)].sum().to_frame().T
    total.insert(0, "area_id", "_total")
    out = pd.concat([by, total], ignore_index=True)
    out.insert(1, "year", int(flows["year"].iloc[0]))
    return out


def deprivation_table(records: HouseholdRecords, codes: np.ndarray, standards: Standards | None = None,
                      year: int | None = None) -> pd.DataFrame:
    """Per indicator of the standard in force: poor and near-poor households deprived in it, and
    their share (%) of all poor / near-poor households."""
    std = standards if standards is not None else load_standards()
    year = records.years[-1] if year is None else int(year)
    m = (records.table["year"] == year).to_numpy()
    standard = std.for_year(year)
    flags = records.table.loc[m, [f"dep_{i.id}" for i in standard.indicators]].to_numpy() > 0
    c = codes[m]
    rows = []
    n_p, n_n = int((c == 0).sum()), int((c == 1).sum())
    for k, ind in enumerate(standard.indicators):
        p, n = int(flags[c == 0, k].sum()), int(flags[c == 1, k].sum())
        rows.append({"indicator": ind.id, "name_vi": ind.name_vi, "name_en": ind.name_en,
                     "poor_deprived": p, "poor_share": 100.0 * p / n_p if n_p else np.nan,
                     "near_deprived": n, "near_share": 100.0 * n / n_n if n_n else np.nan})
    out = pd.DataFrame(rows)
    out.attrs["poor"], out.attrs["near_poor"] = n_p, n_n
    return out


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = frame.groupby(keys, sort=False)
    out = pd.DataFrame({"households": g.size(), "poor": g["poor"].sum(), "near_poor": g["near"].sum()})
    out["poor_rate"] = 100.0 * out["poor"] / out["households"]
    out["near_poor_rate"] = 100.0 * out["near_poor"] / out["households"]
    return out.reset_index()


def _frame(records: HouseholdRecords, codes: np.ndarray, year: int | None) -> pd.DataFrame:
    year = records.years[-1] if year is None else int(year)
    m = (records.table["year"] == year).to_numpy()
    t_ = records.table.loc[m, ["area_id", "village", "group", "ethnicity", "causes"]].copy()
    t_["poor"], t_["near"] = codes[m] == 0, codes[m] == 1
    return t_


def group_table(records: HouseholdRecords, codes: np.ndarray, year: int | None = None) -> pd.DataFrame:
    """Households, poor and near-poor households and rates by unit and group (dtts, other), with totals."""
    f = _frame(records, codes, year)
    by = _counts(f, ["area_id", "group"])
    order = {a.id: i for i, a in enumerate(records.areas)}
    by = by.sort_values(["area_id", "group"], key=lambda s: s.map(order) if s.name == "area_id"
                        else s.map({g: i for i, g in enumerate(GROUPS)})).reset_index(drop=True)
    total = _counts(f.assign(area_id="_total"), ["area_id", "group"])
    return pd.concat([by, total], ignore_index=True)


def ethnicity_table(records: HouseholdRecords, codes: np.ndarray, year: int | None = None) -> pd.DataFrame:
    """District counts by ethnicity (dân tộc; blank = not recorded), largest first."""
    f = _frame(records, codes, year)
    f["ethnicity"] = f["ethnicity"].replace("", "_unknown")
    out = _counts(f, ["ethnicity"]).sort_values("households", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def cause_table(records: HouseholdRecords, codes: np.ndarray, year: int | None = None) -> pd.DataFrame:
    """Poor and near-poor households citing each cause of poverty, and their share (%). A
    household may cite several causes, so the shares add up to more than 100 %."""
    f = _frame(records, codes, year)
    n_p, n_n = int(f["poor"].sum()), int(f["near"].sum())
    rows = []
    cites = f["causes"].str.get_dummies(sep=";")
    for cause in CAUSES:
        has = cites[cause].to_numpy().astype(bool) if cause in cites else np.zeros(len(f), dtype=bool)
        p, n = int((has & f["poor"].to_numpy()).sum()), int((has & f["near"].to_numpy()).sum())
        rows.append({"cause": cause, "poor": p, "poor_share": 100.0 * p / n_p if n_p else np.nan,
                     "near_poor": n, "near_share": 100.0 * n / n_n if n_n else np.nan})
    none = (f["causes"] == "").to_numpy()
    rows.append({"cause": "_none", "poor": int((none & f["poor"].to_numpy()).sum()), "poor_share": np.nan,
                 "near_poor": int((none & f["near"].to_numpy()).sum()), "near_share": np.nan})
    return pd.DataFrame(rows)


def suppress(counts: pd.DataFrame, columns: list[str], min_count: int, by: str) -> pd.DataFrame:
    """``counts`` with every cell of ``columns`` from 1 to ``min_count - 1`` replaced by '<min_count';
    where a column of one ``by`` group has exactly one suppressed cell, the next smallest cell of it
    is suppressed too, so that the unit's total does not give the hidden cell away."""
    out = counts.copy().astype({c: object for c in columns})
    mark = SUPPRESSED.format(n=min_count)
    for c in columns:
        values = counts[c].to_numpy()
        hide = (values > 0) & (values < min_count)
        for _, idx in counts.groupby(by, sort=False).groups.items():
            pos = [counts.index.get_loc(i) for i in idx]
            if hide[pos].sum() == 1 and len(pos) > 1:
                rest = [p for p in pos if not hide[p]]
                hide[min(rest, key=lambda p: values[p])] = True
        out.loc[hide, c] = mark
    return out


def village_table(records: HouseholdRecords, codes: np.ndarray, min_count: int, year: int | None = None,
                  ) -> pd.DataFrame:
    """Households, poor and near-poor households by unit and thôn/làng; small cells suppressed."""
    f = _frame(records, codes, year)
    by = _counts(f, ["area_id", "village"])[["area_id", "village", "households", "poor", "near_poor"]]
    order = {a.id: i for i, a in enumerate(records.areas)}
    by = by.sort_values(["area_id", "village"], key=lambda s: s.map(order) if s.name == "area_id" else s,
                        kind="stable").reset_index(drop=True)
    return suppress(by, ["households", "poor", "near_poor"], min_count, "area_id")


def household_tables(records: HouseholdRecords, min_count: int = 5, standards: Standards | None = None,
                     year: int | None = None) -> dict[str, pd.DataFrame]:
    """Every standard table (values, column ids) of review ``year`` (default: the last)."""
    std = standards if standards is not None else load_standards()
    codes = classify_households(records, std)
    y = records.years[-1] if year is None else int(year)
    movement = {}
    if (y - 1) in records.years or (records.table.loc[records.table["year"] == y, "status_before"] != "").all():
        movement["movement"] = movement_table(records, codes, std, year)
    # without the year before nor the start-of-period classification there is no movement table
    return {
        **movement,
        "deprivation": deprivation_table(records, codes, std, year),
        "groups": group_table(records, codes, year),
        "ethnicity": ethnicity_table(records, codes, year),
        "causes": cause_table(records, codes, year),
        "villages": village_table(records, codes, min_count, year),
    }


# -- presentation ----------------------------------------------------------------------------------------
_HEADERS: dict[str, str] = {
    "area_id": "commune", "year": "year", "village": "hh_village", "group": "group", "ethnicity": "hh_ethnicity",
    "households": "households", "poor": "poor", "near_poor": "near_poor", "poor_rate": "poor_rate",
    "near_poor_rate": "near_poor_rate", "indicator": "hh_indicator", "poor_deprived": "hh_poor_deprived",
    "poor_share": "hh_poor_share", "near_deprived": "hh_near_deprived", "near_share": "hh_near_share",
    "cause": "hh_cause", **{c: f"hh_{c}" for c in FLOW_COLUMNS},
}


def presented(name: str, frame: pd.DataFrame, records: HouseholdRecords, lang: str) -> pd.DataFrame:
    """A table with names instead of ids and headers in ``lang``."""
    out = frame.copy()
    names = _names(records)
    if "area_id" in out:
        out["area_id"] = out["area_id"].map(lambda a: t("district", lang) if a == "_total" else names.get(a, a))
    if "group" in out:
        out["group"] = out["group"].map({"dtts": t("group_dtts_short", lang), "other": t("group_other_short", lang)})
    if "ethnicity" in out:
        out["ethnicity"] = out["ethnicity"].replace("_unknown", t("hh_not_recorded", lang))
    if "cause" in out:
        out["cause"] = out["cause"].map(lambda c: t(f"hh_cause_{c.strip('_')}", lang))
    if name == "deprivation":
        out["indicator"] = out["name_vi" if lang == "vi" else "name_en"]
        out = out.drop(columns=["name_vi", "name_en"])
    for c in out.columns:
        if c.endswith("_share") or c.endswith("_rate"):
            out[c] = out[c].map(lambda v: round(float(v), 1) if not (isinstance(v, float) and np.isnan(v)) else None)
    return out.rename(columns={c: t(_HEADERS[c], lang) for c in out.columns if c in _HEADERS})


SHEETS: tuple[str, ...] = ("movement", "deprivation", "groups", "ethnicity", "causes", "villages")


def write_household_tables(tables: Mapping[str, pd.DataFrame], records: HouseholdRecords, path: str | Path,
                           lang: str = "vi", min_count: int = 5) -> Path:
    """The tables as one .xlsx, a sheet each, a title row above the header (marked SYNTHETIC when
    the records are), atomically: a failed write leaves nothing behind."""
    path = Path(path)
    year = records.years[-1]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name in SHEETS:
                if name not in tables:
                    continue
                frame = presented(name, tables[name], records, lang)
                frame.to_excel(writer, sheet_name=t(f"hh_sheet_{name}", lang)[:31], index=False, startrow=2)
                sheet = writer.sheets[t(f"hh_sheet_{name}", lang)[:31]]
                title = t(f"hh_title_{name}", lang, year=year)
                if records.synthetic:
                    title = f"{title} – {t('hh_synthetic_mark', lang)}"
                sheet["A1"] = title
                note = t("hh_note_suppressed", lang, n=min_count) if name == "villages" else t("hh_note_aggregates", lang)
                sheet["A2"] = note
                for i, col in enumerate(frame.columns, start=1):
                    sheet.column_dimensions[sheet.cell(row=3, column=i).column_letter].width = max(12, len(str(col)) + 2)
    write_atomic(path, write)
    return path


def find_household_list(data_dir: str | Path) -> Path | None:
    """The household list of a data folder: ``households.xlsx`` / ``households.csv`` (the real
    list), else the shipped ``households_synthetic.csv``; None when there is none."""
    folder = Path(data_dir)
    for name in ("households.xlsx", "households.csv", "households_synthetic.csv"):
        if (folder / name).is_file():
            return folder / name
    return None


_AGGREGATE_CACHE: dict[tuple, HouseholdRecords] = {}
"""Household lists read for aggregates in this process, by file identity (path, size, time):
a warm brief kernel reads the list once for every brief it builds, not once per brief."""


def _file_identity(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def load_for_aggregates(path: str | Path, data_dir: str | Path | None = None) -> HouseholdRecords:
    """A household list read for aggregates only (briefs, the planner): pseudonyms with a fresh
    random key that is never stored, so nothing links them to the codes; no key file is made.
    A list read before in this process, unchanged since (and its areas file too), is not read
    again; the caller gets its own copy of the table."""
    import secrets
    from dataclasses import replace

    from ..data._households import load_households

    areas_file = Path(data_dir) / "areas.csv" if data_dir is not None else None
    key = (_file_identity(Path(path)), None if areas_file is None else _file_identity(areas_file))
    records = _AGGREGATE_CACHE.get(key)
    if records is None:
        records = load_households(path, areas=data_dir, key=secrets.token_bytes(32))
        if len(_AGGREGATE_CACHE) >= 4:
            _AGGREGATE_CACHE.clear()
        _AGGREGATE_CACHE[key] = records
    return replace(records, table=records.table.copy())


def one_away(records: HouseholdRecords, codes: np.ndarray, standards: Standards | None = None) -> int:
    """Poor households one deprivation away from near-poor (exactly the threshold number)."""
    from ..model._households import deprivation_counts

    std = standards if standards is not None else load_standards()
    year = records.years[-1]
    m = (records.table["year"] == year).to_numpy()
    part = HouseholdRecords(records.table[m], records.areas, records.source)
    standard = std.for_year(year)
    counts = deprivation_counts(part, standard)
    return int(((codes[m] == 0) & (counts == standard.poor_min_deprivations)).sum())
