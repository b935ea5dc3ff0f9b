"""Scenario files: parse to a :class:`~thidua_sim.core.types.Scenario` and write one back.

The file format (docs/formats/params.md) groups money per instrument; each line gives a
year or a year range, an amount per year and where it goes::

    resources:
      livelihood:
        assumption: "why these amounts"
        lines:
          - {years: 2022-2025, amount_mvnd_per_year: 3000, rule: poor}
          - {years: 2023, areas: {kon_pne: 400, krong: 300}}

Lines expand to one :class:`ResourceLine` per year and destination, in a canonical order
(instrument in file order, year, destination) so that writing a scenario and reading it back
gives the same object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ._files import FIRST_YEAR, LAST_YEAR
from ._values import check_source, is_number, read_text, source_of, suggest
from ..core.types import ALLOCATION_RULES, GROUPS, STATES, ResourceLine, Scenario
from ..io._yaml import check_keys, line_of
from ..errors import ErrorCollector

__all__ = ["parse_scenario", "scenario_document", "SCENARIO_ID", "DEFAULT_SAVE_ASSUMPTION"]

SCENARIO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
YEAR_RANGE = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")
DEFAULT_SAVE_ASSUMPTION = ("amounts set by the caller in code and saved by thidua_sim.save_scenario; "
                           "no per-line reasoning was recorded")
LINE_KEYS = ("years", "amount_mvnd_per_year", "rule", "shares", "area", "areas", "reference", "assumption",
             "note")
RULES_WITHOUT_SHARES = tuple(r for r in ALLOCATION_RULES if r != "shares")


def _destination_key(line: ResourceLine) -> tuple:
    """Sort and identity key of where a line's money goes."""
    if line.area is not None:
        return (1, line.area)
    if line.rule == "shares":
        return (2, "shares", tuple(sorted((line.shares or {}).items())))
    return (0, str(line.rule))


def _canonical(lines: Iterable[ResourceLine], instrument_order: list[str]) -> tuple[ResourceLine, ...]:
    order = {k: i for i, k in enumerate(instrument_order)}
    return tuple(sorted(lines, key=lambda r: (order.get(r.instrument, len(order)), r.instrument, r.year,
                                              _destination_key(r))))


def _parse_years(errors: ErrorCollector, line: Mapping[str, Any], where: str) -> list[int]:
    raw = line.get("years")
    lineno = line_of(line, "years")
    expected = f"a year ({FIRST_YEAR}-{LAST_YEAR}) or a range like 2022-2025"
    if isinstance(raw, bool):
        errors.add(f"{where}.years", repr(raw), expected, line=lineno)
        return []
    if isinstance(raw, int):
        first = last = raw
    elif isinstance(raw, str) and (m := YEAR_RANGE.match(raw)):
        first, last = int(m.group(1)), int(m.group(2))
    else:
        errors.add(f"{where}.years", repr(raw), expected, line=lineno)
        return []
    if not (FIRST_YEAR <= first <= LAST_YEAR and FIRST_YEAR <= last <= LAST_YEAR):
        errors.add(f"{where}.years", repr(raw), f"years within {FIRST_YEAR}-{LAST_YEAR}", line=lineno)
        return []
    if last < first:
        errors.add(f"{where}.years", f"range {raw!r} runs backwards", "years in order: first-last, e.g. 2022-2025",
                   f"write {last}-{first}", line=lineno)
        return []
    return list(range(first, last + 1))


def _amount(errors: ErrorCollector, node: Mapping[str, Any], key: Any, where: str) -> float | None:
    value = node[key]
    if not is_number(value):
        errors.add(where, repr(value), "an amount in million VND (a number >= 0)", line=line_of(node, key))
        return None
    if value < 0:
        errors.add(where, repr(value), "an amount >= 0 (million VND)",
                   "amounts are money spent; write 0 for none", line=line_of(node, key))
        return None
    return float(value)


def _check_area(errors: ErrorCollector, area: Any, area_ids: list[str] | None, where: str,
                line: int | None) -> bool:
    if not isinstance(area, str) or not area:
        errors.add(where, repr(area), "an area id", line=line)
        return False
    if area_ids is not None and area not in area_ids:
        errors.add(where, f"unknown area {area!r}{suggest(area, area_ids)}",
                   "an area of the data: " + ", ".join(area_ids), line=line)
        return False
    return True


