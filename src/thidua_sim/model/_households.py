"""Household records in the model: classification under the standard of each review year, the
baseline they add up to, flows between review years, the 2027 switch (Decree 351), and the
indicator-level microsimulation of support.

Every classification goes through :func:`thidua_sim.params.standards.classify_many`, the one
implementation of the rule. State codes: 0 poor, 1 near-poor, 2 other (``STATE_CODES``).
"""

from __future__ import annotations

from ..core.defaults import DEFAULT_SEED, SUPPORT_DRAWS
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.types import GROUPS, Baseline, Instrument
from ..data._households import HouseholdRecords
from ..errors import InputError, InputErrors
from ..params._households import HouseholdParams
from ..params.standards import STATE_CODES, Standard, Standards, classify_many, load_standards

__all__ = ["classify_households", "deprivation_counts", "household_baseline", "household_flows",
           "switch_standard", "SwitchResult", "simulate_support", "SupportResult", "TARGETING_RULES",
           "income_draws", "support_outcomes", "STATE_CODES", "MOVES", "review_results_from_records"]

POOR, NEAR, OTHER = 0, 1, 2
MOVES: tuple[str, ...] = ("P->N", "P->O", "N->O")
TARGETING_RULES: tuple[str, ...] = ("nearest_line", "fewest_deprivations", "dtts_first", "cheapest_per_move")
"""How households are chosen for support: income nearest below the line first; fewest
deprivations to close first; ethnic-minority households first (then nearest the line); or
the lowest cost per household expected to move first."""


def _standards(standards: Standards | None) -> Standards:
    return standards if standards is not None else load_standards()


def deprivation_counts(records: HouseholdRecords, standard: Standard) -> np.ndarray:
    """Deprived indicators of each household under ``standard`` (all its flags must be recorded)."""
    flags = records.flags([i.id for i in standard.indicators])
    if (flags < 0).any():
        row = int(np.argmax((flags < 0).any(axis=1)))
        missing = [i.id for i, f in zip(standard.indicators, flags[row], strict=True) if f < 0]
        raise InputErrors([InputError(records.source, f"household of {records.table['year'].iloc[row]}",
                                      f"indicators not recorded: {', '.join(missing)}",
                                      f"every indicator of {standard.id}",
                                      "record the flags, or use the 2027 switch, which states its assumptions")])
    return flags.sum(axis=1, dtype=np.int16)


def classify_households(records: HouseholdRecords, standards: Standards | None = None) -> np.ndarray:
    """The state code of every row under the standard of its review year (int8: 0 P, 1 N, 2 O)."""
    std = _standards(standards)
    years = records.table["year"].to_numpy()
    income = records.table["income"].to_numpy()
    urban = records.table["urban"].to_numpy()
    codes = np.empty(len(years), dtype=np.int8)
    for y in np.unique(years):
        m = years == y
        s = std.for_year(int(y))
        part = records if m.all() else HouseholdRecords(records.table[m], records.areas, records.source)
        codes[m] = classify_many(income[m], deprivation_counts(part, s), urban[m], s)
    return codes


def household_baseline(records: HouseholdRecords, year: int | None = None,
                       standards: Standards | None = None) -> Baseline:
    """The Baseline (households by area, group, state) of one review year of the records, which
    :func:`thidua_sim.project` accepts in place of the commune estimates."""
    part = records.for_year(year)
    return part.baseline(classify_households(part, standards), part.years[0])


# -- flows between two review years -----------------------------------------------------------------
FLOW_COLUMNS: tuple[str, ...] = (
    "poor_start", "poor_escaped", "poor_left", "poor_newly", "poor_fell_back", "poor_end",
    "near_start", "near_out_other", "near_out_poor", "near_left", "near_in_poor", "near_in_new", "near_end",
)
"""Movement of poor and near-poor households. Poor: end = start - escaped - left + newly + fell_back
(escaped: no longer poor, still on the list; left: no longer on the list; fell back: poor again
after having been poor before). Near-poor: end = start - out_other - out_poor - left + in_poor + in_new."""


