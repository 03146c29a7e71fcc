"""Named tables of the things flowkit can be extended with.

Built-ins register themselves when their module is imported; plugins register through the
entry-point group ``flowkit.plugins`` (each entry point names a function that receives this
module and adds to the tables). Plugins are loaded lazily, the first time a name is looked up
that the built-ins do not have, so ``import flowkit`` never imports a cloud SDK.
"""

from __future__ import annotations

from typing import Any, Callable, Dict


STEP_DECORATORS: Dict[str, type] = {}
FLOW_DECORATORS: Dict[str, type] = {}
STORAGE_BACKENDS: Dict[str, Callable[..., Any]] = {}
EXECUTORS: Dict[str, Callable[..., Any]] = {}
ORCHESTRATORS: Dict[str, Callable[..., Any]] = {}
CLI_GROUPS: Dict[str, Callable[..., Any]] = {}
SECRET_PROVIDERS: Dict[str, Callable[..., Any]] = {}

_plugins_loaded = False


def load_plugins() -> None:
    """Import every installed plugin once (entry-point group ``flowkit.plugins``)."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    try:
        from importlib.metadata import entry_points
    except ImportError:  # pragma: no cover - Python < 3.8
        return
    try:
        eps = entry_points(group="flowkit.plugins")  # type: ignore[call-arg]
    except TypeError:  # Python 3.9: entry_points() takes no arguments
        eps = entry_points().get("flowkit.plugins", [])  # type: ignore[attr-defined]
    for ep in eps:
        try:
            ep.load()(__import__(__name__, fromlist=["_"]))
        except Exception as e:  # a broken plugin must not break flowkit
            import logging

            logging.getLogger(__name__).warning("flowkit plugin %s failed to load: %s",
                                                ep.name, e)


def lookup(table: Dict[str, Any], name: str) -> Any:
    """The entry called name, loading plugins if the built-ins lack it; None if nobody has it."""
    if name not in table:
        load_plugins()
    return table.get(name)
