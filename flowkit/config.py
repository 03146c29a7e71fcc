"""Settings: read once at an entry point from the environment and the config file, then passed down.

Precedence (SPEC §11): command-line options (applied by the CLI on top of what this returns),
then ``FLOWKIT_*`` environment variables, then ``$FLOWKIT_HOME/config.json`` (default
``~/.flowkit/config.json``) whose keys are the variable names. Metaflow's names port by changing
the prefix, so ``METAFLOW_DEFAULT_DATASTORE`` becomes ``FLOWKIT_DEFAULT_DATASTORE``.

No module reads ``os.environ`` at import time; ``load_settings`` is the one place that does.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Mapping, Optional

from .exception import UsageError

PREFIX = "FLOWKIT_"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a flowkit process. Tests build one directly."""

    default_datastore: str = "local"
    datastore_sysroot_local: Optional[str] = None
    datastore_sysroot_s3: Optional[str] = None
    default_metadata: str = "local"
    user: str = "unknown"
    s3_endpoint_url: Optional[str] = None
    s3_retry_count: int = 7            # attempts per S3 request (throttling, 5xx, lost links)
    batch_job_queue: Optional[str] = None
    batch_container_image: Optional[str] = None
    ecs_s3_access_iam_role: Optional[str] = None
    kubernetes_namespace: Optional[str] = None
    kubernetes_container_image: Optional[str] = None
    sfn_iam_role: Optional[str] = None
    events_sfn_access_iam_role: Optional[str] = None
    # How tasks start locally: "fork" (from the warm runtime process), "spawn" (a fresh
    # interpreter running the `step` command, exactly what a container runs), or "auto": fork
    # where that is safe (Linux, and no threads running in the runtime), else spawn.
    task_launch: str = "auto"
    # Multiplies every @retry delay (tests set it to 0 to retry at once).
    retry_delay_scale: float = 1.0
    # Values of FLOWKIT_RUN_<PARAM> variables, keyed by the lower-cased parameter name.
    run_params: Dict[str, str] = field(default_factory=dict)
    home: str = "~/.flowkit"

    def with_overrides(self, **changes: Any) -> "Settings":
        """A copy with the given fields changed (command-line options win over everything)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_KEYS = {
    "DEFAULT_DATASTORE": "default_datastore",
    "DATASTORE_SYSROOT_LOCAL": "datastore_sysroot_local",
    "DATASTORE_SYSROOT_S3": "datastore_sysroot_s3",
    "DEFAULT_METADATA": "default_metadata",
    "USER": "user",
    "S3_ENDPOINT_URL": "s3_endpoint_url",
    "S3_RETRY_COUNT": "s3_retry_count",
    "BATCH_JOB_QUEUE": "batch_job_queue",
    "BATCH_CONTAINER_IMAGE": "batch_container_image",
    "ECS_S3_ACCESS_IAM_ROLE": "ecs_s3_access_iam_role",
    "KUBERNETES_NAMESPACE": "kubernetes_namespace",
    "KUBERNETES_CONTAINER_IMAGE": "kubernetes_container_image",
    "SFN_IAM_ROLE": "sfn_iam_role",
    "EVENTS_SFN_ACCESS_IAM_ROLE": "events_sfn_access_iam_role",
    "TASK_LAUNCH": "task_launch",
    "RETRY_DELAY_SCALE": "retry_delay_scale",
}


def config_path(environ: Mapping[str, str]) -> str:
    home = environ.get(PREFIX + "HOME") or os.path.join(os.path.expanduser("~"), ".flowkit")
    return os.path.join(home, "config.json")


def _read_config_file(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise UsageError(
            f"cannot read the flowkit config file {path}: {e}",
            hint="fix the JSON in that file, or point FLOWKIT_HOME at another folder",
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"the flowkit config file {path} must hold a JSON object")
    return data


def _default_user(environ: Mapping[str, str]) -> str:
    for var in ("USER", "USERNAME", "LOGNAME"):
        if environ.get(var):
            return environ[var]
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (some containers)
        return "unknown"


def load_settings(
    environ: Optional[Mapping[str, str]] = None, config_file: Optional[str] = None
) -> Settings:
    """Build Settings from the environment and the config file (environment wins)."""
    env = os.environ if environ is None else environ
    path = config_file or config_path(env)
    from_file = _read_config_file(path)
    values: Dict[str, Any] = {}
    for suffix, attr in _KEYS.items():
        key = PREFIX + suffix
        if key in env and env[key] != "":
            values[attr] = env[key]
        elif key in from_file:
            values[attr] = str(from_file[key])
    if "s3_retry_count" in values:
        try:
            values["s3_retry_count"] = max(1, int(values["s3_retry_count"]))
        except ValueError:
            raise UsageError(f"FLOWKIT_S3_RETRY_COUNT must be a whole number, got "
                             f"{values['s3_retry_count']!r}") from None
    if "retry_delay_scale" in values:
        try:
            values["retry_delay_scale"] = float(values["retry_delay_scale"])
        except ValueError:
            raise UsageError(f"FLOWKIT_RETRY_DELAY_SCALE must be a number, got "
                             f"{values['retry_delay_scale']!r}") from None
    if "user" not in values:
        values["user"] = _default_user(env)
    run_params = {
        k[len(PREFIX + "RUN_"):].lower(): v
        for k, v in env.items()
        if k.startswith(PREFIX + "RUN_")
    }
    return Settings(run_params=run_params, home=os.path.dirname(path), **values)
