"""What the planner shows for one set of settings: pure functions, no widgets.

:func:`compute_view` runs the projection for the whole district (district totals are spread
over communes by rule, so a one-commune run would be wrong) and checks the targets of the
chosen view: the district's two targets, or the chosen commune's own target (an explicit
``area:<id>`` target from params, else the commune's share of the district target proposed by
:func:`thidua_sim.planning.targets.split_district_target`). The ``*_html`` and :func:`chart_png`
functions turn a :class:`PlannerView` into what the widgets display, in either language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape

import matplotlib
import numpy as np
import pandas as pd

from ...core.defaults import BRIEF_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED
from ...core.types import GROUPS, Baseline, Params, Scenario, Target
from ...model.projection import Projection, project
from ...report.i18n import format_number, format_percent, t
from ...report.tables import _threshold_text, resources_values

__all__ = [
    "PlannerSettings",
    "PlannerView",
    "view_targets",
    "compute_view",
    "coverage_table",
    "chart_data",
    "status_html",
    "coverage_html",
    "chart_png",
    "DEFAULT_DISTRICT_POINTS",
    "DEFAULT_DTTS_POINTS",
    "PERIODS",
    "shipped_points",
]

def shipped_points(population: str) -> float:
    """The threshold (points a year) of the shipped ``params/targets.yaml`` for ``district`` or
    ``dtts``: the planner's default when a params folder has no such target (one place for the
    movement's "more than 2 / 3 points a year", with its source)."""
    return _shipped_points()[population]


@lru_cache(maxsize=1)
def _shipped_points() -> dict[str, float]:
    from ...core.defaults import SHIPPED_PARAMS
    from ...params import load_targets

    found = {x.population: float(x.threshold_points) for x in load_targets(SHIPPED_PARAMS / "targets.yaml")}
    return {p: found[p] for p in ("district", "dtts")}


def __getattr__(name: str) -> float:
    # DEFAULT_DISTRICT_POINTS / DEFAULT_DTTS_POINTS: read from params/targets.yaml on first use
    if name == "DEFAULT_DISTRICT_POINTS":
        return shipped_points("district")
    if name == "DEFAULT_DTTS_POINTS":
        return shipped_points("dtts")
    raise AttributeError(name)


@dataclass(frozen=True)
class PlannerSettings:
    """The planner's controls as plain values.

    ``area``: None for the whole district, else an area id. ``budgets[instrument][year]``:
    district money in million VND. ``rule``: None keeps the scenario's split (see
    :mod:`thidua_sim.apps.planner._scenario`). ``draws`` is used only when ``uncertainty`` is on.
    """

    area: str | None = None
    budgets: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    rule: str | None = None
    uncertainty: bool = False
    draws: int = BRIEF_DRAWS
    district_points: float = field(default_factory=lambda: shipped_points("district"))
    dtts_points: float = field(default_factory=lambda: shipped_points("dtts"))
    lang: str = "vi"
    until: int = DEFAULT_HORIZON
    seed: int = DEFAULT_SEED
    period: str = "2021-2025"


PERIODS: dict[str, int] = {"2021-2025": 2025, "2026-2030": 2030}
"""The planner's periods and their last year. 2026-2030: the run continues on the units in force
(the 6 communes from 2025) across the 2027 standard switch, shown from 2025, with the targets of
``params/targets_2026_2030.yaml`` (see :mod:`thidua_sim.model._periods`)."""


@dataclass(frozen=True)
class PlannerView:
    """Results for one set of settings: the projection, the population shown, its targets and
    their checks (:class:`thidua_sim.planning.targets.TargetCheck`), coverage per instrument and the
    series of the chart."""

    settings: PlannerSettings
    scenario: Scenario
    projection: Projection
    population: str
    targets: tuple[Target, ...]
    checks: tuple
    coverage: pd.DataFrame
    chart: Mapping[str, Mapping[str, np.ndarray]]


def _district_target(params: Params, population: str, baseline: Baseline, until: int) -> Target:
    for target in params.targets:
        if target.population == population:
            return target
    points = shipped_points(population)
    return Target(population, t(f"planner_default_target_{population}", "vi"),
                  t(f"planner_default_target_{population}", "en"), population, points, baseline.year,
                  min(DEFAULT_HORIZON, until), True, "assumption: no target in params; the movement's default")


