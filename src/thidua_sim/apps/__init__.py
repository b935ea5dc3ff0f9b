"""Doors: the command line, the brief notebooks and their batch, the planner."""
