"""Parsing base rates, instruments and targets from already-read YAML.

Each ``parse_*`` takes the object :func:`thidua_sim.io._yaml.read_yaml` returned and an
:class:`~thidua_sim.errors.ErrorCollector`; it records every problem it finds and returns the
typed object, or None when there were problems. The public loaders live in ``params.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._values import (
    ID_PATTERN,
    UNITS,
    Kind,
    check_source,
    read_bool,
    read_id,
    read_int,
    read_text,
    read_value,
    source_of,
    suggest,
)
from ..core.defaults import FIRST_YEAR, LAST_YEAR
from ..core.types import EFFECT_NAMES, GROUPS, RATE_NAMES, BaseRates, Instrument, Target, Uncertain
from ..core.types import (EFFECT_NAMES, GROUPS, RATE_NAMES, TARGET_KINDS, TARGET_LEVELS, TARGET_STATUSES, BaseRates,
                          Instrument, Target, Uncertain)
from ..io._yaml import check_keys, line_of
from ..errors import ErrorCollector

__all__ = ["parse_base_rates", "parse_instruments", "parse_targets", "check_population", "FIRST_YEAR",
           "LAST_YEAR", "ROWS", "POPULATION_EXPECTED"]


RATE = Kind(UNITS["rate"], 0.0, 1.0)
GAMMA = Kind(UNITS["gamma"], 0.0, 1.0)
EFFECT = Kind(UNITS["effect"], 0.0, 1.0)
COST = Kind(UNITS["cost"], 0.0, None, low_open=True)
LAG = Kind(UNITS["lag"], 0.0, 10.0, whole=True, interval=False)
FACTOR = Kind(UNITS["factor"], 0.0, None, low_open=True, interval=False)
POINTS = Kind(UNITS["points"], 0.0, 100.0, interval=False)

# the outflows of each state, which must not sum above 1
ROWS = (("poor", "pPN", "pPO"), ("near_poor", "pNP", "pNO"), ("other", "pOP", "pON"))

# which state an effect acts on: it only acts if that state is eligible
EFFECT_STATE = {"uPO": "poor", "uPN": "poor", "uNO": "near_poor", "dNP": "near_poor"}
ELIGIBLE_STATES = ("poor", "near_poor")


# -- base rates -------------------------------------------------------------------------------------
def parse_base_rates(data: Any, errors: ErrorCollector) -> BaseRates | None:
    """Base rates per group (``groups:``) and optional per-area multipliers."""
    if not check_keys(errors, data, "", required=("description", "groups"),
                      optional=("reference", "assumption", "area_multipliers", "fit")):
        return None
    n_before = len(errors.errors)
    read_text(errors, data, "description", "")
    check_source(errors, data, "(file)", required=False)
    if "fit" in data and not isinstance(data["fit"], Mapping):
        errors.add("fit", repr(data["fit"]), "a mapping describing the fit (data used, method, date)",
                   line=line_of(data, "fit"))

    rates: dict[str, dict[str, Uncertain]] = {}
    groups = data.get("groups")
    if check_keys(errors, groups, "groups", required=GROUPS):
        for group in GROUPS:
            node = groups.get(group)
            where = f"groups.{group}"
            if node is None or not check_keys(errors, node, where, required=RATE_NAMES, optional=("description",)):
                continue
            values = {}
            for name in RATE_NAMES:
                if name in node:
                    v = read_value(errors, node, name, f"{where}.{name}", GAMMA if name == "gamma" else RATE,
                                   require_description=True)
                    if v is not None:
                        values[name] = v
            if len(values) == len(RATE_NAMES):
                _check_rows(errors, {k: v.central for k, v in values.items()}, where, line_of(groups, group))
                rates[group] = values

    multipliers = _parse_multipliers(errors, data, rates)
    if len(errors.errors) > n_before:
        return None
    return BaseRates(rates, multipliers, source_of(data) or str(errors.file))


def _check_rows(errors: ErrorCollector, central: Mapping[str, float], where: str, line: int | None,
                note: str = "") -> None:
    for state, a, b in ROWS:
        total = central[a] + central[b]
        if total > 1.0 + 1e-12:
            errors.add(f"{where}.{a} + {b}", f"{central[a]:g} + {central[b]:g} = {total:g}{note}",
                       f"outflows of a {state} household summing to at most 1",
                       f"lower {a} or {b}", line=line)


def _parse_multipliers(errors: ErrorCollector, data: Mapping[str, Any],
                       rates: Mapping[str, Mapping[str, Uncertain]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    node = data.get("area_multipliers")
    if node is None:
        return out
    if not isinstance(node, Mapping):
        errors.add("area_multipliers", repr(node), "a mapping of area id -> rate -> factor",
                   line=line_of(data, "area_multipliers"))
        return out
    for area_id, area_node in node.items():
        where = f"area_multipliers.{area_id}"
        if not read_id(errors, area_id, where, line_of(node, area_id)):
            continue
        if not check_keys(errors, area_node, where, optional=RATE_NAMES):
            continue
        factors = {}
        for name in area_node:
            if name in RATE_NAMES:
                v = read_value(errors, area_node, name, f"{where}.{name}", FACTOR)
                if v is not None:
                    factors[name] = v.central
        out[area_id] = factors
        for group, values in rates.items():
            if len(values) != len(RATE_NAMES):
                continue
            central = {k: v.central * factors.get(k, 1.0) for k, v in values.items()}
            for name, factor in factors.items():
                if name != "gamma" and central[name] > 1.0:
                    errors.add(f"{where}.{name}", f"{values[name].central:g} x {factor:g} = {central[name]:g} "
                               f"for group {group}", "a multiplied rate of at most 1",
                               "lower the factor", line=line_of(area_node, name))
            _check_rows(errors, central, where, line_of(node, area_id), f" for group {group} after multipliers")
    return out


# -- instruments ------------------------------------------------------------------------------------
def parse_instruments(data: Any, errors: ErrorCollector) -> dict[str, Instrument] | None:
    """Instruments (``instruments: {id: {...}}``), in file order."""
    if not check_keys(errors, data, "", required=("description", "instruments"),
                      optional=("reference", "assumption")):
        return None
    n_before = len(errors.errors)
    read_text(errors, data, "description", "")
    check_source(errors, data, "(file)", required=False)
    node = data.get("instruments")
    out: dict[str, Instrument] = {}
    if not isinstance(node, Mapping) or not node:
        errors.add("instruments", repr(node), "a mapping of instrument id -> instrument (at least one)",
                   line=line_of(data, "instruments"))
        return None
    for inst_id, inst in node.items():
        where = f"instruments.{inst_id}"
        if not read_id(errors, inst_id, where, line_of(node, inst_id)):
            continue
        inst_obj = _parse_instrument(errors, inst_id, inst, where)
        if inst_obj is not None:
            out[inst_id] = inst_obj
    if len(errors.errors) > n_before:
        return None
    return out


def _parse_instrument(errors: ErrorCollector, inst_id: str, inst: Any, where: str) -> Instrument | None:
    if not check_keys(errors, inst, where,
                      required=("name_vi", "name_en", "programme", "cost_mvnd", "eligible", "effects", "lag"),
                      optional=("description", "reference", "reference_vi", "assumption", "assumption_vi", "programme_vi", "closes",
                                "income_effect")):
        return None
    n_before = len(errors.errors)
    closes, income_effect = parse_household_effects(errors, inst, where)
    name_vi = read_text(errors, inst, "name_vi", where)
    name_en = read_text(errors, inst, "name_en", where)
    programme = read_text(errors, inst, "programme", where)
    programme_vi = read_text(errors, inst, "programme_vi", where, required=False)
    check_source(errors, inst, where, required=False)
    cost = read_value(errors, inst, "cost_mvnd", f"{where}.cost_mvnd", COST) if "cost_mvnd" in inst else None
    lag = read_value(errors, inst, "lag", f"{where}.lag", LAG) if "lag" in inst else None

    eligible: set[str] = set()
    raw = inst.get("eligible")
    if "eligible" in inst:
        if not isinstance(raw, list) or not raw:
            errors.add(f"{where}.eligible", repr(raw), "a list of states, e.g. [poor, near_poor]",
                       line=line_of(inst, "eligible"))
        else:
            for state in raw:
                if state not in ELIGIBLE_STATES:
                    hint = suggest(state, ELIGIBLE_STATES)
                    errors.add(f"{where}.eligible", f"unknown state {state!r}{hint}",
                               "poor and/or near_poor (support goes to poor or near-poor households)",
                               line=line_of(inst, "eligible"))
                elif state in eligible:
                    errors.add(f"{where}.eligible", f"{state!r} twice", "each state once",
                               line=line_of(inst, "eligible"))
                eligible.add(str(state))

    effects: dict[str, Uncertain] = {}
    node = inst.get("effects")
    if "effects" in inst and check_keys(errors, node, f"{where}.effects", optional=EFFECT_NAMES):
        if not node:
            errors.add(f"{where}.effects", "no effects", f"at least one of {', '.join(EFFECT_NAMES)}",
                       line=line_of(inst, "effects"))
        for name in node:
            if name not in EFFECT_NAMES:
                continue
            v = read_value(errors, node, name, f"{where}.effects.{name}", EFFECT)
            if v is not None:
                effects[name] = v
            state = EFFECT_STATE[name]
            if eligible and state not in eligible and all(s in ELIGIBLE_STATES for s in eligible):
                errors.add(f"{where}.effects.{name}", f"an effect on {state} households, who are not eligible",
                           f"{name} only for an instrument with {state} in eligible",
                           f"add {state} to eligible or remove {name}", line=line_of(node, name))
    if len(errors.errors) > n_before or cost is None or lag is None:
        return None
    return Instrument(inst_id, name_vi, name_en, programme, cost, frozenset(eligible), effects,
                      int(lag.central), source_of(inst) or programme, closes, income_effect, programme_vi)


INCOME_EFFECT = Kind(UNITS["income_line"], 0.0, None)


def parse_household_effects(errors: ErrorCollector, inst: Mapping[str, Any],
                            where: str) -> tuple[frozenset[str], Uncertain | None]:
    """The optional household-level effects of an instrument: ``closes: {indicators: [...],
    reference/assumption}`` (indicator ids of the poverty standards) and ``income_effect``
    (VND per person per month, a value with unit and source)."""
    closes: set[str] = set()
    node = inst.get("closes")
    if "closes" in inst and check_keys(errors, node, f"{where}.closes", required=("indicators",),
                                       optional=("description", "reference", "assumption")):
        check_source(errors, node, f"{where}.closes")
        ids = node.get("indicators")
        known = _indicator_ids()
        if not isinstance(ids, list) or not ids:
            errors.add(f"{where}.closes.indicators", repr(ids), "a list of indicator ids, e.g. [housing_quality]",
                       line=line_of(node, "indicators"))
        else:
            for iid in ids:
                if not isinstance(iid, str) or (known and iid not in known):
                    errors.add(f"{where}.closes.indicators", f"unknown indicator {iid!r}{suggest(str(iid), known)}",
                               "indicator ids of params/standards.yaml", line=line_of(node, "indicators"))
                else:
                    closes.add(iid)
    effect = None
    if "income_effect" in inst:
        effect = read_value(errors, inst, "income_effect", f"{where}.income_effect", INCOME_EFFECT)
    return frozenset(closes), effect


def _indicator_ids() -> list[str]:
    """Indicator ids of every standard of the project's standards file ([] when it cannot be read)."""
    try:
        from .standards import _default

        return sorted({i.id for s in _default() for i in s.indicators})
    except Exception:  # the standards file is checked on its own; do not cascade its problems here
        return []


