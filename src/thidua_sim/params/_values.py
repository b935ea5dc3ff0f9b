"""Reading one parameter value, OpenFisca-style, with every check in one place.

A value in a parameter file is a mapping::

    pPO: {value: 0.06, interval: [0.03, 0.10], unit: probability per year,
          description: ..., assumption: "one-line reason"}

``value`` and ``unit`` are required, and a ``reference`` (a source) or an
``assumption`` (a one-line reason), or both. ``interval`` is the 90 % interval
(5 % and 95 % points) and must contain the value. The readers here record every
problem in an :class:`~thidua_sim.errors.ErrorCollector` and return None for a
value they cannot read, so that a loader reports all problems of a file at once.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.types import Uncertain
from ..io._yaml import check_keys, line_of
from ..errors import ErrorCollector

__all__ = ["Kind", "UNITS", "read_value", "read_text", "read_int", "read_bool", "source_of", "suggest",
           "is_number", "ID_PATTERN", "read_id", "VALUE_KEYS"]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# Units of the fields of each file. A unit is checked exactly (case-insensitive): a cost in VND
# instead of million VND is the kind of slip that changes a result a thousandfold.
UNITS = {
    "rate": "probability per year",
    "gamma": "share per year",
    "effect": "probability",
    "cost": "million VND per household",
    "lag": "years",
    "factor": "factor",
    "income_line": "VND per person per month",
    "indicators": "indicators",
    "points": "percentage points per year",
    "level": "percent",
}

VALUE_KEYS = ("value", "interval", "unit", "description", "reference", "reference_vi", "assumption", "assumption_vi",
              "note")


@dataclass(frozen=True)
class Kind:
    """What a value may be: its unit and its range."""

    unit: str
    low: float | None = None  # smallest allowed
    high: float | None = None  # largest allowed
    low_open: bool = False  # value must be > low rather than >= low
    whole: bool = False  # whole numbers only
    interval: bool = True  # may carry a 90 % interval

    def describe(self) -> str:
        what = "a whole number" if self.whole else "a number"
        if self.low is not None and self.high is not None:
            return f"{what} in [{self.low:g}, {self.high:g}]"
        if self.low is not None:
            return f"{what} {'>' if self.low_open else '>='} {self.low:g}"
        return what

    def accepts(self, x: float) -> bool:
        if self.whole and x != int(x):
            return False
        if self.low is not None and (x <= self.low if self.low_open else x < self.low):
            return False
        return self.high is None or x <= self.high


def is_number(x: Any) -> bool:
    """True for an int or float (not a bool) that is finite."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def suggest(word: str, known: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` when a known word is close, else ``""``."""
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def source_of(node: Mapping[str, Any], lang: str = "en") -> str:
    """The source text of a node: its reference, ``assumption: <reason>``, or both.

    ``lang="vi"``: the same with the node's ``reference_vi`` (when given) and ``assumption_vi``
    (``giả định: <lý do>``); "" when the node has an assumption but no ``assumption_vi`` (the
    reader then shows the English text, marked as such)."""
    parts = []
    ref = "reference_vi" if lang == "vi" and isinstance(node.get("reference_vi"), str) else "reference"
    if isinstance(node.get(ref), str) and node[ref].strip():
        parts.append(node[ref].strip())
    key, word = ("assumption_vi", "giả định: ") if lang == "vi" else ("assumption", "assumption: ")
    if isinstance(node.get(key), str) and node[key].strip():
        parts.append(word + node[key].strip())
    elif lang == "vi" and isinstance(node.get("assumption"), str) and node["assumption"].strip():
        return ""
    return "; ".join(parts)


def check_source(errors: ErrorCollector, node: Mapping[str, Any], where: str, *, required: bool = True) -> bool:
    """A non-empty ``reference`` or ``assumption`` (text). Returns True when one is there."""
    ok = True
    for key in ("reference", "reference_vi", "assumption", "assumption_vi"):
        if key in node and not (isinstance(node[key], str) and node[key].strip()):
            errors.add(f"{where}.{key}", repr(node[key]), "a non-empty text", line=line_of(node, key))
            ok = False
    for vi, en in (("assumption_vi", "assumption"), ("reference_vi", "reference")):
        if vi in node and en not in node:
            errors.add(f"{where}.{vi}", f"a Vietnamese text without the English '{en}:'",
                       f"both '{en}:' and its Vietnamese text '{vi}:'",
                       f"add '{en}: ...' (the same text in English)", line=line_of(node, vi))
            ok = False
    has = any(isinstance(node.get(k), str) and node[k].strip() for k in ("reference", "assumption"))
    if required and not has and ok:
        errors.add(where, "no reference and no assumption",
                   "a 'reference:' (document, date, address) or an 'assumption:' (a one-line reason)",
                   "add 'reference: ...' or 'assumption: ...' to this value", line=line_of(node))
        return False
    return has


