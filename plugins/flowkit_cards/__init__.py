"""Cards plugin for flowkit: HTML reports attached to tasks (not implemented yet)."""
