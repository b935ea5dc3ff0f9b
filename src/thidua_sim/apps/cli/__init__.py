"""``thidua-sim``: the command line. A thin door: every subcommand parses its
arguments, calls the package and prints; user mistakes (InputErrors and other
ThiduaErrors) are printed without a traceback and exit with status 1.

Each subcommand lives in ``thidua_sim/apps/cli/commands/<name>.py`` with two functions:
``register(subparsers)`` adding its parser (with ``set_defaults(run=...)``) and the
``run(args) -> int`` it names.

Layer 9 (docs/architecture.md). May import: ``apps.briefs`` and every lower layer; not
``apps.planner``.
"""

from ._main import (
    main,
    COMMANDS,
    build_parser,
)

__all__ = [
    "main",
    "COMMANDS",
    "build_parser",
]
