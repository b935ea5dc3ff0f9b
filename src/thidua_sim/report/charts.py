"""Charts of the briefs and the planner (matplotlib, no pyplot state).

Every text on a chart goes through :mod:`thidua_sim.report.i18n`; numbers on axes are
written the language's way. Text is set in DejaVu Sans (shipped with matplotlib), which has
every Vietnamese diacritic. Each function draws into ``ax`` when given (and returns its
figure), or makes a new :class:`~matplotlib.figure.Figure`.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..core.types import GROUPS
from .i18n import format_number, t

__all__ = [
    "FONT",
    "trajectory_chart",
    "ranking_chart",
    "resources_chart",
    "allocation_chart",
    "figure_png",
    "figure_img_tag",
    "population_label",
]

FONT = "DejaVu Sans"
GROUP_COLOURS = {"all": "#222222", "dtts": "#c0392b", "other": "#2471a3"}
MET_COLOUR, NOT_MET_COLOUR = "#1e8449", "#c0392b"
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "svg.fonttype": "none",
}


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(_RC):
        yield


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _number_axis(axis, lang: str, decimals: int = 0) -> None:
    """Ticks at 1-2-5 steps (never 2.5 with 0 decimals), labelled the language's way."""
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(FuncFormatter(
        lambda x, _pos: format_number(x, lang, 0 if abs(x - round(x)) < 1e-9 else decimals)))


def _legend_below(ax: Axes, ncols: int = 3) -> None:
    """Legend under the chart: outside the axes on a figure of our own, inside on a caller's axes."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    fig = ax.figure
    if len(fig.axes) == 1 and fig.get_layout_engine() is not None:
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, frameon=False)
    else:
        ax.legend(handles, labels, loc="best", ncols=ncols, frameon=False, fontsize=7)


def population_label(population: str, lang: str, area_names: Mapping[str, str] | None = None) -> str:
    """A population string (``"district"``, ``"dtts"``, ``"area:<id>"``, ``"area:<id>:dtts"``) in words."""
    parts = population.split(":")
    if population == "district":
        return t("district", lang)
    if population in GROUPS:
        return t(f"group_{population}", lang)
    if parts[0] == "area":
        name = (area_names or {}).get(parts[1], parts[1])
        if len(parts) == 3:
            return f"{name} – {t(f'group_{parts[2]}_short', lang)}"
        return name
    return population


def _groups_of(population: str) -> list[tuple[str, str]]:
    """(group key, population string) for the whole population and its groups."""
    parts = population.split(":")
    if population in GROUPS or len(parts) == 3:
        return [(parts[-1], population)]
    if population == "district":
        return [("all", "district"), *((g, g) for g in GROUPS)]
    return [("all", population), *((g, f"{population}:{g}") for g in GROUPS)]


def _broken(projection, years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``years`` and ``values`` with a gap at a change of poverty standard, so that no line joins
    the years on either side of the break (nothing to do without one)."""
    switch = getattr(getattr(projection, "periods", None), "switch", None)
    if switch is None or switch.year not in list(years):
        return years, values
    i = list(years).index(switch.year)
    return (np.insert(years.astype(float), i, switch.year - 0.5),
            np.insert(np.asarray(values, dtype=float), i, np.nan))


def _mark_break(ax: Axes, projection, lang: str) -> None:
    """A labelled vertical line where the poverty standard changes."""
    switch = getattr(getattr(projection, "periods", None), "switch", None)
    if switch is None or switch.year not in projection.years:
        return
    ax.axvline(switch.year - 0.5, color="#b03a2e", ls=":", lw=1.5,
               label=t("chart_standard_break", lang, year=switch.year))


