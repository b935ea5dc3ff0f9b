"""thidua_sim: poverty-reduction planning for Vietnamese districts and communes.

Projects poor and near-poor households per commune and group (dtts, other) under a
scenario of resources, checks the emulation movement's targets, finds the resources
that would meet them and keeps the emulation scoreboard.

The layers, each usable alone::

    files -> loaders (data, params, standards) -> engine (project, calibrate)
          -> planning (targets, planning, scoreboard) -> presentation (report)
          -> doors (cli, brief notebooks via batch, widgets)

The batch runner and calibration pull in papermill/nbconvert and a larger part of
scipy; they are imported on first use (``thidua_sim.run_briefs``; fitting is ``thidua_sim.model.calibrate.calibrate``), so that
``import thidua_sim`` and the command line stay quick. The JupyterLab planner is
``thidua_sim.Planner`` (imported on first use: it needs ipywidgets), and the brief
notebooks' sections are ``thidua_sim.brief``.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from typing import Any

from .core.types import (
    ALLOCATION_RULES,
    EFFECT_NAMES,
    GROUPS,
    RATE_NAMES,
    STATES,
    Area,
    Baseline,
    BaseRates,
    Instrument,
    Params,
    ResourceLine,
    Scenario,
    Target,
    Uncertain,
)
from .data import (
    Crosswalk,
    ReviewResults,
    load_areas,
    load_baseline,
    load_crosswalk,
    load_review_results,
    match_area,
    rollup,
    validate_data_file,
    write_template,
)
from .model.engine import ProjectionError
from .errors import InputError, InputErrors, ThiduaError
from .params import (
    load_base_rates,
    load_instruments,
    load_params,
    load_scenario,
    load_targets,
    save_scenario,
    validate_params_file,
)
from .planning import Allocation, RequiredResources, allocate_budget, required_resources
from .model.projection import Projection, population_mask, project
from .model._periods import PeriodInputs, load_period_inputs
from .planning.scoreboard import build_scoreboard, export_table, rank_for_review
from .params.standards import classify, load_standards, standard_for
from .planning.targets import (
    SPLIT_RULES,
    PlanningError,
    TargetCheck,
    check_target,
    check_targets,
    commune_feasibility,
    split_district_target,
)

# name -> module, imported on first use (see the module docstring); None: the module itself
_LAZY = {
    "run_briefs": "apps.briefs.batch",
    "BatchResult": "apps.briefs.batch",
    "BriefResult": "apps.briefs.batch",
    "BatchError": "apps.briefs.batch",
    "Calibration": "model.calibrate",
    "CalibrationError": "model.calibrate",
    "save_base_rates": "model.calibrate",
    "load_history": "data",
    "History": "data",
    "backtest": "model.backtest",
    "Backtest": "model.backtest",
    "sensitivity": "planning.sensitivity",
    "Sensitivity": "planning.sensitivity",
    "Planner": "apps.planner",
    "report": None,
    "brief": None,
}
_MODULES = {"report": "report", "brief": "apps.briefs.sections"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'thidua_sim' has no attribute {name!r}")
    module_name = _LAZY[name]
    if module_name is None:
        value = importlib.import_module(f".{_MODULES[name]}", __name__)
    else:
        value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "__version__",
    # typed inputs
    "ALLOCATION_RULES",
    "EFFECT_NAMES",
    "GROUPS",
    "RATE_NAMES",
    "STATES",
    "Area",
    "Baseline",
    "BaseRates",
    "Instrument",
    "Params",
    "ResourceLine",
    "Scenario",
    "Target",
    "Uncertain",
    # errors
    "InputError",
    "InputErrors",
    "ThiduaError",
    "ProjectionError",
    "PlanningError",
    # loaders
    "Crosswalk",
    "ReviewResults",
    "load_areas",
    "load_baseline",
    "load_crosswalk",
    "load_review_results",
    "match_area",
    "rollup",
    "validate_data_file",
    "write_template",
    "load_base_rates",
    "load_instruments",
    "load_params",
    "load_scenario",
    "load_targets",
    "save_scenario",
    "validate_params_file",
    "classify",
    "load_standards",
    "standard_for",
    # engine
    "Projection",
    "population_mask",
    "project",
    "PeriodInputs",
    "load_period_inputs",
    "Calibration",
    "CalibrationError",
    "save_base_rates",
    "load_history",
    "History",
    "backtest",
    "Backtest",
    "sensitivity",
    "Sensitivity",
    # planning
    "SPLIT_RULES",
    "TargetCheck",
    "check_target",
    "check_targets",
    "commune_feasibility",
    "split_district_target",
    "Allocation",
    "RequiredResources",
    "allocate_budget",
    "required_resources",
    "build_scoreboard",
    "export_table",
    "rank_for_review",
    # presentation and batch
    "report",
    "run_briefs",
    "BatchResult",
    "BriefResult",
    "BatchError",
    "brief",
    "Planner",
]
