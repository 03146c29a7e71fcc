"""The environment every side-by-side benchmark gives a framework: its own datastore and home,
USER=bench, nothing inherited from FLOWKIT_*/METAFLOW_*, and this working tree's flowkit."""

from __future__ import annotations

import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env_for(fw: str, root: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FLOWKIT_", "METAFLOW_")) and k != "PYTHONDONTWRITEBYTECODE"}
    prefix = "FLOWKIT" if fw == "flowkit" else "METAFLOW"
    env[f"{prefix}_DATASTORE_SYSROOT_LOCAL"] = root
    env[f"{prefix}_HOME"] = os.path.join(root, "home")
    env["USER"] = "bench"
    if fw == "flowkit":
        env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env