def household_flows(records: HouseholdRecords, year: int | None = None, standards: Standards | None = None,
                    codes: np.ndarray | None = None) -> pd.DataFrame:
    """Movement (diễn biến) of poor and near-poor households by area and group into review ``year``
    (default: the last year of the records), one row per area and group, columns FLOW_COLUMNS.

    With the year before in the records, households are matched by pseudonym; flows are counted
    in the unit of the household at the end of the year (a household that left, in its unit at the
    start). With one year only, the start comes from the recorded classification at the start
    of the period (column ``status_before``).
    """
    codes = classify_households(records, standards) if codes is None else codes
    table = records.table
    year = records.years[-1] if year is None else int(year)
    end_mask = (table["year"] == year).to_numpy()
    if (year - 1) in records.years:
        start_mask = (table["year"] == year - 1).to_numpy()
        start = pd.DataFrame({"household_id": table["household_id"][start_mask].to_numpy(),
                              "before": codes[start_mask], "area0": table["area_id"][start_mask].to_numpy(),
                              "group0": table["group"][start_mask].to_numpy()})
        end = pd.DataFrame({"household_id": table["household_id"][end_mask].to_numpy(), "after": codes[end_mask],
                            "area1": table["area_id"][end_mask].to_numpy(),
                            "group1": table["group"][end_mask].to_numpy(),
                            "prev": table["previously_poor"][end_mask].to_numpy()})
        both = start.merge(end, on="household_id", how="outer")
        earlier = (table["year"] < year - 1).to_numpy() & (codes == POOR)
        ever = set(table["household_id"][earlier])
        both["prev"] = both["prev"].fillna(False).astype(bool) | both["household_id"].isin(ever)
        before = both["before"].fillna(-1).to_numpy().astype(int)
        after = both["after"].fillna(-1).to_numpy().astype(int)
        area = both["area1"].where(both["area1"].notna(), both["area0"]).to_numpy()
        group = both["group1"].where(both["group1"].notna(), both["group0"]).to_numpy()
        prev = both["prev"].to_numpy()
    else:
        status = table["status_before"][end_mask]
        if (status == "").any():
            first = int(np.argmax((status == "").to_numpy()))
            raise InputErrors([InputError(records.source, f"household {first + 1} of {year}",
                                          "no classification at the start of the period (Phân loại đầu kỳ)",
                                          f"the records of {year - 1} too, or the column status_before on every row",
                                          "import the list of the year before with the same key, or fill in "
                                          "'Phân loại đầu kỳ' (nghèo, cận nghèo, khác, mới)")])
        before = status.map({"poor": POOR, "near_poor": NEAR, "other": OTHER, "new": -1}).to_numpy().astype(int)
        after = codes[end_mask].astype(int)
        area = table["area_id"][end_mask].to_numpy()
        group = table["group"][end_mask].to_numpy()
        prev = table["previously_poor"][end_mask].to_numpy()
    f = {
        "poor_start": before == POOR,
        "poor_escaped": (before == POOR) & (after >= NEAR),
        "poor_left": (before == POOR) & (after == -1),
        "poor_newly": (after == POOR) & (before != POOR) & ~prev,
        "poor_fell_back": (after == POOR) & (before != POOR) & prev,
        "poor_end": after == POOR,
        "near_start": before == NEAR,
        "near_out_other": (before == NEAR) & (after == OTHER),
        "near_out_poor": (before == NEAR) & (after == POOR),
        "near_left": (before == NEAR) & (after == -1),
        "near_in_poor": (after == NEAR) & (before == POOR),
        "near_in_new": (after == NEAR) & ((before == OTHER) | (before == -1)),
        "near_end": after == NEAR,
    }
    frame = pd.DataFrame({"area_id": area, "group": group, **{k: v.astype(int) for k, v in f.items()}})
    out = frame.groupby(["area_id", "group"], sort=False)[list(FLOW_COLUMNS)].sum()
    order = [a.id for a in records.areas]
    present = set(area)
    full = pd.MultiIndex.from_product([[a for a in order if a in present], list(GROUPS)], names=["area_id", "group"])
    out = out.reindex(full, fill_value=0).reset_index()
    out.insert(2, "year", year)
    return out


# -- the 2027 switch ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SwitchResult:
    """Each household of the last review year classified under its own standard and under the
    standard of ``target_year`` (Decree 351 for 2027). ``codes_now``/``codes_new`` per row of
    ``records``; ``by_area``: counts and the expected jump per area and group; ``assumed``:
    indicator -> how it was filled where not recorded; ``recorded_share``: indicator -> share of
    households with the flag recorded."""

    records: HouseholdRecords
    codes_now: np.ndarray
    codes_new: np.ndarray
    standard_now: Standard
    standard_new: Standard
    growth_per_year: float
    by_area: pd.DataFrame
    assumed: Mapping[str, str] = field(default_factory=dict)
    recorded_share: Mapping[str, float] = field(default_factory=dict)

    def baseline(self) -> Baseline:
        """The re-based baseline: the households as classified under the new standard."""
        return self.records.baseline(self.codes_new, self.records.years[0])


