"""thidua_sim: poverty-reduction planning for Vietnamese districts and communes.

Projects poor and near-poor households per commune and group (dtts, other) under a
scenario of resources, checks the emulation movement's targets, finds the resources
that would meet them and keeps the emulation scoreboard.

The layers, each usable alone::

    files -> loaders (data, params, standards) -> engine (project, calibrate)
          -> planning (targets, planning, scoreboard) -> presentation (report)
          -> doors (cli, brief notebooks via batch, widgets)

Every name is imported on first use, its layer with it: ``import thidua_sim`` loads none of
them, so that the command line and the Monte Carlo's worker processes (which import
``thidua_sim.model._preload``) pay only for the parts they use. The batch runner
(``thidua_sim.run_briefs``) pulls in papermill/nbconvert, calibration
(``thidua_sim.model.calibrate.calibrate``) a larger part of scipy, the JupyterLab planner
(``thidua_sim.Planner``) ipywidgets; the brief notebooks' sections are ``thidua_sim.brief``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .core.lazy import lazy_names

# every public name -> the module it is imported from on first use (PEP 562; see above)
_EXPORTS = {
    "core.types": ("ALLOCATION_RULES", "EFFECT_NAMES", "GROUPS", "RATE_NAMES", "STATES", "Area", "Baseline",
                   "BaseRates", "Instrument", "Params", "ResourceLine", "Scenario", "Target", "Uncertain"),
    "data": ("Crosswalk", "ReviewResults", "load_areas", "load_baseline", "load_crosswalk", "load_review_results",
             "match_area", "rollup", "validate_data_file", "write_template", "load_history", "History"),
    "model.engine": ("ProjectionError",),
    "errors": ("InputError", "InputErrors", "ThiduaError"),
    "params": ("load_base_rates", "load_instruments", "load_params", "load_scenario", "load_targets",
               "save_scenario", "validate_params_file"),
    "planning": ("Allocation", "RequiredResources", "allocate_budget", "required_resources"),
    "model.projection": ("Projection", "population_mask", "project"),
    "model._periods": ("PeriodInputs", "load_period_inputs"),
    "planning.scoreboard": ("build_scoreboard", "export_table", "rank_for_review"),
    "params.standards": ("classify", "load_standards", "standard_for"),
    "planning.targets": ("SPLIT_RULES", "PlanningError", "TargetCheck", "check_target", "check_targets",
                         "commune_feasibility", "split_district_target"),
    "apps.briefs.batch": ("run_briefs", "BatchResult", "BriefResult", "BatchError"),
    "model.calibrate": ("Calibration", "CalibrationError", "save_base_rates"),
    "model.backtest": ("backtest", "Backtest"),
    "planning.sensitivity": ("sensitivity", "Sensitivity"),
    "apps.planner": ("Planner",),
}
# modules under a name of their own: the layers, and the report and brief sections
_MODULES = {"report": "report", "brief": "apps.briefs.sections", "core": "core", "errors": "errors", "io": "io",
            "params": "params", "data": "data", "model": "model", "planning": "planning", "apps": "apps"}


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS, _MODULES)


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
