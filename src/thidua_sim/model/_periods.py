"""Periods: the administrative units in force and the poverty standard of each review year.

A projection that runs past an administrative change (the 2024 and 2025 mergers in the
crosswalk) or past a change of poverty standard (Decree 07/2021 -> Decree 351/2025 from the
2027 review) is a re-mapping of the household stocks *between* two review years; the engine's
one-year recurrence is untouched (docs/model.md section 6):

* **Unit change.** The area axis holds the union of every unit the run meets (the baseline's
  units, then the new ones in crosswalk order). A change effective on date ``d`` applies to the
  first review closing after it (the review closes on 14 December, Decision 24/2021/QĐ-TTg), so
  the 1 July 2025 reorganisation puts the end-2025 review on the new communes: the stocks of the
  review year before are moved by the *unit-change matrix* ``M`` (``M[a, b]`` the share of unit
  ``a``'s households going to ``b``; rows sum to 1) and the transition into the new year starts
  from them. Households are conserved exactly: on the expected path ``n' = n M``; in the Monte
  Carlo each cell of a split unit is divided in whole households by largest remainder (ties to
  the first new unit, as :func:`thidua_sim.data.rollup`).
* **Rates of a new unit** are the household-weighted average of its former units' area
  multipliers (weights: the baseline households carried through the crosswalk), unless the
  base-rates file gives the new unit its own multipliers. A unit that exists before and after
  a change (Nghĩa An, Kông Bơ La in 2024) keeps its own multipliers (assumption: the part it
  receives is small against its own households).
* **Money** of the scenario follows the units: a line naming a unit not in force in the year
  its money acts goes to the unit's successors (or, for a unit not yet formed, to its former
  units) by household share; an ``equal`` line is shared by the units in force that year.
* **Standard switch.** At the first review year of the new standard the stocks of the year
  before are re-based by the reclassification of ``params/rebasing.yaml`` (per group: poor stay
  poor; near-poor -> poor ``a``; other -> poor ``b``, other -> near-poor ``c``), central values on
  the expected path and one Latin-hypercube draw per Monte Carlo replicate (rounded to whole
  households, conserved). The re-based stocks of the year before the switch are kept, so a
  target measured in the new standard can start from that year; no rate change is computed
  across the switch on the raw series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from ..core.types import GROUPS, RATE_NAMES, Area, Baseline, Params, ResourceLine, Scenario
from ..data import AreaInfo, Crosswalk, load_area_info, load_crosswalk
from ..params._rebasing import REBASING_SHARES, Rebasing, load_rebasing
from ..params.standards import Standards, load_standards
from .engine import ProjectionError, normalise_rates

__all__ = ["PeriodInputs", "PeriodPlan", "UnitChange", "StandardSwitch", "load_period_inputs", "review_year_of",
           "build_plan", "extend_baseline", "localise_scenario", "localise_model", "split_whole",
           "rebase_whole", "rebase_matrix"]

REVIEW_CLOSES = (12, 14)
"""Month and day the annual review closes (Decision 24/2021/QĐ-TTg: 1 September - 14 December)."""


def review_year_of(effective: date) -> int:
    """The first review year whose results are on the units in force from ``effective``."""
    return effective.year if effective <= date(effective.year, *REVIEW_CLOSES) else effective.year + 1


@dataclass(frozen=True)
class PeriodInputs:
    """What a run across periods needs besides baseline, scenario and params: the crosswalk and
    the units it names, the poverty standards and the reclassification at a switch. Any may be
    None (no unit change, or no standard switch)."""

    crosswalk: Crosswalk | None = None
    area_info: tuple[AreaInfo, ...] = ()
    standards: Standards | None = None
    rebasing: Rebasing | None = None
    reference: Baseline | None = None  # the data folder's first review (weights of units formed before a baseline)


def load_period_inputs(data_dir: str | Path = "data/kbang", params_dir: str | Path = "params") -> PeriodInputs:
    """The crosswalk and areas files of a data folder and the standards and rebasing files of a
    params folder (each optional: a missing file leaves that part out)."""
    data_dir, params_dir = Path(data_dir), Path(params_dir)
    crosswalk = info = None
    if (data_dir / "crosswalk.csv").exists():
        info = load_area_info(data_dir)
        crosswalk = load_crosswalk(data_dir / "crosswalk.csv", info)
    standards = load_standards(params_dir / "standards.yaml") if (params_dir / "standards.yaml").exists() else None
    rebasing = load_rebasing(params_dir / "rebasing.yaml") if (params_dir / "rebasing.yaml").exists() else None
    reference = None
    if (data_dir / "review_results.csv").exists():
        from ..data import load_baseline

        reference = load_baseline(data_dir)
    return PeriodInputs(crosswalk, tuple(info or ()), standards, rebasing, reference)


@dataclass(frozen=True)
class UnitChange:
    """One administrative change applied at the start of the transition into review ``year``.

    ``moves``: (source index, ((target index, share), ...)) per unit that changes; ``matrix``
    (A, A) the unit-change matrix (identity rows for units that do not change)."""

    year: int
    effective: date
    moves: tuple[tuple[int, tuple[tuple[int, float], ...]], ...]
    matrix: np.ndarray
    source: str = ""


def rebase_matrix(values: np.ndarray) -> np.ndarray:
    """(..., G, 3) shares (near_poor_to_poor, other_to_poor, other_to_near_poor) -> (..., G, 3, 3)
    row-stochastic reclassification matrices (rows old P, N, O; columns new P, N, O)."""
    a, b, c = values[..., 0], values[..., 1], values[..., 2]
    m = np.zeros(values.shape[:-1] + (3, 3))
    m[..., 0, 0] = 1.0
    m[..., 1, 0], m[..., 1, 1] = a, 1.0 - a
    m[..., 2, 0], m[..., 2, 1], m[..., 2, 2] = b, c, 1.0 - b - c
    return m


@dataclass(frozen=True)
class StandardSwitch:
    """Stocks re-based from ``from_standard`` to ``to_standard`` at the start of the transition
    into review ``year`` (the first under the new standard). ``central``: (G, 3) shares in
    REBASING_SHARES order."""

    year: int
    from_standard: str
    to_standard: str
    rebasing: Rebasing
    central: np.ndarray


def split_whole(x: np.ndarray, shares: Sequence[float]) -> np.ndarray:
    """Whole numbers ``x`` (any shape) split by ``shares`` (summing to 1): (..., k) integers adding
    up to ``x`` exactly, by largest remainder (ties to the first share)."""
    s = np.asarray(shares, dtype=float)
    exact = np.asarray(x, dtype=float)[..., None] * s
    parts = np.floor(exact + 1e-9)
    rest = np.rint(np.asarray(x, dtype=float) - parts.sum(axis=-1))  # 0 <= rest < k
    order = np.argsort(-(exact - parts), axis=-1, kind="stable")
    rank = np.argsort(order, axis=-1, kind="stable")
    parts += rank < rest[..., None]
    return parts


def rebase_whole(P: np.ndarray, N: np.ndarray, O: np.ndarray, values: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Re-base whole-number stocks with shares ``values`` (..., 3) broadcasting to the stocks:
    each flow rounded to whole households, the other-household flows capped so that nothing
    goes negative; conserves ``P + N + O`` exactly."""
    a, b, c = values[..., 0], values[..., 1], values[..., 2]
    n_p = np.rint(N * a)
    o_p = np.rint(O * b)
    o_n = np.minimum(np.rint(O * c), O - o_p)
    return P + n_p + o_p, N - n_p + o_n, O - o_p - o_n


