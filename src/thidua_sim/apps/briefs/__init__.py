"""Briefs: the sections the brief notebooks call (``thidua_sim.brief``) and the batch that
runs the notebooks with papermill and renders them to code-free HTML (``run_briefs``).

Layer 8 (docs/architecture.md). May import: every layer below (``report``, ``planning``,
``model``, ``data``, ``params``, ``io``, ``core``, ``errors``); not ``apps.cli`` nor
``apps.planner``. The notebook runner, papermill and nbconvert are imported on first use.
"""
