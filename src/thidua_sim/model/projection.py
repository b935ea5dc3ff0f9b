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

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io import write_atomic
from ..core.types import GROUPS, STATES, Area, Baseline, Params, Scenario, Target
from ..core.defaults import DEFAULT_HORIZON, DEFAULT_SEED
from ._montecarlo import uses_pool
from ._stats import QUANTILES
from ._streaming import DrawSummary
from .engine import MAX_HORIZON, CompiledModel, ProjectionError, compile_model, expected_path

__all__ = ["Projection", "project", "population_mask", "parse_population", "QUANTILES", "MEASURES",
           "DEFAULT_SEED", "TABLE_FORMATS", "all_populations", "KEEP_DRAWS_BELOW", "DrawSummary"]

KEEP_DRAWS_BELOW = 256 * 2**20
"""``project(keep_draws=None)`` keeps the full draws up to this many bytes, else streams them."""

TABLE_FORMATS: tuple[str, ...] = (".csv", ".json", ".xlsx")
"""File types :meth:`Projection.save` writes."""



def all_populations(areas: tuple[Area, ...] | list[Area]) -> list[str]:
    """District, both groups, every area and every group within it (table order)."""
    pops = ["district", *GROUPS]
    for a in areas:
        pops.append(f"area:{a.id}")
        pops.extend(f"area:{a.id}:{g}" for g in GROUPS)
    return pops


def parse_population(population: str, areas: tuple[Area, ...] | list[Area]) -> tuple[int | None, int | None]:
    """``(area index or None for all areas, group index or None for both groups)`` of a population."""
    ids = [a.id for a in areas]
    parts = population.split(":") if isinstance(population, str) else [repr(population)]
    if population == "district":
        return None, None
    if population in GROUPS:
        return None, GROUPS.index(population)
    if parts[0] == "area" and len(parts) in (2, 3):
        if parts[1] not in ids:
            raise ProjectionError(f"population {population!r}: unknown area {parts[1]!r}; known: {', '.join(ids)}")
        if len(parts) == 2:
            return ids.index(parts[1]), None
        if parts[2] in GROUPS:
            return ids.index(parts[1]), GROUPS.index(parts[2])
        raise ProjectionError(f"population {population!r}: unknown group {parts[2]!r}; expected dtts or other")
    raise ProjectionError(
        f"population {population!r}: expected 'district', 'dtts', 'other', 'area:<id>' or 'area:<id>:<group>'"
    )


def parse_populations(populations: Sequence[str], areas: tuple[Area, ...] | list[Area]) -> list[tuple[int | None,
                                                                                                   int | None]]:
    """:func:`parse_population` of many populations at once (area ids looked up in one dict, so a
    national table does not search 3,000 ids for each of its 10,000 populations)."""
    index = {a.id: i for i, a in enumerate(areas)}
    out = []
    for p in populations:
        parts = p.split(":") if isinstance(p, str) else ()
        if len(parts) == 2 and parts[0] == "area" and parts[1] in index:
            out.append((index[parts[1]], None))
        elif len(parts) == 3 and parts[0] == "area" and parts[1] in index and parts[2] in GROUPS:
            out.append((index[parts[1]], GROUPS.index(parts[2])))
        else:
            out.append(parse_population(p, areas))  # district, a group, or an error naming the problem
    return out


def population_mask(population: str, areas: tuple[Area, ...] | list[Area]) -> np.ndarray:
    """A 0/1 weight of shape (A, G) selecting the cells of ``population``."""
    area, group = parse_population(population, areas)
    mask = np.zeros((len(areas), len(GROUPS)))
    mask[slice(None) if area is None else area, slice(None) if group is None else group] = 1
    return mask


