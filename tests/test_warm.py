"""Warm kernels (apps/briefs/_warm.py): one kernel runs brief after brief, and a brief sees
nothing the one before it defined."""

import nbformat
import papermill
import pytest

from thidua_sim.apps.briefs import _warm

pytestmark = pytest.mark.slow


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("value = 0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, str(path))
    return path


def test_one_kernel_many_briefs_nothing_carried_over(tmp_path):
    first = _notebook(tmp_path / "first.ipynb", "import os\nleft_over = value\nprint(os.getpid())")
    second = _notebook(tmp_path / "second.ipynb",
                       "import os\nprint(os.getpid())\nprint('left_over' in dir())")
    try:
        pids = []
        for nb, value in ((first, 1), (second, 2), (first, 3)):
            km = _warm.warm_kernel("python3", tmp_path, 60)
            out = papermill.execute_notebook(str(nb), str(tmp_path / "out.ipynb"), parameters={"value": value},
                                             kernel_name="python3", cwd=str(tmp_path), progress_bar=False, km=km)
            _warm.release()
            text = out.cells[-1].outputs[0]["text"].split()
            pids.append(text[0])
            if nb == second:
                assert text[1] == "False"  # the first brief's variable is gone
        assert len(set(pids)) == 1  # the same kernel ran all three
        # after an error the kernel is replaced
        _warm.discard()
        km = _warm.warm_kernel("python3", tmp_path, 60)
        out = papermill.execute_notebook(str(first), str(tmp_path / "out.ipynb"), parameters={"value": 4},
                                         kernel_name="python3", cwd=str(tmp_path), progress_bar=False, km=km)
        _warm.release()
        assert out.cells[-1].outputs[0]["text"].split()[0] not in pids
    finally:
        _warm.shutdown_all()
    assert not _warm._ALL


def test_the_preload_holds_the_layers_a_brief_reads():
    # a warm kernel imports what a brief imports before its first brief (PRELOAD_CODE), while the
    # batch computes its shared results; ``import thidua_sim`` loads no layer, so the preload must
    # name them: a commune brief, run after it, imports none of the loaders, the projection or the
    # planning rules itself (only what a brief run alone computes: the compiled kernels)
    import subprocess
    import sys
    from pathlib import Path

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "commune_brief.ipynb"
    code = (
        "import json, os, sys\n"
        f"exec({_warm.PRELOAD_CODE!r})\n"
        "before = set(sys.modules)\n"
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        f"cells = json.load(open({str(notebook)!r}, encoding='utf-8'))['cells']\n"
        f"os.chdir({str(notebook.parent)!r})\n"
        "namespace = {}\n"
        "for cell in cells:\n"
        "    if cell['cell_type'] == 'code':\n"
        "        source = ''.join(cell['source'])\n"
        "        exec('\\n'.join(l for l in source.splitlines() if not l.lstrip().startswith('%')), namespace)\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          timeout=300, check=True)
    imported = set(done.stdout.split())
    assert "thidua_sim.model._kernel" in imported  # the brief did run (it projected, alone)
    layers = ("thidua_sim.data", "thidua_sim.params", "thidua_sim.planning", "thidua_sim.model.projection",
              "thidua_sim.model.engine", "pandas", "scipy.special")
    assert sorted(m for m in imported if m.startswith(layers)) == []
