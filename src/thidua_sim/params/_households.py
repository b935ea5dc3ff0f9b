"""The settings of the household records tools (``params/households.yaml``): the small-count
suppression, the uncertain income growth of the microsimulation, the assumptions of the
2027 switch (Decree 351) and indicator-level support measures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from ._files import ELIGIBLE_STATES, parse_household_effects
from ._values import Kind, check_source, read_id, read_text, read_value, source_of, suggest
from ..core.defaults import SHIPPED_PARAMS
from ..core.types import Instrument, Uncertain
from ..errors import ErrorCollector
from ..io._yaml import check_keys, line_of, read_yaml

__all__ = ["HouseholdParams", "load_household_params", "parse_household_params", "default_household_params_path"]

MIN_COUNT = Kind("households", 1.0, 1000.0, whole=True, interval=False)
GROWTH = Kind("share per year", -0.5, 0.5)
SPREAD = Kind("share per year", 0.0, 2.0)
COST = Kind("million VND per household", 0.0, None, low_open=True)


@dataclass(frozen=True)
class HouseholdParams:
    """``min_count``: thôn cells below it are suppressed. ``growth_mean``/``growth_sd``: yearly
    income growth per household (log scale). ``switch_growth``: growth a year from the review
    year to 2027. ``assume_indicators[new indicator]``: the Decree 07 indicators standing for
    it where it was not recorded. ``measures``: extra support measures (Instrument objects)."""

    min_count: int = 5
    growth_mean: Uncertain = Uncertain(0.04)
    growth_sd: Uncertain = Uncertain(0.15)
    switch_growth: Uncertain = Uncertain(0.05)
    assume_indicators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    assumption_notes: Mapping[str, str] = field(default_factory=dict)
    measures: Mapping[str, Instrument] = field(default_factory=dict)
    source: str = ""


def default_household_params_path() -> Path:
    here = SHIPPED_PARAMS / "households.yaml"
    return here if here.exists() else Path("params") / "households.yaml"


def load_household_params(path: str | PathLike[str] | None = None) -> HouseholdParams:
    """Read and check ``params/households.yaml`` (default: the project's); InputErrors on problems."""
    path = Path(path) if path is not None else default_household_params_path()
    errors = ErrorCollector(path)
    out = parse_household_params(read_yaml(path), errors)
    errors.raise_if_any()
    assert out is not None
    return out


def parse_household_params(data: Any, errors: ErrorCollector) -> HouseholdParams | None:
    if not check_keys(errors, data, "", required=("description", "suppression", "income_growth", "switch_2027"),
                      optional=("measures", "reference", "assumption")):
        return None
    n_before = len(errors.errors)
    read_text(errors, data, "description", "")
    min_count = growth_mean = growth_sd = switch_growth = None
    sup = data.get("suppression")
    if check_keys(errors, sup, "suppression", required=("min_count",)):
        min_count = read_value(errors, sup, "min_count", "suppression.min_count", MIN_COUNT, require_description=True)
    growth = data.get("income_growth")
    if check_keys(errors, growth, "income_growth", required=("mean", "sd")):
        growth_mean = read_value(errors, growth, "mean", "income_growth.mean", GROWTH, require_description=True)
        growth_sd = read_value(errors, growth, "sd", "income_growth.sd", SPREAD, require_description=True)
    switch = data.get("switch_2027")
    assume: dict[str, tuple[str, ...]] = {}
    notes: dict[str, str] = {}
    if check_keys(errors, switch, "switch_2027", required=("income_growth_per_year", "assume_indicators")):
        switch_growth = read_value(errors, switch, "income_growth_per_year", "switch_2027.income_growth_per_year",
                                   GROWTH, require_description=True)
        node = switch.get("assume_indicators")
        if not isinstance(node, Mapping):
            errors.add("switch_2027.assume_indicators", repr(node), "a mapping of new indicator -> {from, assumption}",
                       line=line_of(switch, "assume_indicators"))
        else:
            for iid, spec in node.items():
                where = f"switch_2027.assume_indicators.{iid}"
                if not read_id(errors, iid, where, line_of(node, iid)):
                    continue
                if not check_keys(errors, spec, where, required=("from",), optional=("reference", "assumption")):
                    continue
                check_source(errors, spec, where)
                src = spec.get("from")
                if not isinstance(src, list) or not src or not all(isinstance(x, str) for x in src):
                    errors.add(f"{where}.from", repr(src), "a list of Decree 07 indicator ids, e.g. [sanitation]",
                               line=line_of(spec, "from"))
                    continue
                assume[str(iid)] = tuple(src)
                notes[str(iid)] = source_of(spec)
    measures: dict[str, Instrument] = {}
    node = data.get("measures")
    if node is not None:
        if not isinstance(node, Mapping):
            errors.add("measures", repr(node), "a mapping of measure id -> measure", line=line_of(data, "measures"))
        else:
            for mid, m in node.items():
                where = f"measures.{mid}"
                if read_id(errors, mid, where, line_of(node, mid)):
                    inst = _parse_measure(errors, str(mid), m, where)
                    if inst is not None:
                        measures[str(mid)] = inst
    if len(errors.errors) > n_before or None in (min_count, growth_mean, growth_sd, switch_growth):
        return None
    return HouseholdParams(int(min_count.central), growth_mean, growth_sd, switch_growth,  # type: ignore[union-attr]
                           assume, notes, measures, str(errors.file))


def _parse_measure(errors: ErrorCollector, mid: str, m: Any, where: str) -> Instrument | None:
    if not check_keys(errors, m, where, required=("name_vi", "name_en", "programme", "cost_mvnd", "eligible"),
                      optional=("closes", "income_effect", "description", "reference", "assumption")):
        return None
    n_before = len(errors.errors)
    name_vi = read_text(errors, m, "name_vi", where)
    name_en = read_text(errors, m, "name_en", where)
    programme = read_text(errors, m, "programme", where)
    cost = read_value(errors, m, "cost_mvnd", f"{where}.cost_mvnd", COST)
    eligible = m.get("eligible")
    if not isinstance(eligible, list) or not eligible or any(s not in ELIGIBLE_STATES for s in eligible):
        bad = next((s for s in eligible if s not in ELIGIBLE_STATES), None) if isinstance(eligible, list) else None
        errors.add(f"{where}.eligible", repr(eligible) + (suggest(str(bad), ELIGIBLE_STATES) if bad else ""),
                   "a list of states, e.g. [poor, near_poor]", line=line_of(m, "eligible"))
    closes, income = parse_household_effects(errors, m, where)
    if not closes and income is None:
        errors.add(where, "neither closes nor income_effect", "what the measure changes for a household",
                   "add 'closes: {indicators: [...], assumption: ...}' or an 'income_effect'", line=line_of(m))
    if len(errors.errors) > n_before or cost is None:
        return None
    return Instrument(mid, name_vi, name_en, programme, cost, frozenset(eligible), {}, 0,
                      source_of(m) or programme, closes, income)
