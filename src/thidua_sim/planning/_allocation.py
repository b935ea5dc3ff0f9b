"""Allocating a fixed yearly budget over communes and instruments, and the batched evaluator
that required resources and allocation share.

**Batched evaluator.** Money enters the engine only through two arrays of the compiled model:
``fixed_resources`` (T, A, K), money tied to areas, and ``rule_totals`` (T, K, 2), district
totals spread by poor (dtts) households at run time; both are linear in the amounts of the
scenario's resource lines. A planning lever (scale the scenario, add a budget, give each
commune-instrument cell some money) is therefore an affine map from a few numbers to these two
arrays. :func:`batch_expected_path` runs the engine's own step functions (``engine.py``) with a
leading batch axis, so that many candidate levers (e.g. the finite-difference gradient of an
allocation) cost one vectorised run. Tests check it against :func:`~thidua_sim.project`.

**Allocation.** Variables are the shares ``y[a, k]`` of the budget given each year to commune
``a`` for instrument ``k`` (on top of the scenario). The objective is the expected number of poor
households in the end year, dtts households counted ``dtts_weight`` times, minimised under
``sum y = 1`` and the caps and minimums (bounds on cells, linear limits on commune and
instrument totals; ``scipy.optimize.linprog`` finds a feasible point or proves there is none).

1. Starts: proportional (communes by baseline poor households, instruments equally), equal,
   and greedy marginal gain: what the minimums leave is spent in ``greedy_steps`` equal steps,
   each to the cell whose step lowers the objective most (all cells tried in one batch).
2. The ``refine`` best starts are improved by pairwise exchange (:func:`_exchange`): money moves
   from the cell whose last million helps least to the one whose next million helps most (by
   backward and forward differences, which differ where coverage saturates), with a batched
   search over halving step sizes, until no move helps. With diminishing returns (coverage
   saturates, effects combine as independent chances) this is a descent method on the capped
   simplex; moves inside a commune or instrument total held by a cap or minimum are tried too.
3. The best of all starts and refined points is returned, so the result is never worse than
   proportional (when proportional respects the caps). ``scipy.optimize.minimize`` (SLSQP) was
   tried as the main method and dropped: with 100 cells it took 50-150 ms an iteration here,
   ten times the exchange; tests check the result against SLSQP on small cases instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..core.defaults import DEFAULT_HORIZON
from ..core.types import GROUPS, STATES, Baseline, Params, ResourceLine, Scenario
from ..model.engine import CompiledModel, compile_model, expected_path
from .targets import PlanningError

__all__ = ["Allocation", "allocate_budget", "batch_expected_path", "acting_years", "budget_year", "resolve_instruments"]

_P = STATES.index("poor")
_DTTS = GROUPS.index("dtts")


def batch_expected_path(model: CompiledModel, fixed_resources: np.ndarray, rule_totals: np.ndarray) -> np.ndarray:
    """Expected stocks (B, Y, A, G, 3) for a batch of money arrays: ``fixed_resources``
    (B, T, A, K) and ``rule_totals`` (B, T, K, 2) replace the model's own. The engine's own
    :func:`thidua_sim.model.engine.expected_path`, vectorised over the batch."""
    return expected_path(model, fixed_resources, rule_totals).stocks


def acting_years(baseline: Baseline, until: int, years: Sequence[int] | None = None) -> tuple[int, ...]:
    """Review years new money should act in: given, or every year after the baseline up to ``until``."""
    if years is None:
        return tuple(range(baseline.year + 1, until + 1))
    out = tuple(sorted({int(y) for y in years}))
    bad = [y for y in out if y <= baseline.year or y > until]
    if not out or bad:
        raise PlanningError(f"years {list(years)}: expected review years after the baseline {baseline.year} "
                            f"up to {until}, e.g. {baseline.year + 1}-{until}")
    return out


def budget_year(params: Params, instrument: str, acting_year: int) -> int:
    """The budget year of money acting in ``acting_year``: ``lag`` years earlier."""
    return acting_year - int(params.instruments[instrument].lag)


def resolve_instruments(params: Params, instruments: Sequence[str] | None) -> tuple[str, ...]:
    """The chosen instruments (all of params by default), checked against params."""
    known = tuple(params.instruments)
    if instruments is None:
        chosen = known
    else:
        chosen = tuple(dict.fromkeys(instruments))
        unknown = [k for k in chosen if k not in params.instruments]
        if unknown:
            raise PlanningError(f"unknown instrument(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if not chosen:
        raise PlanningError("no instruments to spend on; params declare none or none were chosen")
    return chosen


@dataclass(frozen=True)
class Allocation:
    """A yearly budget allocated over communes and instruments (:func:`allocate_budget`).

    ``table``: million VND per year, index area id, one column per instrument; ``years``: the
    review years it acts in (each instrument paid its lag earlier).
    ``proportional``: the reference allocation (communes by baseline poor households,
    instruments equally) in the same layout. ``expected_poor_end``: poor households in the end
    year on the expected path with this allocation (``_dtts``: of them dtts);
    ``..._proportional`` the same with the reference. ``gain_over_proportional``: how many
    fewer poor households the allocation leaves than the reference (weighted by ``dtts_weight``
    in ``weighted_gain_over_proportional``). ``expected_fall``: baseline poor minus end poor.
    ``proportional_feasible``: whether the reference respects caps and minimums.
    ``scenario``: the scenario with the allocation added. ``start``: which start won.
    """

    table: pd.DataFrame
    proportional: pd.DataFrame
    budget_mvnd_per_year: float
    years: tuple[int, ...]
    end_year: int
    dtts_weight: float
    expected_poor_end: float
    expected_poor_end_dtts: float
    expected_poor_end_proportional: float
    gain_over_proportional: float
    weighted_gain_over_proportional: float
    expected_fall: float
    proportional_feasible: bool
    scenario: Scenario
    start: str
    evaluations: int

    def tidy(self) -> pd.DataFrame:
        """One row per commune and instrument with money > 0: area_id, instrument, mvnd_per_year."""
        long = self.table.stack().rename("mvnd_per_year").reset_index()
        long.columns = ["area_id", "instrument", "mvnd_per_year"]
        return long[long["mvnd_per_year"] > 0].reset_index(drop=True)


class _Bounds:
    """Caps and minimums as bounds on cells and linear constraints on area / instrument sums,
    all in shares of the budget."""

    def __init__(self, area_ids: Sequence[str], instruments: Sequence[str], budget: float,
                 caps: Mapping | None, minimums: Mapping | None):
        A, K = len(area_ids), len(instruments)
        self.A, self.K = A, K
        self.lower = np.zeros((A, K))
        self.upper = np.ones((A, K))
        self.rows: list[tuple[np.ndarray, float, float]] = []  # (weights (A,K), low, high)
        group: dict[tuple[str, int], list[float]] = {}
        for kind, mapping in (("cap", caps), ("minimum", minimums)):
            for key, value in (mapping or {}).items():
                try:
                    amount = float(value)
                except (TypeError, ValueError):
                    amount = float("nan")
                if not np.isfinite(amount) or amount < 0:
                    raise PlanningError(f"{kind} for {key!r}: found {value!r}; expected a number >= 0 "
                                        "(million VND per year)")
                share = amount / budget
                if isinstance(key, tuple) and len(key) == 2:
                    a, k = key
                    if a not in area_ids or k not in instruments:
                        raise PlanningError(f"{kind} for {key!r}: expected (area id, instrument id) with area in "
                                            f"{', '.join(area_ids)} and instrument in {', '.join(instruments)}")
                    i, j = area_ids.index(a), instruments.index(k)
                    if kind == "cap":
                        self.upper[i, j] = min(self.upper[i, j], share)
                    else:
                        self.lower[i, j] = max(self.lower[i, j], share)
                    continue
                in_areas, in_instruments = key in area_ids, key in instruments
                if in_areas and in_instruments:
                    raise PlanningError(f"{kind} key {key!r} names both an area and an instrument; "
                                        "use a tuple (area id, instrument id)")
                if not (in_areas or in_instruments):
                    raise PlanningError(f"{kind} for unknown area or instrument {key!r}; areas: "
                                        f"{', '.join(area_ids)}; instruments: {', '.join(instruments)}")
                slot = ("area", area_ids.index(key)) if in_areas else ("instrument", instruments.index(key))
                low_high = group.setdefault(slot, [0.0, np.inf])
                if kind == "cap":
                    low_high[1] = min(low_high[1], share)
                else:
                    low_high[0] = max(low_high[0], share)
        for (kind, idx), (low, high) in group.items():
            w = np.zeros((A, K))
            if kind == "area":
                w[idx] = 1.0
            else:
                w[:, idx] = 1.0
            self.rows.append((w, low, high))
        if np.any(self.lower > self.upper + 1e-12):
            raise PlanningError("a minimum is above its cap for some commune and instrument")

    def feasible(self, y: np.ndarray, tol: float = 1e-7) -> bool:
        y = y.reshape(self.A, self.K)
        if abs(y.sum() - 1.0) > tol or np.any(y < self.lower - tol) or np.any(y > self.upper + tol):
            return False
        return all(low - tol <= float((w * y).sum()) <= high + tol for w, low, high in self.rows)

    def linprog_point(self, minimise_total: bool) -> np.ndarray | None:
        """A feasible point (sum = 1), or with ``minimise_total`` the smallest allocation meeting every
        minimum (sum <= 1): the base the greedy start adds to."""
        from scipy.optimize import linprog  # imported on first use: the command line starts quicker

        n = self.A * self.K
        a_ub, b_ub = [], []
        for w, low, high in self.rows:
            if np.isfinite(high):
                a_ub.append(w.ravel())
                b_ub.append(high)
            if low > 0:
                a_ub.append(-w.ravel())
                b_ub.append(-low)
        kwargs = {}
        if a_ub:
            kwargs = {"A_ub": np.array(a_ub), "b_ub": np.array(b_ub)}
        if minimise_total:
            a_ub2 = list(a_ub) + [np.ones(n)]
            b_ub2 = list(b_ub) + [1.0]
            res = linprog(np.ones(n), A_ub=np.array(a_ub2), b_ub=np.array(b_ub2),
                          bounds=list(zip(self.lower.ravel(), self.upper.ravel())), method="highs")
        else:
            res = linprog(np.zeros(n), A_eq=np.ones((1, n)), b_eq=[1.0],
                          bounds=list(zip(self.lower.ravel(), self.upper.ravel())), method="highs", **kwargs)
        return res.x if res.status == 0 else None

    def room(self, y: np.ndarray) -> np.ndarray:
        """How much more share each cell can take without breaking a cap (A*K,)."""
        y = y.reshape(self.A, self.K)
        room = self.upper - y
        for w, _low, high in self.rows:
            if np.isfinite(high):
                left = high - float((w * y).sum())
                room = np.where(w > 0, np.minimum(room, left), room)
        return np.clip(room, 0.0, None).ravel()

    def pair_room(self, y: np.ndarray, i: int, j: int) -> float:
        """The most share that can move from cell ``i`` to cell ``j`` (flat indices): a commune or
        instrument total changes only when it holds one of the two cells."""
        room = min(float(y[i] - self.lower.flat[i]), float(self.upper.flat[j] - y[j]))
        yy = y.reshape(self.A, self.K)
        for w, low, high in self.rows:
            wi, wj = w.flat[i] > 0, w.flat[j] > 0
            if wi and not wj and low > 0:
                room = min(room, float((w * yy).sum()) - low)
            elif wj and not wi and np.isfinite(high):
                room = min(room, high - float((w * yy).sum()))
        return max(room, 0.0)


class _Objective:
    """Weighted expected poor households in the end year for budget shares ``y`` (A*K,)."""

    def __init__(self, model: CompiledModel, unit: np.ndarray, budget: float, cols: np.ndarray,
                 dtts_weight: float):
        self.model = model
        self.unit = unit  # (T, A, K_all): 1 where a cell's yearly money acts, by year
        self.budget = budget
        self.cols = cols  # positions of the chosen instruments among the model's
        self.A = model.stocks0.shape[0]
        self.Kc = len(cols)
        w = np.ones(len(GROUPS))
        w[_DTTS] = dtts_weight
        self.weights = w
        self.scale = max(float((model.stocks0[..., _P] * w).sum()), 1.0)
        self.evaluations = 0
        self._cache: dict[bytes, float] = {}

    def money(self, y: np.ndarray) -> np.ndarray:
        """(B, T, A, K_all) fixed resources for shares (B, A*Kc)."""
        B = y.shape[0]
        cell = np.zeros((B, self.A, self.model.costs.shape[0]))
        cell[:, :, self.cols] = y.reshape(B, self.A, self.Kc) * self.budget
        return self.model.fixed_resources[None] + self.unit[None] * cell[:, None]

    def end_stocks(self, y: np.ndarray) -> np.ndarray:
        y = np.atleast_2d(y)
        self.evaluations += y.shape[0]
        rules = np.broadcast_to(self.model.rule_totals, (y.shape[0],) + self.model.rule_totals.shape)
        return batch_expected_path(self.model, self.money(y), rules)[:, -1]

    def values(self, y: np.ndarray) -> np.ndarray:
        poor = self.end_stocks(y)[..., _P]  # (B, A, G)
        return (poor * self.weights).sum(axis=(-1, -2)) / self.scale

    def __call__(self, y: np.ndarray) -> float:
        key = np.asarray(y, dtype=float).tobytes()
        if key not in self._cache:
            self._cache[key] = float(self.values(np.asarray(y, dtype=float)[None])[0])
        return self._cache[key]

    def one_sided(self, y: np.ndarray, step: float = 1e-7) -> tuple[np.ndarray, np.ndarray]:
        """Forward and backward differences, all in one batch: the value of the next share added to
        each cell and of the last share taken from it (they differ where coverage saturates)."""
        y = np.asarray(y, dtype=float)
        n = y.size
        batch = np.repeat(y[None], 2 * n + 1, axis=0)
        batch[np.arange(1, n + 1), np.arange(n)] += step
        batch[np.arange(n + 1, 2 * n + 1), np.arange(n)] -= step
        v = self.values(batch)
        self._cache.setdefault(y.tobytes(), float(v[0]))
        return (v[1:n + 1] - v[0]) / step, (v[0] - v[n + 1:]) / step


def _greedy(objective: _Objective, bounds: _Bounds, base: np.ndarray, steps: int) -> np.ndarray:
    """Spend what the minimums leave in ``steps`` equal steps, each to the cell whose step lowers the
    objective most (cells limited by their caps)."""
    y = base.copy()
    left = 1.0 - y.sum()
    if left <= 0:
        return y
    step = left / steps
    for _ in range(steps):
        room = bounds.room(y)
        add = np.minimum(room, step)
        ok = np.flatnonzero(add > 1e-15)
        if ok.size == 0:
            break
        batch = np.repeat(y[None], ok.size, axis=0)
        batch[np.arange(ok.size), ok] += add[ok]
        values = objective.values(batch)
        best = ok[int(np.argmin(values))]
        y[best] += add[best]
    rest = 1.0 - y.sum()
    if rest > 1e-12:  # caps reached by steps: put what is left where there is room
        room = bounds.room(y)
        if room.sum() > 0:
            y += room * min(1.0, rest / room.sum())
    return y


def _exchange(objective: _Objective, bounds: _Bounds, y: np.ndarray, max_rounds: int = 200,
              pairs: int = 5, sizes: int = 16) -> np.ndarray:
    """Local search by pairwise exchange: move money from a cell whose last million helps least to
    one whose next million helps most (backward and forward differences, one batch), trying the
    ``pairs`` x ``pairs`` best donor-receiver pairs and ``sizes`` halving step sizes in one batch;
    the best step of each pair is kept and the best pairs are combined while they touch different
    cells (each prefix of that list is tried, the best kept). Stop when no move lowers the objective.
    Every move keeps the budget, caps and minimums."""
    y = y.copy()
    current = objective(y)
    for _ in range(max_rounds):
        forward, backward = objective.one_sided(y)
        flat_lower, flat_upper = bounds.lower.ravel(), bounds.upper.ravel()
        can_give = np.flatnonzero(y - flat_lower > 1e-12)
        can_take = np.flatnonzero(flat_upper - y > 1e-12)
        if can_give.size == 0 or can_take.size == 0:
            break
        donors = can_give[np.argsort(-backward[can_give], kind="stable")[:pairs]]
        receivers = list(can_take[np.argsort(forward[can_take], kind="stable")[:pairs]])
        # and the best receiver sharing a commune or an instrument with a donor, for moves inside a
        # total that a minimum or cap holds fixed
        for i in donors:
            same_area = np.arange(bounds.K) + (i // bounds.K) * bounds.K
            same_instrument = np.arange(bounds.A) * bounds.K + i % bounds.K
            for same in (same_area, same_instrument):
                inside = np.intersect1d(same, can_take)
                if inside.size:
                    receivers.append(int(inside[np.argmin(forward[inside])]))
        moves = []
        for i in donors:
            for j in dict.fromkeys(receivers):
                if i == j or backward[i] <= forward[j]:
                    continue
                top = bounds.pair_room(y, int(i), int(j))
                if top <= 1e-12:
                    continue
                for m in range(sizes):
                    moves.append((i, j, top * 0.5 ** m))
        if not moves:
            break
        batch = np.repeat(y[None], len(moves), axis=0)
        for n, (i, j, d) in enumerate(moves):
            batch[n, i] -= d
            batch[n, j] += d
        values = objective.values(batch)
        # the best step of each pair, then the best pairs combined while they touch different cells
        best_of: dict[tuple[int, int], tuple[float, float]] = {}
        for (i, j, d), v in zip(moves, values):
            if v < best_of.get((i, j), (np.inf, 0.0))[0]:
                best_of[(i, j)] = (float(v), d)
        ranked = sorted(best_of.items(), key=lambda item: item[1][0])
        combos, used, point = [], set(), y.copy()
        for (i, j), (v, d) in ranked:
            if v >= current or i in used or j in used:
                continue
            used.update((i, j))
            point = point.copy()
            point[i] -= d
            point[j] += d
            combos.append(point)
        if not combos:
            break
        combo_values = objective.values(np.array(combos)) if len(combos) > 1 else np.array([ranked[0][1][0]])
        best = int(np.argmin(combo_values))
        if combo_values[best] >= current - 1e-13 * max(1.0, abs(current)):
            break
        y, current = combos[best], float(combo_values[best])
    return y


def _proportional_shares(baseline: Baseline, instruments: Sequence[str]) -> np.ndarray:
    """Communes by baseline poor households, each commune's money equally over the instruments."""
    poor = np.asarray(baseline.households, dtype=float)[..., _P].sum(axis=-1)
    area_share = poor / poor.sum() if poor.sum() > 0 else np.full(len(poor), 1.0 / len(poor))
    return (area_share[:, None] * np.full((1, len(instruments)), 1.0 / len(instruments))).ravel()


