"""``thidua-sim required``: the least resources that meet a target, or a clear "no amount can"."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from .check import (
    add_commune_target_arguments,
    add_input_arguments,
    commune_targets,
    estimate_note,
    load_inputs,
    print_table,
    write_output,
)

__all__ = ["register", "run"]

_LABELS = {
    "vi": {"mode_scale": "nhân toàn bộ kinh phí của kịch bản", "mode_extra": "thêm kinh phí mỗi năm, chia theo {rule}",
           "expected": "trên đường kỳ vọng", "with_probability": "với xác suất {p}",
           "title": "Kinh phí cần có để đạt: {name}",
           "rule_poor": "số hộ nghèo", "rule_poor_dtts": "số hộ nghèo DTTS", "rule_equal": "đều các xã",
           "extra": "Kinh phí cần thêm (triệu đồng/năm)", "total": "Tổng kinh phí (triệu đồng/năm)",
           "met_scale": "Đạt chỉ tiêu {how} khi nhân kinh phí của kịch bản với {factor} "
                        "({total} triệu đồng/năm bình quân).",
           "met_extra": "Đạt chỉ tiêu {how} khi thêm {extra} triệu đồng/năm.",
           "none": "Không mức kinh phí nào đạt được chỉ tiêu {how}: kể cả khi mọi hộ thuộc đối tượng đều được hỗ "
                   "trợ, mức giảm kỳ vọng chỉ là {best} điểm %/năm (yêu cầu {threshold}){prob}.",
           "best_prob": ", xác suất đạt {p}",
           "nothing_to_scale": "Kịch bản không có kinh phí nào để nhân lên; hãy dùng --mode extra.",
           "already": "Đã đạt chỉ tiêu {how} {what}.",
           "already_scale": "ngay cả khi không có kinh phí", "already_extra": "mà không cần thêm kinh phí"},
    "en": {"mode_scale": "scale every resource of the scenario", "mode_extra": "extra money a year, spread by {rule}",
           "expected": "on the expected path", "with_probability": "with probability {p}",
           "title": "Resources needed to meet: {name}",
           "rule_poor": "poor households", "rule_poor_dtts": "poor dtts households", "rule_equal": "commune, equally",
           "extra": "Extra money (million VND/year)", "total": "All money (million VND/year)"},
}


def _sentence(result: Any, scenario: Any, words: dict[str, str], how: str, lang: str) -> str:
    """The result in one sentence: English from the result itself, Vietnamese composed here."""
    from ..report.i18n import format_number, format_percent

    if lang == "en":
        return result.message
    if result.already_met:
        return words["already"].format(how=how, what=words[f"already_{result.mode}"])
    if not result.feasible and result.mode == "scale" and not any(r.amount_mvnd for r in scenario.resources):
        return words["nothing_to_scale"]
    if not result.feasible:
        prob = ("" if result.best_probability is None
                else words["best_prob"].format(p=format_percent(100 * result.best_probability, lang, 1)))
        return words["none"].format(how=how, best=format_number(result.best_reduction_points_per_year, lang, 2),
                                    threshold=format_number(result.target.threshold_points, lang, 2), prob=prob)
    if result.mode == "scale":
        return words["met_scale"].format(how=how, factor=format_number(result.factor, lang, 3),
                                         total=format_number(result.mvnd_per_year, lang))
    return words["met_extra"].format(how=how, extra=format_number(result.extra_mvnd_per_year, lang))


def register(subparsers: Any) -> None:
    from ..planning import EXTRA_RULES, REQUIRED_MODES

    parser = subparsers.add_parser(
        "required",
        help="the least resources meeting a target (scale the scenario or add money a year)",
        description="Find the least factor on the scenario's resources (--mode scale) or the least extra "
                    "million VND a year spread by --rule (--mode extra) that meets a target on the expected "
                    "path or, with --probability, in that share of the Monte Carlo draws; or say that no "
                    "amount can, with the best reachable reduction. Commune targets are named "
                    "<district target id>:<area id>.",
    )
    add_input_arguments(parser, draws=2000)
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
    from ..targets import PlanningError

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
    from ..planning import required_resources
    from ..report.i18n import format_percent

    lang = args.language
    baseline, params, scenario = load_inputs(args)
    target = _find_target(args, baseline, params)
    instruments = [k.strip() for k in args.instruments.split(",") if k.strip()] if args.instruments else None
    result = required_resources(baseline, scenario, params, target, mode=args.mode, rule=args.rule,
                                instruments=instruments, probability=args.probability, draws=args.draws,
                                seed=args.seed, until=args.until)
    words = _LABELS[lang]
    name = target.name_vi if lang == "vi" else target.name_en
    how = (words["expected"] if args.probability is None
           else words["with_probability"].format(p=format_percent(100 * args.probability, lang, 0)))
    mode = words["mode_" + args.mode].format(rule=words["rule_" + args.rule])
    print(words["title"].format(name=name) + f" ({mode}, {how})")
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    print(_sentence(result, scenario, words, how, lang))
    row = {
        "target_id": target.id, "mode": result.mode, "rule": result.rule, "probability": result.probability,
        "feasible": result.feasible, "already_met": result.already_met, "factor": result.factor,
        "extra_mvnd_per_year": result.extra_mvnd_per_year, "mvnd_per_year": result.mvnd_per_year,
        "reduction_points_per_year": result.reduction_points_per_year,
        "best_reduction_points_per_year": result.best_reduction_points_per_year,
        "achieved_probability": result.achieved_probability, "threshold_points": target.threshold_points,
        "draws": args.draws if args.probability is not None else 0, "seed": args.seed,
        "monte_carlo_runs": result.monte_carlo_runs, "message": result.message,
    }
    frame = pd.DataFrame([row])
    shown = frame.rename(columns={"extra_mvnd_per_year": words["extra"], "mvnd_per_year": words["total"]})
    columns: dict[str, tuple[str, int | str | None]] = {"feasible": ("required_feasible", None)}
    if args.mode == "scale":
        columns["factor"] = ("required_factor", 3)
    else:
        columns[words["extra"]] = (words["extra"], 0)
    columns.update({words["total"]: (words["total"], 0), "threshold_points": ("target_threshold", 2),
                    "reduction_points_per_year": ("target_reduction", 2)})
    if args.probability is not None:
        columns["achieved_probability"] = ("target_probability", "%")
    print_table(shown, columns, lang)
    if args.out:
        write_output(frame, args.out, lang)
    return 0
