"""``thidua-sim check``: check the district's targets and each commune's own target under a scenario.

Also home of the small helpers the planning commands share (``required``, ``allocate``,
``scoreboard``): the common input options, loading the inputs, the commune targets, printing a
table in Vietnamese or English and writing it to .csv/.xlsx. Doors only: every number comes from
``thidua_sim.planning.targets`` / ``planning`` / ``scoreboard``; every word from
:func:`thidua_sim.report.i18n.t`.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["register", "run", "add_input_arguments", "load_inputs", "commune_targets", "print_table",
           "write_output", "estimate_note", "scenario_line"]

# -- shared by the planning commands ---------------------------------------------------------

def add_input_arguments(parser: argparse.ArgumentParser, *, draws: int | None = 0) -> None:
    """--scenario, --data, --params, --until, --language, --out (and --draws/--seed unless None)."""
    parser.add_argument("--scenario", required=True, help="scenario file, e.g. params/scenarios/status_quo.yaml")
    parser.add_argument("--data", default="data/kbang", help="data folder (default: data/kbang)")
    parser.add_argument("--params", default="params", help="parameters folder (default: params)")
    parser.add_argument("--until", type=int, default=None,
                        help="last projected year (default: the targets' end year, 2025)")
    if draws is not None:
        parser.add_argument("--draws", type=int, default=draws,
                            help=f"Monte Carlo draws for probabilities (default: {draws})")
        parser.add_argument("--seed", type=int, default=2021, help="random seed (default: 2021)")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the printed tables")
    parser.add_argument("--out", default=None, help="also write the results to this .csv or .xlsx file")


def load_inputs(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """Baseline, params and scenario from the options (errors name the file and the place)."""
    from ....data import load_baseline
    from ....params import load_params, load_scenario

    baseline = load_baseline(args.data)
    params = load_params(args.params, areas=baseline.areas)
    scenario = load_scenario(args.scenario, params, baseline.areas)
    return baseline, params, scenario


def horizon(args: argparse.Namespace, targets: Sequence[Any]) -> int:
    """The last projected year: --until, else the latest end year of the targets (2025)."""
    if getattr(args, "until", None):
        return int(args.until)
    return max([t.end_year for t in targets] or [2025])


def scenario_line(args: argparse.Namespace, scenario: Any, baseline: Any, lang: str) -> str:
    """The first line of a command's output: the scenario, the baseline year and the draws."""
    from ....report.i18n import t

    draws = getattr(args, "draws", 0)
    how = t("run_draws", lang, n=draws, seed=args.seed) if draws else t("run_no_draws", lang)
    return t("run_scenario_line", lang, name=scenario.name_vi if lang == "vi" else scenario.name_en,
             id=scenario.id, year=baseline.year, draws=how)


def commune_targets(args: argparse.Namespace, baseline: Any, params: Any) -> tuple[tuple[Any, ...], str]:
    """Each commune's own target and how it was obtained.

    From --commune-targets FILE when given, else the ``area:`` targets of the params' targets file,
    else proposed by splitting the district target (population "district") by --split-rule.
    """
    from ....params import load_targets
    from ....report.i18n import t
    from ....planning.targets import PlanningError, split_district_target

    lang = args.language
    path = getattr(args, "commune_targets", None)
    if path:
        found = tuple(x for x in load_targets(path, baseline.areas) if x.population.startswith("area:"))
        return found, t("commune_targets_from_file", lang, file=path)
    own = tuple(x for x in params.targets if x.population.startswith("area:"))
    if own:
        return own, t("commune_targets_from_file", lang, file=str(Path(args.params) / "targets.yaml"))
    district = [x for x in params.targets if x.population == "district"]
    if not district:
        raise PlanningError(f"{Path(args.params) / 'targets.yaml'} has no district target to split over communes; "
                            "add one (population: district) or give --commune-targets FILE")
    rule = getattr(args, "split_rule", "proportional")
    return (split_district_target(baseline, district[0], rule, params=params),
            t("commune_targets_proposed", lang, rule=t(f"split_rule_{rule}", lang)))


