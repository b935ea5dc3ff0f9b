"""Atomic file writes for the batch: a temporary file in the same folder, then ``os.replace``,
so an interrupted run never leaves a half-written brief under its final name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["TMP_MARK", "temporary_path", "write_atomic", "remove_stale_temporaries"]

TMP_MARK = ".thidua-tmp"
"""Every temporary file of the batch has this in its name (before the final file's extension,
which papermill and nbconvert look at); a new run removes leftovers of a killed one."""


@contextmanager
def temporary_path(final: Path) -> Iterator[Path]:
    """A fresh temporary path beside ``final``; moved onto ``final`` when the block ends without
    an error, removed otherwise. The caller writes to the yielded path."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f"{TMP_MARK}{final.suffix}", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_umask())  # readable like any other file, not mkstemp's 0600
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically (text as UTF-8)."""
    with temporary_path(Path(path)) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files a killed run left under ``folder``; returns what was removed."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).rglob(f"*{TMP_MARK}*"):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
