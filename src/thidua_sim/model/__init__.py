"""The model: compile, expected path, Monte Carlo, projection, calibration."""

from ._notes import run_notes  # noqa: E402,F401 - what a run leaves out (issue 10)
