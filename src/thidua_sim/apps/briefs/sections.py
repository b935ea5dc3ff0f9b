"""What the brief notebooks show: each notebook cell calls one function here and displays the
:class:`~thidua_sim.report.html.Section` it returns.

A brief starts with :func:`commune_brief` or :func:`district_brief` (in ``_loading``, re-exported
here for the notebooks), which load the inputs, run
the **district** projection (district totals are spread over communes by their poor
households, so a commune can only be projected within its district) and check the targets.
The other functions turn that :class:`Brief` into sections: summary, baseline, trajectory,
targets, resources, what more it would take, assumptions and provenance; for the district
also every commune, the ranking, the commune target split, the recommended allocation and the
emulation scoreboard.

Everything a reader sees goes through :mod:`thidua_sim.report` (Vietnamese by default,
English with ``language="en"``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ... import __version__
from ...core.types import STATES, Scenario, Target
from ...errors import BriefError  # noqa: F401 (re-exported: callers import it from here)
from ...report import charts, tables
from ...report.html import Chart, Facts, Note, Paragraph, Section, Table
from ...report.i18n import (
    format_number,
    format_percent,
    format_points,
    format_signed,
    lower_first,
    t,
)

from ._loading import (
    Brief,
    BRIEF_PARAMETERS,
    BriefSettings,
    commune_brief,
    district_brief,
    PERIOD_2026_2030,
    period_units,
    SPLIT_RULE,
)

__all__ = [
    "Brief",
    "BriefSettings",
    "BRIEF_PARAMETERS",
    "commune_brief",
    "district_brief",
    "summary",
    "baseline",
    "trajectory",
    "targets",
    "resources",
    "required",
    "assumptions",
    "provenance",
    "communes",
    "ranking",
    "target_split",
    "allocation",
    "allocation_budget",
    "recommended_allocation",
    "scoreboard",
    "period_units",
    "PERIOD_2026_2030",
    "households",
    "forecast_record",
    "what_decides",
]


# -- sections ------------------------------------------------------------------------------

def title(brief: Brief) -> Section:
    """The title block: brief title, movement, scenario, period, date; a warning for estimates."""
    lang = brief.lang
    key = "brief_commune_title" if brief.kind == "commune" else (
        "brief_former_district_title" if brief.period else "brief_district_title")
    section = Section(t(key, lang, area=brief.area_name), level=1, css=True, section_id="title")
    section.add(Paragraph(t("brief_programme_2026_2030" if brief.period else "brief_movement", lang)))
    years = brief.projection.years
    section.add(Facts((
        (t("brief_scenario", lang), brief.scenario_name),
        (t("brief_horizon", lang), f"{years[0]}–{years[-1]}"),
        (t("brief_draws", lang), format_number(brief.settings.draws, lang)),
        (t("brief_date", lang), brief.created.date().isoformat()),
    )))
    estimated = _estimated_areas(brief)
    if estimated:
        section.add(Note(t("brief_estimate_warning", lang, areas=", ".join(estimated)), "warning"))
    return section


def _estimated_areas(brief: Brief) -> list[str]:
    est = np.asarray(brief.baseline.estimated, bool).any(axis=1)
    areas = brief.baseline.areas
    if brief.kind == "commune":
        a = brief.baseline.area_index(brief.settings.area_id)
        return [areas[a].name] if est[a] else []
    return [areas[i].name for i in range(len(areas)) if est[i]]


def _measured(brief: Brief) -> tuple[int, str | None]:
    """Index of the first year a fall is measured from, and the standard it is measured in: the
    start of the projection, or across periods the re-based year before the standard switch."""
    switch = getattr(brief.projection.periods, "switch", None) if brief.period else None
    if switch is None:
        return 0, None
    return brief.projection.year_index(switch.year - 1), switch.to_standard


def _estimated_mark(brief: Brief, population: str) -> str:
    """" ⚠" after a figure of the baseline year when that population's baseline holds estimates."""
    from ...model.projection import population_mask

    mask = population_mask(population, brief.projection.areas)
    estimated = np.asarray(brief.baseline.estimated, dtype=bool)
    return " ⚠" if bool(np.any(estimated & (mask > 0))) else ""


