"""``thidua-sim allocate``: spread a fixed yearly budget over communes and instruments to cut the
expected number of poor households most, within caps and minimums."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from ._common import (add_input_arguments, estimate_flags, estimate_note, load_inputs, print_run_notes, print_table,
                    write_output)

__all__ = ["register", "run", "parse_limit"]


def parse_limit(text: str) -> tuple[Any, float]:
    """``KEY=MVND`` with KEY an area id, an instrument id or ``area/instrument``."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=MILLION_VND, e.g. kon_pne=500, housing=2000 "
                                         "or kon_pne/housing=100")
    try:
        amount = float(value.replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {value!r} is not a number of million VND") from None
    area, slash, instrument = key.partition("/")
    return ((area, instrument) if slash else key), amount


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "allocate",
        help="spread a yearly budget over communes and instruments to cut poor households most",
        description="Allocate --budget million VND a year (on top of the scenario) over communes and "
                    "instruments so that the expected number of poor households in the end year is lowest, "
                    "within --cap and --minimum limits; compared with spreading it by poor households.",
    )
    add_input_arguments(parser, draws=None)
    parser.add_argument("--budget", type=float, required=True, metavar="MVND_PER_YEAR",
                        help="million VND a year to allocate")
    parser.add_argument("--dtts-weight", type=float, default=1.0, metavar="W",
                        help="count a poor dtts household W times (default 1)")
    parser.add_argument("--instruments", default=None, metavar="ID,ID", help="instruments to use (default: all)")
    parser.add_argument("--cap", action="append", type=parse_limit, default=[], metavar="KEY=MVND",
                        help="at most this much a year for an area, an instrument or area/instrument (repeatable)")
    parser.add_argument("--minimum", action="append", type=parse_limit, default=[], metavar="KEY=MVND",
                        help="at least this much a year for an area, an instrument or area/instrument (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....planning import allocate_budget
    from ....report.i18n import format_number, t

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    instruments = [k.strip() for k in args.instruments.split(",") if k.strip()] if args.instruments else None
    result = allocate_budget(baseline, scenario, params, args.budget, instruments=instruments,
                             caps=dict(args.cap) or None, minimums=dict(args.minimum) or None,
                             dtts_weight=args.dtts_weight, until=args.until)
    print(t("allocate_title", lang, budget=format_number(args.budget, lang), scenario=scenario.id,
            first=result.years[0], last=result.years[-1]))
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    print_run_notes(args, baseline, scenario, params, result.end_year, lang)
    if args.dtts_weight != 1.0:
        print(t("allocate_dtts_weight", lang, w=format_number(args.dtts_weight, lang, 2)))
    names = {a.id: a.name for a in baseline.areas}
    tidy = result.tidy()
    tidy.insert(1, "area_name", [names[a] for a in tidy["area_id"]])
    inst_names = {k: (i.name_vi if lang == "vi" else i.name_en) for k, i in params.instruments.items()}
    shown = tidy.assign(instrument_name=[inst_names[k] for k in tidy["instrument"]])
    total = pd.DataFrame([{"area_name": t("total", lang), "instrument_name": "",
                           "mvnd_per_year": result.budget_mvnd_per_year}])
    print_table(pd.concat([shown, total], ignore_index=True),
                {"area_name": (t("commune", lang), None), "instrument_name": (t("instrument", lang), None),
                 "mvnd_per_year": (t("money_mvnd_per_year", lang), 0)}, lang)
    print(t("allocate_poor_end", lang, year=result.end_year, best=format_number(result.expected_poor_end, lang, 1),
            prop=format_number(result.expected_poor_end_proportional, lang, 1),
            gain=format_number(result.gain_over_proportional, lang, 1)))
    if not result.proportional_feasible:
        print(t("allocate_not_proportional", lang))
    if args.out:
        summary = pd.DataFrame([{
            "budget_mvnd_per_year": result.budget_mvnd_per_year, "first_year": result.years[0],
            "last_year": result.years[-1], "dtts_weight": result.dtts_weight,
            "expected_poor_end": result.expected_poor_end, "expected_poor_end_dtts": result.expected_poor_end_dtts,
            "expected_poor_end_proportional": result.expected_poor_end_proportional,
            "gain_over_proportional": result.gain_over_proportional, "expected_fall": result.expected_fall,
            "proportional_feasible": result.proportional_feasible,
            "baseline_estimate": estimate_flags(baseline, ["district"])[0],
        }])
        tidy["baseline_estimate"] = estimate_flags(baseline, list(tidy["area_id"]))
        if args.out.lower().endswith(".xlsx"):
            sheets = {"allocation": result.table.reset_index(), "proportional": result.proportional.reset_index()}
            for frame in sheets.values():
                key = next((c for c in ("area_id", "area") if c in frame.columns), None)
                if key is not None:
                    frame["baseline_estimate"] = estimate_flags(baseline, [str(a) for a in frame[key]])
            write_output({**sheets, "summary": summary}, args.out, lang)
        else:
            write_output(tidy, args.out, lang)
    return 0
