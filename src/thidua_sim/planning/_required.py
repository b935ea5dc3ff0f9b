"""The least resources that meet a target (docs/planning.md, "The least resources that meet a target").

Two levers, both one number ``x``:

- ``mode="scale"``: the scenario with every resource line multiplied by ``x`` (a factor);
- ``mode="extra"``: the scenario plus ``x`` million VND a year acting in every year after the
  baseline up to the end year (an instrument with a lag is paid that many budget years
  earlier), as district totals spread by ``rule`` (poor, poor_dtts, equal), split equally over
  the chosen instruments (all of params by default; choose fewer to focus the money).

**On the expected path** the target's reduction is a continuous function of ``x`` that levels
off once every eligible household is covered in every year: that plateau is found by doubling
``x`` until the reduction stops changing. It is *not* always non-decreasing: support that moves
households out of another instrument's reach can lower it (docs/model.md, "Monotonicity"). So
the search does not rely on it: it scans ``x`` (``start``, 64 evenly spaced amounts up to the
plateau amount, and the plateau amount halved up to 30 times), takes the first scanned
amount that meets the target and the failing one before it as the bracket, and
``scipy.optimize.brentq`` finds the crossing inside; the answer is nudged up to the first ``x``
that meets the target (for a "more than" target the root itself only equals it). If no scanned
amount meets it, no amount is reported (a window narrower than the scan's step could be missed
only where the reduction is not monotone). Where the scan sees the reduction fall as ``x``
grows, the result says so (``monotone`` False, ``falls_from``): a larger amount than the answer
may then miss the target. The best reachable reduction is the best of the scan (the plateau's
when the reduction is monotone).

**With a probability** ``p`` the question is the least ``x`` with at least ``p`` of the Monte
Carlo draws meeting the target. Every evaluation uses the same seed (common random numbers), so
the count of successful draws is a step function of ``x``: integer valued, and only nearly
monotone (a household move drawn with the same random numbers usually, not always, turns out
no worse with more money). brentq on it is meaningless; instead the search brackets (starting
from the expected-path answer, halving or doubling) a failing and a meeting ``x``, then shrinks
the bracket on the predicate ``count(x) >= ceil(p * draws)`` until it is within ``rtol``
(default 1 %): each new point interpolates the counts (regula falsi), with bisection as the
safeguard (:func:`_refine`). Every Monte Carlo run costs a full ``project(draws=...)``, so this
takes about 5-8 runs instead of the 10 of plain bisection. The meeting end is returned, so the
answer always meets the target with the stated probability at this seed; a slightly smaller
amount may also meet it by chance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ._allocation import acting_years, batch_expected_path, budget_year, resolve_instruments
from ..core.types import Baseline, Params, ResourceLine, Scenario, Target
from ..model.engine import compile_model
from ..core.defaults import DEFAULT_SEED, REQUIRED_DRAWS
from ..model.projection import population_mask, project
from .targets import PlanningError, TargetCheck, check_target, meets, reduction_points_per_year

__all__ = ["RequiredResources", "required_resources", "REQUIRED_MODES", "EXTRA_RULES"]

REQUIRED_MODES: tuple[str, ...] = ("scale", "extra")
EXTRA_RULES: tuple[str, ...] = ("poor", "poor_dtts", "equal")
_MAX_DOUBLINGS = 80
_SCAN_POINTS = 64  # evenly spaced points of the scan between 0 and the plateau ...
_SCAN_HALVINGS = 30  # ... and the plateau amount halved up to this many times (small answers)
_SCAN_BATCH = 32  # amounts per vectorised expected-path run (memory stays small for large models)


@dataclass(frozen=True)
class RequiredResources:
    """The answer of :func:`required_resources`.

    ``factor`` (mode "scale") or ``extra_mvnd_per_year`` (mode "extra"): the least amount found;
    None when no amount meets the target. ``mvnd_per_year``: the resulting scenario's money acting
    in the years of the target's horizon, per year on average (all instruments). ``feasible``: some amount meets it;
    ``already_met``: the scenario (mode "extra") or no money at all (mode "scale") already does.
    ``reduction_points_per_year``: on the expected path at the answer (at the plateau when
    infeasible); ``best_reduction_points_per_year``: the best of the scan of the lever (at the
    plateau, every eligible household covered as far as the lever reaches, when the reduction is
    monotone). ``probability``: asked; ``achieved_probability``: the
    share of draws meeting it at the answer; ``best_probability``: the share at four times the
    plateau amount, computed only when the search went there (always when infeasible), else None.
    ``scenario``: the scenario at the answer (at the plateau when infeasible). ``check``: the
    target checked at the answer. ``evaluations``: amounts tried (expected path and Monte Carlo);
    ``monte_carlo_runs``: of them full Monte Carlo projections. ``message``: one sentence for the
    planner. ``monotone``: False when the scan of the expected path found more money lowering the
    reduction (docs/planning.md, "The least resources that meet a target"); ``falls_from`` is then
    the first scanned amount where it fell, and the answer is the least meeting amount of the scan
    (a larger amount need not meet the target).
    """

    target: Target
    mode: str
    rule: str | None
    instruments: tuple[str, ...]
    probability: float | None
    factor: float | None
    extra_mvnd_per_year: float | None
    mvnd_per_year: float
    feasible: bool
    already_met: bool
    reduction_points_per_year: float
    best_reduction_points_per_year: float
    achieved_probability: float | None
    best_probability: float | None
    saturation: float
    scenario: Scenario
    check: TargetCheck
    evaluations: int
    monte_carlo_runs: int
    message: str
    monotone: bool = True
    falls_from: float | None = None

    @property
    def amount(self) -> float | None:
        """The answer in the lever's unit (factor or million VND per year)."""
        return self.factor if self.mode == "scale" else self.extra_mvnd_per_year


