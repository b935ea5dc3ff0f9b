"""``thidua-sim backtest``: rolling-origin evaluation of the model on a review-history folder.

For every origin year the history allows, fits the pooled cohort model on the reviews up to that
year only, forecasts the next reviews of every series, and compares with a linear trend in points
and a constant-ratio decline fitted on the same reviews; prints the mean absolute error, bias and
interval coverage per measure and horizon, and writes them (.csv: the metrics; .xlsx: metrics,
forecasts and fit diagnostics) and optionally a chart of forecast against actual. A door: the
numbers come from :func:`thidua_sim.model.backtest.backtest`. ``docs/validation.md`` shows the
results on the shipped history; ``data/history/backtest_metrics.csv`` (read by the briefs) is
written by ``thidua-sim backtest --out data/history/backtest_metrics.csv``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ....core.defaults import DEFAULT_SEED, HISTORY_SAMPLES
from ....errors import HistoryFitError

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="rolling-origin forecasts of past reviews against naive baselines",
        description="Fit the model on the reviews up to each origin year of a history folder, forecast the next "
                    "reviews, and compare with a linear trend and a constant-ratio decline fitted on the same "
                    "reviews: mean absolute error, bias and coverage of the 80 % and 90 % intervals.",
    )
    parser.add_argument("--history", default="data/history", help="history folder or file (default: data/history)")
    parser.add_argument("--params", default="params", help="parameters folder with the prior base rates "
                                                           "(default: params)")
    parser.add_argument("--horizon", type=int, default=3, help="years ahead to forecast (default: 3)")
    parser.add_argument("--samples", type=int, default=HISTORY_SAMPLES,
                        help=f"posterior draws per fit, over all chains (default: {HISTORY_SAMPLES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--out", default=None, metavar="FILE", help="write the results to FILE (.csv: metrics; "
                                                                    ".xlsx: metrics, forecasts, fits)")
    parser.add_argument("--chart", default=None, metavar="FILE.png", help="write the forecast-against-actual chart")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the printed tables")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from ....data import load_history
    from ....model.backtest import backtest
    from ....params import load_params
    from ....planning.scoreboard import export_table
    from ....report.i18n import format_number, t
    from ....report.validation import backtest_chart, backtest_metrics_table

    lang = args.language
    for option, value, suffixes in (("--out", args.out, (".csv", ".xlsx")), ("--chart", args.chart, (".png",))):
        if value is not None and Path(value).suffix.lower() not in suffixes:
            raise HistoryFitError(f"{option} {value!r}: expected a name ending in {' or '.join(suffixes)}")
    history = load_history(args.history)
    params = load_params(args.params)
    result = backtest(history, params, horizon=args.horizon, seed=args.seed, samples=args.samples)

    print(t("backtest_title", lang))
    print(t("backtest_source", lang, file=history.source, n=len(history.table), last=max(history.years)))
    for r in result.fits.itertuples(index=False):
        if r.converged:
            print(t("backtest_fit_line", lang, origin=r.origin, series=int(r.series),
                    rhat=format_number(r.rhat_max, lang, 3), ess=format_number(r.ess_min, lang)))
        else:
            print(t("backtest_fit_refused", lang, origin=r.origin, note=r.note))
    print()
    print(backtest_metrics_table(result.metrics, lang).to_string(index=False))
    print(t("backtest_units", lang))
    print(t("backtest_coverage_note", lang))
    if result.flows is not None and not result.flows.empty:
        print()
        print(t("backtest_flows_title", lang))
        f = result.flows
        print(pd.DataFrame({
            t("backtest_series", lang): f["series"], t("year", lang): f["year"].astype(str),
            t("backtest_flow", lang): [t(f"flow_{x}", lang) for x in f["flow"]],
            t("backtest_published", lang): [format_number(v, lang) for v in f["published"]],
            t("backtest_interval90", lang): [f"{format_number(m, lang)} [{format_number(lo, lang)}–"
                                             f"{format_number(hi, lang)}]" for m, lo, hi in
                                             zip(f["median"], f["low90"], f["high90"])],
            t("backtest_inside", lang): [t("backtest_inside_yes" if x else "backtest_inside_no", lang) for x in f["inside90"]],
        }).to_string(index=False))
    metrics = result.metrics
    if args.out:
        frames = {"metrics": metrics, "forecasts": result.forecasts, "fits": result.fits}
        if result.flows is not None:
            frames["flows"] = result.flows
        written = export_table(metrics if args.out.lower().endswith(".csv") else frames, args.out)
        print(t("file_written", lang, path=written))
    if args.chart:
        from ....report.charts import figure_png

        path = Path(args.chart)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(figure_png(backtest_chart(result.forecasts, lang)))
        tmp.replace(path)
        print(t("file_written", lang, path=path))
    return 0
