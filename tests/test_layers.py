"""The layering rule of docs/architecture.md, checked on the import graph of src/.

A module may import from its own subpackage and from lower layers, never from a higher
layer, and never from a peer subpackage of the same rank. The rule is read from the
source with ``ast`` (every ``import``/``from ... import`` anywhere in a module, including the
ones inside functions and under ``TYPE_CHECKING``), so it cannot rot.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "thidua_sim"

# Layers from the bottom up (docs/architecture.md, "The layers"). Same rank: peers that may
# not import each other.
RANKS = {
    "errors": 0,
    "core": 1,
    "io": 2,
    "params": 3,
    "data": 4,
    "model": 5,
    "planning": 6,
    "report": 7,
    "apps.briefs": 8,
    "apps.cli": 9,
    "apps.planner": 9,
}
# Modules above every layer: the public API and the ``python -m thidua_sim`` entry point.
TOP = {"thidua_sim", "thidua_sim.__main__", "thidua_sim.apps"}


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str | None:
    """The layer key of a dotted module name (``thidua_sim.model.engine`` -> ``model``)."""
    rest = module.split(".")[1:]
    for n in (2, 1):
        key = ".".join(rest[:n])
        if len(rest) >= n and key in RANKS:
            return key
    return None


def imports_of(path: Path, root: Path = SRC) -> list[tuple[int, str]]:
    """(line, absolute module) of every thidua_sim import in a file."""
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("thidua_sim"):
                if node.module is None or target == "thidua_sim" or layer_of(target) is None:
                    # ``from . import x`` / ``from .. import y``: each name may be a module
                    found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("thidua_sim")]
    return found


def violations(root: Path = SRC) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        source = module_name(path, root)
        if source in TOP:
            continue
        mine = layer_of(source)
        if mine is None:
            problems.append(f"{path.relative_to(root)}: module outside every layer")
            continue
        for line, target in imports_of(path, root):
            theirs = layer_of(target)
            if theirs is None:
                if target.rsplit(".", 1)[0] == "thidua_sim" and target.rsplit(".", 1)[1] == "__version__":
                    continue  # the version string is everyone's
                problems.append(f"{path.relative_to(root)}:{line}: imports {target}, which is in no layer")
            elif theirs != mine and RANKS[theirs] >= RANKS[mine]:
                problems.append(f"{path.relative_to(root)}:{line}: {mine} (rank {RANKS[mine]}) imports "
                                f"{target} ({theirs}, rank {RANKS[theirs]})")
    return problems


def test_no_layer_imports_a_higher_one():
    assert violations() == []


def test_every_module_is_in_a_layer():
    """Only __init__.py, errors.py and __main__.py stand outside a subpackage."""
    loose = sorted(p.name for p in SRC.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "errors.py"]


def test_every_layer_says_what_it_may_import():
    for key in RANKS:
        if key == "errors":
            continue
        init = SRC.joinpath(*key.split("."), "__init__.py")
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init.relative_to(SRC)}: the docstring says what the layer may import"


@pytest.mark.parametrize("bad_import, expected", [
    ("from ..planning import required_resources", "model (rank 5) imports thidua_sim.planning (planning, rank 6)"),
    ("from ..apps.briefs import batch", "model (rank 5) imports thidua_sim.apps.briefs"),
    ("import thidua_sim.report.i18n", "model (rank 5) imports thidua_sim.report.i18n (report, rank 7)"),
    ("def f():\n    from ..data import load_baseline\n", ""),          # lower layer: allowed
])
def test_a_wrong_import_is_caught(tmp_path, bad_import, expected):
    """The checker on a copy of the package with one import added to the model layer."""
    import shutil

    copy = tmp_path / "thidua_sim"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "model" / "engine.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n" + bad_import + "\n", encoding="utf-8")
    found = violations(copy)
    if expected:
        assert any(expected in p for p in found), found
    else:
        assert found == []


def test_a_peer_import_is_caught(tmp_path):
    import shutil

    copy = tmp_path / "thidua_sim"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "apps" / "cli" / "commands" / "project.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nfrom ...planner import Planner\n", encoding="utf-8")
    assert any("apps.cli (rank 9) imports thidua_sim.apps.planner" in p for p in violations(copy))
