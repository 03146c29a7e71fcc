"""The flow graph: parse.py builds it from the step source, lint.py checks it."""
