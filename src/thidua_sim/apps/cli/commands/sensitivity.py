"""``thidua-sim sensitivity``: what the answer depends on.

Sobol indices (SALib) of a target's average yearly fall of the rate over every uncertain
parameter of the run (base rates, instrument costs and effects with a 90 % interval), and the
PRIM box of the assumptions under which the target fails. Prints both, writes them (.csv: the
indices; .xlsx: indices, box and samples) and optionally the chart shown in the district brief.
A door: the numbers come from :func:`thidua_sim.planning.sensitivity.sensitivity`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ._common import add_input_arguments, estimate_note, load_inputs

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sensitivity",
        help="which uncertain assumptions decide whether a target is met (Sobol indices, PRIM boxes)",
        description="Global sensitivity analysis of a target's average yearly fall over every uncertain "
                    "parameter (Sobol indices, SALib), and the ranges of assumptions under which the target fails "
                    "(PRIM).",
    )
    add_input_arguments(parser, draws=None)
    parser.add_argument("--target", default="district_poor_rate", metavar="ID",
                        help="target id of params/targets.yaml (default: district_poor_rate)")
    parser.add_argument("--samples", type=int, default=256,
                        help="Saltelli base samples, a power of 2 (default: 256; runs = samples x (parameters + 2))")
    parser.add_argument("--seed", type=int, default=2021, help="random seed (default: 2021)")
    parser.add_argument("--chart", default=None, metavar="FILE.png", help="write the chart of the indices")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....planning.scoreboard import export_table
    from ....planning.sensitivity import sensitivity
    from ....planning.targets import PlanningError
    from ....report.i18n import t
    from ....report.validation import (
        parameter_labels,
        prim_lines,
        probability_with_error,
        sensitivity_chart,
        sensitivity_table,
    )

    lang = args.language
    for option, value, suffixes in (("--out", args.out, (".csv", ".xlsx")), ("--chart", args.chart, (".png",))):
        if value is not None and Path(value).suffix.lower() not in suffixes:
            raise PlanningError(f"{option} {value!r}: expected a name ending in {' or '.join(suffixes)}")
    baseline, params, scenario = load_inputs(args)
    known = {x.id: x for x in params.targets}
    if args.target not in known:
        raise PlanningError(f"--target {args.target!r}: no such target; known: {', '.join(sorted(known))}")
    target = known[args.target]
    result = sensitivity(baseline, scenario, params, target, base_samples=args.samples, seed=args.seed)
    note = estimate_note(baseline, lang)
    if note:
        print(note)
    name = target.name_vi if lang == "vi" else target.name_en
    print(t("sensitivity_title", lang))
    print(t("sensitivity_setup", lang, target=name, n=len(result.samples), base=result.base_samples,
            k=len(result.indices), p=probability_with_error(result.probability, result.independent_runs, lang)))
    print(t("probability_conditional", lang))
    print()
    names = parameter_labels(params, lang)
    print(sensitivity_table(result.indices, lang, names).to_string(index=False))
    print()
    print(t("sensitivity_prim_title", lang))
    for line in prim_lines(result.box, result.box_stats, lang, mostly_met=result.probability >= 0.5, names=names):
        print(line)
    if args.out:
        frames = {"indices": result.indices, "samples": result.samples}
        if result.box is not None:
            frames["prim_box"] = result.box
        written = export_table(result.indices if args.out.lower().endswith(".csv") else frames, args.out)
        print(t("file_written", lang, path=written))
    if args.chart:
        from ....report.charts import figure_png

        path = Path(args.chart)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(figure_png(sensitivity_chart(result.indices, lang, names=names)))
        tmp.replace(path)
        print(t("file_written", lang, path=path))
    return 0
