"""The batch of briefs: atomic writes, input hashes, refused parameters, failures that do not stop
the others, an interrupted run resumed, a dead kernel retried, and the real notebooks on a subset.

Most batch tests run small stand-in notebooks (same parameters as the real briefs, a few lines
of code keyed on the area id) so that the machinery is tested in seconds; one test runs the
real commune notebook.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import _semaphores
import nbformat
import pytest

from thidua_sim.apps.briefs import batch
from thidua_sim.io._digest import inputs_hash
from thidua_sim.apps.briefs._index import render_index
from thidua_sim.apps.briefs._io import TMP_MARK, remove_stale_temporaries, temporary_path, write_atomic
from thidua_sim.apps.briefs._kernel import kernel_python, resolve_kernel
from thidua_sim.apps.briefs.batch import BatchError, BriefResult, run_briefs

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "params/scenarios/status_quo.yaml"
DATA = ROOT / "data/kbang"
PARAMS = ROOT / "params"

PARAMETERS = '''area_id = "kbang"
scenario = ""
data_dir = ""
params_dir = ""
draws = 0
seed = 0
language = "vi"
until = 2025
control_dir = ""'''

# The stand-in brief: "dak_rong" waits for a release file (to be interrupted), "krong" kills its
# kernel the first time it runs, "so_pai" fails (as a brief's error would); every run records its
# kernel's pid so the test can end the kernels it started.
BODY = '''import os, pathlib, time
control = pathlib.Path(control_dir)
(control / f"pid-{area_id}-{os.getpid()}").touch()
if area_id == "so_pai":
    raise KeyError(f"unknown area {area_id!r}")
if area_id == "krong" and not (control / "krong-died").exists():
    (control / "krong-died").touch()
    os._exit(1)
if area_id == "dak_rong":
    waited = 0.0
    while not (control / "release").exists() and waited < 120:
        time.sleep(0.1)
        waited += 0.1
print(f"brief of {area_id}: {draws} draws, {language}")'''


def _write_fake_notebooks(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("commune", "district"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("secret_code_marker = 1\n" + BODY)]
        nbformat.write(nb, str(folder / f"{kind}_brief.ipynb"))
    return folder


def _kill_recorded_kernels(control: Path) -> None:
    """End the kernels the stand-in notebooks recorded (only those, by pid)."""
    for marker in control.glob("pid-*"):
        pid = int(marker.name.rsplit("-", 1)[1])
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# -- fast unit tests ---------------------------------------------------------------------------

def test_write_atomic_and_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "brief.html"
    write_atomic(target, "<html>ok</html>")
    assert target.read_text() == "<html>ok</html>"
    with pytest.raises(RuntimeError), temporary_path(target) as tmp:
        tmp.write_text("<html>half")
        raise RuntimeError("killed mid-way")
    assert target.read_text() == "<html>ok</html>"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_stale_temporaries_are_removed(tmp_path):
    (tmp_path / "notebooks").mkdir()
    stale = [tmp_path / f".x.abc{TMP_MARK}.html", tmp_path / "notebooks" / f".y.def{TMP_MARK}.ipynb"]
    for path in stale:
        path.write_text("half")
    keep = tmp_path / "district.html"
    keep.write_text("whole")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted(stale)
    assert keep.exists() and not any(p.exists() for p in stale)


def test_inputs_hash_changes_with_every_input(tmp_path):
    data, params = tmp_path / "data", tmp_path / "params"
    data.mkdir()
    params.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    (params / "p.yaml").write_text("a: 1\n")
    scenario = params / "s.yaml"
    scenario.write_text("id: s\n")
    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")

    def digest(**parameters):
        return inputs_hash(params_dir=params, data_dir=data, scenario=scenario, notebook=notebook,
                           parameters={"area_id": "a", "draws": 10, **parameters})

    first = digest()
    assert first == digest() and len(first) == 16
    assert digest(draws=11) != first
    assert digest(data_dir="/elsewhere") == first  # paths are not inputs, their contents are
    (data / "a.csv").write_text("x\n2\n")
    second = digest()
    assert second != first
    (data / ".hidden").write_text("editor state")
    (data / "__pycache__").mkdir()
    (data / "__pycache__" / "x.pyc").write_text("cache")
    assert digest() == second
    notebook.write_text('{"cells": []}')
    assert digest() != second


def test_kernel_resolves_to_this_interpreter(tmp_path):
    exe = kernel_python("python3")
    assert exe is not None and os.path.samefile(exe, sys.executable)
    assert resolve_kernel(tmp_path) == ("python3", {})


def test_kernel_falls_back_to_a_private_spec(tmp_path, monkeypatch):
    import thidua_sim.apps.briefs._kernel as kernel

    monkeypatch.setattr(kernel, "kernel_python", lambda name="python3": "/usr/bin/some-other-python")
    name, env = kernel.resolve_kernel(tmp_path)
    spec = json.loads((tmp_path / ".kernels/kernels" / name / "kernel.json").read_text())
    assert name == kernel.KERNEL_NAME and spec["argv"][0] == sys.executable
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(tmp_path / ".kernels")


def test_undeclared_parameters_are_refused_before_running(tmp_path):
    with pytest.raises(BatchError, match=r"does not declare the parameter bogus; it declares scenario, data_dir"):
        run_briefs(SCENARIO, ["kbang"], 1, out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS,
                   extra_parameters={"bogus": 1}, progress=False)
    assert not (tmp_path / "out").exists()


def test_missing_scenario_or_folder_is_refused(tmp_path):
    with pytest.raises(BatchError, match="no such file"):
        run_briefs(tmp_path / "none.yaml", out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS)
    with pytest.raises(BatchError, match="no such folder"):
        run_briefs(SCENARIO, out_dir=tmp_path / "out", data_dir=tmp_path / "nodata", params_dir=PARAMS)


def test_index_lists_every_brief_with_status_and_error():
    results = [
        BriefResult("district", "Bản tin toàn huyện", "Bản tin toàn huyện", "ok", "h1", "district.html",
                    "notebooks/district.ipynb", None, 12.5),
        BriefResult("commune_x", "t", "Đak <Rong>", "failed", "h2", "", "notebooks/commune_x.ipynb",
                    "KeyError: 'x'", 3.0),
    ]
    html = render_index(results, "vi", "Duy trì")
    assert '<a href="district.html">Bản tin toàn huyện</a>' in html
    assert "Đak &lt;Rong&gt;" in html and "KeyError: &#x27;x&#x27;" in html
    assert 'class="thidua-status-failed">Lỗi<' in html and "12,5" in html
    assert "1/2 bản tin thành công" in html
    assert "Built" in render_index(results, "en", "Status quo")


# -- slow: the batch with stand-in notebooks ---------------------------------------------------------

@pytest.mark.slow
def test_failure_does_not_stop_the_others_and_dead_kernel_is_retried(tmp_path):
    notebooks = _write_fake_notebooks(tmp_path / "nb")
    control = tmp_path / "control"
    control.mkdir()
    (control / "release").touch()
    out = tmp_path / "out"
    try:
        result = run_briefs(SCENARIO, ["kbang", "so_pai", "krong"], 2, out_dir=out, data_dir=DATA, params_dir=PARAMS,
                            notebooks_dir=notebooks, extra_parameters={"control_dir": str(control)},
                            district=False, progress=False, start_timeout=60, cell_timeout=120)
    finally:
        _kill_recorded_kernels(control)
    status = {r.name: r for r in result.results}
    assert status["commune_kbang"].status == "ok"
    assert status["commune_so_pai"].status == "failed"
    assert status["commune_so_pai"].error == "KeyError: \"unknown area 'so_pai'\""
    assert status["commune_krong"].status == "ok" and status["commune_krong"].attempts == 2
    assert (control / "krong-died").exists()
    # the failed notebook is kept with papermill's error cell; no HTML for it
    failed = nbformat.read(str(out / "notebooks/commune_so_pai.ipynb"), as_version=4)
    assert any(o.get("ename") == "KeyError" for c in failed.cells for o in c.get("outputs", []))
    assert not (out / "commune_so_pai.html").exists()
    # HTML holds the outputs and no code
    html = (out / "commune_kbang.html").read_text(encoding="utf-8")
    assert "brief of kbang: 200 draws, vi" in html
    assert "secret_code_marker" not in html and "import os" not in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="commune_kbang.html"' in index and "KeyError" in index
    assert "FAILED commune_so_pai: KeyError" in result.summary()
    assert not list(out.rglob(f"*{TMP_MARK}*"))
    common = dict(out_dir=out, data_dir=DATA, params_dir=PARAMS, notebooks_dir=notebooks, district=False,
                  extra_parameters={"control_dir": str(control)}, progress=False)
    try:
        assert [r.status for r in run_briefs(SCENARIO, ["kbang"], 1, **common).results] == ["skipped"]
        assert [r.status for r in run_briefs(SCENARIO, ["kbang"], 1, force=True, **common).results] == ["ok"]
    finally:
        _kill_recorded_kernels(control)


@pytest.mark.slow
def test_cli_exit_code_and_summary(tmp_path, capsys):
    from thidua_sim.apps.cli import main

    notebooks = _write_fake_notebooks(tmp_path / "nb")
    control = tmp_path / "control"
    control.mkdir()
    args = ["briefs", "--scenario", str(SCENARIO), "--data", str(DATA), "--params", str(PARAMS), "--areas", "so_pai",
            "--no-district", "--quiet", "--notebooks", str(notebooks), "-p", f"control_dir={control}",
            "--out", str(tmp_path / "out")]
    try:
        assert main(args) == 1
    finally:
        _kill_recorded_kernels(control)
    printed = capsys.readouterr().out
    assert "0 built, 0 unchanged (skipped), 1 failed of 1 briefs." in printed
    assert f"Index: {tmp_path / 'out' / 'index.html'}" in printed
    assert main(args[:-2] + ["-p", "bogus=1", "--out", str(tmp_path / "out2")]) == 1
    assert "does not declare the parameter bogus" in capsys.readouterr().err


def _complete(path: Path) -> bool:
    if path.suffix == ".html":
        return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    if path.suffix == ".ipynb":
        nbformat.read(str(path), as_version=4)
        return True
    if path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
        return True
    return True


@pytest.mark.slow
def test_interrupted_run_leaves_no_half_files_and_resumes(tmp_path):
    notebooks = _write_fake_notebooks(tmp_path / "nb")
    control = tmp_path / "control"
    control.mkdir()
    out = tmp_path / "out"
    command = [sys.executable, "-m", "thidua_sim.apps.cli", "briefs", "--scenario", str(SCENARIO), "--data", str(DATA),
               "--params", str(PARAMS), "--areas", "kbang", "dak_rong", "--no-district", "--jobs", "2", "--quiet",
               "--notebooks", str(notebooks), "-p", f"control_dir={control}", "--out", str(out)]
    semaphores = _semaphores.named()
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (out / ".commune_kbang.inputs.json").exists() or not list(control.glob("pid-dak_rong-*")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the batch did not get going"
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole batch, mid-way through dak_rong
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        _kill_recorded_kernels(control)
        _semaphores.wait_group_gone(proc.pid)
        _semaphores.remove_left(semaphores)  # the killed pool's: its resource tracker went with it
    finals = [p for p in out.rglob("*") if p.is_file() and TMP_MARK not in p.name]
    assert all(_complete(p) for p in finals)
    assert (out / "commune_kbang.html").exists() and not (out / "commune_dak_rong.html").exists()

    (control / "release").touch()
    try:
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        _kill_recorded_kernels(control)
    assert rerun.returncode == 0, rerun.stderr
    assert "1 built, 1 unchanged (skipped), 0 failed of 2 briefs." in rerun.stdout
    assert not list(out.rglob(f"*{TMP_MARK}*"))
    assert len(list(control.glob("pid-kbang-*"))) == 1  # kbang ran once: the re-run reused it


# -- slow: the real commune brief --------------------------------------------------------------------

@pytest.mark.slow
def test_real_commune_brief_batch(tmp_path):
    out = tmp_path / "out"
    result = run_briefs(SCENARIO, ["son_lang"], 1, out_dir=out, data_dir=DATA, params_dir=PARAMS, draws=10,
                        district=False, language="en", progress=False)
    assert [r.status for r in result.results] == ["ok"], result.summary()
    html = (out / "commune_son_lang.html").read_text(encoding="utf-8")
    assert "Poverty-reduction planning brief: Sơn Lang" in html
    assert html.count('class="thidua-chart"') == 2
    assert "brief.commune_brief" not in html and 'class="jp-InputArea' not in html
    assert "<script src=" not in html  # nothing loaded from the network
    state = json.loads((out / ".commune_son_lang.inputs.json").read_text())
    assert state["inputs_hash"] in html  # the brief prints the same hash the batch stores
    again = run_briefs(SCENARIO, ["son_lang"], 1, out_dir=out, data_dir=DATA, params_dir=PARAMS, draws=10,
                       district=False, language="en", progress=False)
    assert [r.status for r in again.results] == ["skipped"]
    other = run_briefs(SCENARIO, ["son_lang"], 1, out_dir=out, data_dir=DATA, params_dir=PARAMS, draws=11,
                       district=False, language="en", progress=False)
    assert [r.status for r in other.results] == ["ok"]


def test_empty_area_list_builds_the_district_brief_alone(tmp_path):
    # The planner's "brief for the district" button passes areas=[]; that must not mean "every commune".
    notebooks = _write_fake_notebooks(tmp_path / "nb")
    control = tmp_path / "control"
    control.mkdir()
    try:
        result = run_briefs(SCENARIO, [], 1, out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS,
                            notebooks_dir=notebooks, extra_parameters={"control_dir": str(control)},
                            district=True, progress=False)
    finally:
        _kill_recorded_kernels(control)
    assert [(r.name, r.status) for r in result.results] == [("district", "ok")]