def switch_standard(records: HouseholdRecords, hparams: HouseholdParams, target_year: int = 2027,
                    standards: Standards | None = None, year: int | None = None) -> SwitchResult:
    """Reclassify every household of review ``year`` (default: the last) under the standard of
    ``target_year``: incomes grown by the declared growth a year up to ``target_year``; the new
    standard's indicators from the recorded flags, and where a flag was not recorded from the
    declared assumption of ``params/households.yaml`` (``switch_2027.assume_indicators``)."""
    std = _standards(standards)
    part = records.for_year(year)
    y = part.years[0]
    now, new = std.for_year(y), std.for_year(target_year)
    codes_now = classify_households(part, std)
    table = part.table
    counts = np.zeros(len(table), dtype=np.int16)
    assumed: dict[str, str] = {}
    recorded: dict[str, float] = {}
    for ind in new.indicators:
        flag = table[f"dep_{ind.id}"].to_numpy().astype(np.int16)
        missing = flag < 0
        recorded[ind.id] = float(1 - missing.mean())
        if missing.any():
            sources = hparams.assume_indicators.get(ind.id)
            if sources is None:
                raise InputErrors([InputError(hparams.source or "params/households.yaml",
                                              f"switch_2027.assume_indicators.{ind.id}",
                                              f"no assumption, and {int(missing.sum())} households without the flag",
                                              f"how to fill indicator {ind.id} of {new.id} where it was not recorded",
                                              f"add '{ind.id}: {{from: [...], assumption: ...}}', or record the flag")])
            stand_in = np.zeros(len(table), dtype=bool)
            for src in sources:
                s = table[f"dep_{src}"].to_numpy()
                stand_in |= s > 0
            flag = np.where(missing, stand_in.astype(np.int16), flag)
            assumed[ind.id] = (f"{int(missing.sum())} households: from {', '.join(sources)} "
                               f"({hparams.assumption_notes.get(ind.id, '')})")
        counts += flag
    growth = float(hparams.switch_growth.central)
    income = table["income"].to_numpy() * (1.0 + growth) ** (target_year - y)
    codes_new = classify_many(income, counts, table["urban"].to_numpy(), new)
    frame = pd.DataFrame({"area_id": table["area_id"].to_numpy(), "group": table["group"].to_numpy(),
                          "households": 1, "poor_now": codes_now == POOR, "near_now": codes_now == NEAR,
                          "poor_new": codes_new == POOR, "near_new": codes_new == NEAR})
    by = frame.groupby(["area_id", "group"], sort=False).sum(numeric_only=True).astype(int)
    order = part.area_order()
    by = by.reindex(pd.MultiIndex.from_product([order, list(GROUPS)], names=["area_id", "group"]),
                    fill_value=0).reset_index()
    by["poor_jump"] = by["poor_new"] - by["poor_now"]
    by["near_jump"] = by["near_new"] - by["near_now"]
    return SwitchResult(part, codes_now, codes_new, now, new, growth, by, assumed, recorded)


# -- the microsimulation ------------------------------------------------------------------------------
def income_draws(n: int, draws: int, hparams: HouseholdParams, seed: int, years: int = 1) -> np.ndarray:
    """Income growth factors (draws, n): exp of a normal with the declared mean and spread a year.

    ``draws`` = 0 gives one row of the central growth (no uncertainty)."""
    mean, sd = float(hparams.growth_mean.central), float(hparams.growth_sd.central)
    if draws == 0 or sd == 0:
        return np.full((max(draws, 1), n), np.exp(mean * years))
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((draws, n), dtype=np.float64)
    g *= sd * np.sqrt(years)
    g += mean * years
    return np.exp(g)


def _applicable(inst: Instrument, codes: np.ndarray) -> np.ndarray:
    ok = np.zeros(len(codes), dtype=bool)
    if "poor" in inst.eligible:
        ok |= codes == POOR
    if "near_poor" in inst.eligible:
        ok |= codes == NEAR
    return ok


