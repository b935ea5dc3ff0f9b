"""Atomic file writes: the one way the package writes a file.

The content goes to a temporary file in the target's own folder (so the rename cannot cross
file systems), is flushed to disk (``fsync``), gets mode 0644 (readable by everyone like any
other output, not ``mkstemp``'s 0600; set explicitly, the process umask is never touched) and
is then renamed over the target with ``os.replace``. A reader sees the old file or the new one,
never half of one; a write that fails leaves the old file as it was, no temporary file, and no
folder it had to create.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["write_atomic", "atomic_path", "TMP_MARK", "FILE_MODE", "temporary_owner_alive", "process_alive",
           "remove_left_by_dead", "watch_driver"]

TMP_MARK = ".thidua-tmp"
"""Every temporary file has this in its name, before the final file's extension (which pandas,
papermill and nbconvert look at), so that leftovers of a killed run can be found and removed.
The name also carries the id of the writing process (``.<name>.p<pid>.…``), so a clean-up never
removes the temporaries of a run that is still going (:func:`temporary_owner_alive`)."""

_OWNER = re.compile(r"\.p(\d+)\.")

FILE_MODE = 0o644
"""Mode of every written file: read-write for the owner, readable by everyone."""


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh temporary path beside ``path`` for the caller to write to; moved onto ``path``
    when the block ends without an error, removed (with any folder created for it) otherwise."""
    final = Path(path)
    created = [p for p in (final.parent, *final.parent.parents) if not p.exists()]
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    done = False
    try:
        fd, name = tempfile.mkstemp(prefix=f".{final.stem}.p{os.getpid()}.", suffix=f"{TMP_MARK}{final.suffix}",
                                    dir=final.parent)
        os.close(fd)
        tmp = Path(name)
        yield tmp
        _fsync(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, final)
        done = True
        _fsync(final.parent)
    finally:
        if not done:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            for folder in created:  # innermost first; only folders this write made, and only if empty
                try:
                    folder.rmdir()
                except OSError:
                    break


def write_atomic(path: str | os.PathLike[str], content: str | bytes | Callable[[Path], object]) -> Path:
    """Write ``content`` to ``path`` atomically and return the path.

    ``content``: text (written as UTF-8), bytes, or a function that writes the file it is given
    (e.g. ``lambda tmp: table.to_excel(tmp)``); the function must write to that path only.
    """
    with atomic_path(path) as tmp:
        if isinstance(content, str):
            tmp.write_bytes(content.encode("utf-8"))
        elif isinstance(content, (bytes, bytearray)):
            tmp.write_bytes(bytes(content))
        else:
            content(tmp)
    return Path(path)


def temporary_owner_alive(path: str | os.PathLike[str]) -> bool:
    """Whether the process that is writing the temporary file ``path`` still runs (this process
    included); False for a name without a process id (a leftover of an older version)."""
    owner = _OWNER.search(Path(path).name)
    return owner is not None and process_alive(int(owner.group(1)))


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (this process included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def remove_left_by_dead(folder: str | os.PathLike[str], prefixes: tuple[str, ...], min_age: float = 0.0) -> None:
    """Remove this user's files and folders directly in ``folder`` named ``<prefix><pid>...`` (one
    of ``prefixes``, then the owner's process id) whose owner no longer runs (killed, so its own
    clean-up never ran) and that have not changed for ``min_age`` seconds. POSIX only (signal 0)."""
    if os.name != "posix":
        return
    import shutil
    import time

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is None:
            continue
        rest = entry.name[len(prefix):]
        digits = len(rest) - len(rest.lstrip("0123456789"))
        if digits == 0 or process_alive(int(rest[:digits])):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if st.st_uid != os.getuid() or time.time() - st.st_mtime < min_age:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            continue


DRIVER_POLL_SECONDS = 0.5
"""How often a worker process checks that the process it works for still runs (:func:`watch_driver`)."""


def watch_driver(driver: int | None, on_gone: Callable[[], object] | None = None) -> None:
    """In a worker process: end it within :data:`DRIVER_POLL_SECONDS` of the ``driver`` process
    being gone (killed, e.g. a Jupyter kernel restarted mid-run), after ``on_gone`` (given 5 s at
    most). A pool's worker holds both ends of the pool's queues, so it never sees them close: it
    would wait for work forever, and keep a fork server, Python's resource tracker (and the run's
    semaphores) or its own kernels with it. POSIX only (signal 0); None: no watch."""
    if driver is None or os.name != "posix":
        return
    import threading
    import time

    def watch() -> None:
        while process_alive(driver):
            time.sleep(DRIVER_POLL_SECONDS)
        if on_gone is not None:
            threading.Timer(5.0, os._exit, args=(70,)).start()  # whatever on_gone waits for
            try:
                on_gone()
            except Exception:  # noqa: BLE001 - the process ends either way
                pass
        os._exit(70)  # EX_SOFTWARE: nobody is left to read a result

    threading.Thread(target=watch, name="thidua-driver-watch", daemon=True).start()


def _fsync(path: Path) -> None:
    """Flush a file's (or a folder's) data to disk; a file system that cannot is not an error."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. a folder on Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - a file system without fsync for folders
        pass
    finally:
        os.close(fd)
