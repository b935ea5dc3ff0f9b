"""Which Jupyter kernel runs the briefs: always this interpreter (the project's venv).

The kernel spec ``python3`` normally resolves to the environment papermill runs in, but a
user-level spec of the same name (``~/.local/share/jupyter/kernels/python3``) would win and
run another Python without thidua_sim. :func:`resolve_kernel` checks which spec resolves and,
unless it is this interpreter, writes a private spec under the output folder and puts it first
on ``JUPYTER_PATH`` for the worker processes.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ...io import write_atomic

__all__ = ["KERNEL_NAME", "resolve_kernel", "kernel_python"]

KERNEL_NAME = "thidua-sim-python"
_PYTHON_NAMES = {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}


def kernel_python(name: str = "python3") -> str | None:
    """The interpreter the kernel spec ``name`` starts, as jupyter_client would (``python`` in a
    spec means the interpreter starting the kernel); None when there is no such spec."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return None
    exe = spec.argv[0] if spec.argv else ""
    return sys.executable if exe in _PYTHON_NAMES else exe


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def resolve_kernel(workdir: Path) -> tuple[str, dict[str, str]]:
    """``(kernel_name, environment additions)`` that run the briefs with this interpreter."""
    exe = kernel_python("python3")
    if exe is not None and _same(exe, sys.executable):
        return "python3", {}
    root = Path(workdir) / ".kernels"
    spec_dir = root / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "thidua_sim (project venv)", "language": "python"}
    write_atomic(spec_dir / "kernel.json", json.dumps(spec, indent=1))
    path = os.pathsep.join(p for p in (str(root), os.environ.get("JUPYTER_PATH", "")) if p)
    return KERNEL_NAME, {"JUPYTER_PATH": path}
