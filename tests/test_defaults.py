"""One module of defaults (``thidua_sim.core.defaults``): the seed, the horizon, the draws and the
year bounds are written once, every command's --help shows the value of the constant, and no
function of the package writes one of these values as a literal default of its own."""

import argparse
import ast
from pathlib import Path

import pytest

import thidua_sim
from thidua_sim.apps.cli import build_parser
from thidua_sim.core import defaults
from thidua_sim.data import load_review_results
from thidua_sim.errors import InputErrors, ProjectionError
from thidua_sim.model.engine import compile_model

from factories import make_baseline, make_params, make_scenario

SRC = Path(thidua_sim.__file__).resolve().parent


def test_the_values_of_the_constants():
    # the written-down choices (a change here is a change of behaviour, to be made on purpose)
    assert defaults.DEFAULT_SEED == 2021
    assert defaults.DEFAULT_HORIZON == 2025
    assert defaults.BRIEF_DRAWS == 200
    assert defaults.REQUIRED_DRAWS == 2000
    assert (defaults.FIRST_YEAR, defaults.LAST_YEAR) == (2000, 2050)
    assert defaults.MAX_HORIZON == defaults.LAST_YEAR


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _action(parser: argparse.ArgumentParser, dest: str) -> argparse.Action | None:
    return next((a for a in parser._actions if a.dest == dest), None)


def test_every_command_takes_its_defaults_from_the_module_and_shows_them_in_help():
    expected_draws = {"briefs": defaults.BRIEF_DRAWS, "required": defaults.REQUIRED_DRAWS}
    seen = set()
    for name, parser in _subcommands().items():
        seed = _action(parser, "seed")
        if seed is not None:
            assert seed.default == defaults.DEFAULT_SEED, name
            assert str(defaults.DEFAULT_SEED) in seed.help, name
            seen.add(("seed", name))
        until = _action(parser, "until")
        if until is not None:
            assert until.default in (None, defaults.DEFAULT_HORIZON), name
            assert str(defaults.DEFAULT_HORIZON) in until.help, name
            seen.add(("until", name))
        draws = _action(parser, "draws")
        if draws is not None and name in expected_draws:
            assert draws.default == expected_draws[name], name
            assert str(expected_draws[name]) in draws.help, name
    # the check can fail: these commands do have the options
    assert {("seed", "project"), ("seed", "briefs"), ("seed", "required"), ("seed", "calibrate"),
            ("until", "project"), ("until", "briefs")} <= seen


_NAMED = {"seed": defaults.DEFAULT_SEED, "until": defaults.DEFAULT_HORIZON, "draws": None, "samples": None}


def _literal_defaults(tree: ast.AST):
    """(function, argument, value) for every argument named seed/until/draws/samples whose default is
    a number written in place (``draws=0``, "expected path only", is a meaning of its own)."""
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = node.args
        positional = args.posonlyargs + args.args
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for arg, default in pairs:
            if arg.arg in _NAMED and isinstance(default, ast.Constant) and isinstance(default.value, int) \
                    and not isinstance(default.value, bool) and default.value != 0:
                yield node.name, arg.arg, default.value
    for node in ast.walk(tree):  # dataclass fields: ``seed: int = 2021``
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in _NAMED \
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int) \
                and node.value.value != 0:
            yield "(field)", node.target.id, node.value.value


def test_the_scan_finds_a_literal_default():
    tree = ast.parse("def f(x, seed=2021):\n    pass\nclass S:\n    draws: int = 200\n")
    assert sorted(_literal_defaults(tree)) == [("(field)", "draws", 200), ("f", "seed", 2021)]


def test_no_function_of_the_package_writes_its_own_default_seed_horizon_or_draws():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for function, arg, value in _literal_defaults(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{path.relative_to(SRC)}: {function}({arg}={value})")
    assert not found, "use the constant of thidua_sim.core.defaults instead:\n" + "\n".join(found)


def test_public_functions_default_to_the_constants():
    import inspect

    from thidua_sim.apps.briefs.sections import commune_brief
    from thidua_sim.model.projection import project
    from thidua_sim.planning import required_resources

    assert inspect.signature(project).parameters["seed"].default == defaults.DEFAULT_SEED
    assert inspect.signature(project).parameters["until"].default == defaults.DEFAULT_HORIZON
    assert inspect.signature(commune_brief).parameters["draws"].default == defaults.BRIEF_DRAWS
    assert inspect.signature(required_resources).parameters["draws"].default == defaults.REQUIRED_DRAWS


AREAS = "id,name,kind,aliases,valid_from,valid_to,source\nkon_pne,Kon Pne,commune,,,,test\n"
HEADER = "Xã/thị trấn,Nhóm hộ,Năm,Tổng số hộ,Hộ nghèo,Hộ cận nghèo,Thoát nghèo,Tái nghèo\n"


@pytest.mark.parametrize("year, ok", [(2000, True), (2050, True), (1999, False), (2051, False)])
def test_review_sheets_use_the_year_bounds_of_the_params_files(tmp_path, year, ok):
    (tmp_path / "areas.csv").write_text(AREAS, encoding="utf-8")
    path = tmp_path / "results.csv"
    path.write_text(HEADER + f"Kon Pne,DTTS,{year},800,300,200,,\nKon Pne,Khác,{year},50,2,4,,\n", encoding="utf-8")
    if ok:
        assert list(load_review_results(path).table["year"]) == [year, year]
    else:
        with pytest.raises(InputErrors) as info:
            load_review_results(path)
        assert "2000 and 2050" in str(info.value)


def test_the_engine_projects_up_to_the_last_year_and_no_further():
    baseline = make_baseline()
    assert compile_model(baseline, make_scenario(), make_params(), until=defaults.LAST_YEAR).years[-1] == 2050
    with pytest.raises(ProjectionError, match="at most 2050"):
        compile_model(baseline, make_scenario(), make_params(), until=defaults.LAST_YEAR + 1)


@pytest.mark.parametrize("name", ["commune_brief.ipynb", "district_brief.ipynb"])
def test_the_brief_notebooks_parameters_are_the_constants(name):
    # papermill needs literal values in a notebook's parameters cell; they must not drift from
    # the defaults the batch and the brief functions use
    import json

    notebook = json.loads((defaults.PROJECT_ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    (cell,) = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    values: dict = {}
    exec("".join(cell["source"]), {}, values)  # the notebook's own literal assignments
    assert (values["draws"], values["seed"], values["until"]) == (
        defaults.BRIEF_DRAWS, defaults.DEFAULT_SEED, defaults.DEFAULT_HORIZON)