@dataclass(frozen=True)
class PeriodPlan:
    """The units and standard of every review year of a run.

    ``areas``: the union of units (the engine's area axis). ``in_force`` (Y, A): True where a
    unit exists at a review year. ``standards``: the standard id of each review year ("" where
    no standard file covers it). ``carried`` (Y, A, G): baseline households carried through the
    changes (the weights of new units' parameters and of money moved between units).
    """

    years: tuple[int, ...]
    areas: tuple[Area, ...]
    in_force: np.ndarray
    changes: tuple[UnitChange, ...]
    switch: StandardSwitch | None
    standards: tuple[str, ...]
    carried: np.ndarray
    predecessors: Mapping[str, tuple[str, ...]]
    inherited: Mapping[str, Mapping[str, np.ndarray]] = field(default_factory=dict)
    """Units of the baseline formed by changes before it: former unit -> its households (G,) in
    the reference review carried to the unit (the weights of its parameters)."""

    @property
    def switch_index(self) -> int | None:
        """Index in ``years`` of the first review year under the new standard, or None."""
        return None if self.switch is None else self.years.index(self.switch.year)

    def changes_into(self, t: int) -> tuple[UnitChange, ...]:
        return tuple(c for c in self.changes if c.year == self.years[t + 1])

    def switch_into(self, t: int) -> bool:
        return self.switch is not None and self.switch.year == self.years[t + 1]

    def units_in_force(self, year: int) -> tuple[str, ...]:
        row = self.in_force[self.years.index(year)]
        return tuple(a.id for a, ok in zip(self.areas, row) if ok)

    def history(self, area_id: str) -> tuple[str, ...]:
        """Every former unit of ``area_id`` through the crosswalk (direct and indirect), oldest last."""
        out: list[str] = []
        todo = list(self.predecessors.get(area_id, ()))
        while todo:
            a = todo.pop(0)
            if a not in out:
                out.append(a)
                todo.extend(self.predecessors.get(a, ()))
        return tuple(out)

    # -- the hooks of the expected path and the Monte Carlo ------------------------------------
    def apply_expected(self, t: int, n: np.ndarray) -> np.ndarray:
        """Stocks (..., A, G, 3) at the start of transition ``t`` after the changes and the
        re-basing into ``years[t + 1]`` (central reclassification)."""
        for change in self.changes_into(t):
            n = np.einsum("...ags,ab->...bgs", n, change.matrix)
        if self.switch_into(t):
            n = self.rebase_expected(n)
        return n

    def rebase_expected(self, n: np.ndarray) -> np.ndarray:
        """Expected stocks (..., A, G, 3) re-based with the central reclassification."""
        assert self.switch is not None
        return np.einsum("...ags,gst->...agt", n, rebase_matrix(self.switch.central))

    def apply_draws(self, t: int, n: np.ndarray, rebasing: np.ndarray | None) -> None:
        """In place: whole-number stocks ``n`` (3, C, A, G) of a chunk of draws (state first, as
        the Monte Carlo holds them) after the changes and the re-basing into ``years[t + 1]``;
        ``rebasing`` (C, G, 3) the drawn shares."""
        for change in self.changes_into(t):
            for a, targets in change.moves:
                x = n[:, :, a, :].copy()  # (3, C, G)
                parts = split_whole(x, [s for _, s in targets])
                n[:, :, a, :] = 0
                for j, (b, _) in enumerate(targets):
                    n[:, :, b, :] += parts[..., j]
        if self.switch_into(t):
            values = (np.broadcast_to(self.switch.central, (n.shape[1], *self.switch.central.shape))  # type: ignore[union-attr]
                      if rebasing is None else rebasing)[:, None, :, :].astype(n.dtype)  # (C, 1, G, 3)
            n[0], n[1], n[2] = rebase_whole(n[0], n[1], n[2], values)

    def rebase_draws(self, stocks: np.ndarray, rebasing: np.ndarray) -> np.ndarray:
        """Whole-number draws (D, A, G, 3) re-based with the drawn shares (D, G, 3), as the Monte
        Carlo does at the switch."""
        s = np.asarray(stocks, dtype=np.float64)
        v = np.asarray(rebasing, dtype=np.float64)[:, None, :, :]
        P, N, O = rebase_whole(s[..., 0], s[..., 1], s[..., 2], v)
        return np.stack([P, N, O], axis=-1).astype(stocks.dtype)


