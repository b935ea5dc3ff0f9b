"""``thidua-sim check``: check the district's targets and each commune's own target under a scenario.

A door: every number comes from ``thidua_sim.planning.targets``; every word from
:func:`thidua_sim.report.i18n.t`. Helpers shared with the other commands are in ``_common``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from ._common import (
    add_commune_target_arguments,
    add_input_arguments,
    add_period_arguments,
    commune_targets,
    estimate_flags,
    estimate_note,
    horizon,
    load_inputs,
    period_inputs,
    print_run_notes,
    print_table,
    scenario_line,
    targets_title,
    write_output,
)

__all__ = ["register", "run"]


# -- thidua-sim check --------------------------------------------------------------------------

def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check the district targets and each commune's own target under a scenario",
        description="Project the scenario and check every target of the params' targets.yaml (district, "
                    "dtts) and each commune's own target: reduction in points a year, met or not, the margin "
                    "in points and in households a year, and with --draws the probability of meeting it.",
    )
    add_input_arguments(parser, draws=0)
    add_commune_target_arguments(parser)
    parser.add_argument("--targets", default=None, metavar="FILE",
                        help="targets file to check instead of <params>/targets.yaml, e.g. "
                             "params/targets_2026_2030.yaml (its commune targets are shown as communes)")
    add_period_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....model.projection import project
    from ....report.i18n import t
    from ....planning.targets import check_targets, commune_feasibility

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    if getattr(args, "targets", None):  # a targets file of any period, on the units it names
        from ....data import load_area_info
        from ....params import load_targets

        chosen = load_targets(args.targets, [a.id for a in load_area_info(args.data)])
        communes = tuple(x for x in chosen if x.population.startswith("area:"))
        how = t("commune_targets_from_file", lang, file=args.targets)
        district_targets = [x for x in chosen if not x.population.startswith("area:")]
    else:
        communes, how = commune_targets(args, baseline, params)
        district_targets = [x for x in params.targets if not x.population.startswith("area:")]
    until = horizon(args, [*district_targets, *communes])
    from ....planning.targets import draw_meets

    # a large run streams its draws: the targets' successes are counted while drawing
    projection = project(baseline, scenario, params, until=until, draws=args.draws, seed=args.seed,
                         periods=period_inputs(args, until), targets=(*district_targets, *communes),
                         target_rule=draw_meets)

    print(scenario_line(args, scenario, baseline, lang))
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    print_run_notes(args, baseline, scenario, params, until, lang, periods=projection.periods is not None)
    district = check_targets(projection, district_targets)
    shown = district.assign(name=district["name_vi"] if lang == "vi" else district["name_en"])
    columns = {"name": (t("target", lang), None), "threshold_points": (t("target_threshold", lang), 2),
               "reduction_points_per_year": (t("target_reduction", lang), 2), "met": (t("target_met", lang), None),
               "margin_points": (t("target_margin_points", lang), 2),
               "margin_households_per_year": (t("target_margin_households", lang), 1)}
    if args.draws:
        columns["probability"] = (t("target_probability", lang), "%")
        columns["probability_mc_error"] = (t("probability_mc_error", lang), 1)
        shown = shown.assign(probability_mc_error=_mc_error_points(shown["probability"], args.draws))
    if getattr(args, "targets", None):  # targets of any kind: say which, and the end-year rate
        kinds = {x.id: x.kind for x in district_targets}
        standards = {x.id: x.standard for x in district_targets}
        shown = shown.assign(kind=[t(f"target_kind_{kinds[i]}", lang) for i in shown["target_id"]],
                             standard=[t(f"standard_{standards[i]}", lang) if standards[i] else "–"
                                       for i in shown["target_id"]])
        columns = {"name": columns["name"], "kind": (t("target_kind", lang), None),
                   "standard": (t("standard", lang), None),
                   "rate_end": (t("target_rate_end", lang), 2), **{k: v for k, v in columns.items() if k != "name"}}
        # a level target's threshold is a rate to reach, not a fall a year: the header says both
        columns["threshold_points"] = (t("target_threshold_by_kind", lang), 2)
        how_heading, targets_heading = "commune_targets_heading", "section_targets_file"
    else:
        how_heading, targets_heading = "commune_targets", "section_targets"
    print()
    print_table(shown, columns, lang, t(targets_heading, lang))
    table = commune_feasibility(projection, communes)
    shown = table.assign(status=[t(f"target_status_{s}", lang) for s in table["status"]])
    if args.draws:
        shown = shown.assign(probability_mc_error=_mc_error_points(shown["probability"], args.draws))
    commune_columns = {"area_name": (t("commune", lang), None),
                       **{k: v for k, v in columns.items() if k not in ("name", "kind", "standard")},
                       "status": (t("target_status", lang), None)}
    print()
    title = t(how_heading, lang, how=how) if getattr(args, "targets", None) else targets_title(args, params, how, lang)
    print_table(shown, commune_columns, lang, title)
    if args.draws:
        print(t("probability_conditional", lang))
    if args.out:
        district.insert(0, "level", "district")
        table.insert(0, "level", "commune")
        district["baseline_estimate"] = estimate_flags(baseline, list(district["population"]))
        table["baseline_estimate"] = estimate_flags(baseline, list(table["population"]))
        if Path(args.out).suffix.lower() == ".xlsx":
            write_output({"targets": district, "communes": table}, args.out, lang)
        else:
            write_output(pd.concat([district, table], ignore_index=True), args.out, lang)
    return 0


def _mc_error_points(probability: pd.Series, draws: int) -> pd.Series:
    """Monte Carlo standard error of each probability, in percentage points."""
    p = probability.astype(float)
    return 100.0 * (p * (1.0 - p) / draws) ** 0.5
