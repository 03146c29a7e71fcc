"""@secrets(sources=[...]): key/value pairs set as environment variables of the task.

Values are fetched in the task process right before the step and never written anywhere by
flowkit (not as artifacts, logs, records or job specs). Sources:

- ``{"type": "inline", "options": {"env_vars": {"KEY": "value"}}}`` for local work and tests;
- any other source (a name or an ARN string, or ``{"type": "aws-secrets-manager", ...}``) is
  resolved by a plugin that registers a provider in ``registry.SECRET_PROVIDERS``.
"""

from __future__ import annotations

import os
from typing import Any, Dict

from .. import registry
from ..exception import DecoratorSpecError, StepRuntimeError
from .base import StepDecorator, make_step_decorator


def _kind(source: Any) -> str:
    if isinstance(source, str):
        return "aws-secrets-manager"
    return str(source.get("type", "aws-secrets-manager"))


class SecretsDecorator(StepDecorator):
    name = "secrets"
    defaults = {"sources": [], "role": None}

    def init(self) -> None:
        sources = self.attributes["sources"]
        if not isinstance(sources, (list, tuple)):
            raise DecoratorSpecError("@secrets(sources=...) takes a list of sources")
        for source in sources:
            if not isinstance(source, (str, dict)):
                raise DecoratorSpecError(f"@secrets source {source!r} must be a name or a dict")
            if isinstance(source, dict) and _kind(source) == "inline":
                env = source.get("options", {}).get("env_vars")
                if not isinstance(env, dict):
                    raise DecoratorSpecError(
                        "an inline @secrets source needs options={'env_vars': {...}}")

    def resolve(self) -> Dict[str, str]:
        values: Dict[str, str] = {}
        for source in self.attributes["sources"]:
            kind = _kind(source)
            if kind == "inline":
                values.update({k: str(v) for k, v in source["options"]["env_vars"].items()})
                continue
            provider = registry.lookup(registry.SECRET_PROVIDERS, kind)
            if provider is None:
                raise StepRuntimeError(
                    f"no provider for @secrets source type {kind!r}",
                    hint="install the plugin that provides it, e.g. pip install 'flowkit[aws]' "
                         "for AWS Secrets Manager")
            values.update(provider(source, self.attributes.get("role")))
        return values

    def on_task_start(self, ctx: Any) -> None:
        os.environ.update(self.resolve())


secrets = make_step_decorator(SecretsDecorator)