def _parse_line(errors: ErrorCollector, instrument: str, node: Any, where: str, inherited_source: str,
                area_ids: list[str] | None) -> list[tuple[ResourceLine, int | None]]:
    if not check_keys(errors, node, where, required=("years",), optional=LINE_KEYS[1:]):
        return []
    n_before = len(errors.errors)
    check_source(errors, node, where, required=not inherited_source)
    years = _parse_years(errors, node, where)
    lineno = line_of(node)
    destinations = [k for k in ("rule", "area", "areas") if k in node]
    if len(destinations) != 1:
        errors.add(where, "no destination" if not destinations else f"both {' and '.join(destinations)}",
                   "exactly one of rule (a district total), area (one area) or areas (an amount per area)",
                   line=lineno)
        return []
    dest = destinations[0]
    if dest != "rule" and "shares" in node:
        errors.add(f"{where}.shares", "shares without rule: shares", "shares only with 'rule: shares'",
                   line=line_of(node, "shares"))
    if dest == "areas" and "amount_mvnd_per_year" in node:
        errors.add(f"{where}.amount_mvnd_per_year", "an amount beside 'areas'",
                   "the amount per area inside 'areas' only", line=line_of(node, "amount_mvnd_per_year"))
    if dest != "areas" and "amount_mvnd_per_year" not in node:
        errors.add(f"{where}.amount_mvnd_per_year", "no such key", "the amount per year in million VND",
                   "add 'amount_mvnd_per_year: ...'", line=lineno)

    out: list[ResourceLine] = []
    if dest == "areas":
        areas = node["areas"]
        if not isinstance(areas, Mapping) or not areas:
            errors.add(f"{where}.areas", repr(areas), "a mapping of area id -> amount per year (million VND)",
                       line=line_of(node, "areas"))
            return []
        for area in areas:
            ok = _check_area(errors, area, area_ids, f"{where}.areas.{area}", line_of(areas, area))
            amount = _amount(errors, areas, area, f"{where}.areas.{area}")
            if ok and amount is not None:
                out.extend(ResourceLine(y, instrument, amount, area=str(area)) for y in years)
    elif "amount_mvnd_per_year" in node:
        amount = _amount(errors, node, "amount_mvnd_per_year", f"{where}.amount_mvnd_per_year")
        if dest == "area":
            ok = _check_area(errors, node["area"], area_ids, f"{where}.area", line_of(node, "area"))
            if ok and amount is not None:
                out.extend(ResourceLine(y, instrument, amount, area=node["area"]) for y in years)
        else:
            rule = node["rule"]
            shares = None
            if rule not in ALLOCATION_RULES:
                errors.add(f"{where}.rule", f"{rule!r}{suggest(str(rule), ALLOCATION_RULES)}",
                           "one of " + ", ".join(ALLOCATION_RULES), line=line_of(node, "rule"))
            elif rule == "shares":
                shares = _parse_shares(errors, node, where, area_ids)
            elif "shares" in node:
                errors.add(f"{where}.shares", f"shares with rule {rule!r}", "shares only with 'rule: shares'",
                           line=line_of(node, "shares"))
            if amount is not None and rule in ALLOCATION_RULES and (rule != "shares" or shares):
                out.extend(ResourceLine(y, instrument, amount, rule=rule, shares=shares) for y in years)
    if len(errors.errors) > n_before:
        return []
    return [(r, lineno) for r in out]


