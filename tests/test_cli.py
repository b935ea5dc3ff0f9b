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


def _modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after ``statement``."""
    done = subprocess.run([sys.executable, "-c", f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))"],
                          capture_output=True, text=True, encoding="utf-8", check=True)
    return set(done.stdout.split())


def test_importing_the_package_loads_no_layer():
    loaded = _modules_after("import thidua_sim")
    assert not loaded & {"pandas", "scipy", "numba", "thidua_sim.data", "thidua_sim.params", "thidua_sim.model",
                         "thidua_sim.planning", "thidua_sim.report"}


def test_the_workers_preload_imports_the_monte_carlo_without_the_projection_or_pandas():
    loaded = _modules_after("import thidua_sim.model._preload")
    assert {"thidua_sim.model._kernel", "thidua_sim.model._montecarlo", "thidua_sim.model._streaming"} <= loaded
    assert not loaded & {"pandas", "scipy.special", "thidua_sim.model.projection", "thidua_sim.model._households",
                         "thidua_sim.data"}


def test_the_model_names_exist_and_unknown_names_are_attribute_errors():
    import thidua_sim.model as model
    from thidua_sim.model.projection import project

    assert [name for name in model.__all__ if not hasattr(model, name)] == []
    assert model.project is project and thidua_sim.project is project
    assert set(thidua_sim.__all__) <= set(dir(thidua_sim)) and set(model.__all__) <= set(dir(model))
    for package in (thidua_sim, model):
        with pytest.raises(AttributeError, match="no_such_name"):
            package.no_such_name  # noqa: B018
