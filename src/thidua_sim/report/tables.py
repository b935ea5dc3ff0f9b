"""Tables of the briefs: numbers from the projection and the planning layer, formatted the
language's way, with translated headers. Each function returns a pandas DataFrame of strings
ready to show; the raw numbers come from the ``*_values`` helpers where tests need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.types import GROUPS, RATE_NAMES, STATES, Baseline, Params
from ..data import PROVENANCE_WORDS
from .i18n import format_number, format_percent, format_signed, t

__all__ = [
    "group_label",
    "baseline_values",
    "baseline_table",
    "trajectory_table",
    "period_notes",
    "provenance_text",
    "resources_values",
    "resources_table",
    "target_checks_table",
    "ranking_values",
    "base_rates_table",
    "instruments_table",
    "provenance_table",
    "frame_table",
]


def group_label(group: str, lang: str) -> str:
    """``"all"``, ``"dtts"`` or ``"other"`` in words."""
    return t("group_all" if group == "all" else f"group_{group}", lang)


def _rate(count: float, households: float) -> float:
    return 100.0 * count / households if households > 0 else float("nan")


def baseline_values(baseline: Baseline, area_id: str | None = None) -> pd.DataFrame:
    """Households, poor and near-poor (counts and percent) of one area (or all areas) per group
    and in all, and whether the figures are estimates."""
    if area_id is None:
        stocks = np.asarray(baseline.households, float).sum(axis=0)  # (G, 3)
        estimated = np.asarray(baseline.estimated, bool).any(axis=0)
    else:
        a = baseline.area_index(area_id)
        stocks = np.asarray(baseline.households, float)[a]
        estimated = np.asarray(baseline.estimated, bool)[a]
    rows = []
    for g, group in enumerate(GROUPS):
        rows.append((group, *stocks[g], bool(estimated[g])))
    total = stocks.sum(axis=0)
    rows.append(("all", *total, bool(estimated.any())))
    frame = pd.DataFrame(rows, columns=["group", "poor", "near_poor", "other", "estimate"])
    frame["households"] = frame[["poor", "near_poor", "other"]].sum(axis=1)
    frame["poor_rate"] = [_rate(p, h) for p, h in zip(frame["poor"], frame["households"])]
    frame["near_poor_rate"] = [_rate(n, h) for n, h in zip(frame["near_poor"], frame["households"])]
    return frame


def baseline_table(baseline: Baseline, area_id: str | None, lang: str) -> pd.DataFrame:
    """The baseline of an area (or the district) as a formatted table, estimates flagged."""
    values = baseline_values(baseline, area_id)
    return pd.DataFrame({
        t("group", lang): [group_label(g, lang) for g in values["group"]],
        t("households", lang): [format_number(x, lang) for x in values["households"]],
        t("poor", lang): [format_number(x, lang) for x in values["poor"]],
        t("poor_rate", lang): [format_percent(x, lang, 2) for x in values["poor_rate"]],
        t("near_poor", lang): [format_number(x, lang) for x in values["near_poor"]],
        t("near_poor_rate", lang): [format_percent(x, lang, 2) for x in values["near_poor_rate"]],
        t("estimate", lang): [t("estimated_flag" if e else "reported_flag", lang) for e in values["estimate"]],
    })


def _with_band(projection, population: str, state: str, lang: str, interval: int = 90) -> list[str]:
    expected = projection.rate(population, state)
    if projection.draws is None and getattr(projection, "summary", None) is None:
        return [format_percent(x, lang, 2) for x in expected]
    if projection.draws is None:  # streamed draws: the band from the run's quantiles
        low, high = projection.rate_band(population, state, interval)
    else:
        tail = (1.0 - interval / 100.0) / 2.0
        low, high = np.quantile(projection.rate(population, state, draws=True), [tail, 1.0 - tail], axis=0)
    return [f"{format_percent(x, lang, 2)} ({format_number(lo, lang, 1)}–{format_number(hi, lang, 1)})"
            for x, lo, hi in zip(expected, low, high)]


def trajectory_table(projection, population: str, lang: str, interval: int = 90) -> pd.DataFrame:
    """Year by year: households, poor and near-poor (expected) and their rates with the 90 % band
    (``interval`` 80 for the 80 % band); across periods also the standard each year is counted under."""
    stocks = projection.stocks(population)
    band = (f" ({t(f'band_{interval}', lang)})"
            if projection.draws is not None or getattr(projection, "summary", None) else "")
    frame = pd.DataFrame({
        t("year", lang): [str(y) for y in projection.years],
        t("households", lang): [format_number(x, lang) for x in stocks.sum(axis=-1)],
        t("poor", lang): [format_number(x, lang) for x in stocks[:, STATES.index("poor")]],
        t("poor_rate", lang) + band: _with_band(projection, population, "poor", lang, interval),
        t("near_poor", lang): [format_number(x, lang) for x in stocks[:, STATES.index("near_poor")]],
        t("near_poor_rate", lang) + band: _with_band(projection, population, "near_poor", lang, interval),
    })
    plan = getattr(projection, "periods", None)
    if plan is not None:
        frame[t("standard", lang)] = [t(f"standard_{s}", lang) if s else "–" for s in plan.standards]
    return frame


def period_notes(projection, lang: str) -> list[str]:
    """Lines naming the units in force over the years and the standard switch (with the re-based
    rate of the year before it), for a projection across periods."""
    plan = projection.periods
    names = {a.id: a.name for a in projection.areas}
    lines: list[str] = []
    runs: list[tuple[list[int], tuple[str, ...]]] = []
    for y in projection.years:
        units = plan.units_in_force(y)
        if runs and runs[-1][1] == units:
            runs[-1][0].append(y)
        else:
            runs.append(([y], units))
    for years, units in runs:
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        lines.append(t("period_units", lang, years=span, n=len(units), names=", ".join(names[u] for u in units)))
    if plan.switch is not None:
        s = plan.switch
        rate = projection.rate("district", standard=s.to_standard)[plan.switch_index - 1]
        lines.append(t("period_break", lang, year=s.year, new=t(f"standard_{s.to_standard}", lang),
                       old=t(f"standard_{s.from_standard}", lang), base=s.year - 1,
                       rate=format_percent(float(rate), lang, 2)))
    return lines


def resources_values(projection, population: str = "district") -> pd.DataFrame:
    """Per instrument, over the whole projection for ``population`` (``"district"`` or ``"area:<id>"``):
    money (million VND), beneficiary household-years, eligible household-years, coverage
    (beneficiaries / eligible, 0-1) and unused money."""
    from ..model.engine import eligible_households
    from ..model.projection import population_mask

    mask = population_mask(population, projection.areas)  # (A, G)
    area_mask = mask.max(axis=1)
    money = np.einsum("yak,a->k", projection.resources, area_mask)
    unused = np.einsum("yak,a->k", projection.unused, area_mask)
    beneficiaries = np.einsum("yagk,ag->k", projection.beneficiaries, mask)
    start_stocks = projection.expected[:-1]  # stocks at the start of each transition (Y-1, A, G, 3)
    eligible = np.einsum("yagk,ag->k", eligible_households(start_stocks, projection.model.eligible), mask)
    coverage = np.divide(beneficiaries, eligible, out=np.zeros_like(beneficiaries), where=eligible > 0)
    return pd.DataFrame({
        "instrument": list(projection.instrument_ids),
        "money_mvnd": money,
        "beneficiaries": beneficiaries,
        "eligible": eligible,
        "coverage": coverage,
        "unused_mvnd": unused,
    })


def resources_table(projection, population: str, lang: str) -> pd.DataFrame:
    """Money, households supported, coverage and unused money by instrument, with a total row."""
    values = resources_values(projection, population)
    instruments = projection.params.instruments
    name = "name_vi" if lang == "vi" else "name_en"
    names = [getattr(instruments[k], name) for k in values["instrument"]]
    return pd.DataFrame({
        t("instrument", lang): [*names, t("total", lang)],
        t("resources_mvnd", lang): [format_number(x, lang) for x in [*values["money_mvnd"], values["money_mvnd"].sum()]],
        t("beneficiaries", lang): [format_number(x, lang) for x in [*values["beneficiaries"],
                                                                  values["beneficiaries"].sum()]],
        t("coverage", lang): [*(format_percent(100 * c, lang, 1) for c in values["coverage"]), ""],
        t("unused_mvnd", lang): [format_number(x, lang) for x in [*values["unused_mvnd"], values["unused_mvnd"].sum()]],
    })


def _probability(p: float | None, lang: str, draws: int | None = None) -> str:
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return t("not_simulated", lang)
    if draws:  # with its Monte Carlo error, "46 % ± 3,5"
        from .validation import probability_with_error

        return probability_with_error(float(p), int(draws), lang)
    return format_percent(100 * p, lang, 0)


def target_name(target, lang: str) -> str:
    """A target's own name in the language."""
    return target.name_vi if lang == "vi" else target.name_en


