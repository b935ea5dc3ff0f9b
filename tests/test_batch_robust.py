"""Issue 10, batch robustness: area ids checked before any path is built, parameters checked by
papermill's inspection before any kernel, one run per output folder, no umask changes, kernels
on IPC, library versions in the skip hash, a concurrent run's temporaries kept, and Ctrl-C that
stops promptly, ends the kernels and leaves no temporaries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from thidua_sim.apps.briefs import batch
from thidua_sim.io import _digest as _hash
from thidua_sim.apps.briefs._io import TMP_MARK, remove_stale_temporaries, temporary_path, write_atomic
from thidua_sim.apps.briefs.batch import BatchError, run_briefs

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "params/scenarios/status_quo.yaml"
DATA = ROOT / "data/kbang"
PARAMS = ROOT / "params"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_batch import _kill_recorded_kernels, _write_fake_notebooks  # noqa: E402


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("area", ["../../../../notebooks/planner", "nope", "kon_pne/../x", ""])
def test_unknown_or_path_like_area_ids_are_refused_before_any_file(tmp_path, area):
    out = tmp_path / "out"
    with pytest.raises(BatchError, match="not a commune id") as info:
        run_briefs(SCENARIO, [area], 1, out_dir=out, data_dir=DATA, params_dir=PARAMS, progress=False)
    assert "areas.csv" in str(info.value)
    assert not out.exists()  # refused before the output folder (or any path from the id) was made


def test_a_near_miss_area_id_gets_a_suggestion(tmp_path):
    with pytest.raises(BatchError, match="Did you mean kon_pne"):
        run_briefs(SCENARIO, ["kon_pnee"], 1, out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS,
                   progress=False)


def test_misspelt_or_wrongly_typed_parameters_are_refused_before_running(tmp_path):
    with pytest.raises(BatchError, match="does not declare the parameter sed.*Did you mean seed"):
        run_briefs(SCENARIO, ["kbang"], 1, out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS,
                   extra_parameters={"sed": 5}, progress=False)
    with pytest.raises(BatchError, match=r"parameter draws = 'abc' is str; the notebook expects a whole number"):
        run_briefs(SCENARIO, ["kbang"], 1, out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS,
                   extra_parameters={"draws": "abc"}, progress=False)
    with pytest.raises(BatchError, match=r"parameter language = 2 is int; the notebook expects text"):
        run_briefs(SCENARIO, ["kbang"], 1, out_dir=tmp_path / "out", data_dir=DATA, params_dir=PARAMS,
                   extra_parameters={"language": 2}, progress=False)
    assert not (tmp_path / "out").exists()


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with batch._folder_lock(out):
        with pytest.raises(BatchError, match=rf"another briefs run \(process {os.getpid()}\) is writing"):
            run_briefs(SCENARIO, ["kbang"], 1, out_dir=out, data_dir=DATA, params_dir=PARAMS, progress=False)
    with batch._folder_lock(out):  # released: it can be taken again
        pass


def test_writes_never_touch_the_umask(tmp_path, monkeypatch):
    def no_umask(*_args):
        raise AssertionError("os.umask changes the mask of the whole process")

    monkeypatch.setattr(os, "umask", no_umask)
    write_atomic(tmp_path / "a.html", "<html></html>")
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o644


def test_a_live_runs_temporaries_are_kept_and_a_dead_ones_removed(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a finished process: its pid is free (reaped)
    dead = tmp_path / f".x.p{child.pid}.abc{TMP_MARK}.html"
    legacy = tmp_path / f".y.def{TMP_MARK}.html"
    for path in (dead, legacy):
        path.write_text("half")
    with temporary_path(tmp_path / "live.html") as live:  # this (running) process's temporary
        live.write_text("being written")
        removed = remove_stale_temporaries(tmp_path)
        assert live.exists()
    assert sorted(removed) == sorted([dead, legacy])


def test_library_versions_are_part_of_the_skip_hash(tmp_path, monkeypatch):
    for folder in ("data", "params"):
        (tmp_path / folder).mkdir()
    scenario = tmp_path / "s.yaml"
    scenario.write_text("id: s\n")

    def digest() -> str:
        return _hash.inputs_hash(params_dir=tmp_path / "params", data_dir=tmp_path / "data", scenario=scenario,
                                 notebook=None, parameters={"draws": 1})

    first = digest()
    assert set(_hash.NUMERIC_LIBRARIES) == {"numpy", "scipy", "pandas"}
    import numpy

    assert f"numpy={numpy.__version__}" in _hash.library_versions()
    monkeypatch.setattr(_hash, "library_versions", lambda: "numpy=0.0,scipy=0.0,pandas=0.0")
    assert digest() != first


def test_kernels_use_the_ipc_transport(tmp_path):
    manager = batch._ipc_kernel_manager(str(tmp_path))(kernel_name="python3")
    assert manager.transport == "ipc"
    assert manager.ip == str(tmp_path / "kernel")


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _batch_inside_a_brief(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    """A one-brief batch (its own session) whose kernel runs a brief that waits for a release file
    (the fake notebooks of tests/test_batch.py): (the process, its control folder, its output)."""
    notebooks = _write_fake_notebooks(tmp_path / "nb")
    control = tmp_path / "control"
    control.mkdir()
    out = tmp_path / "out"
    command = [sys.executable, "-m", "thidua_sim.apps.cli", "briefs", "--scenario", str(SCENARIO), "--data", str(DATA),
               "--params", str(PARAMS), "--areas", "dak_rong", "--no-district", "--jobs", "1", "--quiet",
               "--notebooks", str(notebooks), "-p", f"control_dir={control}", "--out", str(out),
               "--cell-timeout", "600"]
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, control, out


def _wait_for_the_kernel(proc: subprocess.Popen, control: Path) -> list[int]:
    """The process ids of the kernels running the waiting brief, once they do."""
    deadline = time.monotonic() + 120
    while not list(control.glob("pid-dak_rong-*")):  # the kernel runs the (waiting) brief
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the batch did not get going"
        time.sleep(0.2)
    return [int(p.name.rsplit("-", 1)[1]) for p in control.glob("pid-dak_rong-*")]


@pytest.mark.slow
def test_ctrl_c_stops_promptly_ends_kernels_and_leaves_no_temporaries(tmp_path):
    proc, control, out = _batch_inside_a_brief(tmp_path)
    try:
        kernels = _wait_for_the_kernel(proc, control)
        assert list(out.rglob(f"*{TMP_MARK}*"))  # papermill is writing the executed notebook
        proc.send_signal(signal.SIGINT)  # Ctrl-C, to the main process only
        proc.wait(timeout=60)  # a hang guard: the brief itself would wait 120 s for its release file
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _stdout, stderr = proc.communicate()
        _kill_recorded_kernels(control)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
    assert not any(_alive(pid) for pid in kernels)
    assert not list(out.rglob(f"*{TMP_MARK}*"))
    assert not (out / "commune_dak_rong.html").exists()  # stopped mid-brief, not after it
    assert not list(control.glob("release"))


@pytest.mark.slow
def test_a_killed_batch_leaves_no_worker_or_kernel_running(tmp_path):
    # the batch's main process killed (SIGKILL: no clean-up of its own) while a kernel runs a brief:
    # its workers would wait for work forever, with their kernels; they end them and themselves
    import psutil

    proc, control, out = _batch_inside_a_brief(tmp_path)
    try:
        kernels = _wait_for_the_kernel(proc, control)
        started = [p.pid for p in psutil.Process(proc.pid).children(recursive=True)] + kernels
        assert len(started) >= 2  # a worker and its kernel at least
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [pid for pid in started if _alive(pid)]
    finally:
        for pid in [proc.pid] + (started if "started" in locals() else []):
            try:
                os.kill(pid, signal.SIGKILL)  # what is left, so that the pipes close
            except OSError:
                pass
        proc.communicate(timeout=60)
        _kill_recorded_kernels(control)
    assert not left, f"still running after the batch was killed: {left}"


def test_socket_folders_of_killed_runs_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = tmp_path / f"thidua-briefs-p{child.pid}-abc"
    live = tmp_path / f"thidua-briefs-p{os.getppid()}-def"  # the process that started pytest still runs
    for folder in (dead, live):
        folder.mkdir()
    with batch._socket_folder() as mine:
        assert Path(mine).is_dir() and Path(mine).name.startswith(f"thidua-briefs-p{os.getpid()}-")
        assert not dead.exists() and live.exists()
    assert not Path(mine).exists()
