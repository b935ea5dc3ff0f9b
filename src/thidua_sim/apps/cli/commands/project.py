"""``thidua-sim project``: project poor and near-poor households under a scenario.

Prints, for the district and each group (dtts, other), households and the poor and near-poor
rates per year on the expected path, with the 90 % band (5 %-95 % of the draws) when
``--draws`` is given; ``--out`` writes the full tidy table (every area and group, every
statistic) to .csv, .json or .xlsx. A door: the numbers come from :func:`thidua_sim.project`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ....model.engine import ProjectionError
from ....core.defaults import DEFAULT_HORIZON, DEFAULT_SEED
from ....model.projection import TABLE_FORMATS
from ._common import _all_area_ids, add_period_arguments, check_out, estimate_note, period_inputs, print_run_notes, scenario_line

__all__ = ["register", "run", "support_warning", "fixed_parameters", "run_level"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "project",
        help="project poor and near-poor households per year under a scenario",
        description="Project households of every commune and group from the baseline year under a scenario; "
                    "print the district's and each group's poor and near-poor rates per year (with the 90 % band "
                    "of the Monte Carlo draws) and optionally write the full table.",
    )
    parser.add_argument("--scenario", required=True, help="scenario file, e.g. params/scenarios/status_quo.yaml")
    parser.add_argument("--data", default="data/kbang", help="data folder (default: data/kbang)")
    parser.add_argument("--params", default="params", help="parameters folder (default: params)")
    parser.add_argument("--base-rates", default=None, metavar="FILE",
                        help="base-rates file to use instead of <params>/base_rates.yaml (e.g. from calibrate)")
    parser.add_argument("--draws", type=int, default=0, help="Monte Carlo draws (default: 0, expected path only)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--until", type=int, default=DEFAULT_HORIZON,
                        help=f"last projected year (default: {DEFAULT_HORIZON})")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes for the draws (default: 1; same numbers for any value)")
    parser.add_argument("--baseline-year", default=None, metavar="YEAR",
                        help="review year to project from: a year of the data folder's review results, or 'latest' "
                             "(default: the first review year)")
    parser.add_argument("--interval", type=int, choices=(80, 90), default=90,
                        help="band of the Monte Carlo draws shown: 80 or 90 %% (default: 90)")
    parser.add_argument("--no-parameter-uncertainty", action="store_true",
                        help="draw household moves only, every parameter at its central value")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="Dask scheduler to run the draws on, e.g. tcp://10.0.0.5:8786 (default: the "
                             "THIDUA_SCHEDULER environment variable, else locally; same numbers; docs/scale.md)")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the printed tables")
    parser.add_argument("--out", default=None, metavar="FILE",
                        help=f"write the full table to FILE ({', '.join(TABLE_FORMATS)})")
    add_period_arguments(parser)
    parser.add_argument("--force", action="store_true",
                        help="replace the output even when it is an input of this run or lies under data/ or params/")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....data import load_baseline
    from ....params import load_params, load_scenario
    from ....model.projection import project
    from ....report.i18n import t
    from ....report.tables import group_label, trajectory_table

    check_out(args)
    if args.out is not None and Path(args.out).suffix.lower() not in TABLE_FORMATS:
        raise ProjectionError(f"--out {args.out!r}: unknown file type {Path(args.out).suffix or '(none)'!r}; "
                              f"expected a name ending in {', '.join(TABLE_FORMATS)}")
    lang = args.language
    baseline = load_baseline(args.data, _baseline_year(args))
    params = load_params(args.params, base_rates=args.base_rates, areas=baseline.areas)
    if args.no_parameter_uncertainty:
        params = fixed_parameters(params)
    scenario = load_scenario(args.scenario, params, _all_area_ids(args.data, baseline))
    posterior = None
    if args.base_rates is not None and args.draws and not args.no_parameter_uncertainty:
        from ....model.calibrate import load_posterior

        posterior = load_posterior(args.base_rates)  # joint draws written by calibrate beside the file
    from ....model._executors import scheduler_from_env
    from ....planning.targets import draw_meets

    targets = tuple(x for x in params.targets if x.start_year in range(baseline.year, args.until + 1)
                    and x.end_year <= args.until)
    projection = project(baseline, scenario, params, until=args.until, draws=args.draws, seed=args.seed,
                         workers=args.workers, periods=period_inputs(args, args.until), posterior=posterior,
                         scheduler=scheduler_from_env(args.scheduler), targets=targets, target_rule=draw_meets)

    print(scenario_line(args, scenario, baseline, lang))
    if posterior is not None:
        from ....model.calibrate import posterior_path

        print(t("project_posterior_used", lang, n=len(posterior), file=posterior_path(args.base_rates).name))
    if args.no_parameter_uncertainty and args.draws:
        print(t("project_fixed_parameters", lang))
    if args.base_rates is not None:
        warning = support_warning(args.base_rates, scenario, lang)
        if warning:
            print(warning)
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    print_run_notes(args, baseline, scenario, params, args.until, lang, periods=projection.periods is not None)
    whole = t("former_district" if projection.periods is not None else f"run_level_{run_level(baseline)}", lang)
    for population, title in (("district", whole), ("dtts", group_label("dtts", lang)),
                              ("other", group_label("other", lang))):
        print()
        print(title)
        print(trajectory_table(projection, population, lang, args.interval).to_string(index=False))
    if projection.periods is not None:
        from ....report.tables import period_notes

        for line in period_notes(projection, lang):
            print(line)
    if args.out:
        written = projection.save(args.out)
        print()
        print(t("file_written", lang, path=written))
    return 0


def support_warning(base_rates_file: str | Path, scenario: Any, lang: str) -> str | None:
    """A warning when fitted base rates are used under another support than their fit assumed:
    another scenario, a scale other than 1, or other amounts in the fitted years."""
    from ....io._yaml import read_yaml
    from ....report.i18n import format_number, t

    doc = read_yaml(Path(base_rates_file))
    support = ((doc.get("fit") or {}).get("support")) if isinstance(doc, dict) else None
    if not support:
        return None
    fitted = {int(y): float(v) for y, v in (support.get("amount_mvnd_by_year") or {}).items()}
    scale = float(support.get("scale", 1.0))
    now = {y: float(sum(r.amount_mvnd for r in scenario.resources if r.year == y)) for y in fitted}
    differs = [y for y in fitted if abs(now[y] - fitted[y]) > 0.01 * max(abs(fitted[y]), 1.0)]
    if scale == 1.0 and not differs and str(support.get("scenario", "")).split("_x")[0] == scenario.id:
        return None
    years = differs or sorted(fitted)
    return t("project_support_differs", lang, file=Path(base_rates_file).name,
             fit_scenario=support.get("scenario", "?"), scale=format_number(scale, lang, 2),
             scenario=scenario.id,
             fit_amount=format_number(sum(fitted[y] for y in years), lang),
             amount=format_number(sum(now[y] for y in years), lang),
             years=", ".join(map(str, years)))


def _baseline_year(args: argparse.Namespace) -> int | None:
    value = getattr(args, "baseline_year", None)
    if value is None:
        return None
    if str(value).lower() == "latest":
        from ....data import load_area_info, load_review_results

        folder = Path(args.data)
        return max(load_review_results(folder / "review_results.csv", load_area_info(folder)).years)
    try:
        return int(value)
    except ValueError:
        raise ProjectionError(f"--baseline-year {value!r}: expected a review year such as 2022, or 'latest'") from None


def run_level(baseline: Any) -> str:
    """"province" or "country" when every area of the run is one, else "district" (the run's total)."""
    kinds = {getattr(a, "kind", "commune") for a in baseline.areas}
    if kinds == {"province"}:
        return "province" if len(baseline.areas) == 1 else "country"
    if kinds == {"country"}:
        return "country"
    return "district"


def fixed_parameters(params: Any) -> Any:
    """The same parameters with every interval removed (central values only)."""
    from dataclasses import replace

    from ....core.types import Uncertain

    def fix(v: Uncertain) -> Uncertain:
        return replace(v, low=None, high=None)

    rates = {g: {k: fix(v) for k, v in r.items()} for g, r in params.base_rates.rates.items()}
    instruments = {k: replace(i, cost_mvnd=fix(i.cost_mvnd), effects={e: fix(v) for e, v in i.effects.items()})
                   for k, i in params.instruments.items()}
    return replace(params, base_rates=replace(params.base_rates, rates=rates), instruments=instruments)
