"""Doors: the command line (``cli``), the brief notebooks and their batch (``briefs``), the
JupyterLab planner (``planner``).

Layers 8-9 (docs/architecture.md). A door holds no logic: it parses, calls one function of a
lower layer and shows what it returns. ``briefs`` may import every lower layer; ``cli`` and
``planner`` may import ``briefs`` and every lower layer, not each other.
"""
