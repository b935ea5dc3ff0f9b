"""nbval on the brief notebooks: every cell runs, and the summary cells (# NBVAL_CHECK_OUTPUT,
rounded numbers) give the stored outputs. Dates, hashes and paths are sanitised
(tests/nbval_sanitize.cfg).

After a change to the model, the shipped data or the parameters that moves a rounded summary
figure, refresh the stored outputs: ``.venv/bin/python scripts/refresh_notebooks.py notebooks``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from thidua_sim.apps.briefs.sections import BRIEF_PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [ROOT / "notebooks/commune_brief.ipynb", ROOT / "notebooks/district_brief.ipynb"]


@pytest.mark.parametrize("kind", ["commune", "district"])
def test_notebook_declares_the_brief_parameters_and_holds_no_logic(kind):
    path = ROOT / f"notebooks/{kind}_brief.ipynb"
    assert tuple(papermill.inspect_notebook(str(path))) == BRIEF_PARAMETERS[kind]
    nb = nbformat.read(str(path), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"][1:]
    assert code[0] == "from thidua_sim import brief"
    for source in code[1:]:
        lines = [x for x in source.splitlines() if x.strip() and not x.startswith("#")]
        body = " ".join(lines)
        assert body.startswith(("brief.", "(b := brief.")), source
        assert body.count("brief.") == 1, source  # one call of the package per cell
    assert sum("NBVAL_CHECK_OUTPUT" in s for s in code) == 1


@pytest.mark.slow
def test_nbval_brief_notebooks():
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-lax", "--nbval-current-env",
               "--nbval-sanitize-with", str(ROOT / "tests/nbval_sanitize.cfg"), *map(str, NOTEBOOKS)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    tail = "\n".join(result.stdout.splitlines()[-40:])
    assert result.returncode == 0, (
        f"nbval failed on the brief notebooks. If only the rounded summary moved after an intended change of "
        f"model, data or parameters, refresh: .venv/bin/python scripts/refresh_notebooks.py notebooks\n{tail}")
    assert " passed" in result.stdout and "failed" not in result.stdout
