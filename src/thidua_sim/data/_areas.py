"""Areas files: the communes and towns with their aliases and dates of validity."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

from ._names import AreaInfo, name_key
from ..io._sheets import PathLike_, _map_header, _parse_date, _read_sheet, _Row
from ..core.defaults import SHIPPED_DATA
from ..core.types import Area
from ..errors import ErrorCollector, InputError, InputErrors

"""The data/ folder of the source tree (shipped Kbang, Gia Lai and national data)."""

_KINDS = ("town", "commune", "province")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

_AREA_SPEC: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "id": ("id", ("Mã",), True),
    "name": ("name", ("Tên",), True),
    "kind": ("kind", ("Loại",), True),
    "aliases": ("aliases", ("Tên khác",), False),
    "valid_from": ("valid_from", ("Từ ngày",), False),
    "valid_to": ("valid_to", ("Đến ngày",), False),
    "source": ("source", ("Nguồn",), False),
}


def _area_files(path: Path) -> list[Path]:
    if path.is_dir():
        first = path / "areas.csv"
        return [first, *sorted(p for p in path.glob("areas_*.csv"))] if first.exists() else sorted(path.glob("areas_*.csv"))
    return [path]


def load_area_info(path: PathLike_) -> tuple[AreaInfo, ...]:
    """Areas with their aliases and dates of validity.

    ``path``: an areas file, or a data folder (then ``areas.csv`` and every ``areas_*.csv``
    in it, e.g. the communes formed in 2025).
    """
    path = Path(path)
    files = _area_files(path)
    if not files or not files[0].exists():
        where = path / "areas.csv" if path.is_dir() else path
        if path.is_dir() and (path / "figures.csv").exists():  # published figures only (e.g. data/vietnam)
            from ._figures import missing_review_figures

            missing = missing_review_figures(path / "figures.csv")
            raise InputErrors([InputError(
                str(where), "file", "no such file (the folder has published figures.csv only)",
                "areas.csv and review_results.csv built from the figures",
                ("figures.csv lacks " + ", ".join(missing) + " to give review results by group: add them with "
                 "their source, then build the files as scripts/build_reference_data.py does for data/gialai")
                if missing else "build them from figures.csv as scripts/build_reference_data.py does for data/gialai")])
        raise InputErrors([InputError(str(where), "file", "no such file", "an areas file (id,name,kind,...)",
                                      "check the folder; see docs/formats/data.md")])
    infos: list[AreaInfo] = []
    problems: list[InputError] = []
    for file in files:
        try:
            infos.extend(_read_areas(file))
        except InputErrors as exc:
            problems.extend(exc.errors)
    if not problems:
        problems.extend(_check_area_overlaps(infos, str(path)))
    if problems:
        raise InputErrors(problems)
    return tuple(infos)


def load_areas(data_dir: PathLike_) -> tuple[Area, ...]:
    """The areas of a data folder (its ``areas.csv``) or of one areas file, in file order."""
    path = Path(data_dir)
    file = path / "areas.csv" if path.is_dir() else path
    return tuple(info.area for info in load_area_info(file))


def _read_areas(path: Path) -> list[AreaInfo]:
    sheet = _read_sheet(path)
    errors = ErrorCollector(sheet.file)
    columns = _map_header(sheet, _AREA_SPEC, errors)
    errors.raise_if_any()
    labels = {c: c for c in _AREA_SPEC}
    infos: list[AreaInfo] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = _Row(sheet, number, cells, columns, labels, errors)
        aid = row.text("id", required=True)
        name = row.text("name", required=True)
        kind = row.text("kind", required=True)
        if aid is not None and not _ID_RE.match(aid):
            row.fail("id", repr(aid), "an ASCII id in snake_case (a-z, 0-9, _), e.g. kon_pne",
                     "write the name without diacritics, lower case, words joined by _")
        elif aid is not None and aid in seen:
            row.fail("id", f"{aid!r} again (first on row {seen[aid]})", "each id once", "give each area its own id")
        elif aid is not None:
            seen[aid] = number
        if kind is not None and kind not in _KINDS:
            row.fail("kind", repr(kind), "one of " + ", ".join(_KINDS), "write town for a thị trấn, commune for a xã")
        dates = {}
        for cid in ("valid_from", "valid_to"):
            text = row.text(cid)
            try:
                dates[cid] = _parse_date(text)
            except ValueError:
                row.fail(cid, repr(text), "a date as YYYY-MM-DD, or empty", "e.g. 2024-11-01")
                dates[cid] = None
        if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] >= dates["valid_to"]:
            row.fail("valid_to", str(dates["valid_to"]), f"a date after valid_from {dates['valid_from']}",
                     "valid_to is the first day the unit no longer exists")
        aliases = tuple(a.strip() for a in (row.text("aliases") or "").split("|") if a.strip())
        if row.ok and aid and name and kind:
            infos.append(AreaInfo(Area(aid, name, kind), aliases, dates["valid_from"], dates["valid_to"],  # type: ignore[arg-type]
                                  row.text("source") or ""))
    if not sheet.rows:
        errors.add("file", "a header without rows", "one row per area", "add the areas")
    errors.raise_if_any()
    return infos


def _check_area_overlaps(infos: Sequence[AreaInfo], file: str) -> list[InputError]:
    """Two areas in force at the same time may not share a name; no id may appear twice."""
    problems = []
    by_id: dict[str, int] = {}
    by_name: dict[str, list[AreaInfo]] = {}
    for info in infos:
        by_id[info.id] = by_id.get(info.id, 0) + 1
        by_name.setdefault(name_key(info.name), []).append(info)
    for aid, n in by_id.items():
        if n > 1:
            problems.append(InputError(file, f"area {aid}", f"the id in {n} area files", "each id once",
                                       "rename one of them"))
    for same in by_name.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                overlap = (a.valid_to is None or b.valid_from is None or b.valid_from < a.valid_to) and \
                          (b.valid_to is None or a.valid_from is None or a.valid_from < b.valid_to)
                if overlap and a.id != b.id:
                    problems.append(InputError(file, f"areas {a.id} and {b.id}",
                                               f"the same name {a.name!r} at the same time",
                                               "names that tell the areas apart", "correct one name or their dates"))
    return problems


def _default_area_info(path: Path) -> tuple[AreaInfo, ...]:
    """Areas for a review-results file: its folder's areas files, else the shipped Kbang ones."""
    for folder in (path.parent, SHIPPED_DATA / "kbang"):
        if (folder / "areas.csv").exists():
            return load_area_info(folder)
    raise InputErrors([InputError(str(path), "file", "no areas.csv beside it",
                                  "the areas the file refers to", "pass areas= or put areas.csv in the same folder")])


def _review_day(year: int) -> date:
    """The day the results of a review year refer to: after the review closes (14 December)."""
    return date(year, 12, 15)


def _as_area_info(areas: Any, path: Path) -> tuple[AreaInfo, ...]:
    if areas is None:
        return _default_area_info(path)
    if isinstance(areas, (str, PathLike)):
        return load_area_info(areas)
    return tuple(a if isinstance(a, AreaInfo) else AreaInfo(a) for a in areas)
