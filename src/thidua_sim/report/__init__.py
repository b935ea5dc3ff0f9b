"""Presentation: labels in Vietnamese and English, numbers the language's way, charts and
formatted tables for the briefs and the planner.

Vietnamese is the default language everywhere; pass ``lang="en"`` for English.

Layer 7 (docs/architecture.md). May import: ``planning``, ``model`` and every layer below;
not the doors. Every word a reader sees comes from the one label catalogue (``_labels.py``).
"""

from __future__ import annotations

import importlib
from typing import Any

from . import i18n
from .i18n import LANGUAGES, format_number, format_percent, format_points, format_signed, t

# matplotlib (charts) and pandas (tables) are imported on first use: a command that only prints
# words (a refused input, --help) starts without them
_LAZY = {"charts": ("charts", None), "tables": ("tables", None), "html": ("html", None),
         **{name: ("charts", name) for name in ("allocation_chart", "ranking_chart", "resources_chart",
                                                "trajectory_chart")},
         **{name: ("html", name) for name in ("Chart", "Facts", "Note", "Paragraph", "Section", "Table")}}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = importlib.import_module(f".{module}", __name__)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value
    return value

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