def _rate_sentence(brief: Brief, population: str, label: str) -> str:
    lang, years = brief.lang, brief.projection.years
    i, standard = _measured(brief)
    rate = brief.projection.rate(population, standard=standard)
    fall = (rate[i] - rate[-1]) / (years[-1] - years[i])
    y0 = years[i] if standard is None else t("summary_rebased_year", lang, year=years[i])
    start = format_percent(rate[i], lang, 1) + _estimated_mark(brief, population)
    return t("summary_rate_path", lang, population=label, start=start,
             y0=y0, end=format_percent(rate[-1], lang, 1), y1=years[-1], points=format_points(fall, lang))


def _check_sentences(check, lang: str) -> list[Note]:
    from ...report.tables import target_name

    name = target_name(check.target, lang)
    if check.met:
        notes = [Note(t("summary_target_met", lang, target=name,
                        margin=format_points(check.margin_points, lang)), "ok")]
    else:
        households = f"{format_number(check.margin_households_per_year, lang)} {t('unit_households_per_year', lang)}"
        notes = [Note(t("summary_target_not_met", lang, target=name,
                        margin=format_points(-check.margin_points, lang), households=households), "bad")]
    if check.probability is not None:
        from ...report.validation import probability_with_error

        p = (probability_with_error(check.probability, check.draws, lang) if getattr(check, "draws", None)
             else format_percent(100 * check.probability, lang, 0))
        notes.append(Note(t("summary_probability", lang, p=p)))
    return notes


def summary(brief: Brief) -> Section:
    """Key figures in a few sentences, rounded (the cell nbval checks)."""
    lang = brief.lang
    section = Section(t("section_summary", lang), section_id="summary")
    p = brief.projection
    years = p.years
    if brief.kind == "commune":
        pops = [(brief.population, brief.area_name), (f"{brief.population}:dtts",
                                                       f"{brief.area_name} – {t('group_dtts_short', lang)}")]
        checks = [brief.commune_checks[brief.settings.area_id]] if brief.own_target else []
    else:
        # inside a sentence: "Tỷ lệ hộ nghèo toàn huyện", not "... Toàn huyện"
        pops = [("district", lower_first(brief.area_name)), ("dtts", t("group_dtts_in_sentence", lang))]
        checks = brief.district_checks
    for pop, label in pops:
        if p.households(pop)[0] > 0:
            section.add(Paragraph(_rate_sentence(brief, pop, label)))
    i, standard = _measured(brief)
    stocks = p.stocks(brief.population) if standard is None else p.stocks_in(brief.population, standard)
    poor = stocks[:, STATES.index("poor")]
    in_sentence = brief.area_name if brief.kind == "commune" else lower_first(brief.area_name)
    y0 = years[i] if standard is None else t("summary_rebased_year", lang, year=years[i])
    start = format_number(poor[i], lang) + _estimated_mark(brief, brief.population)
    section.add(Paragraph(t("summary_households", lang, population=in_sentence, start=start,
                            y0=y0, end=format_number(poor[-1], lang), y1=years[-1])))
    if brief.period:
        from ...report.tables import period_notes

        for line in period_notes(p, lang):
            section.add(Note(line, "info"))
    for check in checks:
        for note in _check_sentences(check, lang):
            section.add(note)
    return section


def baseline(brief: Brief) -> Section:
    """The baseline year's households, poor and near-poor per group, estimates flagged."""
    lang = brief.lang
    section = Section(t("section_baseline", lang, year=brief.baseline.year), section_id="baseline")
    area = brief.settings.area_id if brief.kind == "commune" else None
    if brief.period:
        section.add(Note(t("period_baseline_note", lang, year=brief.baseline.year), "warning"))
        plan = brief.projection.periods
        if area is not None and plan is not None:
            from ...data import load_area_info

            names = {a.id: a.name for a in load_area_info(brief.settings.data_dir)}
            former = _former_units(brief, area)
            if former:
                section.add(Paragraph(t("period_history", lang, name=brief.area_name,
                                        units=", ".join(names.get(u, u) for u in former))))
    section.add(Table(tables.baseline_table(brief.baseline, area, lang)))
    return section


