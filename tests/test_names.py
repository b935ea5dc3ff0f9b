"""Matching commune names as planners write them: diacritics, spellings, prefixes, suggestions."""

from datetime import date

import pytest

from thidua_sim import Area
from thidua_sim.data._names import AreaInfo, UnknownArea, match_area, name_key, suggest_areas
from thidua_sim.data import SHIPPED_DATA, load_area_info

KBANG = load_area_info(SHIPPED_DATA / "kbang" / "areas.csv")


@pytest.mark.parametrize(
    ("written", "area_id"),
    [
        ("Đak Rong", "dak_rong"),
        ("Đăk Roong", "dak_rong"),        # old spelling, with ă and oo
        ("dak rong", "dak_rong"),         # no diacritics, lower case
        ("ĐĂK ROONG", "dak_rong"),
        ("Xã Đắk Rông", "dak_rong"),      # prefix, other tone marks
        ("Kông Bờ La", "kong_bo_la"),     # Bơ / Bờ
        ("Kong Bo La", "kong_bo_la"),
        ("Kông Pla", "kong_bo_la"),       # the misprint, listed as an alias
        ("Đăk Smar", "dak_smar"),
        ("Đak SMar", "dak_smar"),
        ("Thị trấn Kbang", "kbang"),
        ("TT Kbang", "kbang"),
        ("tt. K'Bang", "kbang"),
        ("Kbang", "kbang"),               # bare name of the town
        ("kon_pne", "kon_pne"),           # the id
        ("Kon Pne", "kon_pne"),
        ("Konpne", "kon_pne"),
        ("Đăk Hlơ", "dak_hlo"),
        ("Dak HLo", "dak_hlo"),
        ("  Sơ Pai ", "so_pai"),
        ("Đông", "dong"),
        ("Xã Đông", "dong"),
    ],
)
def test_spellings_of_kbang_communes(written, area_id):
    assert match_area(written, KBANG).id == area_id


def test_unknown_name_suggests_the_nearest():
    with pytest.raises(UnknownArea) as info:
        match_area("Kon Pnee", KBANG)
    assert info.value.suggestions[0] == "Kon Pne"
    assert "did you mean 'Kon Pne'" in str(info.value)


def test_unknown_name_far_from_everything_has_no_suggestion():
    with pytest.raises(UnknownArea) as info:
        match_area("Hà Nội", KBANG)
    assert info.value.suggestions == ()


def test_suggestions_are_names_with_diacritics():
    assert suggest_areas("Kong Long Kong", KBANG)[0] == "Kông Lơng Khơng"


def test_exact_name_wins_over_a_bare_town_name():
    # "Kbang" is the town's bare name and the exact name of the 2025 commune: the exact name wins.
    areas = [Area("kbang", "Thị trấn Kbang", "town"), Area("kbang_2025", "Kbang", "commune")]
    assert match_area("Kbang", areas).id == "kbang_2025"
    assert match_area("TT Kbang", areas).id == "kbang"
    assert match_area("kbang", areas).id == "kbang"       # the id as written


def test_two_areas_with_one_name_is_ambiguous():
    areas = [Area("a1", "Krong"), Area("a2", "Krông")]
    with pytest.raises(UnknownArea) as info:
        match_area("krong", areas)
    assert len(info.value.ambiguous) == 2


def test_plain_areas_work_without_aliases():
    areas = [Area("dak_rong", "Đak Rong")]
    assert match_area("Đăk Roong", areas).id == "dak_rong"


def test_name_key_folds_diacritics_case_and_spaces():
    assert name_key("Kông Lơng Khơng") == "konglongkhong"
    assert name_key("Xã Krong", strip_prefix=True) == "krong"
    assert name_key("Thị trấn Kbang", strip_prefix=True) == "kbang"


def test_area_validity_dates():
    dak_hlo = next(a for a in KBANG if a.id == "dak_hlo")
    assert dak_hlo.exists_on(date(2024, 10, 31))
    assert not dak_hlo.exists_on(date(2024, 11, 1))
    new = AreaInfo(Area("x", "X"), valid_from=date(2025, 7, 1))
    assert not new.exists_on(date(2025, 6, 30)) and new.exists_on(date(2025, 7, 1))