class _Lever:
    """``x`` -> money arrays of the compiled model (affine), and the scenario at ``x``."""

    def __init__(self, baseline: Baseline, scenario: Scenario, params: Params, until: int, mode: str,
                 rule: str, instruments: tuple[str, ...]):
        self.baseline, self.scenario, self.params, self.until, self.mode = baseline, scenario, params, until, mode
        self.rule = rule
        self.model = compile_model(baseline, scenario, params, until)
        self.years = acting_years(baseline, until)
        if mode == "scale":
            self.base_fixed = np.zeros_like(self.model.fixed_resources)
            self.base_rules = np.zeros_like(self.model.rule_totals)
            self.dir_fixed, self.dir_rules = self.model.fixed_resources, self.model.rule_totals
            self.mix: dict[str, float] = {}
        else:
            self.mix = {k: 1.0 / len(instruments) for k in instruments}
            unit = compile_model(baseline, replace(scenario, resources=self.extra_lines(1.0)), params, until)
            self.base_fixed, self.base_rules = self.model.fixed_resources, self.model.rule_totals
            self.dir_fixed, self.dir_rules = unit.fixed_resources, unit.rule_totals

    def extra_lines(self, x: float) -> tuple[ResourceLine, ...]:
        return tuple(ResourceLine(budget_year(self.params, k, y), k, x * s, rule=self.rule)
                     for y in self.years for k, s in self.mix.items())

    def scenario_at(self, x: float) -> Scenario:
        if self.mode == "scale":
            return self.scenario.scaled(x)
        return self.scenario.with_resources(self.extra_lines(x), suffix=f"plus{x:.6g}")

    def stocks(self, xs: Sequence[float]) -> np.ndarray:
        xs = np.asarray(xs, dtype=float)
        fixed = self.base_fixed[None] + xs[:, None, None, None] * self.dir_fixed[None]
        rules = self.base_rules[None] + xs[:, None, None, None] * self.dir_rules[None]
        return batch_expected_path(self.model, fixed, rules)

    def money_per_year(self, x: float) -> float:
        """Money acting in the horizon, per year on average."""
        lines = self.scenario_at(x).resources
        acting = [r.amount_mvnd for r in lines if r.year + int(self.params.instruments[r.instrument].lag) in self.years]
        return sum(acting) / len(self.years)