def _former_units(brief: Brief, area_id: str) -> list[str]:
    """A new commune's former units through the data folder's crosswalk (nearest first)."""
    from ...data import load_crosswalk

    path = Path(brief.settings.data_dir) / "crosswalk.csv"
    if not path.is_file():
        return []
    rows = load_crosswalk(path).rows
    out: list[str] = []
    todo = [area_id]
    while todo:
        a = todo.pop(0)
        for r in rows:
            if r.new_id == a and r.old_id != a and r.old_id not in out:
                out.append(r.old_id)
                todo.append(r.old_id)
    return out


def trajectory(brief: Brief) -> Section:
    """Poor and near-poor rates by group to the horizon, with the Monte Carlo band: chart and table."""
    lang, p = brief.lang, brief.projection
    section = Section(t("section_trajectory", lang, year=p.years[-1]), section_id="trajectory")
    fig = charts.trajectory_chart(p, brief.population, lang)
    section.add(Chart(fig, t("chart_trajectory_title", lang, population=brief.area_name)))
    section.add(Table(tables.trajectory_table(p, brief.population, lang)))
    return section


def targets(brief: Brief) -> Section:
    """Commune brief: its own target (met, margins, probability). District brief: the district
    and ethnic-minority targets."""
    lang = brief.lang
    if brief.kind == "commune":
        proposed = brief.own_target is not None and brief.own_target.status == "proposed"
        heading = "section_target_proposed" if proposed else ("section_target_commune" if brief.period
                                                                else "section_target")
        section = Section(t(heading, lang), section_id="targets")
        if brief.own_target is None:
            return section.add(Note(t("section_unavailable", lang, reason="no district target in params"), "warning"))
        check = brief.commune_checks[brief.settings.area_id]
        if proposed:
            section.add(Paragraph(t("split_rule", lang, rule=t(f"split_rule_{SPLIT_RULE}", lang))))
        else:
            section.add(Paragraph(t("target_status_assigned", lang, decision=brief.own_target.decision or "–")))
        checks = [check]
    else:
        section = Section(t("section_targets", lang), section_id="targets")
        checks = brief.district_checks
    # the verdicts in words are the summary's; here the table with every margin
    section.add(Table(tables.target_checks_table(checks, lang)))
    section.add(Paragraph(t("margin_note", lang)))
    return section


def resources(brief: Brief) -> Section:
    """Money by instrument with households supported, coverage and unused money: chart and table."""
    lang, p = brief.lang, brief.projection
    years = p.years
    section = Section(t("section_resources", lang), section_id="resources")
    fig = charts.resources_chart(p, brief.population, lang)
    section.add(Chart(fig, t("chart_resources_title", lang, start=years[0] + 1, end=years[-1])))
    section.add(Table(tables.resources_table(p, brief.population, lang)))
    section.add(Paragraph(t("coverage_note", lang)))
    if brief.kind == "district" and float(np.sum(p.unallocated)) > 0:
        section.add(Note(f"{t('unallocated_mvnd', lang)}: {format_number(float(np.sum(p.unallocated)), lang)}",
                         "warning"))
    return section


def _required_for(brief: Brief, target: Target) -> list:
    """Required resources for one target, by scaling the scenario and by extra money a year."""
    from ...planning import required_resources

    key = ("required", target.id)
    stored = brief.cache.get(("stored_required",), {})
    found = [stored.get((target.population, float(target.threshold_points), mode)) for mode in ("scale", "extra")]
    if key not in brief.cache and all(found):
        brief.cache[key] = found  # computed once by the batch
    if key not in brief.cache:
        out = []
        for mode in ("scale", "extra"):
            out.append(required_resources(brief.baseline, brief.scenario, brief.params, target, mode=mode,
                                          rule="poor", until=brief.projection.years[-1]))
        brief.cache[key] = out
    return brief.cache[key]


def _required_rows(results: list, lang: str, label: str) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        method = t("required_factor", lang) if r.mode == "scale" else t("required_extra_mvnd", lang)
        if r.already_met:
            answer = t("required_already_met", lang)
        elif not r.feasible:
            answer = t("required_infeasible", lang, reason=format_points(r.best_reduction_points_per_year, lang)
                       + "/" + t("year", lang).lower())
        elif r.mode == "scale":
            answer = "× " + format_number(r.factor, lang, 2)
        else:
            answer = f"{format_number(r.extra_mvnd_per_year, lang)} {t('unit_mvnd', lang)}/{t('year', lang).lower()}"
        rows.append((label, method, answer, format_number(r.mvnd_per_year, lang),
                     format_number(r.reduction_points_per_year, lang, 2)))
    return rows


