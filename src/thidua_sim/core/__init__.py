"""Core: the domain types and the defaults every layer shares."""