def _parse_shares(errors: ErrorCollector, node: Mapping[str, Any], where: str,
                  area_ids: list[str] | None) -> dict[str, float] | None:
    shares = node.get("shares")
    if not isinstance(shares, Mapping) or not shares:
        errors.add(f"{where}.shares", repr(shares), "a mapping of area id -> share (weights, normalised to sum 1)",
                   "add 'shares: {area_id: 0.6, other_area: 0.4}'", line=line_of(node, "shares") or line_of(node))
        return None
    out = {}
    ok = True
    for area, value in shares.items():
        ok &= _check_area(errors, area, area_ids, f"{where}.shares.{area}", line_of(shares, area))
        if not is_number(value) or value < 0:
            errors.add(f"{where}.shares.{area}", repr(value), "a share >= 0", line=line_of(shares, area))
            ok = False
        else:
            out[str(area)] = float(value)
    if ok and sum(out.values()) <= 0:
        errors.add(f"{where}.shares", f"shares summing to {sum(out.values()):g}", "a positive sum",
                   line=line_of(node, "shares"))
        ok = False
    return out if ok else None


def _parse_entry_shares(errors: ErrorCollector, data: Mapping[str, Any]) -> dict[str, dict[str, float]] | None:
    node = data.get("entry_shares")
    if not check_keys(errors, node, "entry_shares", required=GROUPS):
        return None
    out: dict[str, dict[str, float]] = {}
    for group in GROUPS:
        g = node.get(group)
        where = f"entry_shares.{group}"
        if g is None or not check_keys(errors, g, where, required=STATES):
            continue
        values = {}
        for state in STATES:
            v = g.get(state)
            if state in g and (not is_number(v) or not 0 <= v <= 1):
                errors.add(f"{where}.{state}", repr(v), "a share in [0, 1]", line=line_of(g, state))
            elif state in g:
                values[state] = float(v)
        if len(values) == len(STATES):
            total = sum(values.values())
            if abs(total - 1.0) > 1e-6:
                errors.add(where, f"shares summing to {total:g}", "poor + near_poor + other = 1",
                           line=line_of(node, group))
            out[group] = values
    return out if len(out) == len(GROUPS) else None


def parse_scenario(data: Any, errors: ErrorCollector, *, instruments: Iterable[str] | None = None,
                   areas: Iterable[str] | None = None, default_source: str = "") -> Scenario | None:
    """A scenario from a read YAML document; ``instruments``/``areas`` (ids) check the names used."""
    if not check_keys(errors, data, "", required=("id", "name_vi", "name_en", "description", "resources"),
                      optional=("description_vi", "reference", "assumption", "entry_shares", "note")):
        return None
    n_before = len(errors.errors)
    sid = data.get("id")
    if not isinstance(sid, str) or not SCENARIO_ID.match(sid):
        errors.add("id", repr(sid), "an id of ASCII letters, digits, _ . -", "e.g. 'status_quo'",
                   line=line_of(data, "id"))
    name_vi = read_text(errors, data, "name_vi", "")
    name_en = read_text(errors, data, "name_en", "")
    description = read_text(errors, data, "description", "")
    description_vi = read_text(errors, data, "description_vi", "", required=False)
    check_source(errors, data, "(file)", required=False)
    file_source = source_of(data)
    known_instruments = list(instruments) if instruments is not None else None
    area_ids = list(areas) if areas is not None else None

    resources = data.get("resources")
    lines: list[ResourceLine] = []
    order: list[str] = []
    if resources is None:
        resources = {}
    if not isinstance(resources, Mapping):
        errors.add("resources", repr(resources), "a mapping of instrument id -> {lines: [...]}",
                   line=line_of(data, "resources"))
        resources = {}
    for inst, block in resources.items():
        where = f"resources.{inst}"
        if known_instruments is not None and inst not in known_instruments:
            errors.add(where, f"unknown instrument {inst!r}{suggest(str(inst), known_instruments)}",
                       "an instrument of params/instruments.yaml: " + ", ".join(known_instruments),
                       line=line_of(resources, inst))
            continue
        if not check_keys(errors, block, where, required=("lines",), optional=("reference", "assumption", "note")):
            continue
        check_source(errors, block, where, required=False)
        block_source = source_of(block) or file_source
        raw_lines = block.get("lines")
        if not isinstance(raw_lines, list):
            errors.add(f"{where}.lines", repr(raw_lines), "a list of lines (- years: ..., amount_mvnd_per_year: ...)",
                       line=line_of(block, "lines"))
            continue
        order.append(str(inst))
        seen: dict[tuple, tuple[int, int | None]] = {}
        for i, node in enumerate(raw_lines):
            line_where = f"{where}.lines[{i + 1}]"
            for r, lineno in _parse_line(errors, str(inst), node, line_where, block_source, area_ids):
                key = (r.year, _destination_key(r))
                if key in seen:
                    first, first_line = seen[key]
                    if first != i:
                        errors.add(f"{line_where}.years", f"year {r.year} again for the same destination "
                                   f"(first in lines[{first + 1}]" + (f", line {first_line})" if first_line else ")"),
                                   "each year once per instrument and destination",
                                   "add the amounts together in one line or split the year ranges",
                                   line=line_of(node, "years"))
                    continue
                seen[key] = (i, lineno)
                lines.append(r)

    entry = _parse_entry_shares(errors, data) if "entry_shares" in data else None
    if len(errors.errors) > n_before:
        return None
    return Scenario(sid, name_vi, name_en, description, _canonical(lines, order), entry,
                    file_source or default_source, description_vi)


