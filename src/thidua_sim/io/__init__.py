"""Input and output primitives: strict YAML, spreadsheets (.csv/.xlsx), atomic writes.

Layer 2 (docs/architecture.md). May import: ``thidua_sim.errors`` and ``core``. Knows file
formats, not what the files mean: the loaders of ``data`` and ``params`` give them meaning.
"""

from ._yaml import check_keys, line_of, read_yaml

__all__ = ["check_keys", "line_of", "read_yaml"]