def required(brief: Brief) -> Section:
    """What more it would take: the least scaling of the scenario, and the least extra money a
    year (spread by poor households), that meet the target on the expected path."""
    import pandas as pd

    lang = brief.lang
    section = Section(t("section_required", lang), section_id="required")
    if brief.period:
        return section.add(Note(t("period_section_unavailable", lang), "warning"))
    wanted = [brief.own_target] if brief.kind == "commune" else list(brief.district_targets)
    rows = []
    for target in wanted:
        if target is None:
            continue
        from ...report.tables import target_name

        rows.extend(_required_rows(_required_for(brief, target), lang, target_name(target, lang)))
    if not rows:
        return section.add(Note(t("section_unavailable", lang, reason="no target"), "warning"))
    frame = pd.DataFrame(rows, columns=[t("target", lang), t("required_method", lang), t("value", lang),
                                        t("required_total_mvnd", lang) + "/" + t("year", lang).lower(),
                                        t("target_reduction", lang)])
    section.add(Table(frame))
    return section


def assumptions(brief: Brief) -> Section:
    """The model in one sentence, data provenance with estimates flagged, base rates and instruments
    with their sources or assumptions."""
    lang = brief.lang
    section = Section(t("section_assumptions", lang), section_id="assumptions")
    section.add(Paragraph(t("model_note", lang)))
    if brief.period:
        section.add(Paragraph(t("period_model_note", lang)))
    areas = [brief.settings.area_id] if brief.kind == "commune" else None
    section.add(Table(tables.provenance_table(brief.baseline, lang, areas), t("data_provenance", lang), True))
    section.add(Table(tables.base_rates_table(brief.params, lang), t("base_rates", lang), True))
    section.add(Table(tables.instruments_table(brief.params, lang), t("instruments", lang), True))
    description = brief.scenario.description_vi if lang == "vi" and brief.scenario.description_vi \
        else brief.scenario.description
    if description:
        section.add(Paragraph(f"{t('brief_scenario', lang)}: {brief.scenario_name}. {description}"))
    return section


def provenance(brief: Brief) -> Section:
    """Date, hash of all inputs, package version, seed and the folders used."""
    lang, s = brief.lang, brief.settings
    section = Section(t("section_provenance", lang), section_id="provenance")
    section.add(Facts((
        (t("brief_date", lang), brief.created.isoformat(sep=" ")),
        (t("provenance_inputs_hash", lang), brief.inputs_hash),
        (t("provenance_version", lang), __version__),
        (t("brief_seed", lang), str(s.seed)),
        (t("brief_draws", lang), str(s.draws)),
        (t("provenance_scenario_file", lang), brief.scenario_path.name),
        (t("provenance_data_dir", lang), Path(s.data_dir).name),
        (t("provenance_params_dir", lang), Path(s.params_dir).name),
        (t("provenance_language", lang), s.language),
    )))
    return section


# -- district-only sections ------------------------------------------------------------------

def _require_district(brief: Brief, what: str) -> None:
    if brief.kind != "district":
        raise BriefError(f"{what} is a section of the district brief")


def communes(brief: Brief) -> Section:
    """Every commune in one table: poverty rate and poor households at start and end, average
    fall, own target, met, margin, probability; ranked by the fall."""
    _require_district(brief, "communes")
    lang, years = brief.lang, brief.projection.years
    section = Section(t("section_communes", lang), section_id="communes")
    i, standard = _measured(brief)
    values = tables.ranking_values(brief.projection, brief.commune_checks, start=years[i], standard=standard)
    section.add(Table(tables.ranking_table(values, lang, years[i], years[-1])))
    return section


def ranking(brief: Brief) -> Section:
    """The ranking chart: each commune's average yearly fall against its own target."""
    _require_district(brief, "ranking")
    lang, years = brief.lang, brief.projection.years
    section = Section(t("section_ranking", lang), section_id="ranking")
    i, standard = _measured(brief)
    values = tables.ranking_values(brief.projection, brief.commune_checks, start=years[i], standard=standard)
    threshold = brief.district_target.threshold_points if brief.district_target else None
    fig = charts.ranking_chart(values, lang, start=years[i], end=years[-1], district_target=threshold)
    section.add(Chart(fig, t("chart_ranking_title", lang, start=years[i], end=years[-1])))
    return section


