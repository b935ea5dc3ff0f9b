"""Planning: the least resources that meet a target, and the best use of a fixed budget.

In the EMA Workbench's words: the scenario's resources are the *levers*, the uncertain base
rates and uplifts the *uncertainties*, poor households and rates the *outcomes*, and a target a
*constraint* (its distance to the threshold, 0 when met; see :mod:`thidua_sim.planning.targets`).

- :func:`required_resources`: the least factor on a scenario, or the least extra budget under an
  allocation rule, that meets a target on the expected path or with a chosen probability, or a
  clear statement that no amount can (method in ``_required.py``);
- :func:`allocate_budget`: a fixed yearly budget over communes and instruments that maximises
  the expected fall in poor households, within caps and minimums (method in ``_allocation.py``).

Both run the engine's own step functions; nothing here changes the model.

Layer 6 (docs/architecture.md). May import: ``model`` and every layer below it; not
``report`` nor the doors (a planning result carries numbers, never words).
"""

from __future__ import annotations

from ._allocation import Allocation, allocate_budget, batch_expected_path
from ._required import EXTRA_RULES, REQUIRED_MODES, RequiredResources, required_resources
from .targets import PlanningError
from ._final_review import FinalReview, final_review, load_criteria, write_criteria_template  # tổng kết (issue 12)
from ._household_support import SupportOptimum, optimise_support

__all__ = [
    "Allocation",
    "allocate_budget",
    "RequiredResources",
    "required_resources",
    "REQUIRED_MODES",
    "EXTRA_RULES",
    "PlanningError",
    "batch_expected_path",
    "FinalReview",
    "final_review",
    "load_criteria",
    "write_criteria_template",
    "SupportOptimum",
    "optimise_support",
]
