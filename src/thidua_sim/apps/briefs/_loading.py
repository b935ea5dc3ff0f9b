"""Loading a brief: its settings (the notebook's papermill parameters, checked), the inputs
(baseline, parameters, scenario), the projection it shows (computed, or read from the batch's
shared results file) and a cache for the planning answers several sections share.

The sections that turn a loaded :class:`Brief` into pages are in :mod:`.sections`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ...io._digest import inputs_hash
from ...core.defaults import BRIEF_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED, MAX_HORIZON
from ...core.types import GROUPS, Baseline, Params, Scenario, Target
from ...errors import BriefError  # noqa: F401 (re-exported: callers import it from here)
from ...report.i18n import check_language, t

__all__ = ["BRIEF_PARAMETERS", "NOTEBOOKS", "SPLIT_RULE", "PERIOD_2026_2030", "BriefSettings", "Brief", "period_units",
           "commune_brief", "district_brief", "BriefError"]

BRIEF_PARAMETERS: dict[str, tuple[str, ...]] = {
    "commune": ("area_id", "scenario", "data_dir", "params_dir", "draws", "seed", "language", "until", "results"),
    "district": ("scenario", "data_dir", "params_dir", "draws", "seed", "language", "until", "results"),
}
"""The parameters each brief notebook declares (its cell tagged ``parameters``)."""

NOTEBOOKS = {"commune": "commune_brief.ipynb", "district": "district_brief.ipynb"}
SPLIT_RULE = "proportional"
PERIOD_2026_2030 = {"first_year": 2025, "targets": "targets_2026_2030.yaml"}
"""A brief with ``until`` after 2025 is a brief of the period 2026-2030: the run from the baseline
continues on the units in force (model/_periods.py) and the brief shows it from the first review
on the new communes (2025), with the targets of ``params/targets_2026_2030.yaml``."""


@dataclass(frozen=True)
class BriefSettings:
    """The parameters of one brief, as given to the notebook."""

    kind: str
    scenario: str
    data_dir: str
    params_dir: str
    draws: int
    seed: int
    language: str
    until: int
    area_id: str | None = None
    results: str = ""  # a batch's results file (apps/briefs/_results.py); "" computes everything here

    def parameters(self) -> dict[str, object]:
        out = {"scenario": self.scenario, "data_dir": self.data_dir, "params_dir": self.params_dir,
               "draws": self.draws, "seed": self.seed, "language": self.language, "until": self.until}
        if self.kind == "commune":
            out["area_id"] = self.area_id
        return out


@dataclass
class Brief:
    """The inputs and results one brief is made of. Shows itself as the brief's title block."""

    settings: BriefSettings
    baseline: Baseline
    params: Params
    scenario: Scenario
    projection: object
    created: _dt.datetime
    inputs_hash: str
    scenario_path: Path
    cache: dict = field(default_factory=dict)

    # -- convenience ----------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.settings.language

    @property
    def kind(self) -> str:
        return self.settings.kind

    @property
    def population(self) -> str:
        """``"area:<id>"`` for a commune brief, ``"district"`` for the district brief."""
        return f"area:{self.settings.area_id}" if self.kind == "commune" else "district"

    @property
    def period(self) -> bool:
        """True for a brief of the 2026-2030 period (the new communes, the standard switch)."""
        return self.settings.until > 2025

    @property
    def area_name(self) -> str:
        if self.kind == "district":
            return t("former_district" if self.period else "district", self.lang)
        return self.baseline.areas[self.baseline.area_index(self.settings.area_id)].name

    @property
    def area_names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.baseline.areas}

    @property
    def scenario_name(self) -> str:
        return self.scenario.name_vi if self.lang == "vi" else self.scenario.name_en

    @cached_property
    def district_targets(self) -> tuple[Target, ...]:
        """The params' targets on the district or a group (the 2-point and 3-point targets)."""
        return tuple(x for x in self.params.targets if x.population in ("district", *GROUPS))

    @cached_property
    def district_target(self) -> Target | None:
        """The district's poverty-rate target, the one split over communes."""
        return next((x for x in self.district_targets if x.population == "district"), None)

    @cached_property
    def commune_targets(self) -> tuple[Target, ...]:
        """The district target split over communes (default rule)."""
        from ...planning.targets import split_district_target

        if self.period:  # the commune targets of the period's file (assigned, with their decisions)
            return tuple(x for x in self.params.targets if x.population.startswith("area:")
                         and x.population.count(":") == 1)
        if self.district_target is None:
            return ()
        return split_district_target(self.baseline, self.district_target, SPLIT_RULE, params=self.params)

    @cached_property
    def own_target(self) -> Target | None:
        """The commune's own target ("chỉ tiêu huyện giao"); None for the district brief."""
        if self.kind != "commune":
            return None
        return next((x for x in self.commune_targets if x.population == self.population), None)

    @cached_property
    def commune_checks(self) -> dict[str, object]:
        """Each commune checked against its own target, keyed by area id."""
        from ...planning.targets import check_target

        return {x.population.split(":")[1]: check_target(self.projection, x) for x in self.commune_targets}

    @cached_property
    def district_checks(self) -> list[object]:
        from ...planning.targets import check_target

        return [check_target(self.projection, x) for x in self.district_targets]

    def _repr_html_(self) -> str:
        from .sections import title  # the first section: the brief shows as its title

        return title(self)._repr_html_()

    def __repr__(self) -> str:
        from .sections import title

        return title(self).text()


# -- loading -------------------------------------------------------------------------------

