"""Input and output primitives: strict YAML, sheets, atomic writes."""

from ._guard import check_output, check_output_folder  # noqa: E402,F401 - the one output guard (issue 10)
