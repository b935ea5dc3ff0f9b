"""Strict YAML reading for parameter and data files.

PyYAML silently keeps the last of two equal keys; here a duplicate key is an
error with its line. Every mapping remembers the line of each key so that
validators can point at the exact place of a problem.

Use :func:`read_yaml` to get plain Python objects (``dict``/``list``/scalars)
where every dict is a :class:`LineDict` with ``.line_of(key)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from ..errors import ErrorCollector, InputError, InputErrors

__all__ = ["LineDict", "read_yaml", "check_keys", "line_of"]


class LineDict(dict):
    """A dict that knows the line (1-based) of each of its keys and of itself."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


def line_of(obj: Any, key: str | None = None) -> int | None:
    """The line of ``obj`` (or of ``obj[key]``) when ``obj`` came from :func:`read_yaml`."""
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key is not None else obj.line
    return None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that records key lines and refuses duplicate keys."""

    def __init__(self, stream: Any, file: str):
        super().__init__(stream)
        self.file = file
        self.duplicate_errors: list[InputError] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        self.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                self.duplicate_errors.append(
                    InputError(self.file, f"key at line {key_node.start_mark.line + 1}",
                               repr(key), "a plain key (text or number)", line=key_node.start_mark.line + 1)
                )
                continue
            line = key_node.start_mark.line + 1
            if key in mapping:
                self.duplicate_errors.append(
                    InputError(
                        self.file,
                        f"key {key!r}",
                        f"a second {key!r} at line {line} (first at line {mapping.key_lines[key]})",
                        "each key once per mapping",
                        "delete or rename one of the two; YAML would silently keep only the last",
                        line,
                    )
                )
                continue
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = line
        return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),
)


def read_yaml(path: str | PathLike[str]) -> Any:
    """Read a YAML file strictly: syntax errors and duplicate keys raise :class:`InputErrors`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputErrors([InputError(str(path), "file", "no such file", "an existing YAML file",
                                      "check the path")]) from None
    except UnicodeDecodeError as exc:
        raise InputErrors([InputError(str(path), f"byte {exc.start}", "text that is not UTF-8",
                                      "a UTF-8 file", "save the file as UTF-8")]) from None
    loader = _StrictLoader(text, str(path))
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputErrors([InputError(str(path), f"line {line}", f"invalid YAML ({exc.problem})",
                                      "well-formed YAML", "check indentation, colons and quotes near that line",
                                      line)]) from None
    except yaml.YAMLError as exc:
        raise InputErrors([InputError(str(path), "file", f"invalid YAML ({exc})", "well-formed YAML")]) from None
    finally:
        loader.dispose()
    if loader.duplicate_errors:
        raise InputErrors(loader.duplicate_errors)
    return data


def check_keys(
    errors: ErrorCollector,
    mapping: Any,
    where: str,
    *,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
) -> bool:
    """Report missing required keys and unknown keys of ``mapping``.

    Returns False (and records an error) when ``mapping`` is not a mapping at all.
    """
    if not isinstance(mapping, Mapping):
        errors.add(where, type(mapping).__name__ if mapping is not None else "nothing",
                   "a mapping of keys to values", line=None)
        return False
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in required:
        if key not in mapping:
            errors.add(f"{where}.{key}" if where else key, "no such key", "this key to be present",
                       f"add '{key}:'", line=line_of(mapping))
    for key in mapping:
        if key not in allowed:
            errors.add(f"{where}.{key}" if where else str(key), f"unknown key {key!r}",
                       "one of " + ", ".join(sorted(allowed)),
                       "remove it or correct its spelling", line=line_of(mapping, key))
    return True
