"""The one check every writer makes before writing: an output never replaces an input.

:func:`check_output` refuses, without ``--force``,

* an output path that is an input of the same run (the scenario, the review workbook, the
  base rates read), or a file inside an input folder (``--data``, ``--params``);
* any file under the project's shipped ``data/`` or ``params/`` folders, or under a folder named
  ``data`` or ``params`` that holds an input of the run;

and refuses always (``--force`` cannot help) an output path that is a folder, or whose parent
is a file. Every refusal is an :class:`~thidua_sim.errors.InputErrors` naming both paths and
the fix. The check runs before any work, so a refused run changes nothing on disk.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..core.defaults import SHIPPED_DATA, SHIPPED_PARAMS
from ..errors import InputError, InputErrors

__all__ = ["check_output", "check_output_folder", "protected_folders"]

PathArg = str | os.PathLike[str]


def protected_folders() -> tuple[Path, ...]:
    """The project's own data and parameter folders (never written without --force): the shipped
    ones, and ``data/`` and ``params/`` of the working folder (a project run from its folder)."""
    found = [p.resolve() for p in (SHIPPED_DATA, SHIPPED_PARAMS)]
    for name in ("data", "params"):
        here = (Path.cwd() / name).resolve()
        if here.is_dir() and here not in found:
            found.append(here)
    return tuple(found)


def _protected(inputs: Iterable[PathArg | None]) -> list[Path]:
    """The shipped data/ and params/ folders, and a folder named data or params at most two levels
    above an input (``data/kbang``, ``params/scenarios/x.yaml``; never a far ancestor like ``/data``)."""
    out = list(protected_folders())
    for given in inputs:
        if given is None:
            continue
        here = Path(given).resolve()
        for parent in [here, *list(here.parents)[:2]]:  # data/kbang, params/scenarios/x.yaml: not /data
            if parent.name in ("data", "params") and parent.is_dir() and parent not in out:
                out.append(parent)
    return out


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _refuse(out: str, option: str, found: str, expected: str, fix: str) -> InputErrors:
    return InputErrors([InputError(out, option, found, expected, fix)])


def check_output(path: PathArg, *, inputs: Iterable[PathArg | None] = (), force: bool = False,
                 option: str = "--out") -> Path:
    """Check that writing ``path`` replaces no input; return it as a Path.

    ``inputs``: the files and folders the run reads (None entries are ignored). A folder
    protects every file inside it. ``option``: how the user named the output (for the message).
    """
    out = Path(path)
    shown = str(path)
    inputs = list(inputs)
    if out.is_dir():
        raise _refuse(shown, option, "a folder", "a file name",
                      f"name a file inside it, e.g. {out / 'ket_qua.xlsx'}")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _refuse(shown, option, f"{parent} is a file, not a folder", "a path inside a folder",
                              "choose another output path")
            break
    if force:
        return out
    target = out.resolve()
    for given in inputs:
        if given is None:
            continue
        source = Path(given).resolve()
        if _same(target, source):
            raise _refuse(shown, option, f"the same file as the input {given} of this run",
                          "an output that replaces no input",
                          "write to another file (e.g. under out/), or add --force to replace the input")
        if source.is_dir() and _inside(target, source):
            raise _refuse(shown, option, f"a file inside the input folder {given} of this run",
                          "an output outside the folders the run reads",
                          "write under out/ instead, or add --force to write there anyway")
    for folder in _protected(inputs):
        if _inside(target, folder):
            raise _refuse(shown, option, f"a file under the {folder.name}/ folder {folder}",
                          "an output outside data/ and params/",
                          "write under out/ instead, or add --force to write there anyway")
    return out


def check_output_folder(path: PathArg, *, inputs: Iterable[PathArg | None] = (), option: str = "--out") -> Path:
    """Check an output folder (the briefs): not a file, not an input folder or inside one."""
    out = Path(path)
    shown = str(path)
    if out.exists() and not out.is_dir():
        raise _refuse(shown, option, "a file", "a folder for the outputs", "name a folder, e.g. out/briefs")
    target = out.resolve()
    inputs = list(inputs)
    for given in [*inputs, *_protected(inputs)]:
        if given is None:
            continue
        source = Path(given).resolve()
        if source.is_dir() and (_inside(target, source) or _same(target, source)):
            raise _refuse(shown, option, f"the input folder {given} or a folder inside it",
                          "an output folder outside the folders the run reads", "write under out/ instead")
        if _inside(source, target) and source.is_file() and source.parent.resolve() == target:
            raise _refuse(shown, option, f"the folder of the input {given}",
                          "an output folder that holds no input", "write under out/ instead")
    return out
