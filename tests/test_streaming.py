"""Streaming Monte Carlo (model/_streaming.py): the statistics of a streamed run against the
same draws kept in full (the chunks and seeds are the same), determinism over workers, target
probabilities, and memory that does not depend on the number of draws."""

import numpy as np
import pytest
from factories import line, make_baseline, make_instrument, make_params, make_rates, make_scenario

import thidua_sim.model._montecarlo as mc
import thidua_sim.model._streaming as streaming
import thidua_sim.model.projection as projection_module
from thidua_sim import Target, project
from thidua_sim.planning.targets import check_target, draw_meets

BASELINE = [[(100, 50, 350), (20, 30, 450)], [(200, 80, 220), (10, 10, 180)], [(5, 3, 40), (0, 0, 0)]]
TARGETS = (Target("d", "d", "d", "district", 2.0, 2021, 2024, True),
           Target("a1", "a1", "a1", "area:area_1", 3.0, 2021, 2024, False),
           Target("g", "g", "g", "dtts", 0.5, 2022, 2024, True))


def _inputs():
    inst = make_instrument(cost=10.0, eligible=("poor", "near_poor"), effects={"uPO": 0.3, "dNP": 0.2})
    scenario = make_scenario([line(2022, "livelihood", 600.0, rule="poor")])
    params = make_params([inst], rates=make_rates(interval=0.3, dtts={"gamma": 0.02}, other={"gamma": 0.01}))
    return make_baseline(BASELINE), scenario, params


@pytest.fixture
def small_chunks(monkeypatch):
    # 6 cells -> 5 draws a chunk; 30-draw tasks (6 chunks): several tasks even for a small run
    monkeypatch.setattr(mc, "CHUNK_CELLS", 32)
    monkeypatch.setattr(streaming, "PILOT_DRAWS", 30)


def _run(draws, keep, **kw):
    baseline, scenario, params = _inputs()
    return project(baseline, scenario, params, until=2024, draws=draws, seed=11, keep_draws=keep,
                   targets=TARGETS, target_rule=draw_meets, **kw)


def test_streamed_statistics_match_the_kept_draws(small_chunks):
    full, stream = _run(300, True), _run(300, False)
    assert stream.draws is None and stream.summary is not None and stream.summary.bins > 0
    a, b = full.table(), stream.table()
    keys = ["population", "year", "measure", "statistic"]
    assert (a[keys].to_numpy() == b[keys].to_numpy()).all()
    for stat in ("expected", "mean", "sd"):
        rows = (a.statistic == stat).to_numpy()
        np.testing.assert_allclose(b.value[rows], a.value[rows], rtol=1e-9, atol=1e-9)
    # quantiles: within one bin of the exact ones, checked against the sorted draws themselves:
    # between the order statistics next to NumPy's position, widened by the bin the estimate fell in
    summary = stream.summary
    for p, pop in enumerate(summary.populations):
        area, group = summary.parsed[p]
        from thidua_sim.model._stats import measures, population_sums

        values = np.sort(measures(population_sums(full.draws, [(area, group)]))[:, 0], axis=0)  # (D, M, Y)
        D = values.shape[0]
        for i, q in enumerate(streaming.QUANTILES):
            k = int(np.floor((D - 1) * q))
            low, high = values[max(k - 1, 0)], values[min(k + 2, D - 1)]
            est, err = summary.quantiles[i, p], summary.quantile_error[i, p]
            assert np.all(est >= low - err - 1e-9) and np.all(est <= high + err + 1e-9), (pop, q)
            # and the bins are narrow: a few hundredths of the spread of the draws at most
            spread = values[-1] - values[0]
            assert np.all(err <= 0.05 * spread + 1e-9), (pop, q, err[err > 0.05 * spread + 1e-9], spread[err > 0.05 * spread + 1e-9])


def test_streamed_numbers_do_not_depend_on_workers(small_chunks):
    one, two = _run(120, False, workers=1), _run(120, False, workers=2)
    for name in ("mean", "sd", "quantiles", "quantile_error"):
        np.testing.assert_array_equal(getattr(one.summary, name), getattr(two.summary, name))
    assert one.summary.hits == two.summary.hits
    other_seed = project(*_inputs(), until=2024, draws=120, seed=12, keep_draws=False)
    assert not np.array_equal(one.summary.mean, other_seed.summary.mean)


