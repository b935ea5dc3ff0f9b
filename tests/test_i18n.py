"""Labels and number formats of the presentation layer (report.i18n)."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from thidua_sim.report import i18n
from thidua_sim.report._labels import LABELS
from thidua_sim.report.i18n import UnknownLabel, format_number, format_percent, format_points, format_signed, t

SRC = Path(__file__).resolve().parents[1] / "src" / "thidua_sim"


def test_every_label_has_both_languages_and_the_same_fields():
    for key, entry in LABELS.items():
        assert set(entry) == {"vi", "en"}, key
        assert entry["vi"].strip() and entry["en"].strip(), key
        fields = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in entry.items()}
        assert fields["vi"] == fields["en"], key


def test_vietnamese_labels_are_nfc_with_diacritics():
    for key, entry in LABELS.items():
        assert unicodedata.normalize("NFC", entry["vi"]) == entry["vi"], key
    assert t("poor", "vi") == "Hộ nghèo"
    assert t("near_poor", "vi") == "Hộ cận nghèo"
    assert t("group_dtts", "vi") == "Hộ đồng bào DTTS"


def test_t_fills_fields_and_switches_language():
    assert t("section_baseline", "vi", year=2021) == "Tình hình năm gốc 2021"
    assert t("section_baseline", "en", year=2021) == "Baseline 2021"


def test_unknown_key_and_language_are_errors():
    with pytest.raises(UnknownLabel, match="no label 'nope'"):
        t("nope", "vi")
    with pytest.raises(ValueError, match="expected one of vi, en"):
        t("poor", "fr")


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (1234.5, "vi", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567, "vi", 0, "1.234.567"),
        (1234567, "en", 0, "1,234,567"),
        (999.96, "vi", 1, "1.000,0"),
        (-1234.25, "vi", 2, "-1.234,25"),
        (-0.004, "vi", 2, "0,00"),
        (42.5, "vi", 0, "43"),
        (0.125, "en", 2, "0.13"),
        (100 * 0.425, "en", 0, "43"),
        (0, "en", 0, "0"),
        (12, "vi", 0, "12"),
        (float("nan"), "vi", 1, "–"),
        (None, "en", 1, "–"),
    ],
)
def test_format_number(x, lang, decimals, expected):
    assert format_number(x, lang, decimals) == expected


def test_format_percent_points_and_sign():
    assert format_percent(12.345, "vi") == "12,3 %"
    assert format_percent(12.345, "en") == "12.3%"
    assert format_percent(5.2, "vi", 2) == "5,20 %"
    assert format_points(2.154, "vi") == "2,15 điểm %"
    assert format_points(2.154, "en") == "2.15 points"
    assert format_signed(3.5, "vi", 1) == "+3,5"
    assert format_signed(-3.5, "en", 1) == "-3.5"
    assert format_signed(0.004, "en", 2) == "0.00"


def test_format_number_round_trips_through_a_parser():
    # A second method: parse the Vietnamese text back and compare with Python's rounding.
    for x in (0.5, 7.25, 1234.567, 98765.4321, 1e7 + 0.1):
        text = format_number(x, "vi", 2)
        parsed = float(text.replace(".", "").replace(",", "."))
        assert parsed == pytest.approx(round(x, 2))


def _label_keys_used_in_source() -> set[str]:
    """Literal keys passed to t(...) in the presentation layer and the briefs."""
    keys = set()
    files = [*(SRC / "report").rglob("*.py"), *SRC.glob("brief*.py"), *SRC.glob("batch.py"), *SRC.glob("_batch_*.py")]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                keys.add(node.args[0].value)
    return keys


def test_every_literal_label_used_in_the_package_exists():
    used = _label_keys_used_in_source()
    assert used, "expected t(...) calls in the package"
    missing = sorted(k for k in used if k not in LABELS)
    assert not missing, f"labels used but not defined: {missing}"


def test_language_list():
    assert i18n.LANGUAGES == ("vi", "en")
    assert i18n.DEFAULT_LANGUAGE == "vi"
