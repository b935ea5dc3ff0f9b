"""Targets: checks, margins, probability, and the split of a district target over communes.

A target (:class:`~thidua_sim.Target`) asks a poverty rate to fall by (more than)
``threshold_points`` percentage points a year on average between two review years
(docs/planning.md, "Targets and how a check reads")::

    reduction = (rate[start] - rate[end]) / (end - start)        points per year

In the vocabulary of the EMA Workbench a target is a *constraint* on the *outcome*
"reduction": its ``constraint`` value is the distance to the threshold, 0 when met.

Reading the margin in households: with ``H`` the households of the population in the end
year and ``T = end - start`` years, the rate at the end would meet the target exactly with
``P* = (rate[start] - threshold * T) * H / 100`` poor households. ``P_end - P*`` more
households would have had to leave poverty by the end year, that is

    margin_households_per_year = (threshold - reduction) * H / 100

per year of the period (0 when the target is met). Leaving poverty does not change ``H``,
so this is exact on the path checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..core.types import GROUPS, RATE_NAMES, STATES, Baseline, Params, Target
from ..errors import PlanningError, ThiduaError  # noqa: F401 (PlanningError re-exported)
from ..model.projection import Projection

__all__ = [
    "PlanningError",
    "TargetCheck",
    "SPLIT_RULES",
    "TOLERANCE_POINTS",
    "reduction_points_per_year",
    "meets",
    "check_target",
    "draw_meets",
    "check_targets",
    "split_district_target",
    "end_household_weights",
    "commune_feasibility",
]

SPLIT_RULES: tuple[str, ...] = ("equal", "proportional", "dtts_weighted")
"""Rules for proposing commune targets from a district target (see :func:`split_district_target`)."""

TOLERANCE_POINTS = 1e-9
"""Rounding tolerance in percentage points: a reduction within this of the threshold counts as
equal to it (so a "more than" target is not met and an "at least" target is)."""

_GAMMA = RATE_NAMES.index("gamma")
_POOR = STATES.index("poor")


@dataclass(frozen=True)
class TargetCheck:
    """A target checked on a projection.

    ``rate_start``/``rate_end`` are percent on the expected path; ``reduction_points_per_year``
    is their difference over the years between. ``margin_points`` = reduction - threshold
    (negative when missed). ``margin_households_per_year``: how many more households would
    have to leave poverty each year to meet the target (0 when met; see the module text).
    ``probability``: share of Monte Carlo draws meeting it (None without draws).
    ``constraint``: the EMA-style distance to the threshold, ``max(0, threshold - reduction)``.
    ``households_end``: households of the population in the end year (expected path).
    """

    target: Target
    rate_start: float
    rate_end: float
    reduction_points_per_year: float
    met: bool
    margin_points: float
    margin_households_per_year: float
    probability: float | None
    constraint: float
    households_end: float
    draws: int | None = None
    """Monte Carlo draws behind ``probability`` (its error is ``sqrt(p (1 - p) / draws)``)."""

    def as_row(self) -> dict[str, object]:
        """The check as one flat row (target fields first)."""
        t = self.target
        return {
            "target_id": t.id,
            "name_vi": t.name_vi,
            "name_en": t.name_en,
            "population": t.population,
            "start_year": t.start_year,
            "end_year": t.end_year,
            "threshold_points": t.threshold_points,
            "strict": t.strict,
            "rate_start": self.rate_start,
            "rate_end": self.rate_end,
            "reduction_points_per_year": self.reduction_points_per_year,
            "met": self.met,
            "margin_points": self.margin_points,
            "margin_households_per_year": self.margin_households_per_year,
            "probability": self.probability,
            "constraint": self.constraint,
            "households_end": self.households_end,
        }


CHECK_COLUMNS: tuple[str, ...] = tuple(
    ["target_id", "name_vi", "name_en", "population", "start_year", "end_year", "threshold_points", "strict",
     "rate_start", "rate_end", "reduction_points_per_year", "met", "margin_points",
     "margin_households_per_year", "probability", "constraint", "households_end"]
)


def reduction_points_per_year(rate_start: float | np.ndarray, rate_end: float | np.ndarray,
                              start_year: int, end_year: int) -> float | np.ndarray:
    """Average annual reduction in percentage points: ``(rate_start - rate_end) / (end - start)``."""
    years = end_year - start_year
    if years <= 0:
        raise PlanningError(f"a target needs end_year after start_year; found {start_year} -> {end_year}")
    return (np.asarray(rate_start) - np.asarray(rate_end)) / years


def meets(reduction: float | np.ndarray, threshold: float, strict: bool) -> bool | np.ndarray:
    """Whether a reduction meets a threshold: ``>`` for strict targets ("trên"), ``>=`` otherwise,
    with :data:`TOLERANCE_POINTS` so that rounding does not decide."""
    if strict:
        return np.asarray(reduction) > threshold + TOLERANCE_POINTS
    return np.asarray(reduction) >= threshold - TOLERANCE_POINTS


def _target_indices(projection: Projection, target: Target) -> tuple[int, int]:
    if target.end_year <= target.start_year:
        raise PlanningError(
            f"target {target.id!r}: end year {target.end_year} is not after start year {target.start_year}")
    years = projection.years
    for label, year in (("start", target.start_year), ("end", target.end_year)):
        if year not in years:
            raise PlanningError(
                f"target {target.id!r}: {label} year {year} is outside the projection {years[0]}-{years[-1]}; "
                f"project with until >= {target.end_year} from a baseline year <= {target.start_year}")
    return years.index(target.start_year), years.index(target.end_year)


def _rates(projection: Projection, target: Target, population: str, i0: int, i1: int,
           draws: bool = False) -> np.ndarray:
    """The rate series a target is measured on: in its standard when it names one; a target
    without a standard may not compare years of two standards (the break is not a change)."""
    plan = getattr(projection, "periods", None)
    standard = target.standard
    if standard is None and plan is not None and plan.switch is not None \
            and target.start_year < plan.switch.year <= target.end_year and target.kind != "level":
        raise PlanningError(
            f"target {target.id!r} ({target.start_year}-{target.end_year}) compares years of two poverty "
            f"standards: {plan.switch.from_standard} to {plan.switch.year - 1}, {plan.switch.to_standard} from "
            f"{plan.switch.year}; add 'standard: {plan.switch.to_standard}' to measure it on the re-based "
            f"{plan.switch.year - 1} stocks")
    if standard is None:
        return projection.rate(population, draws=draws)
    if plan is None:
        raise PlanningError(f"target {target.id!r} is measured in {standard}; project with periods "
                            "(load_period_inputs) so that each year's standard is known")
    rate = projection.rate(population, draws=draws, standard=standard)
    for label, i in (("start", i0), ("end", i1)):
        if target.kind != "level" or label == "end":
            if np.any(np.isnan(rate[..., i])):
                raise PlanningError(f"target {target.id!r}: its {label} year {projection.years[i]} is not measured in "
                                    f"{standard} in this projection")
    return rate


def check_target(projection: Projection, target: Target) -> TargetCheck:
    """Check one target on a projection: expected path, and the probability over draws if any.

    A ``level`` target compares the end-year rate with the level (``rate_start`` is the start
    year's, for reading); its margin in households is the poor households above the level in the
    end year, spread over the years of the period. A ``communes`` target is met when every named
    commune meets the fall; the row shows the commune with the smallest fall.
    """
    i0, i1 = _target_indices(projection, target)
    if target.kind == "communes":
        return _check_communes(projection, target, i0, i1)
    _check_in_force(projection, target, i0, i1)
    try:
        rate = _rates(projection, target, target.population, i0, i1)
        households = projection.households(target.population)
    except PlanningError:
        raise
    except ThiduaError as exc:
        raise PlanningError(f"target {target.id!r}: {exc}") from None
    r0, r1 = float(rate[i0]), float(rate[i1])
    h_end = float(households[i1])
    years = target.end_year - target.start_year
    if target.kind == "level":
        red = float(reduction_points_per_year(r0, r1, target.start_year, target.end_year)) if r0 == r0 else np.nan
        met = bool(_below(r1, target.threshold_points, target.strict))
        margin = target.threshold_points - r1
        shortfall = 0.0 if met else max(0.0, -margin) * h_end / 100.0 / years
        probability = None
        if projection.draws is not None:
            rd = _rates(projection, target, target.population, i0, i1, draws=True)
            probability = float(np.mean(_below(rd[:, i1], target.threshold_points, target.strict)))
        return TargetCheck(target, r0, r1, red, met, margin, shortfall, probability, max(0.0, -margin), h_end)
    red = float(reduction_points_per_year(r0, r1, target.start_year, target.end_year))
    met = bool(meets(red, target.threshold_points, target.strict))
    margin = red - target.threshold_points
    shortfall = 0.0 if met else max(0.0, -margin) * h_end / 100.0
    probability = None
    if projection.draws is not None:
        rd = _rates(projection, target, target.population, i0, i1, draws=True)
        red_d = reduction_points_per_year(rd[:, i0], rd[:, i1], target.start_year, target.end_year)
        probability = float(np.mean(meets(red_d, target.threshold_points, target.strict)))
    elif getattr(projection, "summary", None) is not None:  # streamed draws: counted while drawing
        probability = projection.summary.probability(target)
    return TargetCheck(target, r0, r1, red, met, margin, shortfall, probability,
                       max(0.0, target.threshold_points - red), h_end,
                       None if projection.draws is None else int(projection.draws.shape[0]))


def _check_in_force(projection: Projection, target: Target, i0: int, i1: int) -> None:
    """Across periods, a unit's target needs the unit in force in its start and end years (a
    dissolved unit has no households afterwards: its rate would read 0)."""
    plan = getattr(projection, "periods", None)
    if plan is None or not target.population.startswith("area:"):
        return
    area = target.population.split(":")[1]
    if area not in [a.id for a in projection.areas]:
        return  # parse_population reports it
    alive = projection.in_force(area)
    for label, i in (("start", i0), ("end", i1)):
        if not alive[i]:
            later = [c for c in plan.changes if any(projection.areas[a].id == area for a, _ in c.moves)]
            where = (f"; from {later[0].year} its households are in "
                     + ", ".join(projection.areas[b].id for a, ts in later[0].moves
                                 if projection.areas[a].id == area for b, _ in ts)) if later else ""
            raise PlanningError(f"target {target.id!r}: unit {area!r} is not in force in its {label} year "
                                f"{projection.years[i]}{where}; check it on a run without periods (--periods off) "
                                "or give the target to the units in force")


def _below(rate: float | np.ndarray, level: float, strict: bool) -> bool | np.ndarray:
    """A level target: below the level (``strict``, "dưới 10%") or at most it, with the tolerance."""
    if strict:
        return np.asarray(rate) < level - TOLERANCE_POINTS
    return np.asarray(rate) <= level + TOLERANCE_POINTS


def _check_communes(projection: Projection, target: Target, i0: int, i1: int) -> TargetCheck:
    """Every named commune must fall by the threshold; reported on the commune with the smallest fall."""
    group = "" if target.population == "district" else f":{target.population}"
    checks = []
    for area in target.areas:
        single = replace(target, id=f"{target.id}:{area}", kind="reduction", population=f"area:{area}{group}",
                         areas=())
        checks.append(check_target(projection, single))
    worst = min(checks, key=lambda c: c.margin_points)
    met = all(c.met for c in checks)
    probability = None
    if projection.draws is not None:
        every = np.ones(projection.draws.shape[0], dtype=bool)
        for area in target.areas:
            rd = _rates(projection, target, f"area:{area}{group}", i0, i1, draws=True)
            red_d = reduction_points_per_year(rd[:, i0], rd[:, i1], target.start_year, target.end_year)
            every &= np.asarray(meets(red_d, target.threshold_points, target.strict))
        probability = float(np.mean(every))
    shortfall = float(sum(c.margin_households_per_year for c in checks))
    return TargetCheck(target, worst.rate_start, worst.rate_end, worst.reduction_points_per_year, met,
                       worst.margin_points, shortfall, probability, max(c.constraint for c in checks),
                       float(sum(c.households_end for c in checks)))


def draw_meets(target: Target, rate_start: np.ndarray, rate_end: np.ndarray) -> np.ndarray:
    """Whether each draw (its rates at the target's start and end years) meets ``target``: the
    ``target_rule`` that streamed projections count with (``project(..., targets=...)``)."""
    return meets(reduction_points_per_year(rate_start, rate_end, target.start_year, target.end_year),
                 target.threshold_points, target.strict)


def check_targets(projection: Projection, targets: Iterable[Target]) -> pd.DataFrame:
    """Check every target (district, group and commune targets alike): one row per target,
    columns :data:`CHECK_COLUMNS`."""
    rows = [check_target(projection, t).as_row() for t in targets]
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


# -- commune targets (proposed; "chỉ tiêu huyện giao" only once assigned) --------------------

def end_household_weights(baseline: Baseline, years: int, params: Params | None = None,
                          group: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Households per area at the start and after ``years`` years of household formation.

    On the expected path households grow by ``H * gamma`` a year whatever their state
    (transitions only move households between states), so after ``T`` years a cell has
    ``H * (1 + gamma)^T``, ``gamma`` being the central base rate with its area multiplier.
    Without ``params`` households are assumed not to change. ``group`` restricts to one group.
    Returns ``(H0 (A,), HT (A,))``.
    """
    h0_cells = np.asarray(baseline.households, dtype=float).sum(axis=-1)  # (A, G)
    growth = np.ones_like(h0_cells)
    if params is not None:
        for g, name in enumerate(GROUPS):
            gamma = np.full(len(baseline.areas), float(params.base_rates.rates[name]["gamma"].central))
            for a, area in enumerate(baseline.areas):
                factor = params.base_rates.area_multipliers.get(area.id, {}).get("gamma", 1.0)
                gamma[a] *= factor
            growth[:, g] = (1.0 + np.clip(gamma, 0.0, None)) ** years
    mask = np.ones(len(GROUPS))
    if group is not None:
        mask = np.array([1.0 if g == group else 0.0 for g in GROUPS])
    return (h0_cells * mask).sum(axis=-1), (h0_cells * growth * mask).sum(axis=-1)


def split_district_target(
    baseline: Baseline,
    target: Target,
    rule: str = "proportional",
    *,
    params: Params | None = None,
    margin_points: float = 0.0,
    max_cut: float = 0.9,
    decimals: int | None = 2,
) -> tuple[Target, ...]:
    """Propose each commune's own annual target so that, if every commune meets its own, the
    district meets ``target`` on the expected path.

    Why the split is not simply "every commune the district's points": the district rate is a
    household-weighted average, ``R_D = sum_a w_a R_a`` with ``w_a = H_a / H``. Over ``T`` years

        R_D(0) - R_D(T) = sum_a (w_a(0) - w_a(T)) R_a(0) + sum_a w_a(T) (R_a(0) - R_a(T)).

    If commune ``a`` cuts its rate by more than ``T x_a``, the district cuts by more than
    ``C + T sum_a w_a(T) x_a``, ``C`` being the first sum (the *composition effect*: negative
    when poorer communes have more new households). So the commune targets ``x_a`` must satisfy

        sum_a w_a(T) x_a >= threshold + margin_points - C / T.

    The end-year weights ``w_a(T)`` are exact on the expected path (see
    :func:`end_household_weights`); pass ``params`` to use the base rates' household formation,
    otherwise shares are taken as unchanged. ``margin_points`` (default 0) raises the district
    threshold to leave room for uncertain household growth.

    Rules (``x_a = c * v_a`` with the one ``c`` meeting the condition with equality):

    - ``"equal"``: ``v_a = 1``, the same points in every commune;
    - ``"proportional"`` (default): ``v_a = R_a(0)``, proportional to the commune's baseline rate;
    - ``"dtts_weighted"``: ``v_a = 1 + s_a`` with ``s_a`` the commune's share of dtts households:
      the same points up-weighted by up to twice for a commune of only dtts households.

    No commune is asked to cut more than ``max_cut`` of its baseline rate by the end year
    (``x_a <= max_cut R_a(0) / T``); what a capped commune cannot carry is spread over the others
    (``c`` is then found by bisection on the monotone left-hand side). With ``decimals`` the
    targets are rounded *up*, which keeps the guarantee. Each commune target keeps the
    district's years and strictness, so strict commune targets imply a strict district result.

    ``target.population`` may be "district" (commune targets on ``area:<id>``) or a group
    "dtts"/"other" (commune targets on ``area:<id>:<group>``). Raises :class:`PlanningError`
    when even the capped maximum in every commune would not meet the district target.
    """
    if rule not in SPLIT_RULES:
        raise PlanningError(f"split rule {rule!r}: expected one of {', '.join(SPLIT_RULES)}")
    if target.population not in ("district", *GROUPS):
        raise PlanningError(
            f"target {target.id!r} is for {target.population!r}; only a district or group target "
            "(district, dtts, other) can be split over communes")
    if not 0.0 < max_cut <= 1.0:
        raise PlanningError(f"max_cut = {max_cut!r}: expected a share in (0, 1]")
    years = target.end_year - target.start_year
    if years <= 0:
        raise PlanningError(f"target {target.id!r}: end year {target.end_year} is not after {target.start_year}")
    if baseline.year != target.start_year:
        raise PlanningError(
            f"target {target.id!r} starts in {target.start_year} but the baseline is {baseline.year}; "
            "split with the baseline of the target's start year")
    group = None if target.population == "district" else target.population
    g_mask = np.array([1.0 if group in (None, g) else 0.0 for g in GROUPS])
    stocks = np.asarray(baseline.households, dtype=float)
    poor0 = (stocks[..., _POOR] * g_mask).sum(axis=-1)
    h0, h_end = end_household_weights(baseline, years, params, group)
    if h_end.sum() <= 0:
        raise PlanningError(f"target {target.id!r}: the baseline has no households in {target.population!r}")
    rate0 = 100.0 * np.divide(poor0, h0, out=np.zeros_like(poor0), where=h0 > 0)
    w0, w_end = h0 / h0.sum(), h_end / h_end.sum()
    composition = float(np.sum((w0 - w_end) * rate0))
    needed = target.threshold_points + margin_points - composition / years  # sum w_end x >= needed

    if rule == "equal":
        v = np.ones_like(rate0)
    elif rule == "proportional":
        v = rate0.copy()
    else:
        dtts = stocks[:, GROUPS.index("dtts"), :].sum(axis=-1)
        total = stocks.sum(axis=(-1, -2))
        v = 1.0 + np.divide(dtts, total, out=np.zeros_like(dtts), where=total > 0)
    present = h0 > 0
    v = np.where(present, v, 0.0)
    cap = np.where(present, max_cut * rate0 / years, 0.0)

    def carried(c: float) -> float:
        return float(np.sum(w_end * np.minimum(c * v, cap)))

    most = float(np.sum(w_end * np.where(v > 0, cap, 0.0)))
    if needed > most + 1e-12:
        raise PlanningError(
            f"target {target.id!r} cannot be split by rule {rule!r}: the district needs "
            f"{needed:.3f} points a year from its communes but they can carry at most {most:.3f} "
            f"(each cutting at most {max_cut:.0%} of its baseline rate); lower the target or raise max_cut")
    if needed <= 0:
        c = 0.0
    elif np.all(needed / float(np.sum(w_end * v)) * v <= cap):
        c = needed / float(np.sum(w_end * v))  # no cap binds: closed form
    else:
        lo, hi = 0.0, needed / float(np.sum(w_end * v))
        while carried(hi) < needed:
            hi *= 2.0
        for _ in range(200):  # bisection on a continuous, non-decreasing, piecewise-linear function
            mid = 0.5 * (lo + hi)
            if carried(mid) >= needed:
                hi = mid
            else:
                lo = mid
        c = hi
    x = np.minimum(c * v, cap)
    if decimals is not None:
        scale = 10.0 ** decimals
        x = np.ceil(x * scale - 1e-9) / scale
        x = np.maximum(x, 0.0)
    source = (f"proposal: split of {target.id} ({target.threshold_points:g} points/yr) by rule {rule}, "
              f"margin {margin_points:g} points, composition effect {composition:+.3f} points over {years} years"
              f"{'' if params is not None else ', household shares assumed unchanged'}")
    out = []
    for a, area in enumerate(baseline.areas):
        population = f"area:{area.id}" if group is None else f"area:{area.id}:{group}"
        out.append(Target(
            id=f"{target.id}:{area.id}",
            name_vi=f"Chỉ tiêu đề xuất – {area.name}",  # computed here: never "chỉ tiêu huyện giao"
            name_en=f"Proposed target – {area.name}",
            population=population,
            threshold_points=float(x[a]),
            start_year=target.start_year,
            end_year=target.end_year,
            strict=target.strict,
            source=source,
            level="commune",
            status="proposed",
        ))
    return tuple(out)


def commune_feasibility(projection: Projection, commune_targets: Sequence[Target]) -> pd.DataFrame:
    """Each commune against its own target under the projection's scenario.

    One row per commune target: the check columns plus ``area_id``, ``area_name`` and
    ``status``: ``"met"``, ``"not_met"`` (missed on the expected path) or, with draws,
    ``"at_risk"`` (met on the expected path but in fewer than half of the draws). Rows are
    ordered worst first (by margin in points).
    """
    names = {a.id: a.name for a in projection.areas}
    table = check_targets(projection, commune_targets)
    area_ids = [t.population.split(":")[1] if t.population.startswith("area:") else "" for t in commune_targets]
    table.insert(0, "area_name", [names.get(a, "") for a in area_ids])
    table.insert(0, "area_id", area_ids)
    status = np.where(table["met"].to_numpy(bool), "met", "not_met").astype(object)
    if projection.draws is not None or getattr(projection, "summary", None) is not None:
        prob = table["probability"].to_numpy(float)
        status = np.where((status == "met") & (prob < 0.5), "at_risk", status)
    table["status"] = status
    return table.sort_values(["margin_points", "area_id"], kind="stable").reset_index(drop=True)


def replace_threshold(target: Target, threshold_points: float) -> Target:
    """The same target with another threshold (used when searching over thresholds)."""
    return replace(target, threshold_points=float(threshold_points))


def targets_by_id(targets: Iterable[Target]) -> Mapping[str, Target]:
    """Targets keyed by id; a duplicate id is a :class:`PlanningError`."""
    out: dict[str, Target] = {}
    for t in targets:
        if t.id in out:
            raise PlanningError(f"two targets with id {t.id!r}")
        out[t.id] = t
    return out
