"""``thidua-sim required``: the least resources that meet a target, or a clear "no amount can"."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from ....core.defaults import REQUIRED_DRAWS

from ._common import (
    add_commune_target_arguments,
    add_input_arguments,
    commune_targets,
    estimate_flags,
    estimate_note,
    load_inputs,
    print_run_notes,
    print_table,
    write_output,
)

__all__ = ["register", "run"]

def _sentence(result: Any, scenario: Any, how: str, lang: str) -> str:
    """The result in one sentence in ``lang`` (``result.message`` says the same for developers, in English)."""
    from ....report.i18n import format_number, format_percent, t

    if result.already_met:
        return t("required_answer_already", lang, how=how, what=t(f"required_answer_already_{result.mode}", lang))
    if not result.feasible and result.mode == "scale" and not any(r.amount_mvnd for r in scenario.resources):
        return t("required_answer_nothing_to_scale", lang)
    if not result.feasible:
        prob = ("" if result.best_probability is None else
                t("required_answer_none_probability", lang, p=format_percent(100 * result.best_probability, lang, 1)))
        return t("required_answer_none", lang, how=how, prob=prob,
                 best=format_number(result.best_reduction_points_per_year, lang, 2),
                 threshold=format_number(result.target.threshold_points, lang, 2))
    if result.mode == "scale":
        return t("required_answer_scale", lang, how=how, factor=format_number(result.factor, lang, 3),
                 total=format_number(result.mvnd_per_year, lang))
    return t("required_answer_extra", lang, how=how, extra=format_number(result.extra_mvnd_per_year, lang))


def register(subparsers: Any) -> None:
    from ....planning import EXTRA_RULES, REQUIRED_MODES

    parser = subparsers.add_parser(
        "required",
        help="the least resources meeting a target (scale the scenario or add money a year)",
        description="Find the least factor on the scenario's resources (--mode scale) or the least extra "
                    "million VND a year spread by --rule (--mode extra) that meets a target on the expected "
                    "path or, with --probability, in that share of the Monte Carlo draws; or say that no "
                    "amount can, with the best reachable reduction. Commune targets are named "
                    "<district target id>:<area id>.",
    )
    add_input_arguments(parser, draws=REQUIRED_DRAWS)
    parser.add_argument("--target", required=True, metavar="ID",
                        help="target id from targets.yaml (e.g. district_poor_rate) or a commune's own target "
                             "(e.g. district_poor_rate:kon_pne)")
    parser.add_argument("--mode", choices=REQUIRED_MODES, default="scale", help="scale (default) or extra")
    parser.add_argument("--rule", choices=EXTRA_RULES, default="poor",
                        help="how extra money is spread over communes (default: poor households)")
    parser.add_argument("--instruments", default=None, metavar="ID,ID",
                        help="instruments for extra money, comma separated (default: all)")
    parser.add_argument("--probability", type=float, default=None, metavar="P",
                        help="meet the target in at least this share of the draws, e.g. 0.8")
    add_commune_target_arguments(parser)
    parser.set_defaults(run=run)


def _find_target(args: argparse.Namespace, baseline: Any, params: Any) -> Any:
    from ....planning.targets import PlanningError

    known = {t.id: t for t in params.targets}
    if args.target in known:
        return known[args.target]
    if ":" in args.target:
        communes, _how = commune_targets(args, baseline, params)
        for t in communes:
            if t.id == args.target:
                return t
    names = sorted(known) + ["<district target>:<area id>"]
    raise PlanningError(f"--target {args.target!r}: no such target; known: {', '.join(names)}")


def run(args: argparse.Namespace) -> int:
    from ....planning import required_resources
    from ....report.i18n import format_number, format_percent, lower_first, t

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    target = _find_target(args, baseline, params)
    instruments = [k.strip() for k in args.instruments.split(",") if k.strip()] if args.instruments else None
    result = required_resources(baseline, scenario, params, target, mode=args.mode, rule=args.rule,
                                instruments=instruments, probability=args.probability, draws=args.draws,
                                seed=args.seed, until=args.until)
    name = target.name_vi if lang == "vi" else target.name_en
    how = (t("required_on_expected_path", lang) if args.probability is None
           else t("required_with_probability", lang, p=format_percent(100 * args.probability, lang, 0)))
    mode = (t("required_mode_scale", lang) if args.mode == "scale"
            else t("required_mode_extra", lang, rule=lower_first(t(f"spread_rule_{args.rule}", lang))))
    print(t("required_title", lang, name=name) + f" ({mode}, {how})")
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    print_run_notes(args, baseline, scenario, params, args.until or target.end_year, lang)
    print(_sentence(result, scenario, how, lang))
    if not result.monotone:
        digits = 3 if args.mode == "scale" else 0
        print(t("required_not_monotone", lang, amount=format_number(result.falls_from, lang, digits)))
    row = {
        "target_id": target.id, "mode": result.mode, "rule": result.rule, "probability": result.probability,
        "feasible": result.feasible, "already_met": result.already_met, "factor": result.factor,
        "extra_mvnd_per_year": result.extra_mvnd_per_year, "mvnd_per_year": result.mvnd_per_year,
        "reduction_points_per_year": result.reduction_points_per_year,
        "best_reduction_points_per_year": result.best_reduction_points_per_year,
        "achieved_probability": result.achieved_probability, "threshold_points": target.threshold_points,
        "draws": args.draws if args.probability is not None else 0, "seed": args.seed,
        "monte_carlo_runs": result.monte_carlo_runs, "monotone": result.monotone, "message": result.message,
    }
    row["baseline_estimate"] = estimate_flags(baseline, [target.population])[0]
    frame = pd.DataFrame([row])
    columns: dict[str, tuple[str, int | str | None]] = {"feasible": (t("required_feasible", lang), None)}
    if args.mode == "scale":
        columns["factor"] = (t("required_factor", lang), 3)
    else:
        columns["extra_mvnd_per_year"] = (t("required_extra_mvnd_per_year", lang), 0)
    columns.update({"mvnd_per_year": (t("required_total_mvnd_per_year", lang), 0),
                    "threshold_points": (t("target_threshold", lang), 2),
                    "reduction_points_per_year": (t("target_reduction", lang), 2)})
    if args.probability is not None:
        columns["achieved_probability"] = (t("target_probability", lang), "%")
    print_table(frame, columns, lang)
    if args.out:
        write_output(frame, args.out, lang)
    return 0
