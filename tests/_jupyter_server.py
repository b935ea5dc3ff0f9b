"""Start a private JupyterLab for browser tests, and always stop it.

The server runs this venv's Python on 127.0.0.1, on a free port, with a random token, in a
folder of the test's choosing; its config, data, runtime, settings and workspace folders are
temporary, so nothing of the user's Jupyter set-up (kernels, settings, extensions in the home
folder) leaks in, and nothing is left behind. The ``python3`` kernel is pinned to this venv's
Python. The news and update pop-ups of JupyterLab are switched off so they cannot cover the
page, and a notebook's kernel starts without the "Select Kernel" question.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JupyterLab", "running_jupyterlab", "free_port"]


@dataclass(frozen=True)
class JupyterLab:
    """A running server: its base URL (``http://127.0.0.1:<port>/``), token and log file."""

    url: str
    token: str
    root: Path
    log: Path

    def lab_url(self, path: str) -> str:
        """The JupyterLab page opening ``path`` (relative to the root), with the token."""
        return f"{self.url}lab/tree/{path}?token={self.token}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _private_dirs(base: Path) -> dict[str, Path]:
    dirs = {name: base / name for name in ("config", "data", "runtime", "settings", "workspaces")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    kernel = dirs["data"] / "kernels" / "python3"
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False},
    }), encoding="utf-8")
    notification = dirs["settings"] / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    tracker = dirs["settings"] / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"autoStartDefaultKernel": True}),
                                                         encoding="utf-8")
    return dirs


def _wait_ready(url: str, token: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    status = f"{url}api/status"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            request = urllib.request.Request(status, headers={"Authorization": f"token {token}"})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # the server and its kernels (own session)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def running_jupyterlab(root: Path, work: Path, timeout: float = 60.0) -> Iterator[JupyterLab]:
    """Run JupyterLab with ``root`` as its root folder; ``work`` holds its private folders and
    log. The server (and every kernel it started) is stopped when the block ends, however it ends."""
    dirs = _private_dirs(work)
    port, token = free_port(), secrets.token_hex(16)
    log = work / "jupyterlab.log"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTER_PLATFORM_DIRS": "1",
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "PYTHONUNBUFFERED": "1",
    }
    args = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        "--LabApp.extension_manager=readonly",  # no PyPI look-ups from the test server
        "--LabApp.news_url=None",
        "--ServerApp.terminals_enabled=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        args.append("--allow-root")
    with open(log, "wb") as out:
        process = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_ready(url, token, process, log, timeout)
        yield JupyterLab(url, token, root, log)
    finally:
        _stop(process)
