"""``thidua-sim scoreboard``: the emulation scoreboard, actual vs planned per commune, and the
ranking for the annual (sơ kết) or final (tổng kết) review."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._common import (
    add_commune_target_arguments,
    add_input_arguments,
    commune_targets,
    estimate_note,
    horizon,
    load_inputs,
    print_run_notes,
    print_table,
    targets_title,
    write_output,
)

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    from ....planning.scoreboard import REVIEW_KINDS

    parser = subparsers.add_parser(
        "scoreboard",
        help="the emulation scoreboard: each commune against its own target, ranked for the review",
        description="Compare each commune's actual review results (--results, default the data folder's "
                    "review_results) with the plan (the scenario's projection), say whether it is on track "
                    "for its own target, and rank the communes for the annual review (so_ket) or the final "
                    "review (tong_ket). Without results after the baseline year it shows planned values "
                    "and says so.",
    )
    add_input_arguments(parser, draws=None)
    parser.add_argument("--results", default=None, metavar="FILE",
                        help="review results .csv or .xlsx (default: review_results.csv/.xlsx of --data)")
    parser.add_argument("--kind", choices=REVIEW_KINDS, default="so_ket",
                        help="so_ket: annual review; tong_ket: final review (default: so_ket)")
    parser.add_argument("--year", type=int, default=None,
                        help="review year (default: the latest with results for so_ket, the end year for tong_ket)")
    add_commune_target_arguments(parser)
    parser.set_defaults(run=run)


def _results(args: argparse.Namespace, baseline: Any) -> tuple[Any, str | None]:
    from ....data import load_review_results

    if args.results:
        return load_review_results(args.results, baseline.areas), args.results
    for name in ("review_results.csv", "review_results.xlsx"):
        path = Path(args.data) / name
        if path.is_file():
            return load_review_results(path, baseline.areas), str(path)
    return None, None


def run(args: argparse.Namespace) -> int:
    from ....model.projection import project
    from ....report.i18n import t
    from ....planning.scoreboard import build_scoreboard, rank_for_review

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    communes, how = commune_targets(args, baseline, params)
    until = max(horizon(args, communes), args.year or 0)
    projection = project(baseline, scenario, params, until=until)
    results, file = _results(args, baseline)
    board = build_scoreboard(results, projection, communes)
    ranked = rank_for_review(board, args.kind, args.year)

    note = estimate_note(baseline, lang)
    if note:
        print(note)
    print_run_notes(args, baseline, scenario, params, until, lang)
    if results is not None:
        print(t("scoreboard_results_file", lang, file=file, years=", ".join(str(y) for y in results.years)))
    else:
        print(t("scoreboard_no_results", lang))
    if board.attrs.get("note"):
        print(board.attrs["note"][lang])
    if (ranked["actual_estimate"] == True).any():  # noqa: E712 - the column holds True/False/None
        print(t("review_results_estimated", lang))
    print(targets_title(args, params, how, lang))
    shown = ranked.assign(basis=[t(f"basis_{b}", lang) for b in ranked["basis"]])
    if args.kind == "so_ket":
        title = t("scoreboard_review_annual", lang, year=ranked.attrs["year"])
    else:
        title = t("scoreboard_review", lang, start=board.attrs["start_year"], end=ranked.attrs["year"])
    print_table(shown, {"rank": (t("rank", lang), 0), "area_name": (t("commune", lang), None),
                        "basis": (t("scoreboard_basis", lang), None),
                        "target_points": (t("target_threshold", lang), 2),
                        "reduction_per_year": (t("target_reduction", lang), 2),
                        "margin_points": (t("target_margin_points", lang), 2),
                        "on_track": (t("scoreboard_on_track", lang), None),
                        "dtts_reduction_per_year": (t("scoreboard_dtts_reduction", lang), 2)}, lang, title)
    if args.out:
        if args.out.lower().endswith(".xlsx"):
            write_output({"scoreboard": board, "ranking": ranked}, args.out, lang)
        else:
            write_output(board, args.out, lang)
    return 0
