"""Rendering one brief from the planner, and the link the planner shows for it.

The planner calls :func:`thidua_sim.batch.run_briefs` for the chosen area (or the district)
with the saved scenario file and the planner's draws, seed and language, then links the HTML.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from ._widgets_view import PlannerSettings
from .errors import ThiduaError

__all__ = ["run_one_brief", "brief_link", "find_brief_html"]


def run_one_brief(scenario_path: Path, area: str | None, settings: PlannerSettings, *,
                  data_dir: Path | None, params_dir: Path | None, out_dir: Path | None,
                  run_briefs: Callable[..., Any] | None = None) -> Path:
    """Render the brief of ``area`` (None: the district brief) and return its HTML file."""
    if run_briefs is None:
        from .batch import run_briefs
    if out_dir is None:
        raise ThiduaError("the planner has no folder for briefs (brief_dir)")
    kwargs: dict[str, Any] = {
        "areas": [] if area is None else [area],
        "out_dir": out_dir,
        "draws": settings.draws if settings.uncertainty else 0,
        "seed": settings.seed,
        "language": settings.lang,
        "jobs": 1,
    }
    if data_dir is not None:
        kwargs["data_dir"] = data_dir
    if params_dir is not None:
        kwargs["params_dir"] = params_dir
    result = run_briefs(scenario_path, **kwargs)
    return find_brief_html(result, area, out_dir)


def find_brief_html(result: Any, area: str | None, out_dir: Path) -> Path:
    """The HTML file of ``area``'s brief (None: the district) among what run_briefs returned,
    or in ``out_dir``; a ThiduaError naming the failure when there is none."""
    candidates = list(getattr(result, "outputs", None) or getattr(result, "html", None) or [])
    if isinstance(result, (list, tuple)):
        candidates = list(result)
    stem = "district" if area is None else area
    for item in candidates:
        path = Path(getattr(item, "html", item))
        if path.suffix == ".html" and stem in path.stem:
            return path
    for path in sorted(Path(out_dir).rglob("*.html")):
        if path.name != "index.html" and stem in path.stem:
            return path
    failures = getattr(result, "failures", None)
    raise ThiduaError(f"no brief was written for {stem}" + (f": {failures}" if failures else ""))


def brief_link(html: Path, start: Path | None = None) -> str:
    """An HTML link to a rendered brief: a path relative to ``start`` (the kernel's working
    folder, i.e. the notebook's, by default), which JupyterLab opens, and the full path."""
    html = Path(html).resolve()
    start = Path(start or Path.cwd()).resolve()
    try:
        rel = os.path.relpath(html, start)
    except ValueError:  # another drive (Windows)
        rel = html.as_uri()
    href = escape(Path(rel).as_posix(), quote=True)
    return (f'<a href="{href}" target="_blank" class="thidua-brief-link">{escape(html.name)}</a> '
            f'<span style="font-size:11px;color:#777">({escape(str(html))})</span>')
