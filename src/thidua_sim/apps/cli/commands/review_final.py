"""``thidua-sim review-final``: the final review (tổng kết) of the movement 2021-2025.

From review results of 2021-2025 (``--results``; the import template covers every year, on the
old units to 2024 and the new communes for 2025) and the reviewers' criteria sheet
(``--criteria``; ``--criteria-template FILE`` writes the sheet to fill in), writes the workbook
(``--out``, .xlsx) and the brief (``--brief``, .html). Without ``--results`` the years after the
data folder's results are filled with the scenario's expected path, marked as estimates on every
page. Numbers: :mod:`thidua_sim.planning._final_review`; pages: :mod:`thidua_sim.report.final_review`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._common import add_commune_target_arguments, commune_targets, period_inputs

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "review-final",
        help="the final review (tổng kết) 2021-2025: workbook and brief, commendation proposals",
        description="Build the final review of the movement from review results 2021-2025: each unit's actual "
                    "reduction against its own target year by year and for the period, the district's targets, a "
                    "ranking and the commendation proposals by the plan's criteria (the reviewers' criteria sheet).",
    )
    parser.add_argument("--results", default=None, metavar="FILE",
                        help="review results 2021-2025 (.csv or .xlsx, the import template's columns); default: "
                             "the data folder's results, later years estimated from --scenario (marked so)")
    parser.add_argument("--criteria", default=None, metavar="FILE",
                        help="the reviewers' criteria sheet (.xlsx or .csv; see --criteria-template)")
    parser.add_argument("--criteria-template", default=None, metavar="FILE",
                        help="write the criteria sheet to fill in (.xlsx) and stop")
    parser.add_argument("--scenario", default="params/scenarios/status_quo.yaml",
                        help="scenario for the years without results (default: params/scenarios/status_quo.yaml)")
    parser.add_argument("--data", default="data/kbang", help="data folder (default: data/kbang)")
    parser.add_argument("--params", default="params", help="parameters folder (default: params)")
    parser.add_argument("--out", default="out/tong_ket.xlsx", help="workbook to write (default: out/tong_ket.xlsx)")
    parser.add_argument("--brief", default="out/tong_ket.html", help="brief to write (default: out/tong_ket.html)")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the pages")
    add_commune_target_arguments(parser)
    parser.set_defaults(run=run, periods="on")


def run(args: argparse.Namespace) -> int:
    from ....data import load_area_info, load_baseline, load_crosswalk, load_review_results
    from ....errors import InputError, InputErrors
    from ....params import load_params, load_scenario
    from ....planning._final_review import (estimated_results, final_review, load_criteria, movement_units,
                                            write_criteria_template)
    from ....report.final_review import write_final_review_html, write_final_review_workbook
    from ....report.i18n import format_number, format_percent, t

    lang = args.language
    info = load_area_info(args.data)
    crosswalk = load_crosswalk(Path(args.data) / "crosswalk.csv", info) \
        if (Path(args.data) / "crosswalk.csv").exists() else None
    baseline = load_baseline(args.data)
    params = load_params(args.params, areas=baseline.areas)
    district = [x for x in params.targets if x.population in ("district", "dtts")]
    end = max((x.end_year for x in district), default=2025)
    if args.criteria_template:
        start = min((x.start_year for x in district), default=2021)
        written = write_criteria_template(args.criteria_template, movement_units(info, start))
        print(t("fr_template_written", lang, path=written))
        return 0
    for name, value in (("--out", args.out), ("--brief", args.brief)):
        wanted = ".xlsx" if name == "--out" else ".html"
        if Path(value).suffix.lower() != wanted:
            raise InputErrors([InputError(value, name, f"the ending {Path(value).suffix or '(none)'!r}", wanted,
                                          f"name the file e.g. tong_ket{wanted}")])
    if args.results:
        results = load_review_results(args.results, info)
    else:
        from dataclasses import replace

        import pandas as pd

        from ....model.projection import project

        scenario = load_scenario(args.scenario, params, [a.id for a in info])
        projection = project(baseline, scenario, params, until=end, periods=period_inputs(args, end))
        estimated = estimated_results(projection, end)
        shipped = load_review_results(Path(args.data) / "review_results.csv", info)
        known = set(shipped.table["year"])
        table = pd.concat([shipped.table, estimated.table[~estimated.table["year"].isin(known)]], ignore_index=True)
        results = replace(shipped, table=table, source=f"{shipped.source} + {estimated.source}")
    start = min((x.start_year for x in district), default=2021)
    criteria = load_criteria(args.criteria, movement_units(info, start)) if args.criteria else None
    communes, _how = commune_targets(args, baseline, params)
    review = final_review(results, crosswalk, info, district, communes, criteria)
    workbook = write_final_review_workbook(review, args.out, lang)
    brief = write_final_review_html(review, args.brief, lang)
    print(t("fr_title", lang, start=review.start_year, end=review.end_year))
    for _, row in review.district.iterrows():
        print(t("fr_district_sentence", lang, name=row["name_vi" if lang == "vi" else "name_en"],
                start=review.start_year, end=review.end_year,
                r0=format_percent(row["rate_start"], lang, 2), r1=format_percent(row["rate_end"], lang, 2),
                fall=format_number(row["reduction_per_year"], lang, 2),
                verdict=t("fr_verdict_met" if row["met"] else "fr_verdict_not_met", lang)))
    if review.only_estimates:
        print(t("fr_estimates_only", lang))
    print(t("fr_written", lang, workbook=workbook, brief=brief))
    return 0
