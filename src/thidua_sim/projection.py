"""``project()``: the public entry to the engine, and its results object.

A :class:`Projection` holds the expected path and, with draws, the Monte Carlo
replicates, and answers the questions every later layer asks: stocks and rates
of a *population* (the district, a group, an area, a group within an area) per
year, on the expected path or per draw, and tidy tables.

Populations are written as strings:

- ``"district"``: every household of every area;
- ``"dtts"`` / ``"other"``: one group over all areas;
- ``"area:<id>"``: one area, both groups; ``"area:<id>:dtts"``: one group in one area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._types import GROUPS, STATES, Area, Baseline, Params, Scenario
from .engine import CompiledModel, ProjectionError, compile_model, expected_path

__all__ = ["Projection", "project", "population_mask", "QUANTILES", "DEFAULT_SEED"]

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
DEFAULT_SEED = 2021


def population_mask(population: str, areas: tuple[Area, ...] | list[Area]) -> np.ndarray:
    """A 0/1 weight of shape (A, G) selecting the cells of ``population``."""
    ids = [a.id for a in areas]
    mask = np.zeros((len(ids), len(GROUPS)))
    parts = population.split(":")
    if population == "district":
        mask[:] = 1
    elif population in GROUPS:
        mask[:, GROUPS.index(population)] = 1
    elif parts[0] == "area" and len(parts) in (2, 3):
        if parts[1] not in ids:
            raise ProjectionError(f"population {population!r}: unknown area {parts[1]!r}; known: {', '.join(ids)}")
        a = ids.index(parts[1])
        if len(parts) == 2:
            mask[a] = 1
        elif parts[2] in GROUPS:
            mask[a, GROUPS.index(parts[2])] = 1
        else:
            raise ProjectionError(f"population {population!r}: unknown group {parts[2]!r}; expected dtts or other")
    else:
        raise ProjectionError(
            f"population {population!r}: expected 'district', 'dtts', 'other', 'area:<id>' or 'area:<id>:<group>'"
        )
    return mask


@dataclass(frozen=True)
class Projection:
    """Results of :func:`project`.

    ``expected``: (Y, A, G, 3) households on the expected path, years ``years``.
    ``resources``/``unused``: (Y-1, A, K) million VND acting in the transition into ``years[t+1]``.
    ``beneficiaries``: (Y-1, A, G, K) households covered. ``unallocated``: (Y-1, K) district money
    that had nowhere to go. ``draws``: (D, Y, A, G, 3) Monte Carlo stocks, or None.
    """

    baseline: Baseline
    scenario: Scenario
    params: Params
    model: CompiledModel
    expected: np.ndarray
    resources: np.ndarray
    beneficiaries: np.ndarray
    unused: np.ndarray
    unallocated: np.ndarray
    draws: np.ndarray | None = None
    seed: int | None = None

    @property
    def years(self) -> tuple[int, ...]:
        return self.model.years

    @property
    def areas(self) -> tuple[Area, ...]:
        return self.model.areas

    @property
    def instrument_ids(self) -> tuple[str, ...]:
        return self.model.instrument_ids

    def year_index(self, year: int) -> int:
        if year not in self.years:
            raise ProjectionError(f"year {year} is outside the projection {self.years[0]}-{self.years[-1]}")
        return self.years.index(year)

    # -- aggregates -------------------------------------------------------------------------
    def stocks(self, population: str = "district", *, draws: bool = False) -> np.ndarray:
        """Households by state of a population: (Y, 3), or (D, Y, 3) with ``draws=True``."""
        mask = population_mask(population, self.areas)
        source = self._source(draws)
        return np.einsum("...yags,ag->...ys", source, mask)

    def households(self, population: str = "district", *, draws: bool = False) -> np.ndarray:
        """All households of a population: (Y,) or (D, Y)."""
        return self.stocks(population, draws=draws).sum(axis=-1)

    def rate(self, population: str = "district", state: str = "poor", *, draws: bool = False) -> np.ndarray:
        """Share of households in ``state``, in percent: (Y,) or (D, Y)."""
        s = self.stocks(population, draws=draws)
        h = s.sum(axis=-1)
        count = s[..., STATES.index(state)]
        return 100.0 * np.divide(count, h, out=np.zeros_like(count), where=h > 0)

    def _source(self, draws: bool) -> np.ndarray:
        if not draws:
            return self.expected
        if self.draws is None:
            raise ProjectionError("this projection has no Monte Carlo draws; run project(..., draws=N) with N > 0")
        return self.draws

    # -- tables -----------------------------------------------------------------------------
    def populations(self) -> list[str]:
        """District, both groups, every area and every group within it."""
        pops = ["district", *GROUPS]
        for a in self.areas:
            pops.append(f"area:{a.id}")
            pops.extend(f"area:{a.id}:{g}" for g in GROUPS)
        return pops

    def table(self, populations: list[str] | None = None) -> pd.DataFrame:
        """Tidy table: population, area, group, year, measure, statistic, value.

        ``measure`` is a state count (poor, near_poor, other), ``households`` or a rate
        (``poor_rate``, ``near_poor_rate`` in percent). ``statistic`` is ``expected`` and, with
        draws, ``mean``, ``sd`` and ``q05`` ... ``q95``.
        """
        rows = []
        for pop in populations or self.populations():
            parts = pop.split(":")
            area = parts[1] if parts[0] == "area" else "district"
            group = parts[2] if len(parts) == 3 else (pop if pop in GROUPS else "all")
            for statistic, values in self._statistics(pop).items():
                for measure, series in values.items():
                    for y, year in enumerate(self.years):
                        rows.append((pop, area, group, year, measure, statistic, float(series[y])))
        return pd.DataFrame(rows, columns=["population", "area", "group", "year", "measure", "statistic", "value"])

    def _statistics(self, population: str) -> dict[str, dict[str, np.ndarray]]:
        def measures(stocks: np.ndarray) -> dict[str, np.ndarray]:
            h = stocks.sum(axis=-1)
            out = {state: stocks[..., i] for i, state in enumerate(STATES)}
            out["households"] = h
            for i, state in enumerate(STATES[:2]):
                out[f"{state}_rate"] = 100.0 * np.divide(stocks[..., i], h, out=np.zeros_like(h), where=h > 0)
            return out

        stats = {"expected": measures(self.stocks(population))}
        if self.draws is not None:
            per_draw = measures(self.stocks(population, draws=True))
            stats["mean"] = {m: v.mean(axis=0) for m, v in per_draw.items()}
            stats["sd"] = {m: v.std(axis=0, ddof=1) if v.shape[0] > 1 else np.zeros(v.shape[1:])
                           for m, v in per_draw.items()}
            for q in QUANTILES:
                stats[f"q{round(q * 100):02d}"] = {m: np.quantile(v, q, axis=0) for m, v in per_draw.items()}
        return stats


def project(
    baseline: Baseline,
    scenario: Scenario,
    params: Params,
    *,
    until: int = 2025,
    draws: int = 0,
    seed: int = DEFAULT_SEED,
    workers: int = 1,
) -> Projection:
    """Project households of every area and group from the baseline year to ``until``.

    ``draws`` = 0 gives the expected path only; ``draws`` > 0 adds Monte Carlo replicates
    (uncertain parameters by Latin hypercube, household moves drawn per cell and year). Equal
    ``seed`` gives equal numbers whatever ``workers`` is, and common random numbers across
    scenarios.
    """
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 0:
        raise ProjectionError(f"draws = {draws!r}: expected a whole number >= 0")
    model = compile_model(baseline, scenario, params, until)
    path = expected_path(model)
    mc = None
    if draws:
        from ._montecarlo import run_draws

        mc = run_draws(model, params, draws=int(draws), seed=int(seed), workers=int(workers))
    return Projection(
        baseline=baseline,
        scenario=scenario,
        params=params,
        model=model,
        expected=path.stocks,
        resources=path.resources,
        beneficiaries=path.beneficiaries,
        unused=path.unused,
        unallocated=path.unallocated,
        draws=mc,
        seed=int(seed) if draws else None,
    )
