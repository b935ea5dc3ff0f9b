"""``thidua-sim validate``: exit codes, messages without tracebacks, cross-checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from thidua_sim.apps.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def params_copy(tmp_path):
    target = tmp_path / "params"
    shutil.copytree(ROOT / "params", target)
    return target


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(capsys, *argv):
    code = main(["validate", *map(str, argv)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


def test_shipped_files_are_clean(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, text = run(capsys)  # default: data params
    assert code == 0, text
    assert "no problems" in text


def test_shipped_params_are_clean_when_named(capsys):
    code, text = run(capsys, ROOT / "params", "--areas", ROOT / "data" / "kbang")
    assert code == 0, text
    assert "Checked 11 files" in text  # 7 + rebasing, targets_2026_2030, programme_2026_2030, households


def test_broken_copy_exits_1_and_names_file_and_key(capsys, params_copy):
    replace(params_copy / "instruments.yaml", "      value: 36\n", "      value: -36\n")
    replace(params_copy / "base_rates.yaml", "      value: 0.085\n", "      value: 1.085\n")
    code, text = run(capsys, params_copy)
    assert code == 1
    assert f"{params_copy / 'instruments.yaml'}:" in text
    assert "instruments.housing.cost_mvnd.value: found -36" in text
    assert "groups.dtts.pPO.value: found 1.085" in text
    assert "2 problems in 2 files" in text


def test_scenario_cross_checked_against_its_params_folder(capsys, params_copy):
    # the scenario is fine on its own; the instrument it names is gone from instruments.yaml
    replace(params_copy / "instruments.yaml", "  enterprise:\n", "  enterprise_support:\n")
    code, text = run(capsys, params_copy / "scenarios" / "status_quo.yaml")
    assert code == 1
    assert "resources.enterprise: found unknown instrument 'enterprise'" in text
    assert "did you mean 'enterprise_support'" in text


def test_scenario_cross_checked_against_the_areas(capsys, params_copy):
    replace(params_copy / "scenarios" / "expanded_support.yaml", "kon_pne: 500", "kon_pn: 500")
    code, text = run(capsys, params_copy / "scenarios", "--areas", ROOT / "data" / "kbang")
    assert code == 1
    assert "resources.livelihood.lines[3].areas.kon_pn: found unknown area 'kon_pn' (did you mean 'kon_pne'?)" in text


def test_yaml_syntax_error_and_duplicate_key(capsys, params_copy):
    replace(params_copy / "targets.yaml", "    population: district\n", "    population: district\n    population: dtts\n")
    replace(params_copy / "scenarios" / "budget_cut.yaml", "resources:\n", "resources:\n  [oops\n")
    code, text = run(capsys, params_copy)
    assert code == 1
    assert "a second 'population'" in text
    assert "budget_cut.yaml" in text and "invalid YAML" in text


def test_unknown_yaml_in_params_folder_and_missing_path(capsys, params_copy, tmp_path):
    (params_copy / "notes.yaml").write_text("colour: blue\n", encoding="utf-8")
    (params_copy / "README.md").write_text("# not checked: {[\n", encoding="utf-8")
    code, text = run(capsys, params_copy, tmp_path / "nowhere")
    assert code == 1
    assert "notes.yaml: file: found a YAML file of unknown kind" in text
    assert "nowhere: path: found no such file or folder" in text
    assert "README" not in text
