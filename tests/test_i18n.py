"""Labels and number formats of the presentation layer (report.i18n)."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from thidua_sim.report import i18n
from thidua_sim.report._labels import LABELS
from thidua_sim.report.i18n import (
    UnknownLabel,
    format_number,
    format_percent,
    format_points,
    format_signed,
    has_label,
    lower_first,
    t,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "thidua_sim"
LABELS_FILE = SRC / "report" / "_labels.py"


def _fields(text: str) -> set[str]:
    """The ``{name}`` fields of a label, by Python's own format parser."""
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_label_has_both_languages_and_the_same_fields():
    for key, entry in LABELS.items():
        assert set(entry) == {"vi", "en"}, key
        assert entry["vi"].strip() and entry["en"].strip(), key
        fields = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in entry.items()}
        assert fields["vi"] == fields["en"], key
        assert _fields(entry["vi"]) == _fields(entry["en"]) == fields["vi"], key  # no stray or unbalanced braces


def test_the_label_table_names_each_key_once():
    # a dict literal keeps the last of two equal keys without a word: read the file itself
    tree = ast.parse(LABELS_FILE.read_text(encoding="utf-8"))
    table = next(node.value for node in tree.body if isinstance(node, ast.AnnAssign)
                 and isinstance(node.target, ast.Name) and node.target.id == "LABELS")
    keys = [k.value for k in table.keys]
    assert len(keys) == len(set(keys)) == len(LABELS), sorted(k for k in set(keys) if keys.count(k) > 1)


# Modules allowed a {"vi": ..., "en": ...} of their own, and why.
_OWN_VI_EN = {
    "planning/scoreboard.py": "NOTE_PLANNED_ONLY travels with the scoreboard table in frame.attrs['note']",
}


def test_the_label_table_is_the_only_one():
    # no module keeps a vi/en table of its own beside report/_labels.py
    for path in SRC.rglob("*.py"):
        if path == LABELS_FILE or str(path.relative_to(SRC)) in _OWN_VI_EN:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""\{\s*["']vi["']\s*:""", text), f"{path.relative_to(SRC)}: a vi/en label table"


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


def _key_patterns(node: ast.expr) -> list[str]:
    """The keys a t(...) argument can be, as regular expressions: a literal key, both branches of
    ``"a" if x else "b"``, and an f-string key (``f"basis_{b}"``) with each field as a word."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [re.escape(node.value)]
    if isinstance(node, ast.IfExp):
        return _key_patterns(node.body) + _key_patterns(node.orelse)
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+" for v in node.values]
        return ["".join(parts)]
    return []


def _label_keys_used_in_source() -> dict[str, list[str]]:
    """Key patterns passed to t(...) (or i18n.t(...)) anywhere in the package -> where."""
    used: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "t") or (isinstance(func, ast.Attribute) and func.attr == "t"):
                for pattern in _key_patterns(node.args[0]):
                    used.setdefault(pattern, []).append(f"{path.relative_to(SRC)}:{node.lineno}")
    return used


def test_every_label_used_in_the_package_exists():
    used = _label_keys_used_in_source()
    places = {p.split(":")[0] for where in used.values() for p in where}
    # the briefs, the command line and the planner all take their words from t(...)
    for module in ("apps/briefs/sections.py", "apps/cli/commands/check.py", "apps/cli/commands/required.py", "apps/cli/commands/allocate.py",
                   "apps/cli/commands/scoreboard.py", "apps/cli/commands/project.py", "apps/cli/commands/calibrate.py", "apps/planner/_planner.py",
                   "apps/planner/_view.py"):
        assert module in places, f"no t(...) call found in {module}"
    missing = sorted(f"{pattern} ({', '.join(where)})" for pattern, where in used.items()
                     if not any(re.fullmatch(pattern, key) for key in LABELS))
    assert not missing, f"labels used but not defined: {missing}"


def test_every_key_of_a_label_family_exists():
    # keys built from a value (f"split_rule_{rule}") must exist for every value the code can give
    from thidua_sim.planning._required import EXTRA_RULES
    from thidua_sim.core.types import GROUPS
    from thidua_sim.planning.targets import SPLIT_RULES

    families = {
        "split_rule_{}": SPLIT_RULES,                      # brief and check --split-rule
        "spread_rule_{}": (*EXTRA_RULES, "scenario"),      # required --rule and the planner
        "target_status_{}": ("met", "not_met", "at_risk"),  # targets.commune_feasibility
        "basis_{}": ("planned", "actual"),                 # scoreboard
        "required_answer_already_{}": ("scale", "extra"),  # required --mode
        "planner_default_target_{}": ("district", "dtts"),  # the planner without targets in params
        "group_{}": GROUPS,
        "group_{}_short": GROUPS,
    }
    missing = [pattern.format(value) for pattern, values in families.items() for value in values
               if not has_label(pattern.format(value))]
    assert not missing, missing


def test_the_command_line_and_the_planner_fail_on_an_unknown_key():
    # a typo in a key is an error, never the key shown as text
    from thidua_sim.apps.cli.commands import check

    assert not hasattr(check, "label") and not hasattr(check, "_LABELS")
    with pytest.raises(UnknownLabel):
        t("planner_titel", "vi")


def test_lower_first_keeps_abbreviations():
    assert lower_first(t("spread_rule_poor_dtts", "vi")) == "theo số hộ nghèo DTTS"
    assert lower_first("") == ""


def test_language_list():
    assert i18n.LANGUAGES == ("vi", "en")
    assert i18n.DEFAULT_LANGUAGE == "vi"
