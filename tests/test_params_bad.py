"""Bad parameter files: each problem is reported with the file, the key path and the line,
and all problems of a file come together."""

from __future__ import annotations

import copy

import pytest
import yaml

from thidua_sim.errors import InputErrors
from thidua_sim.params import (
    load_base_rates,
    load_instruments,
    load_params,
    load_scenario,
    load_targets,
    validate_params_file,
)

SOURCE = {"assumption": "test value"}


def rate(value, low, high, unit="probability per year"):
    return {"value": value, "interval": [low, high], "unit": unit, "description": "a rate", **SOURCE}


def base_rates_doc():
    group = {"pPN": rate(0.1, 0.05, 0.2), "pPO": rate(0.1, 0.05, 0.2), "pNP": rate(0.05, 0.0, 0.1),
             "pNO": rate(0.2, 0.1, 0.3), "pOP": rate(0.01, 0.0, 0.02), "pON": rate(0.02, 0.0, 0.04),
             "gamma": rate(0.01, 0.0, 0.02, unit="share per year")}
    return {"description": "test rates", "groups": {"dtts": copy.deepcopy(group), "other": copy.deepcopy(group)},
            "area_multipliers": {"xa_a": {"pPO": {"value": 0.8, "unit": "factor", **SOURCE}}}}


def effect(value, low, high):
    return {"value": value, "interval": [low, high], "unit": "probability", **SOURCE}


def instruments_doc():
    return {"description": "test instruments", "instruments": {
        "housing": {"name_vi": "Nhà ở", "name_en": "Housing", "programme": "project 5",
                    "cost_mvnd": {"value": 40, "interval": [20, 60], "unit": "million VND per household", **SOURCE},
                    "eligible": ["poor"], "effects": {"uPN": effect(0.5, 0.3, 0.7)},
                    "lag": {"value": 0, "unit": "years", **SOURCE}},
        "credit": {"name_vi": "Tín dụng", "name_en": "Credit", "programme": "VBSP",
                   "cost_mvnd": {"value": 70, "unit": "million VND per household", **SOURCE},
                   "eligible": ["poor", "near_poor"],
                   "effects": {"uPO": effect(0.1, 0.05, 0.2), "dNP": effect(0.1, 0.0, 0.2)},
                   "lag": {"value": 1, "unit": "years", **SOURCE}},
    }}


def targets_doc():
    return {"description": "test targets", "reference": "test plan", "targets": {
        "district_rate": {"name_vi": "Tỷ lệ hộ nghèo", "name_en": "Poverty rate", "population": "district",
                          "threshold_points": {"value": 2.0, "unit": "percentage points per year",
                                               "reference": "plan"},
                          "start_year": 2021, "end_year": 2025}}}


def scenario_doc():
    return {"id": "test", "name_vi": "Thử", "name_en": "Test", "description": "a test scenario",
            "resources": {
                "housing": {"assumption": "test", "lines": [
                    {"years": "2022-2025", "amount_mvnd_per_year": 400, "rule": "poor"}]},
                "credit": {"lines": [
                    {"years": 2022, "area": "xa_a", "amount_mvnd_per_year": 700, **SOURCE},
                    {"years": "2023-2024", "areas": {"xa_a": 100, "xa_b": 200}, **SOURCE}]}}}


LOADERS = {"base_rates.yaml": load_base_rates, "instruments.yaml": load_instruments,
           "targets.yaml": lambda p: load_targets(p, areas=["xa_a", "xa_b"]),
           "scenario.yaml": lambda p: load_scenario(p, ["housing", "credit"], ["xa_a", "xa_b"])}
DOCS = {"base_rates.yaml": base_rates_doc, "instruments.yaml": instruments_doc, "targets.yaml": targets_doc,
        "scenario.yaml": scenario_doc}


def write(tmp_path, name, doc):
    path = tmp_path / name
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path, name, doc):
    """Load a broken file; every error names that file and carries a line."""
    path = write(tmp_path, name, doc)
    with pytest.raises(InputErrors) as info:
        LOADERS[name](path)
    for error in info.value:
        assert error.file == str(path)
        assert error.line is not None, error
    message = str(info.value)
    assert str(path) in message
    return {e.where: e for e in info.value}


@pytest.mark.parametrize("name", list(DOCS))
def test_the_valid_documents_load(tmp_path, name):
    assert LOADERS[name](write(tmp_path, name, DOCS[name]())) is not None


