"""The ``thidua-sim`` parser and ``main``: subcommands by name, user mistakes as messages (see the package docstring)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ... import __version__
from ...errors import ThiduaError

__all__ = ["main", "COMMANDS"]

# In the order they appear in --help.
COMMANDS: tuple[str, ...] = (
    "validate",
    "template",
    "project",
    "calibrate",
    "backtest",
    "sensitivity",
    "check",
    "required",
    "allocate",
    "scoreboard",
    "briefs",
    "review-final",
    "households",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua-sim",
        description="Poverty-reduction planning for districts and communes (Vì người nghèo 2021-2025).",
    )
    parser.add_argument("--version", action="version", version=f"thidua-sim {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"thidua_sim.apps.cli.commands.{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except ThiduaError as exc:
        print(f"thidua-sim {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("thidua-sim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` or a closed pager: not an error of ours; silence the flush at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
