"""Data files: areas, review results (the baseline and each year's rà soát), the
crosswalk of administrative changes, reference figures; loading, strict validation,
import of planners' spreadsheets and the import template.

Every loader reads the whole file, collects every problem and raises them together as
:class:`~thidua_sim.errors.InputErrors`. Rows are numbered as the planner sees them in a
spreadsheet: the header is row 1, the first data row is row 2. Formats:
``docs/formats/data.md``.

Layer 4 (docs/architecture.md). May import: ``errors``, ``core``, ``io`` and ``params`` (the
standards a review is classified under); not the model or anything above it.
"""

from __future__ import annotations

# The implementation lives in private modules, one purpose each; this module is the public API.
from ._areas import SHIPPED_DATA, load_area_info, load_areas
from ._crosswalk import Crosswalk, CrosswalkRow, load_crosswalk, rollup
from ._figures import FIGURE_MEASURES, FIGURE_POPULATIONS, load_figures
from ._household_template import write_household_template
from ._households import HOUSEHOLD_COLUMNS, HouseholdRecords, default_key_path, household_key, load_households
from ._history import HISTORY_COLUMNS, HISTORY_MEASURES, HISTORY_STANDARDS, History, load_history
from ._names import AreaInfo, UnknownArea, match_area
from ._review_import import load_baseline, load_review_results
from ._review_results import COUNT_COLUMNS, FLOW_COLUMNS, PROVENANCE_WORDS, REVIEW_COLUMNS, ReviewResults
from ..io._sheets import PathLike_
from ._template import TEMPLATE_COLUMNS, write_template
from ._validate import validate_data_file

__all__ = [
    "AreaInfo",
    "UnknownArea",
    "ReviewResults",
    "Crosswalk",
    "CrosswalkRow",
    "REVIEW_COLUMNS",
    "COUNT_COLUMNS",
    "FLOW_COLUMNS",
    "SHIPPED_DATA",
    "load_areas",
    "load_area_info",
    "load_review_results",
    "PROVENANCE_WORDS",
    "load_baseline",
    "load_crosswalk",
    "load_figures",
    "rollup",
    "match_area",
    "write_template",
    "validate_data_file",
    "HouseholdRecords",
    "HOUSEHOLD_COLUMNS",
    "load_households",
    "household_key",
    "default_key_path",
    "write_household_template",
    "History",
    "load_history",
    "HISTORY_COLUMNS",
    "HISTORY_MEASURES",
    "HISTORY_STANDARDS",
]
