"""Names of a package imported on first use (PEP 562): the package's ``__getattr__`` and
``__dir__``, from a table of where each name comes from (``thidua_sim`` and ``thidua_sim.model``:
why, in the former's docstring)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_names(package: str, exports: Mapping[str, Sequence[str]], modules: Mapping[str, str] | None = None,
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a module (relative to the
    package) to the names it gives; ``modules`` maps a name to a module given whole. A name is
    imported when first asked for, then kept in the package's namespace."""
    where = {name: module for module, names in exports.items() for name in names}
    whole = dict(modules or {})
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        if name in whole:
            value = importlib.import_module(f".{whole[name]}", package)
        elif name in where:
            value = getattr(importlib.import_module(f".{where[name]}", package), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(namespace.get("__all__", ())) | set(where) | set(whole))

    return __getattr__, __dir__