def build_plan(baseline: Baseline, years: Sequence[int], inputs: PeriodInputs) -> PeriodPlan:
    """The plan of a run over ``years`` from ``baseline`` (see the module text)."""
    years = tuple(int(y) for y in years)
    t0, last = years[0], years[-1]
    areas = list(baseline.areas)
    pos = {a.id: i for i, a in enumerate(areas)}
    info = {i.id: i for i in inputs.area_info}
    pending: list[tuple[int, date, list[tuple[str, str, float]], str]] = []
    crosswalk = inputs.crosswalk
    if crosswalk is not None:
        for when in crosswalk.dates:
            year = review_year_of(when)
            if year <= t0 or year > last:
                continue  # the baseline is already on the new units, or the change is past the horizon
            rows = [(r.old_id, r.new_id, r.share) for r in crosswalk.rows if r.effective == when]
            for _, new, _ in rows:
                if new not in pos:
                    if new not in info:
                        raise ProjectionError(f"crosswalk {crosswalk.source}: new unit {new!r} is in no areas file; "
                                              "add it to an areas_*.csv file beside the crosswalk")
                    pos[new] = len(areas)
                    areas.append(info[new].area)
            pending.append((year, when, rows, crosswalk.source))
    A, Y, G = len(areas), len(years), len(GROUPS)
    in_force = np.zeros((Y, A), dtype=bool)
    in_force[:, : len(baseline.areas)] = True
    carried = np.zeros((Y, A, G))
    h = np.zeros((A, G))
    h[: len(baseline.areas)] = np.asarray(baseline.households, dtype=float).sum(axis=-1)
    carried[:] = h
    changes = []
    predecessors: dict[str, list[str]] = {}
    for year, when, rows, source in pending:
        iy = years.index(year)
        by_old: dict[str, list[tuple[str, float]]] = {}
        for old, new, share in rows:
            by_old.setdefault(old, []).append((new, share))
        matrix = np.eye(A)
        moves = []
        for old, targets in by_old.items():
            if old not in pos or not in_force[iy - 1, pos[old]]:
                raise ProjectionError(
                    f"crosswalk {source}: unit {old!r} changes on {when} but is not in force at the {year - 1} "
                    "review of this run; check the baseline's units and the crosswalk")
            total = sum(s for _, s in targets)
            norm = tuple((pos[new], s / total) for new, s in targets)  # shares adding up to 1 exactly
            a = pos[old]
            matrix[a] = 0.0
            for b, s in norm:
                matrix[a, b] += s
            moves.append((a, norm))
            for new, _ in targets:
                if new != old:
                    predecessors.setdefault(new, [])
                    if old not in predecessors[new]:
                        predecessors[new].append(old)
        for a, norm in moves:
            in_force[iy:, a] = False
        for a, norm in moves:
            for b, _ in norm:
                in_force[iy:, b] = True
                in_force[:iy, b] = in_force[:iy, b] & bool(b < len(baseline.areas))
        h = np.einsum("ag,ab->bg", h, matrix)
        carried[iy:] = h
        changes.append(UnitChange(year, when, tuple(moves), matrix, source))

    standard_ids = []
    for y in years:
        try:
            standard_ids.append(inputs.standards.for_year(y).id if inputs.standards is not None else "")
        except Exception:  # a year no standard covers
            standard_ids.append("")
    switch = None
    rb = inputs.rebasing
    if rb is not None and inputs.standards is not None:
        known = {s.id: s for s in inputs.standards}
        for sid in (rb.from_standard, rb.to_standard):
            if sid not in known:
                raise ProjectionError(f"rebasing names standard {sid!r}, which standards.yaml does not define; "
                                      f"known: {', '.join(known)}")
        year = known[rb.to_standard].first_year
        if t0 < year <= last:
            central = np.array([[float(rb.shares[g][name].central) for name in REBASING_SHARES] for g in GROUPS])
            switch = StandardSwitch(year, rb.from_standard, rb.to_standard, rb, central)
    return PeriodPlan(years, tuple(areas), in_force, tuple(changes), switch, tuple(standard_ids), carried,
                      {k: tuple(v) for k, v in predecessors.items()}, _inherited(baseline, inputs))