# -- one bad thing at a time -------------------------------------------------------------------------
def test_unknown_key(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["housing"]["costs_mvnd"] = doc["instruments"]["housing"].pop("cost_mvnd")
    errors = problems(tmp_path, "instruments.yaml", doc)
    assert "unknown key 'costs_mvnd'" in errors["instruments.housing.costs_mvnd"].found
    assert "instruments.housing.cost_mvnd" in errors  # and the missing one


def test_duplicate_key(tmp_path):
    text = yaml.safe_dump(base_rates_doc(), sort_keys=False)
    text = text.replace("  dtts:\n    pPN:", "  dtts:\n    pPO: {value: 0.2, unit: probability per year}\n    pPN:", 1)
    path = write(tmp_path, "base_rates.yaml", text)
    with pytest.raises(InputErrors) as info:
        load_base_rates(path)
    (error,) = info.value.errors
    assert error.file == str(path) and error.where == "key 'pPO'" and "a second 'pPO'" in error.found
    lines = text.splitlines()
    second = [i + 1 for i, line in enumerate(lines) if line.startswith("    pPO:")][1]
    assert error.line == second


def test_value_without_unit(tmp_path):
    doc = base_rates_doc()
    del doc["groups"]["dtts"]["pPO"]["unit"]
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert errors["groups.dtts.pPO.unit"].found == "no such key"


def test_value_without_reference_or_assumption(tmp_path):
    doc = base_rates_doc()
    del doc["groups"]["other"]["pOP"]["assumption"]
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert "no reference and no assumption" in errors["groups.other.pOP"].found


def test_wrong_unit(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["credit"]["cost_mvnd"]["unit"] = "VND per household"
    errors = problems(tmp_path, "instruments.yaml", doc)
    error = errors["instruments.credit.cost_mvnd.unit"]
    assert "'million VND per household'" in error.expected
    text = (tmp_path / "instruments.yaml").read_text(encoding="utf-8").splitlines()
    assert text[error.line - 1].strip() == "unit: VND per household"


def test_wrong_type(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["housing"]["cost_mvnd"]["value"] = "forty"
    errors = problems(tmp_path, "instruments.yaml", doc)
    assert errors["instruments.housing.cost_mvnd.value"].found == "'forty'"


def test_bare_number_instead_of_a_value(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["credit"]["lag"] = 1
    errors = problems(tmp_path, "instruments.yaml", doc)
    assert "bare int" in errors["instruments.credit.lag"].found
    assert "unit: years" in errors["instruments.credit.lag"].fix


def test_rate_outside_0_1(tmp_path):
    doc = base_rates_doc()
    doc["groups"]["dtts"]["pPO"]["value"] = 1.3
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert errors["groups.dtts.pPO.value"].expected == "a number in [0, 1]"


def test_interval_not_containing_the_value(tmp_path):
    doc = base_rates_doc()
    doc["groups"]["dtts"]["pNP"]["interval"] = [0.06, 0.1]  # value 0.05
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert errors["groups.dtts.pNP.interval"].expected == "an interval that contains the value"


def test_poor_outflows_summing_above_1(tmp_path):
    doc = base_rates_doc()
    doc["groups"]["other"]["pPN"] = rate(0.6, 0.5, 0.7)
    doc["groups"]["other"]["pPO"] = rate(0.5, 0.4, 0.6)
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert "= 1.1" in errors["groups.other.pPN + pPO"].found


def test_multiplier_pushing_outflows_above_1(tmp_path):
    doc = base_rates_doc()
    doc["area_multipliers"]["xa_a"]["pPO"]["value"] = 9.5  # 0.1 * 9.5 + pPN 0.1 > 1
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert "after multipliers" in errors["area_multipliers.xa_a.pPN + pPO"].found


def test_unknown_state_in_eligible(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["credit"]["eligible"] = ["poor", "near-poor"]
    errors = problems(tmp_path, "instruments.yaml", doc)
    assert "did you mean 'near_poor'" in errors["instruments.credit.eligible"].found


def test_effect_on_a_state_that_is_not_eligible(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["housing"]["effects"]["dNP"] = effect(0.1, 0.0, 0.2)
    errors = problems(tmp_path, "instruments.yaml", doc)
    assert "not eligible" in errors["instruments.housing.effects.dNP"].found


def test_target_years_out_of_order(tmp_path):
    doc = targets_doc()
    doc["targets"]["district_rate"]["end_year"] = 2021
    errors = problems(tmp_path, "targets.yaml", doc)
    assert "not after start_year 2021" in errors["targets.district_rate.end_year"].found


def test_target_unknown_area(tmp_path):
    doc = targets_doc()
    doc["targets"]["district_rate"]["population"] = "area:xa_c"
    errors = problems(tmp_path, "targets.yaml", doc)
    assert "unknown area 'xa_c'" in errors["targets.district_rate.population"].found


def test_unknown_instrument_in_scenario(tmp_path):
    doc = scenario_doc()
    doc["resources"]["houseing"] = doc["resources"].pop("housing")
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "did you mean 'housing'" in errors["resources.houseing"].found


def test_negative_amount(tmp_path):
    doc = scenario_doc()
    doc["resources"]["housing"]["lines"][0]["amount_mvnd_per_year"] = -400
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert errors["resources.housing.lines[1].amount_mvnd_per_year"].found == "-400"


def test_negative_amount_per_area(tmp_path):
    doc = scenario_doc()
    doc["resources"]["credit"]["lines"][1]["areas"]["xa_b"] = -1
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "resources.credit.lines[2].areas.xa_b" in errors


def test_year_range_out_of_order(tmp_path):
    doc = scenario_doc()
    doc["resources"]["housing"]["lines"][0]["years"] = "2025-2022"
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "runs backwards" in errors["resources.housing.lines[1].years"].found


def test_year_duplicated(tmp_path):
    doc = scenario_doc()
    doc["resources"]["housing"]["lines"].append({"years": "2025-2027", "amount_mvnd_per_year": 100, "rule": "poor"})
    errors = problems(tmp_path, "scenario.yaml", doc)
    error = errors["resources.housing.lines[2].years"]
    assert "year 2025 again" in error.found and "lines[1]" in error.found


def test_scenario_unknown_area(tmp_path):
    doc = scenario_doc()
    doc["resources"]["credit"]["lines"][0]["area"] = "xa_aa"
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "unknown area 'xa_aa'" in errors["resources.credit.lines[1].area"].found


def test_scenario_line_without_source(tmp_path):
    doc = scenario_doc()
    del doc["resources"]["credit"]["lines"][0]["assumption"]
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "no reference and no assumption" in errors["resources.credit.lines[1]"].found


def test_entry_shares_not_summing_to_1(tmp_path):
    doc = scenario_doc()
    doc["entry_shares"] = {"dtts": {"poor": 0.3, "near_poor": 0.3, "other": 0.3},
                           "other": {"poor": 0.1, "near_poor": 0.1, "other": 0.8}}
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "summing to 0.9" in errors["entry_shares.dtts"].found


def test_unknown_rule(tmp_path):
    doc = scenario_doc()
    doc["resources"]["housing"]["lines"][0]["rule"] = "poor_dts"
    errors = problems(tmp_path, "scenario.yaml", doc)
    assert "did you mean 'poor_dtts'" in errors["resources.housing.lines[1].rule"].found


# -- all together ----------------------------------------------------------------------------------
def test_all_problems_of_a_file_come_together(tmp_path):
    doc = base_rates_doc()
    doc["groups"]["dtts"]["pPO"]["value"] = -0.1
    doc["groups"]["dtts"]["pON"]["unit"] = "percent"
    del doc["groups"]["other"]["gamma"]
    doc["colour"] = "blue"
    errors = problems(tmp_path, "base_rates.yaml", doc)
    assert {"groups.dtts.pPO.value", "groups.dtts.pON.unit", "groups.other.gamma", "colour"} <= set(errors)


def test_load_params_reports_every_file(tmp_path):
    rates, inst, targets = base_rates_doc(), instruments_doc(), targets_doc()
    rates["groups"]["dtts"]["pPO"]["value"] = 2
    inst["instruments"]["housing"]["eligible"] = ["everyone"]
    targets["targets"]["district_rate"]["threshold_points"]["unit"] = "percent"
    for name, doc in (("base_rates.yaml", rates), ("instruments.yaml", inst), ("targets.yaml", targets)):
        write(tmp_path, name, doc)
    with pytest.raises(InputErrors) as info:
        load_params(tmp_path)
    files = {e.file.rsplit("/", 1)[-1] for e in info.value}
    assert files == {"base_rates.yaml", "instruments.yaml", "targets.yaml"}


def test_validate_params_file_returns_the_same_problems(tmp_path):
    doc = instruments_doc()
    doc["instruments"]["housing"]["cost_mvnd"]["value"] = -40
    path = write(tmp_path, "instruments.yaml", doc)
    problems_found = validate_params_file(path)
    assert [e.where for e in problems_found] == ["instruments.housing.cost_mvnd.value"]
    assert validate_params_file(write(tmp_path, "notes.csv", "a,b\n")) is None
    assert validate_params_file(write(tmp_path, "other.yaml", {"colour": "blue"})) is None
    # a scenario is known by its folder, and checked against instruments and areas
    (tmp_path / "scenarios").mkdir()
    scenario = write(tmp_path, "scenarios/s.yaml", scenario_doc())
    assert validate_params_file(scenario) == []
    found = validate_params_file(scenario, instruments=["housing"], areas=["xa_a"])
    assert {e.where for e in found} == {"resources.credit"}
    found = validate_params_file(scenario, instruments=["housing", "credit"], areas=["xa_a"])
    assert {e.where for e in found} == {"resources.credit.lines[2].areas.xa_b"}
