"""Presentation: labels in Vietnamese and English, numbers the language's way, charts and
formatted tables for the briefs and the planner.

Vietnamese is the default language everywhere; pass ``lang="en"`` for English.

Layer 7 (docs/architecture.md). May import: ``planning``, ``model`` and every layer below;
not the doors. Every word a reader sees comes from the one label catalogue (``_labels.py``).
"""

from __future__ import annotations

from . import charts, i18n, tables
from .charts import allocation_chart, ranking_chart, resources_chart, trajectory_chart
from .html import Chart, Facts, Note, Paragraph, Section, Table
from .i18n import LANGUAGES, format_number, format_percent, format_points, format_signed, t

__all__ = [
    "charts",
    "i18n",
    "tables",
    "LANGUAGES",
    "t",
    "format_number",
    "format_percent",
    "format_points",
    "format_signed",
    "trajectory_chart",
    "ranking_chart",
    "resources_chart",
    "allocation_chart",
    "Section",
    "Paragraph",
    "Note",
    "Facts",
    "Chart",
    "Table",
]