# -- targets ----------------------------------------------------------------------------------------
def check_population(population: Any, areas: Iterable[str] | None) -> str | None:
    """None when ``population`` is well-formed (and names a known area), else what is wrong."""
    if not isinstance(population, str):
        return f"{population!r} is not a text"
    if population in ("district", *GROUPS):
        return None
    parts = population.split(":")
    if parts[0] != "area" or len(parts) not in (2, 3) or not parts[1]:
        return f"{population!r} is not a population"
    if len(parts) == 3 and parts[2] not in GROUPS:
        return f"{population!r} names group {parts[2]!r}{suggest(parts[2], GROUPS)}"
    if areas is not None:
        known = list(areas)
        if parts[1] not in known:
            return f"{population!r} names unknown area {parts[1]!r}{suggest(parts[1], known)}"
    return None


POPULATION_EXPECTED = "'district', 'dtts', 'other', 'area:<area id>' or 'area:<area id>:<group>'"


def parse_targets(data: Any, errors: ErrorCollector, areas: Iterable[str] | None = None) -> tuple[Target, ...] | None:
    """Targets (``targets: {id: {...}}``); ``areas`` (ids) checks ``area:<id>`` populations."""
    if not check_keys(errors, data, "", required=("description", "targets"), optional=("reference", "assumption")):
        return None
    n_before = len(errors.errors)
    read_text(errors, data, "description", "")
    check_source(errors, data, "(file)", required=False)
    area_ids = list(areas) if areas is not None else None
    node = data.get("targets")
    if not isinstance(node, Mapping) or not node:
        errors.add("targets", repr(node), "a mapping of target id -> target (at least one)",
                   line=line_of(data, "targets"))
        return None
    out = []
    for target_id, t in node.items():
        where = f"targets.{target_id}"
        if not read_id(errors, target_id, where, line_of(node, target_id)):
            continue
        if not check_keys(errors, t, where,
                          required=("name_vi", "name_en", "population", "threshold_points", "start_year", "end_year"),
                          optional=("strict", "description", "reference", "assumption", "kind", "standard", "level",
                                    "status", "decision", "areas")):
            continue
        m = len(errors.errors)
        name_vi = read_text(errors, t, "name_vi", where)
        name_en = read_text(errors, t, "name_en", where)
        problem = check_population(t.get("population"), area_ids)
        if problem is not None:
            errors.add(f"{where}.population", problem, POPULATION_EXPECTED, line=line_of(t, "population"))
        kind = t.get("kind", "reduction")
        if kind not in TARGET_KINDS:
            errors.add(f"{where}.kind", f"{kind!r}{suggest(str(kind), TARGET_KINDS)}", "one of " + ", ".join(TARGET_KINDS),
                       line=line_of(t, "kind"))
        threshold = read_value(errors, t, "threshold_points", f"{where}.threshold_points",
                               LEVEL if kind == "level" else POINTS, inherited_source=source_of(t) or source_of(data))
        extra = _target_extra(errors, t, where, kind, area_ids)
        start = read_int(errors, t, "start_year", where, low=FIRST_YEAR, high=LAST_YEAR)
        end = read_int(errors, t, "end_year", where, low=FIRST_YEAR, high=LAST_YEAR)
        if start is not None and end is not None and end <= start:
            errors.add(f"{where}.end_year", f"end_year {end} not after start_year {start}",
                       "years in order: start_year < end_year", line=line_of(t, "end_year"))
        strict = read_bool(errors, t, "strict", where, default=True)
        if len(errors.errors) == m and threshold is not None and start is not None and end is not None:
            out.append(Target(target_id, name_vi, name_en, t["population"], threshold.central, start, end,
                              strict, threshold.source, kind=kind, **extra))
    if len(errors.errors) > n_before:
        return None
    return tuple(out)