def _threshold_text(target, lang: str) -> str:
    """"> 2,00" for a fall; for a level target "< 10,00 %" (rate in the end year), said so."""
    if getattr(target, "kind", "reduction") == "level":
        return (("< " if target.strict else "≤ ") + format_percent(target.threshold_points, lang, 2)
                + f" ({target.end_year})")
    return ("> " if target.strict else "≥ ") + format_number(target.threshold_points, lang, 2)


def target_checks_table(checks: Sequence, lang: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Target checks (``thidua_sim.planning.targets.TargetCheck``) as a table: threshold, projected fall,
    met, margins in points and households, probability."""
    rows = {
        t("target", lang): [],
        t("target_period", lang): [],
        t("target_threshold", lang): [],
        t("target_reduction", lang): [],
        t("target_met", lang): [],
        t("target_margin_points", lang): [],
        t("target_margin_households", lang): [],
        t("target_probability", lang): [],
    }
    for check in checks:
        target = check.target
        label = (names or {}).get(target.population) or target_name(target, lang)
        values = [
            label,
            f"{target.start_year}–{target.end_year}",
            _threshold_text(target, lang),
            format_number(check.reduction_points_per_year, lang, 2),
            t("yes" if check.met else "no", lang),
            format_signed(check.margin_points, lang, 2),
            _households_needed(check.margin_households_per_year, check.met, lang),
            _probability(check.probability, lang, getattr(check, "draws", None)),
        ]
        for key, value in zip(rows, values):
            rows[key].append(value)
    return pd.DataFrame(rows)


def ranking_values(projection, checks_by_area: Mapping[str, object] | None = None,
                   start: int | None = None, end: int | None = None, standard: str | None = None) -> pd.DataFrame:
    """Per area: name, poverty rate at ``start`` and ``end``, the average yearly fall (points/year)
    and, with a check per area, its own threshold and whether it is met; sorted by the fall,
    rank 1 first. ``standard``: rates measured in that poverty standard (across periods)."""
    years = projection.years
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    i0, i1 = projection.year_index(start), projection.year_index(end)
    rows = []
    for area in projection.areas:
        if standard is None:
            rate = projection.rate(f"area:{area.id}")
            poor = projection.stocks(f"area:{area.id}")[:, STATES.index("poor")]
        else:
            rate = projection.rate(f"area:{area.id}", standard=standard)
            poor = projection.stocks_in(f"area:{area.id}", standard)[:, STATES.index("poor")]
        row = {"area_id": area.id, "name": area.name, "rate_start": rate[i0], "rate_end": rate[i1],
               "poor_start": poor[i0], "poor_end": poor[i1], "reduction": (rate[i0] - rate[i1]) / (end - start)}
        check = (checks_by_area or {}).get(area.id)
        if check is not None:
            row.update(target=check.target.threshold_points, met=bool(check.met), probability=check.probability,
                       margin_households=check.margin_households_per_year, draws=getattr(check, "draws", None))
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values("reduction", ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


def ranking_table(values: pd.DataFrame, lang: str, start: int, end: int) -> pd.DataFrame:
    """:func:`ranking_values` formatted: every commune in one table."""
    out = {
        t("rank", lang): [str(r) for r in values["rank"]],
        t("commune", lang): list(values["name"]),
        t("rate_start", lang, year=start): [format_percent(x, lang, 2) for x in values["rate_start"]],
        t("rate_end", lang, year=end): [format_percent(x, lang, 2) for x in values["rate_end"]],
        t("poor_start", lang, year=start): [format_number(x, lang) for x in values["poor_start"]],
        t("poor_end", lang, year=end): [format_number(x, lang) for x in values["poor_end"]],
        t("target_reduction", lang): [format_number(x, lang, 2) for x in values["reduction"]],
    }
    if "target" in values:
        out[t("target_threshold", lang)] = [format_number(x, lang, 2) for x in values["target"]]
        out[t("target_met", lang)] = ["–" if m is None or m != m else t("yes" if m else "no", lang)
                                      for m in values["met"]]  # "–": a commune without a target
        out[t("target_margin_households", lang)] = [
            _households_needed(h, m, lang) for m, h in zip(values["met"], values["margin_households"])]
        draws = values["draws"] if "draws" in values else [None] * len(values)
        out[t("target_probability", lang)] = [_probability(p, lang, None if d is None or d != d else int(d))
                                              for p, d in zip(values["probability"], draws)]
    return pd.DataFrame(out)


def _households_needed(households: float, met: bool, lang: str) -> str:
    """More households out of poverty needed a year: 0 when met; "< 1" when missed by less than
    half a household, so that a missed target never shows 0."""
    if met:
        return "0"
    if round(households) < 1:
        return "< 1"
    return format_number(households, lang, 0)


def _interval(value, lang: str, decimals: int = 3) -> str:
    if value.is_fixed:
        return ""
    return f"{format_number(value.low, lang, decimals)}–{format_number(value.high, lang, decimals)}"


def _source(text: str, lang: str, text_vi: str = "") -> str:
    """A value's source as shown: in Vietnamese, the file's ``assumption_vi`` when given; an
    assumption written only in English is shown as such ("Giả định (tiếng Anh): ...")."""
    if lang == "vi" and text_vi:
        return text_vi[0].upper() + text_vi[1:]
    text = text or ""
    ref, sep, reason = text.partition("assumption:")
    if not sep:
        return text
    word = t("assumption_untranslated" if lang == "vi" else "assumption", lang)
    ref = ref.strip().rstrip(";").strip()
    return f"{ref}; {word}: {reason.strip()}" if ref else f"{word}: {reason.strip()}"


def base_rates_table(params: Params, lang: str) -> pd.DataFrame:
    """Every base rate per group with its 90 % interval and source (or assumption)."""
    rows = []
    for group in GROUPS:
        for name in RATE_NAMES:
            value = params.base_rates.rates[group][name]
            rows.append((t(f"rate_{name}", lang), t(f"group_{group}_short", lang),
                         format_number(value.central, lang, 3), _interval(value, lang), _source(value.source, lang, value.source_vi)))
    return pd.DataFrame(rows, columns=[t("parameter", lang), t("group", lang), t("value", lang),
                                       t("interval_90", lang), t("source", lang)])


def instruments_table(params: Params, lang: str) -> pd.DataFrame:
    """Instruments: programme, cost per household, eligible states, lag, source."""
    name = "name_vi" if lang == "vi" else "name_en"
    rows = []
    for inst in params.instruments.values():
        eligible = ", ".join(t(s, lang) for s in STATES if s in inst.eligible)
        programme = inst.programme_vi if lang == "vi" and inst.programme_vi else inst.programme
        cost = inst.cost_mvnd
        source = _source(cost.source, lang, cost.source_vi) if cost.source else _source(inst.source, lang)
        rows.append((getattr(inst, name), programme, format_number(cost.central, lang, 1), eligible,
                     str(inst.lag), source))
    return pd.DataFrame(rows, columns=[t("instrument", lang), t("programme", lang), t("cost_per_household", lang),
                                       t("eligible_states", lang), t("lag_years", lang), t("source", lang)])


def provenance_text(text: str, lang: str) -> str:
    """A baseline's provenance text with its fixed words (``data.PROVENANCE_WORDS``: estimate,
    source, reported) in ``lang``; the sources and method codes stay as written."""
    if lang == "en" or not text:
        return text
    words = PROVENANCE_WORDS
    parts = []
    for piece in text.split(" | "):
        if piece == words["reported"]:
            piece = t("provenance_reported", lang)
        elif piece.startswith(words["estimate"]):
            piece = t("provenance_estimate", lang) + piece[len(words["estimate"]):]
        parts.append(piece.replace(words["source"], f"; {t('source', lang).lower()}: "))
    return " | ".join(parts)


def provenance_table(baseline: Baseline, lang: str, area_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Per area: whether its baseline is an estimate, and the source or estimation method."""
    wanted = list(area_ids) if area_ids is not None else list(baseline.area_ids)
    estimated = np.asarray(baseline.estimated, bool)
    rows = []
    for area_id in wanted:
        a = baseline.area_index(area_id)
        flag = t("estimated_flag" if estimated[a].any() else "reported_flag", lang)
        rows.append((baseline.areas[a].name, flag, provenance_text(baseline.provenance.get(area_id, baseline.source), lang)))
    return pd.DataFrame(rows, columns=[t("area", lang), t("estimate", lang), t("source", lang)])


def frame_table(frame: pd.DataFrame, lang: str, headers: Mapping[str, str],
                decimals: Mapping[str, int] | None = None, percent: Iterable[str] = ()) -> pd.DataFrame:
    """Any planning DataFrame formatted: ``headers`` maps column -> label key (other columns are
    dropped), ``decimals`` sets numeric precision, ``percent`` lists columns already in percent."""
    decimals = decimals or {}
    percent = set(percent)
    out = {}
    for column, key in headers.items():
        if column not in frame:
            continue
        values = []
        for x in frame[column]:
            if isinstance(x, (bool, np.bool_)):
                values.append(t("yes" if x else "no", lang))
            elif isinstance(x, (int, float, np.integer, np.floating)):
                values.append(format_percent(x, lang, decimals.get(column, 1)) if column in percent
                              else format_number(x, lang, decimals.get(column, 0)))
            else:
                values.append("–" if x is None else str(x))
        out[t(key, lang)] = values
    return pd.DataFrame(out)
