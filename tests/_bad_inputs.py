"""Helpers of the bad-input suite (tests/test_bad_inputs.py): a private copy of the shipped data
and parameters to break, a checksum of every file in it, and one command run in-process."""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "params/scenarios/status_quo.yaml"


def make_workspace(folder: Path) -> Path:
    """``folder`` with copies of data/kbang, data/gialai and params (what the commands read)."""
    for part in ("data/kbang", "data/gialai", "params"):
        shutil.copytree(ROOT / part, folder / part)
    (folder / "out").mkdir()
    return folder


def checksums(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file and ``<dir>`` of every folder under ``folder``."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        out[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def drop_lines(path: Path, keep: Callable[[str], bool]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if keep(line)), encoding="utf-8")


@dataclass
class Case:
    """One misuse: ``setup(workspace)`` breaks something, ``argv`` runs a command; the run must
    exit with ``status`` and print every text of ``names`` (the file, row or key at fault)."""

    id: str
    argv: list[str]
    names: tuple[str, ...]
    setup: Callable[[Path], None] | None = None
    status: int = 1
    extra: Callable[[str], None] | None = field(default=None)


def run_in_process(argv: list[str], capsys) -> tuple[int, str]:
    """Exit status and everything printed by ``thidua-sim ARGV`` (argparse errors included)."""
    from thidua_sim.apps.cli import main

    try:
        status = main(argv)
    except SystemExit as exc:  # argparse refuses an option: status 2 and its usage message
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def python() -> str:
    return sys.executable
