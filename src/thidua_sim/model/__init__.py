"""The model: compile a scenario, the expected path, the Monte Carlo, the projection, calibration,
and the household-level microsimulation of support.

Layer 5 (docs/architecture.md). May import: ``errors``, ``core``, ``io``, ``params``, ``data``;
pure numpy/scipy below the projection, and Numba for the compiled loops: the Monte Carlo's
(``_kernel``, imported when a run first draws) and the support rule's (``_support``: allocation,
coverage and adjusted rates, imported when the model first runs a year). The contract is docs/model.md. Calibration
(:mod:`thidua_sim.model.calibrate`) pulls in scipy.optimize and is imported on first use.
"""

from ..core.lazy import lazy_names

# imported on first use (PEP 562), like the package's names: the worker processes import
# ``_preload`` (the Monte Carlo and its kernels) without the projection, the household rules or pandas
_EXPORTS = {
    "_households": ("MOVES", "TARGETING_RULES", "SupportResult", "SwitchResult", "classify_households",
                    "household_baseline", "household_flows", "review_results_from_records", "simulate_support",
                    "switch_standard"),
    "_notes": ("run_notes",),
    "engine": ("CompiledModel", "ProjectionError", "compile_model", "expected_path"),
    "projection": ("Projection", "population_mask", "project"),
}


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS)

__all__ = [name for names in _EXPORTS.values() for name in names]
