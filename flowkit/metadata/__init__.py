"""Records of flows, runs, steps, tasks and attempts, kept beside the datastore."""
