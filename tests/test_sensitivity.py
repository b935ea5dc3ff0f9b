"""Sensitivity: the batched expected path equals the engine's, Sobol indices find the one parameter
that matters, PRIM finds the range of it under which the target fails, and probabilities carry
their Monte Carlo error."""

import math

import numpy as np
import pytest
from factories import SIMPLE_RATES, line, make_baseline, make_instrument, make_params, make_scenario

from thidua_sim import BaseRates, Target, Uncertain
from thidua_sim.model.engine import compile_model, expected_path
from thidua_sim.planning.sensitivity import batched_expected_stocks, sensitivity
from thidua_sim.report.validation import mc_error, probability_with_error


def _params(uncertain=("pPO",), instruments=()):
    groups = {}
    for g in ("dtts", "other"):
        groups[g] = {k: (Uncertain(v, v * 0.4, v * 1.8, "test") if k in uncertain else Uncertain(v, source="test"))
                     for k, v in SIMPLE_RATES.items()}
    return make_params(instruments=instruments, rates=BaseRates(groups, {}, "test"))


def test_batched_expected_path_equals_the_engine():
    inst = make_instrument("livelihood", cost=10.0, effects={"uPO": 0.3})
    params = _params(instruments=[inst])
    baseline = make_baseline()
    scenario = make_scenario([line(2022, "livelihood", 300.0, rule="poor"), line(2023, "livelihood", 200.0,
                                                                              area="area_1")])
    model = compile_model(baseline, scenario, params, until=2025)
    rates = np.array([[[params.base_rates.rates[g][n].central for n in SIMPLE_RATES] for g in ("dtts", "other")]])
    got = batched_expected_stocks(model, np.repeat(rates, 3, axis=0), np.repeat(model.costs[None], 3, axis=0),
                                  np.repeat(model.effects[None], 3, axis=0))
    want = expected_path(model).stocks
    for s in range(3):
        np.testing.assert_allclose(got[s], want, rtol=1e-12)


def test_sobol_and_prim_find_the_parameter_that_decides():
    # only the dtts and other exit rates pPO are uncertain; an instrument effect with no money is
    # uncertain too and cannot matter. The district's fall depends on pPO of both groups only.
    inst = make_instrument("unused", cost=10.0, effects={"uPO": 0.3})
    inst = type(inst)(inst.id, inst.name_vi, inst.name_en, inst.programme, inst.cost_mvnd, inst.eligible,
                      {"uPO": Uncertain(0.3, 0.1, 0.5, "test")}, inst.lag, inst.source)
    params = _params(instruments=[inst])
    baseline = make_baseline()
    target = Target("t", "t", "t", "district", 2.0, 2021, 2025)
    result = sensitivity(baseline, make_scenario([]), params, target, base_samples=128, seed=3)
    st = result.indices.set_index("parameter")["ST"]
    assert st["effect:unused:uPO"] == pytest.approx(0.0, abs=0.02)
    assert st["rate:dtts:pPO"] + st["rate:other:pPO"] > 0.9
    assert st["rate:dtts:pPO"] > st["rate:other:pPO"]  # most poor households of make_baseline are dtts
    # failing runs are those with slow exits: the box caps pPO of dtts from above
    assert 0.05 < result.probability < 0.95
    box = result.box.set_index("parameter")
    assert "rate:dtts:pPO" in box.index
    samples = result.samples
    assert box.loc["rate:dtts:pPO", "high"] < samples["rate:dtts:pPO"].max()
    assert result.box_stats["density"] > 1 - result.probability


def test_probability_with_its_monte_carlo_error():
    assert mc_error(0.46, 200) == pytest.approx(math.sqrt(0.46 * 0.54 / 200))  # 0.0352
    assert probability_with_error(0.46, 200, "vi") == "46 % ± 3,5"
    assert probability_with_error(0.46, 200, "en") == "46% ± 3.5"
