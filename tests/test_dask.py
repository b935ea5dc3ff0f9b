"""Runs on a real Dask cluster (one ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1, started and stopped by the test): the Monte Carlo and the batch of briefs give the
same numbers as locally, and a worker killed mid-batch loses nothing and leaves no partial file."""

import time

import numpy as np
import pytest
from _dask_cluster import cluster
from factories import line, make_baseline, make_instrument, make_params, make_rates, make_scenario

import thidua_sim.model._montecarlo as mc
import thidua_sim.model._streaming as streaming
from thidua_sim import project

pytestmark = pytest.mark.slow

BASELINE = [[(100, 50, 350), (20, 30, 450)], [(200, 80, 220), (10, 10, 180)], [(5, 3, 40), (9, 1, 30)]]


def _inputs():
    inst = make_instrument(cost=10.0, eligible=("poor", "near_poor"), effects={"uPO": 0.3, "dNP": 0.2})
    scenario = make_scenario([line(2022, "livelihood", 600.0, rule="poor")])
    params = make_params([inst], rates=make_rates(interval=0.3, dtts={"gamma": 0.02}, other={"gamma": 0.01}))
    return make_baseline(BASELINE), scenario, params


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    with cluster(tmp_path_factory.mktemp("dask"), workers=2) as c:
        yield c


def test_monte_carlo_on_the_cluster_equals_the_local_run(dask_cluster, monkeypatch):
    # several tasks for both workers: 6 cells -> 5-draw chunks, 30-draw tasks, 150 draws -> 5 tasks
    monkeypatch.setattr(mc, "CHUNK_CELLS", 32)
    monkeypatch.setattr(streaming, "PILOT_DRAWS", 30)
    local = project(*_inputs(), until=2024, draws=150, seed=5, keep_draws=False)
    remote = project(*_inputs(), until=2024, draws=150, seed=5, keep_draws=False, scheduler=dask_cluster.address)
    for name in ("mean", "sd", "quantiles", "quantile_error"):
        np.testing.assert_array_equal(getattr(remote.summary, name), getattr(local.summary, name))
    # full draws through the cluster: the very draws of the local run
    kept_local = project(*_inputs(), until=2024, draws=40, seed=5, keep_draws=True)
    kept_remote = project(*_inputs(), until=2024, draws=40, seed=5, keep_draws=True, scheduler=dask_cluster.address)
    np.testing.assert_array_equal(kept_remote.draws, kept_local.draws)
    from distributed import Client

    with Client(dask_cluster.address, timeout="20s") as client:  # both workers took part
        assert len(client.scheduler_info(n_workers=-1)["workers"]) == 2


def test_project_command_takes_the_scheduler_from_the_environment(dask_cluster, monkeypatch, tmp_path):
    import pandas as pd

    from thidua_sim.apps.cli import main

    args = ["project", "--scenario", "params/scenarios/status_quo.yaml", "--draws", "300", "--until", "2023"]
    assert main([*args, "--out", str(tmp_path / "local.csv")]) == 0
    monkeypatch.setenv("THIDUA_SCHEDULER", dask_cluster.address)
    seen = []
    import thidua_sim.model._executors as executors

    real = executors._dask
    monkeypatch.setattr(executors, "_dask", lambda *a, **k: seen.append(a[3]) or real(*a, **k))
    assert main([*args, "--out", str(tmp_path / "cluster.csv")]) == 0
    assert seen == [dask_cluster.address]  # the draws did go to the cluster
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "cluster.csv"), pd.read_csv(tmp_path / "local.csv"))


def _text(html: str) -> str:
    """A brief's HTML without what differs between two builds of the same brief (dates, cell ids)."""
    import re

    html = re.sub(r"\d{4}-\d{2}-\d{2}[ T][0-9:]+", "", html)
    return re.sub(r'id="cell-id=[^"]*"', "", html)


def test_batch_on_the_cluster_survives_a_killed_worker(dask_cluster, tmp_path):
    import threading

    from thidua_sim.apps.briefs._io import TMP_MARK
    from thidua_sim.apps.cli import main

    areas = ["kon_pne", "dak_rong", "son_lang", "krong", "lo_ku", "dong"]
    common = ["briefs", "--scenario", "params/scenarios/status_quo.yaml", "--draws", "50", "--no-district",
              "--quiet", "--areas", *areas]
    out, local = tmp_path / "cluster", tmp_path / "local"
    victim = dask_cluster.workers[0]
    killed = threading.Event()

    def kill_after_first_brief():  # a lost machine, mid-batch: briefs are still to come
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if out.is_dir() and len(list(out.glob("commune_*.html"))) >= 1:
                dask_cluster.kill(victim)
                killed.set()
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_after_first_brief, daemon=True)
    killer.start()
    try:
        assert main([*common, "--scheduler", dask_cluster.address, "--out", str(out)]) == 0
    finally:
        killer.join(timeout=60)
    assert killed.is_set() and victim.poll() is not None
    built = sorted(p.name for p in out.glob("commune_*.html"))
    assert built == sorted(f"commune_{a}.html" for a in areas)  # nothing lost
    assert not list(out.rglob(f"*{TMP_MARK}*"))  # no partial file
    assert (out / "results.npz").is_file()
    # the same briefs as a local run of the same batch
    assert main([*common, "--jobs", "1", "--out", str(local)]) == 0
    for name in built:
        assert _text((out / name).read_text(encoding="utf-8")) == _text((local / name).read_text(encoding="utf-8"))


def test_no_scheduler_at_the_address_is_a_plain_error(monkeypatch, capsys):
    import socket

    import thidua_sim.model._executors as executors
    from thidua_sim.apps.cli import main

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "2s")
    with socket.socket() as s:  # a port on this machine that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    assert main(["project", "--scenario", "params/scenarios/status_quo.yaml", "--draws", "20",
                 "--scheduler", address]) == 1
    err = capsys.readouterr().err
    assert f"--scheduler {address}: no Dask scheduler answers there" in err and "Traceback" not in err


def test_the_semaphores_a_killed_group_leaves_are_removed_and_nothing_else(monkeypatch, tmp_path):
    # a worker's process group killed like a lost machine takes its resource tracker with it, and its
    # named semaphores would stay in /dev/shm; the cluster (and the killed-batch test) removes those
    # that appeared meanwhile and that no process maps any more, and nothing else (tests/_semaphores.py)
    import mmap

    import _semaphores

    monkeypatch.setattr(_semaphores, "FOLDER", tmp_path)
    (tmp_path / "sem.mp-before").write_bytes(b"\0" * 32)  # older than the cluster: not its own
    before = _semaphores.named()
    for name in ("sem.mp-left", "sem.mp-in-use", "unrelated"):
        (tmp_path / name).write_bytes(b"\0" * 32)
    with open(tmp_path / "sem.mp-in-use", "r+b") as f, mmap.mmap(f.fileno(), 0) as in_use:  # a living user
        assert _semaphores.remove_left(before) == ["sem.mp-left"]
        assert in_use[:1] == b"\0"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sem.mp-before", "sem.mp-in-use", "unrelated"]
