"""Helpers the commands share: the common input options, loading the inputs, the commune
targets, the run's notes and estimate flags, printing a table in Vietnamese or English and
writing it to .csv/.xlsx. Doors only: every number comes from the planning and model layers;
every word from :func:`thidua_sim.report.i18n.t`.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ....core.defaults import DEFAULT_HORIZON, DEFAULT_SEED
from ....errors import ThiduaError

__all__ = ["add_input_arguments", "load_inputs", "commune_targets", "print_table", "write_output", "estimate_note", "scenario_line", "add_period_arguments", "period_inputs", "_all_area_ids", "check_out", "run_inputs", "print_run_notes", "estimate_flags", "targets_title", "add_commune_target_arguments", "horizon"]


# -- shared by the planning commands ---------------------------------------------------------

def add_input_arguments(parser: argparse.ArgumentParser, *, draws: int | None = 0) -> None:
    """--scenario, --data, --params, --until, --language, --out (and --draws/--seed unless None)."""
    parser.add_argument("--scenario", required=True, help="scenario file, e.g. params/scenarios/status_quo.yaml")
    parser.add_argument("--data", default="data/kbang", help="data folder (default: data/kbang)")
    parser.add_argument("--params", default="params", help="parameters folder (default: params)")
    parser.add_argument("--until", type=int, default=None,
                        help=f"last projected year (default: the targets' end year, {DEFAULT_HORIZON})")
    if draws is not None:
        parser.add_argument("--draws", type=int, default=draws,
                            help=f"Monte Carlo draws for probabilities (default: {draws})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the printed tables")
    parser.add_argument("--out", default=None, help="also write the results to this .csv or .xlsx file")
    parser.add_argument("--force", action="store_true", help="replace the output even when it is an input of this run or lies under data/ or params/")


def run_inputs(args: argparse.Namespace) -> list[str | None]:
    """The files and folders a planning command reads (what its --out may not replace)."""
    return [getattr(args, k, None) for k in ("scenario", "data", "params", "commune_targets", "results",
                                             "base_rates")]


def check_out(args: argparse.Namespace) -> None:
    """Refuse an --out that would replace an input (before any work, so nothing changes on disk)."""
    from ....io._guard import check_output

    if getattr(args, "out", None):
        check_output(args.out, inputs=run_inputs(args), force=getattr(args, "force", False))


def load_inputs(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """Baseline, params and scenario from the options (errors name the file and the place);
    first refuses an --out that would replace one of them."""
    from ....data import load_baseline
    from ....params import load_params, load_scenario

    check_out(args)
    baseline = load_baseline(args.data)
    params = load_params(args.params, areas=baseline.areas)
    scenario = load_scenario(args.scenario, params, _all_area_ids(args.data, baseline))
    return baseline, params, scenario


def _all_area_ids(data_dir: str, baseline: Any) -> list[str]:
    """Ids of every unit of the data folder's areas files (the units of every period), so that a
    scenario may name the communes formed in 2025; the baseline's own units at least."""
    from ....data import load_area_info

    ids = [a.id for a in baseline.areas]
    try:
        ids += [a.id for a in load_area_info(data_dir) if a.id not in ids]
    except ThiduaError:
        pass  # the baseline loaded; its areas file's problems are reported by validate
    return ids


def horizon(args: argparse.Namespace, targets: Sequence[Any]) -> int:
    """The last projected year: --until, else the latest end year of the targets (DEFAULT_HORIZON
    without targets)."""
    if getattr(args, "until", None):
        return int(args.until)
    return max([t.end_year for t in targets] or [DEFAULT_HORIZON])


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


def targets_title(args: argparse.Namespace, params: Any, how: str, lang: str) -> str:
    """"Chỉ tiêu huyện giao" only for targets a planner supplied; proposed ones say "đề xuất"."""
    from ....report.i18n import t

    assigned = bool(getattr(args, "commune_targets", None)) or any(
        x.population.startswith("area:") for x in params.targets)
    return t("commune_targets" if assigned else "commune_targets_proposed_title", lang, how=how)


def add_commune_target_arguments(parser: argparse.ArgumentParser) -> None:
    from ....planning.targets import SPLIT_RULES

    parser.add_argument("--commune-targets", default=None, metavar="FILE",
                        help="targets file with each commune's own target (population area:<id>); default: "
                             "those of the params' targets.yaml, else the district target split by --split-rule")
    parser.add_argument("--split-rule", choices=SPLIT_RULES, default="proportional",
                        help="how to propose commune targets from the district target (default: proportional)")


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """--periods: run on the units in force each year and re-base at a change of standard."""
    parser.add_argument("--periods", choices=("auto", "on", "off"), default="auto",
                        help="on: units as in force at each review year (crosswalk of <data>) and stocks re-based "
                             "at the 2027 standard switch (<params>/rebasing.yaml); off: the baseline's units "
                             "and meaning throughout; auto (default): on when the run goes past 2025")


def period_inputs(args: argparse.Namespace, until: int) -> Any:
    """The PeriodInputs of the data and params folders, or None (see --periods)."""
    from ....model._periods import load_period_inputs

    mode = getattr(args, "periods", "auto")
    if mode == "off" or (mode == "auto" and until <= 2025):
        return None
    return load_period_inputs(args.data, args.params)


def print_run_notes(args: argparse.Namespace, baseline: Any, scenario: Any, params: Any, until: int,
                    lang: str, periods: bool = False) -> None:
    """Print what the run leaves out (scenario lines before the baseline, years past the resources,
    the reorganisation or a new standard unless the run follows them: ``periods``), one note a line."""
    from ....data import load_area_info
    from ....errors import InputErrors
    from ....model import run_notes
    from ....report.i18n import t

    try:
        info = load_area_info(args.data)
    except InputErrors:
        info = ()
    for key, fields in run_notes(baseline, scenario, params, until, info,
                                 Path(args.params) / "standards.yaml", periods=periods):
        print(t(key, lang, **fields))


def estimate_flags(baseline: Any, populations: Sequence[str]) -> list[bool]:
    """For each population (``district``, ``dtts``, ``area:<id>``, ``area:<id>:<group>`` or an area
    id), whether its baseline holds estimated figures: the flag every written table carries."""
    import numpy as np

    from ....model.projection import parse_population

    flags = np.asarray(baseline.estimated, dtype=bool)
    ids = {a.id for a in baseline.areas}
    out = []
    for population in populations:
        population = f"area:{population}" if population in ids else str(population)
        a, g = parse_population(population, baseline.areas)
        out.append(bool(flags[slice(None) if a is None else a, slice(None) if g is None else g].any()))
    return out


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