def required_resources(
    baseline: Baseline,
    scenario: Scenario,
    params: Params,
    target: Target,
    *,
    mode: str = "scale",
    rule: str = "poor",
    instruments: Sequence[str] | None = None,
    probability: float | None = None,
    draws: int = REQUIRED_DRAWS,
    seed: int = DEFAULT_SEED,
    until: int | None = None,
    rtol: float = 0.01,
) -> RequiredResources:
    """The least resources meeting ``target`` on the expected path, or with ``probability``.

    ``mode="scale"``: the least factor on the scenario's resources. ``mode="extra"``: the least
    extra million VND per year under ``rule`` over ``instruments`` (all by default). With
    ``probability`` (e.g. 0.8) the target must be met in at least that share of ``draws`` Monte
    Carlo replicates at ``seed``; the amount is then found to within ``rtol`` (relative). See the
    module text for the method. When no amount can meet the target the result says so
    (``feasible`` False) with the best reachable reduction.
    """
    if mode not in REQUIRED_MODES:
        raise PlanningError(f"mode {mode!r}: expected one of {', '.join(REQUIRED_MODES)}")
    if mode == "extra" and rule not in EXTRA_RULES:
        raise PlanningError(f"rule {rule!r}: expected one of {', '.join(EXTRA_RULES)} for extra resources")
    if probability is not None and not 0.0 < float(probability) <= 1.0:
        raise PlanningError(f"probability {probability!r}: expected a share in (0, 1], e.g. 0.8")
    if probability is not None and (not isinstance(draws, (int, np.integer)) or draws < 1):
        raise PlanningError(f"draws {draws!r}: expected a whole number >= 1 with a probability")
    until = target.end_year if until is None else int(until)
    if until < target.end_year or baseline.year > target.start_year:
        raise PlanningError(f"target {target.id!r} ({target.start_year}-{target.end_year}) is outside "
                            f"{baseline.year}-{until}")
    chosen = resolve_instruments(params, instruments) if mode == "extra" else tuple(
        dict.fromkeys(r.instrument for r in scenario.resources))
    lever = _Lever(baseline, scenario, params, until, mode, rule, chosen)
    years = lever.model.years
    i0, i1 = years.index(target.start_year), years.index(target.end_year)
    try:
        mask = population_mask(target.population, baseline.areas)
    except Exception as exc:  # ProjectionError: unknown area in the target's population
        raise PlanningError(f"target {target.id!r}: {exc}") from None
    evaluations = mc_runs = 0

    def reductions(xs: Sequence[float]) -> np.ndarray:
        nonlocal evaluations
        evaluations += len(xs)
        s = lever.stocks(xs)  # (B, Y, A, G, 3)
        poor = np.einsum("byag,ag->by", s[..., 0], mask)
        h = np.einsum("byag,ag->by", s.sum(axis=-1), mask)
        rate = 100.0 * np.divide(poor, h, out=np.zeros_like(poor), where=h > 0)
        return reduction_points_per_year(rate[:, i0], rate[:, i1], target.start_year, target.end_year)

    def red(x: float) -> float:
        return float(reductions([x])[0])

    def meets_at(x: float, threshold: float) -> bool:
        return bool(meets(red(x), threshold, target.strict))

    start = 0.0
    # -- the plateau: double until the reduction stops changing --------------------------------
    first = 1.0 if mode == "scale" else _first_guess(baseline, params, chosen)
    x_hi = first
    r_prev = red(x_hi)
    saturation = x_hi
    for _ in range(_MAX_DOUBLINGS):
        r_next = red(2.0 * x_hi)
        if abs(r_next - r_prev) <= 1e-10 * max(1.0, abs(r_next)):
            saturation = x_hi
            break
        x_hi, r_prev = 2.0 * x_hi, r_next
        saturation = x_hi
    # -- a scan of the lever: the reduction need not be monotone in x (docs/planning.md) -----------
    grid = _grid(start, saturation)
    grid_red = np.concatenate([reductions(grid[i:i + _SCAN_BATCH]) for i in range(0, grid.size, _SCAN_BATCH)])
    drops = np.diff(grid_red) < -1e-9 * np.maximum(1.0, np.abs(grid_red[1:]))
    monotone = not bool(drops.any())
    falls_from = None if monotone else float(grid[1:][drops][0])
    best_reduction = float(max(grid_red.max(), r_prev))

    def least_expected(threshold: float) -> float | None:
        """The least amount meeting ``threshold`` on the expected path, or None if no point of the
        scan meets it: the first meeting point of the scan, then the crossing inside its bracket."""
        ok = meets(grid_red, threshold, target.strict)
        if ok[0]:
            return start
        if not ok.any():
            return None
        j = int(np.argmax(ok))
        lo, hi = float(grid[j - 1]), float(grid[j])
        xtol = max(hi * 1e-9, 1e-12)
        g_lo, g_hi = grid_red[j - 1] - threshold, grid_red[j] - threshold
        from scipy.optimize import brentq  # imported on first use: the command line starts quicker

        root = brentq(lambda x: red(x) - threshold, lo, hi, xtol=xtol,
                      rtol=4 * np.finfo(float).eps) if g_lo < 0 < g_hi else hi
        for k in range(64):  # the root only equals the threshold: step up to the first amount meeting it
            cand = root + k * xtol
            if cand >= hi:
                break
            if meets_at(cand, threshold):
                return cand
        return hi

    # -- the expected-path answer --------------------------------------------------------------
    x_exp = least_expected(target.threshold_points)
    already = x_exp == start

    # -- with a probability --------------------------------------------------------------------
    achieved = best_prob = None
    answer = x_exp
    if probability is not None:
        need = math.ceil(float(probability) * draws - 1e-9)
        checks: dict[float, TargetCheck] = {}
        tails: dict[float, float] = {}

        def count(x: float) -> int:
            nonlocal evaluations, mc_runs
            if x not in checks:
                evaluations += 1
                mc_runs += 1
                proj = project(baseline, lever.scenario_at(x), params, until=until, draws=int(draws), seed=seed,
                               keep_draws=True)  # the tail below needs every draw
                checks[x] = check_target(proj, target)
                rd = proj.rate(target.population, draws=True)
                r = reduction_points_per_year(rd[:, i0], rd[:, i1], target.start_year, target.end_year)
                # the reduction that the asked share of draws reaches: its lower tail
                tails[x] = float(np.quantile(r, 1.0 - float(probability)))
            return round(float(checks[x].probability) * draws)

        # beyond the expected plateau, draws with more poor households may still be uncovered
        top = 4.0 * saturation
        answer = None
        x0 = x_exp if x_exp is not None else saturation
        if count(x0) >= need and x0 == start:
            answer = start
        else:
            # a first guess: the amount at which the expected path exceeds the threshold by the gap
            # between the expected reduction and its lower tail at x0 (as if the spread did not change)
            gap = red(x0) - tails[x0]
            guess = least_expected(target.threshold_points + max(gap, 0.0)) if count(x0) < need else None
            probe = x0 if guess is None or guess <= x0 else guess
            if probe <= start:  # nothing to scale from: start from the first guess or the plateau
                probe = first if guess is not None else saturation
            bracket = _bracket(count, need, start, probe, top)
            if bracket is not None:
                answer = _refine(count, need, *bracket, rtol=rtol)
        already = answer == start
        best_prob = count(top) / draws if top in checks else None  # only run when the search needed it
        check = checks[answer if answer is not None else top]
        achieved = check.probability if answer is not None else None
    if answer is None:
        scenario_out = lever.scenario_at(4.0 * saturation if probability is not None else saturation)
    else:
        scenario_out = lever.scenario_at(answer)
    if probability is None:
        check = check_target(project(baseline, scenario_out, params, until=until), target)
    feasible = answer is not None
    message = _message(target, mode, feasible, already, answer, best_reduction, probability, best_prob, lever)
    if not monotone:
        message += (f" More money does not always help here: the expected reduction falls again from about "
                    f"{falls_from:,.3g} ({'factor' if mode == 'scale' else 'million VND a year'}) on, so a larger "
                    "amount than this one may miss the target.")
    return RequiredResources(
        target=target,
        mode=mode,
        rule=rule if mode == "extra" else None,
        instruments=chosen,
        probability=None if probability is None else float(probability),
        factor=answer if mode == "scale" else None,
        extra_mvnd_per_year=answer if mode == "extra" else None,
        mvnd_per_year=lever.money_per_year(answer if answer is not None else saturation),
        feasible=feasible,
        already_met=bool(already and feasible),
        reduction_points_per_year=check.reduction_points_per_year,
        best_reduction_points_per_year=best_reduction,
        achieved_probability=achieved,
        best_probability=best_prob,
        saturation=saturation,
        scenario=scenario_out,
        check=check,
        evaluations=evaluations,
        monte_carlo_runs=mc_runs,
        message=message,
        monotone=monotone,
        falls_from=falls_from,
    )