def test_bins_batched_across_tasks_count_as_np_add_at():
    # a batch of 3 rows fed results of 2, 5 and 1 draws: filled, flushed mid-result, flushed at the end
    rng = np.random.default_rng(5)
    N, width = 7, 12
    hist = np.zeros((N, width), np.uint16)
    batch = streaming._BinBatch(hist, nbytes=3 * N)
    parts = [rng.integers(0, width, size=(d, N)).astype(np.uint8) for d in (2, 5, 1)]
    for part in parts:
        batch.add(part)
    assert hist.sum() == 6 * N  # two full batches counted, two rows still waiting
    batch.flush()
    want = np.zeros((N, width), np.int64)
    for part in parts:
        for row in part:
            np.add.at(want, (np.arange(N), row.astype(np.int64)), 1)
    np.testing.assert_array_equal(hist, want)


def test_streamed_quantiles_do_not_depend_on_the_batch_of_bins(small_chunks, monkeypatch):
    whole = _run(200, False).summary
    monkeypatch.setattr(streaming, "ADD_BATCH_BYTES", 1)  # one draw a batch
    one_by_one = _run(200, False).summary
    np.testing.assert_array_equal(whole.quantiles, one_by_one.quantiles)
    np.testing.assert_array_equal(whole.quantile_error, one_by_one.quantile_error)
    assert whole.bins > 0


def test_target_probabilities_are_counted_exactly(small_chunks):
    full, stream = _run(200, True), _run(200, False)
    seen = set()
    for target in TARGETS:
        p_full, p_stream = check_target(full, target).probability, check_target(stream, target).probability
        assert p_stream == p_full  # the same draws, the same rule: the same count
        seen.add(p_full)
    assert len(seen) > 1 or 0.0 < min(seen) < 1.0  # the targets are not all trivially met or missed
    # a target that was not counted has no probability (not a made-up one)
    other = Target("x", "x", "x", "area:area_0", 1.0, 2021, 2024, True)
    assert check_target(stream, other).probability is None


def test_memory_of_a_streamed_run_does_not_grow_with_draws(small_chunks):
    def size(summary):
        return sum(getattr(summary, n).nbytes for n in ("mean", "sd", "quantiles", "quantile_error"))

    small, large = _run(60, False), _run(600, False)
    assert size(small.summary) == size(large.summary)
    assert small.draws is None and large.draws is None


def test_keep_draws_by_default_only_for_small_runs(monkeypatch):
    baseline, scenario, params = _inputs()
    kept = project(baseline, scenario, params, until=2023, draws=20)
    assert kept.draws is not None and kept.summary is None
    monkeypatch.setattr(projection_module, "KEEP_DRAWS_BELOW", 0)
    streamed = project(baseline, scenario, params, until=2023, draws=20)
    assert streamed.draws is None and streamed.summary is not None
    # one task only (20 draws < the pilot): the quantiles are exact
    np.testing.assert_array_equal(streamed.summary.quantile_error, 0.0)
    np.testing.assert_allclose(streamed.table().value, kept.table().value, rtol=1e-9, atol=1e-9)


def test_table_of_kept_draws_equals_numpy_quantiles():
    # the fast table path (rows sorted once, counts as integers) against np.quantile directly
    result = _run(97, True)
    table = result.table(["area:area_2", "other"])
    for pop in ("area:area_2", "other"):
        rate = result.rate(pop, "near_poor", draws=True)
        rows = table[(table.population == pop) & (table.measure == "near_poor_rate")]
        got = rows.pivot(index="statistic", columns="year", values="value")
        for name, q in zip(("q05", "q10", "q25", "q50", "q75", "q90", "q95"), streaming.QUANTILES):
            np.testing.assert_array_equal(got.loc[name].to_numpy(), np.quantile(rate, q, axis=0))
        # whole-number counts: counted (one bincount), the same order statistics as sorting
        for measure, values in (("households", result.households(pop, draws=True)),
                                ("poor", result.stocks(pop, draws=True)[..., 0])):
            rows = table[(table.population == pop) & (table.measure == measure)]
            got = rows.pivot(index="statistic", columns="year", values="value")
            for name, q in zip(("q05", "q10", "q25", "q50", "q75", "q90", "q95"), streaming.QUANTILES):
                np.testing.assert_array_equal(got.loc[name].to_numpy(), np.quantile(values, q, axis=0))


