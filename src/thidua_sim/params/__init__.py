"""Parameter files: base rates, instruments, targets, scenarios (and standards, see standards.py).

Every value in these files is OpenFisca-style: ``value``, ``unit``, a ``reference`` or an
``assumption: <one-line reason>``, and for uncertain values a 90 % ``interval``. Loading is
strict: unknown or duplicate keys, missing fields, wrong types or units, rates outside
[0, 1], intervals not containing their value, outflows summing above 1, unknown
instruments, areas or states, negative amounts, years out of order or repeated are all
errors, reported together per file with the key path and line
(:class:`~thidua_sim.errors.InputErrors`). The formats are in ``docs/formats/params.md``.

Layer 3 (docs/architecture.md). May import: ``errors``, ``core`` and ``io``; not ``data`` (a
scenario is checked against areas passed in as objects) nor anything above.
"""

from ._load import (
    load_params,
    load_base_rates,
    load_instruments,
    load_targets,
    load_scenario,
    save_scenario,
    validate_params_file,
    params_file_kind,
    PARAMS_KINDS,
    Rebasing,
    load_rebasing,
    HouseholdParams,
    load_household_params,
)

__all__ = [
    "load_params",
    "load_base_rates",
    "load_instruments",
    "load_targets",
    "load_scenario",
    "save_scenario",
    "validate_params_file",
    "params_file_kind",
    "PARAMS_KINDS",
    "Rebasing",
    "load_rebasing",
    "HouseholdParams",
    "load_household_params",
]