def _select(source: np.ndarray, area: int | None, group: int | None) -> np.ndarray:
    """Sum of the cells of one population: (..., Y, A, G, 3) -> (..., Y, 3) in float64.

    Indexes instead of multiplying by a mask, so that int32 draws are never copied whole."""
    x = source if group is None else source[..., group, :]  # (..., Y, A, [G,] 3)
    a_axis = x.ndim - (3 if group is None else 2)
    if area is not None:
        x = np.take(x, area, axis=a_axis)
    elif source.dtype.kind in "iu":
        x = x.sum(axis=a_axis, dtype=np.int64)  # exact, then one small conversion
    else:
        x = x.sum(axis=a_axis)
    if group is None:
        x = x.sum(axis=-2)
    return np.asarray(x, dtype=np.float64)


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
    periods: Any = None  # a _periods.PeriodPlan (units in force, standard switch), or None
    rebased: np.ndarray | None = None  # (A, G, 3) expected stocks of the year before the switch, re-based
    rebased_draws: np.ndarray | None = None  # (D, A, G, 3) the same per draw
    summary: DrawSummary | None = None

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
        area, group = parse_population(population, self.areas)
        return _select(self._source(draws), area, group)

    def stocks_in(self, population: str, standard: str, *, draws: bool = False) -> np.ndarray:
        """Households by state measured in poverty standard ``standard``: (Y, 3) or (D, Y, 3),
        NaN in years not measured in it. The year before a switch is measured in both: in the
        old standard as projected, in the new one as re-based (see :mod:`._periods`)."""
        out = self.stocks(population, draws=draws)
        plan = self.periods
        ids = plan.standards if plan is not None else ()
        if plan is None or plan.switch is None:
            if any(i and i != standard for i in ids):
                out[..., [i not in ("", standard) for i in ids], :] = np.nan
            return out
        i = plan.switch_index
        if standard == plan.switch.to_standard:
            out[..., :i, :] = np.nan
            area, group = parse_population(population, self.areas)
            source = self.rebased_draws if draws else self.rebased
            if source is not None:
                out[..., i - 1, :] = _select(source[..., None, :, :, :], area, group)[..., 0, :]
        elif standard == plan.switch.from_standard:
            out[..., i:, :] = np.nan
        else:
            raise ProjectionError(f"standard {standard!r}: this projection is measured in "
                                  f"{plan.switch.from_standard} to {plan.switch.year - 1} and in "
                                  f"{plan.switch.to_standard} from {plan.switch.year}")
        return out

    def window(self, first_year: int, area_ids: list[str] | tuple[str, ...] | None = None) -> Projection:
        """The same run seen from review year ``first_year`` on, for the units ``area_ids`` (default:
        those in force in ``first_year``): e.g. the 6 new communes 2025-2030 of a run from 2021.
        Nothing is re-computed; the unit changes before ``first_year`` are left out of its periods.
        The baseline becomes the expected stocks of ``first_year``, marked as estimates."""
        from dataclasses import replace as _replace

        i = self.year_index(first_year)
        ids = [a.id for a in self.areas]
        plan = self.periods
        if area_ids is None:
            area_ids = plan.units_in_force(first_year) if plan is not None else ids
        idx = [ids.index(a) for a in area_ids]
        m = self.model
        years = m.years[i:]
        model = _replace(m, years=years, areas=tuple(m.areas[j] for j in idx), stocks0=self.expected[i][idx],
                         rates=m.rates[idx], fixed_resources=m.fixed_resources[i:][:, idx],
                         multipliers=None if m.multipliers is None else m.multipliers[idx])
        if plan is not None:
            plan = _replace(plan, years=years, areas=model.areas, in_force=plan.in_force[i:][:, idx],
                            changes=tuple(c for c in plan.changes if c.year > first_year),
                            standards=plan.standards[i:], carried=plan.carried[i:][:, idx],
                            switch=plan.switch if plan.switch is not None and plan.switch.year > first_year else None)
            model = _replace(model, periods=plan)
        baseline = _replace(self.baseline, year=int(first_year), areas=model.areas, households=self.expected[i][idx],
                            estimated=np.ones(self.expected[i][idx].shape[:2], dtype=bool),
                            provenance={a: f"expected path {self.years[0]}-{first_year} of scenario "
                                           f"{self.scenario.id} (a projection, not review results)"
                                        for a in area_ids})
        return _replace(self, baseline=baseline, model=model, expected=self.expected[i:][:, idx],
                        resources=self.resources[i:][:, idx], beneficiaries=self.beneficiaries[i:][:, idx],
                        unused=self.unused[i:][:, idx], unallocated=self.unallocated[i:],
                        draws=None if self.draws is None else self.draws[:, i:][:, :, idx],
                        periods=plan,
                        rebased=None if self.rebased is None else self.rebased[idx],
                        rebased_draws=None if self.rebased_draws is None else self.rebased_draws[:, idx])

    def in_force(self, area_id: str) -> np.ndarray:
        """(Y,) True in the review years a unit exists (always True without periods)."""
        if self.periods is None:
            return np.ones(len(self.years), dtype=bool)
        return np.asarray(self.periods.in_force[:, [a.id for a in self.areas].index(area_id)])

    def households(self, population: str = "district", *, draws: bool = False) -> np.ndarray:
        """All households of a population: (Y,) or (D, Y)."""
        return self.stocks(population, draws=draws).sum(axis=-1)

    def rate(self, population: str = "district", state: str = "poor", *, draws: bool = False,
             standard: str | None = None) -> np.ndarray:
        """Share of households in ``state``, in percent: (Y,) or (D, Y). With ``standard``, measured
        in that poverty standard (NaN in years not measured in it; see :meth:`stocks_in`)."""
        s = self.stocks(population, draws=draws) if standard is None else self.stocks_in(population, standard,
                                                                                         draws=draws)
        h = s.sum(axis=-1)
        count = s[..., STATES.index(state)]
        out = 100.0 * np.divide(count, h, out=np.zeros_like(count), where=h > 0)
        return np.where(np.isnan(h), np.nan, out) if standard is not None else out

    def rate_band(self, population: str = "district", state: str = "poor",
                  interval: int = 90) -> tuple[np.ndarray, np.ndarray]:
        """The low and high points of the ``interval`` % band (90: 5 % and 95 %; 80: 10 % and 90 %)
        over the draws of a population's rate of ``state`` (Y,), from the kept draws or, for a
        streamed run, its summary."""
        tail = round((1.0 - interval / 100.0) / 2.0, 6)
        if tail not in QUANTILES:
            raise ProjectionError(f"interval {interval} %: expected one of "
                                  f"{', '.join(str(round(100 * (1 - 2 * q))) for q in QUANTILES if q < 0.5)}")
        if self.draws is None and self.summary is not None:
            i = self.summary.index([parse_population(population, self.areas)])[0]
            m = MEASURES.index(f"{state}_rate")
            lo, hi = QUANTILES.index(tail), QUANTILES.index(round(1.0 - tail, 6))
            return self.summary.quantiles[lo, i, m], self.summary.quantiles[hi, i, m]
        low, high = np.quantile(self.rate(population, state, draws=True), [tail, 1.0 - tail], axis=0)
        return low, high

    def _source(self, draws: bool) -> np.ndarray:
        if not draws:
            return self.expected
        if self.draws is None:
            raise ProjectionError("this projection has no Monte Carlo draws; run project(..., draws=N) with N > 0")
        return self.draws

    # -- tables -----------------------------------------------------------------------------
    def populations(self) -> list[str]:
        """District, both groups, every area and every group within it."""
        return all_populations(self.areas)

    def table(self, populations: list[str] | None = None) -> pd.DataFrame:
        """Tidy table: population, area, group, year, measure, statistic, value, estimate.

        ``estimate`` is True for every row of a population whose baseline holds estimated
        figures (the figures projected from them are estimates too), so that the flag travels
        into every written table.

        ``measure`` is a state count (poor, near_poor, other), ``households`` or a rate
        (``poor_rate``, ``near_poor_rate`` in percent). ``statistic`` is ``expected`` and, with
        draws, ``mean``, ``sd`` (ddof 1) and the quantiles ``q05`` ... ``q95`` over the draws
        (NumPy's linear interpolation). Rows run population, statistic, measure, year.
        """
        pops = list(populations or self.populations())
        parsed = parse_populations(pops, self.areas)
        stat_names = list(self.statistic_names())
        years = np.asarray(self.years)
        blocks = []
        # blocks of populations keep the per-draw arrays small (about 64 MB of float64)
        per_pop = (self.draws.shape[0] if self.draws is not None else 1) * len(years) * 6 * 8 * 2
        size = max(1, min(len(pops), (128 * 2**20) // per_pop))
        cache: dict = {}  # area, group and district sums of the draws, made once for every block
        for start in range(0, len(pops), size):
            chunk = parsed[start:start + size]
            values = self._statistics_block(chunk, cache)  # (B, statistics, measures, Y)
            blocks.append(values.reshape(-1))
        values = np.concatenate(blocks) if blocks else np.zeros(0)
        n_s, n_m, n_y = len(stat_names), len(MEASURES), len(years)
        per = n_s * n_m * n_y
        labels = np.array(pops, dtype=object)
        areas = np.array([p.split(":")[1] if p.startswith("area:") else "district" for p in pops], dtype=object)
        groups = np.array([p.split(":")[2] if p.count(":") == 2 else (p if p in GROUPS else "all") for p in pops],
                          dtype=object)
        flags = np.asarray(self.baseline.estimated, dtype=bool)
        estimate = np.array([bool(flags[slice(None) if a is None else a, slice(None) if g is None else g].any())
                             for a, g in parsed])
        frame = pd.DataFrame({
            "population": np.repeat(labels, per),
            "area": np.repeat(areas, per),
            "group": np.repeat(groups, per),
            "year": np.tile(years, len(pops) * n_s * n_m),
            "measure": np.tile(np.repeat(np.array(MEASURES, dtype=object), n_y), len(pops) * n_s),
            "statistic": np.tile(np.repeat(np.array(stat_names, dtype=object), n_m * n_y), len(pops)),
            "value": values,
            "estimate": np.repeat(estimate, per),
        })
        if self.periods is None:
            return frame
        # units as they were at each review year, and the standard each year is measured in
        ids = [a.id for a in self.areas]
        year_pos = {y: i for i, y in enumerate(self.years)}
        keep = [area == "district" or bool(self.periods.in_force[year_pos[y], ids.index(area)])
                for area, y in zip(frame["area"], frame["year"])]
        frame = frame[np.asarray(keep, dtype=bool)].reset_index(drop=True)
        frame["standard"] = [self.periods.standards[year_pos[y]] for y in frame["year"]]
        return frame

    def save(self, path: str | os.PathLike[str], populations: list[str] | None = None) -> Path:
        """Write :meth:`table` to ``path`` (.csv UTF-8, .json records, or .xlsx), atomically: a
        temporary file in the same folder, renamed when complete. Returns the path."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in TABLE_FORMATS:
            raise ProjectionError(f"output file {str(path)!r}: unknown type {path.suffix or '(none)'!r}; expected a "
                                  f"name ending in {', '.join(TABLE_FORMATS)}")
        table = self.table(populations)
        if suffix == ".csv":
            write_atomic(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))
        elif suffix == ".json":
            write_atomic(path, lambda tmp: table.to_json(tmp, orient="records", force_ascii=False, indent=1,
                                                               double_precision=15))
        else:
            write_atomic(path, lambda tmp: table.to_excel(tmp, index=False, sheet_name="projection",
                                                                engine="openpyxl"))
        return path

    def statistic_names(self) -> tuple[str, ...]:
        """``expected``, and with draws ``mean``, ``sd`` and the quantiles ``q05``, ``q10``, ``q25``, ``q50``,
        ``q75``, ``q90``, ``q95``."""
        if self.draws is None and self.summary is None:
            return ("expected",)
        return ("expected", "mean", "sd", *(f"q{round(q * 100):02d}" for q in QUANTILES))

    def _statistics_block(self, parsed: list[tuple[int | None, int | None]], cache: dict | None = None) -> np.ndarray:
        """(B, statistics, measures, Y) for a block of populations."""
        from ._stats import draw_statistics, exact_statistics, population_sums

        expected = _measures(population_sums(self.expected, parsed))[:, None]  # (B, 1, M, Y)
        if self.draws is not None:
            if self.draws.dtype.kind in "iu":  # whole-number draws: integer rows, draws last (see _stats)
                return np.concatenate([expected, draw_statistics(self.draws, parsed, cache)], axis=1)
            # every area and group summed once, rows sorted once (see _stats)
            return np.concatenate([expected, exact_statistics(population_sums(self.draws, parsed, cache))], axis=1)
        if self.summary is not None:
            return np.concatenate([expected, self.summary.statistics(parsed)], axis=1)
        return expected


MEASURES: tuple[str, ...] = (*STATES, "households", "poor_rate", "near_poor_rate")


def _measures(stocks: np.ndarray) -> np.ndarray:
    """(..., Y, 3) stocks -> (..., M, Y): the counts, households and the two rates in percent."""
    h = stocks.sum(axis=-1)
    rates = 100.0 * np.divide(stocks[..., :2], h[..., None], out=np.zeros(stocks[..., :2].shape),
                              where=h[..., None] > 0)
    out = np.concatenate([stocks, h[..., None], rates], axis=-1)  # (..., Y, M)
    return np.swapaxes(out, -1, -2)


def project(
    baseline: Baseline,
    scenario: Scenario,
    params: Params,
    *,
    until: int = DEFAULT_HORIZON,
    draws: int = 0,
    seed: int = DEFAULT_SEED,
    workers: int = 1,
    periods: Any = None,
    posterior: pd.DataFrame | None = None,
    keep_draws: bool | None = None,
    scheduler: str | None = None,
    populations: Sequence[str] | None = None,
    targets: Sequence[Target] = (),
    target_rule: Callable | None = None,
    progress: bool | None = None,
) -> Projection:
    """Project households of every area and group from the baseline year to ``until``.

    ``draws`` = 0 gives the expected path only; ``draws`` > 0 adds Monte Carlo replicates
    (uncertain parameters by Latin hypercube, household moves drawn per cell and year; stored
    as int32 counts). Equal ``seed`` gives equal numbers whatever ``workers`` is, and common
    random numbers across scenarios. ``workers`` > 1 draws in that many processes (large runs
    only; in a script, call under ``if __name__ == "__main__":``). ``posterior``: joint posterior
    draws of a calibration (``Calibration.posterior``) that the Monte Carlo resamples whole rows
    from, keeping their correlations. See docs/model.md.

    ``periods`` (a :class:`~thidua_sim.model._periods.PeriodInputs`, e.g. from
    ``load_period_inputs(data_dir, params_dir)``): run on the units in force at each review year
    (the crosswalk) and re-base the stocks at a change of poverty standard; None keeps the
    baseline's units and meaning throughout (docs/model.md section 6).


    ``keep_draws``: True keeps every draw (``Projection.draws``, needed by the planner's bands and
    ``rate(..., draws=True)``); False streams them (``Projection.summary``: mean, sd, quantiles
    of ``populations`` (default all) and the success counts of ``targets`` under
    ``target_rule``, memory independent of draws x cells; see model/_streaming.py); None (the
    default) keeps them when they take at most :data:`KEEP_DRAWS_BELOW` bytes. ``scheduler``:
    a Dask scheduler address to run the chunks on (same numbers as locally; docs/scale.md).
    ``progress``: a progress bar (default: on runs of more than a few seconds).
    """
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 0:
        raise ProjectionError(f"draws = {draws!r}: expected a whole number >= 0")
    warm = (scheduler is None and isinstance(baseline, Baseline) and isinstance(until, (int, np.integer))
            and isinstance(workers, (int, np.integer)) and not isinstance(workers, bool)
            and until > int(baseline.year)
            and uses_pool(draws, until - int(baseline.year), len(baseline.areas) * len(GROUPS), workers))
    from ._executors import prestart, stop_fork_server

    if warm:  # the worker processes' fork server imports the Monte Carlo and loads its kernels (a
        # second or more) on the other core while this process compiles the model and loads the same
        # kernels: the workers start drawing that much sooner
        prestart(workers)
    try:
        return _project(baseline, scenario, params, until, draws, seed, workers, periods, posterior, keep_draws,
                        scheduler, populations, targets, target_rule, progress)
    finally:
        if warm:  # however the run ends (the pool stops it too)
            stop_fork_server()


def _project(baseline, scenario, params, until, draws, seed, workers, periods, posterior, keep_draws, scheduler,
             populations, targets, target_rule, progress) -> Projection:
    """:func:`project`, once the fork server of its workers (if any) is starting."""
    plan = None
    if periods is not None:
        from ._periods import build_plan, extend_baseline, localise_model, localise_scenario

        if not isinstance(until, (int, np.integer)) or not int(baseline.year) < until <= MAX_HORIZON:
            compile_model(baseline, scenario, params, until)  # raises: the horizon's own message
        plan = build_plan(baseline, range(int(baseline.year), int(until) + 1), periods)
        if not plan.changes and plan.switch is None and not plan.inherited:
            plan = None
    if plan is not None:
        baseline = extend_baseline(baseline, plan)
        model = localise_model(compile_model(baseline, localise_scenario(scenario, plan, params), params, until),
                               plan, params)
    else:
        model = compile_model(baseline, scenario, params, until)
    path = expected_path(model)
    mc = summary = None
    rebased = rebased_draws = None
    if plan is not None and plan.switch is not None:
        rebased = plan.rebase_expected(path.stocks[plan.switch_index - 1])
    if draws:
        from ._streaming import full_draws_bytes, run_full, run_summary

        keep = keep_draws
        if rebased is not None:  # the re-based year before a standard switch is computed from every draw
            if keep is False:
                raise ProjectionError("keep_draws=False: a run across a change of poverty standard keeps its draws "
                                      "(the re-based year before the switch is computed from each draw); run it "
                                      "with keep_draws=None or True, or end it before the switch")
            keep = True
        if keep is None:
            keep = full_draws_bytes(draws, len(model.years), model.stocks0.shape[0] * model.stocks0.shape[1]) \
                <= KEEP_DRAWS_BELOW
        from ._montecarlo import check_draws_fit

        check_draws_fit(model, int(draws), keep=bool(keep))  # before anything is allocated
        if keep and scheduler is None:
            from ._montecarlo import run_draws

            mc = run_draws(model, params, draws=int(draws), seed=int(seed), workers=int(workers),
                           posterior=posterior)
        elif keep:
            mc = run_full(model, params, int(draws), int(seed), scheduler=scheduler, progress=progress,
                          posterior=posterior)
        else:
            pops = list(populations) if populations is not None else all_populations(model.areas)
            parsed = parse_populations(pops, model.areas)
            from ._stats import population_sums

            shift = _measures(population_sums(path.stocks, parsed))  # (P, M, Y)
            summary = run_summary(model, params, int(draws), int(seed), parsed, pops, shift, workers=int(workers),
                                  scheduler=scheduler, targets=tuple(targets), target_rule=target_rule,
                                  progress=progress, posterior=posterior)
        if rebased is not None:
            from ._montecarlo import sample_rebasing

            rebased_draws = plan.rebase_draws(mc[:, plan.switch_index - 1],  # type: ignore[union-attr]
                                              sample_rebasing(model, int(draws), int(seed)))
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
        periods=plan,
        rebased=rebased,
        rebased_draws=rebased_draws,
        summary=summary,
    )
