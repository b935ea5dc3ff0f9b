"""Defaults every layer shares: one place for each, so no two modules disagree.

A default here is a convenience, not a model assumption: model values (rates, effects,
costs, targets) live in ``params/`` with their sources.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT", "SHIPPED_DATA", "SHIPPED_PARAMS", "PACKAGE_DIR"]

#: ``src/thidua_sim/`` (the installed package's own folder).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The project folder this package runs from (``src/``'s parent in a checkout or editable install).
PROJECT_ROOT = PACKAGE_DIR.parents[1]
#: The shipped data and parameter folders of the project.
SHIPPED_DATA = PROJECT_ROOT / "data"
SHIPPED_PARAMS = PROJECT_ROOT / "params"
