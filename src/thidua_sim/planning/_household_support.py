"""Support household by household under a budget: which support, for which household, moves
the most households up (poor -> near-poor or out, near-poor -> out), net of income growth.

For each eligible household ``h`` and support option ``o`` (one instrument, or a package of
instruments given together) the microsimulation gives the chance that ``o`` moves ``h`` up
beyond what income growth alone does, over the income draws: ``v[h, o]``; ``c[h, o]`` is its
cost. The choice is the 0/1 programme

    maximise  sum v[h, o] x[h, o]
    subject to  sum c[h, o] x[h, o] <= budget,   sum_o x[h, o] <= 1 for every h,

solved exactly by ``scipy.optimize.milp`` (HiGHS branch and bound; scipy is already a
dependency). ``tests/test_household_support.py`` checks it against brute force.
"""

from __future__ import annotations

from ..core.defaults import DEFAULT_SEED, SUPPORT_DRAWS
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.types import Instrument
from ..data._households import HouseholdRecords
from ..errors import InputError, InputErrors
from ..model._households import (_applicable, check_package, classify_households, income_draws, restrict_areas,
                                 support_outcomes)
from ..params._households import HouseholdParams
from ..params.standards import Standards, load_standards

__all__ = ["SupportOptimum", "optimise_support", "solve_assignment", "option_values", "SOLVER"]

SOLVER = "scipy.optimize.milp (HiGHS)"


def solve_assignment(values: np.ndarray, costs: np.ndarray, budget: float,
                     resolution: float | None = None) -> tuple[np.ndarray, float]:
    """The best assignment: ``choice[h]`` = option index or -1, and its total value.

    ``values``, ``costs``: (households, options); pairs with value <= 0 are never chosen.
    ``resolution``: when every value is a multiple of it (1/draws for chances estimated from
    draws), the cheapest of the assignments of the best value is taken: a cost term of less than
    half a step can break ties but never trade a step of value.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    values = np.asarray(values, dtype=float)
    costs = np.asarray(costs, dtype=float)
    n, k = values.shape
    choice = np.full(n, -1, dtype=int)
    useful = (values > 1e-12) & (costs <= budget + 1e-9)
    # an option that costs at least as much as another of the same household and moves it no more
    # is never needed: dropping it keeps the optimum and makes the programme much smaller
    for i in range(n):
        best = 0.0
        for j in np.lexsort((-values[i], costs[i])):   # cheapest first, the larger value first at a tie
            if useful[i, j]:
                if values[i, j] <= best + 1e-12:
                    useful[i, j] = False
                else:
                    best = values[i, j]
    h, o = np.nonzero(useful)
    if len(h) == 0:
        return choice, 0.0
    m = len(h)
    rows = np.concatenate([np.zeros(m, dtype=int), 1 + h])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    data = np.concatenate([costs[h, o], np.ones(m)])
    households = np.unique(h)
    remap = np.zeros(n + 1, dtype=int)
    remap[1 + households] = 1 + np.arange(len(households))
    matrix = coo_matrix((data, (remap[rows], cols)), shape=(1 + len(households), m)).tocsr()
    upper = np.concatenate([[float(budget)], np.ones(len(households))])
    # among choices worth as much, the cheapest: a cost term worth less than half a step of value
    tie = (0.5 * resolution * costs[h, o] / max(float(budget), 1e-9)) if resolution else np.zeros(m)
    result = milp(tie - values[h, o], constraints=LinearConstraint(matrix, -np.inf, upper),
                  integrality=np.ones(m), bounds=Bounds(0, 1),
                  options={"mip_rel_gap": 1e-4, "time_limit": 120.0, "disp": False})
    if result.x is None:
        raise InputErrors([InputError("optimiser", "budget", f"no solution ({result.message})",
                                      "a budget the solver can use", "try a smaller list or budget")])
    picked = result.x > 0.5
    choice[h[picked]] = o[picked]
    return choice, float(values[h[picked], o[picked]].sum())


def option_values(records: HouseholdRecords, instruments: Mapping[str, Instrument],
                  options: Sequence[Sequence[str]], hparams: HouseholdParams, draws: int = SUPPORT_DRAWS, seed: int = DEFAULT_SEED,
                  standards: Standards | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of the eligible households (poor or near-poor), their state codes, and the value
    (net chance of moving up) and cost of every option for each: (n, O) arrays. The same
    income draws serve every option (common random numbers)."""
    std = standards if standards is not None else load_standards()
    standard = std.for_year(records.years[0])
    codes = classify_households(records, std)
    idx = np.flatnonzero(codes <= 1)
    c = codes[idx]
    ids = [i.id for i in standard.indicators]
    flags = records.flags(ids)[idx]
    income = records.table["income"].to_numpy()[idx]
    urban = records.table["urban"].to_numpy()[idx]
    growth = income_draws(len(idx), draws, hparams, seed)
    values = np.zeros((len(idx), len(options)))
    costs = np.zeros((len(idx), len(options)))
    base = None
    for k, option in enumerate(options):
        insts = [instruments[i] for i in option]
        without, with_ = support_outcomes(flags, ids, income, urban, c, growth, standard, insts)
        if base is None:
            base = (without > c[None, :]).mean(axis=0)
        values[:, k] = (with_ > c[None, :]).mean(axis=0) - base
        for inst in insts:
            costs[:, k] += np.where(_applicable(inst, c), float(inst.cost_mvnd.central), 0.0)
        values[costs[:, k] == 0, k] = 0.0
    return idx, c, values, costs


