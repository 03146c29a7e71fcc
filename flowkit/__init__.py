"""flowkit: write a flow as a class of @step methods; run it on a laptop, inspect any run, scale it out.

The public API, and nothing else (``__all__`` is pinned by a test).
"""

from .client.namespace import (default_namespace, get_metadata, get_namespace, metadata,
                               namespace)
from .client.objects import DataArtifact, Flow, Metaflow, Run, Step, Task
from .client.runner import Runner
from .current import current
from .decorators.base import step
from .decorators.catch import catch
from .decorators.environment import environment
from .decorators.parallel import parallel
from .decorators.resources import resources
from .decorators.retry import retry
from .decorators.secrets import secrets
from .decorators.timeout import timeout
from .flowspec import FlowSpec
from .parameters import IncludeFile, JSONType, Parameter
from .version import __version__

__all__ = [
    "DataArtifact",
    "Flow",
    "FlowSpec",
    "IncludeFile",
    "JSONType",
    "Metaflow",
    "Parameter",
    "Run",
    "Runner",
    "Step",
    "Task",
    "__version__",
    "catch",
    "current",
    "default_namespace",
    "environment",
    "get_metadata",
    "get_namespace",
    "metadata",
    "namespace",
    "parallel",
    "resources",
    "retry",
    "secrets",
    "step",
    "timeout",
]
