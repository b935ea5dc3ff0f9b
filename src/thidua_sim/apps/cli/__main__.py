"""``python -m thidua_sim.apps.cli``: the thidua-sim command."""

from . import main

raise SystemExit(main())