def support_outcomes(flags: np.ndarray, indicator_ids: Sequence[str], income: np.ndarray, urban: np.ndarray,
                     codes: np.ndarray, growth: np.ndarray, standard: Standard,
                     package: Sequence[Instrument]) -> tuple[np.ndarray, np.ndarray]:
    """State codes after a year (draws, n): without support and with ``package`` (each instrument
    applied to the households it is eligible for). Common random numbers: the same growth draw
    for a household with and without support."""
    counts0 = flags.sum(axis=1, dtype=np.int16)
    grown = income[None, :] * growth
    without = classify_many(grown, counts0[None, :], urban[None, :], standard)
    closed = np.zeros(flags.shape, dtype=bool)
    extra = np.zeros(len(income))
    for inst in package:
        ok = _applicable(inst, codes)
        for iid in inst.closes:
            if iid in indicator_ids:
                closed[:, list(indicator_ids).index(iid)] |= ok
        if inst.income_effect_vnd is not None:
            extra += np.where(ok, float(inst.income_effect_vnd.central), 0.0)
    counts1 = (flags.astype(bool) & ~closed).sum(axis=1, dtype=np.int16)
    grown += extra[None, :]
    with_ = classify_many(grown, counts1[None, :], urban[None, :], standard)
    return without, with_


@dataclass(frozen=True)
class SupportResult:
    """A targeted support plan simulated on household records.

    ``selected``: row indices (into ``records.table``) of the supported households, in the order
    the rule chose them; ``cost_mvnd``: their cost. ``moves``: expected households moving P->N,
    P->O, N->O with the support, ``moves_without``: the same households without it (income
    growth alone), each a dict move -> (mean, 5 %, 95 %) over the draws. ``by_village``: the
    list size per area and thôn. ``effects``: effect sizes the cohort model can use (uPN, uPO,
    uNO: the share of supported poor / near-poor households the support moves, net of growth),
    with ``effects_source`` saying which records they come from."""

    records: HouseholdRecords
    package: tuple[str, ...]
    rule: str
    budget_mvnd: float | None
    draws: int
    selected: np.ndarray
    cost_mvnd: float
    moves: Mapping[str, tuple[float, float, float]]
    moves_without: Mapping[str, tuple[float, float, float]]
    by_village: pd.DataFrame
    effects: Mapping[str, float]
    effects_source: str
    eligible: int
    effects_interval: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def effects_document(self) -> dict:
        """The effect sizes as a params-style document (value, 90 % interval over the income draws,
        unit, reference), to copy into ``params/instruments.yaml`` in place of hand-set uplifts."""
        values = {}
        for name, v in self.effects.items():
            if v != v or v < 0:   # no households of that state supported, or nothing to report
                continue
            node: dict = {"value": round(float(v), 4), "unit": "probability"}
            lo, hi = self.effects_interval.get(name, (v, v))
            if lo < hi and lo <= v <= hi:
                node["interval"] = [round(max(0.0, lo), 4), round(min(1.0, hi), 4)]
            node["reference"] = f"thidua-sim households simulate: {self.effects_source}"
            if self.records.synthetic:
                node["assumption"] = "estimated from SYNTHETIC records: shows the method, not Kbang's effect"
            values[name] = node
        return {"description": "Effect sizes estimated from household records by the indicator-level "
                               "microsimulation (docs/households.md); the share of supported households the "
                               "support moves, net of income growth.",
                "effects": {"+".join(self.package): values}}

    def summary(self) -> pd.DataFrame:
        rows = []
        for m in MOVES:
            w, wo = self.moves[m], self.moves_without[m]
            rows.append({"move": m, "with_support": w[0], "with_low": w[1], "with_high": w[2],
                         "without_support": wo[0], "attributable": w[0] - wo[0]})
        return pd.DataFrame(rows)


def restrict_areas(records: HouseholdRecords, areas: Sequence[str] | None) -> HouseholdRecords:
    """The records of some areas (ids); InputErrors naming an id the records do not have."""
    if areas is None:
        return records
    from ..params._values import suggest

    present = records.area_order()
    unknown = [a for a in areas if a not in present]
    if unknown:
        raise InputErrors([InputError("--areas", a, f"no households of {a!r}{suggest(a, present)}",
                                      "area ids of the list: " + ", ".join(present)) for a in unknown])
    keep = records.table["area_id"].isin(list(areas)).to_numpy()
    return HouseholdRecords(records.table[keep].reset_index(drop=True), records.areas, records.source,
                            records.dropped, records.pseudonymised)


