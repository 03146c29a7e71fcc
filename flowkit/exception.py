"""The errors flowkit raises for user mistakes, and the names Metaflow users already catch.

Every error a user can cause is a ``FlowkitException``: it carries a one-line message, where it
happened (file, line, step or pathspec), a hint saying what to do next, and the exit code the
command line uses. ``cli/main.py`` prints these without a traceback; anything that is not a
``FlowkitException`` is a bug in flowkit and is printed as an internal error with its traceback.

    FlowkitException (exit 1)                 alias MetaflowException
    ├── UsageError (exit 2)                   bad command-line input
    │   ├── ParameterError                    unknown / missing / mistyped parameter value
    │   └── DecoratorSpecError                malformed or unknown --with DECOSPEC
    ├── FlowDefinitionError                   the flow class itself is wrong (outside the graph)
    ├── GraphError                            the graph check found problems (holds them all)
    ├── StepRuntimeError                      a step misused the API while running
    │   ├── InvalidNextError                  self.next at run time disagrees with the graph
    │   ├── ForeachLimitError                 foreach over more than --max-num-splits items
    │   └── MergeArtifactsError
    │       ├── UnhandledInMergeArtifactsException   conflicting values not excluded
    │       └── MissingInMergeArtifactsException     include= names an unknown artifact
    ├── DataError
    │   ├── UnpicklableArtifactError          an attribute could not be serialized
    │   └── CorruptArtifactError              a stored blob failed its hash check
    ├── DatastoreError                        missing / unreadable datastore
    ├── MetaflowNotFound                      client: no such flow, run, step, task, artifact
    │   └── MissingChild (also a KeyError)    run["nope"], flow["123"]...
    ├── MetaflowNamespaceMismatch             client: object outside the current namespace
    └── ExternalCommandFailed                 a subprocess flowkit ran failed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of a file and line, a step, or a pathspec."""

    file: Optional[str] = None
    line: Optional[int] = None
    step: Optional[str] = None
    pathspec: Optional[str] = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.step:
            parts.append(f"step '{self.step}'")
        if self.pathspec:
            parts.append(self.pathspec)
        return ", ".join(parts)


class FlowkitException(Exception):
    """Base of every error a user can cause. ``str(e)`` is the message alone."""

    headline = "Flowkit error"
    exit_code = 1

    def __init__(
        self,
        msg: str = "",
        hint: Optional[str] = None,
        where: Optional[Location] = None,
        lineno: Optional[int] = None,
    ) -> None:
        super().__init__(msg)
        self.message = msg
        self.hint = hint
        if where is None and lineno is not None:
            where = Location(line=lineno)
        self.where = where
        # Metaflow compatibility: code catching MetaflowException reads .lineno and .headline.
        self.lineno = where.line if where else None

    def render(self) -> str:
        """The text the command line prints: headline, location, message, hint."""
        lines = [f"{self.headline}: {self.message}"]
        if self.where and str(self.where):
            lines.append(f"  where: {self.where}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class UsageError(FlowkitException):
    headline = "Usage error"
    exit_code = 2


class ParameterError(UsageError):
    headline = "Bad parameter"


class DecoratorSpecError(UsageError):
    headline = "Bad decorator"


class FlowDefinitionError(FlowkitException):
    headline = "Flow definition error"


@dataclass(frozen=True)
class GraphProblem:
    """One finding of the graph check: a rule id, a message, where, and how to fix it."""

    rule: str
    message: str
    hint: str
    file: Optional[str] = None
    line: Optional[int] = None
    step: Optional[str] = None

    def render(self) -> str:
        place = f"{self.file}:{self.line}" if self.file else "<flow>"
        step = f" step '{self.step}':" if self.step else ""
        return f"{place}:{step} {self.message} [{self.rule}]\n    fix: {self.hint}"


class GraphError(FlowkitException):
    headline = "The flow graph is invalid"

    def __init__(self, problems: List[GraphProblem]) -> None:
        first = problems[0]
        super().__init__(
            first.message,
            hint=first.hint,
            where=Location(file=first.file, line=first.line, step=first.step),
        )
        self.problems = list(problems)

    def render(self) -> str:
        n = len(self.problems)
        head = f"{self.headline}: {n} problem{'s' if n != 1 else ''} found."
        return "\n".join([head] + [p.render() for p in self.problems])


class StepRuntimeError(FlowkitException):
    headline = "Step error"


class InvalidNextError(StepRuntimeError):
    headline = "Invalid self.next"


class ForeachLimitError(StepRuntimeError):
    headline = "Too many foreach splits"


class MergeArtifactsError(StepRuntimeError):
    headline = "merge_artifacts failed"

    def __init__(self, msg: str, names: List[str], hint: Optional[str] = None) -> None:
        super().__init__(msg, hint=hint)
        self.artifact_names = list(names)


class UnhandledInMergeArtifactsException(MergeArtifactsError):
    headline = "Unhandled artifacts in merge"


class MissingInMergeArtifactsException(MergeArtifactsError):
    headline = "Missing artifacts in merge"


class DataError(FlowkitException):
    headline = "Data error"


class UnpicklableArtifactError(DataError):
    headline = "Cannot store artifact"


class CorruptArtifactError(DataError):
    headline = "Corrupt artifact"


class DatastoreError(FlowkitException):
    headline = "Datastore error"


class MetaflowNotFound(FlowkitException):
    headline = "Object not found"


class MissingChild(MetaflowNotFound, KeyError):
    """obj[name] of something that does not exist: also a KeyError, as in Metaflow."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class MetaflowNamespaceMismatch(FlowkitException):
    headline = "Object not in the current namespace"


class ExternalCommandFailed(FlowkitException):
    headline = "External command failed"


# flowkit-style names for the client errors, and the Metaflow name of the base.
NotFoundError = MetaflowNotFound
NamespaceMismatchError = MetaflowNamespaceMismatch
MetaflowException = FlowkitException
