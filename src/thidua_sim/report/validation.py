"""Tables and charts of the backtest and of the sensitivity analysis, and probabilities with their
Monte Carlo error (vi/en through :mod:`thidua_sim.report.i18n`)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .charts import _figure, _legend_below, _number_axis, _style
from .i18n import format_number, format_percent, t

__all__ = ["parameter_labels", "backtest_metrics_table", "backtest_chart", "backtest_box", "sensitivity_table", "sensitivity_chart",
           "prim_lines", "probability_with_error", "mc_error"]

_MEASURE_KEYS = {"poor_rate": "measure_poor_rate", "dtts_poor_rate": "measure_dtts_poor_rate",
                 "near_poor_rate": "measure_near_poor_rate", "all": "measure_all"}


def parameter_labels(params, lang: str = "vi") -> dict[str, str]:
    """Readable names of the Monte Carlo's parameters (``rate:dtts:pPO`` -> "Thoát nghèo (nghèo →
    không nghèo) (DTTS)"), for the sensitivity table, chart and boxes."""
    out: dict[str, str] = {}
    for group, rates in params.base_rates.rates.items():
        for name in rates:
            out[f"rate:{group}:{name}"] = f"{t(f'rate_{name}', lang)} ({t(f'group_{group}_short', lang)})"
    for k, inst in params.instruments.items():
        label = inst.name_vi if lang == "vi" else inst.name_en
        out[f"cost:{k}"] = t("sensitivity_cost", lang, instrument=label)
        for e in inst.effects:
            out[f"effect:{k}:{e}"] = t("sensitivity_effect", lang, instrument=label, effect=t(f"sensitivity_{e}", lang))
    return out


