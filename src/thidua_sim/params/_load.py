"""Loading and checking the parameter files (see the package docstring): one entry point per kind, and the scenario writer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from ._files import parse_base_rates, parse_instruments, parse_targets
from ._scenario import parse_scenario, scenario_document
from ._values import suggest
from ..core.types import Area, BaseRates, Instrument, Params, Scenario, Target
from ..io import write_atomic
from ..io._yaml import WritingDumper, line_of, read_yaml
from ..errors import ErrorCollector, InputError, InputErrors
from .standards import parse_standards
from ._rebasing import Rebasing, load_rebasing, parse_rebasing
from ._households import HouseholdParams, load_household_params, parse_household_params

__all__ = [
    "load_params",
    "load_base_rates",
    "load_instruments",
    "load_targets",
    "load_scenario",
    "save_scenario",
    "validate_params_file",
    "params_file_kind",
    "PARAMS_KINDS",
    "Rebasing",
    "load_rebasing",
    "HouseholdParams",
    "load_household_params",
]

PARAMS_KINDS: tuple[str, ...] = ("standards", "instruments", "base_rates", "targets", "scenario", "rebasing",
                                 "households")
"""The kinds of parameter file :func:`validate_params_file` knows."""

_BY_NAME = {"standards": "standards", "instruments": "instruments", "targets": "targets", "rebasing": "rebasing",
            "households": "households"}
_BY_TOP_KEY = (("standards", "standards"), ("instruments", "instruments"), ("groups", "base_rates"),
               ("targets", "targets"), ("resources", "scenario"), ("reclassification", "rebasing"))

PathArg = str | PathLike[str]
AreasArg = Iterable[Area] | Iterable[str] | None


def _area_ids(areas: AreasArg) -> list[str] | None:
    if areas is None:
        return None
    return [a.id if isinstance(a, Area) else str(a) for a in areas]


def _instrument_ids(params: Params | Mapping[str, Any] | Iterable[str] | None) -> list[str] | None:
    if params is None:
        return None
    if isinstance(params, Params):
        return list(params.instruments)
    return list(params)


def _load(path: PathArg, parse: Any, **kwargs: Any) -> Any:
    path = Path(path)
    errors = ErrorCollector(path)
    result = parse(read_yaml(path), errors, **kwargs)
    errors.raise_if_any()
    return result


# -- loaders ----------------------------------------------------------------------------------------
def load_base_rates(path: PathArg) -> BaseRates:
    """Base annual rates per group with their intervals, and per-area multipliers."""
    return _load(path, parse_base_rates)


def load_instruments(path: PathArg) -> dict[str, Instrument]:
    """Instruments by id, in file order."""
    return _load(path, parse_instruments)


def load_targets(path: PathArg, areas: AreasArg = None) -> tuple[Target, ...]:
    """Targets; with ``areas`` (Area objects or ids), ``area:<id>`` populations must name one of them."""
    return _load(path, parse_targets, areas=_area_ids(areas))


def load_params(params_dir: PathArg = "params", *, base_rates: PathArg | None = None,
                areas: AreasArg = None) -> Params:
    """Base rates, instruments and targets of a params folder, checked together.

    ``base_rates``: another base-rates file (e.g. a fitted one) instead of
    ``<params_dir>/base_rates.yaml``. Problems of all three files are raised together.
    """
    folder = Path(params_dir)
    if not folder.is_dir():
        raise InputErrors([InputError(str(folder), "folder", "no such folder",
                                      "a params folder with base_rates.yaml, instruments.yaml, targets.yaml",
                                      "check the path (default: params)")])
    problems: list[InputError] = []
    results = []
    for path, parse, kwargs in (
        (Path(base_rates) if base_rates is not None else folder / "base_rates.yaml", parse_base_rates, {}),
        (folder / "instruments.yaml", parse_instruments, {}),
        (folder / "targets.yaml", parse_targets, {"areas": _area_ids(areas)}),
    ):
        try:
            results.append(_load(path, parse, **kwargs))
        except InputErrors as exc:
            problems.extend(exc.errors)
            results.append(None)
    if problems:
        raise InputErrors(problems)
    rates, instruments, targets = results
    return Params(rates, instruments, targets, str(folder))


def load_scenario(path: PathArg, params: Params | Mapping[str, Any] | Iterable[str] | None = None,
                  areas: AreasArg = None) -> Scenario:
    """Read a scenario file and expand it to one resource line per year and destination.

    With ``params`` (a Params, a mapping of instruments or instrument ids) every instrument
    must exist; with ``areas`` (Area objects or ids) every area named must exist.
    """
    path = Path(path)
    return _load(path, parse_scenario, instruments=_instrument_ids(params), areas=_area_ids(areas),
                 default_source=str(path))


class _Flow(dict):
    """A mapping written on one line ({years: 2022-2025, amount_mvnd_per_year: 3000, rule: poor})."""


class _Dumper(WritingDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                                                    flow_style=True))
_Dumper.add_representer(dict, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items()))



def save_scenario(scenario: Scenario, path: PathArg, overwrite: bool = False) -> Path:
    """Write ``scenario`` in the scenario file format; reading it back gives the same scenario.

    Refuses to replace an existing file unless ``overwrite`` is True. Resource lines of the same
    instrument, year and destination are added together; consecutive years with equal amounts
    become a range. Returns the path written.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise InputErrors([InputError(str(path), "file", "a file that already exists", "a new file name",
                                      "choose another name or pass overwrite=True")])
    doc = scenario_document(scenario)
    errors = ErrorCollector(path)
    if parse_scenario(doc, errors) is None:  # refuse to write a file that would not load
        raise InputErrors(errors.errors)
    for block in doc["resources"].values():
        block["lines"] = [_Flow(line) for line in block["lines"]]
    if "entry_shares" in doc:
        doc["entry_shares"] = {g: _Flow(v) for g, v in doc["entry_shares"].items()}
    text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    header = f"# Scenario {scenario.id}, written by thidua_sim.save_scenario. Format: docs/formats/params.md\n"
    return write_atomic(path, header + text)


