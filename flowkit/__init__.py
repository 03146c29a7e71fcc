"""flowkit: write a flow as a class of @step methods; run it on a laptop, inspect any run, scale it out.

The public API, and nothing else (``__all__`` is pinned by a test).
"""

from .current import current
from .decorators.base import step
from .decorators.parallel import parallel
from .decorators.retry import retry
from .flowspec import FlowSpec
from .parameters import IncludeFile, JSONType, Parameter
from .version import __version__

__all__ = [
    "FlowSpec",
    "IncludeFile",
    "JSONType",
    "Parameter",
    "__version__",
    "current",
    "parallel",
    "retry",
    "step",
]
