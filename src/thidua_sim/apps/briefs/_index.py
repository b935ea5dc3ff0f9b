"""``index.html`` of a batch run: one row per brief with its status and links."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from html import escape

from ...report.html import brief_css
from ...report.i18n import format_number, t

__all__ = ["render_index"]


def render_index(results: Sequence, lang: str, scenario_name: str, created: _dt.datetime | None = None,
                 links: Sequence[tuple[str, str]] = (), period: str = "2021-2025") -> str:
    """The index page for ``results`` (:class:`thidua_sim.apps.briefs.batch.BriefResult`, in display order);
    ``links``: (label, href) of the other periods' indexes built beside it."""
    created = created or _dt.datetime.now().replace(microsecond=0)
    ok = sum(1 for r in results if r.status in ("ok", "skipped"))
    rows = []
    for r in results:
        link = f'<a href="{escape(r.html_name)}">{escape(r.label)}</a>' if r.status in ("ok", "skipped") else escape(r.label)
        notebook = f'<a href="{escape(r.notebook_name)}">{escape(r.notebook_name.split("/")[-1])}</a>' \
            if r.notebook_name else ""
        duration = format_number(r.seconds, lang, 1) if r.seconds is not None else ""
        rows.append(
            f'<tr class="thidua-row-{escape(r.status)}" data-brief="{escape(r.name)}">'
            f"<td>{link}</td>"
            f'<td class="thidua-status-{escape(r.status)}">{escape(t("status_" + r.status, lang))}</td>'
            f"<td>{escape(r.error or '')}</td><td>{notebook}</td><td>{duration}</td></tr>"
        )
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in
                   ("index_brief", "index_status", "index_error", "index_notebook", "index_duration"))
    title = t("index_title", lang) if period == "2021-2025" else t("index_title_period", lang,
                                                                     period=period.replace("-", "–"))
    others = "".join(f'<p class="thidua-period-link"><a href="{escape(href)}">{escape(label)}</a></p>'
                     for label, href in links)
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1.0"/>
<title>{escape(title)}</title>
<style>
{brief_css()}
body {{ margin: 1.5rem; }}
table.thidua-table td {{ text-align: left; white-space: normal; }}
</style>
</head>
<body>
<section class="thidua-section" id="index">
<h1>{escape(title)}</h1>
<p>{escape(t("brief_movement" if period == "2021-2025" else "brief_programme_2026_2030", lang))}</p>
<p><strong>{escape(t("brief_scenario", lang))}:</strong> {escape(scenario_name)}</p>
{others}
<p>{escape(t("index_generated", lang, date=created.isoformat(sep=" "), ok=ok, total=len(results)))}</p>
<div class="thidua-table-wrap">
<table class="thidua-table" id="briefs">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</div>
</section>
</body>
</html>
"""
