"""Matching commune and town names as planners write them.

Review spreadsheets name communes in many ways: with or without diacritics
("Đăk Smar", "Dak Smar"), old and new spellings ("Đak Rong", "Đăk Roong",
"Kông Bơ La", "Kông Bờ La"), with or without the prefix ("Xã Krong", "TT
Kbang"), in any case and spacing. :func:`match_area` reduces all of these to
one key and finds the area; an unknown name raises :class:`UnknownArea` with the
nearest known names as suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..core.text import fold as _fold
from ..core.text import name_key
from ..core.types import Area
from ..errors import UnknownArea  # noqa: F401 (re-exported: callers import it from here)

__all__ = ["AreaInfo", "AreaMatcher", "UnknownArea", "name_key", "match_area", "suggest_areas"]

_KIND_PREFIXES = {"town": ("thitran", "tt"), "commune": ("xa",), "province": ("tinh",)}


@dataclass(frozen=True)
class AreaInfo:
    """An area with what the areas file says besides id, name and kind.

    ``aliases``: other spellings planners use. ``valid_from``/``valid_to``: the unit exists
    from ``valid_from`` (inclusive) until ``valid_to`` (exclusive: the first day it no longer
    exists); None = open. ``source``: where the unit and its dates come from.
    """

    area: Area
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""

    @property
    def id(self) -> str:
        return self.area.id

    @property
    def name(self) -> str:
        return self.area.name

    @property
    def kind(self) -> str:
        return self.area.kind

    def exists_on(self, day: date) -> bool:
        """True if the unit exists on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day >= self.valid_to)


def _as_info(area: Area | AreaInfo) -> AreaInfo:
    return area if isinstance(area, AreaInfo) else AreaInfo(area)


def _keys(info: AreaInfo) -> tuple[set[str], set[str], set[str], set[str]]:
    """Keys of an area: exact (name and aliases as written), id, prefixed (the bare name with
    the prefix of its kind: "tt", "thị trấn" for a town, "xã" for a commune) and bare (no prefix)."""
    names = (info.name, *info.aliases)
    exact = {name_key(n) for n in names}
    bare = {name_key(n, strip_prefix=True) for n in names}
    prefixes = _KIND_PREFIXES.get(info.kind, ())
    prefixed = {p + b for p in prefixes for b in bare}
    return exact, {name_key(info.id)}, prefixed, bare


class AreaMatcher:
    """Matches many names against one list of areas (the keys are worked out once).

    ``AreaMatcher(areas).match(name)`` is :func:`match_area` for repeated use, e.g. over
    the rows of a spreadsheet.
    """

    def __init__(self, areas: Iterable[Area | AreaInfo]):
        self.infos = [_as_info(a) for a in areas]
        self._by_id = {info.id: info.area for info in self.infos}
        # level -> key -> areas having that key at that level (in area order)
        self._levels: list[dict[str, list[Area]]] = [{}, {}, {}, {}]
        for info in self.infos:
            for level, keys in enumerate(_keys(info)):
                for key in keys:
                    hits = self._levels[level].setdefault(key, [])
                    if info.area not in hits:
                        hits.append(info.area)

    def match(self, name: str) -> Area:
        text = str(name).strip()
        if text in self._by_id:
            return self._by_id[text]
        wanted = name_key(text)
        probes = (wanted, wanted, wanted, name_key(text, strip_prefix=True))
        for level, probe in enumerate(probes):
            found = self._levels[level].get(probe, [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise UnknownArea(text, ambiguous=[f"{a.name} ({a.id})" for a in found])
        raise UnknownArea(text, suggest_areas(text, self.infos))


def match_area(name: str, areas: Iterable[Area | AreaInfo]) -> Area:
    """The area that ``name`` (an id, a name, an alias; any spelling) refers to.

    Tried in order: the id as written; the name or an alias as written ("Thị trấn Kbang");
    the id in any case; the bare name with the prefix of the area's kind ("TT Kbang",
    "Xã Krong"); the bare name ("Kbang"). Diacritics, case, spaces and the known spelling
    variants (Đak/Đăk, Bơ/Bờ, Roong/Rong) do not matter.

    Raises :class:`UnknownArea` with up to three nearest names when nothing fits, or with
    the candidates when the name fits more than one area equally well.
    """
    return AreaMatcher(areas).match(name)


def suggest_areas(name: str, areas: Iterable[Area | AreaInfo], n: int = 3) -> tuple[str, ...]:
    """Up to ``n`` known area names closest to ``name`` (most similar first)."""
    infos = [_as_info(a) for a in areas]
    by_key: dict[str, str] = {}
    for info in infos:
        for text in (info.name, *info.aliases, info.id):
            by_key.setdefault(name_key(text, strip_prefix=True), info.name)
    close = difflib.get_close_matches(name_key(name, strip_prefix=True), list(by_key), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for key in close:
        if by_key[key] not in out:
            out.append(by_key[key])
    return tuple(out[:n])
