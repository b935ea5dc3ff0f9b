"""The model: compile, expected path, Monte Carlo, projection, calibration."""

from ._households import (
    MOVES,
    TARGETING_RULES,
    SupportResult,
    SwitchResult,
    classify_households,
    household_baseline,
    household_flows,
    review_results_from_records,
    simulate_support,
    switch_standard,
)

__all__ = ["MOVES", "TARGETING_RULES", "SupportResult", "SwitchResult", "classify_households", "household_baseline",
           "household_flows", "review_results_from_records", "simulate_support", "switch_standard"]
