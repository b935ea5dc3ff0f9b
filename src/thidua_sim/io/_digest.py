"""A hash of everything a brief is built from: the parameter files, the data files, the
scenario file, the notebook, the package (version and source), the versions of numpy, scipy
and pandas, and the brief's parameters.

The batch compares it with the hash stored beside a finished brief to skip briefs whose
inputs did not change, and every brief prints it so a reader can tell two runs apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

__all__ = ["inputs_hash", "files_digest", "package_digest", "library_versions", "SKIP_PARTS", "NUMERIC_LIBRARIES"]

NUMERIC_LIBRARIES = ("numpy", "scipy", "pandas")
"""Libraries the numbers of a brief depend on (random streams, quantiles, sampling): an upgrade
of any of them is a new input."""

SKIP_PARTS = ("__pycache__", ".ipynb_checkpoints", ".git", ".pytest_cache")
"""Folders never hashed (caches, editor checkpoints)."""


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    out = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if not path.is_file() or any(part in SKIP_PARTS or part.startswith(".") for part in rel.parts):
            continue
        out.append(path)
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


def files_digest(root: str | Path) -> str:
    """SHA-256 over the relative names and contents of every file under ``root`` (or of one file);
    the digest of an empty string when it does not exist."""
    root = Path(root)
    h = hashlib.sha256()
    for path in _files(root):
        name = path.name if root.is_file() else path.relative_to(root).as_posix()
        h.update(name.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def package_digest() -> str:
    """Version and SHA-256 of the package's own source files, so a code change is a new input."""
    from .. import __version__
    from ..core.defaults import PACKAGE_DIR

    return f"{__version__}:{files_digest(PACKAGE_DIR)[:16]}"


@lru_cache(maxsize=1)
def library_versions() -> str:
    """``numpy=2.1.3,scipy=...,pandas=...`` of the running interpreter."""
    from importlib.metadata import PackageNotFoundError, version

    def one(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "none"

    return ",".join(f"{name}={one(name)}" for name in NUMERIC_LIBRARIES)


def inputs_hash(
    *,
    params_dir: str | Path,
    data_dir: str | Path,
    scenario: str | Path,
    notebook: str | Path | None,
    parameters: Mapping[str, object],
    extra: Iterable[str] = (),
) -> str:
    """The 16-hex-digit hash of a brief's inputs (see the module text).

    ``parameters`` are the notebook parameters; paths among them are not hashed as text (a
    brief built from the same files in another folder is the same brief) since their contents
    are hashed already.
    """
    path_keys = {"data_dir", "params_dir", "scenario", "notebook", "results"}
    h = hashlib.sha256()
    for label, digest in (
        ("params", files_digest(params_dir)),
        ("data", files_digest(data_dir)),
        ("scenario", files_digest(scenario)),
        ("notebook", files_digest(notebook) if notebook else ""),
        # the forecast-record box reads the shipped backtest results beside the data folder
        ("backtest", files_digest(Path(data_dir).parent / "history" / "backtest_metrics.csv")),
        ("package", package_digest()),
        ("libraries", library_versions()),
        ("parameters", json.dumps({k: v for k, v in sorted(parameters.items()) if k not in path_keys},
                                  sort_keys=True, default=str)),
        *(("extra", e) for e in extra),
    ):
        h.update(f"{label}={digest}\n".encode("utf-8"))
    return h.hexdigest()[:16]