def test_counted_and_sorted_quantiles_agree_on_wide_and_narrow_rows(monkeypatch):
    from thidua_sim.model import _stats

    rng = np.random.default_rng(0)
    rows = np.concatenate([rng.integers(0, 3, (5, 101)), rng.integers(-50, 40000, (5, 101)),
                           np.full((1, 101), 7)])
    counted = _stats._sorted_quantiles(rows)
    monkeypatch.setattr(_stats, "COUNT_BINS", 0)  # every row sorted instead
    np.testing.assert_array_equal(_stats._sorted_quantiles(rows), counted)
    np.testing.assert_array_equal(counted, np.quantile(rows, _stats.QUANTILES, axis=1))


def test_project_command_on_a_streamed_run_prints_the_band_and_writes_the_table(monkeypatch, tmp_path, capsys):
    import pandas as pd

    from thidua_sim.apps.cli import main

    args = ["project", "--scenario", "params/scenarios/status_quo.yaml", "--draws", "100", "--until", "2023",
            "--language", "en"]
    assert main([*args, "--out", str(tmp_path / "kept.csv")]) == 0
    kept_out = capsys.readouterr().out
    monkeypatch.setattr(projection_module, "KEEP_DRAWS_BELOW", 0)  # stream even this small run
    assert main([*args, "--out", str(tmp_path / "streamed.csv")]) == 0
    streamed_out = capsys.readouterr().out
    assert "90 % band" in streamed_out
    # one task (100 draws): the streamed table is the kept one, to rounding
    kept, streamed = pd.read_csv(tmp_path / "kept.csv"), pd.read_csv(tmp_path / "streamed.csv")
    pd.testing.assert_frame_equal(streamed.drop(columns="value"), kept.drop(columns="value"))
    np.testing.assert_allclose(streamed.value, kept.value, rtol=1e-9, atol=1e-9)
    assert streamed_out.splitlines()[2:-1] == kept_out.splitlines()[2:-1]  # the same printed tables


def test_a_target_the_stream_cannot_count_is_refused(small_chunks):
    from thidua_sim import ProjectionError

    baseline, scenario, params = _inputs()
    late = Target("late", "late", "late", "district", 2.0, 2021, 2030, True)
    with pytest.raises(ProjectionError, match="year 2030 is outside the projection 2021-2024"):
        project(baseline, scenario, params, until=2024, draws=50, keep_draws=False, targets=(late,),
                target_rule=draw_meets)
    with pytest.raises(ProjectionError, match="not among the streamed populations"):
        project(baseline, scenario, params, until=2024, draws=50, keep_draws=False, targets=TARGETS[:1],
                target_rule=draw_meets, populations=["dtts"])


