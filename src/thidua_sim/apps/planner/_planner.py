"""The planner's widgets and their callbacks (see the package docstring): a thin door over the pure functions of ``_view``, ``_scenario`` and ``_brief``."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as W

from ...core.defaults import BRIEF_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED
from ...core.types import Baseline, Params, Scenario
from ._debounce import Debouncer
from ._households import HouseholdPanel
from ._scenario import (
    budget_table,
    budget_years,
    scenario_files,
    scenario_with_budgets,
    valid_scenario_name,
)
from ._view import (
    PlannerSettings,
    PlannerView,
    chart_png,
    compute_view,
    coverage_html,
    shipped_points,
    status_html,
    view_targets,
)
from ...errors import ThiduaError
from ...report.i18n import check_language, format_number, format_percent, lower_first, t

__all__ = ["Planner", "find_project_dir", "PlannerSettings", "PlannerView"]

log = logging.getLogger(__name__)

_DISTRICT = ""  # dropdown value of the whole district
_SCENARIO_RULE = ""  # dropdown value of "as in the scenario"
_RULES = ((_SCENARIO_RULE, "spread_rule_scenario"), ("poor", "spread_rule_poor"),
          ("poor_dtts", "spread_rule_poor_dtts"), ("equal", "spread_rule_equal"))  # dropdown value, label key
_LANGUAGE_NAMES = (("Tiếng Việt", "vi"), ("English", "en"))
_WIDE = {"description_width": "initial"}
_NAME_WIDTH = "330px"


def find_project_dir(start: str | Path | None = None) -> Path:
    """The nearest folder, from ``start`` (default: the working folder) upwards, that holds
    both ``params/`` and ``data/``; ``start`` itself when none does."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "params").is_dir() and (folder / "data").is_dir():
            return folder
    return here


def _nice_step(top: float) -> float:
    """A 1-2-5 step giving about 200 slider positions up to ``top``."""
    raw = max(top, 1.0) / 200.0
    exponent = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10**exponent >= raw:
            return float(m * 10**exponent)
    return float(10 ** (exponent + 1))  # pragma: no cover


def _slider_max(amounts: list[float]) -> float:
    """A slider range reaching well past the scenario's amounts (3x the largest, at least 1,000)."""
    top = max([1000.0, *(3.0 * a for a in amounts)])
    step = _nice_step(top)
    return float(math.ceil(top / step) * step)


