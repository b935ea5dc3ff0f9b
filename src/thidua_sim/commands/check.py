"""``thidua-sim check``: check the district's targets and each commune's own target under a scenario.

Also home of the small helpers the planning commands share (``required``, ``allocate``,
``scoreboard``): the common input options, loading the inputs, the commune targets, printing a
table in Vietnamese or English and writing it to .csv/.xlsx. Doors only: every number comes from
``thidua_sim.targets`` / ``planning`` / ``scoreboard``.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["register", "run", "add_input_arguments", "load_inputs", "commune_targets", "print_table",
           "write_output", "estimate_note"]

# Headers that the report labels do not have (the rest come from thidua_sim.report.i18n).
_LABELS: dict[str, dict[str, str]] = {
    "target": {"vi": "Chỉ tiêu", "en": "Target"},
    "population": {"vi": "Đối tượng", "en": "Population"},
    "status": {"vi": "Tình trạng", "en": "Status"},
    "status_met": {"vi": "đạt", "en": "met"},
    "status_not_met": {"vi": "chưa đạt", "en": "not met"},
    "status_at_risk": {"vi": "có nguy cơ không đạt", "en": "at risk"},
    "district_targets": {"vi": "Chỉ tiêu của huyện", "en": "District targets"},
    "commune_targets": {"vi": "Chỉ tiêu huyện giao từng xã ({how})", "en": "Each commune's own target ({how})"},
    "from_file": {"vi": "theo tệp {file}", "en": "from {file}"},
    "proposed": {"vi": "đề xuất, {rule}", "en": "proposed, {rule}"},
    "rule_equal": {"vi": "cùng mức giảm ở mọi xã", "en": "the same points in every commune"},
    "rule_proportional": {"vi": "tỷ lệ với tỷ lệ hộ nghèo năm gốc", "en": "in proportion to the baseline rate"},
    "rule_dtts_weighted": {"vi": "tăng theo tỷ trọng hộ DTTS", "en": "weighted up by the dtts share"},
    "written": {"vi": "Đã ghi {path}", "en": "Wrote {path}"},
    "estimate_note": {"vi": "⚠ Số liệu năm gốc {year} của {n}/{total} xã là số ước tính, không phải kết quả rà soát.",
                      "en": "⚠ The {year} baseline of {n} of {total} communes is an estimate, not review results."},
    "scenario_line": {"vi": "Kịch bản: {name} ({id}); năm gốc {year}; {draws}",
                      "en": "Scenario: {name} ({id}); baseline {year}; {draws}"},
    "draws": {"vi": "{n} lần mô phỏng Monte Carlo, hạt giống {seed}", "en": "{n} Monte Carlo draws, seed {seed}"},
    "no_draws": {"vi": "đường kỳ vọng (không mô phỏng)", "en": "expected path only (no draws)"},
}


def label(key: str, lang: str, **values: object) -> str:
    """A CLI label: the report's label when it has one, else this module's."""
    from ..report.i18n import has_label, t

    if key in _LABELS:
        text = _LABELS[key][lang]
        return text.format(**values) if values else text
    if has_label(key):
        return t(key, lang, **values)
    return key


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
    from ..data import load_baseline
    from ..params import load_params, load_scenario

    baseline = load_baseline(args.data)
    params = load_params(args.params, areas=baseline.areas)
    scenario = load_scenario(args.scenario, params, baseline.areas)
    return baseline, params, scenario


def horizon(args: argparse.Namespace, targets: Sequence[Any]) -> int:
    """The last projected year: --until, else the latest end year of the targets (2025)."""
    if getattr(args, "until", None):
        return int(args.until)
    return max([t.end_year for t in targets] or [2025])


def commune_targets(args: argparse.Namespace, baseline: Any, params: Any) -> tuple[tuple[Any, ...], str]:
    """Each commune's own target and how it was obtained.

    From --commune-targets FILE when given, else the ``area:`` targets of the params' targets file,
    else proposed by splitting the district target (population "district") by --split-rule.
    """
    from ..params import load_targets
    from ..targets import PlanningError, split_district_target

    lang = args.language
    path = getattr(args, "commune_targets", None)
    if path:
        found = tuple(t for t in load_targets(path, baseline.areas) if t.population.startswith("area:"))
        return found, label("from_file", lang, file=path)
    own = tuple(t for t in params.targets if t.population.startswith("area:"))
    if own:
        return own, label("from_file", lang, file=str(Path(args.params) / "targets.yaml"))
    district = [t for t in params.targets if t.population == "district"]
    if not district:
        raise PlanningError(f"{Path(args.params) / 'targets.yaml'} has no district target to split over communes; "
                            "add one (population: district) or give --commune-targets FILE")
    rule = getattr(args, "split_rule", "proportional")
    return (split_district_target(baseline, district[0], rule, params=params),
            label("proposed", lang, rule=label(f"rule_{rule}", lang)))


def add_commune_target_arguments(parser: argparse.ArgumentParser) -> None:
    from ..targets import SPLIT_RULES

    parser.add_argument("--commune-targets", default=None, metavar="FILE",
                        help="targets file with each commune's own target (population area:<id>); default: "
                             "those of the params' targets.yaml, else the district target split by --split-rule")
    parser.add_argument("--split-rule", choices=SPLIT_RULES, default="proportional",
                        help="how to propose commune targets from the district target (default: proportional)")


def estimate_note(baseline: Any, lang: str) -> str | None:
    """A warning line when baseline figures are estimates."""
    flags = baseline.estimated.any(axis=1)
    if not flags.any():
        return None
    return label("estimate_note", lang, year=baseline.year, n=int(flags.sum()), total=len(flags))


def print_table(frame: pd.DataFrame, columns: Mapping[str, tuple[str, int | str | None]], lang: str,
                title: str | None = None) -> None:
    """Print ``frame``'s ``columns`` (column -> (label key, decimals; None for text, "%" for a share
    shown in percent)), numbers in the language's format."""
    from ..report.i18n import format_number, format_percent

    shown = pd.DataFrame(index=frame.index)
    for column, (key, decimals) in columns.items():
        values = frame[column]
        if decimals == "%":
            shown[label(key, lang)] = [format_percent(None if v is None or v != v else 100.0 * float(v), lang, 1)
                                       for v in values]
        elif decimals is None:
            shown[label(key, lang)] = [label("yes" if v else "no", lang) if isinstance(v, bool)
                                       else ("–" if v is None or (isinstance(v, float) and v != v) else str(v))
                                       for v in values]
        else:
            shown[label(key, lang)] = [format_number(None if v is None else float(v), lang, decimals) for v in values]
    if title:
        print(title)
    print(shown.to_string(index=False) if len(shown) else "(–)")