def _inherited(baseline: Baseline, inputs: PeriodInputs) -> dict[str, dict[str, np.ndarray]]:
    """For each baseline unit formed by crosswalk changes between the reference review and the
    baseline (a run from an imported 2025 review on the new communes): its former units and
    their reference households (G,) carried by the shares."""
    ref, crosswalk = inputs.reference, inputs.crosswalk
    if ref is None or crosswalk is None or int(ref.year) >= int(baseline.year):
        return {}
    comp: dict[str, dict[str, np.ndarray]] = {
        a.id: {a.id: np.asarray(ref.households[i], dtype=float).sum(axis=-1)} for i, a in enumerate(ref.areas)}
    for when in crosswalk.dates:
        year = review_year_of(when)
        if year <= int(ref.year) or year > int(baseline.year):
            continue
        by_old: dict[str, list[tuple[str, float]]] = {}
        for r in crosswalk.rows:
            if r.effective == when:
                by_old.setdefault(r.old_id, []).append((r.new_id, r.share))
        for old, targets in by_old.items():
            if old not in comp:
                continue
            parts = comp.pop(old)
            total = sum(sh for _, sh in targets)
            for new, sh in targets:
                into = comp.setdefault(new, {})
                for orig, h in parts.items():
                    into[orig] = into.get(orig, 0.0) + h * (sh / total)
    return {a.id: comp[a.id] for a in baseline.areas if a.id in comp and set(comp[a.id]) != {a.id}}


def extend_baseline(baseline: Baseline, plan: PeriodPlan) -> Baseline:
    """The baseline on the plan's union of units (units formed later start with no households)."""
    A0, A = len(baseline.areas), len(plan.areas)
    if A == A0:
        return baseline
    households = np.zeros((A, *np.asarray(baseline.households).shape[1:]))
    households[:A0] = baseline.households
    estimated = np.zeros((A, *np.asarray(baseline.estimated).shape[1:]), dtype=bool)
    estimated[:A0] = baseline.estimated
    return replace(baseline, areas=plan.areas, households=households, estimated=estimated)