@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="needs a fork server")
def test_a_run_with_workers_starts_its_fork_server_first_and_stops_it_however_it_ends(monkeypatch, small_chunks):
    from multiprocessing import forkserver

    import pandas as pd

    import thidua_sim.model._executors as executors
    from thidua_sim import ProjectionError

    monkeypatch.setattr(mc, "POOL_MIN_CELL_YEARS", 1)  # this small run counts as a large one
    started = []
    real_prestart = executors.prestart
    monkeypatch.setattr(executors, "prestart", lambda *a, **k: (started.append(a), real_prestart(*a, **k))[1])
    seen = []
    real_compile = projection_module.compile_model

    def compile_model(*args, **kwargs):  # what the fork server is doing while the model is compiled
        seen.append(getattr(forkserver._forkserver, "_forkserver_pid", None))
        return real_compile(*args, **kwargs)

    monkeypatch.setattr(projection_module, "compile_model", compile_model)
    baseline, scenario, params = _inputs()
    with pytest.raises(ProjectionError, match="not among the streamed populations"):  # refused after the start
        project(baseline, scenario, params, until=2024, draws=50, keep_draws=False, targets=TARGETS[:1],
                target_rule=draw_meets, populations=["dtts"], workers=2)
    assert started and seen and seen[0] is not None  # started before the model was compiled
    assert getattr(forkserver._forkserver, "_forkserver_pid", None) is None  # and stopped
    seen.clear()
    result = project(baseline, scenario, params, until=2024, draws=50, seed=11, keep_draws=False, workers=2)
    assert seen[0] is not None and getattr(forkserver._forkserver, "_forkserver_pid", None) is None
    alone = project(baseline, scenario, params, until=2024, draws=50, seed=11, keep_draws=False)
    pd.testing.assert_frame_equal(result.table(), alone.table())


@pytest.mark.parametrize("scale", [1, 10**7])
def test_integer_table_path_equals_the_float_path(scale):
    """Projection.table()'s integer rows (draw_statistics) against the float64 population sums
    of exact_statistics, a second computation of the same statistics: quantiles identical, mean
    and sd to rounding; ``scale`` makes the counts so large that the exact integer sd would
    overflow and NumPy's two-pass sd is used instead. Includes an empty cell (rates 0)."""
    from thidua_sim.model import _stats
    from thidua_sim.model.projection import parse_populations

    result = _run(97, True)
    draws = result.draws.astype(np.int64) * scale
    parsed = parse_populations(result.populations(), result.areas)
    new = _stats.draw_statistics(draws, parsed)
    old = _stats.exact_statistics(_stats.population_sums(draws, parsed))
    np.testing.assert_array_equal(new[:, 2:], old[:, 2:])
    np.testing.assert_allclose(new[:, :2], old[:, :2], rtol=1e-12, atol=1e-12 * scale)
    assert np.any(new[:, 1] > 0)


@pytest.mark.parametrize("keep, draws", [(False, 400), (True, 5000)])  # kept: enough cell-years for workers
def test_a_script_without_the_main_guard_gets_told_how_to_fix_it(tmp_path, keep, draws):
    # local workers re-import the calling script: unguarded, that script would start workers of its
    # own; the run must stop with the fix in the message, not with a pipe error from the fork server
    # (the streamed run's pool and the kept draws' own)
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from factories import make_baseline, make_params, make_rates, make_scenario\n"
        "from thidua_sim import project\n"
        "baseline = make_baseline([[(30, 20, 150), (10, 5, 80)]] * 300)\n"
        "params = make_params([], rates=make_rates(interval=0.2))\n"
        f"project(baseline, make_scenario(), params, until=2024, draws={draws}, seed=1, workers=2, keep_draws={keep},\n"
        "        progress=False)\n"
        "print('ran without workers?')\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("thidua_sim.errors.ProjectionError: workers = 2: the worker processes could not start")
    assert 'if __name__ == "__main__":' in last and "workers=1" in last


def test_results_through_files_in_memory_are_the_same_and_leave_nothing(monkeypatch, small_chunks, tmp_path):
    # a local worker's large result comes back through a file it writes and this process maps
    # (model/_executors.py); with the threshold at 0 every task's result does
    import glob
    import tempfile

    import thidua_sim.model._executors as executors

    one = _run(120, False, workers=1)
    monkeypatch.setattr(executors, "SPILL_BYTES", 0)
    monkeypatch.setattr(executors, "HELP_WHILE_STARTING", False)  # every task in a worker
    monkeypatch.setattr(mc, "POOL_MIN_CELL_YEARS", 0)
    spilled = []
    real = executors._receive
    monkeypatch.setattr(executors, "_receive", lambda item, *slots: spilled.append(type(item).__name__) or real(item, *slots))
    two = _run(120, False, workers=2)
    assert spilled and set(spilled) == {"_Spilled"}
    np.testing.assert_array_equal(one.table().select_dtypes("number").to_numpy(),
                                  two.table().select_dtypes("number").to_numpy())
    left = [p for folder in ("/dev/shm", tempfile.gettempdir())
            for p in glob.glob(f"{folder}/{executors.RESULTS_PREFIX}*")]
    assert left == []