def allocate_budget(
    baseline: Baseline,
    scenario: Scenario,
    params: Params,
    budget_mvnd_per_year: float,
    *,
    years: Sequence[int] | None = None,
    instruments: Sequence[str] | None = None,
    caps: Mapping | None = None,
    minimums: Mapping | None = None,
    dtts_weight: float = 1.0,
    until: int | None = None,
    greedy_steps: int = 50,
    refine: int = 1,
) -> Allocation:
    """Allocate a fixed yearly budget over communes and instruments to minimise the expected poor
    households in the end year (i.e. maximise their expected fall), on top of ``scenario``.

    ``budget_mvnd_per_year`` (million VND) acts in each of ``years`` (review years; default every
    year after the baseline up to ``until``, which defaults to ``core.defaults.DEFAULT_HORIZON``), the
    same allocation every year; an instrument with a lag of ``L`` years is paid ``L`` budget years earlier.
    ``caps``/``minimums`` (million VND per year) are keyed by an area id (its total), an instrument
    id (its total) or a tuple ``(area id, instrument id)``. ``dtts_weight`` > 1 counts a poor dtts
    household more than another. ``greedy_steps`` and ``refine`` (how many of the best starts are
    refined by exchange) tune the search; see the module text for the method.
    """
    try:
        budget = float(budget_mvnd_per_year)
    except (TypeError, ValueError):
        raise PlanningError(f"budget {budget_mvnd_per_year!r}: expected a number of million VND per year") from None
    if not np.isfinite(budget) or budget <= 0:
        raise PlanningError(f"budget {budget_mvnd_per_year!r}: expected a positive number of million VND per year")
    if not np.isfinite(dtts_weight) or dtts_weight <= 0:
        raise PlanningError(f"dtts_weight {dtts_weight!r}: expected a positive number (1 = every household alike)")
    until = DEFAULT_HORIZON if until is None else int(until)
    chosen = resolve_instruments(params, instruments)
    spend = acting_years(baseline, until, years)
    model = compile_model(baseline, scenario, params, until)
    area_ids = list(baseline.area_ids)
    all_k = list(model.instrument_ids)
    cols = np.array([all_k.index(k) for k in chosen])

    # where one million a year in cell (a, k) acts: compile one line per cell and year at 1
    ones = tuple(ResourceLine(budget_year(params, k, y), k, 1.0, area=a)
                 for y in spend for a in area_ids for k in chosen)
    unit = compile_model(baseline, replace(scenario, resources=ones), params, until).fixed_resources
    bounds = _Bounds(area_ids, list(chosen), budget, caps, minimums)
    objective = _Objective(model, unit, budget, cols, float(dtts_weight))

    feasible_point = bounds.linprog_point(minimise_total=False)
    if feasible_point is None:
        raise PlanningError(
            f"no allocation of {budget:g} million VND a year meets these caps and minimums: the minimums add "
            "up to more than the budget, or the caps to less; loosen them or change the budget")
    proportional = _proportional_shares(baseline, chosen)
    prop_ok = bounds.feasible(proportional)
    starts: dict[str, np.ndarray] = {}
    if prop_ok:
        starts["proportional"] = proportional
    equal = np.full(proportional.size, 1.0 / proportional.size)
    starts["equal" if bounds.feasible(equal) else "feasible"] = equal if bounds.feasible(equal) else feasible_point
    base = bounds.linprog_point(minimise_total=True)
    if base is not None:
        starts["greedy"] = _greedy(objective, bounds, base, greedy_steps)

    candidates = {name: y for name, y in starts.items() if bounds.feasible(y)}
    scores = {name: objective(y) for name, y in candidates.items()}
    for name in sorted(scores, key=lambda n: (scores[n], n))[:refine]:
        candidates[f"exchange from {name}"] = _exchange(objective, bounds, candidates[name])
    scores = {name: objective(y) for name, y in candidates.items()}
    best_name = min(scores, key=lambda n: (scores[n], n))
    best = candidates[best_name]

    both = np.stack([best, proportional])
    end = objective.end_stocks(both)[..., _P]  # (2, A, G)
    weights = objective.weights
    poor0 = float(model.stocks0[..., _P].sum())
    w_gain = float(((end[1] - end[0]) * weights).sum())
    table = pd.DataFrame((best * budget).reshape(len(area_ids), len(chosen)), index=pd.Index(area_ids, name="area_id"),
                         columns=list(chosen))
    table = table.where(table.abs() > budget * 1e-9, 0.0)
    prop_table = pd.DataFrame((proportional * budget).reshape(len(area_ids), len(chosen)),
                              index=pd.Index(area_ids, name="area_id"), columns=list(chosen))
    lines = tuple(ResourceLine(budget_year(params, k, y), k, float(table.at[a, k]), area=a)
                  for y in spend for a in area_ids for k in chosen if table.at[a, k] > 0)
    result_scenario = scenario.with_resources(lines, suffix=f"alloc{budget:g}")
    return Allocation(
        table=table,
        proportional=prop_table,
        budget_mvnd_per_year=budget,
        years=spend,
        end_year=until,
        dtts_weight=float(dtts_weight),
        expected_poor_end=float(end[0].sum()),
        expected_poor_end_dtts=float(end[0][:, _DTTS].sum()),
        expected_poor_end_proportional=float(end[1].sum()),
        gain_over_proportional=float(end[1].sum() - end[0].sum()),
        weighted_gain_over_proportional=w_gain,
        expected_fall=poor0 - float(end[0].sum()),
        proportional_feasible=prop_ok,
        scenario=result_scenario,
        start=best_name,
        evaluations=objective.evaluations,
    )
