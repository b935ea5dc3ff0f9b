"""Write the brief notebooks and refresh the outputs that nbval checks.

The brief notebooks are generated from :data:`CELLS` (so every cell calls one function of
:mod:`thidua_sim.apps.briefs.sections`). nbval (``pytest --nbval-lax``) compares only cells marked
``# NBVAL_CHECK_OUTPUT`` with their stored outputs; after a change to the shipped data or
parameters that moves the rounded summary, refresh them::

    .venv/bin/python scripts/refresh_notebooks.py notebooks

which rewrites both notebooks, executes them in ``notebooks/`` with the default parameters and
stores the outputs of the checked cells only (other outputs are stripped to keep the files small).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

__all__ = ["CELLS", "PARAMETERS", "build_notebook", "refresh"]

CHECK = "# NBVAL_CHECK_OUTPUT"

PARAMETERS = {
    "commune": '''# Parameters (papermill): the brief of one commune under a scenario.
area_id = "kon_pne"  # commune id, see data/kbang/areas.csv
scenario = "../params/scenarios/status_quo.yaml"  # scenario file
data_dir = "../data/kbang"  # baseline and review results
params_dir = "../params"  # base rates, instruments, targets
draws = 200  # Monte Carlo draws; 0 for the expected path only
seed = 2021  # random seed: same seed, same numbers
language = "vi"  # "vi" or "en"
until = 2025  # last projected year
results = ""  # a batch's results file (computed once for all briefs); "" computes everything here''',
    "district": '''# Parameters (papermill): the district brief under a scenario.
scenario = "../params/scenarios/status_quo.yaml"  # scenario file
data_dir = "../data/kbang"  # baseline and review results
params_dir = "../params"  # base rates, instruments, targets
draws = 200  # Monte Carlo draws; 0 for the expected path only
seed = 2021  # random seed: same seed, same numbers
language = "vi"  # "vi" or "en"
until = 2025  # last projected year
results = ""  # a batch's results file (computed once for all briefs); "" computes everything here''',
}

_LOAD = {
    "commune": "(b := brief.commune_brief(area_id=area_id, scenario=scenario, data_dir=data_dir, params_dir=params_dir,\n"
               "                         draws=draws, seed=seed, language=language, until=until, results=results))",
    "district": "(b := brief.district_brief(scenario=scenario, data_dir=data_dir, params_dir=params_dir,\n"
                "                          draws=draws, seed=seed, language=language, until=until,\n"
                "                          results=results))",
}

CELLS = {
    "commune": ["summary", "baseline", "households", "trajectory", "targets", "resources", "required", "forecast_record",
                "assumptions", "provenance"],
    "district": ["summary", "targets", "what_decides", "communes", "ranking", "target_split", "trajectory", "required",
                 "allocation", "scoreboard", "resources", "forecast_record", "assumptions", "provenance"],
}
"""The sections of each brief, in order; each is one cell ``brief.<name>(b)``."""


def build_notebook(kind: str) -> nbformat.NotebookNode:
    """The brief notebook of ``kind`` ("commune" or "district"), without outputs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = f"thidua_sim {kind} brief"
    cells = [nbformat.v4.new_code_cell(PARAMETERS[kind], metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("from thidua_sim import brief"),
             nbformat.v4.new_code_cell(_LOAD[kind])]
    for name in CELLS[kind]:
        source = f"brief.{name}(b)"
        cells.append(nbformat.v4.new_code_cell(f"{CHECK}\n{source}" if name == "summary" else source))
    for i, cell in enumerate(cells):
        cell["id"] = f"{kind}-{i:02d}"
    nb.cells = cells
    return nb


def refresh(folder: Path) -> None:
    """Write both notebooks into ``folder``, run them there and keep the checked outputs."""
    from nbclient import NotebookClient

    for kind in ("commune", "district"):
        path = Path(folder) / f"{kind}_brief.ipynb"
        nb = build_notebook(kind)
        NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
        for cell in nb.cells:
            if cell.cell_type == "code" and CHECK not in cell.source:
                cell.outputs = []
                cell.execution_count = None
            elif cell.cell_type == "code":
                # nbval compares only cells that ran when stored: keep a fixed execution count
                number = nb.cells.index(cell) + 1
                cell.execution_count = number
                for output in cell.outputs:
                    if "execution_count" in output:
                        output["execution_count"] = number
        nbformat.validate(nb)
        nbformat.write(nb, str(path))
        print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    refresh(Path(sys.argv[1] if len(sys.argv) > 1 else "notebooks").resolve())
