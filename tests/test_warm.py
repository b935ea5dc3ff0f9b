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
