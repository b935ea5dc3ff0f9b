"""The final review (tổng kết) as a workbook (.xlsx, one sheet per table) and a standalone HTML
brief, in Vietnamese or English. Numbers come from
:func:`thidua_sim.planning._final_review.final_review`; every word from the label catalogue.
With estimated figures every sheet and every section says so first."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from html import escape
from pathlib import Path

import pandas as pd

from .html import Note, Paragraph, Section, Table, brief_css
from .i18n import format_number, format_percent, t

__all__ = ["final_review_frames", "final_review_sections", "final_review_html", "write_final_review_workbook",
           "write_final_review_html", "estimate_banner"]


def estimate_banner(review, lang: str) -> str | None:  # noqa: ANN001 - FinalReview
    """The estimates note every page carries, or None with reported figures only."""
    if review.only_estimates:
        return t("fr_estimates_only", lang)
    if review.any_estimates:
        return t("fr_some_estimates", lang)
    return None


def _yes(v: object, lang: str) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    return t("yes" if bool(v) else "no", lang)


def _pct(v: float, lang: str) -> str:
    return format_percent(None if v != v else float(v), lang, 2)


def _pts(v: float, lang: str) -> str:
    return format_number(None if v != v else float(v), lang, 2)


def _status(s: str, decision: str, lang: str) -> str:
    if s == "assigned":
        return t("target_status_assigned", lang, decision=decision or "–")
    if s == "proposed":
        return t("target_status_proposed", lang)
    return "–"


def final_review_frames(review, lang: str) -> dict[str, pd.DataFrame]:  # noqa: ANN001
    """The tables of the review, formatted, with translated headers, keyed by sheet name."""
    est = lambda e: t("estimated_flag" if e else "reported_flag", lang)  # noqa: E731
    d = review.district
    district = pd.DataFrame({
        t("target", lang): d["name_vi" if lang == "vi" else "name_en"],
        t("fr_col_rate_start", lang, year=review.start_year): [_pct(x, lang) for x in d["rate_start"]],
        t("fr_col_rate_end", lang, year=review.end_year): [_pct(x, lang) for x in d["rate_end"]],
        t("target_threshold", lang): [_pts(x, lang) for x in d["threshold_points"]],
        t("fr_col_actual_fall", lang): [_pts(x, lang) for x in d["reduction_per_year"]],
        t("target_met", lang): [_yes(x, lang) for x in d["met"]],
        t("estimate", lang): [est(e) for e in d["estimate"]],
    })
    y = review.years
    years = pd.DataFrame({
        t("year", lang): y["year"].astype(str),
        t("commune", lang): y["area_name"],
        t("households", lang): [format_number(x, lang) for x in y["households"]],
        t("poor", lang): [format_number(x, lang) for x in y["poor"]],
        t("poor_rate", lang): [_pct(x, lang) for x in y["rate"]],
        t("fr_col_fall", lang): [_pts(x, lang) for x in y["reduction"]],
        t("fr_col_target", lang): [_pts(x, lang) for x in y["target_points"]],
        t("target_met", lang): [_yes(x, lang) for x in y["met"]],
        t("estimate", lang): [est(e) for e in y["estimate"]],
    })
    r = review.ranking
    ranking = pd.DataFrame({
        t("rank", lang): r["rank"].astype(str) if len(r) else [],
        t("commune", lang): r["area_name"] if len(r) else [],
        t("fr_col_span", lang): [f"{a}–{b}" for a, b in zip(r["first_year"], r["last_year"])] if len(r) else [],
        t("fr_col_rate_first", lang): [_pct(x, lang) for x in r["rate_first"]] if len(r) else [],
        t("fr_col_rate_last", lang): [_pct(x, lang) for x in r["rate_last"]] if len(r) else [],
        t("fr_col_actual_fall", lang): [_pts(x, lang) for x in r["reduction_per_year"]] if len(r) else [],
        t("fr_col_target", lang): [_pts(x, lang) for x in r["target_points"]] if len(r) else [],
        t("fr_col_target_status", lang): [_status(s, dd, lang) for s, dd in zip(r["target_status"],
                                                                                r["target_decision"])] if len(r) else [],
        t("fr_col_met_period", lang): [_yes(x, lang) for x in r["met_period"]] if len(r) else [],
        t("fr_col_met_each_year", lang): [_yes(x, lang) for x in r["met_each_year"]] if len(r) else [],
        t("target_margin_points", lang): [_pts(x, lang) for x in r["margin_points"]] if len(r) else [],
        t("scoreboard_dtts_reduction", lang): [_pts(x, lang) for x in r["dtts_reduction_per_year"]] if len(r) else [],
        t("estimate", lang): [est(e) for e in r["estimate"]] if len(r) else [],
    })
    n = review.new_communes
    new = pd.DataFrame({
        t("commune", lang): n["area_name"],
        t("fr_col_history", lang): n["history"],
        t("fr_col_rate_start", lang, year=review.start_year): [_pct(x, lang) for x in n["rate_first"]],
        t("fr_col_rate_end", lang, year=review.end_year): [_pct(x, lang) for x in n["rate_last"]],
        t("fr_col_actual_fall", lang): [_pts(x, lang) for x in n["reduction_per_year"]],
        t("scoreboard_dtts_reduction", lang): [_pts(x, lang) for x in n["dtts_reduction_per_year"]],
        t("estimate", lang): [est(e) for e in n["estimate"]],
    })
    c = review.commendations
    commend = pd.DataFrame({
        t("commune", lang): c["area_name"] if len(c) else [],
        t("fr_crit_1", lang): [_yes(x, lang) for x in c["met_each_year"]] if len(c) else [],
        t("fr_crit_2", lang): [_yes(x, lang) for x in c["resources_mobilised"]] if len(c) else [],
        t("fr_crit_3", lang): [_yes(x, lang) for x in c["funds_regulated_settled"]] if len(c) else [],
        t("fr_crit_4", lang): [_yes(x, lang) for x in c["reporting_on_time"]] if len(c) else [],
        t("fr_col_proposed", lang): [t("fr_proposed_yes" if p else "fr_proposed_no", lang)
                                     for p in c["proposed"]] if len(c) else [],
    })
    return {"chi_tieu_huyen": district, "tung_nam": years, "xep_hang": ranking, "xa_moi": new,
            "de_nghi_khen_thuong": commend}


_SHEET_TITLES = {"chi_tieu_huyen": "fr_section_district", "tung_nam": "fr_section_years",
                 "xep_hang": "fr_section_ranking", "xa_moi": "fr_section_new",
                 "de_nghi_khen_thuong": "fr_section_commend"}


def _notes(review, lang: str, sheet: str) -> list[tuple[str, str]]:  # noqa: ANN001
    notes = []
    banner = estimate_banner(review, lang)
    if banner:
        notes.append((banner, "warning"))
    if sheet in ("xep_hang", "de_nghi_khen_thuong", "tung_nam") and (review.ranking.get("target_status") ==
                                                                      "proposed").any():
        notes.append((t("fr_target_proposed_note", lang), "warning"))
    if sheet == "de_nghi_khen_thuong":
        if len(review.commendations) and not review.commendations["criteria_given"].any():
            notes.append((t("fr_criteria_missing", lang), "warning"))
        notes.append((t("fr_criteria_rule", lang), "info"))
    if sheet == "xa_moi":
        notes.append((t("fr_new_communes_note", lang, year=review.end_year), "info"))
    return notes


def final_review_sections(review, lang: str) -> list[Section]:  # noqa: ANN001
    """The brief's sections, each starting with the estimates note when figures are estimated."""
    frames = final_review_frames(review, lang)
    sections = []
    d = review.district
    summary = Section(t("section_summary", lang), section_id="summary")
    banner = estimate_banner(review, lang)
    if banner:
        summary.add(Note(banner, "warning"))
    for _, row in d.iterrows():
        summary.add(Paragraph(t("fr_district_sentence", lang, name=row["name_vi" if lang == "vi" else "name_en"],
                                start=review.start_year, end=review.end_year, r0=_pct(row["rate_start"], lang),
                                r1=_pct(row["rate_end"], lang), fall=_pts(row["reduction_per_year"], lang),
                                verdict=t("fr_verdict_met" if row["met"] else "fr_verdict_not_met", lang))))
    n_prop = int(review.commendations["proposed"].sum()) if len(review.commendations) else 0
    summary.add(Paragraph(t("fr_commend_sentence", lang, n=n_prop, total=len(review.commendations))))
    sections.append(summary)
    for sheet, frame in frames.items():
        section = Section(t(_SHEET_TITLES[sheet], lang), section_id=sheet)
        for text, kind in _notes(review, lang, sheet):
            section.add(Note(text, kind))
        section.add(Table(frame))
        sections.append(section)
    return sections