# -- writing ----------------------------------------------------------------------------------------
def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(x)


def _years_text(first: int, last: int) -> int | str:
    return first if first == last else f"{first}-{last}"


def _runs(by_year: dict[int, Any]) -> list[tuple[int, int, Any]]:
    """Consecutive years with equal values, as (first, last, value)."""
    runs: list[tuple[int, int, Any]] = []
    for year in sorted(by_year):
        value = by_year[year]
        if runs and runs[-1][1] == year - 1 and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], year, value)
        else:
            runs.append((year, year, value))
    return runs


def scenario_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the mapping a scenario file holds (plain dicts, lists and numbers)."""
    doc: dict[str, Any] = {"id": scenario.id, "name_vi": scenario.name_vi, "name_en": scenario.name_en,
                           "description": scenario.description}
    if scenario.description_vi:
        doc["description_vi"] = scenario.description_vi
    source = (scenario.source or "").strip()
    if source.startswith("assumption:"):
        doc["assumption"] = source[len("assumption:"):].strip()
    elif "; assumption:" in source:
        ref, _, reason = source.partition("; assumption:")
        doc["reference"], doc["assumption"] = ref.strip(), reason.strip()
    elif source:
        doc["reference"] = source
    else:
        doc["assumption"] = DEFAULT_SAVE_ASSUMPTION

    order: list[str] = []
    totals: dict[str, dict[tuple, dict[int, float]]] = {}
    shares_of: dict[tuple, dict[str, float]] = {}
    for r in scenario.resources:
        if r.instrument not in totals:
            order.append(r.instrument)
            totals[r.instrument] = {}
        dest = _destination_key(r)
        if r.rule == "shares" and r.area is None:
            shares_of[dest] = dict(r.shares or {})
        by_year = totals[r.instrument].setdefault(dest, {})
        by_year[r.year] = by_year.get(r.year, 0.0) + float(r.amount_mvnd)

    resources: dict[str, Any] = {}
    for inst in order:
        lines: list[dict[str, Any]] = []
        dests = totals[inst]
        for dest in sorted((d for d in dests if d[0] != 1)):
            for first, last, amount in _runs(dests[dest]):
                line: dict[str, Any] = {"years": _years_text(first, last), "amount_mvnd_per_year": _number(amount),
                                        "rule": dest[1]}
                if dest[1] == "shares":
                    line["shares"] = {a: _number(s) for a, s in shares_of[dest].items()}
                lines.append(line)
        # area amounts: one line per run of years with the same amounts in every area
        per_year: dict[int, tuple] = {}
        for dest in dests:
            if dest[0] == 1:
                for year, amount in dests[dest].items():
                    per_year[year] = per_year.get(year, ()) + ((dest[1], amount),)
        for first, last, pairs in _runs({y: tuple(sorted(p)) for y, p in per_year.items()}):
            lines.append({"years": _years_text(first, last), "areas": {a: _number(x) for a, x in pairs}})
        resources[inst] = {"lines": lines}
    doc["resources"] = resources
    if scenario.entry_shares is not None:
        doc["entry_shares"] = {g: {s: _number(scenario.entry_shares[g][s]) for s in STATES} for g in GROUPS}
    return doc
