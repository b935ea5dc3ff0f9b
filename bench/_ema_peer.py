"""The peer for bench_scale.py's ``peer`` part: EMA Workbench running the same cohort model.

:class:`CohortPeer` is the P/N/O cohort model written as a competent EMA Workbench user writes a
model: a plain Python + NumPy function of **one** parameter set, vectorised over the cells
(areas x groups), called once per experiment by EMA's ``SequentialEvaluator``. It is written
from docs/model.md, not with thidua_sim's engine (it shares only the inputs, read once before
the experiments, as a user loads data files before building an EMA ``Model``):

* parameters: each uncertain value is one EMA ``RealParameter`` on (0, 1) (EMA samples by Latin
  hypercube), mapped through the two-piece normal of docs/model.md (median = central value, 5 % /
  95 % points = the interval, on the logit or log scale, the natural one where the interval
  touches a bound) in one vectorised call;
* each year: district totals spread by poor (or poor dtts) households, coverage
  ``b = min(R / c, E)`` per area and instrument, the four rates the instruments change, the
  moves of each row (P, N, O) as one multinomial per cell (``Generator.multinomial``), household
  formation ``Poisson(gamma H)`` split over the states by a multinomial on the cell's shares
  after the moves (or the scenario's entry shares).

With ``rng=None`` the same function returns the expected path (the moves ``n @ M`` and
``gamma H`` split by the shares): tests/test_ema_peer.py checks it against thidua_sim's
expected projection on Kbang, so the peer really is the same model. The random parts differ
only where thidua_sim uses a cheaper sampler of the same distribution (its sequential
binomials, Cornish-Fisher above variance 1, systematic split of new households; docs/model.md).
Only the benchmark needs ``ema_workbench`` (an optional extra; release 2.4 runs on Python 3.11).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from scipy import special

P, N, O = 0, 1, 2
PPN, PPO, PNP, PNO, POP, PON, GAMMA = range(7)
UPO, UPN, UNO, DNP = range(4)
Z90 = float(special.ndtri(0.95))


class CohortPeer:
    """The cohort model of one district for one parameter set (see the module text)."""

    def __init__(self, baseline, scenario, params, until: int = 2025):
        from thidua_sim.core.types import EFFECT_NAMES, GROUPS, RATE_NAMES
        from thidua_sim.model._montecarlo import parameter_specs
        from thidua_sim.model.engine import compile_model

        model = compile_model(baseline, scenario, params, until)  # the inputs as arrays, read once
        if model.periods is not None:
            raise ValueError("the peer has no unit changes or standard switch")
        self.years = model.years
        self.stocks0 = np.rint(model.stocks0)  # (A, G, 3)
        A, G, _ = self.stocks0.shape
        self.multipliers = np.ones((A, G, 7)) if model.multipliers is None else model.multipliers
        self.fixed, self.totals = model.fixed_resources, model.rule_totals  # (T, A, K), (T, K, 2)
        self.eligible = model.eligible.astype(bool)  # (K, 3)
        self.entry = model.entry
        self.specs = parameter_specs(params, model.instrument_ids)
        self.names = [s.name.replace(":", "__") for s in self.specs]
        # where each parameter goes, and its distribution as arrays (one vectorised transform a call)
        self.central_rates = np.empty((G, 7))
        self.central_costs = np.array(model.costs, float)
        self.central_effects = np.array(model.effects, float)
        self.slots = []
        median, s_lo, s_hi, kind = [], [], [], []
        for spec in self.specs:
            what, *rest = spec.name.split(":")
            if what == "rate":
                self.slots.append(("rate", GROUPS.index(rest[0]), RATE_NAMES.index(rest[1])))
            elif what == "cost":
                self.slots.append(("cost", model.instrument_ids.index(rest[0]), 0))
            else:
                self.slots.append(("effect", model.instrument_ids.index(rest[0]), EFFECT_NAMES.index(rest[1])))
            v = spec.value
            c, lo, hi = float(v.central), float(v.low), float(v.high)
            upper = 1.0 if spec.scale == "logit" else np.inf
            if v.is_fixed:
                m, a, b, k = c, 0.0, 0.0, 0
            elif lo > 0 and hi < upper and 0 < c < upper:
                f = special.logit if spec.scale == "logit" else np.log
                m, a, b, k = f(c), (f(c) - f(lo)) / Z90, (f(hi) - f(c)) / Z90, 1 if spec.scale == "logit" else 2
            else:
                m, a, b, k = c, (c - lo) / Z90, (hi - c) / Z90, 3 if spec.scale == "logit" else 4
            median.append(m)
            s_lo.append(a)
            s_hi.append(b)
            kind.append(k)
        self.median, self.s_lo, self.s_hi = np.array(median), np.array(s_lo), np.array(s_hi)
        self.kind = np.array(kind)
        self.rate_idx = [(i, g, r) for i, (w, g, r) in enumerate(self.slots) if w == "rate"]
        self.cost_idx = [(i, k) for i, (w, k, _) in enumerate(self.slots) if w == "cost"]
        self.effect_idx = [(i, k, e) for i, (w, k, e) in enumerate(self.slots) if w == "effect"]

    def values(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Uniforms (one per parameter, in ``self.specs`` order) -> base rates (G, 7), costs (K,),
        effects (K, 4)."""
        z = special.ndtri(u)
        x = self.median + z * np.where(z < 0, self.s_lo, self.s_hi)
        x = np.where(self.kind == 1, special.expit(x), np.where(self.kind == 2, np.exp(x), x))
        x = np.where(self.kind == 3, np.clip(x, 0.0, 1.0), np.where(self.kind == 4, np.maximum(x, 0.0), x))
        rates = self.central_rates.copy()
        costs = self.central_costs.copy()
        effects = self.central_effects.copy()
        for i, g, r in self.rate_idx:
            rates[g, r] = x[i]
        for i, k in self.cost_idx:
            costs[k] = x[i]
        for i, k, e in self.effect_idx:
            effects[k, e] = x[i]
        return rates, costs, effects

    def run(self, rates: np.ndarray, costs: np.ndarray, effects: np.ndarray,
            rng: np.random.Generator | None = None) -> np.ndarray:
        """Stocks (Y, A, G, 3) of one run: drawn with ``rng``, the expected path with None."""
        r = np.clip(rates[None] * self.multipliers, 0.0, None)  # (A, G, 7) area multipliers
        r[..., :GAMMA] = np.minimum(r[..., :GAMMA], 1.0)
        for a, b in ((PPN, PPO), (PNP, PNO), (POP, PON)):
            over = np.maximum(r[..., a] + r[..., b], 1.0)
            r[..., a] /= over
            r[..., b] /= over
        elig_P, elig_N = self.eligible[:, P], self.eligible[:, N]
        n = self.stocks0.copy()
        out = [n]
        for t in range(len(self.years) - 1):
            # money: fixed lines, then district totals spread by poor (all / dtts) households
            poor_all, poor_dtts = n[:, :, P].sum(axis=1), n[:, 0, P]
            money = self.fixed[t].copy()  # (A, K)
            for rule, w in ((0, poor_all), (1, poor_dtts)):
                if w.sum() > 0:
                    money += np.outer(w / w.sum(), self.totals[t, :, rule])
            # coverage: households reached per area and instrument, as a share of the eligible
            E = n.sum(axis=1) @ self.eligible.T.astype(float)  # (A, K)
            share = np.divide(np.minimum(money / costs, E), E, out=np.zeros_like(E), where=E > 0)
            keep = 1.0 - share[:, :, None] * effects[None]  # (A, K, 4)
            keep_PO = np.prod(keep[:, elig_P, UPO], axis=1)[:, None]  # (A, 1): broadcast over groups
            keep_PN = np.prod(keep[:, elig_P, UPN], axis=1)[:, None]
            keep_NO = np.prod(keep[:, elig_N, UNO], axis=1)[:, None]
            keep_NP = np.prod(keep[:, elig_N, DNP], axis=1)[:, None]
            pPO = 1.0 - (1.0 - r[..., PPO]) * keep_PO
            stay = np.divide(r[..., PPN], 1.0 - r[..., PPO], out=np.zeros_like(pPO), where=r[..., PPO] < 1.0)
            pPN = (1.0 - pPO) * (1.0 - (1.0 - stay) * keep_PN)
            pNO = 1.0 - (1.0 - r[..., PNO]) * keep_NO
            pNP = np.minimum(r[..., PNP] * keep_NP, 1.0 - pNO)
            M = np.empty(n.shape + (3,))  # (A, G, from, to)
            M[..., P, :] = np.stack([1.0 - pPN - pPO, pPN, pPO], axis=-1)
            M[..., N, :] = np.stack([pNP, 1.0 - pNP - pNO, pNO], axis=-1)
            M[..., O, :] = np.stack([r[..., POP], r[..., PON], 1.0 - r[..., POP] - r[..., PON]], axis=-1)
            np.clip(M, 0.0, 1.0, out=M)
            H = n.sum(axis=-1)
            if rng is None:
                moved = np.einsum("...s,...st->...t", n, M)
                new_total = H * r[..., GAMMA]
            else:
                moved = sum(rng.multinomial(n[..., s].astype(np.int64), M[..., s, :]) for s in range(3))
                new_total = rng.poisson(H * r[..., GAMMA])
            if self.entry is None:
                h = moved.sum(axis=-1, keepdims=True)
                split = np.divide(moved, h, out=np.full(moved.shape, 1.0 / 3.0), where=h > 0)
            else:
                split = np.broadcast_to(self.entry, moved.shape)
            if rng is None:
                n = moved + new_total[..., None] * split
            else:
                n = moved + rng.multinomial(new_total, split / split.sum(axis=-1, keepdims=True))
            out.append(n)
        return np.stack(out)


