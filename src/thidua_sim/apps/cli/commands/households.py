"""``thidua-sim households import|tables|simulate|switch``: the household list of the review.

- ``import FILE --out records.csv``: check the list, drop personal-data columns (named, never
  their values), replace household codes by keyed pseudonyms, write the pseudonymised records;
- ``tables FILE --out tables.xlsx``: the review's standard tables (aggregates only; thôn cells
  below the small count suppressed);
- ``simulate FILE --instruments housing --rule ... --budget ...``: targeted support, household by
  household, with uncertain income growth; ``--optimise`` picks the support under the budget;
- ``switch FILE``: every household reclassified under Decree 351 (2027) and the jump per commune.

FILE is the review's list (.xlsx/.csv, ``thidua-sim template --households``) or the file
``import`` wrote. Output is aggregates only; no household code, pseudonym or personal value is
printed or written by ``tables``, ``simulate`` or ``switch``.
"""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import Any

import pandas as pd

from ._common import print_table, write_output

__all__ = ["register", "run"]

_PERSONAL_KEYS = {"name": "hh_personal_name", "ID number": "hh_personal_id", "phone number": "hh_personal_phone",
                  "date of birth": "hh_personal_birth", "street address": "hh_personal_address"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "households",
        help="household list of the review: import (pseudonymised), standard tables, targeted support, 2027 switch",
        description="Work with the household list of the annual review (danh sách hộ): import it safely, produce "
                    "the review's standard tables, simulate support indicator by indicator, and reclassify it "
                    "under the 2027 standard (Decree 351). Personal-data columns are dropped at import.",
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    specs = {
        "import": "check the list and write it pseudonymised (no personal data)",
        "tables": "write the review's standard tables (.xlsx, Vietnamese headers)",
        "simulate": "targeted support household by household, with uncertain income growth",
        "switch": "reclassify every household under the 2027 standard (Decree 351); jump per commune",
    }
    for action, text in specs.items():
        p = sub.add_parser(action, help=text, description=text)
        p.add_argument("file", metavar="FILE", nargs="+",
                       help="household list (.xlsx/.csv) or the file 'import' wrote; several files (e.g. two "
                            "review years) are read as one list, households matched by pseudonym")
        p.add_argument("--data", default=None, metavar="DATA_DIR",
                       help="data folder of the areas (default: the file's folder, else data/kbang)")
        p.add_argument("--params", default="params", help="parameters folder (default: params)")
        p.add_argument("--key", default=None, metavar="KEY_FILE",
                       help="pseudonymisation key of 'import' (default: $THIDUA_SIM_KEY_FILE or ~/.config/thidua_sim/"
                            "households.key, created on first use with mode 0600); the other actions need none")
        p.add_argument("--year", type=int, default=None, help="review year (default: the last in the file)")
        p.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the output")
        p.add_argument("--force", action="store_true", help="replace the output file if it exists")
        p.add_argument("--out", default=None, metavar="FILE", required=action in ("import", "tables"),
                       help=".csv" if action == "import" else ".xlsx (or .csv for switch)")
        if action == "import":
            p.add_argument("--baseline-out", default=None, metavar="FILE.csv",
                           help="also write the records added up as review results (the format of "
                                "review_results.csv), to use as the baseline")
        if action == "tables":
            p.add_argument("--min-count", type=int, default=None,
                           help="suppress thôn cells below this count (default: params/households.yaml, 5)")
        if action == "simulate":
            p.add_argument("--instruments", required=True, metavar="ID,ID",
                           help="support given together, e.g. housing or housing,health_insurance; with "
                                "--optimise, the options to choose from")
            p.add_argument("--rule", default="nearest_line",
                           choices=("nearest_line", "fewest_deprivations", "dtts_first", "cheapest_per_move"),
                           help="which households first (default: nearest_line)")
            p.add_argument("--budget", type=float, default=None, metavar="MVND",
                           help="million VND (default: every eligible household)")
            p.add_argument("--draws", type=int, default=1000, help="income draws per household (default 1000)")
            p.add_argument("--seed", type=int, default=2021)
            p.add_argument("--areas", default=None, metavar="ID,ID", help="only these units")
            p.add_argument("--optimise", action="store_true",
                           help="choose the support of each household under --budget (scipy milp)")
            p.add_argument("--effects-out", default=None, metavar="FILE.yaml",
                           help="write the effect sizes (uPN, uPO, uNO with their sources) for the cohort model")
        if action == "switch":
            p.add_argument("--target-year", type=int, default=2027, help="year of the new standard (default 2027)")
    parser.set_defaults(run=run)


def _check_outputs(args: argparse.Namespace) -> None:
    from ....data import default_key_path
    from ....errors import InputError, InputErrors

    for extra in (getattr(args, "effects_out", None), getattr(args, "baseline_out", None)):
        if extra and Path(extra).exists() and not args.force:
            raise InputErrors([InputError(str(extra), "file", "a file that already exists", "a new file name",
                                          "choose another name, or pass --force to replace it")])
    if not args.out:
        return
    wanted = ".csv" if args.action == "import" else (".xlsx",) if args.action in ("tables",) or (
        args.action == "simulate" and not args.optimise) else (".xlsx", ".csv")
    if not args.out.lower().endswith(wanted):
        raise InputErrors([InputError(str(args.out), "--out", f"the ending {Path(args.out).suffix or '(none)'!r}",
                                      " or ".join((wanted,) if isinstance(wanted, str) else wanted),
                                      "a .xlsx holds the several tables of this output" if wanted == (".xlsx",)
                                      else "name the file accordingly")])
    out = Path(args.out).resolve()
    key = Path(args.key).resolve() if args.key else default_key_path().resolve()
    if (args.action == "import" or args.key) and (out == key or out.parent == key.parent):
        raise InputErrors([InputError(str(key), "--key", "the key file in the folder of the output",
                                      "the key outside every output folder", "keep the key in its own folder, e.g. "
                                      "the default ~/.config/thidua_sim/households.key")])
    if out.exists() and not args.force:
        raise InputErrors([InputError(str(out), "file", "a file that already exists", "a new file name",
                                      "choose another name, or pass --force to replace it")])


def _marked(frames: dict[str, pd.DataFrame], records: Any, lang: str) -> dict[str, pd.DataFrame] | pd.DataFrame:
    """Frames to write, with a first column saying SYNTHETIC DATA on every row when the records are
    synthetic; one frame alone when there is only one (a .csv takes one table)."""
    from ....report.i18n import t

    if records.synthetic:
        frames = {k: f.copy() for k, f in frames.items()}
        for f in frames.values():
            f.insert(0, "data", t("hh_synthetic_mark", lang))
    return next(iter(frames.values())) if len(frames) == 1 else frames


def _load(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from ....data import load_households
    from ....data._households import combine_records, household_key
    from ....params import load_household_params
    from ....params.standards import load_standards
    from ....report.i18n import t

    folder = Path(args.params)
    standards = load_standards(folder / "standards.yaml")
    hparams = load_household_params(folder / "households.yaml")
    # only 'import' writes pseudonyms, so only it needs the lasting key; the other actions print and
    # write aggregates and take a key that lives for this run alone (no key file is made for them)
    key = args.key if args.action == "import" or args.key else secrets.token_bytes(32)
    if len(args.file) > 1 and not isinstance(key, bytes):
        key = household_key(key)   # one key for every file of the run
    parts = [load_households(f, areas=args.data, key=key, standards=standards) for f in args.file]
    records = parts[0] if len(parts) == 1 else combine_records(parts)
    lang = args.language
    for column, header, kind in records.dropped:
        print(t("hh_dropped_column", lang, column=column, header=header, kind=t(_PERSONAL_KEYS[kind], lang)))
    if records.synthetic:
        print(t("hh_synthetic_warning", lang))
    return records, hparams, standards


def run(args: argparse.Namespace) -> int:
    _check_outputs(args)
    return {"import": _import, "tables": _tables, "simulate": _simulate, "switch": _switch}[args.action](args)


def _import(args: argparse.Namespace) -> int:
    from ....data import default_key_path
    from ....report.i18n import t

    records, _hp, _std = _load(args)
    lang = args.language
    print(t("hh_imported", lang, n=len(records), years=", ".join(map(str, records.years)),
            areas=len(records.area_order())))
    if records.pseudonymised:
        print(t("hh_key_note", lang, path=args.key or default_key_path()))
    path = records.to_csv(args.out, overwrite=args.force)
    print(t("file_written", lang, path=path))
    if args.baseline_out:
        from ....model import review_results_from_records

        path = review_results_from_records(records, _std).to_csv(args.baseline_out, overwrite=args.force)
        print(t("file_written", lang, path=path))
    return 0


def _formatted(frame, lang: str):
    """The frame with its numbers written the language's way (1.234 and 21,0 in Vietnamese)."""
    from ....report.i18n import format_number

    shown = frame.copy()
    for column in shown.columns:
        kind = shown[column].dtype.kind
        if kind in "iu":
            shown[column] = [format_number(float(v), lang, 0) for v in shown[column]]
        elif kind == "f":
            shown[column] = [format_number(None if v != v else float(v), lang, 1) for v in shown[column]]
    return shown


def _tables(args: argparse.Namespace) -> int:
    from ....report._household_tables import household_tables, presented, write_household_tables
    from ....report.i18n import t

    records, hp, std = _load(args)
    lang = args.language
    min_count = args.min_count if args.min_count is not None else hp.min_count
    part = records if args.year is None else _two_years(records, args.year)
    tables = household_tables(part, min_count, std, args.year)
    if "movement" not in tables:
        print(t("hh_no_movement", lang))
    shown = presented("groups", tables["groups"], part, lang)
    print(t("hh_title_groups", lang, year=part.years[-1]))
    print(_formatted(shown, lang).to_string(index=False))
    path = write_household_tables(tables, part, args.out, lang, min_count)
    print(t("file_written", lang, path=path))
    return 0


def _two_years(records: Any, year: int) -> Any:
    from dataclasses import replace

    keep = records.table["year"].isin([year - 1, year])
    sub = replace(records, table=records.table[keep].reset_index(drop=True))
    sub.for_year(year)  # an error naming the years the file has when year is not there
    return sub


def _instruments(args: argparse.Namespace, hp: Any) -> dict[str, Any]:
    from ....params import load_instruments

    return {**load_instruments(Path(args.params) / "instruments.yaml"), **hp.measures}


def _simulate(args: argparse.Namespace) -> int:
    from ....model import simulate_support
    from ....report._household_tables import suppress
    from ....report.i18n import format_number, t

    records, hp, std = _load(args)
    lang = args.language
    instruments = _instruments(args, hp)
    package = [k.strip() for k in args.instruments.split(",") if k.strip()]
    areas = [a.strip() for a in args.areas.split(",")] if args.areas else None
    if args.optimise:
        return _optimise(args, records, hp, std, instruments, package, areas)
    result = simulate_support(records, instruments, package, hp, args.rule, args.budget, args.draws, args.seed,
                              std, args.year, areas)
    names = {k: (i.name_vi if lang == "vi" else i.name_en) for k, i in instruments.items()}
    print(t("hh_simulate_title", lang, package=" + ".join(names[p] for p in package),
            rule=t(f"hh_rule_{args.rule}", lang), draws=args.draws))
    print(t("hh_selected", lang, n=len(result.selected), eligible=result.eligible,
            cost=format_number(result.cost_mvnd, lang)))
    summary = result.summary()
    summary["move"] = summary["move"].map(lambda m: t("hh_move_" + m.replace("->", ""), lang))
    summary["band"] = [f"{format_number(lo, lang)}–{format_number(hi, lang)}"
                       for lo, hi in zip(summary["with_low"], summary["with_high"], strict=True)]
    print_table(summary, {"move": (t("hh_move", lang), None), "with_support": (t("hh_with_support", lang), 1),
                          "band": (t("hh_band", lang), None), "without_support": (t("hh_without_support", lang), 1),
                          "attributable": (t("hh_attributable", lang), 1)}, lang)
    e = result.effects
    print(t("hh_effects", lang, uPN=format_number(e["uPN"], lang, 3), uPO=format_number(e["uPO"], lang, 3),
            uNO=format_number(e["uNO"], lang, 3), source=result.effects_source))
    by_area = result.by_village.groupby("area_id", sort=False)["households"].sum().reset_index()
    area_names = {a.id: a.name for a in records.areas}
    by_area["area_id"] = by_area["area_id"].map(area_names)
    print_table(by_area, {"area_id": (t("commune", lang), None), "households": (t("hh_supported", lang), 0)}, lang,
                title=t("hh_list_size", lang))
    if args.effects_out:
        import yaml

        from ....io._atomic import write_atomic

        path = Path(args.effects_out)
        text = yaml.safe_dump(result.effects_document(), allow_unicode=True, sort_keys=False, width=110)
        write_atomic(path, text.encode("utf-8"))
        print(t("file_written", lang, path=path))
    if args.out:
        villages = suppress(result.by_village, ["households"], hp.min_count, "area_id")
        villages["area_id"] = villages["area_id"].map(area_names)
        effects = pd.DataFrame([{"effect": k, "value": v, "source": result.effects_source} for k, v in e.items()])
        write_output(_marked({"summary": result.summary(), "villages": villages, "effects": effects}, records, lang),
                     args.out, lang)
    return 0


def _optimise(args: argparse.Namespace, records: Any, hp: Any, std: Any, instruments: Any, options: list[str],
              areas: list[str] | None) -> int:
    from ....errors import InputError, InputErrors
    from ....planning import optimise_support
    from ....report.i18n import format_number, t

    lang = args.language
    if args.budget is None:
        raise InputErrors([InputError("--budget", "no budget", "a budget in million VND for --optimise",
                                      "add --budget, e.g. --budget 5000")])
    result = optimise_support(records, instruments, options, hp, args.budget, args.draws, args.seed, std,
                              args.year, areas)
    print(t("hh_optimise_title", lang, budget=format_number(args.budget, lang)))
    print(t("hh_optimise_result", lang, moves=format_number(result.expected_moves, lang, 1),
            cost=format_number(result.cost_mvnd, lang)))
    names = {k: (i.name_vi if lang == "vi" else i.name_en) for k, i in instruments.items()}
    by = result.by_option.groupby("option", sort=True)[["households", "cost_mvnd", "expected_moves"]].sum().reset_index()
    by["option"] = by["option"].map(lambda o: " + ".join(names[i] for i in o.split("+")))
    print_table(by, {"option": (t("hh_option", lang), None), "households": (t("hh_supported", lang), 0),
                     "cost_mvnd": (t("unit_mvnd", lang), 0), "expected_moves": (t("hh_expected_moves", lang), 1)},
                lang)
    if args.out:
        out = result.by_option.copy()
        write_output(_marked({"by_option": out}, records, lang), args.out, lang)
    return 0


def _switch(args: argparse.Namespace) -> int:
    from ....model import switch_standard
    from ....report.i18n import format_percent, t

    records, hp, std = _load(args)
    lang = args.language
    result = switch_standard(records, hp, args.target_year, std, args.year)
    name = result.standard_new.name_vi if lang == "vi" else result.standard_new.name_en
    print(t("hh_switch_title", lang, standard=name, year=args.target_year))
    print(t("hh_switch_growth", lang, year=result.records.years[0], growth=format_percent(100 * result.growth_per_year,
                                                                                           lang), target=args.target_year))
    for iid, text in result.assumed.items():
        print(t("hh_switch_assumed", lang, indicator=iid, text=text))
    by = result.by_area.groupby("area_id", sort=False).sum(numeric_only=True).reset_index()
    total = by.sum(numeric_only=True).to_frame().T
    total.insert(0, "area_id", t("district", lang))
    names = {a.id: a.name for a in records.areas}
    by["area_id"] = by["area_id"].map(names)
    by = pd.concat([by, total], ignore_index=True)
    cols = {"area_id": (t("commune", lang), None), "households": (t("households", lang), 0),
            "poor_now": (t("hh_poor_now", lang), 0), "poor_new": (t("hh_poor_new", lang), 0),
            "poor_jump": (t("hh_poor_jump", lang), 0), "near_now": (t("hh_near_now", lang), 0),
            "near_new": (t("hh_near_new", lang), 0), "near_jump": (t("hh_near_jump", lang), 0)}
    print_table(by, cols, lang)
    if args.out:
        write_output(_marked({"switch": result.by_area}, records, lang), args.out, lang)
    return 0