def final_review_html(review, lang: str) -> str:  # noqa: ANN001
    """A standalone HTML page (no script, nothing from the network)."""
    title = t("fr_title", lang, start=review.start_year, end=review.end_year)
    body = "".join(s._repr_html_() for s in final_review_sections(review, lang))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<style>{brief_css()}</style></head><body><main class="thidua-brief"><h1>{escape(title)}</h1>'
            f"{body}</main></body></html>\n")


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_final_review_workbook(review, path: str | os.PathLike[str], lang: str) -> Path:  # noqa: ANN001
    """The workbook: one sheet per table, each headed by its title and notes (estimates first)."""
    frames = final_review_frames(review, lang)

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for sheet, frame in frames.items():
                notes = [t(_SHEET_TITLES[sheet], lang), *(text for text, _ in _notes(review, lang, sheet))]
                frame.to_excel(writer, sheet_name=sheet, index=False, startrow=len(notes) + 1)
                ws = writer.sheets[sheet]
                for i, text in enumerate(notes, start=1):
                    ws.cell(row=i, column=1, value=text)

    return _atomic(Path(path), write)


def write_final_review_html(review, path: str | os.PathLike[str], lang: str) -> Path:  # noqa: ANN001
    html = final_review_html(review, lang)
    return _atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8"))
