"""Subcommands of ``thidua-sim``; one module each (see ``cli.py``)."""
