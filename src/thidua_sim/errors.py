"""The errors a user sees.

A user mistake (a malformed file, an unknown commune, a negative count) is an
:class:`InputError`: it names the file, the row or key path, what was found
and what was expected, and how to fix it. Loaders collect every problem of a
file into one :class:`InputErrors` so that a planner fixes them all at once.
The CLI prints these without a traceback; anything else is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

__all__ = ["HistoryFitError", "InputError", "InputErrors", "ThiduaError", "ErrorCollector", "ProjectionError",
           "PlanningError", "CalibrationError", "StandardsError", "UnknownArea", "UnknownLabel", "BriefError",
           "BatchError", "error_lines", "MAX_ERROR_LINES"]

#: Problems printed at most; the rest are counted ("... and 12,345 more problems").
MAX_ERROR_LINES = 200


class ThiduaError(Exception):
    """Base class of every error thidua_sim raises on purpose.

    In a notebook (IPython) it shows as its message alone, never as a traceback: these are
    user mistakes, and the message says what to fix.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class InputError:
    """One problem in one input file.

    ``where`` is the row (``"row 7"``) or key path (``"instruments.housing.cost_mvnd"``);
    ``line`` is the 1-based line in the file when known.
    """

    file: str
    where: str
    found: str
    expected: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        place = f"{self.file}"
        if self.line is not None:
            place += f":{self.line}"
        text = f"{place}: {self.where}: found {self.found}; expected {self.expected}"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class InputErrors(ThiduaError):
    """All the problems found in one or more input files."""

    def __init__(self, errors: Iterable[InputError]):
        self.errors: tuple[InputError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("InputErrors needs at least one InputError")
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.errors)
        head = f"{n:,} problem{'s' if n > 1 else ''} in the input:"
        return "\n".join([head, *(f"  - {line}" for line in error_lines(self.errors))])

    def __iter__(self) -> Iterator[InputError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)


class ErrorCollector:
    """Collects problems of one file and raises them together.

    >>> errors = ErrorCollector("params/instruments.yaml")
    >>> errors.add("instruments.housing.cost_mvnd", "-40", "a number >= 0")
    >>> errors.raise_if_any()
    Traceback (most recent call last):
    ...
    thidua_sim.errors.InputErrors: 1 problem in the input:
      - params/instruments.yaml: instruments.housing.cost_mvnd: found -40; expected a number >= 0
    """

    def __init__(self, file: str | PathLike[str]):
        self.file = str(file)
        self.errors: list[InputError] = []

    def add(
        self,
        where: str,
        found: object,
        expected: str,
        fix: str = "",
        line: int | None = None,
    ) -> None:
        self.errors.append(
            InputError(self.file, where, _show(found), expected, fix, line)
        )

    def extend(self, other: Iterable[InputError]) -> None:
        self.errors.extend(other)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


_ROW = re.compile(r"^row (\d+)(?=$|,)")


def _grouped(errors: Iterable[InputError]) -> Iterator[tuple[InputError, int, int, int]]:
    """Runs of the same problem on consecutive rows: (first error, first row, last row, count)."""
    run: list[Any] | None = None
    for e in errors:
        m = _ROW.match(e.where)
        key = (e.file, _ROW.sub("row #", e.where), e.expected, e.fix) if m else None
        row = int(m.group(1)) if m else None
        if run is not None and key is not None and key == run[4] and row is not None and row > run[2]:
            run[2], run[3] = row, run[3] + 1
            continue
        if run is not None:
            yield run[0], run[1], run[2], run[3]
        run = [e, row, row, 1, key]
    if run is not None:
        yield run[0], run[1], run[2], run[3]


def error_lines(errors: Iterable[InputError], limit: int = MAX_ERROR_LINES) -> list[str]:
    """One line per problem, the same problem on consecutive rows grouped into one line
    ("rows 30-199,999 (199,970 rows): ..., first found ..."), at most ``limit`` lines and then a count."""
    lines: list[str] = []
    left = 0
    for first, start, stop, count in _grouped(errors):
        if len(lines) >= limit:
            left += count
            continue
        if count == 1:
            lines.append(str(first))
            continue
        where = _ROW.sub(f"rows {start:,}-{stop:,} ({count:,} rows, the same problem)", first.where)
        lines.append(str(InputError(first.file, where, f"{first.found} (on row {start:,})", first.expected,
                                    first.fix)))
    if left:
        lines.append(f"... and {left:,} more problem{'s' if left > 1 else ''} (fix those above and run again)")
    return lines


def _show(found: object) -> str:
    if isinstance(found, str):
        return found
    text = repr(found)
    return text if len(text) <= 80 else text[:77] + "..."


# -- the errors of each layer (every exception class of the package lives in this module; the
# -- modules that raise them re-import them, so ``from thidua_sim.model.engine import
# -- ProjectionError`` and the like keep working) ------------------------------------------------

class ProjectionError(ThiduaError):
    """Inputs that cannot be projected together (unknown instrument or area in a scenario, bad horizon)."""


class CalibrationError(ThiduaError):
    """Review results that cannot be fitted (fewer than two consecutive years, nothing in common)."""


class HistoryFitError(ThiduaError):
    """Review history that cannot be fitted, or a pooled fit that did not converge."""


class PlanningError(ThiduaError):
    """A planning question that cannot be answered with these inputs (a target outside the
    projection, an unknown rule, caps that leave no feasible allocation ...)."""


class StandardsError(ThiduaError, ValueError):
    """A call to :func:`classify` or :func:`standard_for` with values outside what a standard covers."""


class UnknownArea(ThiduaError, KeyError):
    """A name that matches no known area (or more than one)."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), ambiguous: Sequence[str] = ()):
        self.name = name
        self.suggestions = tuple(suggestions)
        self.ambiguous = tuple(ambiguous)
        if self.ambiguous:
            text = f"area name {name!r} fits more than one area: {', '.join(self.ambiguous)}"
        elif self.suggestions:
            text = f"unknown area {name!r}; did you mean {' or '.join(repr(s) for s in self.suggestions)}?"
        else:
            text = f"unknown area {name!r}"
        super().__init__(text)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownLabel(KeyError):
    """A label key that has no translation (a bug in the caller, not a user mistake)."""


class BriefError(ThiduaError):
    """A brief asked for something the inputs do not have (an unknown commune, no district target)."""


class BatchError(ThiduaError):
    """A batch that cannot start: a missing folder or file, a parameter no notebook declares."""
