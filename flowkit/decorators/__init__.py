"""Step and flow decorators: each records a spec; the task runner and scheduler act on it."""
