"""Vietnamese pages show Vietnamese texts: the params files' ``assumption_vi``, ``reference_vi``,
``programme_vi`` and the scenarios' ``description_vi``, and the fixed words of a baseline's
provenance; an assumption given only in English is shown marked as such, never silently."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from test_params_bad import base_rates_doc, instruments_doc, write
from thidua_sim.core.types import GROUPS, RATE_NAMES
from thidua_sim.errors import InputErrors
from thidua_sim.params import load_base_rates, load_instruments, load_params, load_scenario
from thidua_sim.report.tables import base_rates_table, instruments_table, provenance_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def params():
    return load_params(ROOT / "params")


def test_every_shipped_rate_and_cost_has_its_vietnamese_source(params):
    for group in GROUPS:
        for name in RATE_NAMES:
            value = params.base_rates.rates[group][name]
            assert value.source_vi, f"params/base_rates.yaml groups.{group}.{name}: no assumption_vi"
            assert "assumption" not in value.source_vi
    for iid, inst in params.instruments.items():
        assert inst.programme_vi, f"params/instruments.yaml {iid}: no programme_vi"
        assert inst.cost_mvnd.source_vi, f"params/instruments.yaml {iid}.cost_mvnd: no assumption_vi"


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "params/scenarios").glob("*.yaml")))
def test_every_shipped_scenario_has_a_vietnamese_description(params, name):
    assert load_scenario(ROOT / "params/scenarios" / f"{name}.yaml", params).description_vi


def test_vietnamese_tables_show_the_vietnamese_texts(params):
    rates = base_rates_table(params, "vi")
    sources = rates.iloc[:, -1]
    assert not sources.str.contains("assumption", case=False).any()
    # the dtts pPN row, by hand from params/base_rates.yaml
    expected = params.base_rates.rates["dtts"]["pPN"].source_vi
    assert expected.startswith("giả định: phần lớn hộ thoát nghèo")
    assert sources.iloc[0] == "G" + expected[1:]
    english = base_rates_table(params, "en").iloc[:, -1]
    assert english.iloc[0] == "Assumption: " + yaml.safe_load(
        (ROOT / "params/base_rates.yaml").read_text(encoding="utf-8"))["groups"]["dtts"]["pPN"]["assumption"]
    inst = instruments_table(params, "vi")
    assert set(inst.iloc[:, 1]) == {i.programme_vi for i in params.instruments.values()}
    assert not inst.iloc[:, -1].str.contains("assumption", case=False).any()
    # a reference with a Vietnamese version: housing's cost
    housing = params.instruments["housing"]
    row = inst[inst.iloc[:, 0] == housing.name_vi].iloc[0]
    assert row.iloc[-1].startswith("Dự án 5: 40 triệu đồng mỗi nhà xây mới")
    assert "; giả định: giá trị giữa" in row.iloc[-1]


def test_an_assumption_only_in_english_is_marked_in_vietnamese(tmp_path):
    rates = load_base_rates(write(tmp_path, "base_rates.yaml", base_rates_doc()))
    assert rates.rates["dtts"]["pPO"].source_vi == ""

    from thidua_sim.report.tables import _source

    value = rates.rates["dtts"]["pPO"]
    assert _source(value.source, "vi", value.source_vi) == "Giả định (chỉ có bản tiếng Anh): test value"
    assert _source(value.source, "en", value.source_vi) == "Assumption: test value"
    assert _source("Report 1; assumption: why", "vi") == "Report 1; Giả định (chỉ có bản tiếng Anh): why"
    assert _source("Report 1", "vi") == "Report 1"


def test_vietnamese_texts_are_read(tmp_path):
    doc = base_rates_doc()
    doc["groups"]["dtts"]["pPO"].update(reference="Report 1", reference_vi="Báo cáo 1", assumption_vi="lý do")
    rates = load_base_rates(write(tmp_path, "base_rates.yaml", doc))
    assert rates.rates["dtts"]["pPO"].source == "Report 1; assumption: test value"
    assert rates.rates["dtts"]["pPO"].source_vi == "Báo cáo 1; giả định: lý do"
    idoc = instruments_doc()
    idoc["instruments"]["housing"]["programme_vi"] = "Dự án 5"
    assert load_instruments(write(tmp_path, "instruments.yaml", idoc))["housing"].programme_vi == "Dự án 5"


@pytest.mark.parametrize("key", ["assumption_vi", "reference_vi"])
def test_a_vietnamese_text_without_its_english_one_is_an_error(tmp_path, key):
    doc = base_rates_doc()
    node = doc["groups"]["dtts"]["pPO"]
    node.pop("assumption")
    node["reference"] = "Report 1" if key == "assumption_vi" else None
    if node["reference"] is None:
        node.pop("reference")
        node["assumption"] = "why"
    node[key] = "chỉ tiếng Việt"
    with pytest.raises(InputErrors) as err:
        load_base_rates(write(tmp_path, "base_rates.yaml", doc))
    text = str(err.value)
    assert f"groups.dtts.pPO.{key}" in text and "base_rates.yaml" in text
    assert ("'assumption:'" if key == "assumption_vi" else "'reference:'") in text


def test_an_empty_vietnamese_text_is_an_error(tmp_path):
    doc = base_rates_doc()
    doc["groups"]["other"]["pNP"]["assumption_vi"] = "  "
    with pytest.raises(InputErrors, match=r"groups\.other\.pNP\.assumption_vi"):
        load_base_rates(write(tmp_path, "base_rates.yaml", doc))


def test_provenance_words_by_hand():
    text = "estimate (build v1: hh=people); source: a.vn (x) | reported | Report 67/BC-UBND"
    assert provenance_text(text, "vi") == ("Ước tính (build v1: hh=people); nguồn: a.vn (x) | Số liệu báo cáo | "
                                           "Report 67/BC-UBND")
    assert provenance_text(text, "en") == text

