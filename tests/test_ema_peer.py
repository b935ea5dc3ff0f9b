"""bench/_ema_peer.py's cohort model (the EMA Workbench peer of bench_scale.py) is thidua_sim's
model: its parameters have the same distributions and, without noise, it gives the expected path
of thidua_sim's engine on Kbang, for the central parameters and for drawn ones.

Tolerance: both sides evaluate the same formulas in float64 in a different order, so they differ
by rounding only (about 1e-13 of a count); 1e-9 relative leaves room for that and for nothing
else: a missed instrument, rate rule or split moves Kbang's counts by whole households.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _ema_peer import CohortPeer  # noqa: E402

from thidua_sim.data import load_baseline  # noqa: E402
from thidua_sim.model._montecarlo import quantile  # noqa: E402
from thidua_sim.model.engine import compile_model, expected_path, normalise_rates  # noqa: E402
from thidua_sim.params import load_params, load_scenario  # noqa: E402

RTOL = 1e-9


@pytest.fixture(scope="module")
def kbang():
    params = load_params(ROOT / "params")
    baseline = load_baseline(ROOT / "data/kbang")
    scenario = load_scenario(ROOT / "params/scenarios/status_quo.yaml", params, baseline.areas)
    return baseline, scenario, params


def test_peer_parameters_have_thidua_sims_distributions(kbang):
    peer = CohortPeer(*kbang)
    u = np.random.default_rng(5).random(len(peer.specs))
    rates, costs, effects = peer.values(u)
    got = {}
    for i, (kind, a, b) in enumerate(peer.slots):
        got[peer.specs[i].name] = rates[a, b] if kind == "rate" else costs[a] if kind == "cost" else effects[a, b]
    for i, spec in enumerate(peer.specs):
        assert got[spec.name] == pytest.approx(float(quantile(spec.value, np.array([u[i]]), spec.scale)[0]),
                                               rel=1e-12), spec.name


@pytest.mark.parametrize("seed", [None, 11, 12])
def test_peer_expected_path_is_thidua_sims_on_kbang(kbang, seed):
    """Central parameters (None) and two drawn parameter sets, each run on both sides."""
    baseline, scenario, params = kbang
    peer = CohortPeer(baseline, scenario, params, 2025)
    u = np.full(len(peer.specs), 0.5) if seed is None else np.random.default_rng(seed).random(len(peer.specs))
    rates, costs, effects = peer.values(u)
    model = compile_model(baseline, scenario, params, 2025)
    mult = np.ones_like(model.rates) if model.multipliers is None else model.multipliers
    model = dataclasses.replace(model, rates=normalise_rates(rates[None] * mult), costs=costs, effects=effects)
    ours = expected_path(model).stocks
    theirs = peer.run(rates, costs, effects)
    assert theirs.shape == ours.shape == (5, 14, 2, 3)
    np.testing.assert_allclose(theirs, ours, rtol=RTOL, atol=1e-9)
    # and the comparison can fail: without the support the path is another one
    bare = dataclasses.replace(model, rule_totals=np.zeros_like(model.rule_totals))
    assert np.abs(expected_path(bare).stocks[-1, ..., 0].sum() - theirs[-1, ..., 0].sum()) > 10


def test_peer_draws_average_to_its_expected_path(kbang):
    """The random run is centred on the expected path: district poor households in the last year,
    mean of 300 draws at the central parameters, within 4 standard errors."""
    peer = CohortPeer(*kbang)
    values = peer.values(np.full(len(peer.specs), 0.5))
    expected = peer.run(*values)[-1, ..., 0].sum()
    rng = np.random.default_rng(2021)
    poor = np.array([peer.run(*values, rng)[-1, ..., 0].sum() for _ in range(300)])
    assert np.all(poor == np.rint(poor))
    assert abs(poor.mean() - expected) < 4 * poor.std(ddof=1) / np.sqrt(len(poor))