def target_split(brief: Brief) -> Section:
    """The district target split over communes (default rule): each commune's points a year."""
    import pandas as pd

    _require_district(brief, "target_split")
    lang = brief.lang
    section = Section(t("section_split", lang), section_id="split")
    if brief.period:
        return section.add(Note(t("period_section_unavailable", lang), "warning"))
    if brief.district_target is None:
        return section.add(Note(t("section_unavailable", lang, reason="no district target in params"), "warning"))
    section.add(Paragraph(t("split_rule", lang, rule=t(f"split_rule_{SPLIT_RULE}", lang))))
    poor = np.asarray(brief.baseline.households, float)[..., STATES.index("poor")].sum(axis=1)
    share = poor / poor.sum() if poor.sum() > 0 else poor
    rows = []
    for target, s in zip(brief.commune_targets, share):
        area = target.population.split(":")[1]
        rate0 = brief.projection.rate(f"area:{area}")[0]
        rows.append((brief.area_names[area], format_percent(rate0, lang, 2), format_percent(100 * s, lang, 1),
                     ("> " if target.strict else "≥ ") + format_number(target.threshold_points, lang, 2)))
    frame = pd.DataFrame(rows, columns=[t("commune", lang), t("rate_start", lang, year=brief.baseline.year),
                                        t("share_of_district", lang), t("target_threshold", lang)])
    section.add(Table(frame))
    return section


def allocation_budget(resources: np.ndarray) -> float:
    """The yearly budget the district brief re-allocates: the scenario's money a year (million
    VND), from a projection's ``resources`` (T, A, K)."""
    resources = np.asarray(resources)
    return float((resources.sum(axis=(0, 2)) / resources.shape[0]).sum())  # as the table's per-commune sums


def recommended_allocation(baseline, scenario: Scenario, params, resources: np.ndarray, until: int):
    """The district brief's recommended allocation: the scenario's yearly money
    (:func:`allocation_budget`) allocated anew over communes and instruments from nothing
    (``planning.allocate_budget``). The one rule the brief and the batch's results file use."""
    from ...planning import allocate_budget

    empty = Scenario(f"{scenario.id}_empty", scenario.name_vi, scenario.name_en,
                     "no resources", (), scenario.entry_shares, scenario.source)
    return allocate_budget(baseline, empty, params, allocation_budget(resources), until=int(until))


def allocation(brief: Brief) -> Section:
    """The scenario's yearly money allocated anew over communes and instruments to cut poor
    households most (``planning.allocate_budget``), against the scenario's own allocation."""
    import pandas as pd

    _require_district(brief, "allocation")
    lang, p = brief.lang, brief.projection
    section = Section(t("section_allocation", lang), section_id="allocation")
    if brief.period:
        return section.add(Note(t("period_section_unavailable", lang), "warning"))
    steps = len(p.years) - 1
    scenario_per_area = p.resources.sum(axis=(0, 2)) / steps  # million VND a year per area
    stored = brief.cache.get(("stored_allocation",))
    if stored is not None and stored.budget_mvnd_per_year == allocation_budget(p.resources):
        result = stored  # computed once by the batch (the same rule, the same budget)
    else:
        result = recommended_allocation(brief.baseline, brief.scenario, brief.params, p.resources, p.years[-1])
    recommended = result.table.sum(axis=1).reindex([a.id for a in p.areas]).fillna(0.0).to_numpy(float)
    names = [a.name for a in p.areas]
    fig = charts.allocation_chart(names, scenario_per_area, recommended, lang)
    section.add(Chart(fig, t("chart_allocation_title", lang)))
    frame = pd.DataFrame({
        t("commune", lang): names,
        t("allocation_scenario", lang): [format_number(x, lang) for x in scenario_per_area],
        t("allocation_recommended", lang): [format_number(x, lang) for x in recommended],
        t("allocation_difference", lang): [format_signed(r - s, lang) for r, s in zip(recommended, scenario_per_area)],
    })
    section.add(Table(frame))
    # the gain comes as much from the mix of instruments as from the communes: show both
    ids = list(p.instrument_ids)
    scenario_per_instrument = p.resources.sum(axis=(0, 1)) / steps
    recommended_k = result.table.sum(axis=0).reindex(ids).fillna(0.0).to_numpy(float)
    name = "name_vi" if lang == "vi" else "name_en"
    section.add(Table(pd.DataFrame({
        t("instrument", lang): [getattr(brief.params.instruments[k], name) for k in ids],
        t("allocation_scenario", lang): [format_number(x, lang) for x in scenario_per_instrument],
        t("allocation_recommended", lang): [format_number(x, lang) for x in recommended_k],
        t("allocation_difference", lang): [format_signed(r - s, lang)
                                           for r, s in zip(recommended_k, scenario_per_instrument)],
    })))
    poor_end = float(p.stocks("district")[-1, STATES.index("poor")])
    section.add(Paragraph(t("allocation_gain", lang, households=format_signed(poor_end - result.expected_poor_end,
                                                                            lang))))
    return section


