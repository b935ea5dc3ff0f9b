"""Strict YAML reading for parameter and data files.

PyYAML silently keeps the last of two equal keys; here a duplicate key is an
error with its line. Every mapping remembers the line of each key so that
validators can point at the exact place of a problem.

Use :func:`read_yaml` to get plain Python objects (``dict``/``list``/scalars)
where every dict is a :class:`LineDict` with ``.line_of(key)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from ..errors import ErrorCollector, InputError, InputErrors

__all__ = ["LineDict", "read_yaml", "check_keys", "line_of", "MAX_YAML_BYTES", "MAX_YAML_NODES", "WritingDumper"]

#: A parameter or scenario file is a few kilobytes; anything above this is refused unread.
MAX_YAML_BYTES = 2_000_000
#: Values after alias expansion (``*name`` repeats what ``&name`` holds): a "billion laughs"
#: file of a few lines would otherwise expand to billions of values.
MAX_YAML_NODES = 200_000
# "3.000" or "12.500.000" unquoted: YAML reads 3.0 / a text, a Vietnamese reader means 3000.
_AMBIGUOUS_THOUSANDS = re.compile(r"[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+")


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
    if len(text) > MAX_YAML_BYTES:
        raise InputErrors([InputError(str(path), "file", f"{len(text):,} characters",
                                      f"a parameter file of at most {MAX_YAML_BYTES:,} characters",
                                      "this is not a parameter file; check the path")])
    _scan(text, str(path))
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


class _Open:
    """A mapping or sequence being scanned: its anchor, expanded size and the current key."""

    __slots__ = ("anchor", "size", "mapping", "expect_key", "key", "index")

    def __init__(self, anchor: str | None, mapping: bool):
        self.anchor, self.size, self.mapping = anchor, 1, mapping
        self.expect_key, self.key, self.index = True, None, 0

    def label(self) -> str | None:
        return None if self.key is None else str(self.key) if self.mapping else f"[{self.index}]"


def _scan(text: str, file: str) -> None:
    """Before building any value: bound the alias expansion and refuse numbers whose reading
    depends on the convention (``3.000``). Uses the parser's events only (no value is built),
    so a "billion laughs" file is refused in milliseconds."""
    sizes: dict[str, int] = {}
    stack: list[_Open] = []
    problems: list[InputError] = []
    total = 0

    def add(size: int) -> None:
        nonlocal total
        total += size
        if total > MAX_YAML_NODES:
            raise InputErrors([InputError(
                file, "file", f"more than {MAX_YAML_NODES:,} values once its aliases (*name) are expanded",
                f"at most {MAX_YAML_NODES:,} values", "write the values out instead of repeating aliases")])
        if stack:
            top = stack[-1]
            top.size += size
            if top.mapping:
                top.expect_key = not top.expect_key
            else:
                top.index += 1

    def place() -> str:
        labels = [label for label in (o.label() for o in stack) if label is not None]
        return "".join(x if x.startswith("[") or i == 0 else f".{x}" for i, x in enumerate(labels))

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if stack and not stack[-1].mapping:
                    stack[-1].key = stack[-1].index
                stack.append(_Open(event.anchor, isinstance(event, yaml.MappingStartEvent)))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = stack.pop()
                if done.anchor:
                    sizes[done.anchor] = done.size
                add(done.size)
            elif isinstance(event, yaml.ScalarEvent):
                top = stack[-1] if stack else None
                if top is not None and top.mapping and top.expect_key:
                    top.key = event.value
                elif event.style is None and event.implicit[0] and _AMBIGUOUS_THOUSANDS.fullmatch(event.value):
                    if top is not None and not top.mapping:
                        top.key = top.index
                    line = event.start_mark.line + 1
                    digits = event.value.lstrip("+-")
                    small, large = f"{float(digits):g}", digits.replace(".", "")
                    problems.append(InputError(
                        file, place() or f"line {line}",
                        f"{event.value}, which reads as {small} (a decimal point) or as {large} "
                        "(a dot between thousands, as in Vietnamese)",
                        "a number written one way only",
                        f"write {large} (no dot) if you mean {large}, or {small} if you mean {small}",
                        line))
                if event.anchor:
                    sizes[event.anchor] = 1
                add(1)
            elif isinstance(event, yaml.AliasEvent):
                add(sizes.get(event.anchor, 1))
    except yaml.YAMLError:
        return  # the loader reports the syntax error with its line
    if problems:
        raise InputErrors(problems)


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


class WritingDumper(yaml.SafeDumper):
    """The dumper of every YAML file the tool writes (scenarios, fitted base rates): a float that
    would read as an ambiguous thousands form ("1.234") is written with one more digit ("1.2340"),
    so that :func:`read_yaml` takes the file back."""


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    node = dumper.represent_float(value)
    if _AMBIGUOUS_THOUSANDS.fullmatch(node.value):
        node.value += "0"
    return node


WritingDumper.add_representer(float, _represent_float)