def backtest_metrics_table(metrics: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The metrics of :func:`thidua_sim.model.backtest.metrics` with labelled columns and numbers
    written the language's way (errors and bias in points, coverage in percent)."""
    rows = []
    for r in metrics.itertuples(index=False):
        rows.append({
            t("backtest_measure", lang): t(_MEASURE_KEYS[r.measure], lang),
            t("backtest_horizon", lang): t("backtest_horizon_all", lang) if r.horizon == "all" else str(r.horizon),
            t("backtest_n", lang): str(int(r.n)),
            t("backtest_mae_model", lang): format_number(r.mae_model, lang, 2),
            t("backtest_mae_linear", lang): format_number(r.mae_linear, lang, 2),
            t("backtest_mae_ratio", lang): format_number(r.mae_ratio, lang, 2),
            t("backtest_bias_model", lang): format_number(r.bias_model, lang, 2),
            t("backtest_cover80", lang): format_percent(100.0 * r.cover80, lang, 0),
            t("backtest_cover90", lang): format_percent(100.0 * r.cover90, lang, 0),
            **({t("backtest_cover80_p", lang): format_number(r.cover80_p, lang, 2),
                t("backtest_cover80_judge", lang): format_percent(100.0 * r.cover80_judge, lang, 0)}
               if hasattr(r, "cover80_p") else {}),
        })
    return pd.DataFrame(rows)


def backtest_chart(forecasts: pd.DataFrame, lang: str = "vi", ax: Axes | None = None) -> Figure:
    """Forecast against actual, one point per forecast, with the model's 80 % and 90 % intervals as
    vertical bars and the two baselines as small marks; the diagonal is a perfect forecast."""
    with _style():
        fig, ax = _figure(ax, (6.4, 5.2))
        f = forecasts.sort_values("actual")
        x = f["actual"].to_numpy(float)
        ax.vlines(x, f["q05"], f["q95"], color="#aab7b8", linewidth=4, alpha=0.6, label=t("backtest_band90", lang))
        ax.vlines(x, f["q10"], f["q90"], color="#5d6d7e", linewidth=2, label=t("backtest_band80", lang))
        ax.plot(x, f["model"], "o", color="#c0392b", label=t("backtest_forecast", lang))
        ax.plot(x, f["linear"], "_", color="#1e8449", markersize=10, label=t("backtest_linear", lang))
        ax.plot(x, f["ratio"], "x", color="#2471a3", markersize=6, label=t("backtest_ratio", lang))
        top = float(np.nanmax(f[["q95", "actual", "linear", "ratio"]].to_numpy(float), initial=1.0)) * 1.05
        ax.plot([0, top], [0, top], color="#222222", linewidth=0.8, label=t("backtest_actual", lang))
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(t("backtest_chart_x", lang))
        ax.set_ylabel(t("backtest_chart_y", lang))
        ax.set_title(textwrap.fill(t("backtest_chart_title", lang), 70), fontsize=10)
        _legend_below(ax, ncols=3)
    return fig


def backtest_box(metrics_file: str | Path, lang: str = "vi") -> dict[str, str]:
    """The "how well this model forecast past years" box of the briefs: ``{"title", "text"}`` from the
    shipped metrics file written by ``thidua-sim backtest --out`` (never recomputed per brief)."""
    path = Path(metrics_file)
    title = t("backtest_box_title", lang)
    if not path.exists():
        return {"title": title, "text": t("backtest_box_missing", lang)}
    m = pd.read_csv(path, dtype={"horizon": str}, encoding="utf-8-sig")
    one = m[(m["measure"] == "poor_rate") & (m["horizon"] == "1")]
    every = m[(m["measure"] == "poor_rate") & (m["horizon"] == "all")]
    if one.empty or every.empty:
        return {"title": title, "text": t("backtest_box_missing", lang)}
    r, a = one.iloc[0], every.iloc[0]
    better = r.mae_model < min(r.mae_linear, r.mae_ratio)
    years = str(r.get("years", "")) if "years" in m.columns else ""
    text = t("backtest_box_text", lang, n=int(r.n), years=years or "≤ 2022",
             mae_model=format_number(r.mae_model, lang, 2), mae_linear=format_number(r.mae_linear, lang, 2),
             mae_ratio=format_number(r.mae_ratio, lang, 2), cover80=format_percent(100.0 * a.cover80, lang, 0),
             verdict=t("backtest_verdict_better" if better else "backtest_verdict_worse", lang), file=path.name)
    return {"title": title, "text": text}


def mc_error(p: float, draws: int) -> float:
    """Monte Carlo standard error of a probability estimated from ``draws`` independent draws."""
    if draws <= 0 or not (0.0 <= p <= 1.0):
        return math.nan
    return math.sqrt(p * (1.0 - p) / draws)


def probability_with_error(p: float, draws: int, lang: str = "vi") -> str:
    """A probability with its Monte Carlo error, e.g. "46 % ± 3,5" (the error in points, one
    standard error)."""
    e = 100.0 * mc_error(p, draws)
    return t("probability_mc", lang, p=format_percent(100.0 * p, lang, 0), e=format_number(e, lang, 1))


def sensitivity_table(indices: pd.DataFrame, lang: str = "vi", names: dict[str, str] | None = None) -> pd.DataFrame:
    """Sobol indices (columns parameter, S1, S1_conf, ST, ST_conf), largest total first, labelled
    (``names``: :func:`parameter_labels`)."""
    rows = []
    for r in indices.sort_values("ST", ascending=False).itertuples(index=False):
        rows.append({t("sensitivity_parameter", lang): (names or {}).get(r.parameter, r.parameter),
                     t("sensitivity_first", lang): format_number(r.S1, lang, 3),
                     t("sensitivity_total", lang): format_number(r.ST, lang, 3),
                     t("sensitivity_conf", lang): format_number(r.ST_conf, lang, 3)})
    return pd.DataFrame(rows)


def sensitivity_chart(indices: pd.DataFrame, lang: str = "vi", ax: Axes | None = None, top: int = 10,
                      names: dict[str, str] | None = None) -> Figure:
    """Horizontal bars of the total and first-order Sobol indices of the largest ``top`` parameters."""
    with _style():
        own = ax is None
        fig, ax = _figure(ax, (8.0, 0.5 * min(top, len(indices)) + 1.8))
        d = indices.sort_values("ST", ascending=False).head(top).iloc[::-1]
        y = np.arange(len(d))
        ax.barh(y + 0.2, d["ST"].clip(lower=0), height=0.4, color="#2471a3", label=t("sensitivity_total", lang))
        ax.barh(y - 0.2, d["S1"].clip(lower=0), height=0.4, color="#aab7b8", label=t("sensitivity_first", lang))
        labels = [textwrap.fill((names or {}).get(p, p), 42) for p in d["parameter"]]
        ax.set_yticks(y, labels, fontsize=8)
        _number_axis(ax.xaxis, lang, 2)
        ax.set_xlabel(t("sensitivity_chart_x", lang))
        (fig.suptitle if own else ax.set_title)(t("sensitivity_chart_title", lang), fontsize=10)
        _legend_below(ax, ncols=2)
    return fig


def prim_lines(box: pd.DataFrame | None, stats: dict[str, float] | None, lang: str = "vi",
               mostly_met: bool = True, names: dict[str, str] | None = None) -> list[str]:
    """Readable lines of a PRIM box: one per restricted parameter, then its density, coverage and mass."""
    if box is None or stats is None or box.empty:
        state = t("sensitivity_state_met" if mostly_met else "sensitivity_state_missed", lang)
        return [t("sensitivity_prim_none", lang, state=state)]
    lines = [f"  {(names or {}).get(r.parameter, r.parameter)}: {t('sensitivity_low', lang)} {format_number(r.low, lang, 4)} "
             f"{t('sensitivity_high', lang)} {format_number(r.high, lang, 4)}" for r in box.itertuples(index=False)]
    lines.append(t("sensitivity_prim_box", lang, density=format_percent(100 * stats["density"], lang, 0),
                   coverage=format_percent(100 * stats["coverage"], lang, 0),
                   mass=format_percent(100 * stats["mass"], lang, 0)))
    return lines
