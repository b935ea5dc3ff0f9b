"""Input and output primitives: strict YAML, spreadsheets (.csv/.xlsx), atomic writes, the digest
of a run's input files, and the one guard that keeps an output from replacing an input.

Layer 2 (docs/architecture.md). May import: ``thidua_sim.errors`` and ``core``. Knows file
formats, not what the files mean: the loaders of ``data`` and ``params`` give them meaning.
Every file the tool writes goes through :func:`write_atomic`; every command checks its outputs
with :func:`check_output` first.
"""

from ._atomic import FILE_MODE, TMP_MARK, atomic_path, write_atomic
from ._digest import files_digest, inputs_hash, package_digest
from ._guard import check_output, check_output_folder
from ._yaml import check_keys, line_of, read_yaml

__all__ = ["FILE_MODE", "TMP_MARK", "atomic_path", "check_keys", "files_digest", "inputs_hash", "package_digest", "check_output", "check_output_folder", "line_of",
           "read_yaml", "write_atomic"]