# -- validation -------------------------------------------------------------------------------------
def params_file_kind(path: PathArg, data: Any = None) -> str | None:
    """Which kind of parameter file ``path`` is (one of PARAMS_KINDS), or None.

    By name first (``standards.yaml``, ``instruments.yaml``, ``targets.yaml``, ``base_rates*.yaml``,
    any YAML in a ``scenarios`` folder), then by the top-level keys of ``data`` when given.
    """
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    if path.stem in _BY_NAME:
        return _BY_NAME[path.stem]
    if path.stem.startswith("base_rates"):
        return "base_rates"
    if path.parent.name == "scenarios":
        return "scenario"
    if isinstance(data, Mapping):
        for key, kind in _BY_TOP_KEY:
            if key in data:
                return kind
    return None


def _in_params_folder(path: Path) -> bool:
    return any(p.name == "params" for p in path.resolve().parents)


def validate_params_file(path: PathArg, *, instruments: Iterable[str] | None = None,
                         areas: AreasArg = None) -> list[InputError] | None:
    """Every problem of one parameter file: [] when clean, None when it is not a parameter file.

    ``instruments`` (ids) cross-checks a scenario's instruments; ``areas`` (Area objects or ids)
    cross-checks the areas named in scenarios, targets and base-rate multipliers.
    """
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    kind = params_file_kind(path)
    try:
        data = read_yaml(path)
    except InputErrors as exc:
        return list(exc.errors) if kind is not None or _in_params_folder(path) else None
    kind = kind or params_file_kind(path, data)
    if kind is None:
        if _in_params_folder(path):
            return [InputError(str(path), "file", "a YAML file of unknown kind",
                               "a parameter file: " + ", ".join(PARAMS_KINDS),
                               "name it standards.yaml, instruments.yaml, base_rates.yaml or targets.yaml, or put "
                               "a scenario in params/scenarios/")]
        return None
    area_ids = _area_ids(areas)
    errors = ErrorCollector(path)
    if kind == "standards":
        parse_standards(data, errors)
    elif kind == "households":
        parse_household_params(data, errors)
    elif kind == "instruments":
        parse_instruments(data, errors)
    elif kind == "targets":
        parse_targets(data, errors, areas=area_ids)
    elif kind == "rebasing":
        parse_rebasing(data, errors)
    elif kind == "scenario":
        parse_scenario(data, errors, instruments=list(instruments) if instruments is not None else None,
                       areas=area_ids)
    else:
        rates = parse_base_rates(data, errors)
        if rates is not None and area_ids is not None:
            node = data.get("area_multipliers") or {}
            for area in rates.area_multipliers:
                if area not in area_ids:
                    errors.add(f"area_multipliers.{area}", f"unknown area {area!r}{suggest(area, area_ids)}",
                               "an area of the data: " + ", ".join(area_ids), line=line_of(node, area))
    return list(errors.errors)
