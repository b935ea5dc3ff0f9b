"""Bounded work on hostile inputs (issue 10): how fast and how small a refusal is.

Run: ``.venv/bin/python bench/bench_robust.py`` (or ``make bench``). Each figure is measured in a
fresh subprocess (time of the step itself, and the process's peak memory from getrusage) and
printed beside its goal and beside a reference measured in the same run:

* a "billion laughs" scenario (9 levels of 9 aliases: 387 million values once expanded):
  refused, against reading the shipped scenario; goal < 1 s and < 200 MB;
* ``project(..., draws=10**9)``: refused from the memory estimate, against the expected path
  alone; goal < 1 s;
* a review workbook with 200,000 formatted blank rows, against the same workbook without them;
* 20,000 bad rows: the bytes ``validate`` prints (grouped, capped), goal < 100 kB.

Figures are printed, never asserted: speed depends on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT / 'src')!r})
def done(seconds, **extra):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"seconds": seconds, "peak_mb": peak, **extra}}))
"""

BOMB = "".join(
    f"{x}: &{x} [{', '.join(['*' + p] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, x in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi"))


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(code)], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _yaml(path: Path) -> dict:
    return _run(f"""
        from thidua_sim.io._yaml import read_yaml
        from thidua_sim.errors import InputErrors
        t = time.perf_counter()
        try:
            read_yaml({str(path)!r}); refused = False
        except InputErrors:
            refused = True
        done(time.perf_counter() - t, refused=refused)
    """)


def _project(draws: int) -> dict:
    return _run(f"""
        import thidua_sim as ts
        from thidua_sim.errors import ThiduaError
        b = ts.load_baseline("data/kbang"); p = ts.load_params("params")
        s = ts.load_scenario("params/scenarios/status_quo.yaml", params=p, areas=b.areas)
        t = time.perf_counter()
        try:
            ts.project(b, s, p, draws={draws}); refused = False
        except ThiduaError:
            refused = True
        done(time.perf_counter() - t, refused=refused)
    """)


def _workbook(path: Path) -> dict:
    return _run(f"""
        from thidua_sim.data import load_review_results
        t = time.perf_counter()
        load_review_results({str(path)!r}, "data/kbang")
        done(time.perf_counter() - t)
    """)


def _workbooks(folder: Path) -> tuple[Path, Path]:
    import csv

    import openpyxl
    from openpyxl.styles import Font

    with open(ROOT / "data/kbang/review_results.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    paths = []
    for name, blank in (("plain.xlsx", 0), ("blank_rows.xlsx", 200_000)):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        bold = Font(bold=True)
        for r in range(len(rows) + 1, len(rows) + 1 + blank):
            sheet.cell(row=r, column=1).font = bold
        book.save(folder / name)
        paths.append(folder / name)
    return paths[0], paths[1]


def _printed_bytes(folder: Path) -> int:
    header = (ROOT / "data/kbang/review_results.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = [f"kon_pne,dtts,{2000 + (i % 50)},-5,1,1,,,,,true,," for i in range(20_000)]
    bad = folder / "many.csv"
    bad.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "thidua_sim", "validate", str(bad)], capture_output=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, timeout=600)
    return len(out.stdout) + len(out.stderr)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenario = ROOT / "params/scenarios/status_quo.yaml"
        bomb = folder / "bomb.yaml"
        text = scenario.read_text(encoding="utf-8").replace("resources:\n", BOMB + "resources:\n", 1)
        bomb.write_text(text.replace("amount_mvnd_per_year: 3000,", "amount_mvnd_per_year: *i,", 1), encoding="utf-8")
        ref, got = _yaml(scenario), _yaml(bomb)
        print(f"billion laughs refused={got['refused']}: {got['seconds'] * 1000:.1f} ms, peak {got['peak_mb']:.0f} MB "
              f"(goal < 1000 ms, < 200 MB); reading the shipped scenario {ref['seconds'] * 1000:.1f} ms "
              f"(ratio {got['seconds'] / max(ref['seconds'], 1e-9):.2f})")
        ref, got = _project(0), _project(10**9)
        print(f"--draws 10**9 refused={got['refused']}: {got['seconds'] * 1000:.0f} ms, peak {got['peak_mb']:.0f} MB "
              f"(goal < 1000 ms); the expected path alone {ref['seconds'] * 1000:.0f} ms "
              f"(ratio {got['seconds'] / max(ref['seconds'], 1e-9):.2f})")
        plain, blank = _workbooks(folder)
        ref, got = _workbook(plain), _workbook(blank)
        print(f"workbook with 200,000 formatted blank rows: {got['seconds']:.2f} s, peak {got['peak_mb']:.0f} MB; "
              f"without them {ref['seconds']:.2f} s (ratio {got['seconds'] / max(ref['seconds'], 1e-9):.1f}; "
              "goal: near 1)")
        n = _printed_bytes(folder)
        print(f"validate on 20,000 bad rows prints {n:,} bytes (goal < 100,000)")


if __name__ == "__main__":
    main()
