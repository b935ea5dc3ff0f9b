"""The interactive planner for JupyterLab (ipywidgets): a thin door over the package.

>>> planner = Planner.from_files()          # Kbang, params/, status_quo  # doctest: +SKIP
>>> planner                                 # displays the planner        # doctest: +SKIP

Controls: the whole district or one commune; the scenario (files under ``params/scenarios/``);
the district's money per instrument (the same every year, or year by year) and how it is
spread over communes; uncertainty (Monte Carlo) and its number of draws; the target thresholds
(district and ethnic-minority points a year); the language (vi/en).

Outputs, refreshed on every change: the trajectory chart by group (with the Monte Carlo band
when uncertainty is on), the target status (met, margin in points and households,
probability), money and coverage per instrument; on demand: the extra budget each unmet target
needs. Buttons save the settings as a scenario file (asking before overwriting one) and render
a brief for the chosen area from the saved scenario.

The widget holds no model logic: a change reads the controls into
:class:`~thidua_sim.apps.planner._view.PlannerSettings`, and :meth:`Planner.refresh` calls the pure
functions of :mod:`thidua_sim.apps.planner._view` (which call :func:`thidua_sim.project` and
:func:`thidua_sim.planning.targets.check_target`). Changes are debounced (0.2 s by default) so that a
dragged slider triggers one refresh; :meth:`Planner.refresh` is synchronous for tests and
scripts, and ``debounce_s=0`` refreshes on every change.

Layer 9 (docs/architecture.md). May import: ``apps.briefs`` (the brief button) and every
lower layer; not ``apps.cli``.
"""

from ._planner import (
    Planner,
    find_project_dir,
    PlannerSettings,
    PlannerView,
)

__all__ = [
    "Planner",
    "find_project_dir",
    "PlannerSettings",
    "PlannerView",
]
