"""The review-results CSV that the data scripts write, in the loader's own format.

The columns are the package's (``thidua_sim.data.REVIEW_COLUMNS``), so a script's output
cannot drift from what ``load_review_results`` reads.
"""

from __future__ import annotations

import csv
import io

from thidua_sim.data import REVIEW_COLUMNS

__all__ = ["COLUMNS", "render"]

COLUMNS: tuple[str, ...] = tuple(REVIEW_COLUMNS)


def render(rows: list[dict[str, object]]) -> str:
    """The CSV text (UTF-8, "\\n" line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
