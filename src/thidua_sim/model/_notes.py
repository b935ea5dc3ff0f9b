"""Notes on what a run does not cover, found before it runs (issue 10: nothing silently wrong).

:func:`run_notes` returns (label key, fields) pairs for :func:`thidua_sim.report.i18n.t`:

* scenario lines whose money acts in or before the baseline year (not used: the baseline
  already counts their effect, or they are a typing slip such as 2012 for 2021), and lines
  acting after the horizon (not used in this run);
* a horizon past the last year the scenario resources act in (the years after run on no
  programme money);
* a horizon past an administrative reorganisation of the data folder (the run keeps the
  baseline's communes) or into a period of another poverty standard (the rates are those
  fitted under the baseline's standard).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.types import Baseline, Params, Scenario

__all__ = ["run_notes"]


def _span(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    return f"{ys[0]}" if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"


def run_notes(baseline: Baseline, scenario: Scenario, params: Params, until: int,
              area_info: Iterable[Any] = (), standards_file: str | Path | None = None,
              periods: bool = False) -> list[tuple[str, dict]]:
    """What the run ``baseline`` -> ``until`` under ``scenario`` leaves out, as label keys and fields.

    ``periods``: the run follows the units in force and re-bases at a change of standard
    (``project(periods=...)``), so neither the reorganisation nor the new standard is left out."""
    notes: list[tuple[str, dict]] = []
    t0 = int(baseline.year)
    lags = {k: int(i.lag) for k, i in params.instruments.items()}
    acting = [(line, line.year + lags.get(line.instrument, 0)) for line in scenario.resources
              if line.amount_mvnd]
    before = [line.year for line, year in acting if year <= t0]
    if before:
        notes.append(("note_scenario_before_baseline", {"n": len(before), "years": _span(before), "year": t0}))
    after = [line.year for line, year in acting if year > until]
    if after:
        notes.append(("note_scenario_after_horizon", {"n": len(after), "years": _span(after), "until": until}))
    used = [year for _line, year in acting if t0 < year <= until] or [year for _line, year in acting if year > t0]
    last = max(used) if used else None
    if last is None:
        notes.append(("note_scenario_no_resources", {"first": t0 + 1, "until": until}))
    elif until > last:
        notes.append(("note_horizon_past_resources", {"last": last, "first": last + 1, "until": until}))
    present = {a.id for a in baseline.areas}
    later = sorted({info.valid_from for info in area_info
                    if getattr(info, "valid_from", None) is not None and info.id not in present
                    and t0 < info.valid_from.year < until})
    if later and not periods:
        notes.append(("note_horizon_past_reorganisation", {"date": later[0].isoformat(), "until": until}))
    if standards_file is not None and not periods and Path(standards_file).is_file():
        try:
            from ..params.standards import load_standards

            standards = load_standards(standards_file)
            base = standards.for_year(t0)
            nxt = next((s for s in standards if s.first_year > base.last_year and s.first_year <= until), None)
        except Exception:  # noqa: BLE001 - a broken standards file is validate's business, not a note's
            nxt = None
        if nxt is not None:
            notes.append(("note_horizon_past_standard", {"first": nxt.first_year, "name": nxt.id,
                                                         "base": base.id, "until": until}))
    return notes