def test_a_run_removes_what_drivers_that_are_gone_left_in_memory(monkeypatch, tmp_path):
    # a driver killed mid-run (SIGKILL: its clean-up never runs) leaves its results folder, with a
    # result in it, and its kept draws' file; a later run removes them once they are old, and
    # nothing of a living process or unrelated
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    import thidua_sim.model._executors as executors

    monkeypatch.setattr(executors, "SCRATCH_DIRS", (str(tmp_path),))
    code = ("import os, sys\n"
            "import numpy as np\n"
            "import thidua_sim.model._executors as e\n"
            "import thidua_sim.model._montecarlo as mc\n"
            "e.SCRATCH_DIRS = (sys.argv[1],)\n"
            "folder = e._results_folder()\n"
            "open(os.path.join(folder, 'task-0'), 'wb').write(bytes(4096))\n"
            "path, draws = mc._shared_output((1000,), np.int32)\n"
            "draws[:] = 7\n"
            "os.kill(os.getpid(), 9)\n")
    killed = subprocess.run([sys.executable, "-c", code, str(tmp_path)], timeout=120)
    assert killed.returncode == -9
    (stale,) = tmp_path.glob(f"{executors.RESULTS_PREFIX}*")
    (stale_draws,) = tmp_path.glob(f"{executors.DRAWS_PREFIX}*")
    assert (stale / "task-0").exists() and stale_draws.stat().st_size == 4000
    # just left: kept (its driver might live in another PID namespace); then untouched for longer
    # than STALE_SECONDS: removed
    executors._results_folder()
    assert stale.exists() and stale_draws.exists()
    old = time.time() - executors.STALE_SECONDS - 5
    for path in (stale, stale_draws):
        os.utime(path, (old, old))
    running = tmp_path / f"{executors.RESULTS_PREFIX}{os.getpid()}_inuse"  # this process's own run
    running.mkdir()
    os.utime(running, (old, old))
    unrelated = tmp_path / "unrelated_folder"
    unrelated.mkdir()
    os.utime(unrelated, (old, old))
    new = Path(executors._results_folder())
    assert not stale.exists() and not stale_draws.exists()
    assert running.exists() and unrelated.exists() and new.exists()
    assert new.name.startswith(f"{executors.RESULTS_PREFIX}{os.getpid()}_")


def _children() -> dict[int, list[int]]:
    """Living processes by parent (Linux /proc; zombies left out)."""
    import os

    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            out.setdefault(int(fields[1]), []).append(int(name))
    return out


@pytest.mark.skipif(not __import__("os").path.isdir("/proc")
                    or "forkserver" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="needs Linux's /proc and a fork server")
def test_the_workers_of_a_killed_driver_end_and_take_the_fork_server_with_them(tmp_path):
    # a driver killed mid-run (a Jupyter kernel restarted): its workers would wait for work forever,
    # keeping the fork server and the resource tracker alive with them; they end within a second
    import glob
    import os
    import shutil
    import subprocess
    import sys
    import time
    from pathlib import Path

    import thidua_sim.model._executors as executors

    script = tmp_path / "driver.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from factories import make_baseline, make_params, make_rates, make_scenario\n"
        "from thidua_sim import project\n"
        "if __name__ == '__main__':\n"
        "    baseline = make_baseline([[(30, 20, 150), (10, 5, 80)]] * 300)\n"
        "    params = make_params([], rates=make_rates(interval=0.2))\n"
        "    project(baseline, make_scenario(), params, until=2024, draws=200_000, seed=1, workers=2,\n"
        "            keep_draws=False, progress=False)\n", encoding="utf-8")
    driver = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 180
        started: list[int] = []
        while time.monotonic() < deadline and driver.poll() is None:
            tree = _children()
            servers = [c for c in tree.get(driver.pid, []) if len(tree.get(c, [])) >= 2]
            if servers:
                started = tree[driver.pid] + [w for c in servers for w in tree[c]]
                break
            time.sleep(0.2)
        assert started, "the run's worker processes never started"
        driver.kill()
        driver.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            living = {p for ps in _children().values() for p in ps}
            left = [p for p in started if p in living]
            if not left:
                break
            time.sleep(0.2)
        assert not left, f"still running after the driver was killed: {left}"
    finally:
        if driver.poll() is None:
            driver.kill()
        for folder in glob.glob(f"/dev/shm/{executors.RESULTS_PREFIX}{driver.pid}_*"):
            shutil.rmtree(folder, ignore_errors=True)  # the killed driver's, removed by a run 10 minutes on