def ema_overhead_per_second(n_parameters: int, experiments: int) -> float:
    """Experiments per second of EMA Workbench calling a model that does nothing: its own cost per
    experiment (sampling, bookkeeping, the call), an upper bound on any peer's draws per second."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import Model, RealParameter, ScalarOutcome, SequentialEvaluator, perform_experiments

    def nothing(**u: float) -> dict:
        return {"poor_end": 0.0}

    model = Model("nothing", function=nothing)
    model.uncertainties = [RealParameter(f"u{i}", 0.0, 1.0) for i in range(n_parameters)]
    model.outcomes = [ScalarOutcome("poor_end")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(model) as evaluator:
            start = time.perf_counter()
            perform_experiments(model, scenarios=experiments, evaluator=evaluator)
            return experiments / (time.perf_counter() - start)


def ema_draws_per_second(baseline, scenario, params, experiments: int, until: int = 2025) -> tuple[float, str]:
    """Draws per second of EMA Workbench running :class:`CohortPeer`, one call per experiment."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench
        from ema_workbench import Model, RealParameter, ScalarOutcome, SequentialEvaluator, perform_experiments

    peer = CohortPeer(baseline, scenario, params, until)
    rng = np.random.default_rng(2021)
    names = peer.names

    def cohort(**u: float) -> dict:
        stocks = peer.run(*peer.values(np.array([u[k] for k in names])), rng)
        end = stocks[-1]
        return {"poor_end": float(end[..., P].sum()), "poor_rate_end": float(100 * end[..., P].sum() / end.sum())}

    ema_model = Model("kbang", function=cohort)
    ema_model.uncertainties = [RealParameter(k, 1e-9, 1 - 1e-9) for k in names]
    ema_model.outcomes = [ScalarOutcome("poor_end"), ScalarOutcome("poor_rate_end")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(ema_model) as evaluator:
            perform_experiments(ema_model, scenarios=20, evaluator=evaluator)  # warm up
            start = time.perf_counter()
            perform_experiments(ema_model, scenarios=experiments, evaluator=evaluator)
            seconds = time.perf_counter() - start
    return experiments / seconds, ema_workbench.__version__