def view_targets(baseline: Baseline, params: Params, area: str | None, district_points: float,
                 dtts_points: float, until: int = DEFAULT_HORIZON) -> tuple[Target, ...]:
    """The targets of a view, with the thresholds set by the planner.

    District view: the district and dtts targets of params (or the movement's defaults, > 2 and
    > 3 points a year from the baseline year to 2025). Commune view: the commune's explicit
    target from params if there is one, else its share of the district target (with the
    planner's threshold) by the default split rule.
    """
    from ...planning.targets import split_district_target

    district = replace(_district_target(params, "district", baseline, until), threshold_points=float(district_points))
    if area is None:
        dtts = replace(_district_target(params, "dtts", baseline, until), threshold_points=float(dtts_points))
        return (district, dtts)
    baseline.area_index(area)  # KeyError for an unknown area
    population = f"area:{area}"
    for target in params.targets:
        if target.population == population:
            return (target,)
    for target in split_district_target(baseline, district, params=params):
        if target.population == population:
            return (target,)
    raise KeyError(f"no target for {population!r}")  # pragma: no cover - the split covers every area


def coverage_table(projection: Projection, area: str | None) -> pd.DataFrame:
    """Money, households supported, coverage of eligible households and unused money per
    instrument, summed over the projection's years, for the district or one area.

    ``coverage_percent`` = households supported / eligible households (both summed over the
    years; eligible = households at the start of each year in a state the instrument serves).
    ``unallocated_mvnd`` (district only) is district money that had nowhere to go.
    """
    values = resources_values(projection, "district" if area is None else f"area:{area}")  # the report's sums
    money = values["money_mvnd"].to_numpy()
    unused = values["unused_mvnd"].to_numpy()
    supported = values["beneficiaries"].to_numpy()
    eligible = values["eligible"].to_numpy()
    unallocated = projection.unallocated.sum(axis=0) if area is None else np.zeros_like(money)
    coverage = 100.0 * values["coverage"].to_numpy()
    return pd.DataFrame({
        "instrument": list(projection.instrument_ids),
        "money_mvnd": money,
        "households_supported": supported,
        "eligible_households": eligible,
        "coverage_percent": coverage,
        "unused_mvnd": unused,
        "unallocated_mvnd": unallocated,
    })


def chart_data(projection: Projection, population: str) -> dict[str, dict[str, np.ndarray]]:
    """The series the chart draws: for the population and each of its groups, the expected
    poor and near-poor rates by year (percent) and, with draws, their 5 % and 95 % points."""
    pops = {"all": population}
    for g in GROUPS:
        pops[g] = g if population == "district" else f"{population}:{g}"
    out: dict[str, dict[str, np.ndarray]] = {}
    for key, pop in pops.items():
        series = {"years": np.asarray(projection.years)}
        for state in ("poor", "near_poor"):
            series[state] = projection.rate(pop, state)
            if projection.draws is not None:
                low, high = np.quantile(projection.rate(pop, state, draws=True), [0.05, 0.95], axis=0)
                series[f"{state}_q05"], series[f"{state}_q95"] = low, high
        out[key] = series
    return out


def compute_view(baseline: Baseline, params: Params, scenario: Scenario, settings: PlannerSettings,
                 periods: object = None, period_targets: tuple[Target, ...] = ()) -> PlannerView:
    """Project the district under ``scenario`` and check the targets of the chosen view.

    ``settings.period`` "2026-2030": the run goes on the units in force (``periods``, a
    :class:`~thidua_sim.model._periods.PeriodInputs`) to 2030 and is shown from 2025 on the new
    communes; the targets are ``period_targets`` (the district's and dtts ones, or the commune's own)."""
    from ...planning.targets import check_target

    draws = int(settings.draws) if settings.uncertainty else 0
    population = "district" if settings.area is None else f"area:{settings.area}"
    if settings.period != "2021-2025":
        full = project(baseline, scenario, params, until=max(int(settings.until), PERIODS[settings.period]),
                       draws=draws, seed=int(settings.seed), periods=periods,
                       keep_draws=True)  # the bands and charts read every draw
        projection = full.window(2025)
        if settings.area is None:
            targets = tuple(x for x in period_targets if x.population in ("district", *GROUPS))
        else:
            targets = tuple(x for x in period_targets if x.population == population)
        checks = tuple(check_target(projection, target) for target in targets)
        return PlannerView(settings, scenario, projection, population, targets, checks,
                           coverage_table(projection, settings.area), chart_data(projection, population))
    projection = project(baseline, scenario, params, until=int(settings.until), draws=draws, seed=int(settings.seed),
                         keep_draws=True)  # the bands and charts read every draw
    targets = view_targets(baseline, params, settings.area, settings.district_points, settings.dtts_points,
                           settings.until)
    checks = tuple(check_target(projection, target) for target in targets)
    return PlannerView(settings, scenario, projection, population, targets, checks,
                       coverage_table(projection, settings.area), chart_data(projection, population))


# -- rendering ----------------------------------------------------------------------------------

_TABLE_STYLE = ("border-collapse:collapse;font-size:13px;margin:4px 0;")
_CELL = "border-bottom:1px solid #ddd;padding:3px 8px;"


