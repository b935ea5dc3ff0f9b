"""Validation entry point for `thidua-sim validate`: which data file a file is (from
its header), checked by its loader."""

from __future__ import annotations

import re
from pathlib import Path

from ._areas import load_area_info
from ._crosswalk import load_crosswalk
from ._figures import load_figures
from ._households import HOUSEHOLD_SPEC, load_households
from ._history import load_history
from ._names import name_key
from ._review_import import load_review_results
from ._review_results import _REVIEW_SPEC
from ..io._sheets import PathLike_, _read_sheet
from ..errors import InputError, InputErrors

# Files known by their name (in any folder): checked as that kind whatever their header says.
_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"review_results.*\.(csv|xlsx|xlsm)", re.I), "review"),
    (re.compile(r"areas(_.*)?\.csv", re.I), "areas"),
    (re.compile(r"crosswalk.*\.csv", re.I), "crosswalk"),
    (re.compile(r"figures.*\.csv", re.I), "figures"),
)
KINDS = ("review", "areas", "crosswalk", "figures")


def data_file_kind(path: PathLike_) -> str | None:
    """Which data file ``path`` is: by its name first (``review_results.csv``, ``areas.csv``,
    ``areas_2025.csv``, ``crosswalk.csv``, ``figures.csv``), then by its header; every workbook
    is review results (the only workbooks thidua_sim reads), and so is a sheet with personal
    columns (names, ID numbers: refused as a household list). None: not a data file."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        return None
    for pattern, kind in _BY_NAME:
        if pattern.fullmatch(path.name):
            return kind
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "review"
    try:
        path.read_bytes().decode("utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return "review"
    if path.read_text(encoding="utf-8-sig").strip() == "":
        return "review"
    kind = _header_kind(path)
    if kind is None:
        try:
            header = _read_sheet(path).header
        except InputErrors:
            return None
        from ._review_import import _PERSONAL_HEADERS

        if any(p in name_key(h) for h in header for p in _PERSONAL_HEADERS):
            return "review"
    return kind


def _header_kind(path: Path) -> str | None:
    """Which data file this is, from its header; None when not one of ours."""
    try:
        sheet = _read_sheet(path)
    except InputErrors:
        return "review" if path.suffix.lower() in (".xlsx", ".xlsm") else None
    keys = {name_key(h) for h in sheet.header}
    household_keys = {name_key(t) for c in ("household_code", "household_id")
                      for t in (c, HOUSEHOLD_SPEC[c][0], *HOUSEHOLD_SPEC[c][1])}
    if keys & household_keys:
        return "households"
    if {"oldid", "newid"} <= keys:
        return "crosswalk"
    if {"areaid", "standard", "measure", "value", "quote"} <= keys:
        return "history"
    if {"measure", "population", "value"} <= keys:
        return "figures"
    if {"id", "name", "kind"} <= keys:
        return "areas"
    review_keys = {name_key(t) for c in ("area_id", "year", "households")
                   for t in (c, _REVIEW_SPEC[c][0], *_REVIEW_SPEC[c][1])}
    if len(keys & review_keys) >= 2:
        return "review"
    return None


def validate_data_file(path: PathLike_) -> list[InputError] | None:
    """Check one data file. None: not a data file this module knows (e.g. a README or a
    parameter file); []: clean; otherwise every problem found.

    Review results (.csv/.xlsx), areas files, crosswalks, reference figures and review history are
    recognised by their name (:func:`data_file_kind`), else by their header; a file with a
    known name is checked as that kind even when its header is broken. An unreadable
    .csv/.xlsx (empty, not UTF-8, broken) is reported as a review-results file. Review
    results named ``review_results.*`` beside an ``areas.csv`` must cover every area of it
    in their first year (as the baseline loader requires).
    """
    path = Path(path)
    kind = data_file_kind(path)
    if kind is None:
        return None
    loaders = {
        "review": load_review_results,
        "areas": load_area_info,
        "crosswalk": load_crosswalk,
        "figures": load_figures,
        "households": _check_households,
        "history": load_history,
    }
    try:
        loaded = loaders[kind](path)
        if kind == "review" and path.name.lower().startswith("review_results") \
                and (path.parent / "areas.csv").is_file():
            from ._review_import import check_baseline_areas

            check_baseline_areas(loaded, load_area_info(path.parent))
    except InputErrors as exc:
        return list(exc.errors)
    return []


def _check_households(path: Path) -> None:
    """A household list is checked with a throw-away key: validation writes nothing."""
    load_households(path, key=bytes(32))
