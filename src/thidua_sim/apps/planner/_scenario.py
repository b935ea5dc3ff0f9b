"""The planner's levers as a scenario: pure functions, no widgets.

The planner shows, per instrument and year, the district's money for that instrument (the sum
of the scenario's resource lines). Moving a lever changes those sums; :func:`scenario_with_budgets`
turns the sums back into resource lines:

- rule ``None`` ("as in the scenario"): each year's lines of an instrument are scaled by the
  same factor, so the scenario's split over areas and rules is kept; money for an instrument
  and year that had none is a district total spread by poor households (``"poor"``);
- rule ``"poor"``, ``"poor_dtts"`` or ``"equal"``: each instrument's money of a year becomes
  one district total spread by that rule.

Lines of years outside the planned years are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from ...core.types import ResourceLine, Scenario

__all__ = [
    "PLANNER_RULES",
    "NEW_MONEY_RULE",
    "budget_years",
    "budget_table",
    "scenario_with_budgets",
    "valid_scenario_name",
    "scenario_files",
]

PLANNER_RULES: tuple[str | None, ...] = (None, "poor", "poor_dtts", "equal")
"""Allocation choices of the planner: None keeps the scenario's own split."""

NEW_MONEY_RULE = "poor"
"""How money is spread where the scenario had none for an instrument and year (rule None)."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def budget_years(baseline_year: int, until: int) -> tuple[int, ...]:
    """The years whose money the planner sets: the year after the baseline to the horizon."""
    return tuple(range(int(baseline_year) + 1, int(until) + 1))


def budget_table(scenario: Scenario, instrument_ids: Iterable[str],
                 years: Iterable[int]) -> dict[str, dict[int, float]]:
    """Money of each instrument in each year (million VND, summed over the scenario's lines)."""
    years = tuple(years)
    table = {k: {y: 0.0 for y in years} for k in instrument_ids}
    for line in scenario.resources:
        if line.instrument in table and line.year in table[line.instrument]:
            table[line.instrument][line.year] += float(line.amount_mvnd)
    return table


def scenario_with_budgets(base: Scenario, budgets: Mapping[str, Mapping[int, float]], rule: str | None,
                          *, scenario_id: str | None = None) -> Scenario:
    """``base`` with the money of every instrument and year in ``budgets`` set to that amount.

    ``budgets[instrument][year]`` in million VND (>= 0). Returns ``base`` itself when nothing
    changes (same sums, rule None). The new scenario's id is ``scenario_id`` or
    ``<base id>_planner``.
    """
    if rule not in PLANNER_RULES:
        raise ValueError(f"allocation rule {rule!r}: expected one of {PLANNER_RULES}")
    for k, by_year in budgets.items():
        for y, amount in by_year.items():
            if not amount >= 0:
                raise ValueError(f"budget of {k!r} in {y}: {amount!r}; expected a number >= 0")
    planned = {(k, y) for k, by_year in budgets.items() for y in by_year}
    current = budget_table(base, budgets, sorted({y for by_year in budgets.values() for y in by_year}))
    if rule is None and all(_same(current[k][y], budgets[k][y]) for k, y in planned):
        return base

    lines: list[ResourceLine] = [ln for ln in base.resources if (ln.instrument, ln.year) not in planned]
    for k, by_year in budgets.items():
        for y in sorted(by_year):
            amount = float(by_year[y])
            old_lines = [ln for ln in base.resources if ln.instrument == k and ln.year == y]
            old = sum(float(ln.amount_mvnd) for ln in old_lines)
            if rule is None and old > 0:
                if _same(old, amount):
                    lines.extend(old_lines)
                elif amount > 0:
                    factor = amount / old
                    lines.extend(replace(ln, amount_mvnd=float(ln.amount_mvnd) * factor) for ln in old_lines)
            elif amount > 0:
                lines.append(ResourceLine(y, k, amount, None, rule or NEW_MONEY_RULE))
    lines.sort(key=lambda ln: ln.year)  # stable: keeps the order within a year
    return replace(base, id=scenario_id or f"{base.id}_planner", resources=tuple(lines))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def valid_scenario_name(name: str) -> bool:
    """True for a scenario name usable as a file name everywhere: ``[a-z0-9][a-z0-9_-]*``,
    at most 60 characters (no accents, spaces, dots or slashes)."""
    return bool(_NAME.match(name or ""))


def scenario_files(scenario_dir: str | Path | None) -> tuple[Path, ...]:
    """The scenario files (``*.yaml``, ``*.yml``) of a folder, sorted by name."""
    if scenario_dir is None:
        return ()
    folder = Path(scenario_dir)
    if not folder.is_dir():
        return ()
    return tuple(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
