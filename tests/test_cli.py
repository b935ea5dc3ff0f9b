"""The command line as a door: every subcommand is there, help works, user mistakes print
a message (no traceback) and exit 1, and the public API is what __all__ says."""

import subprocess
import sys

import pytest

import thidua_sim
from thidua_sim.apps.cli import COMMANDS, build_parser, main


def test_every_command_has_help(capsys):
    parser = build_parser()
    listed = parser._subparsers._group_actions[0].choices
    assert sorted(listed) == sorted(COMMANDS)
    for name in COMMANDS:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
        assert "usage: thidua-sim " + name in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "validate" in capsys.readouterr().out


def test_a_user_mistake_is_a_message_not_a_traceback(tmp_path):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("id: x\nid: y\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "thidua_sim.apps.cli", "project", "--scenario", str(scenario)],
        capture_output=True, text=True, encoding="utf-8",
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "broken.yaml:2" in done.stderr  # the file and the line of the duplicate key


def test_public_api_names_exist():
    missing = [name for name in thidua_sim.__all__ if not hasattr(thidua_sim, name)]
    assert missing == []
    assert callable(thidua_sim.run_briefs) and thidua_sim.run_briefs.__module__ == "thidua_sim.apps.briefs.batch"
