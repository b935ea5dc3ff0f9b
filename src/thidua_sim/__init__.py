"""thidua_sim: poverty-reduction planning for Vietnamese districts and communes.

Projects poor and near-poor households per commune and group (dtts, other) under a
scenario of resources, checks the emulation movement's targets, finds the resources
that would meet them and keeps the emulation scoreboard.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ._types import (
    ALLOCATION_RULES,
    EFFECT_NAMES,
    GROUPS,
    RATE_NAMES,
    STATES,
    Area,
    Baseline,
    BaseRates,
    Instrument,
    Params,
    ResourceLine,
    Scenario,
    Target,
    Uncertain,
)
from .engine import ProjectionError
from .errors import InputError, InputErrors, ThiduaError
from .projection import Projection, population_mask, project

__all__ = [
    "__version__",
    "ALLOCATION_RULES",
    "EFFECT_NAMES",
    "GROUPS",
    "RATE_NAMES",
    "STATES",
    "Area",
    "Baseline",
    "BaseRates",
    "Instrument",
    "Params",
    "ResourceLine",
    "Scenario",
    "Target",
    "Uncertain",
    "InputError",
    "InputErrors",
    "ThiduaError",
    "ProjectionError",
    "Projection",
    "population_mask",
    "project",
]
