"""The shipped parameter files load, carry their sources and say what the brief requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from thidua_sim import EFFECT_NAMES, GROUPS, RATE_NAMES
from thidua_sim.params import (
    load_base_rates,
    load_instruments,
    load_params,
    load_scenario,
    load_targets,
    validate_params_file,
)

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
SCENARIOS = ("status_quo", "expanded_support", "budget_cut")


@pytest.fixture(scope="module")
def params():
    return load_params(PARAMS)


def test_every_shipped_params_file_is_clean():
    files = sorted(PARAMS.rglob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        assert validate_params_file(path) == [], path


def test_load_params_equals_the_separate_loaders(params):
    assert params.base_rates == load_base_rates(PARAMS / "base_rates.yaml")
    assert dict(params.instruments) == load_instruments(PARAMS / "instruments.yaml")
    assert params.targets == load_targets(PARAMS / "targets.yaml")


def test_base_rates_are_complete_sourced_and_consistent(params):
    rates = params.base_rates.rates
    assert set(rates) == set(GROUPS)
    for group in GROUPS:
        assert set(rates[group]) == set(RATE_NAMES)
        for name, value in rates[group].items():
            assert value.source, name
            assert value.low is not None and value.low <= value.central <= value.high
            assert 0 <= value.low and value.high <= 1
        r = {k: v.central for k, v in rates[group].items()}
        assert r["pPN"] + r["pPO"] <= 1 and r["pNP"] + r["pNO"] <= 1 and r["pOP"] + r["pON"] <= 1
    # ethnic-minority households are modelled as the more persistent group
    assert rates["dtts"]["pPO"].central < rates["other"]["pPO"].central
    assert rates["dtts"]["pNP"].central > rates["other"]["pNP"].central
    # the persistent communes exit poverty more slowly
    for area in ("kon_pne", "dak_rong", "krong"):
        assert params.base_rates.area_multipliers[area]["pPO"] < 1


def test_gamma_reproduces_the_province_household_growth(params):
    # households = poor / rate (Report 67/BC-UBND 2021, Decision 822/QĐ-UBND 2022)
    dtts = (34387 / 0.2126) / (40475 / 0.2558) - 1
    total_2021, total_2022 = 45688 / 0.1209, 38550 / 0.1006
    other = (total_2022 - 34387 / 0.2126) / (total_2021 - 40475 / 0.2558) - 1
    assert params.base_rates.rates["dtts"]["gamma"].central == pytest.approx(dtts, abs=0.001)
    assert params.base_rates.rates["other"]["gamma"].central == pytest.approx(other, abs=0.001)


def test_instruments_cover_the_programmes(params):
    inst = params.instruments
    assert {"livelihood", "production", "vocational", "housing", "policy_credit", "poverty_fund",
            "enterprise"} <= set(inst)
    assert "project 2" in inst["livelihood"].programme and "project 4" in inst["vocational"].programme
    # housing fixes deprivations: poor -> near-poor only
    assert set(inst["housing"].effects) == {"uPN"}
    assert "40" in inst["housing"].cost_mvnd.source and "20" in inst["housing"].cost_mvnd.source
    # a policy loan is costed as the loan amount, within the 100 million VND ceiling
    credit = inst["policy_credit"].cost_mvnd
    assert credit.high == 100 and credit.central < 100 and "loan" in credit.source
    for i in inst.values():
        assert i.name_vi and i.name_en and i.programme
        assert i.eligible <= {"poor", "near_poor"} and i.eligible
        assert set(i.effects) <= set(EFFECT_NAMES)
        assert i.cost_mvnd.source and i.cost_mvnd.central > 0
        for e in i.effects.values():
            assert e.source and e.low <= e.central <= e.high


def test_targets_are_kbangs(params):
    targets = {t.id: t for t in params.targets}
    district, dtts = targets["district_poor_rate"], targets["dtts_poor_rate"]
    assert (district.population, district.threshold_points, district.strict) == ("district", 2.0, True)
    assert (dtts.population, dtts.threshold_points, dtts.strict) == ("dtts", 3.0, True)
    assert (district.start_year, district.end_year) == (2021, 2025)
    assert "Kbang" in district.source and "Tỷ lệ" in district.name_vi


@pytest.mark.parametrize("name", SCENARIOS)
def test_shipped_scenarios_load_against_params(params, name):
    scenario = load_scenario(PARAMS / "scenarios" / f"{name}.yaml", params)
    assert scenario.id == name and scenario.name_vi and scenario.resources
    assert {r.instrument for r in scenario.resources} == set(params.instruments)
    assert all(r.amount_mvnd >= 0 for r in scenario.resources)
    assert scenario.source.startswith("assumption:")


def test_status_quo_amounts_expand_by_hand(params):
    scenario = load_scenario(PARAMS / "scenarios" / "status_quo.yaml", params)
    by_year = {}
    for r in scenario.resources:
        by_year[r.year] = by_year.get(r.year, 0.0) + r.amount_mvnd
    # 2022: livelihood 2000 + production 3000 + vocational 600 + housing 2000 + credit 40000
    #       + fund 800 + enterprise 500
    assert by_year[2022] == 48900
    assert by_year[2021] == 2000 + 3000 + 600 + 40000 + 500  # lag-1 instruments only
    assert by_year[2024] - by_year[2023] == 4000  # the housing campaign
    assert sorted(by_year) == list(range(2021, 2031))