def _spread(plan: PeriodPlan, unit: str, year: int) -> dict[str, float]:
    """Shares of units in force at ``year`` standing for ``unit``: itself when in force, its
    successors when it ended, its former units when not yet formed (household-weighted)."""
    ids = [a.id for a in plan.areas]
    iy = plan.years.index(year)
    a = ids.index(unit)
    if plan.in_force[iy, a]:
        return {unit: 1.0}
    v = np.zeros(len(ids))
    v[a] = 1.0
    started_before = [c for c in plan.changes if c.year <= year]
    if any(a in dict(c.moves) for c in started_before):  # ended: forward through the changes
        for c in started_before:
            v = v @ c.matrix
    else:  # not formed yet: the units in force at ``year`` that will go into it
        later = [c for c in plan.changes if c.year > year]
        m = np.eye(len(ids))
        for c in later:
            m = m @ c.matrix
        v = m[:, a] * plan.carried[iy].sum(axis=-1) * plan.in_force[iy]
    total = v.sum()
    if total <= 0:
        return {}
    return {ids[b]: float(v[b] / total) for b in np.flatnonzero(v > 0)}


def localise_scenario(scenario: Scenario, plan: PeriodPlan, params: Params) -> Scenario:
    """The scenario's money on the units in force in the year each line acts (module text)."""
    t0, last = plan.years[0], plan.years[-1]
    lines: list[ResourceLine] = []
    changed = False
    for line in scenario.resources:
        inst = params.instruments.get(line.instrument)
        acting = line.year + (int(inst.lag) if inst is not None else 0)
        if inst is None or not t0 < acting <= last:
            lines.append(line)
            continue
        ids = {a.id for a in plan.areas}
        if line.area is not None:
            if line.area not in ids:
                lines.append(line)  # compile_model reports the unknown area
                continue
            shares = _spread(plan, line.area, acting)
            if shares == {line.area: 1.0}:
                lines.append(line)
                continue
            lines.append(replace(line, area=None, rule="shares", shares=shares))
        elif line.rule == "equal":
            lines.append(replace(line, rule="shares", shares={u: 1.0 for u in plan.units_in_force(acting)}))
        elif line.rule == "shares" and line.shares:
            merged: dict[str, float] = {}
            for unit, s in line.shares.items():
                for u, w in (_spread(plan, unit, acting) if unit in ids else {unit: 1.0}).items():
                    merged[u] = merged.get(u, 0.0) + s * w
            lines.append(replace(line, shares=merged))
        else:
            lines.append(line)
            continue
        changed = True
    return replace(scenario, resources=tuple(lines)) if changed else scenario


def localise_model(model, plan: PeriodPlan, params: Params):  # noqa: ANN001, ANN201 - CompiledModel
    """The compiled model with the rates of new units household-weighted from their former
    units' area multipliers, and the plan attached (module text)."""
    A, G = len(plan.areas), len(GROUPS)
    mult = np.ones((A, G, len(RATE_NAMES))) if model.multipliers is None else np.array(model.multipliers)
    explicit = set(params.base_rates.area_multipliers)
    base = np.array([[params.base_rates.rates[g][name].central for name in RATE_NAMES] for g in GROUPS])
    n_base = int(np.sum(plan.in_force[0]))
    for change in plan.changes:
        iy = plan.years.index(change.year)
        h = plan.carried[iy - 1]  # (A, G) before the change
        for b in sorted({b for _, targets in change.moves for b, _ in targets}):
            if b < n_base or plan.areas[b].id in explicit or plan.in_force[iy - 1, b]:
                continue  # a unit that already existed, or one with its own multipliers
            w = change.matrix[:, b][:, None] * h  # (A, G)
            wsum = w.sum(axis=0)  # (G,)
            for g in range(G):
                if wsum[g] > 0:
                    mult[b, g] = (w[:, g, None] * mult[:, g]).sum(axis=0) / wsum[g]
    for b, a in enumerate(plan.areas):  # units of the baseline formed before it: from the reference review
        former = plan.inherited.get(a.id)
        if not former or a.id in explicit:
            continue
        for g in range(G):
            w = np.array([h[g] for h in former.values()])
            if w.sum() <= 0:
                continue
            m = np.array([[params.base_rates.area_multipliers.get(o, {}).get(name, 1.0) for name in RATE_NAMES]
                          for o in former])
            mult[b, g] = (w[:, None] * m).sum(axis=0) / w.sum()
    rates = normalise_rates(base[None] * mult)
    return replace(model, rates=rates, multipliers=None if np.all(mult == 1.0) else mult, periods=plan)