def _grid(start: float, saturation: float) -> np.ndarray:
    """The amounts the expected-path search scans: ``start``, evenly spaced points up to the plateau
    amount (beyond it every eligible household is covered already), and the plateau amount halved
    again and again (answers far below it)."""
    even = np.linspace(start, saturation, _SCAN_POINTS + 1)
    halved = saturation * 0.5 ** np.arange(1, _SCAN_HALVINGS + 1)
    return np.unique(np.concatenate([even, halved, [saturation]]))


def _bracket(count, need: int, start: float, probe: float, top: float, factor: float = 1.25):
    """A failing and a meeting amount ``(lo, c_lo, hi, c_hi)`` around the answer, from ``probe``
    (a first guess) by steps of ``factor``, then doubling; None when even ``top`` fails."""
    c = count(probe)
    step = factor
    if c >= need:
        hi, c_hi = probe, c
        while hi > 1e-12:
            x = hi / step
            c = count(x)
            if c < need:
                return x, c, hi, c_hi
            hi, c_hi = x, c
            step *= step
        return start, 0, hi, c_hi
    lo, c_lo = probe, c
    while lo * step < top:
        x = lo * step
        c = count(x)
        if c >= need:
            return lo, c_lo, x, c
        lo, c_lo = x, c
        step = min(step * step, 2.0)
    c = count(top)
    return (lo, c_lo, top, c) if c >= need else None


