"""Poverty standards: the shipped file, classification edge cases, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from thidua_sim.errors import InputErrors, ThiduaError
from thidua_sim.params.standards import (
    Indicator,
    Standard,
    StandardsError,
    classify,
    default_standards_path,
    load_standards,
    standard_for,
)

RURAL_07, URBAN_07 = 1_500_000, 2_000_000
RURAL_351, URBAN_351 = 2_200_000, 2_800_000


@pytest.fixture(scope="module")
def standards():
    return load_standards()


def test_shipped_standards_follow_the_decrees(standards):
    d07, d351 = standards.standards
    assert (d07.id, d07.first_year, d07.last_year) == ("decree_07_2021", 2021, 2026)
    assert (d07.income_line_rural, d07.income_line_urban) == (RURAL_07, URBAN_07)
    assert (d351.id, d351.first_year, d351.last_year) == ("decree_351_2025", 2027, 2030)
    assert (d351.income_line_rural, d351.income_line_urban) == (RURAL_351, URBAN_351)
    assert len(d07.indicators) == 12 and len(d07.dimensions) == 6
    assert {i.dimension for i in d07.indicators} == set(d07.dimensions)
    assert d07.indicators_confirmed and not d351.indicators_confirmed
    assert d07.poor_min_deprivations == 3
    # names in Vietnamese with diacritics, and in English
    names_vi = {i.name_vi for i in d07.indicators}
    assert "Bảo hiểm y tế" in names_vi and "Nhà tiêu hợp vệ sinh" in names_vi
    assert all(i.name_en and i.name_en.isascii() for i in d07.indicators)
    assert "07/2021" in d07.source and "351/2025" in d351.source


@pytest.mark.parametrize("year, expected", [(2021, "decree_07_2021"), (2025, "decree_07_2021"),
                                            (2026, "decree_07_2021"), (2027, "decree_351_2025"),
                                            (2030, "decree_351_2025")])
def test_standard_for_year(standards, year, expected):
    assert standard_for(year, standards).id == expected
    assert standard_for(year).id == expected  # default file


@pytest.mark.parametrize("income, deprivations, urban, expected", [
    (RURAL_07, 3, False, "poor"),            # exactly at the line, exactly 3 deprivations
    (RURAL_07, 2, False, "near_poor"),       # at the line, one deprivation short
    (RURAL_07 + 1, 3, False, "other"),       # 1 VND above the line
    (RURAL_07 + 1, 12, False, "other"),      # above the line: deprivations do not matter
    (0, 0, False, "near_poor"),              # no income, no deprivation
    (URBAN_07, 3, True, "poor"),             # the urban line is higher
    (URBAN_07, 3, False, "other"),           # the same income in a rural commune is above its line
    (URBAN_07 + 1, 5, True, "other"),
    (URBAN_07, 0, True, "near_poor"),
])
def test_classify_2024(income, deprivations, urban, expected):
    assert classify(income, deprivations, 2024, urban) == expected


def test_classify_2026_vs_2027():
    income = 1_800_000  # between the two rural lines
    assert classify(income, 4, 2026, urban=False) == "other"
    assert classify(income, 4, 2027, urban=False) == "poor"
    assert classify(RURAL_351, 3, 2027, urban=False) == "poor"
    assert classify(RURAL_351 + 1, 3, 2027, urban=False) == "other"
    assert classify(URBAN_351, 2, 2028, urban=True) == "near_poor"
    assert classify(URBAN_351 + 1, 2, 2028, urban=True) == "other"


def test_deprivations_as_flags_and_mapping(standards):
    std = standard_for(2024, standards)
    flags = [False] * 12
    flags[0] = flags[5] = True
    assert classify(RURAL_07, flags, 2024, False) == "near_poor"
    flags[11] = True
    assert classify(RURAL_07, flags, 2024, False) == "poor"
    assert classify(RURAL_07, np.array(flags), 2024, False) == "poor"
    assert classify(RURAL_07, [1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0], 2024, False) == "poor"
    ids = [i.id for i in std.indicators]
    assert classify(RURAL_07, {ids[0]: True, ids[1]: True}, 2024, False) == "near_poor"
    # a Vietnamese indicator name works as a key; False entries do not count
    mapping = {"Bảo hiểm y tế": True, "Chất lượng nhà ở": True, "Nguồn nước sinh hoạt": True, ids[0]: False}
    assert classify(RURAL_07, mapping, 2024, False) == "poor"


def test_classify_with_given_standard_is_pure():
    indicators = tuple(Indicator(f"i{k}", "d", f"chỉ số {k}", f"indicator {k}") for k in range(3))
    std = Standard("test", "t", "t", 2000, 2001, 100, 200, 2, indicators, {"d": ("d", "d")}, True, "test")
    assert classify(100, 2, 2000, False, std) == "poor"
    assert classify(100, 1, 2000, False, std) == "near_poor"
    assert classify(150, [True, False, True], 2001, True, std) == "poor"
    with pytest.raises(StandardsError, match="from 0 to 3"):
        classify(100, 4, 2000, False, std)
    with pytest.raises(StandardsError, match="covers 2000-2001"):
        classify(100, 2, 2002, False, std)


@pytest.mark.parametrize("kwargs, message", [
    ({"deprivations": 13}, "from 0 to 12"),
    ({"deprivations": -1}, "from 0 to 12"),
    ({"deprivations": 2.5}, "whole count"),
    ({"deprivations": True}, "expected a count"),
    ({"deprivations": "3"}, "expected a count"),
    ({"deprivations": [True] * 11}, "11 values; expected 12"),
    ({"deprivations": [2] + [False] * 11}, "True or False"),
    ({"deprivations": {"khong_ton_tai": True}}, "unknown indicator 'khong_ton_tai'"),
    ({"income": -1}, "VND >= 0"),
    ({"income": float("nan")}, "VND >= 0"),
    ({"income": True}, "VND >= 0"),
    ({"year": 2019}, "no poverty standard covers it"),
    ({"year": 2031}, "no poverty standard covers it"),
    ({"year": 2024.0}, "whole year"),
    ({"urban": "yes"}, "expected True"),
])
def test_classify_rejects_out_of_range_input(kwargs, message):
    args = {"income": 1_000_000, "deprivations": 3, "year": 2024, "urban": False, **kwargs}
    with pytest.raises(StandardsError, match=message) as info:
        classify(args["income"], args["deprivations"], args["year"], args["urban"])
    assert isinstance(info.value, ValueError) and isinstance(info.value, ThiduaError)


def _standards_doc():
    with open(default_standards_path(), encoding="utf-8") as f:
        return yaml.safe_load(f)


def _errors(tmp_path, doc):
    path = tmp_path / "standards.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_standards(path)
    assert all(e.file == str(path) for e in info.value)
    return {e.where: e for e in info.value}


def test_overlapping_periods_are_an_error(tmp_path):
    doc = _standards_doc()
    doc["standards"]["decree_351_2025"]["in_force"]["first_year"] = 2026
    errors = _errors(tmp_path, doc)
    assert "standards.decree_351_2025.in_force.first_year" in errors


def test_bad_standard_values_are_reported_together(tmp_path):
    doc = _standards_doc()
    s = doc["standards"]["decree_07_2021"]
    s["income_line"]["rural"]["unit"] = "million VND per person per month"
    s["poor_min_deprivations"]["value"] = 13
    del s["income_line"]["urban"]["reference"]
    s["dimensions"]["health"]["indicators"]["employment"] = {"name_vi": "Việc làm", "name_en": "Employment"}
    errors = _errors(tmp_path, doc)
    assert {"standards.decree_07_2021.income_line.rural.unit",
            "standards.decree_07_2021.poor_min_deprivations",
            "standards.decree_07_2021.income_line.urban",
            "standards.decree_07_2021.dimensions.health.indicators.employment"} <= set(errors)
    assert errors["standards.decree_07_2021.income_line.rural.unit"].line is not None
