"""The model: compile a scenario, the expected path, the Monte Carlo, the projection, calibration.

Layer 5 (docs/architecture.md). May import: ``errors``, ``core``, ``io``, ``params``, ``data``;
pure numpy/scipy below the projection. The contract is docs/model.md. Calibration
(:mod:`thidua_sim.model.calibrate`) pulls in scipy.optimize and is imported on first use.
"""

from .engine import CompiledModel, ProjectionError, compile_model, expected_path
from .projection import Projection, population_mask, project

__all__ = ["CompiledModel", "Projection", "ProjectionError", "compile_model", "expected_path",
           "population_mask", "project"]
