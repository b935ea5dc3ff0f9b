"""One atomic write (``thidua_sim.io.write_atomic``) for every file the tool writes: mode 0644, a
failed write leaves no file, no temporary and no folder it made, and the old file intact."""

import os
import stat

import pandas as pd
import pytest

from factories import line, make_scenario

from thidua_sim.io import FILE_MODE, TMP_MARK, atomic_path, write_atomic


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_text_bytes_and_writer_functions_get_mode_0644(tmp_path):
    write_atomic(tmp_path / "a.txt", "Hộ nghèo")
    write_atomic(tmp_path / "b.bin", b"\x00\x01")
    write_atomic(tmp_path / "c.csv", lambda tmp: pd.DataFrame({"x": [1]}).to_csv(tmp, index=False))
    assert (tmp_path / "a.txt").read_bytes() == "Hộ nghèo".encode("utf-8")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "c.csv").read_text() == "x\n1\n"
    assert FILE_MODE == 0o644
    for name in ("a.txt", "b.bin", "c.csv"):
        assert _mode(tmp_path / name) == 0o644, name  # not mkstemp's 0600


def test_the_mode_does_not_depend_on_the_umask_and_the_umask_is_left_alone(tmp_path):
    old = os.umask(0o077)  # a strict umask: a plain open() would give 0600
    try:
        write_atomic(tmp_path / "a.txt", "x")
        now = os.umask(0o077)
    finally:
        os.umask(old)
    assert now == 0o077  # write_atomic did not change it
    assert _mode(tmp_path / "a.txt") == 0o644


def test_a_failing_writer_leaves_no_file_and_no_temporary(tmp_path):
    def half(tmp):
        tmp.write_text("half a file")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomic(tmp_path / "out.csv", half)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    write_atomic(target, "old\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("new, but cut short")
        raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_failed_write_removes_the_folders_it_made(tmp_path):
    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "new" / "deeper" / "out.csv", lambda tmp: (_ for _ in ()).throw(RuntimeError("x")))
    assert list(tmp_path.iterdir()) == []
    write_atomic(tmp_path / "new" / "deeper" / "out.csv", "ok")
    assert (tmp_path / "new" / "deeper" / "out.csv").read_text() == "ok"


def test_the_temporary_is_beside_the_target_and_marked(tmp_path):
    with atomic_path(tmp_path / "brief.html") as tmp:
        assert tmp.parent == tmp_path and TMP_MARK in tmp.name and tmp.name.endswith(".html")
        tmp.write_text("x")
    assert not tmp.exists()


# -- every writer of the package goes through it ---------------------------------------------------

def _fail_replace(monkeypatch):
    """Make the final rename fail: a writer that goes through write_atomic then leaves nothing."""
    def boom(src, dst):
        raise OSError("rename refused (test)")
    monkeypatch.setattr("thidua_sim.io._atomic.os.replace", boom)


def test_save_scenario_is_atomic_with_mode_0644(tmp_path, monkeypatch):
    from thidua_sim.params import load_params, save_scenario
    from thidua_sim.core.defaults import SHIPPED_PARAMS

    params = load_params(SHIPPED_PARAMS)
    scenario = make_scenario([line(2022, next(iter(params.instruments)), 100.0, rule="poor")], id="planner_x")
    path = save_scenario(scenario, tmp_path / "scenarios" / "x.yaml")
    assert _mode(path) == 0o644
    old = path.read_bytes()
    _fail_replace(monkeypatch)
    with pytest.raises(OSError, match="rename refused"):
        save_scenario(scenario.scaled(2.0), path, overwrite=True)
    assert path.read_bytes() == old
    assert [p.name for p in path.parent.iterdir()] == ["x.yaml"]


def test_review_results_to_csv_is_atomic_with_mode_0644(tmp_path, monkeypatch):
    from thidua_sim.data import load_review_results
    from thidua_sim.core.defaults import SHIPPED_DATA

    results = load_review_results(SHIPPED_DATA / "kbang" / "review_results.csv")
    path = results.to_csv(tmp_path / "review_results.csv")
    assert _mode(path) == 0o644
    assert load_review_results(path, areas=SHIPPED_DATA / "kbang" / "areas.csv").table.shape == results.table.shape
    _fail_replace(monkeypatch)
    with pytest.raises(OSError):
        results.to_csv(tmp_path / "other.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["review_results.csv"]


def test_projection_scoreboard_and_template_writes_are_atomic(tmp_path, monkeypatch):
    from factories import make_baseline, make_params

    from thidua_sim import project
    from thidua_sim.data import write_template
    from thidua_sim.planning.scoreboard import export_table

    projection = project(make_baseline(), make_scenario(), make_params(), until=2023)
    for name in ("p.csv", "p.json", "p.xlsx"):
        assert _mode(projection.save(tmp_path / name)) == 0o644
    assert _mode(export_table(pd.DataFrame({"x": [1]}), tmp_path / "s.xlsx")) == 0o644
    assert _mode(write_template(tmp_path / "t.xlsx")) == 0o644
    before = sorted(p.name for p in tmp_path.iterdir())
    _fail_replace(monkeypatch)
    for write in (lambda: projection.save(tmp_path / "q.csv"), lambda: projection.save(tmp_path / "q.xlsx"),
                  lambda: export_table(pd.DataFrame({"x": [1]}), tmp_path / "q.csv"),
                  lambda: write_template(tmp_path / "q.xlsx")):
        with pytest.raises(OSError):
            write()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