def check_package(package: Sequence[str], instruments: Mapping[str, Instrument]) -> None:
    """Every id of ``package`` is an instrument with a household-level effect (InputErrors if not)."""
    from ..params._values import suggest

    known = sorted(k for k, i in instruments.items() if i.closes or i.income_effect_vnd is not None)
    errors = []
    if not package:
        errors.append(InputError("--instruments", "instruments", "none", "at least one of " + ", ".join(known)))
    for p in package:
        if p not in instruments:
            errors.append(InputError("--instruments", p, f"unknown instrument {p!r}{suggest(p, known)}",
                                     "an instrument of params/instruments.yaml or a measure of params/households.yaml: "
                                     + ", ".join(known)))
        elif p not in known:
            errors.append(InputError("--instruments", p, f"{p!r}, which declares no household-level effect",
                                     "one of " + ", ".join(known),
                                     f"add 'closes' or 'income_effect' to {p} in params/instruments.yaml"))
    if errors:
        raise InputErrors(errors)


def _moves(before: np.ndarray, after: np.ndarray) -> dict[str, np.ndarray]:
    """Households per draw making each move."""
    b = before[None, :]
    return {"P->N": ((b == POOR) & (after == NEAR)).sum(axis=1),
            "P->O": ((b == POOR) & (after == OTHER)).sum(axis=1),
            "N->O": ((b == NEAR) & (after == OTHER)).sum(axis=1)}


def _stats(x: np.ndarray) -> tuple[float, float, float]:
    return float(x.mean()), float(np.quantile(x, 0.05)), float(np.quantile(x, 0.95))


def simulate_support(records: HouseholdRecords, instruments: Mapping[str, Instrument], package: Sequence[str],
                     hparams: HouseholdParams, rule: str = "nearest_line", budget_mvnd: float | None = None,
                     draws: int = SUPPORT_DRAWS, seed: int = DEFAULT_SEED, standards: Standards | None = None,
                     year: int | None = None, areas: Sequence[str] | None = None) -> SupportResult:
    """Choose households for the support ``package`` (instrument ids) by ``rule`` (one of
    TARGETING_RULES) within ``budget_mvnd`` (None: every eligible household), give it to them,
    and reclassify them a year on under ``draws`` draws of income growth per household.

    The rule orders the eligible households; in that order each household is supported if its
    cost still fits in the budget left (so a dearer household may be passed over for cheaper ones
    after it).

    A household is eligible when at least one instrument of the package is for its state (poor
    or near-poor); its cost is the sum of the instruments it gets (central costs)."""
    if rule not in TARGETING_RULES:
        raise InputErrors([InputError("--rule", "targeting rule", repr(rule), "one of " + ", ".join(TARGETING_RULES))])
    check_package(package, instruments)
    insts = [instruments[p] for p in package]
    std = _standards(standards)
    part = restrict_areas(records.for_year(year), areas)
    standard = std.for_year(part.years[0])
    codes = classify_households(part, std)
    eligible_mask = np.zeros(len(codes), dtype=bool)
    cost = np.zeros(len(codes))
    for inst in insts:
        ok = _applicable(inst, codes)
        eligible_mask |= ok
        cost += np.where(ok, float(inst.cost_mvnd.central), 0.0)
    idx = np.flatnonzero(eligible_mask)
    ids = [i.id for i in standard.indicators]
    t = part.table
    flags = part.flags(ids)[idx]
    income = t["income"].to_numpy()[idx]
    urban = t["urban"].to_numpy()[idx]
    c = codes[idx]
    growth = income_draws(len(idx), draws, hparams, seed)
    without, with_ = support_outcomes(flags, ids, income, urban, c, growth, standard, insts)
    gain = ((with_ > c[None, :]).mean(axis=0) - (without > c[None, :]).mean(axis=0))
    line = np.where(urban, standard.income_line_urban, standard.income_line_rural)
    gap = (line - income) / line
    counts = flags.sum(axis=1)
    # deprivations a poor household must close to become near-poor; near-poor households (who can
    # only move up by income) come after every poor one under this rule
    to_close = np.where(c == POOR, counts - (standard.poor_min_deprivations - 1), len(ids) + 1)
    if rule == "nearest_line":
        order = np.lexsort((np.arange(len(idx)), gap))
    elif rule == "fewest_deprivations":
        order = np.lexsort((np.arange(len(idx)), gap, to_close))
    elif rule == "dtts_first":
        order = np.lexsort((np.arange(len(idx)), gap, (t["group"].to_numpy()[idx] != "dtts")))
    else:
        per_move = np.where(gain > 0, cost[idx] / np.maximum(gain, 1e-12), np.inf)
        order = np.lexsort((np.arange(len(idx)), gap, per_move))
    if budget_mvnd is None:
        chosen = order
    else:  # in the rule's order, every household whose support still fits in what is left
        left, keep = float(budget_mvnd) + 1e-9, []
        for k, price in zip(order, cost[idx][order], strict=True):
            if price <= left:
                keep.append(k)
                left -= price
        chosen = np.asarray(keep, dtype=int)
    sel = np.zeros(len(idx), dtype=bool)
    sel[chosen] = True
    m_with = _moves(c[sel], with_[:, sel])
    m_without = _moves(c[sel], without[:, sel])
    moves = {k: _stats(v) for k, v in m_with.items()}
    moves_without = {k: _stats(v) for k, v in m_without.items()}
    n_poor, n_near = int((c[sel] == POOR).sum()), int((c[sel] == NEAR).sum())
    effects, intervals = {}, {}
    for name, move, n_base in (("uPN", "P->N", n_poor), ("uPO", "P->O", n_poor), ("uNO", "N->O", n_near)):
        if n_base:
            per_draw = (m_with[move] - m_without[move]) / n_base
            effects[name] = (moves[move][0] - moves_without[move][0]) / n_base
            intervals[name] = (float(np.quantile(per_draw, 0.05)), float(np.quantile(per_draw, 0.95)))
        else:
            effects[name] = float("nan")
    what = "synthetic household records" if part.synthetic else "household records"
    source = (f"{what} {part.source}, review year {part.years[0]}: {n_poor} poor and {n_near} near-poor "
              f"households supported ({', '.join(package)}, rule {rule}), {draws} income draws, seed {seed}")
    chosen_rows = idx[chosen]
    by_village = (t.iloc[chosen_rows].groupby(["area_id", "village"], sort=True).size()
                  .rename("households").reset_index())
    return SupportResult(part, tuple(package), rule, budget_mvnd, draws, chosen_rows,
                         float(cost[chosen_rows].sum()), moves, moves_without, by_village, effects, source,
                         int(len(idx)), intervals)