def add_commune_target_arguments(parser: argparse.ArgumentParser) -> None:
    from ....planning.targets import SPLIT_RULES

    parser.add_argument("--commune-targets", default=None, metavar="FILE",
                        help="targets file with each commune's own target (population area:<id>); default: "
                             "those of the params' targets.yaml, else the district target split by --split-rule")
    parser.add_argument("--split-rule", choices=SPLIT_RULES, default="proportional",
                        help="how to propose commune targets from the district target (default: proportional)")


def estimate_note(baseline: Any, lang: str) -> str | None:
    """A warning line when baseline figures are estimates."""
    from ....report.i18n import t

    flags = baseline.estimated.any(axis=1)
    if not flags.any():
        return None
    return t("baseline_estimate_note", lang, year=baseline.year, n=int(flags.sum()), total=len(flags))


def print_table(frame: pd.DataFrame, columns: Mapping[str, tuple[str, int | str | None]], lang: str,
                title: str | None = None) -> None:
    """Print ``frame``'s ``columns`` (column -> (header, decimals; None for text, "%" for a share
    shown in percent)), numbers in the language's format. Headers are text, e.g. ``t("target", lang)``."""
    from ....report.i18n import format_number, format_percent, t

    shown = pd.DataFrame(index=frame.index)
    for column, (header, decimals) in columns.items():
        values = frame[column]
        if decimals == "%":
            shown[header] = [format_percent(None if v is None or v != v else 100.0 * float(v), lang, 1)
                             for v in values]
        elif decimals is None:
            shown[header] = [t("yes" if v else "no", lang) if isinstance(v, bool)
                             else ("–" if v is None or (isinstance(v, float) and v != v) else str(v))
                             for v in values]
        else:
            shown[header] = [format_number(None if v is None else float(v), lang, decimals) for v in values]
    if title:
        print(title)
    print(shown.to_string(index=False) if len(shown) else "(–)")


def write_output(frames: pd.DataFrame | Mapping[str, pd.DataFrame], path: str, lang: str) -> None:
    """Write to .csv/.xlsx (atomically) and say so."""
    from ....report.i18n import t
    from ....planning.scoreboard import export_table

    written = export_table(frames, path)
    print(t("file_written", lang, path=written))


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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....model.projection import project
    from ....report.i18n import t
    from ....planning.targets import check_targets, commune_feasibility

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    communes, how = commune_targets(args, baseline, params)
    district_targets = [x for x in params.targets if not x.population.startswith("area:")]
    until = horizon(args, [*district_targets, *communes])
    from ....planning.targets import draw_meets

    # a large run streams its draws: the targets' successes are counted while drawing
    projection = project(baseline, scenario, params, until=until, draws=args.draws, seed=args.seed,
                         targets=(*district_targets, *communes), target_rule=draw_meets)

    print(scenario_line(args, scenario, baseline, lang))
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    district = check_targets(projection, district_targets)
    shown = district.assign(name=district["name_vi"] if lang == "vi" else district["name_en"])
    columns = {"name": (t("target", lang), None), "threshold_points": (t("target_threshold", lang), 2),
               "reduction_points_per_year": (t("target_reduction", lang), 2), "met": (t("target_met", lang), None),
               "margin_points": (t("target_margin_points", lang), 2),
               "margin_households_per_year": (t("target_margin_households", lang), 1)}
    if args.draws:
        columns["probability"] = (t("target_probability", lang), "%")
    print()
    print_table(shown, columns, lang, t("section_targets", lang))
    table = commune_feasibility(projection, communes)
    shown = table.assign(status=[t(f"target_status_{s}", lang) for s in table["status"]])
    commune_columns = {"area_name": (t("commune", lang), None), **{k: v for k, v in columns.items() if k != "name"},
                       "status": (t("target_status", lang), None)}
    print()
    print_table(shown, commune_columns, lang, t("commune_targets", lang, how=how))
    if args.out:
        district.insert(0, "level", "district")
        table.insert(0, "level", "commune")
        if Path(args.out).suffix.lower() == ".xlsx":
            write_output({"targets": district, "communes": table}, args.out, lang)
        else:
            write_output(pd.concat([district, table], ignore_index=True), args.out, lang)
    return 0
