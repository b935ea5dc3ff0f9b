"""Atomic file writes for the batch (:func:`thidua_sim.io.write_atomic`: a temporary file in the same
folder, then ``os.replace``), so an interrupted run never leaves a half-written brief under its final
name; and the clean-up of a killed run's temporaries."""

from __future__ import annotations

from pathlib import Path

from ...io import TMP_MARK, atomic_path, write_atomic
from ...io._atomic import process_alive, temporary_owner_alive

__all__ = ["TMP_MARK", "process_alive", "temporary_path", "write_atomic", "remove_stale_temporaries"]

#: The batch writes through the package's one atomic write (:mod:`thidua_sim.io`); these are its
#: names for it.
temporary_path = atomic_path


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files a killed run left under ``folder``; returns what was removed.

    A temporary carries the id of the process writing it (``.<name>.p<pid>.…``): one whose
    process still runs belongs to a concurrent run (or to this one) and is left alone."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).rglob(f"*{TMP_MARK}*"):
        if temporary_owner_alive(path):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
