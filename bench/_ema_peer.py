"""The peer for bench_scale.py's ``peer`` part: EMA Workbench running the same cohort model.

The model is thidua_sim's own: every uncertain parameter is one EMA ``RealParameter`` on (0, 1)
(EMA samples them by Latin hypercube, as thidua_sim does), mapped through the same
distribution (:func:`thidua_sim.model._montecarlo.quantile`), and one experiment is one draw of
the Kbang projection (``simulate_chunk`` with a chunk of one draw: the same household moves,
allocation and coverage). That is how EMA users evaluate a Python model: one function call per
experiment, through its ``SequentialEvaluator``. Only the benchmark needs ``ema_workbench``
(an optional extra; release 2.4 runs on Python 3.11).
"""

from __future__ import annotations

import time
import warnings

import numpy as np


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


def ema_draws_per_second(baseline, scenario, params, experiments: int) -> tuple[float, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import ema_workbench
        from ema_workbench import Model, RealParameter, ScalarOutcome, SequentialEvaluator, perform_experiments

    from thidua_sim.core.types import EFFECT_NAMES, GROUPS, RATE_NAMES
    from thidua_sim.model._montecarlo import ParameterSample, parameter_specs, quantile, simulate_chunk
    from thidua_sim.model.engine import compile_model

    model = compile_model(baseline, scenario, params, 2025)
    specs = parameter_specs(params, model.instrument_ids)
    names = {spec.name: spec.name.replace(":", "__") for spec in specs}
    K = len(model.instrument_ids)
    counter = iter(range(10**9))

    def cohort(**u: float) -> dict:
        rates = np.empty((1, len(GROUPS), len(RATE_NAMES)))
        costs = np.array(model.costs, float).reshape(1, K).copy()
        effects = np.array(model.effects, float).reshape(1, K, len(EFFECT_NAMES)).copy()
        for spec in specs:
            value = float(quantile(spec.value, np.array([u[names[spec.name]]]), spec.scale)[0])
            kind, *rest = spec.name.split(":")
            if kind == "rate":
                rates[0, GROUPS.index(rest[0]), RATE_NAMES.index(rest[1])] = value
            elif kind == "cost":
                costs[0, model.instrument_ids.index(rest[0])] = value
            else:
                effects[0, model.instrument_ids.index(rest[0]), EFFECT_NAMES.index(rest[1])] = value
        seq = np.random.SeedSequence(2021, spawn_key=(next(counter),))
        stocks = simulate_chunk(model, ParameterSample(rates, costs, effects), seq)
        return {"poor_end": float(stocks[0, -1, ..., 0].sum())}

    ema_model = Model("kbang", function=cohort)
    ema_model.uncertainties = [RealParameter(names[s.name], 1e-9, 1 - 1e-9) for s in specs]
    ema_model.outcomes = [ScalarOutcome("poor_end")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(ema_model) as evaluator:
            perform_experiments(ema_model, scenarios=20, evaluator=evaluator)  # warm up
            start = time.perf_counter()
            perform_experiments(ema_model, scenarios=experiments, evaluator=evaluator)
            seconds = time.perf_counter() - start
    return experiments / seconds, ema_workbench.__version__
