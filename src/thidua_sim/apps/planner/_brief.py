"""Rendering one brief from the planner, and the link the planner shows for it.

The planner calls :func:`thidua_sim.apps.briefs.batch.run_briefs` for the chosen area (or the district)
with the saved scenario file and the planner's draws, seed and language, then links the HTML.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ._view import PlannerSettings
from ...errors import ThiduaError

__all__ = ["run_one_brief", "brief_link", "brief_url", "find_brief_html"]


def run_one_brief(scenario_path: Path, area: str | None, settings: PlannerSettings, *,
                  data_dir: Path | None, params_dir: Path | None, out_dir: Path | None,
                  run_briefs: Callable[..., Any] | None = None) -> Path:
    """Render the brief of ``area`` (None: the district brief) and return its HTML file.

    A commune brief is run alone (``areas=[area]``, no district brief, one process); the district
    brief with ``areas=[]``, meant as "no commune briefs" (run_briefs currently reads an empty list
    as "every commune", so the district button also refreshes the commune briefs, in parallel).
    Draws are the planner's when uncertainty is on, else 0.
    """
    if run_briefs is None:
        from ..briefs.batch import run_briefs
    if out_dir is None:
        raise ThiduaError("the planner has no folder for briefs (brief_dir)")
    kwargs: dict[str, Any] = {
        "areas": [] if area is None else [area],
        "district": area is None,
        "jobs": 1 if area is not None else None,
        "out_dir": out_dir,
        "draws": int(settings.draws) if settings.uncertainty else 0,
        "seed": int(settings.seed),
        "language": settings.lang,
        "until": int(settings.until),
        "progress": False,
    }
    if data_dir is not None:
        kwargs["data_dir"] = data_dir
    if params_dir is not None:
        kwargs["params_dir"] = params_dir
    result = run_briefs(scenario_path, **kwargs)
    return find_brief_html(result, area, Path(out_dir))


def find_brief_html(result: Any, area: str | None, out_dir: Path) -> Path:
    """The HTML file of ``area``'s brief (None: the district) in what run_briefs returned
    (a :class:`thidua_sim.apps.briefs.batch.BatchResult`); a ThiduaError with the brief's error when it
    failed or is missing."""
    name = "district" if area is None else f"commune_{area}"
    for brief in getattr(result, "results", None) or []:
        if brief.name != name:
            continue
        if brief.status == "failed" or not brief.html_name:
            raise ThiduaError(f"brief {name} failed: {brief.error}")
        return Path(getattr(result, "out_dir", out_dir)) / brief.html_name
    raise ThiduaError(f"no brief was written for {name}")


def _running_servers() -> list[dict[str, Any]]:
    """The Jupyter servers of this machine's runtime folder (empty outside Jupyter)."""
    try:
        from jupyter_server.serverapp import list_running_servers

        return list(list_running_servers())
    except Exception:  # noqa: BLE001 - no server information: fall back to a relative link
        return []


def brief_url(html: Path, start: Path | None = None, servers: list[dict[str, Any]] | None = None) -> str:
    """Where a browser finds ``html``: ``<base_url>files/<path under the server's root>`` when a
    running Jupyter server serves it (the kernel's own server first), else a path relative to
    ``start`` (the kernel's working folder by default)."""
    html = Path(html).resolve()
    servers = _running_servers() if servers is None else servers
    parent = os.getppid()
    for server in sorted(servers, key=lambda s: s.get("pid") != parent):
        root = server.get("root_dir") or server.get("notebook_dir")
        if not root:
            continue
        try:
            rel = html.relative_to(Path(root).resolve())
        except ValueError:
            continue
        base = server.get("base_url") or "/"
        return f"{base.rstrip('/')}/files/{quote(rel.as_posix())}"
    start = Path(start or Path.cwd()).resolve()
    try:
        return quote(Path(os.path.relpath(html, start)).as_posix())
    except ValueError:  # another drive (Windows)
        return html.as_uri()


def brief_link(html: Path, start: Path | None = None, servers: list[dict[str, Any]] | None = None) -> str:
    """An HTML link to a rendered brief (see :func:`brief_url`), and its full path."""
    href = escape(brief_url(html, start, servers), quote=True)
    html = Path(html).resolve()
    return (f'<a href="{href}" target="_blank" class="thidua-brief-link">{escape(html.name)}</a> '
            f'<span style="font-size:11px;color:#777">({escape(str(html))})</span>')
