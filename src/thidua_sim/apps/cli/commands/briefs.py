"""``thidua-sim briefs``: build every commune's planning brief and the district brief as HTML."""

from __future__ import annotations

import argparse

from ....core.defaults import BRIEF_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED

__all__ = ["register", "run"]


def _parameter(text: str) -> tuple[str, object]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE, e.g. until=2027")
    import yaml

    return name, yaml.safe_load(value) if value else ""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "briefs",
        help="build the planning briefs (one per commune and the district) as HTML with an index",
        description="Run the brief notebooks with papermill in parallel, render each to HTML without code "
                    "and write index.html. Briefs whose inputs did not change are reused unless --force.",
    )
    parser.add_argument("--scenario", required=True, help="scenario file, e.g. params/scenarios/status_quo.yaml")
    parser.add_argument("--areas", nargs="+", metavar="ID", help="commune ids (default: every commune)")
    parser.add_argument("--data", default="data/kbang", help="data folder (default: data/kbang)")
    parser.add_argument("--params", default="params", help="parameters folder (default: params)")
    parser.add_argument("--draws", type=int, default=BRIEF_DRAWS,
                        help=f"Monte Carlo draws per brief (default: {BRIEF_DRAWS})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the briefs")
    parser.add_argument("--period", choices=("2021-2025", "2026-2030"), default="2021-2025",
                        help="2021-2025 (default): the movement's briefs; 2026-2030: the 6 communes formed in 2025 "
                             "and the former district area, to 2030 across the 2027 standard switch")
    parser.add_argument("--until", type=int, default=None,
                        help="last projected year (default: the period's end, 2025 or 2030)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    parser.add_argument("--force", action="store_true", help="rebuild briefs whose inputs did not change")
    parser.add_argument("--no-district", dest="district", action="store_false", help="skip the district brief")
    parser.add_argument("-p", "--parameter", dest="parameters", action="append", type=_parameter, default=[],
                        metavar="NAME=VALUE", help="another notebook parameter (refused if no notebook declares it)")
    parser.add_argument("--notebooks", default=None, help="folder of the brief notebooks (default: the project's)")
    parser.add_argument("--cell-timeout", type=int, default=None, help="seconds one notebook cell may run")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="Dask scheduler to run the briefs on, one brief per task, e.g. tcp://10.0.0.5:8786 "
                             "(default: the THIDUA_SCHEDULER environment variable, else locally; docs/scale.md)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--out", default=None,
                        help="output folder (default: out/briefs, or out/briefs_2026_2030 for --period 2026-2030)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...briefs.batch import DEFAULT_CELL_TIMEOUT, PERIODS, run_briefs
    from ....io._guard import check_output_folder
    from ....model._executors import scheduler_from_env

    out = args.out or f"out/{PERIODS[args.period]['out']}"
    until = args.until or PERIODS[args.period]["until"]
    check_output_folder(out, inputs=[args.data, args.params, args.scenario, args.notebooks])
    result = run_briefs(
        args.scenario, args.areas, args.jobs, out_dir=out, data_dir=args.data, params_dir=args.params,
        draws=args.draws, seed=args.seed, language=args.language, until=until, force=args.force, period=args.period,
        district=args.district, notebooks_dir=args.notebooks, extra_parameters=dict(args.parameters),
        cell_timeout=args.cell_timeout or DEFAULT_CELL_TIMEOUT, progress=not args.quiet,
        scheduler=scheduler_from_env(args.scheduler),
    )
    print(result.summary())
    return 1 if result.failed else 0
