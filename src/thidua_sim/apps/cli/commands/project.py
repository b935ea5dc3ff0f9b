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
from ....model.projection import DEFAULT_SEED, TABLE_FORMATS
from .check import estimate_note, scenario_line

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "project",
        help="project poor and near-poor households per year under a scenario",
        description="Project households of every commune and group from the baseline year under a scenario; "
                    "print the district's and each group's poor and near-poor rates per year (with the 90 %% band "
                    "of the Monte Carlo draws) and optionally write the full table.",
    )
    parser.add_argument("--scenario", required=True, help="scenario file, e.g. params/scenarios/status_quo.yaml")
    parser.add_argument("--data", default="data/kbang", help="data folder (default: data/kbang)")
    parser.add_argument("--params", default="params", help="parameters folder (default: params)")
    parser.add_argument("--base-rates", default=None, metavar="FILE",
                        help="base-rates file to use instead of <params>/base_rates.yaml (e.g. from calibrate)")
    parser.add_argument("--draws", type=int, default=0, help="Monte Carlo draws (default: 0, expected path only)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--until", type=int, default=2025, help="last projected year (default: 2025)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes for the draws (default: 1; same numbers for any value)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="Dask scheduler to run the draws on, e.g. tcp://10.0.0.5:8786 (default: the "
                             "THIDUA_SCHEDULER environment variable, else locally; same numbers; docs/scale.md)")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the printed tables")
    parser.add_argument("--out", default=None, metavar="FILE",
                        help=f"write the full table to FILE ({', '.join(TABLE_FORMATS)})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....data import load_baseline
    from ....params import load_params, load_scenario
    from ....model.projection import project
    from ....report.i18n import t
    from ....report.tables import group_label, trajectory_table

    if args.out is not None and Path(args.out).suffix.lower() not in TABLE_FORMATS:
        raise ProjectionError(f"--out {args.out!r}: unknown file type {Path(args.out).suffix or '(none)'!r}; "
                              f"expected a name ending in {', '.join(TABLE_FORMATS)}")
    lang = args.language
    baseline = load_baseline(args.data)
    params = load_params(args.params, base_rates=args.base_rates, areas=baseline.areas)
    scenario = load_scenario(args.scenario, params, baseline.areas)
    from ....model._executors import scheduler_from_env
    from ....planning.targets import draw_meets

    targets = tuple(x for x in params.targets if x.start_year in range(baseline.year, args.until + 1)
                    and x.end_year <= args.until)
    projection = project(baseline, scenario, params, until=args.until, draws=args.draws, seed=args.seed,
                         workers=args.workers, scheduler=scheduler_from_env(args.scheduler), targets=targets,
                         target_rule=draw_meets)

    print(scenario_line(args, scenario, baseline, lang))
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    for population, title in (("district", t("district", lang)), ("dtts", group_label("dtts", lang)),
                              ("other", group_label("other", lang))):
        print()
        print(title)
        print(trajectory_table(projection, population, lang).to_string(index=False))
    if args.out:
        written = projection.save(args.out)
        print()
        print(t("file_written", lang, path=written))
    return 0
