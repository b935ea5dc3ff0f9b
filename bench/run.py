"""Run every benchmark in bench/ and print its figures: ``make bench``.

Each ``bench/bench_<topic>.py`` has a ``main()`` that measures and prints. Benchmarks
are never assertions in tests: speed depends on the machine, numbers do not.
"""

from __future__ import annotations

import importlib.util
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wanted = set(argv)
    files = sorted(HERE.glob("bench_*.py"))
    if wanted:
        files = [f for f in files if f.stem.removeprefix("bench_") in wanted or f.stem in wanted]
    import os

    print(f"thidua_sim benchmarks on {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores")
    failed = 0
    for path in files:
        print(f"\n=== {path.stem} ===", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        start = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as exc:  # report and go on with the other benchmarks
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}")
        print(f"({path.stem} took {time.perf_counter() - start:.1f} s in all)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
