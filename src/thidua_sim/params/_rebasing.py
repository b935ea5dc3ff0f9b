"""The re-basing of household stocks at a change of poverty standard (``params/rebasing.yaml``).

When a new standard takes effect (Decree 351/2025/NĐ-CP from the 2027 review), a household's
state under the old meaning does not say its state under the new one. Until household records
allow a household-by-household reclassification, the stocks are re-based by a declared
*reclassification*: per group, the chance that a household of each old state is in each new
state. Poor households stay poor (the income lines rise); a share of near-poor households
becomes poor; shares of the other households become poor or near-poor. Each share is an
uncertain value (central and 90 % interval) with its source or assumption. Format:
``docs/formats/params.md`` (section rebasing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from ._values import UNITS, Kind, check_source, read_text, read_value, source_of
from ..core.types import GROUPS, Uncertain
from ..errors import ErrorCollector, InputErrors
from ..io._yaml import check_keys, line_of, read_yaml

__all__ = ["Rebasing", "REBASING_SHARES", "parse_rebasing", "load_rebasing"]

REBASING_SHARES: tuple[str, ...] = ("near_poor_to_poor", "other_to_poor", "other_to_near_poor")
"""The shares a reclassification declares per group (the rest of each old state keeps its state)."""

SHARE = Kind(UNITS["effect"], 0.0, 1.0)


@dataclass(frozen=True)
class Rebasing:
    """Stocks re-based from standard ``from_standard`` to ``to_standard``.

    ``shares[group][name]`` for names in :data:`REBASING_SHARES`, each an :class:`Uncertain`
    probability. The matrix of one group (rows old P, N, O; columns new P, N, O) is::

        P: [1,      0,          0               ]
        N: [a,      1 - a,      0               ]
        O: [b,      c,          1 - b - c       ]

    with a = near_poor_to_poor, b = other_to_poor, c = other_to_near_poor.
    """

    from_standard: str
    to_standard: str
    shares: Mapping[str, Mapping[str, Uncertain]]
    source: str = ""


def parse_rebasing(data: Any, errors: ErrorCollector) -> Rebasing | None:
    """A reclassification from a read ``rebasing.yaml``; every problem goes to ``errors``."""
    if not check_keys(errors, data, "", required=("description", "from_standard", "to_standard", "reclassification"),
                      optional=("reference", "assumption")):
        return None
    n_before = len(errors.errors)
    read_text(errors, data, "description", "")
    check_source(errors, data, "(file)", required=False)
    frm = read_text(errors, data, "from_standard", "")
    to = read_text(errors, data, "to_standard", "")
    node = data.get("reclassification")
    if not isinstance(node, Mapping):
        errors.add("reclassification", repr(node), "a mapping group -> shares (" + ", ".join(GROUPS) + ")",
                   line=line_of(data, "reclassification"))
        return None
    shares: dict[str, dict[str, Uncertain]] = {}
    if check_keys(errors, node, "reclassification", required=GROUPS, optional=()):
        for g in GROUPS:
            where = f"reclassification.{g}"
            if not check_keys(errors, node[g], where, required=REBASING_SHARES, optional=()):
                continue
            values = {}
            for name in REBASING_SHARES:
                v = read_value(errors, node[g], name, f"{where}.{name}", SHARE, require_description=True,
                               inherited_source=source_of(data))
                if v is not None:
                    values[name] = v
            if len(values) == len(REBASING_SHARES):
                b, c = values["other_to_poor"], values["other_to_near_poor"]
                top = (b.high if b.high is not None else b.central) + (c.high if c.high is not None else c.central)
                if top > 1.0:
                    errors.add(where, f"other_to_poor + other_to_near_poor up to {top:g}",
                               "shares of the other households adding up to at most 1 (upper ends included)",
                               "lower one of the two shares or its interval", line=line_of(node, g))
                shares[g] = values
    if len(errors.errors) > n_before:
        return None
    return Rebasing(frm, to, shares, source_of(data))


def load_rebasing(path: str | PathLike[str]) -> Rebasing:
    """Read and check a rebasing file; problems raise :class:`~thidua_sim.errors.InputErrors`."""
    path = Path(path)
    data = read_yaml(path)
    errors = ErrorCollector(path)
    result = parse_rebasing(data, errors)
    if result is None or errors.errors:
        raise InputErrors(errors.errors)
    return result