def test_a_result_in_a_reused_slot_is_not_written_over_while_it_is_read(monkeypatch):
    # results come back through a few files reused from task to task (model/_executors.py,
    # _Slots): while the caller reads one result the workers go on with the next tasks, and none
    # may write into the file of the result being read; results of different sizes make a slot's
    # file longer (mapped again) and shorter (written over at its start)
    import os
    import time

    import thidua_sim.model._executors as executors
    from _pool_tasks import filled

    monkeypatch.setattr(executors, "HELP_WHILE_STARTING", False)  # every task in a worker
    folders: list[str] = []
    real_folder, real_receive = executors._results_folder, executors._receive
    monkeypatch.setattr(executors, "_results_folder", lambda: folders.append(real_folder()) or folders[-1])
    slots_used = []
    monkeypatch.setattr(executors, "_receive",
                        lambda item, *rest: slots_used.append(getattr(item, "slot", None)) or real_receive(item, *rest))
    sizes = [2**19 + 1, 2**20, 3 * 2**18]  # 4, 8 and 6 MB; the three slots take turns, so each
    size = [sizes[(i // 3) % 3] for i in range(12)]  # slot gets 4, then 8, 6 and 4 MB
    tasks = [(i, size[i]) for i in range(12)]
    seen = []
    for result in executors.map_ordered(filled, tasks, workers=2):
        value = result["value"]
        time.sleep(0.15)  # the workers finish the tasks in flight meanwhile
        assert result["array"].shape == (size[value],)
        assert np.all(result["array"] == value), f"result {value} was written over while it was read"
        assert set(os.listdir(folders[0])) <= {executors.INIT_FILE, "slot-0.bin", "slot-1.bin", "slot-2.bin"}
        seen.append(value)
    assert seen == list(range(12))
    assert set(slots_used) == {0, 1, 2}  # two tasks in flight and the result being read, no more
    assert not os.path.exists(folders[0])


def test_this_process_runs_the_first_tasks_while_the_workers_start():
    # the workers fork from a server that first imports the Monte Carlo (a second or two); this
    # process meanwhile runs the next tasks itself: a prefix of them, yielded in order, then the
    # workers take the rest (model/_executors.py, HELP_WHILE_STARTING)
    import os

    import thidua_sim.model._executors as executors
    from _pool_tasks import whoami

    assert executors.HELP_WHILE_STARTING
    results = list(executors.map_ordered(whoami, [(i, 0.02) for i in range(400)], workers=2))
    assert [value for value, _ in results] == list(range(400))
    here = [value for value, pid in results if pid == os.getpid()]
    assert here, "this process ran no task while the workers started"
    assert here == list(range(len(here)))  # the first tasks, and only those
    assert len({pid for _, pid in results} - {os.getpid()}) >= 1  # then the workers


@pytest.mark.parametrize("help_while_starting", [False, True])
def test_a_tasks_own_error_reaches_the_caller_as_it_was_raised(monkeypatch, help_while_starting):
    # not as "the worker processes could not start": that message is for a pool that did not start
    import thidua_sim.model._executors as executors
    from _pool_tasks import failing

    monkeypatch.setattr(executors, "HELP_WHILE_STARTING", help_while_starting)
    # the first task, before any worker answered: run here while the workers start, or by a worker
    with pytest.raises(RuntimeError, match="task 0 failed on its own"):
        list(executors.map_ordered(failing, [(i, 0) for i in range(8)], workers=2))


def test_a_worker_killed_mid_run_is_told_as_such(monkeypatch):
    import os

    import thidua_sim.model._executors as executors
    from _pool_tasks import dies
    from thidua_sim.errors import ProjectionError

    monkeypatch.setattr(executors, "HELP_WHILE_STARTING", False)  # every task in a worker
    with pytest.raises(ProjectionError, match="a worker process ended in the middle of the run") as caught:
        list(executors.map_ordered(dies, [(i, 4, os.getpid()) for i in range(12)], workers=2))
    assert "could not start" not in str(caught.value) and "workers=1" in str(caught.value)


def test_a_worker_killed_in_a_kept_draws_run_is_told_as_such(monkeypatch, small_chunks):
    # the kept draws have a pool of their own (run_draws: the workers write into one shared file),
    # and their run takes the most memory: a worker the system kills there was told as "the worker
    # processes could not start", with a fix for scripts that does not apply
    import dataclasses
    import os

    from _pool_tasks import EndsItsWorker
    from thidua_sim.errors import ProjectionError
    from thidua_sim.model.engine import compile_model

    baseline, scenario, params = _inputs()
    model = compile_model(baseline, scenario, params, until=2024)
    monkeypatch.setattr(mc, "POOL_MIN_CELL_YEARS", 0)  # a small run still starts its workers
    dying = dataclasses.replace(model, periods=EndsItsWorker(os.getpid()))
    with pytest.raises(ProjectionError, match="a worker process ended in the middle of the run") as caught:
        mc.run_draws(dying, params, draws=40, seed=1, workers=2)
    assert "could not start" not in str(caught.value) and "workers=1" in str(caught.value)
    import glob

    from thidua_sim.model._executors import DRAWS_PREFIX, scratch_dirs

    assert [f for d in scratch_dirs() for f in glob.glob(os.path.join(d, f"{DRAWS_PREFIX}{os.getpid()}_*"))] == []
    np.testing.assert_array_equal(mc.run_draws(model, params, draws=40, seed=1, workers=2),
                                  mc.run_draws(model, params, draws=40, seed=1, workers=1))


def test_a_streamed_run_asks_for_no_huge_pages_and_gives_the_setting_back(monkeypatch, small_chunks):
    # NumPy's huge-page advice is one setting for the whole process; faulting huge pages in made the
    # end of a national run twice as slow (model/_streaming.py, run_summary). Off for the run, the
    # caller's setting back after it
    from numpy._core import multiarray

    def advice() -> bool:
        now = multiarray._set_madvise_hugepage(False)
        multiarray._set_madvise_hugepage(now)
        return bool(now)

    seen = []
    real = streaming._hist_quantiles
    monkeypatch.setattr(streaming, "_hist_quantiles", lambda *a: seen.append(advice()) or real(*a))
    before = multiarray._set_madvise_hugepage(True)
    try:
        stream = _run(300, False)
        after = advice()
    finally:
        multiarray._set_madvise_hugepage(before)
    assert stream.summary.bins > 0 and seen == [False]  # the quantiles were read off histograms, advice off
    assert after is True


def test_a_spilled_result_reads_back_as_it_was_made(monkeypatch, tmp_path):
    import itertools

    import thidua_sim.model._executors as executors

    monkeypatch.setattr(executors, "_COMMON", {"args": (), "folder": str(tmp_path), "spill": 0,
                                               "sent": itertools.count()})
    arrays = {"bins": np.arange(50, dtype=np.uint8).reshape(5, 10), "s1": np.linspace(0, 1, 7), "k": 3}
    item = executors._call_in_worker(lambda model, x: x, (arrays,))
    assert isinstance(item, executors._Spilled) and len(list(tmp_path.iterdir())) == 1
    back = executors._receive(item)
    assert list(tmp_path.iterdir()) == []  # the file's name is gone at once; the arrays map its memory
    np.testing.assert_array_equal(back["bins"], arrays["bins"])
    np.testing.assert_array_equal(back["s1"], arrays["s1"])
    assert back["k"] == 3 and not back["s1"].flags.writeable
