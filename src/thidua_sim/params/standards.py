"""Poverty standards (chuẩn nghèo đa chiều) by period, and the classification of a household.

A standard has an income line per person per month (rural and urban), the deprivation
indicators grouped in dimensions, and the rule (Decree 07/2021/NĐ-CP, article 3):

- poor (hộ nghèo): income at or below the line AND deprived in at least 3 indicators;
- near-poor (hộ cận nghèo): income at or below the line AND deprived in fewer than 3;
- otherwise neither.

The standards are read from ``params/standards.yaml``; :func:`classify` is pure and needs no
file when given the standards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from ._files import FIRST_YEAR, LAST_YEAR
from ._values import UNITS, Kind, check_source, read_bool, read_id, read_int, read_text, read_value, source_of
from ..io._yaml import check_keys, line_of, read_yaml
from ..core.defaults import SHIPPED_PARAMS
from ..errors import ErrorCollector, StandardsError  # noqa: F401 (StandardsError re-exported)

__all__ = ["Indicator", "Standard", "Standards", "StandardsError", "load_standards", "standard_for", "classify",
           "classify_many", "STATE_CODES", "default_standards_path", "parse_standards"]

INCOME_LINE = Kind(UNITS["income_line"], 0.0, None, low_open=True, whole=True, interval=False)
THRESHOLD = Kind(UNITS["indicators"], 1.0, 100.0, whole=True, interval=False)


@dataclass(frozen=True)
class Indicator:
    """One deprivation indicator (chỉ số đo lường mức độ thiếu hụt)."""

    id: str
    dimension: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Standard:
    """A poverty standard in force for the review years ``first_year``-``last_year``.

    Income lines in VND per person per month. ``indicators_confirmed`` is False when the list
    of indicators was not read from the final legal text.
    """

    id: str
    name_vi: str
    name_en: str
    first_year: int
    last_year: int
    income_line_rural: int
    income_line_urban: int
    poor_min_deprivations: int
    indicators: tuple[Indicator, ...]
    dimensions: Mapping[str, tuple[str, str]]
    indicators_confirmed: bool
    source: str

    def income_line(self, urban: bool) -> int:
        """The income line (VND per person per month) of a rural or urban household."""
        return self.income_line_urban if urban else self.income_line_rural

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Standards:
    """All standards of a file, in time order."""

    standards: tuple[Standard, ...]
    source: str = ""

    def for_year(self, year: int) -> Standard:
        """The standard in force for review year ``year``."""
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
            raise StandardsError(f"year = {year!r}: expected a whole year such as 2024")
        for s in self.standards:
            if s.covers(int(year)):
                return s
        spans = ", ".join(f"{s.first_year}-{s.last_year} ({s.id})" for s in self.standards)
        raise StandardsError(f"year {year}: no poverty standard covers it; the standards cover {spans}")

    def __iter__(self):
        return iter(self.standards)

    def __len__(self) -> int:
        return len(self.standards)


# -- reading ----------------------------------------------------------------------------------------
def parse_standards(data: Any, errors: ErrorCollector) -> Standards | None:
    """Standards from a read ``standards.yaml``; every problem goes to ``errors``."""
    if not check_keys(errors, data, "", required=("description", "standards"), optional=("reference", "assumption")):
        return None
    n_before = len(errors.errors)
    read_text(errors, data, "description", "")
    node = data.get("standards")
    if not isinstance(node, Mapping) or not node:
        errors.add("standards", repr(node), "a mapping of standard id -> standard", line=line_of(data, "standards"))
        return None
    out = []
    for sid, s in node.items():
        where = f"standards.{sid}"
        if not read_id(errors, sid, where, line_of(node, sid)):
            continue
        std = _parse_standard(errors, sid, s, where)
        if std is not None:
            out.append(std)
    out.sort(key=lambda s: s.first_year)
    for a, b in zip(out, out[1:]):
        if b.first_year <= a.last_year:
            errors.add(f"standards.{b.id}.in_force.first_year",
                       f"{b.first_year}, inside {a.id} ({a.first_year}-{a.last_year})",
                       "periods that do not overlap, in order", line=line_of(node.get(b.id), "in_force"))
    if len(errors.errors) > n_before:
        return None
    return Standards(tuple(out), source_of(data) or errors.file)


def _parse_standard(errors: ErrorCollector, sid: str, s: Any, where: str) -> Standard | None:
    if not check_keys(errors, s, where,
                      required=("name_vi", "name_en", "reference", "in_force", "income_line",
                                "poor_min_deprivations", "indicators_confirmed", "dimensions"),
                      optional=("assumption", "rule_vi", "rule_en", "note")):
        return None
    n_before = len(errors.errors)
    name_vi = read_text(errors, s, "name_vi", where)
    name_en = read_text(errors, s, "name_en", where)
    check_source(errors, s, where)

    span = s.get("in_force")
    first = last = None
    if check_keys(errors, span, f"{where}.in_force", required=("first_year", "last_year"),
                  optional=("reference", "assumption")):
        check_source(errors, span, f"{where}.in_force")
        first = read_int(errors, span, "first_year", f"{where}.in_force", low=FIRST_YEAR, high=LAST_YEAR)
        last = read_int(errors, span, "last_year", f"{where}.in_force", low=FIRST_YEAR, high=LAST_YEAR)
        if first is not None and last is not None and last < first:
            errors.add(f"{where}.in_force.last_year", f"{last} before first_year {first}",
                       "years in order: first_year <= last_year", line=line_of(span, "last_year"))

    lines = s.get("income_line")
    rural = urban = None
    if check_keys(errors, lines, f"{where}.income_line", required=("rural", "urban")):
        rural = read_value(errors, lines, "rural", f"{where}.income_line.rural", INCOME_LINE)
        urban = read_value(errors, lines, "urban", f"{where}.income_line.urban", INCOME_LINE)
    threshold = read_value(errors, s, "poor_min_deprivations", f"{where}.poor_min_deprivations", THRESHOLD)
    confirmed = read_bool(errors, s, "indicators_confirmed", where, default=False)

    indicators: list[Indicator] = []
    dimensions: dict[str, tuple[str, str]] = {}
    dims = s.get("dimensions")
    if not isinstance(dims, Mapping) or not dims:
        errors.add(f"{where}.dimensions", repr(dims), "a mapping of dimension id -> {name_vi, name_en, indicators}",
                   line=line_of(s, "dimensions"))
    else:
        seen: set[str] = set()
        for did, d in dims.items():
            dwhere = f"{where}.dimensions.{did}"
            if not read_id(errors, did, dwhere, line_of(dims, did)):
                continue
            if not check_keys(errors, d, dwhere, required=("name_vi", "name_en", "indicators")):
                continue
            dimensions[did] = (read_text(errors, d, "name_vi", dwhere), read_text(errors, d, "name_en", dwhere))
            inds = d.get("indicators")
            if not isinstance(inds, Mapping) or not inds:
                errors.add(f"{dwhere}.indicators", repr(inds), "a mapping of indicator id -> {name_vi, name_en}",
                           line=line_of(d, "indicators"))
                continue
            for iid, ind in inds.items():
                iwhere = f"{dwhere}.indicators.{iid}"
                if not read_id(errors, iid, iwhere, line_of(inds, iid)):
                    continue
                if iid in seen:
                    errors.add(iwhere, f"indicator {iid!r} a second time", "each indicator once per standard",
                               line=line_of(inds, iid))
                    continue
                seen.add(iid)
                if check_keys(errors, ind, iwhere, required=("name_vi", "name_en"), optional=("note",)):
                    indicators.append(Indicator(iid, did, read_text(errors, ind, "name_vi", iwhere),
                                                read_text(errors, ind, "name_en", iwhere)))
    if threshold is not None and indicators and threshold.central > len(indicators):
        errors.add(f"{where}.poor_min_deprivations", f"{threshold.central:g} of {len(indicators)} indicators",
                   "at most the number of indicators", line=line_of(s, "poor_min_deprivations"))
    if len(errors.errors) > n_before or None in (first, last, rural, urban, threshold):
        return None
    return Standard(sid, name_vi, name_en, first, last, int(rural.central), int(urban.central),  # type: ignore[union-attr]
                    int(threshold.central), tuple(indicators), dimensions, confirmed,  # type: ignore[union-attr]
                    source_of(s))


def default_standards_path() -> Path:
    """``params/standards.yaml`` of the project (next to ``src/``), else of the working directory."""
    here = SHIPPED_PARAMS / "standards.yaml"
    return here if here.exists() else Path("params") / "standards.yaml"


def load_standards(path: str | PathLike[str] | None = None) -> Standards:
    """Read and check a standards file (default: the project's ``params/standards.yaml``).

    Raises :class:`~thidua_sim.errors.InputErrors` listing every problem of the file.
    """
    path = Path(path) if path is not None else default_standards_path()
    errors = ErrorCollector(path)
    standards = parse_standards(read_yaml(path), errors)
    errors.raise_if_any()
    assert standards is not None
    return standards


@lru_cache(maxsize=1)
def _default() -> Standards:
    return load_standards()


def standard_for(year: int, standards: Standards | None = None) -> Standard:
    """The standard in force for review year ``year`` (default: the project's standards file)."""
    return (standards if standards is not None else _default()).for_year(year)


# -- classification -------------------------------------------------------------------------------
def _count_deprivations(deprivations: Any, standard: Standard) -> int:
    n = len(standard.indicators)
    if isinstance(deprivations, Mapping):
        by_name = {i.id: i.id for i in standard.indicators}
        by_name.update({i.name_vi.lower(): i.id for i in standard.indicators})
        deprived = set()
        for key, flag in deprivations.items():
            iid = by_name.get(str(key).strip().lower()) if isinstance(key, str) else None
            if iid is None:
                known = ", ".join(i.id for i in standard.indicators)
                raise StandardsError(f"deprivations: unknown indicator {key!r} for {standard.id}; known: {known}")
            if not _is_flag(flag):
                raise StandardsError(f"deprivations[{key!r}] = {flag!r}: expected True or False")
            if flag:
                deprived.add(iid)
        return len(deprived)
    if isinstance(deprivations, (str, bytes)):
        raise StandardsError(f"deprivations = {deprivations!r}: expected a count 0-{n}, {n} True/False values "
                             "or a mapping of indicator -> True/False")
    if isinstance(deprivations, (Sequence, np.ndarray)):
        flags = list(np.asarray(deprivations).ravel()) if isinstance(deprivations, np.ndarray) else list(deprivations)
        if len(flags) != n:
            raise StandardsError(f"deprivations: {len(flags)} values; expected {n}, one per indicator of "
                                 f"{standard.id} in the order of params/standards.yaml")
        bad = [f for f in flags if not _is_flag(f)]
        if bad:
            raise StandardsError(f"deprivations: {bad[0]!r} among the values; expected True or False (or 1/0)")
        return sum(bool(f) for f in flags)
    if isinstance(deprivations, (bool, np.bool_)) or not isinstance(deprivations, (int, float, np.integer,
                                                                                    np.floating)):
        raise StandardsError(f"deprivations = {deprivations!r}: expected a count 0-{n}, {n} True/False values "
                             "or a mapping of indicator -> True/False")
    if not math.isfinite(float(deprivations)) or float(deprivations) != int(deprivations) \
            or not 0 <= int(deprivations) <= n:
        raise StandardsError(f"deprivations = {deprivations!r}: expected a whole count from 0 to {n}")
    return int(deprivations)


def _is_flag(x: Any) -> bool:
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, (int, np.integer)) and int(x) in (0, 1))


