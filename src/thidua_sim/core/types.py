"""The typed objects that flow from the loaders to the engine and planning.

Loaders (``data.py``, ``params.py``) build these from files and validate them;
the engine and planning layers only ever see these, never raw files. Arrays
follow one axis order everywhere:

    (draw,) year, area, group, state

with ``GROUPS = ("dtts", "other")`` and ``STATES = ("poor", "near_poor", "other")``
(model.md: P, N, O).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

__all__ = [
    "GROUPS",
    "STATES",
    "RATE_NAMES",
    "EFFECT_NAMES",
    "ALLOCATION_RULES",
    "Uncertain",
    "Area",
    "Baseline",
    "BaseRates",
    "Instrument",
    "ResourceLine",
    "Scenario",
    "Target",
    "TARGET_KINDS",
    "TARGET_LEVELS",
    "TARGET_STATUSES",
    "Params",
]

GROUPS: tuple[str, ...] = ("dtts", "other")
"""Household groups: ethnic-minority (đồng bào dân tộc thiểu số) and all others."""

STATES: tuple[str, ...] = ("poor", "near_poor", "other")
"""Household states: hộ nghèo (P), hộ cận nghèo (N), all others (O)."""

RATE_NAMES: tuple[str, ...] = ("pPN", "pPO", "pNP", "pNO", "pOP", "pON", "gamma")
"""Base annual rates of docs/model.md, "One year, t -> t+1": P->N, P->O, N->P, N->O, O->P, O->N, household formation."""

EFFECT_NAMES: tuple[str, ...] = ("uPO", "uPN", "uNO", "dNP")
"""Instrument effects of docs/model.md, "One year, t -> t+1" (step 3): uplifts on P->O, P->N, N->O;
protection against N->P."""

ALLOCATION_RULES: tuple[str, ...] = ("poor", "poor_dtts", "equal", "shares")
"""How a district total is spread over areas: proportional to poor households, to poor dtts
households, equally, or by explicit shares."""

AreaKind = Literal["town", "commune", "district", "province", "country"]


@dataclass(frozen=True)
class Uncertain:
    """A parameter value: central value with an optional 90 % interval (5 % and 95 % points).

    ``low``/``high`` are None for a fixed value. ``source`` is the reference or
    ``"assumption: <reason>"``; ``source_vi`` the same in Vietnamese (the reference and
    ``"giả định: <lý do>"``) when the file gives ``assumption_vi``, else "".
    """

    central: float
    low: float | None = None
    high: float | None = None
    source: str = ""
    source_vi: str = ""

    @property
    def is_fixed(self) -> bool:
        return self.low is None or self.high is None or self.low == self.high


@dataclass(frozen=True)
class Area:
    """A commune (xã) or town (thị trấn); a whole district or province when the engine runs at that
    scale. ``id`` is ASCII (``"kon_pne"``), ``name`` Vietnamese."""

    id: str
    name: str
    kind: AreaKind = "commune"

    @property
    def urban(self) -> bool:
        """Towns use the urban income line of the poverty standard."""
        return self.kind == "town"


@dataclass(frozen=True)
class Baseline:
    """Household stocks of every area and group at the end of one review year.

    ``households[a, g, s]``: count of households of area ``a``, group ``g`` in state ``s``
    (float array of shape (A, 2, 3)). ``estimated[a, g]`` is True where the figures are
    estimates rather than reported review results; ``provenance[area_id]`` names the source
    or the estimation method.
    """

    year: int
    areas: tuple[Area, ...]
    households: np.ndarray
    estimated: np.ndarray
    provenance: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def area_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.areas)

    def area_index(self, area_id: str) -> int:
        try:
            return self.area_ids.index(area_id)
        except ValueError:
            raise KeyError(f"unknown area {area_id!r}; known: {', '.join(self.area_ids)}") from None

    def subset(self, area_ids: tuple[str, ...] | list[str]) -> Baseline:
        """The baseline restricted to some areas (in the given order)."""
        idx = [self.area_index(a) for a in area_ids]
        return replace(
            self,
            areas=tuple(self.areas[i] for i in idx),
            households=self.households[idx],
            estimated=self.estimated[idx],
            provenance={a: p for a, p in self.provenance.items() if a in area_ids},
        )


@dataclass(frozen=True)
class BaseRates:
    """Base annual transition rates per group, without any modelled support.

    ``rates[group][name]`` for every group in GROUPS and name in RATE_NAMES.
    ``area_multipliers[area_id][name]`` multiplies a rate in one area (default 1).
    """

    rates: Mapping[str, Mapping[str, Uncertain]]
    area_multipliers: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Instrument:
    """One kind of support (docs/model.md, "One year, t -> t+1", steps 2-3).

    ``cost_mvnd``: cost per beneficiary household, million VND. ``eligible``: states a
    beneficiary may be in (the params files allow a subset of {"poor", "near_poor"}; built in
    code, "other" is allowed too: such households then take up places and money, but no effect
    acts on them). ``effects[name]`` for names in EFFECT_NAMES (missing = 0). ``lag``: years
    between spending and effect (0 = same year).

    For the household microsimulation (optional; the cohort model ignores them): ``closes``,
    the deprivation indicators (ids of the poverty standard) a supported household no longer
    lacks; ``income_effect_vnd``, the rise of income per person per month (VND) it brings.
    ``programme_vi``: the programme in Vietnamese ("" when the file gives only ``programme``).
    """

    id: str
    name_vi: str
    name_en: str
    programme: str
    cost_mvnd: Uncertain
    eligible: frozenset[str]
    effects: Mapping[str, Uncertain]
    lag: int = 0
    source: str = ""
    closes: frozenset[str] = frozenset()
    income_effect_vnd: Uncertain | None = None
    programme_vi: str = ""


@dataclass(frozen=True)
class ResourceLine:
    """Money for one instrument in one year (million VND).

    ``area`` set: the amount goes to that area. ``area`` None: a district total spread over
    areas by ``rule`` (one of ALLOCATION_RULES; ``shares`` maps area id -> share when
    rule == "shares"). ``year`` is the review year the money is spent in.
    """

    year: int
    instrument: str
    amount_mvnd: float
    area: str | None = None
    rule: str | None = None
    shares: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Scenario:
    """A set of resources over the years: the planner's levers.

    ``entry_shares[group][state]``: how new households enter (sums to 1 per group); None = by
    the cell's shares after transitions (docs/model.md, "One year, t -> t+1", step 5).
    ``description_vi``: the description in Vietnamese ("" when the file gives only ``description``).
    """

    id: str
    name_vi: str
    name_en: str
    description: str
    resources: tuple[ResourceLine, ...]
    entry_shares: Mapping[str, Mapping[str, float]] | None = None
    source: str = ""
    description_vi: str = ""

    def scaled(self, factor: float) -> Scenario:
        """The same scenario with every resource multiplied by ``factor``."""
        return replace(
            self,
            id=f"{self.id}_x{factor:g}",
            resources=tuple(replace(r, amount_mvnd=r.amount_mvnd * factor) for r in self.resources),
        )

    def with_resources(self, extra: tuple[ResourceLine, ...] | list[ResourceLine], suffix: str = "plus") -> Scenario:
        """The same scenario with more resource lines added."""
        return replace(self, id=f"{self.id}_{suffix}", resources=self.resources + tuple(extra))


TARGET_KINDS: tuple[str, ...] = ("reduction", "level", "communes")
"""Kinds of target: a fall in points a year over a period; a level (percent) to reach by the end
year; a fall in points a year required of each of named communes."""

TARGET_LEVELS: tuple[str, ...] = ("programme", "province", "district", "commune")
"""Who sets a target: the national programme, the province, the (former) district, the commune."""

TARGET_STATUSES: tuple[str, ...] = ("assigned", "proposed")
"""A target entered from a decision (``assigned``, with its number) or computed by the tool
(``proposed``: never shown as "chỉ tiêu huyện giao")."""


@dataclass(frozen=True)
class Target:
    """A target on a poverty rate.

    ``kind`` "reduction" (default): the rate must fall by (more than) ``threshold_points``
    percentage points a year on average between ``start_year`` and ``end_year``. "level": the
    rate in ``end_year`` must be below (``strict``) or at most ``threshold_points`` percent.
    "communes": each unit of ``areas`` (ids) must fall by (more than) ``threshold_points`` points
    a year; ``population`` then names the group ("district" for all households).

    ``population``: "district" (all households), "dtts", "other", or "area:<area_id>".
    ``strict``: True for "trên 2%" (more than), False for "at least".
    ``standard``: the poverty standard the rates are measured in (a ``standards.yaml`` id), or
    None (the standard of the years measured, which must not change between them).
    ``level``/``status``/``decision``: who set it (TARGET_LEVELS), whether it was assigned by a
    decision (its number in ``decision``) or proposed by the tool (TARGET_STATUSES).
    """

    id: str
    name_vi: str
    name_en: str
    population: str
    threshold_points: float
    start_year: int
    end_year: int
    strict: bool = True
    source: str = ""
    kind: str = "reduction"
    standard: str | None = None
    level: str = "district"
    status: str = "assigned"
    decision: str = ""
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Params:
    """Everything the engine needs besides the baseline and the scenario."""

    base_rates: BaseRates
    instruments: Mapping[str, Instrument]
    targets: tuple[Target, ...] = ()
    source: str = ""
