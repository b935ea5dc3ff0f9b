"""``python -m thidua_sim``: the thidua-sim command."""

from .apps.cli import main

raise SystemExit(main())