def classify(
    income_per_person_month_vnd: float,
    deprivations: int | Sequence[bool] | Mapping[str, bool],
    year: int,
    urban: bool,
    standards: Standards | Standard | None = None,
) -> str:
    """Classify one household: ``"poor"``, ``"near_poor"`` or ``"other"``.

    ``income_per_person_month_vnd``: average income per person per month in VND.
    ``deprivations``: the count of deprived indicators (0-12), one True/False per indicator in
    the order of the standard, or a mapping of indicator id (or Vietnamese name) -> True/False
    (indicators not named count as not deprived). ``year``: the review year, which picks the
    standard. ``urban``: True for a household of a town (thị trấn), which uses the urban line.

    >>> classify(1_500_000, 3, 2024, urban=False)
    'poor'
    >>> classify(1_500_001, 5, 2024, urban=False)
    'other'
    """
    if isinstance(year, (bool, np.bool_)) or not isinstance(year, (int, np.integer)):
        raise StandardsError(f"year = {year!r}: expected a whole year such as 2024")
    if isinstance(standards, Standard):
        if not standards.covers(int(year)):
            raise StandardsError(f"year {year}: standard {standards.id} covers {standards.first_year}-"
                                 f"{standards.last_year}")
        standard = standards
    else:
        standard = standard_for(year, standards)
    income = income_per_person_month_vnd
    if isinstance(income, (bool, np.bool_)) or not isinstance(income, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(income)) or income < 0:
        raise StandardsError(f"income_per_person_month_vnd = {income!r}: expected a number of VND >= 0 "
                             "(per person per month)")
    if not isinstance(urban, (bool, np.bool_)):
        raise StandardsError(f"urban = {urban!r}: expected True (town) or False (rural commune)")
    count = _count_deprivations(deprivations, standard)
    code = classify_many(np.array([float(income)]), np.array([count]), np.array([bool(urban)]), standard)[0]
    return STATE_CODES[int(code)]


STATE_CODES: tuple[str, ...] = ("poor", "near_poor", "other")
"""What the codes of :func:`classify_many` mean: 0 poor, 1 near-poor, 2 other."""


def classify_many(income: np.ndarray, deprivation_counts: np.ndarray, urban: np.ndarray,
                  standard: Standard) -> np.ndarray:
    """The rule of :func:`classify` for many households at once (the one implementation of it).

    ``income``: VND per person per month (float array); ``deprivation_counts``: deprived
    indicators per household (whole numbers); ``urban``: True for a town household; all of the
    same shape (or broadcastable, e.g. ``income`` of shape (draws, households)). Returns int8
    codes, 0 poor, 1 near-poor, 2 other (:data:`STATE_CODES`). Inputs are not checked here:
    callers validate them (:func:`classify` does for one household, the household import for a list).
    """
    income = np.asarray(income, dtype=float)
    line = np.where(np.asarray(urban, dtype=bool), float(standard.income_line_urban),
                    float(standard.income_line_rural))
    below = income <= line
    poor = np.asarray(deprivation_counts) >= standard.poor_min_deprivations
    return np.where(below, np.where(poor, 0, 1), 2).astype(np.int8)