def _refine(count, need: int, lo: float, c_lo: int, hi: float, c_hi: int, rtol: float) -> float:
    """Shrink the bracket to ``rtol`` (relative) keeping ``count(lo) < need <= count(hi)``.

    The next point interpolates the counts linearly (regula falsi on ``count - need``), kept
    at least a tenth of the bracket from either end; after two steps landing on the same side the
    next is a plain bisection (the Illinois safeguard). The count is a step function of the amount,
    so the answer is the meeting end ``hi`` of the last bracket."""
    same_side = 0
    last = None
    while hi - lo > rtol * hi:
        width = hi - lo
        if same_side >= 2 or c_hi <= c_lo:
            x = lo + 0.5 * width
            same_side = 0
        else:
            frac = (need - 0.5 - c_lo) / (c_hi - c_lo)
            x = lo + width * min(max(frac, 0.1), 0.9)
        c = count(x)
        side = c >= need
        same_side = same_side + 1 if side == last else 1
        last = side
        if side:
            hi, c_hi = x, c
        else:
            lo, c_lo = x, c
    return hi


def _first_guess(baseline: Baseline, params: Params, instruments: Sequence[str]) -> float:
    """A starting amount (million VND a year): a tenth of covering every poor household once
    with the average cost of the chosen instruments."""
    cost = float(np.mean([params.instruments[k].cost_mvnd.central for k in instruments]))
    poor = float(np.asarray(baseline.households)[..., 0].sum())
    return max(cost * max(poor, 1.0) / 10.0, 1.0)


def _message(target: Target, mode: str, feasible: bool, already: bool, answer: float | None,
             best: float, probability: float | None, best_prob: float | None, lever: _Lever) -> str:
    how = "" if probability is None else f" with probability {probability:.0%}"
    if not feasible:
        if probability is not None and best_prob is not None:
            return (f"No amount meets {target.id}{how}: even with every eligible household covered the "
                    f"probability is {best_prob:.1%} (expected reduction {best:.2f} points/yr, threshold "
                    f"{target.threshold_points:g}).")
        if mode == "scale" and not any(r.amount_mvnd for r in lever.scenario.resources):
            return (f"No factor meets {target.id}: the scenario has no resources to scale (expected reduction "
                    f"{best:.2f} points/yr, threshold {target.threshold_points:g}); use mode 'extra'.")
        what = "the scenario's instruments" if mode == "scale" else "the chosen instruments"
        return (f"No amount meets {target.id}: with every eligible household covered by {what} the expected "
                f"reduction is {best:.2f} points/yr, threshold {target.threshold_points:g}.")
    if already:
        return f"{target.id} is met{how} {'with no resources at all' if mode == 'scale' else 'without extra money'}."
    assert answer is not None
    if mode == "scale":
        return (f"{target.id} is met{how} with the scenario's resources times {answer:.3f} "
                f"({lever.money_per_year(answer):,.0f} million VND a year on average).")
    return (f"{target.id} is met{how} with {answer:,.0f} million VND a year more, spread by rule "
            f"'{lever.rule}'.")
