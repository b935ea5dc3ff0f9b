"""Input and output primitives: strict YAML, sheets, atomic writes."""

from ._atomic import FILE_MODE, TMP_MARK, atomic_path, write_atomic

__all__ = ["write_atomic", "atomic_path", "TMP_MARK", "FILE_MODE"]
