"""Kubernetes plugin for flowkit: run steps as Kubernetes Jobs (not implemented yet)."""