def _resolve_scenario(scenario: str | Path, params_dir: Path) -> Path:
    path = Path(scenario)
    if path.is_file():
        return path
    for candidate in (params_dir / "scenarios" / path, params_dir / "scenarios" / f"{path}.yaml"):
        if candidate.is_file():
            return candidate
    raise BriefError(f"scenario {str(scenario)!r}: no such file (also looked in {params_dir / 'scenarios'}); "
                     "give the path of a scenario .yaml file, e.g. params/scenarios/status_quo.yaml")


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or (
            high is not None and value > high):
        span = f">= {low}" if high is None else f"from {low} to {high}"
        raise BriefError(f"{name} = {value!r}: expected a whole number {span}")
    return int(value)


def _load(settings: BriefSettings) -> Brief:
    from ...data import load_baseline
    from ...params import load_params, load_scenario
    from ...model.projection import project

    try:
        check_language(settings.language)
    except ValueError as exc:
        raise BriefError(str(exc)) from None
    data_dir, params_dir = Path(settings.data_dir), Path(settings.params_dir)
    for label, folder in (("data_dir", data_dir), ("params_dir", params_dir)):
        if not folder.is_dir():
            raise BriefError(f"{label} = {str(folder)!r}: no such folder (working folder {Path.cwd()})")
    scenario_path = _resolve_scenario(settings.scenario, params_dir)
    baseline = load_baseline(data_dir)
    period = settings.until > 2025
    known = baseline.area_ids if not period else period_units(data_dir)
    if settings.kind == "commune" and settings.area_id not in known:
        from difflib import get_close_matches

        close = get_close_matches(str(settings.area_id), known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise BriefError(f"area_id = {settings.area_id!r}: not a commune of {data_dir}{hint}; "
                         f"known: {', '.join(known)}")
    params = load_params(params_dir)
    stored: dict = {}
    stored_allocation = None
    if not period:
        scenario = load_scenario(scenario_path, params=params, areas=baseline.areas)
        if settings.results:  # computed once by the batch: read this brief's slice
            from ._results import ResultsError, read_results

            try:
                projection, stored, stored_allocation = read_results(
                    settings.results, baseline=baseline, scenario=scenario, params=params, scenario_path=scenario_path,
                    data_dir=data_dir, params_dir=params_dir, draws=settings.draws, seed=settings.seed,
                    until=settings.until)
            except ResultsError as exc:
                raise BriefError(str(exc)) from None
        else:
            projection = project(baseline, scenario, params, until=settings.until, draws=settings.draws,
                                 seed=settings.seed)
    else:
        if settings.results:
            raise BriefError(f"results = {settings.results!r}: a shared results file holds the 2021-2025 "
                             "briefs only; leave results empty for a brief after 2025")
        from dataclasses import replace

        from ...data import load_area_info
        from ...model._periods import load_period_inputs
        from ...params import load_targets

        ids = [a.id for a in load_area_info(data_dir)]
        targets_file = params_dir / PERIOD_2026_2030["targets"]
        if not targets_file.is_file():
            raise BriefError(f"until = {settings.until}: a brief after 2025 needs the period's targets file "
                             f"{targets_file}")
        params = replace(params, targets=load_targets(targets_file, ids))
        scenario = load_scenario(scenario_path, params=params, areas=ids)
        full = project(baseline, scenario, params, until=settings.until, draws=settings.draws, seed=settings.seed,
                       periods=load_period_inputs(data_dir, params_dir))
        projection = full.window(PERIOD_2026_2030["first_year"])
        baseline = projection.baseline
    notebook = Path.cwd() / NOTEBOOKS[settings.kind]
    digest = inputs_hash(params_dir=params_dir, data_dir=data_dir, scenario=scenario_path,
                         notebook=notebook if notebook.is_file() else None, parameters=settings.parameters())
    return Brief(settings, baseline, params, scenario, projection, _dt.datetime.now().replace(microsecond=0),
                 digest, scenario_path, {("stored_required",): stored, ("stored_allocation",): stored_allocation})


def period_units(data_dir: str | Path) -> tuple[str, ...]:
    """Ids of the units in force at the first review of the 2026-2030 period (the new communes)."""
    from ...data import load_area_info

    day = _dt.date(PERIOD_2026_2030["first_year"], 12, 15)
    return tuple(a.id for a in load_area_info(data_dir) if a.exists_on(day))


def commune_brief(area_id: str, scenario: str, data_dir: str = "../data/kbang", params_dir: str = "../params",
                  draws: int = BRIEF_DRAWS, seed: int = DEFAULT_SEED, language: str = "vi",
                  until: int = DEFAULT_HORIZON, results: str = "") -> Brief:
    """Load the inputs, project the whole district and check the targets, for the brief of
    commune ``area_id``. Paths are relative to the working folder (the notebook's). ``results``:
    a batch's results file to read the projection and required resources from instead."""
    settings = BriefSettings("commune", str(scenario), str(data_dir), str(params_dir),
                             _check_int("draws", draws, 0), _check_int("seed", seed, 0), language,
                             _check_int("until", until, 2022, MAX_HORIZON), area_id, str(results or ""))
    return _load(settings)


def district_brief(scenario: str, data_dir: str = "../data/kbang", params_dir: str = "../params",
                   draws: int = BRIEF_DRAWS, seed: int = DEFAULT_SEED, language: str = "vi",
                   until: int = DEFAULT_HORIZON, results: str = "") -> Brief:
    """Load the inputs, project the district and check the targets, for the district brief
    (``results``: as for :func:`commune_brief`)."""
    settings = BriefSettings("district", str(scenario), str(data_dir), str(params_dir),
                             _check_int("draws", draws, 0), _check_int("seed", seed, 0), language,
                             _check_int("until", until, 2022, MAX_HORIZON), results=str(results or ""))
    return _load(settings)