def review_results_from_records(records: HouseholdRecords, standards: Standards | None = None):
    """The records added up as review results (one row per unit, group and year, in the format of
    ``review_results.csv``): real records replace the commune estimates with one import. Flows
    (escaped, fell back, newly poor, near-poor to poor) where the year before or the start-of-
    period classification is in the records; synthetic records are marked as estimates."""
    from ..data._review_results import REVIEW_COLUMNS, ReviewResults

    std = _standards(standards)
    codes = classify_households(records, std)
    rows = []
    for year in records.years:
        m = (records.table["year"] == year).to_numpy()
        part = HouseholdRecords(records.table[m].reset_index(drop=True), records.areas, records.source)
        order, counts = part.baseline_counts(codes[m])
        has_flows = (year - 1) in records.years or (part.table["status_before"] != "").all()
        flows = None
        if has_flows:
            flows = household_flows(records, year, std, codes).set_index(["area_id", "group"])
        for a, area in enumerate(order):
            for g, group in enumerate(GROUPS):
                row = {"area_id": area, "group": group, "year": year, "households": int(counts[a, g].sum()),
                       "poor": int(counts[a, g, POOR]), "near_poor": int(counts[a, g, NEAR])}
                for col, flow in (("escaped_poverty", "poor_escaped"), ("fell_back", "poor_fell_back"),
                                  ("newly_poor", "poor_newly"), ("near_poor_to_poor", "near_out_poor")):
                    row[col] = float(flows.loc[(area, group), flow]) if flows is not None else np.nan
                row["estimate"] = bool(part.synthetic)
                row["method"] = ("synthetic household records, classified" if part.synthetic
                                 else "household records, classified") + " (thidua-sim households import)"
                row["source"] = str(records.source)
                rows.append(row)
    table = pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))
    for c in ("year", "households", "poor", "near_poor"):
        table[c] = table[c].astype("int64")
    present = set(table["area_id"])
    return ReviewResults(table, tuple(a.area for a in records.areas if a.id in present), records.source,
                         tuple(records.areas))
