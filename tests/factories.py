"""Small hand-made inputs for tests: a few areas, simple rates, one or two instruments.

Tests build what they need from these rather than from the shipped Kbang files, so
that expected numbers can be worked out by hand.
"""

from __future__ import annotations

import numpy as np

from thidua_sim import (
    Area,
    Baseline,
    BaseRates,
    Instrument,
    Params,
    ResourceLine,
    Scenario,
    Uncertain,
)

SIMPLE_RATES = {"pPN": 0.10, "pPO": 0.15, "pNP": 0.05, "pNO": 0.20, "pOP": 0.01, "pON": 0.02, "gamma": 0.0}


def make_baseline(households=None, areas=None, year: int = 2021) -> Baseline:
    """Baseline with ``households[a][g] = (poor, near_poor, other)``; default: 2 areas."""
    if households is None:
        households = [[(100, 50, 350), (20, 30, 450)], [(200, 80, 220), (10, 10, 180)]]
    households = np.asarray(households, dtype=float)
    if areas is None:
        areas = tuple(Area(f"area_{i}", f"Xã {i}", "commune") for i in range(households.shape[0]))
    return Baseline(year, tuple(areas), households, np.zeros(households.shape[:2], bool), {}, "test")


def make_rates(dtts=None, other=None, interval: float = 0.0, multipliers=None) -> BaseRates:
    """Base rates; ``interval`` > 0 gives every rate a 90 % interval of +- interval (relative)."""
    def group(values):
        values = {**SIMPLE_RATES, **(values or {})}
        if interval:
            return {k: Uncertain(v, v * (1 - interval), v * (1 + interval), "test") for k, v in values.items()}
        return {k: Uncertain(v, source="test") for k, v in values.items()}

    return BaseRates({"dtts": group(dtts), "other": group(other)}, multipliers or {}, "test")


def make_instrument(id="livelihood", cost=10.0, eligible=("poor",), effects=None, lag=0) -> Instrument:
    effects = effects if effects is not None else {"uPO": 0.3}
    return Instrument(id, f"{id} vi", f"{id} en", "test", Uncertain(cost, source="test"),
                      frozenset(eligible), {k: Uncertain(v, source="test") for k, v in effects.items()}, lag, "test")


def make_params(instruments=(), rates=None) -> Params:
    instruments = tuple(instruments)
    return Params(rates or make_rates(), {i.id: i for i in instruments}, (), "test")


def make_scenario(lines=(), id="test", entry_shares=None) -> Scenario:
    return Scenario(id, id, id, "test scenario", tuple(lines), entry_shares, "test")


def line(year, instrument, amount, area=None, rule=None, shares=None) -> ResourceLine:
    return ResourceLine(year, instrument, amount, area, rule, shares)
