"""The client API: a read-only view of flows, runs, steps, tasks and artifacts (plus tags)."""
