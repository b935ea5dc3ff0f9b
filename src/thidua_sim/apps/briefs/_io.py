"""Atomic file writes for the batch (:func:`thidua_sim.io.write_atomic`: a temporary file in the same
folder, then ``os.replace``), so an interrupted run never leaves a half-written brief under its final
name; and the clean-up of a killed run's temporaries."""

from __future__ import annotations

from pathlib import Path

from ...io import TMP_MARK, atomic_path, write_atomic

__all__ = ["TMP_MARK", "temporary_path", "write_atomic", "remove_stale_temporaries"]

#: The batch writes through the package's one atomic write (:mod:`thidua_sim.io`); these are its
#: names for it.
temporary_path = atomic_path


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files a killed run left under ``folder``; returns what was removed."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for path in Path(folder).rglob(f"*{TMP_MARK}*"):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