def write_output(frames: pd.DataFrame | Mapping[str, pd.DataFrame], path: str, lang: str) -> None:
    """Write to .csv/.xlsx (atomically) and say so."""
    from ..scoreboard import export_table

    written = export_table(frames, path)
    print(label("written", lang, path=written))


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
    from ..projection import project
    from ..targets import check_targets, commune_feasibility

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    communes, how = commune_targets(args, baseline, params)
    district_targets = [t for t in params.targets if not t.population.startswith("area:")]
    until = horizon(args, [*district_targets, *communes])
    projection = project(baseline, scenario, params, until=until, draws=args.draws, seed=args.seed)

    draws = (label("draws", lang, n=args.draws, seed=args.seed) if args.draws else label("no_draws", lang))
    print(label("scenario_line", lang, name=scenario.name_vi if lang == "vi" else scenario.name_en,
                id=scenario.id, year=baseline.year, draws=draws))
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    district = check_targets(projection, district_targets)
    shown = district.assign(name=district["name_vi"] if lang == "vi" else district["name_en"])
    columns = {"name": ("target", None), "threshold_points": ("target_threshold", 2),
               "reduction_points_per_year": ("target_reduction", 2), "met": ("target_met", None),
               "margin_points": ("target_margin_points", 2),
               "margin_households_per_year": ("target_margin_households", 1)}
    if args.draws:
        columns["probability"] = ("target_probability", "%")
    print()
    print_table(shown, columns, lang, label("district_targets", lang))
    table = commune_feasibility(projection, communes)
    shown = table.assign(status=[label(f"status_{s}", lang) for s in table["status"]])
    commune_columns = {"area_name": ("commune", None), **{k: v for k, v in columns.items() if k != "name"},
                       "status": ("status", None)}
    print()
    print_table(shown, commune_columns, lang, label("commune_targets", lang, how=how))
    if args.out:
        district.insert(0, "level", "district")
        table.insert(0, "level", "commune")
        if Path(args.out).suffix.lower() == ".xlsx":
            write_output({"targets": district, "communes": table}, args.out, lang)
        else:
            write_output(pd.concat([district, table], ignore_index=True), args.out, lang)
    return 0
