"""Input and output primitives: strict YAML, sheets, atomic writes."""