@dataclass(frozen=True)
class SupportOptimum:
    """The optimiser's choice. ``choice[i]``: the option given to eligible household ``rows[i]``
    (-1: none). ``expected_moves``: households expected to move up because of the support;
    ``by_option``: households supported, cost and expected moves per option and area."""

    records: HouseholdRecords
    options: tuple[tuple[str, ...], ...]
    budget_mvnd: float
    rows: np.ndarray
    choice: np.ndarray
    expected_moves: float
    cost_mvnd: float
    by_option: pd.DataFrame
    draws: int
    solver: str = SOLVER


def optimise_support(records: HouseholdRecords, instruments: Mapping[str, Instrument],
                     options: Sequence[Sequence[str] | str], hparams: HouseholdParams, budget_mvnd: float,
                     draws: int = SUPPORT_DRAWS, seed: int = DEFAULT_SEED, standards: Standards | None = None,
                     year: int | None = None, areas: Sequence[str] | None = None) -> SupportOptimum:
    """Pick, under ``budget_mvnd``, the support option of each household (or none) that moves the
    most households up in expectation; options are instrument ids or packages (lists of ids)."""
    opts = tuple((o,) if isinstance(o, str) else tuple(o) for o in options)
    check_package([i for o in opts for i in o], instruments)
    if not budget_mvnd > 0:
        raise InputErrors([InputError("--budget", "budget", repr(budget_mvnd), "a budget of million VND above 0",
                                      "give --budget, e.g. 5000")])
    part = restrict_areas(records.for_year(year), areas)
    rows, _codes, values, costs = option_values(part, instruments, opts, hparams, draws, seed, standards)
    choice, total = solve_assignment(values, costs, budget_mvnd, resolution=1.0 / max(draws, 1))
    picked = choice >= 0
    cost = float(costs[np.flatnonzero(picked), choice[picked]].sum())
    frame = pd.DataFrame({"area_id": part.table["area_id"].to_numpy()[rows][picked],
                          "option": ["+".join(opts[k]) for k in choice[picked]],
                          "cost_mvnd": costs[np.flatnonzero(picked), choice[picked]],
                          "expected_moves": values[np.flatnonzero(picked), choice[picked]]})
    by = (frame.groupby(["option", "area_id"], sort=True)
          .agg(households=("cost_mvnd", "size"), cost_mvnd=("cost_mvnd", "sum"),
               expected_moves=("expected_moves", "sum")).reset_index())
    return SupportOptimum(part, opts, float(budget_mvnd), rows, choice, total, cost, by, draws)
