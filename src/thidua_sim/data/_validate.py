"""Validation entry point for `thidua-sim validate`: which data file a file is (from
its header), checked by its loader."""

from __future__ import annotations

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
    recognised by their header; an unreadable .csv/.xlsx (empty, not UTF-8, broken) is
    reported as a review-results file.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        return None
    if path.suffix.lower() == ".csv":
        try:
            path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            kind: str | None = "review"
        else:
            kind = _header_kind(path)
            if kind is None and path.read_text(encoding="utf-8-sig").strip() == "":
                kind = "review"
    else:
        kind = _header_kind(path)
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
        loaders[kind](path)
    except InputErrors as exc:
        return list(exc.errors)
    return []


def _check_households(path: Path) -> None:
    """A household list is checked with a throw-away key: validation writes nothing."""
    load_households(path, key=bytes(32))