def scoreboard(brief: Brief) -> Section:
    """The emulation scoreboard (``scoreboard.build_scoreboard``): each commune against its own
    target, ranked for the final review (tổng kết) on the planned path and actual review results
    where the data folder has them."""
    _require_district(brief, "scoreboard")
    from ...planning.scoreboard import build_scoreboard, rank_for_review

    lang = brief.lang
    section = Section(t("section_scoreboard", lang), section_id="scoreboard")
    if brief.period:
        return section.add(Note(t("period_scoreboard_note", lang), "info"))
    if not brief.commune_targets:
        return section.add(Note(t("section_unavailable", lang, reason="no district target in params"), "warning"))
    board = build_scoreboard(_review_results(brief), brief.projection, brief.commune_targets)
    ranked = rank_for_review(board, "tong_ket")
    note = board.attrs.get("note")
    if note:
        section.add(Note(note[lang], "warning"))
    section.add(Paragraph(t("scoreboard_note", lang)))
    ranked = ranked.assign(basis=[t(f"basis_{b}", lang) for b in ranked["basis"]])
    section.add(Table(tables.frame_table(ranked, lang, {
        "rank": "rank", "area_name": "commune", "basis": "scoreboard_basis", "target_points": "target_threshold",
        "reduction_per_year": "target_reduction", "margin_points": "target_margin_points",
        "on_track": "scoreboard_on_track", "dtts_reduction_per_year": "scoreboard_dtts_reduction",
    }, decimals={"target_points": 2, "reduction_per_year": 2, "margin_points": 2, "dtts_reduction_per_year": 2}),
        t("scoreboard_review", lang, start=ranked.attrs.get("start_year", ""), end=ranked.attrs.get("year", ""))))
    return section


def _review_results(brief: Brief):
    """The data folder's review results (actual figures by year), or None without the file."""
    from ...data import load_review_results

    folder = Path(brief.settings.data_dir)
    for name in ("review_results.csv", "review_results.xlsx"):
        if (folder / name).is_file():
            return load_review_results(folder / name, brief.baseline.areas)
    return None


def households(brief: Brief) -> Section:
    """The household list of the data folder, aggregates only: poor and near-poor households
    classified from the records, those one deprivation away from near-poor, deprivations by
    indicator and the movement of the year (``docs/households.md``). Synthetic lists say so."""
    from dataclasses import replace

    from ...model._households import classify_households
    from ...params.standards import standard_for
    from ...report._household_tables import (deprivation_table, find_household_list, load_for_aggregates,
                                             movement_table, one_away)

    lang = brief.lang
    section = Section(t("hh_section_title", lang), section_id="households")
    path = find_household_list(brief.settings.data_dir)
    if path is None:
        return section.add(Note(t("hh_no_records", lang, file="households.csv")))
    records = load_for_aggregates(path, brief.settings.data_dir)
    if brief.kind == "commune":
        records = replace(records, table=records.table[records.table["area_id"] == brief.settings.area_id]
                          .reset_index(drop=True))
        if not len(records):
            return section.add(Note(t("hh_no_records", lang, file=path.name)))
    if records.synthetic:
        section.add(Note(t("hh_synthetic_warning", lang), "warning"))
    codes = classify_households(records)
    year = records.years[-1]
    section.add(Facts((
        (t("households", lang), format_number(int((records.table["year"] == year).sum()), lang)),
        (t("poor", lang), format_number(int((codes == 0).sum()), lang)),
        (t("near_poor", lang), format_number(int((codes == 1).sum()), lang)),
        (t("hh_one_away", lang, n=standard_for(year).poor_min_deprivations),
         format_number(one_away(records, codes), lang)),
    )))
    dep = deprivation_table(records, codes)
    shown = dep.assign(indicator=dep["name_vi" if lang == "vi" else "name_en"])
    frame = shown[["indicator", "poor_deprived", "poor_share", "near_deprived", "near_share"]].copy()
    for c in ("poor_deprived", "near_deprived"):
        frame[c] = [format_number(v, lang) for v in frame[c]]
    for c in ("poor_share", "near_share"):
        frame[c] = [format_percent(v, lang) for v in frame[c]]
    frame.columns = [t(k, lang) for k in ("hh_indicator", "hh_poor_deprived", "hh_poor_share", "hh_near_deprived",
                                          "hh_near_share")]
    section.add(Table(frame, t("hh_title_deprivation", lang, year=year)))
    if (records.table["status_before"] != "").all() or (year - 1) in records.years:
        move = movement_table(records, codes)
        row = move[move["area_id"] == "_total"].iloc[0]
        keys = ("poor_start", "poor_escaped", "poor_newly", "poor_fell_back", "poor_end")
        section.add(Facts(tuple((t(f"hh_{k}", lang), format_number(int(row[k]), lang)) for k in keys)))
    section.add(Paragraph(t("hh_note_aggregates", lang)))
    return section


