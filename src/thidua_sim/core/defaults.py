"""Defaults every layer shares: one place for each, so no two modules disagree.

A default here is a convenience, not a model assumption: model values (rates, effects,
costs, targets) live in ``params/`` with their sources. Every command's ``--help`` text and
every function signature that has one of these defaults reads it from here.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT", "SHIPPED_DATA", "SHIPPED_PARAMS", "PACKAGE_DIR", "DEFAULT_SEED", "DEFAULT_HORIZON",
           "BRIEF_DRAWS", "REQUIRED_DRAWS", "CALIBRATION_SAMPLES", "FIRST_YEAR", "LAST_YEAR", "MAX_HORIZON",
           "SUPPORT_DRAWS", "HISTORY_SAMPLES",
           "DEFAULT_OBS_CV"]

#: ``src/thidua_sim/`` (the installed package's own folder).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The project folder this package runs from (``src/``'s parent in a checkout or editable install).
PROJECT_ROOT = PACKAGE_DIR.parents[1]
#: The shipped data and parameter folders of the project.
SHIPPED_DATA = PROJECT_ROOT / "data"
SHIPPED_PARAMS = PROJECT_ROOT / "params"

#: Random seed of every Monte Carlo run, calibration and brief unless the user gives one
#: (the first year of the 2021-2025 programme; any whole number >= 0 works).
DEFAULT_SEED = 2021
#: Last projected year unless the user (or the targets' end year) says otherwise: the end of
#: the 2021-2025 national target programme for sustainable poverty reduction.
DEFAULT_HORIZON = 2025
#: Monte Carlo draws of a brief and of the planner's view: enough for a 90 % band that moves
#: by less than about half a percentage point between seeds, quick enough to redraw on a change.
BRIEF_DRAWS = 200
#: Monte Carlo draws of ``required`` (the chance of meeting a target is estimated from them:
#: its Monte Carlo standard error is at most 0.5 / sqrt(2000) = 1.1 points).
REQUIRED_DRAWS = 2000
#: Income-growth draws per household of the household support microsimulation (a share of
#: households moved is then known to within about 0.5 / sqrt(1000) = 1.6 points).
SUPPORT_DRAWS = 1000
#: Metropolis samples (all chains together) of the pooled fit on the review history
#: (``calibrate --history``, ``backtest``): enough for an effective sample size above the
#: 200 the fit requires on the shipped history.
HISTORY_SAMPLES = 128_000
#: Review error assumed on every observed count of a calibration, as a share of the count
#: (``calibrate --obs-cv``).
DEFAULT_OBS_CV = 0.002
#: Importance-sampling draws of the calibration.
CALIBRATION_SAMPLES = 20_000

#: Year bounds of every input file (review years in data files and sheets, scenario years,
#: target years, standards in force), inclusive. The engine projects at most to LAST_YEAR.
FIRST_YEAR, LAST_YEAR = 2000, 2050
#: The last year the engine projects to (the same bound as the files').
MAX_HORIZON = LAST_YEAR
