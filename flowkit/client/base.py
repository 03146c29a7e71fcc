"""The base of every client object: a pathspec, equality and hashing by it, a short repr."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from ..exception import MetaflowNotFound
from . import namespace as ns


def _ts(t: Optional[float]) -> Optional[datetime]:
    """Naive local time, as Metaflow's client returns (comparable with datetime.now())."""
    return datetime.fromtimestamp(t) if t else None


class MetaflowObject:
    _NAME = "object"

    def __init__(self, pathspec: str, _namespace_check: bool = True) -> None:
        parts = pathspec.strip("/").split("/")
        if len(parts) != self._DEPTH or not all(parts):
            raise MetaflowNotFound(f"{pathspec!r} is not a {self._NAME} pathspec",
                                   hint=f"a {self._NAME} is named {self._FORM}")
        self.pathspec = "/".join(parts)
        self.id = parts[-1]
        self._parts = parts
        self._check = _namespace_check

    _DEPTH = 1
    _FORM = "FlowName"

    @property
    def _meta(self) -> Any:
        return ns.stores()[1]

    @property
    def _cas(self) -> Any:
        return ns.stores()[2]

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.pathspec == other.pathspec  # type: ignore

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.pathspec))

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self.pathspec}')"

    def __str__(self) -> str:
        return repr(self)


