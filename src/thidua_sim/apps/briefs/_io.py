"""Atomic file writes for the batch: a temporary file in the same folder, then ``os.replace``,
so an interrupted run never leaves a half-written brief under its final name."""

from __future__ import annotations

import os
import re
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
    fd, name = tempfile.mkstemp(prefix=f".{final.stem}.p{os.getpid()}.", suffix=f"{TMP_MARK}{final.suffix}",
                                dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, FILE_MODE)  # readable like any other output, not mkstemp's 0600 (no process-wide umask change)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()


FILE_MODE = 0o644
"""Mode of every file the batch writes (the umask is never read: reading it means setting it,
for the whole process, under other threads such as the planner's brief thread)."""
_OWNER = re.compile(r"\.p(\d+)\.")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically (text as UTF-8)."""
    with temporary_path(Path(path)) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files a killed run left under ``folder``; returns what was removed.

    A temporary carries the id of the process writing it (``.<name>.p<pid>.…``): one whose
    process still runs belongs to a concurrent run (or to this one) and is left alone."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).rglob(f"*{TMP_MARK}*"):
        owner = _OWNER.search(path.name)
        if owner is not None and _alive(int(owner.group(1))):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
