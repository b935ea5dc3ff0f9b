"""``thidua-sim validate [PATH ...]``: check data and parameter files, report every problem.

Walks the given files and folders (default: ``data params``), asks
:func:`thidua_sim.params.validate_params_file` and :func:`thidua_sim.data.validate_data_file`
about each file, cross-checks scenarios against the instruments of their params folder and
the areas of a data folder, prints every problem and a summary. Exit status 1 with problems,
0 when clean.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ....params._files import parse_instruments
from ....io._yaml import read_yaml
from ....errors import ErrorCollector, InputError, InputErrors, error_lines
from ....params import params_file_kind, validate_params_file

DEFAULT_PATHS = ("data", "params")
DEFAULT_AREAS = Path("data") / "kbang"
SKIPPED_SUFFIXES = (".md", ".markdown", ".rst", ".txt")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check data and parameter files; print every problem",
        description="Check data and parameter files (default: data params) and print every problem with "
                    "its file, row or key path and line. Exit status 1 when there are problems.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: data params)")
    parser.add_argument("--areas", metavar="DATA_DIR", default=None,
                        help="data folder whose areas.csv the scenarios, targets and multipliers must match "
                             f"(default: {DEFAULT_AREAS} when it exists)")
    parser.set_defaults(run=run)


def _walk(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for p in sorted(path.rglob("*")):
        if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                   for part in p.relative_to(path).parts):
            yield p


def _skip(path: Path) -> bool:
    return path.suffix.lower() in SKIPPED_SUFFIXES or path.stem.upper().startswith("README")


def _data_validator() -> Callable[[Path], list[InputError] | None] | None:
    try:
        data = importlib.import_module("thidua_sim.data")
    except ImportError:
        return None
    return getattr(data, "validate_data_file", None)


def _load_area_ids(folder: Path | None, notes: list[str],
                   problems: dict[str, list[InputError]] | None = None) -> list[str] | None:
    if folder is None:
        return None
    if not folder.is_dir():
        if problems is not None:  # named with --areas: an error, not a note
            problems[str(folder)] = [InputError(str(folder), "--areas", "no such folder" if not folder.exists()
                                                else "a file", "a data folder with areas.csv",
                                                "check the path, e.g. --areas data/kbang")]
        else:
            notes.append(f"--areas {folder}: no such folder; areas not cross-checked")
        return None
    try:
        data = importlib.import_module("thidua_sim.data")
        areas = data.load_area_info(folder)  # the units of every period (areas.csv and areas_*.csv)
    except (ImportError, AttributeError):
        notes.append("thidua_sim.data.load_areas is not available; areas not cross-checked")
        return None
    except InputErrors:
        notes.append(f"the areas of {folder} do not load (see their problems); areas not cross-checked")
        return None
    return [a.id for a in areas]


class _InstrumentsOf:
    """Instrument ids of the params folder a scenario belongs to (nearest instruments.yaml above it)."""

    def __init__(self) -> None:
        self.cache: dict[Path, list[str] | None] = {}

    def __call__(self, scenario: Path) -> list[str] | None:
        for folder in scenario.resolve().parents:
            candidate = folder / "instruments.yaml"
            if candidate.is_file():
                if candidate not in self.cache:
                    self.cache[candidate] = self._ids(candidate)
                return self.cache[candidate]
        return None

    @staticmethod
    def _ids(path: Path) -> list[str] | None:
        try:
            data = read_yaml(path)
        except InputErrors:
            return None
        instruments = parse_instruments(data, ErrorCollector(path))
        return list(instruments) if instruments is not None else None


def _unknown_kind(path: Path) -> list[InputError]:
    """The problem of a file named on the command line that is no data or parameter file."""
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            read_yaml(path)
        except InputErrors as exc:
            return list(exc.errors)
        return [InputError(str(path), "file", "a YAML file of unknown kind",
                           "a parameter file (standards, instruments, base_rates, targets) or a scenario "
                           "(with resources:)", "put a scenario in params/scenarios/, or check the file")]
    return [InputError(str(path), "file", f"a {path.suffix or 'nameless'} file thidua_sim does not read",
                       "review results (.csv/.xlsx), areas.csv, crosswalk.csv, figures.csv or a parameter file "
                       "(.yaml)", "name the file review_results.csv if it holds review results, or leave it out")]


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [Path(p) for p in DEFAULT_PATHS]
    notes: list[str] = []
    problems: dict[str, list[InputError]] = {}
    areas_dir = Path(args.areas) if args.areas else (DEFAULT_AREAS if DEFAULT_AREAS.is_dir() else None)
    area_ids = _load_area_ids(areas_dir, notes, problems if args.areas else None)
    validate_data = _data_validator()
    if validate_data is None:
        notes.append("thidua_sim.data.validate_data_file is not available; data files not checked")
    instruments_of = _InstrumentsOf()

    checked = skipped = 0
    for root in paths:
        if not root.exists():
            problems[str(root)] = [InputError(str(root), "path", "no such file or folder",
                                              "an existing file or folder", "check the path")]
            continue
        for path in _walk(root):
            if _skip(path):
                continue
            instruments = instruments_of(path) if params_file_kind(path) == "scenario" else None
            result = validate_params_file(path, instruments=instruments, areas=area_ids)
            if result is None and validate_data is not None:
                result = validate_data(path)
            if result is None and path == root:
                result = _unknown_kind(path)  # a file named on the command line is checked or refused
            if result is None:
                skipped += 1
                continue
            checked += 1
            if result:
                problems[str(path)] = list(result)

    for file, errors in problems.items():
        print(f"{file}: {len(errors):,} problem{'s' if len(errors) > 1 else ''}")
        for line in error_lines(errors):
            print(f"  - {line}")
    for note in notes:
        print(f"note: {note}")
    n = sum(len(e) for e in problems.values())
    tail = f" ({skipped} other file{'s' if skipped != 1 else ''} skipped)" if skipped else ""
    if n:
        print(f"Checked {checked} file{'s' if checked != 1 else ''}{tail}: {n} problem{'s' if n != 1 else ''} "
              f"in {len(problems)} file{'s' if len(problems) != 1 else ''}.")
        return 1
    print(f"Checked {checked} file{'s' if checked != 1 else ''}{tail}: no problems.")
    return 0
