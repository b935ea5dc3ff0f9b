"""``thidua-sim calibrate``: fit the base rates to review history and write a base-rates file.

Reads the review results of a data folder (two or more consecutive years), the prior base
rates and instruments of a params folder and the scenario of resources that acted in those
years; prints what was fitted (prior against fitted rates with 90 % intervals) and how well
the fit reproduces each observed figure; writes the fitted rates in the format of
``params/base_rates.yaml``. A door: the fit is :func:`thidua_sim.model.calibrate.calibrate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from ....core.defaults import CALIBRATION_SAMPLES, DEFAULT_OBS_CV, DEFAULT_SEED
from ....errors import CalibrationError

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the base rates to review history and write a base-rates file",
        description="Fit the base rates per group to the review results of a data folder (two or more "
                    "consecutive years; flow counts where given), with the current base rates as priors and "
                    "the scenario as the resources that acted in those years; write the fitted rates in the "
                    "format of params/base_rates.yaml.",
    )
    parser.add_argument("--data", default=None, help="data folder with review_results.csv (e.g. data/gialai)")
    parser.add_argument("--scenario", default=None,
                        help="scenario of the resources that acted in the fitted years")
    parser.add_argument("--history", default=None, metavar="FOLDER",
                        help="instead: the pooled fit on a review-history folder (e.g. data/history; "
                             "docs/model.md section 5b); --out then names the .csv of joint posterior draws")
    parser.add_argument("--params", default="params", help="parameters folder with the prior base rates (default: "
                                                           "params)")
    parser.add_argument("--out", required=True, metavar="FILE.yaml",
                        help="where to write the fitted base rates (with --history: FILE.csv of joint draws)")
    parser.add_argument("--force", action="store_true",
                        help="replace the output even when it is an input of this run or lies under data/ or params/")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every amount of the scenario, e.g. to size a district's scenario to a "
                             "province (default: 1)")
    parser.add_argument("--obs-cv", type=float, default=DEFAULT_OBS_CV,
                        help=f"review error of each observed count, as a share (default: {DEFAULT_OBS_CV})")
    parser.add_argument("--samples", type=int, default=CALIBRATION_SAMPLES,
                        help=f"importance-sampling draws (default: {CALIBRATION_SAMPLES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--language", choices=("vi", "en"), default="vi", help="language of the printed tables")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ....io._yaml import read_yaml
    from ....model.calibrate import calibrate, save_base_rates, save_posterior
    from ....data import load_review_results
    from ....params import load_params, load_scenario

    lang = args.language
    from ....io._guard import check_output

    out = check_output(args.out, inputs=[args.data, args.scenario, args.params, args.history], force=args.force)
    if args.history is not None:
        return _run_history(args)
    if args.data is None or args.scenario is None:
        raise CalibrationError("calibrate: give --data and --scenario (review results and the support that acted), "
                               "or --history for the pooled fit on a review-history folder")
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise CalibrationError(f"--out {args.out!r}: expected a name ending in .yaml")
    if not args.scale > 0:
        raise CalibrationError(f"--scale {args.scale!r}: expected a number > 0")
    data = Path(args.data)
    review = load_review_results(data / "review_results.csv", data)
    params = load_params(args.params)
    scenario = load_scenario(args.scenario, params, review.areas)
    if args.scale != 1.0:
        scenario = scenario.scaled(args.scale)
    result = calibrate(review, scenario, params, obs_cv=args.obs_cv, samples=args.samples, seed=args.seed)
    # what project needs to know of the support the fit assumed (project warns when it differs)
    result.data_used["support"].update({"scenario_file": str(args.scenario), "scale": float(args.scale)})

    from ....report.i18n import format_number, t

    used = result.data_used
    print(t("calibrate_data_used", lang, file=used["review_results"], steps=", ".join(used["transitions"]),
            areas=len(used["areas"]), scenario=used["scenario"]))
    if used["estimated_figures"]:
        print(t("review_results_estimated", lang))

    def interval(c: float, lo: float | None, hi: float | None, fitted: bool = True) -> str:
        if not fitted or lo is None or hi is None or lo != lo:
            return f"{format_number(c, lang, 4)} ({t('calibrate_fixed', lang)})"
        return f"{format_number(c, lang, 4)} [{format_number(lo, lang, 4)}–{format_number(hi, lang, 4)}]"

    est = result.estimates
    rates = pd.DataFrame({
        t("group", lang): est["group"],
        t("parameter", lang): est["rate"],
        t("calibrate_prior", lang): [interval(c, lo, hi, f) for c, lo, hi, f in
                                     zip(est.prior_central, est.prior_low, est.prior_high, est.fitted)],
        t("calibrate_fitted", lang): [interval(c, lo, hi, f) for c, lo, hi, f in
                                      zip(est.central, est.low, est.high, est.fitted)],
    })
    print()
    print(t("calibrate_rates_title", lang))
    print(rates.to_string(index=False))

    fit = result.fit
    shown = pd.DataFrame({
        t("area", lang): fit["area"],
        t("group", lang): fit["group"],
        t("year", lang): fit["year"].astype(str),
        t("statistic", lang): fit["measure"],
        t("calibrate_observed", lang): [format_number(v, lang) for v in fit.observed],
        t("calibrate_model_fitted", lang): [format_number(v, lang) for v in fit.fitted],
        t("calibrate_model_prior", lang): [format_number(v, lang) for v in fit.prior_fit],
        t("calibrate_gap_percent", lang): [format_number(100.0 * (f - o) / o if o else float("nan"), lang, 2)
                                           for f, o in zip(fit.fitted, fit.observed)],
    })
    print()
    print(t("calibrate_fit_title", lang))
    print(shown.to_string(index=False))
    print(t("calibrate_ess", lang, values=", ".join(f"{g} {v:.0f}" for g, v in result.ess.items())))
    prior_path = Path(args.params) / "base_rates.yaml"
    written = save_base_rates(result, out, read_yaml(prior_path) if prior_path.exists() else None)
    print()
    print(t("file_written", lang, path=written))
    draws_file = save_posterior(result, out)
    if draws_file is not None:
        print(t("file_written", lang, path=draws_file))
    return 0


def _run_history(args: argparse.Namespace) -> int:
    """The pooled fit on a review history: diagnostics, shared rates, each series' budget, the
    published flows against the fit, and the joint posterior draws written as .csv."""
    import numpy as np

    from ....data import load_history
    from ....model.backtest import HistoryFitError, fit_history, series_cells
    from ....params import load_params
    from ....planning.scoreboard import export_table
    from ....report.i18n import format_number, t

    lang = args.language
    if Path(args.out).suffix.lower() != ".csv":
        raise HistoryFitError(f"--out {args.out!r}: with --history, expected a name ending in .csv (the joint draws)")
    history = load_history(args.history)
    params = load_params(args.params)
    fit = fit_history(series_cells(history.series()), params, seed=args.seed)
    d = fit.diagnostics
    print(t("calibrate_history_title", lang, file=history.source, series=len(fit.cells),
            transitions=d["transitions"], k=d["parameters"]))
    print(t("calibrate_history_diagnostics", lang, rhat=format_number(d["rhat_max"], lang, 3),
            ess=format_number(d["ess_min"], lang), chains=d["chains"], draws=d["draws_per_chain"]))
    nat = fit.natural()
    rows = []
    for j, name in enumerate(("pPN", "pPO", "pNP", "pNO", "pOP", "pON")):
        lo, med, hi = np.quantile(nat["rates"][:, 0, j], (0.05, 0.5, 0.95))
        rows.append((name, f"{format_number(med, lang, 4)} [{format_number(lo, lang, 4)}–{format_number(hi, lang, 4)}]"))
    print()
    print(pd.DataFrame(rows, columns=[t("parameter", lang), t("calibrate_fitted", lang)]).to_string(index=False))
    rows = []
    for c, cell in enumerate(fit.cells):
        share = nat["budget"][:, c] / cell.poor[0]
        lo, med, hi = 100 * np.quantile(share, (0.05, 0.5, 0.95))
        rows.append((cell.key, f"{cell.years[0]}–{cell.years[-1]}",
                     f"{format_number(med, lang, 1)} [{format_number(lo, lang, 1)}–{format_number(hi, lang, 1)}]"))
    print()
    print(pd.DataFrame(rows, columns=[t("backtest_series", lang), t("year", lang),
                                      t("calibrate_history_budget", lang)]).to_string(index=False))
    rows = []
    spending = history.table[history.table["measure"] == "programme_spending"]
    for r in spending.itertuples(index=False):
        keys = [i for i, c in enumerate(fit.cells) if c.area_id == r.area_id and c.population == "all"
                and c.standard == r.standard and c.years[0] <= r.year - 4 <= c.years[-1]]
        if not keys:
            continue
        c = keys[0]
        cell = fit.cells[c]
        households = float(next(h for h in cell.households if np.isfinite(h)))
        lifted = nat["budget"][:, c] * households  # households lifted by the steady support a year
        cost = (float(r.value) * 1000.0 / 5.0) / lifted  # million VND a household lifted (5-year total)
        lo, med, hi = np.quantile(cost, (0.05, 0.5, 0.95))
        rows.append((cell.key, format_number(r.value, lang), format_number(np.median(lifted), lang),
                     f"{format_number(med, lang, 0)} [{format_number(lo, lang, 0)}–{format_number(hi, lang, 0)}]"))
    if rows:
        print()
        print(t("calibrate_history_spending_title", lang))
        print(pd.DataFrame(rows, columns=[t("backtest_series", lang), t("calibrate_history_spending", lang),
                                          t("calibrate_history_lifted", lang), t("calibrate_history_cost", lang)])
              .to_string(index=False))
    written = export_table(fit.table(), args.out)
    print()
    print(t("file_written", lang, path=written))
    return 0
