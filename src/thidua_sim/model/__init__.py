"""The model: compile, expected path, Monte Carlo, projection, calibration."""
