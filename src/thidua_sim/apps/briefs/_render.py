"""An executed brief notebook as one standalone HTML file without any code.

Rendered with nbconvert's HTMLExporter through the ``thidua_brief`` template (in
``report/templates``): JupyterLab's look, code input and prompts excluded, images inlined,
and no script loaded from the network, so a brief opens offline.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import nbformat

__all__ = ["render_html", "TEMPLATE"]

TEMPLATE = "thidua_brief"


def _templates_dir() -> str:
    return str(resources.files("thidua_sim.report").joinpath("templates"))


@lru_cache(maxsize=4)
def _exporter(language: str):
    """One exporter per language and process: building one (its template environment) costs
    more than a brief's export. ``from_notebook_node`` keeps no state between notebooks."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[_templates_dir()])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = language
    return exporter


def render_html(notebook: Path | nbformat.NotebookNode, title: str, language: str = "vi") -> str:
    """HTML of the notebook's outputs only: no code input, no prompts, nothing from the network."""
    from ...report.html import brief_css

    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(str(notebook), as_version=4)
    body, _ = _exporter(language).from_notebook_node(nb, resources={"metadata": {"name": title},
                                                                    "thidua_css": brief_css()})
    return body