# -- issue 11: the forecast record of the model, and what decides the target ----------------------

BACKTEST_METRICS = Path("history") / "backtest_metrics.csv"
"""The shipped backtest results, beside the data folders (``data/history/backtest_metrics.csv``),
written by ``thidua-sim backtest --out data/history/backtest_metrics.csv``; briefs only read it."""
SENSITIVITY_BASE_SAMPLES = 64
"""Saltelli base samples of the district brief's sensitivity chart (64 x (parameters + 2) runs)."""


def forecast_record(brief: Brief) -> Section:
    """Every brief: the short "how well this model forecast past years" box, from the latest
    backtest of the shipped history (read from :data:`BACKTEST_METRICS`, never recomputed here),
    and the note that probabilities are conditional and carry a Monte Carlo error."""
    from ...report.validation import backtest_box

    lang = brief.lang
    box = backtest_box(Path(brief.settings.data_dir).parent / BACKTEST_METRICS, lang)
    section = Section(box["title"], section_id="forecast-record")
    section.add(Note(box["text"], "info"))
    section.add(Paragraph(t("backtest_box_scope", lang)))
    section.add(Paragraph(t("probability_conditional", lang)))
    return section


def what_decides(brief: Brief) -> Section:
    """District brief: "what decides whether the target is met": Sobol indices of the district
    target's yearly fall over every uncertain assumption (chart), and the PRIM box of assumptions
    under which it fails."""
    from ...planning.sensitivity import sensitivity
    from ...report.validation import parameter_labels, prim_lines, probability_with_error, sensitivity_chart

    _require_district(brief, "what_decides")
    lang = brief.lang
    section = Section(t("sensitivity_chart_title", lang), section_id="what-decides")
    target = brief.district_target
    if target is None:
        return section.add(Note(t("section_unavailable", lang, reason="no district target in params"), "warning"))
    result = brief.cache.get("sensitivity")
    if result is None:
        result = sensitivity(brief.baseline, brief.scenario, brief.params, target,
                             base_samples=SENSITIVITY_BASE_SAMPLES, seed=brief.settings.seed)
        brief.cache["sensitivity"] = result
    name = target.name_vi if lang == "vi" else target.name_en
    section.add(Paragraph(t("sensitivity_setup", lang, target=name, n=len(result.samples), base=result.base_samples,
                            k=len(result.indices),
                            p=probability_with_error(result.probability, result.independent_runs, lang))))
    names = parameter_labels(brief.params, lang)
    section.add(Chart(sensitivity_chart(result.indices, lang, names=names), t("sensitivity_title", lang)))
    section.add(Paragraph(t("sensitivity_prim_title", lang), strong=True))
    for line in prim_lines(result.box, result.box_stats, lang, mostly_met=result.probability >= 0.5, names=names):
        section.add(Paragraph(line.strip()))
    section.add(Paragraph(t("probability_conditional", lang)))
    return section