def read_value(
    errors: ErrorCollector,
    parent: Mapping[str, Any],
    key: str,
    where: str,
    kind: Kind,
    *,
    require_description: bool = False,
    inherited_source: str = "",
    inherited_source_vi: str = "",
) -> Uncertain | None:
    """Read ``parent[key]`` as a value of ``kind``; None (with errors recorded) when it is wrong.

    ``inherited_source``: a source given by an enclosing node; when set, the value itself may
    go without reference/assumption (``inherited_source_vi``: its Vietnamese text, if any).
    """
    node = parent.get(key) if isinstance(parent, Mapping) else None
    if key not in parent:
        errors.add(where, "no such key", "this value to be present", f"add '{key}: {{value: ..., unit: "
                   f"{kind.unit}, assumption: ...}}'", line=line_of(parent))
        return None
    if not isinstance(node, Mapping):
        errors.add(where, f"a bare {type(node).__name__} {node!r}" if node is not None else "nothing",
                   f"a mapping with value, unit ({kind.unit}) and reference or assumption",
                   f"write '{key}: {{value: {node!r}, unit: {kind.unit}, assumption: <reason>}}'",
                   line=line_of(parent, key))
        return None
    optional = [k for k in VALUE_KEYS if k not in ("value", "unit")]
    if not kind.interval:
        optional.remove("interval")
    required = ["value", "unit"] + (["description"] if require_description else [])
    optional = [k for k in optional if k not in required]
    n_before = len(errors.errors)
    check_keys(errors, node, where, required=required, optional=optional)
    if require_description and "description" in node and not (
            isinstance(node["description"], str) and node["description"].strip()):
        errors.add(f"{where}.description", repr(node["description"]), "a non-empty text",
                   line=line_of(node, "description"))
    check_source(errors, node, where, required=not inherited_source)

    unit = node.get("unit")
    if "unit" in node and (not isinstance(unit, str) or unit.strip().lower() != kind.unit.lower()):
        errors.add(f"{where}.unit", repr(unit), f"'{kind.unit}'",
                   f"write 'unit: {kind.unit}' and give the value in that unit", line=line_of(node, "unit"))

    value = node.get("value")
    central: float | None = None
    if "value" in node:
        if not is_number(value):
            errors.add(f"{where}.value", repr(value), kind.describe(), line=line_of(node, "value"))
        elif not kind.accepts(float(value)):
            errors.add(f"{where}.value", repr(value), kind.describe(), line=line_of(node, "value"))
        else:
            central = float(value)

    low = high = None
    if "interval" in node and kind.interval:
        interval = node["interval"]
        line = line_of(node, "interval")
        if (not isinstance(interval, list) or len(interval) != 2
                or not all(is_number(x) for x in interval)):
            errors.add(f"{where}.interval", repr(interval), "a list of two numbers [low, high] (90 % interval)",
                       line=line)
        else:
            low, high = float(interval[0]), float(interval[1])
            if not (kind.accepts(low) and kind.accepts(high)):
                errors.add(f"{where}.interval", repr(interval), f"both ends {kind.describe()}", line=line)
                low = high = None
            elif low > high:
                errors.add(f"{where}.interval", repr(interval), "[low, high] with low <= high",
                           "swap the two ends", line=line)
                low = high = None
            elif central is not None and not (low <= central <= high):
                errors.add(f"{where}.interval", f"{interval!r} around value {value!r}",
                           "an interval that contains the value", "widen the interval or correct the value",
                           line=line)
                low = high = None
    if central is None or len(errors.errors) > n_before:
        return None
    return Uncertain(central, low, high, source_of(node) or inherited_source,
                     source_vi=source_of(node, "vi") if source_of(node) else inherited_source_vi)


def read_text(errors: ErrorCollector, node: Mapping[str, Any], key: str, where: str, *,
              required: bool = True) -> str:
    """A non-empty text at ``node[key]`` ("" with an error recorded when wrong)."""
    if key not in node:
        if required:
            errors.add(f"{where}.{key}" if where else key, "no such key", "a non-empty text",
                       f"add '{key}: ...'", line=line_of(node))
        return ""
    value = node[key]
    if not isinstance(value, str) or not value.strip():
        errors.add(f"{where}.{key}" if where else key, repr(value), "a non-empty text", line=line_of(node, key))
        return ""
    return value.strip()


def read_id(errors: ErrorCollector, key: Any, where: str, line: int | None) -> bool:
    """An identifier key: lower-case ASCII letters, digits and underscores, starting with a letter."""
    if not isinstance(key, str) or not ID_PATTERN.match(key):
        errors.add(where, repr(key), "an id of lower-case ASCII letters, digits and _ starting with a letter",
                   "e.g. 'kon_pne', 'housing'", line=line)
        return False
    return True


def read_int(errors: ErrorCollector, node: Mapping[str, Any], key: str, where: str, *,
             low: int | None = None, high: int | None = None, required: bool = True) -> int | None:
    """A whole number at ``node[key]`` within [low, high]."""
    full = f"{where}.{key}" if where else key
    if key not in node:
        if required:
            errors.add(full, "no such key", "a whole number", f"add '{key}: ...'", line=line_of(node))
        return None
    value = node[key]
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(full, repr(value), "a whole number", line=line_of(node, key))
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        errors.add(full, repr(value), f"a whole number in [{low}, {high}]", line=line_of(node, key))
        return None
    return value


def read_bool(errors: ErrorCollector, node: Mapping[str, Any], key: str, where: str, *,
              default: bool) -> bool:
    """``true``/``false`` at ``node[key]`` (``default`` when absent)."""
    if key not in node:
        return default
    value = node[key]
    if not isinstance(value, bool):
        errors.add(f"{where}.{key}" if where else key, repr(value), "true or false", line=line_of(node, key))
        return default
    return value
