"""Core: the domain types, the shared defaults and the text keys every layer uses.

Layer 1 of the house (docs/architecture.md). May import: ``thidua_sim.errors`` only. Everything
above imports from here: :mod:`~thidua_sim.core.types` (Area, Baseline, Instrument, Scenario, ...),
:mod:`~thidua_sim.core.defaults` (seed, horizon, draws, year bounds, project paths) and
:mod:`~thidua_sim.core.text` (how names and headers are compared); :mod:`~thidua_sim.core.lazy`
gives the packages above their names on first use.
"""

from .text import fold, name_key
from .types import (
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

__all__ = [
    "ALLOCATION_RULES", "EFFECT_NAMES", "GROUPS", "RATE_NAMES", "STATES",
    "Area", "Baseline", "BaseRates", "Instrument", "Params", "ResourceLine", "Scenario", "Target",
    "Uncertain", "fold", "name_key",
]