def trajectory_chart(projection, population: str = "district", lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Poor and near-poor rates of ``population`` by year, for all households and each group.

    Solid lines: poor; dashed: near-poor; shaded: the 5-95 % band of the Monte Carlo draws
    when the projection has them. Groups without households are left out. A hollow marker
    on the first year flags a baseline that is an estimate.
    """
    with _style():
        fig, ax = _figure(ax, (7.0, 4.8))
        years = np.asarray(projection.years)
        names = {a.id: a.name for a in projection.areas}
        has_draws = projection.draws is not None
        band_labelled = False
        for group, pop in _groups_of(population):
            if float(projection.households(pop)[0]) <= 0:
                continue
            colour = GROUP_COLOURS[group]
            group_name = t("group_all", lang) if group == "all" else t(f"group_{group}_short", lang)
            for state, style, key in (("poor", "-", "legend_poor"), ("near_poor", "--", "legend_near_poor")):
                rate = projection.rate(pop, state)
                ax.plot(*_broken(projection, years, rate), style, color=colour, lw=2.0 if group == "all" else 1.5,
                        marker="o", ms=3.5, label=t(key, lang, group=group_name))
                if has_draws:
                    per_draw = projection.rate(pop, state, draws=True)
                    low, high = np.quantile(per_draw, [0.05, 0.95], axis=0)
                    x, low = _broken(projection, years, low)
                    ax.fill_between(x, low, _broken(projection, years, high)[1], color=colour, alpha=0.12, lw=0,
                                    label=None if band_labelled else t("legend_band", lang))
                    band_labelled = True
        _mark_break(ax, projection, lang)
        if _baseline_estimated(projection, population):
            for group, pop in _groups_of(population):
                if float(projection.households(pop)[0]) > 0:
                    first = [projection.rate(pop, s)[0] for s in ("poor", "near_poor")]
                    ax.plot([years[0]] * 2, first, ls="none", marker="o", ms=7, mfc="white",
                            mec=GROUP_COLOURS[group], zorder=3)
            ax.plot([], [], ls="none", marker="o", ms=7, mfc="white", mec="#555555",
                    label=t("legend_estimated_baseline", lang))
        ax.set_title(t("chart_trajectory_title", lang, population=population_label(population, lang, names)))
        ax.set_xlabel(t("year", lang))
        ax.set_ylabel(t("axis_rate_percent", lang))
        ax.set_xticks(years)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{int(round(x))}"))
        _number_axis(ax.yaxis, lang, 1)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        _legend_below(ax, ncols=3)
    return fig


def _baseline_estimated(projection, population: str) -> bool:
    from ..model.projection import population_mask

    mask = population_mask(population, projection.areas)
    estimated = np.asarray(projection.baseline.estimated, dtype=bool)
    return bool(np.any(estimated & (mask > 0)))


def ranking_chart(table: pd.DataFrame, lang: str = "vi", ax: Axes | None = None, *,
                  start: int | None = None, end: int | None = None,
                  district_target: float | None = None, assigned_targets: bool = False) -> Figure:
    """Communes ranked by the average yearly fall of their poverty rate (points/year).

    ``table`` has one row per commune with columns ``name`` and ``reduction`` (points/year),
    and optionally ``target`` (the commune's own threshold, drawn as a tick) and ``met``
    (bar colour: green met, red not met; grey without). ``district_target`` draws a line.
    ``assigned_targets``: the ticks are targets the district set ("Chỉ tiêu huyện giao"); by
    default they are proposed ones ("Chỉ tiêu đề xuất").
    """
    missing = {"name", "reduction"} - set(table.columns)
    if missing:
        raise ValueError(f"ranking_chart: table lacks columns {sorted(missing)}")
    data = table.sort_values("reduction", ascending=True, kind="stable")
    with _style():
        fig, ax = _figure(ax, (7.0, 1.4 + 0.32 * max(len(data), 3)))
        y = np.arange(len(data))
        if "met" in data:
            colours = [MET_COLOUR if bool(m) else NOT_MET_COLOUR for m in data["met"]]
        else:
            colours = ["#7f8c8d"] * len(data)
        ax.barh(y, data["reduction"].to_numpy(dtype=float), color=colours, height=0.65)
        if "target" in data:
            ax.scatter(data["target"].to_numpy(dtype=float), y, marker="|", s=220, color="#111111", zorder=3,
                       label=t("legend_commune_target" if assigned_targets else "legend_commune_target_proposed",
                               lang))
        if district_target is not None:
            ax.axvline(district_target, color="#111111", ls=":", lw=1.2, label=t("legend_district_target", lang))
        ax.set_yticks(y, list(data["name"]))
        ax.axvline(0, color="#555555", lw=0.8)
        if start is not None and end is not None:
            ax.set_title(t("chart_ranking_title", lang, start=start, end=end))
        ax.set_xlabel(t("axis_reduction", lang))
        _number_axis(ax.xaxis, lang, 1)
        ax.grid(axis="x", alpha=0.3)
        _legend_below(ax, ncols=2)
    return fig


def resources_chart(projection, population: str = "district", lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Money by instrument over the projection, used and unused, for ``population``
    (``"district"`` or ``"area:<id>"``), in million VND summed over the years."""
    from ..model.projection import population_mask

    mask = population_mask(population, projection.areas).max(axis=1)  # (A,)
    spent = np.einsum("yak,a->k", projection.resources, mask)
    unused = np.einsum("yak,a->k", projection.unused, mask)
    used = spent - unused
    instruments = projection.params.instruments
    names = [getattr(instruments[k], "name_vi" if lang == "vi" else "name_en") for k in projection.instrument_ids]
    with _style():
        fig, ax = _figure(ax, (7.0, 1.4 + 0.4 * max(len(names), 3)))
        y = np.arange(len(names))
        ax.barh(y, used, color="#2471a3", height=0.6, label=t("legend_used", lang))
        ax.barh(y, unused, left=used, color="#d5dbdb", height=0.6, hatch="//", edgecolor="#909497",
                label=t("legend_unused", lang))
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        years = projection.years
        ax.set_title(t("chart_resources_title", lang, start=years[0] + 1, end=years[-1]))
        ax.set_xlabel(t("axis_mvnd", lang))
        _number_axis(ax.xaxis, lang, 0)
        ax.grid(axis="x", alpha=0.3)
        _legend_below(ax, ncols=2)
    return fig


def allocation_chart(names: Sequence[str], scenario_mvnd: Sequence[float], recommended_mvnd: Sequence[float],
                     lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Money per area (or instrument) under the scenario and as recommended, side by side."""
    with _style():
        fig, ax = _figure(ax, (7.0, 1.4 + 0.4 * max(len(names), 3)))
        y = np.arange(len(names))
        ax.barh(y - 0.2, np.asarray(scenario_mvnd, float), height=0.4, color="#909497", label=t("legend_scenario", lang))
        ax.barh(y + 0.2, np.asarray(recommended_mvnd, float), height=0.4, color="#1e8449",
                label=t("legend_recommended", lang))
        ax.set_yticks(y, list(names))
        ax.invert_yaxis()
        ax.set_title(t("chart_allocation_title", lang))
        ax.set_xlabel(t("axis_mvnd", lang))
        _number_axis(ax.xaxis, lang, 0)
        ax.grid(axis="x", alpha=0.3)
        _legend_below(ax, ncols=2)
    return fig


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (fixed metadata, so equal figures give equal bytes)."""
    buffer = io.BytesIO()
    with _style():
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def figure_img_tag(fig: Figure, alt: str, dpi: int = 110) -> str:
    """An ``<img>`` tag with the figure inlined as a base64 PNG (class ``thidua-chart``)."""
    from html import escape

    data = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
    return f'<img class="thidua-chart" alt="{escape(alt)}" src="data:image/png;base64,{data}"/>'