def _table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f'<th style="{_CELL}text-align:{"left" if i < numeric_from else "right"}">{escape(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f'<td style="{_CELL}text-align:{"left" if i < numeric_from else "right"}">{c}</td>'
                        for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f'<table style="{_TABLE_STYLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def target_name(target: Target, lang: str) -> str:
    """A target's name in ``lang``."""
    return target.name_vi if lang == "vi" else target.name_en


def status_html(view: PlannerView, lang: str) -> str:
    """The target status table: reduction, threshold, met, margins and probability."""
    headers = [t("target", lang), t("target_reduction", lang), t("target_threshold", lang),
               t("target_met", lang), t("target_margin_points", lang), t("target_margin_households", lang)]
    with_probability = any(c.probability is not None for c in view.checks)
    if with_probability:
        headers.append(t("target_probability", lang))
    rows = []
    for check in view.checks:
        target = check.target
        colour = "#1e8449" if check.met else "#c0392b"
        met = t("yes" if check.met else "no", lang)
        sign = "> " if target.strict else "≥ "
        row = [
            escape(f"{target_name(target, lang)} ({target.start_year}–{target.end_year})"),
            format_number(check.reduction_points_per_year, lang, 2),
            _threshold_text(target, lang) if target.kind == "level" else sign + format_number(target.threshold_points,
                                                                                              lang, 2),
            f'<b style="color:{colour}" class="thidua-met-{str(check.met).lower()}">{escape(met)}</b>',
            ("+" if check.margin_points > 0 else "") + format_number(check.margin_points, lang, 2),
            format_number(check.margin_households_per_year, lang, 0),
        ]
        if with_probability:
            from ...report.validation import probability_with_error

            row.append(probability_with_error(check.probability, check.draws, lang)
                       if check.probability is not None and getattr(check, "draws", None)
                       else format_percent(None if check.probability is None else 100.0 * check.probability, lang, 0))
        rows.append(row)
    note = ""
    estimated = np.asarray(view.projection.baseline.estimated, dtype=bool)
    if view.settings.area is not None:
        estimated = estimated[[view.projection.baseline.area_index(view.settings.area)]]
    flags = np.any(estimated, axis=-1)
    if flags.any():
        text = t("baseline_estimate_note", lang, year=view.projection.years[0], n=int(flags.sum()), total=len(flags))
        note = f'<div style="color:#8a6d3b;font-size:12px">{escape(text)}</div>'
    return f'<div class="thidua-status">{_table(headers, rows)}{note}</div>'


def coverage_html(view: PlannerView, params: Params, lang: str) -> str:
    """Money, households supported, coverage and unused money per instrument."""
    years = view.projection.years
    period = f"{years[1]}–{years[-1]}"
    headers = [t("instrument", lang), t("planner_col_money", lang, period=period),
               t("beneficiaries", lang), t("coverage", lang), t("unused_mvnd", lang)]
    rows = []
    table = view.coverage
    for rec in table.itertuples(index=False):
        inst = params.instruments[rec.instrument]
        name = inst.name_vi if lang == "vi" else inst.name_en
        rows.append([escape(name), format_number(rec.money_mvnd, lang, 0),
                     format_number(rec.households_supported, lang, 0),
                     format_percent(rec.coverage_percent, lang, 1), format_number(rec.unused_mvnd, lang, 0)])
    rows.append([f"<b>{escape(t('total', lang))}</b>", f"<b>{format_number(table['money_mvnd'].sum(), lang, 0)}</b>",
                 f"<b>{format_number(table['households_supported'].sum(), lang, 0)}</b>", "",
                 f"<b>{format_number(table['unused_mvnd'].sum(), lang, 0)}</b>"])
    note = ""
    unallocated = float(table["unallocated_mvnd"].sum())
    if unallocated > 0.5:
        text = t("planner_unallocated_note", lang, amount=format_number(unallocated, lang, 0))
        note = f'<div style="font-size:12px">{escape(text)}</div>'
    return f'<div class="thidua-coverage">{_table(headers, rows)}{note}</div>'


def chart_figure(view: PlannerView, lang: str):
    """The trajectory chart of the view (report layer's chart), as a matplotlib Figure."""
    from matplotlib.figure import Figure

    from ...report.charts import trajectory_chart

    fig = Figure(figsize=(7.0, 4.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    trajectory_chart(view.projection, view.population, lang, ax=ax)
    return fig


def chart_png(view: PlannerView, lang: str, dpi: int = 80) -> bytes:
    """The trajectory chart as PNG bytes (light compression: this is redrawn on every change)."""
    import io

    from ...report.charts import FONT

    buffer = io.BytesIO()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [FONT]}):
        chart_figure(view, lang).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                                         pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