class Planner:
    """The planner: controls, live outputs and buttons around one baseline and params.

    Build it with :meth:`from_files` (Kbang's defaults) or from objects. Every control is a
    public attribute (``area``, ``scenario``, ``language``, ``budget_mode``, ``rule``,
    ``budget_sliders[instrument]``, ``budget_boxes[(instrument, year)]``, ``uncertainty``,
    ``draws``, ``district_points``, ``dtts_points``), as are the outputs (``chart``, ``status``,
    ``coverage``, ``required_output``, ``message``, ``save_message``, ``brief_output``) and the
    buttons; tests set values and call :meth:`refresh`. ``view`` is the last
    :class:`PlannerView`; ``timings`` the seconds its refresh took by stage.

    The extra budget required is recomputed on every refresh on the expected path (tens of
    milliseconds; ``live_required=False`` turns that off); with uncertainty on it needs many
    Monte Carlo runs (seconds), so it waits for the button.
    """

    def __init__(
        self,
        baseline: Baseline,
        params: Params,
        scenario: Scenario,
        *,
        scenario_path: str | Path | None = None,
        scenario_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        params_dir: str | Path | None = None,
        brief_dir: str | Path | None = None,
        until: int = DEFAULT_HORIZON,
        lang: str = "vi",
        draws: int = BRIEF_DRAWS,
        seed: int = DEFAULT_SEED,
        debounce_s: float = 0.2,
        scheduler: Callable[..., Any] | None = None,
        run_briefs: Callable[..., Any] | None = None,
        live_required: bool = True,
    ):
        check_language(lang)
        self.baseline = baseline
        self.params = params
        self.until = int(until)
        self.seed = int(seed)
        self.scenario_dir = Path(scenario_dir) if scenario_dir is not None else None
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.params_dir = Path(params_dir) if params_dir is not None else None
        self.brief_dir = Path(brief_dir) if brief_dir is not None else None
        self.years = budget_years(baseline.year, self.until)
        self.instrument_ids = tuple(params.instruments)
        self.base_scenario = scenario
        self.base_path = Path(scenario_path) if scenario_path is not None else None
        self._budgets = budget_table(scenario, self.instrument_ids, self.years)
        self._run_briefs = run_briefs
        self.live_required = bool(live_required)
        self._syncing = False
        self._pending_save: Path | None = None
        self._brief_thread: threading.Thread | None = None
        self.view: PlannerView | None = None
        self.timings: dict[str, float] = {}
        self.required_results: list[Any] = []
        self.last_brief: Path | None = None
        self._debounced = Debouncer(debounce_s, self._refresh_safely, scheduler)
        self._build(lang, draws)
        self._relabel()
        self.refresh()

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_files(
        cls,
        data_dir: str | Path = "data/kbang",
        params_dir: str | Path = "params",
        scenario: str | Path = "status_quo",
        *,
        project_dir: str | Path | None = None,
        brief_dir: str | Path = "out/planner",
        **options: Any,
    ) -> Planner:
        """The planner on files: a data folder, a params folder and a scenario (a file, or the
        name of a file under ``<params_dir>/scenarios/``). Relative paths are taken from
        ``project_dir``, by default the nearest folder upwards holding ``params/`` and ``data/``
        (so the same call works from the repository and from ``notebooks/``).
        Other keyword arguments go to :class:`Planner` (``until``, ``lang``, ``draws``, ...).
        """
        from ...data import load_baseline
        from ...params import load_params, load_scenario

        root = Path(project_dir).resolve() if project_dir is not None else find_project_dir()

        def resolve(p: str | Path) -> Path:
            p = Path(p)
            return p if p.is_absolute() else root / p

        data, params_path = resolve(data_dir), resolve(params_dir)
        scenario_dir = params_path / "scenarios"
        scenario_path = Path(scenario)
        if scenario_path.suffix not in (".yaml", ".yml"):
            scenario_path = scenario_dir / f"{scenario}.yaml"
        else:
            scenario_path = resolve(scenario_path)
        from ...data import load_area_info

        baseline = load_baseline(data)
        params = load_params(params_path)
        ids = [a.id for a in baseline.areas]
        ids += [a.id for a in load_area_info(data) if a.id not in ids]  # a scenario may name the 2025 communes
        loaded = load_scenario(scenario_path, params=params, areas=ids)
        return cls(baseline, params, loaded, scenario_path=scenario_path, scenario_dir=scenario_dir,
                   data_dir=data, params_dir=params_path, brief_dir=resolve(brief_dir), **options)

    def _build(self, lang: str, draws: int) -> None:
        areas = [(a.name, a.id) for a in self.baseline.areas]
        self.title = W.HTML()
        self.language = W.ToggleButtons(options=_LANGUAGE_NAMES, value=lang, style={"button_width": "90px"})
        self.area = W.Dropdown(options=[("", _DISTRICT), *areas], value=_DISTRICT, style=_WIDE)
        files = scenario_files(self.scenario_dir)
        options = [(p.stem, str(p)) for p in files]
        current = str(self.base_path) if self.base_path is not None else ""
        if current not in {v for _, v in options}:
            options.insert(0, (self.base_scenario.id, current))
        self.scenario = W.Dropdown(options=options, value=current, style=_WIDE)

        self.budget_title = W.HTML()
        self.budget_mode = W.ToggleButtons(options=[("", "flat"), ("", "per_year")], value="flat")
        self.rule = W.Dropdown(options=[("", v) for v, _ in _RULES], value=_SCENARIO_RULE, style=_WIDE)
        self.budget_names: dict[str, W.HTML] = {}
        self.budget_sliders: dict[str, W.FloatSlider] = {}
        self.budget_readouts: dict[str, W.HTML] = {}
        self.budget_notes: dict[str, W.HTML] = {}
        self.budget_boxes: dict[tuple[str, int], W.BoundedFloatText] = {}
        self._grid_names: dict[str, W.HTML] = {}
        rows = []
        grid_cells: list[W.Widget] = [W.HTML("")] + [W.HTML(f"<b>{y}</b>") for y in self.years]
        for k in self.instrument_ids:
            self.budget_names[k] = W.HTML(layout=W.Layout(width=_NAME_WIDTH))
            # the slider's own readout would write 6,000 (six in Vietnamese): ours follows the language
            slider = W.FloatSlider(min=0.0, max=1000.0, step=5.0, readout=False, continuous_update=True,
                                   layout=W.Layout(width="260px"))
            slider.observe(self._on_slider(k), names="value")
            slider.add_class(f"thidua-budget-{k}")
            self.budget_sliders[k] = slider
            self.budget_readouts[k] = W.HTML(layout=W.Layout(width="80px"))
            self.budget_readouts[k].add_class("thidua-budget-readout")
            self.budget_notes[k] = W.HTML(layout=W.Layout(width="auto"))
            rows.append(W.HBox([self.budget_names[k], slider, self.budget_readouts[k], self.budget_notes[k]],
                               layout=W.Layout(align_items="center")))
            self._grid_names[k] = W.HTML(layout=W.Layout(width=_NAME_WIDTH))
            grid_cells.append(self._grid_names[k])
            for y in self.years:
                box = W.BoundedFloatText(min=0.0, max=1e7, step=10.0, layout=W.Layout(width="95px"))
                box.observe(self._on_box(k, y), names="value")
                self.budget_boxes[(k, y)] = box
                grid_cells.append(box)
        self.budget_flat = W.VBox(rows)
        self.budget_grid = W.GridBox(
            grid_cells, layout=W.Layout(grid_template_columns=f"{_NAME_WIDTH} repeat({len(self.years)}, 100px)",
                                        align_items="center"))
        self._set_budget_controls(rescale=True)

        # the planning period: 2021-2025 on the 2021 units, or 2026-2030 on the 6 new communes
        self.period = W.ToggleButtons(options=[("2021–2025", "2021-2025"), ("2026–2030", "2026-2030")],
                                      value="2021-2025", style={"button_width": "100px"})
        self.period.observe(self._on_period, names="value")
        self.period_note = W.HTML()
        self._period_inputs: Any = None
        self._period_targets: tuple[Any, ...] = ()
        self._base_until = self.until
        self.uncertainty = W.Checkbox(value=False, indent=False)
        self.draws = W.IntSlider(value=int(draws), min=100, max=5000, step=100, disabled=True, style=_WIDE)
        self.district_points = W.FloatSlider(min=0.0, max=10.0, step=0.1, style=_WIDE, readout=False)
        self.dtts_points = W.FloatSlider(min=0.0, max=10.0, step=0.1, style=_WIDE, readout=False)
        self.district_readout, self.dtts_readout = W.HTML(), W.HTML()
        district_t, dtts_t = view_targets(self.baseline, self.params, None, shipped_points("district"),
                                          shipped_points("dtts"), self.until)
        for target, slider in ((district_t, self.district_points), (dtts_t, self.dtts_points)):
            given = next((x for x in self.params.targets if x.population == target.population), None)
            slider.value = float(given.threshold_points) if given is not None else float(target.threshold_points)

        self.targets_title = W.HTML()
        self.outputs_title = W.HTML()
        self.message = W.HTML()
        self.chart = W.Image(format="png", layout=W.Layout(width="100%", max_width="720px"))
        self.status_title = W.HTML()
        self.status = W.HTML()
        self.coverage_title = W.HTML()
        self.coverage = W.HTML()
        self.required_button = W.Button(icon="calculator", layout=W.Layout(width="auto"))
        self.required_button.on_click(lambda _b: self.compute_required())
        self.required_output = W.HTML()
        self.sensitivity_button = W.Button(icon="sliders", layout=W.Layout(width="auto"))
        self.sensitivity_button.on_click(lambda _b: self.compute_sensitivity())
        self.sensitivity_output = W.HTML()

        self.save_name = W.Text(style=_WIDE, layout=W.Layout(width="340px"))
        self.save_button = W.Button(icon="save", button_style="primary", layout=W.Layout(width="auto"))
        self.save_button.on_click(lambda _b: self.save())
        self.overwrite_question = W.HTML()
        self.overwrite_button = W.Button(button_style="danger", layout=W.Layout(width="auto"))
        self.overwrite_button.on_click(lambda _b: self.save(overwrite=True))
        self.cancel_button = W.Button(layout=W.Layout(width="auto"))
        self.cancel_button.on_click(lambda _b: self.cancel_save())
        self.confirm_box = W.HBox([self.overwrite_question, self.overwrite_button, self.cancel_button],
                                  layout=W.Layout(display="none"))
        self.save_message = W.HTML()
        self.brief_button = W.Button(icon="file-text", layout=W.Layout(width="auto"))
        self.brief_button.on_click(lambda _b: self.render_brief())
        self.brief_output = W.HTML()

        for control in (self.area, self.rule, self.uncertainty, self.draws, self.district_points, self.dtts_points):
            control.observe(self._on_change, names="value")
        self.uncertainty.observe(lambda change: setattr(self.draws, "disabled", not change["new"]), names="value")
        for control in (self.district_points, self.dtts_points):
            control.observe(lambda _c: self._show_target_readouts(), names="value")
        self.rule.observe(lambda _c: self._mark_edited(), names="value")
        self.language.observe(self._on_language, names="value")
        self.scenario.observe(self._on_scenario, names="value")
        self.budget_mode.observe(lambda _c: self._show_budget_mode(), names="value")
        self._show_budget_mode()

        controls = W.VBox([
            W.HBox([self.period, self.period_note]),
            W.HBox([self.area, self.scenario]),
            self.budget_title,
            W.HBox([self.budget_mode, self.rule]),
            self.budget_flat,
            self.budget_grid,
            W.HBox([self.uncertainty, self.draws]),
            self.targets_title,
            W.HBox([self.district_points, self.district_readout, self.dtts_points, self.dtts_readout],
                   layout=W.Layout(align_items="center", grid_gap="8px")),
        ])
        outputs = W.VBox([
            self.outputs_title,
            self.message,
            self.chart,
            self.status_title,
            self.status,
            W.HBox([self.required_button]),
            self.required_output,
            W.HBox([self.sensitivity_button]),
            self.sensitivity_output,
            self.coverage_title,
            self.coverage,
        ])
        actions = W.VBox([
            W.HBox([self.save_name, self.save_button]),
            self.confirm_box,
            self.save_message,
            W.HBox([self.brief_button]),
            self.brief_output,
        ])
        self.households_panel = HouseholdPanel(self.data_dir, self.params_dir, lang, self.seed)  # targeted support
        self.households_tab = W.Accordion(children=[self.households_panel.widget], selected_index=None)
        self.widget = W.VBox([W.HBox([self.title, self.language],
                                     layout=W.Layout(justify_content="space-between")),
                              controls, outputs, actions, self.households_tab])
        self.widget.add_class("thidua-planner")
        self.chart.add_class("thidua-chart")
        self.status.add_class("thidua-status")
        self.language.add_class("thidua-language")
        self.area.add_class("thidua-area")
        self.coverage.add_class("thidua-coverage")

    # -- display -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- reading the controls ----------------------------------------------------------------
    @property
    def lang(self) -> str:
        return str(self.language.value)

    @property
    def budgets(self) -> dict[str, dict[int, float]]:
        """District money per instrument and year as set in the planner (million VND)."""
        return {k: dict(by_year) for k, by_year in self._budgets.items()}

    def settings(self) -> PlannerSettings:
        """The controls as plain values."""
        return PlannerSettings(
            area=self.area.value or None,
            budgets=self.budgets,
            rule=self.rule.value or None,
            uncertainty=bool(self.uncertainty.value),
            draws=int(self.draws.value),
            district_points=float(self.district_points.value),
            dtts_points=float(self.dtts_points.value),
            lang=self.lang,
            until=self.until,
            seed=self.seed,
            period=str(self.period.value),
        )

    def current_scenario(self, scenario_id: str | None = None) -> Scenario:
        """The scenario the planner's levers describe (the loaded scenario when untouched; in the
        2026-2030 period the scenario file as it is: its lines name the new communes)."""
        if self.period.value != "2021-2025":
            return self.base_scenario
        return scenario_with_budgets(self.base_scenario, self._budgets, self.rule.value or None,
                                     scenario_id=scenario_id)

    @property
    def scenario_file(self) -> Path | None:
        """The scenario file matching the current settings, or None when they are not saved."""
        if self.base_path is not None and self.base_path.is_file() and self.current_scenario() is self.base_scenario:
            return self.base_path
        return None

    # -- the period --------------------------------------------------------------------------
    def _on_period(self, change: Any) -> None:
        """Switch between 2021-2025 and 2026-2030: units, targets and horizon of the period; the
        2026-2030 view needs the data and params folders (crosswalk, standards, rebasing, targets)."""
        period = str(change["new"])
        if period != "2021-2025" and self._period_inputs is None:
            try:
                from ...data import load_area_info
                from ...model._periods import load_period_inputs
                from ...params import load_targets

                if self.data_dir is None or self.params_dir is None:
                    raise ThiduaError("the 2026-2030 period needs the planner built from files (Planner.from_files)")
                self._period_inputs = load_period_inputs(self.data_dir, self.params_dir)
                ids = [a.id for a in load_area_info(self.data_dir)]
                self._period_targets = load_targets(self.params_dir / "targets_2026_2030.yaml", ids)
            except (ThiduaError, OSError) as exc:
                self._show_message(t("planner_error", self.lang, error=str(exc)))
                self._syncing = True
                try:
                    self.period.value = str(change["old"])
                finally:
                    self._syncing = False
                return
        self.until = self._base_until if period == "2021-2025" else 2030
        self._syncing = True
        try:
            self.area.value = _DISTRICT  # the units differ between the periods
        finally:
            self._syncing = False
        for widget in (*self.budget_sliders.values(), *self.budget_boxes.values(), self.rule, self.budget_mode,
                       self.district_points, self.dtts_points):
            widget.disabled = period != "2021-2025"
        self._relabel()
        if not self._syncing:
            self.refresh()

    def _period_units(self) -> list[tuple[str, str]]:
        """(name, id) of the units of the chosen period."""
        if self.period.value == "2021-2025" or self.data_dir is None:
            return [(a.name, a.id) for a in self.baseline.areas]
        from ...data import load_area_info
        from ..briefs.sections import period_units

        names = {a.id: a.name for a in load_area_info(self.data_dir)}
        return [(names[a], a) for a in period_units(self.data_dir)]

    # -- events ------------------------------------------------------------------------------
    def _on_change(self, _change: Any = None) -> None:
        if not self._syncing:
            self._debounced()

    def _mark_edited(self) -> None:
        if not self._syncing:
            self.brief_output.value = ""

    def _on_slider(self, k: str) -> Callable[[Any], None]:
        def handler(change: Any) -> None:
            if self._syncing:
                return
            value = float(change["new"])
            for y in self.years:
                self._budgets[k][y] = value
            self._set_budget_controls(only=k)
            self._mark_edited()
            self._debounced()
        return handler

    def _on_box(self, k: str, y: int) -> Callable[[Any], None]:
        def handler(change: Any) -> None:
            if self._syncing:
                return
            self._budgets[k][y] = float(change["new"] or 0.0)
            self._set_budget_controls(only=k)
            self._mark_edited()
            self._debounced()
        return handler

    def _set_budget_controls(self, only: str | None = None, rescale: bool = False) -> None:
        """Show the budgets in the sliders (mean over years) and the per-year boxes. ``rescale``
        (a scenario was loaded) sets each slider's range from the scenario's amounts; otherwise a
        range only grows, when a typed amount goes past it."""
        self._syncing = True
        try:
            for k in (only,) if only else self.instrument_ids:
                amounts = [self._budgets[k][y] for y in self.years]
                slider = self.budget_sliders[k]
                mean = sum(amounts) / len(amounts) if amounts else 0.0
                if rescale or mean > slider.max:
                    top = _slider_max(amounts) if rescale else max(_slider_max(amounts), slider.max)
                    slider.max = top
                    slider.step = _nice_step(top)
                slider.value = mean
                shown = format_number(mean, self.lang, 0)
                self.budget_readouts[k].value = f'<div style="text-align:right">{shown}</div>'
                for y in self.years:
                    self.budget_boxes[(k, y)].value = self._budgets[k][y]
                varies = len({round(a, 6) for a in amounts}) > 1
                self.budget_notes[k].value = (
                    f'<span style="font-size:11px;color:#777">({escape(t("planner_budget_varies", self.lang))})</span>'
                    if varies else "")
        finally:
            self._syncing = False

    def _show_target_readouts(self) -> None:
        unit = t("unit_points_per_year", self.lang)
        for slider, readout in ((self.district_points, self.district_readout), (self.dtts_points, self.dtts_readout)):
            readout.value = f"{format_number(slider.value, self.lang, 1)} {escape(unit)}"

    def _show_budget_mode(self) -> None:
        flat = self.budget_mode.value == "flat"
        self.budget_flat.layout.display = None if flat else "none"
        self.budget_grid.layout.display = "none" if flat else None

    def _on_language(self, _change: Any) -> None:
        self._relabel()
        self._debounced()

    def _scenario_areas(self) -> list[str]:
        """Units a scenario may name: the baseline's, and with a data folder every unit of its areas
        files (the communes formed in 2025 for the 2026-2030 lines)."""
        ids = [a.id for a in self.baseline.areas]
        if self.data_dir is not None:
            from ...data import load_area_info

            try:
                ids += [a.id for a in load_area_info(self.data_dir) if a.id not in ids]
            except ThiduaError:
                pass
        return ids

    def _on_scenario(self, change: Any) -> None:
        if self._syncing:
            return
        self.select_scenario(change["new"], previous=change["old"])

    def select_scenario(self, path: str | Path, previous: str | None = None) -> bool:
        """Load a scenario file and reset the levers to it; on a bad file, say why and keep the
        previous scenario. Returns True when loaded."""
        from ...params import load_scenario

        path = Path(path)
        try:
            loaded = load_scenario(path, params=self.params, areas=self._scenario_areas())
        except (ThiduaError, OSError) as exc:
            self._show_message(t("planner_scenario_error", self.lang, file=path.name, error=str(exc)))
            if previous is not None:
                self._syncing = True
                try:
                    self.scenario.value = previous
                finally:
                    self._syncing = False
            return False
        self._use_scenario(loaded, path)
        self._debounced()
        return True

    def _use_scenario(self, scenario: Scenario, path: Path | None) -> None:
        self.base_scenario = scenario
        self.base_path = path
        self._budgets = budget_table(scenario, self.instrument_ids, self.years)
        self._syncing = True
        try:
            self.rule.value = _SCENARIO_RULE
            if path is not None:
                value = str(path)
                if value not in {v for _, v in self.scenario.options}:
                    options = [*self.scenario.options, (path.stem, value)]
                    self.scenario.options = sorted(options, key=lambda o: o[0])
                self.scenario.value = value
        finally:
            self._syncing = False
        self._set_budget_controls(rescale=True)
        self.brief_output.value = ""

    # -- labels ------------------------------------------------------------------------------
    def _relabel(self) -> None:
        lang = self.lang
        self._syncing = True
        try:
            self.title.value = (f"<h3 style='margin:4px 0'>{escape(t('planner_title', lang))}</h3>"
                                f"<div style='font-size:12px;color:#555'>{escape(t('brief_movement', lang))}</div>")
            self.language.description = t("provenance_language", lang)
            self.area.description = t("area", lang)
            area_value = self.area.value
            whole = "district" if self.period.value == "2021-2025" else "former_district"
            self.area.options = [(t(whole, lang), _DISTRICT), *self._period_units()]
            self.area.value = area_value if area_value in {v for _, v in self.area.options} else _DISTRICT
            self.period.description = t("planner_period", lang)
            self.period_note.value = ("" if self.period.value == "2021-2025" else
                                      f"<span style='font-size:12px;color:#555'>{escape(t('planner_period_note', lang))}"
                                      "</span>")
            self.scenario.description = t("brief_scenario", lang)
            self.budget_title.value = f"<b>{escape(t('planner_budget', lang))}</b>"
            mode = self.budget_mode.value
            self.budget_mode.options = [(t("planner_budget_flat", lang), "flat"),
                                        (t("planner_budget_per_year", lang), "per_year")]
            self.budget_mode.value = mode
            rule = self.rule.value
            self.rule.description = t("planner_rule", lang)
            self.rule.options = [(t(key, lang), v) for v, key in _RULES]
            self.rule.value = rule
            for k in self.instrument_ids:
                inst = self.params.instruments[k]
                name = inst.name_vi if lang == "vi" else inst.name_en
                programme = inst.programme_vi if lang == "vi" and inst.programme_vi else inst.programme
                cell = f'<span title="{escape(programme, quote=True)}" style="font-size:13px">{escape(name)}</span>'
                self.budget_names[k].value = cell
                self._grid_names[k].value = cell
            self.uncertainty.description = t("planner_uncertainty", lang)
            self.draws.description = t("brief_draws", lang)
            self.targets_title.value = f"<b>{escape(t('section_targets', lang))}</b>"
            self.district_points.description = t("planner_target_district", lang)
            self.dtts_points.description = t("planner_target_dtts", lang)
            self.outputs_title.value = f"<b>{escape(t('planner_outputs', lang))}</b>"
            self.status_title.value = f"<b>{escape(t('target_status', lang))}</b>"
            self.coverage_title.value = f"<b>{escape(t('section_resources', lang))}</b>"
            self.required_button.description = t("planner_required", lang)
            self.required_button.tooltip = t("planner_required_hint", lang)
            self.sensitivity_button.description = t("sensitivity_chart_title", lang)
            self.save_name.description = t("planner_save_name", lang)
            self.save_button.description = t("planner_save", lang)
            self.overwrite_button.description = t("planner_overwrite", lang)
            self.cancel_button.description = t("planner_cancel", lang)
            self.brief_button.description = t("planner_brief", lang)
            self.households_tab.titles = (t("hh_tab", lang),)
            self.households_panel.relabel(lang)
        finally:
            self._syncing = False
        self._show_target_readouts()
        self._set_budget_controls()

    # -- refreshing --------------------------------------------------------------------------
    def _show_message(self, text: str, kind: str = "error") -> None:
        colour = {"error": "#c0392b", "info": "#1f618d"}.get(kind, "#333")
        self.message.value = f'<div style="color:{colour}" class="thidua-message-{kind}">{escape(text)}</div>' if text else ""

    def refresh(self) -> PlannerView | None:
        """Recompute and redraw now (synchronous). A user mistake is shown in the planner's
        message line (and the previous results stay); the new view is returned."""
        self._debounced.cancel()
        start = time.perf_counter()
        settings = self.settings()
        try:
            scenario = self.current_scenario()
            view = compute_view(self.baseline, self.params, scenario, settings, self._period_inputs,
                                self._period_targets)
        except ImportError as exc:  # Monte Carlo module missing in this installation
            self._show_message(t("planner_mc_unavailable", settings.lang, error=str(exc)))
            return None
        except (ThiduaError, ValueError, KeyError) as exc:
            self._show_message(t("planner_error", settings.lang, error=str(exc)))
            return None
        computed = time.perf_counter()
        self.view = view
        self.status.value = status_html(view, settings.lang)
        self.coverage.value = coverage_html(view, self.params, settings.lang)
        self._show_message("")
        tabled = time.perf_counter()
        self.required_results = []
        if settings.period != "2021-2025":
            self.required_output.value = f'<i style="color:#777">{escape(t("period_section_unavailable", settings.lang))}</i>'
        elif settings.uncertainty or not self.live_required:
            self.required_output.value = (f'<i style="color:#777">{escape(t("planner_required_hint", settings.lang))}'
                                          "</i>")
        else:
            self.compute_required()
        required = time.perf_counter()
        self.chart.value = chart_png(view, settings.lang)
        drawn = time.perf_counter()
        self.timings = {"projection_and_status": computed - start, "tables": tabled - computed,
                        "required": required - tabled, "chart": drawn - required, "total": drawn - start}
        return view

    def _refresh_safely(self) -> None:
        """The debounced refresh: never lets an exception escape into the event loop."""
        try:
            self.refresh()
        except Exception as exc:  # a bug: show it rather than lose it in a timer thread
            log.exception("planner refresh failed")
            self._show_message(t("planner_error", self.lang, error=f"{type(exc).__name__}: {exc}"))

    def flush(self) -> None:
        """Run a pending debounced refresh now."""
        self._debounced.flush()

    # -- extra budget required ---------------------------------------------------------------
    def compute_required(self) -> list[Any]:
        """The extra district money per year each unmet target of the view needs (on the
        expected path, or with probability 0.8 when uncertainty is on), spread by the chosen
        rule ("poor" when the scenario's own split is kept)."""
        from ...planning import required_resources

        if self.view is None:
            return []
        lang = self.lang
        settings = self.view.settings
        self.required_output.value = f"<i>{escape(t('planner_computing', lang))}</i>"
        rule = settings.rule or "poor"
        probability = 0.8 if settings.uncertainty else None
        results, lines = [], []
        for check in self.view.checks:
            name = check.target.name_vi if lang == "vi" else check.target.name_en
            if check.met and probability is None:
                lines.append(t("planner_required_met", lang, target=name))
                continue
            try:
                result = required_resources(self.baseline, self.view.scenario, self.params, check.target,
                                            mode="extra", rule=rule, probability=probability,
                                            draws=settings.draws, seed=settings.seed, until=settings.until)
            except ThiduaError as exc:
                lines.append(t("planner_error", lang, error=str(exc)))
                continue
            results.append(result)
            lines.append(self._required_text(result, name, rule, probability, lang))
        self.required_results = results
        self.required_output.value = "".join(f"<div>{escape(line)}</div>" for line in lines)
        return results

    def compute_sensitivity(self, base_samples: int = 64) -> Any:
        """What decides whether the district target is met under the current settings: Sobol
        indices (chart) and the PRIM box of failing assumptions (``thidua-sim sensitivity``)."""
        from ...planning.sensitivity import sensitivity
        from ...report.charts import figure_img_tag
        from ...report.validation import parameter_labels, prim_lines, probability_with_error, sensitivity_chart

        if self.view is None:
            return None
        lang = self.lang
        target = next((c.target for c in self.view.checks if c.target.population == "district"), None)
        if target is None:
            self.sensitivity_output.value = escape(t("section_unavailable", lang, reason="no district target"))
            return None
        self.sensitivity_output.value = f"<i>{escape(t('planner_computing', lang))}</i>"
        try:
            result = sensitivity(self.baseline, self.view.scenario, self.params, target, base_samples=base_samples,
                                 seed=self.seed)
        except ThiduaError as exc:
            self.sensitivity_output.value = escape(t("planner_error", lang, error=str(exc)))
            return None
        p = probability_with_error(result.probability, result.independent_runs, lang)
        lines = [t("sensitivity_setup", lang, target=target.name_vi if lang == "vi" else target.name_en,
                   n=len(result.samples), base=result.base_samples, k=len(result.indices), p=p),
                 t("sensitivity_prim_title", lang),
                 *prim_lines(result.box, result.box_stats, lang, mostly_met=result.probability >= 0.5,
                             names=parameter_labels(self.params, lang)),
                 t("probability_conditional", lang)]
        img = figure_img_tag(sensitivity_chart(result.indices, lang, names=parameter_labels(self.params, lang)),
                             t("sensitivity_title", lang))
        self.sensitivity_output.value = img + "".join(f"<div>{escape(line)}</div>" for line in lines)
        return result

    @staticmethod
    def _required_text(result: Any, name: str, rule: str, probability: float | None, lang: str) -> str:
        rule_key = dict((v, k) for v, k in _RULES)[rule]
        if not getattr(result, "feasible", True):
            best = getattr(result, "best_reduction_points_per_year", None)
            return t("planner_required_infeasible", lang, target=name, best=format_number(best, lang, 2))
        extra = float(getattr(result, "extra_mvnd_per_year", 0.0) or 0.0)
        if extra <= 0:
            return t("planner_required_met", lang, target=name)
        p_text = "" if probability is None else t("planner_required_probability", lang,
                                                  p=format_percent(100 * probability, lang, 0))
        text = t("planner_required_amount", lang, target=name, amount=format_number(extra, lang, 0),
                 rule=lower_first(t(rule_key, lang)), probability=p_text)
        if not getattr(result, "monotone", True):  # more money can lower the reduction here
            text += " " + t("required_not_monotone", lang, amount=format_number(result.falls_from, lang, 0))
        return text

    # -- saving ------------------------------------------------------------------------------
    def save(self, name: str | None = None, *, overwrite: bool = False) -> Path | None:
        """Save the current settings as ``<scenario_dir>/<name>.yaml`` (name from the text box
        when not given). An existing file is overwritten only with ``overwrite=True`` (the
        "Overwrite" button of the confirm step); otherwise the planner asks. Returns the path
        written, or None (bad name, waiting for confirmation, or refused by the validator)."""
        from ...params import load_scenario, save_scenario

        lang = self.lang
        name = (self.save_name.value if name is None else name).strip()
        self.confirm_box.layout.display = "none"
        if not valid_scenario_name(name):
            self._save_feedback(t("planner_bad_name", lang, name=name), "error")
            return None
        if self.scenario_dir is None:
            self._save_feedback(t("planner_no_scenario_dir", lang), "error")
            return None
        path = self.scenario_dir / f"{name}.yaml"
        if path.exists() and not (overwrite and self._pending_save == path):
            self._pending_save = path
            self.overwrite_question.value = escape(t("planner_overwrite_question", lang, file=path.name))
            self.confirm_box.layout.display = None
            self._save_feedback("", "info")
            return None
        self._pending_save = None
        base_name = self.base_scenario.name_vi if lang == "vi" else self.base_scenario.name_en
        scenario = replace(
            self.current_scenario(scenario_id=name),
            id=name, name_vi=name, name_en=name,
            description=f"Saved from the planner; based on {self.base_scenario.id} ({base_name}).",
        )
        try:
            save_scenario(scenario, path, overwrite=path.exists())
            loaded = load_scenario(path, params=self.params, areas=self.baseline.areas)
        except (ThiduaError, OSError) as exc:
            self._save_feedback(t("planner_save_failed", lang, error=str(exc)), "error")
            return None
        self._use_scenario(loaded, path)
        self._save_feedback(t("planner_saved", lang, file=str(path)), "info")
        self._debounced()
        return path

    def cancel_save(self) -> None:
        """Answer "no" to the overwrite question: nothing is written."""
        self._pending_save = None
        self.confirm_box.layout.display = "none"
        self._save_feedback(t("planner_save_cancelled", self.lang), "info")

    def _save_feedback(self, text: str, kind: str) -> None:
        colour = "#c0392b" if kind == "error" else "#1e8449"
        self.save_message.value = (f'<div style="color:{colour}" class="thidua-save-{kind}">{escape(text)}</div>'
                                   if text else "")

    # -- briefs ------------------------------------------------------------------------------
    def render_brief(self, *, wait: bool = False) -> Path | None:
        """Render the brief of the chosen area (or the district) from the saved scenario with
        :func:`thidua_sim.apps.briefs.batch.run_briefs`, and show a link to its HTML. Runs in a background
        thread unless ``wait``; returns the HTML path when waited for."""
        lang = self.lang
        path = self.scenario_file
        if path is None:
            self.brief_output.value = f'<span style="color:#c0392b">{escape(t("planner_brief_needs_save", lang))}</span>'
            return None
        area = self.area.value or None
        area_name = t("district", lang) if area is None else next(
            a.name for a in self.baseline.areas if a.id == area)
        self.brief_output.value = f"<i>{escape(t('planner_brief_running', lang, area=area_name))}</i>"
        settings = self.settings()
        if wait:
            return self._render_brief(path, area, settings)
        self.brief_button.disabled = True
        self._brief_thread = threading.Thread(target=self._render_brief, args=(path, area, settings), daemon=True)
        self._brief_thread.start()
        return None

    def _render_brief(self, scenario_path: Path, area: str | None, settings: PlannerSettings) -> Path | None:
        from ._brief import brief_link, run_one_brief

        lang = settings.lang
        try:
            html = run_one_brief(scenario_path, area, settings, data_dir=self.data_dir, params_dir=self.params_dir,
                                 out_dir=self.brief_dir, run_briefs=self._run_briefs)
        except Exception as exc:  # shown in the planner; a failing brief must not kill the kernel thread
            self.brief_output.value = (f'<span style="color:#c0392b">'
                                       f'{escape(t("planner_brief_failed", lang, error=str(exc)))}</span>')
            return None
        finally:
            self.brief_button.disabled = False
        self.last_brief = html
        self.brief_output.value = f"{escape(t('planner_brief_ready', lang))} {brief_link(html)}"
        return html