LEVEL = Kind(UNITS["level"], 0.0, 100.0, interval=False)


def _target_extra(errors: ErrorCollector, t: Mapping[str, Any], where: str, kind: Any,
                  area_ids: list[str] | None) -> dict[str, Any]:
    """The optional fields of a target (standard, level, status, decision, areas), checked."""
    out: dict[str, Any] = {}
    if "standard" in t:
        if not isinstance(t["standard"], str) or not ID_PATTERN.match(t["standard"]):
            errors.add(f"{where}.standard", repr(t["standard"]), "the id of a standard of standards.yaml, "
                       "e.g. decree_351_2025", line=line_of(t, "standard"))
        else:
            out["standard"] = t["standard"]
    for key, allowed, default in (("level", TARGET_LEVELS, "district"), ("status", TARGET_STATUSES, "assigned")):
        value = t.get(key, default)
        if value not in allowed:
            errors.add(f"{where}.{key}", f"{value!r}{suggest(str(value), allowed)}", "one of " + ", ".join(allowed),
                       line=line_of(t, key))
        else:
            out[key] = value
    decision = t.get("decision", "")
    if not isinstance(decision, str):
        errors.add(f"{where}.decision", repr(decision), "the decision's number and date as text",
                   line=line_of(t, "decision"))
    else:
        out["decision"] = decision.strip()
    if out.get("status") == "assigned" and out.get("level") == "commune" and not out.get("decision"):
        errors.add(f"{where}.decision", "an assigned commune target without its decision",
                   "decision: '<number>/QĐ-UBND of <date>'",
                   "write the decision that assigned it, or status: proposed", line=line_of(t))
    areas = t.get("areas")
    if kind == "communes":
        if not isinstance(areas, list) or not areas or not all(isinstance(a, str) for a in areas):
            errors.add(f"{where}.areas", repr(areas), "a list of area ids (the communes the target names)",
                       line=line_of(t, "areas"))
        else:
            if area_ids is not None:
                for a in areas:
                    if a not in area_ids:
                        errors.add(f"{where}.areas", f"unknown area {a!r}{suggest(a, area_ids)}",
                                   "ids of the data's areas files", line=line_of(t, "areas"))
            out["areas"] = tuple(areas)
        if t.get("population") not in ("district", *GROUPS):
            errors.add(f"{where}.population", repr(t.get("population")),
                       "district, dtts or other (the group within the named communes)", line=line_of(t, "population"))
    elif areas is not None:
        errors.add(f"{where}.areas", repr(areas), "no areas (only a target of kind communes names areas)",
                   line=line_of(t, "areas"))
    return out
