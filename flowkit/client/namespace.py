"""Namespaces: which runs the client sees, and where it reads them from.

The default namespace is ``user:<current user>``; ``namespace(None)`` sees everything. A run is
in a namespace when the namespace is one of its tags (user or system). The datastore the client
reads is chosen once from the settings (``FLOWKIT_*`` variables, config file), or explicitly
with ``metadata("local@/path/to/folder")``.
"""

from __future__ import annotations

from typing import Any, Optional

from ..config import Settings, load_settings

_UNSET = object()
_namespace: Any = _UNSET
_settings: Optional[Settings] = None
_stores: Any = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def default_namespace() -> str:
    """Reset to, and return, the default namespace: user:<current user>."""
    global _namespace
    _namespace = f"user:{settings().user}"
    return _namespace


def namespace(ns: Optional[str]) -> Optional[str]:
    """Switch the client's namespace (None: every run). Returns it."""
    global _namespace
    if ns is not None and (not isinstance(ns, str) or not ns):
        from ..exception import UsageError

        raise UsageError(f"a namespace is a tag such as 'user:alice', or None; got {ns!r}")
    _namespace = ns
    return ns


def get_namespace() -> Optional[str]:
    if _namespace is _UNSET:
        return default_namespace()
    return _namespace


def stores() -> Any:
    """(backend, MetadataStore, ContentAddressedStore) the client reads."""
    global _stores
    if _stores is None:
        from ..datastore.cas import ContentAddressedStore
        from ..datastore.root import open_backend
        from ..metadata.provider import MetadataStore

        _, backend = open_backend(settings(), create=False)
        _stores = (backend, MetadataStore(backend), ContentAddressedStore(backend))
    return _stores


def metadata(spec: str) -> str:
    """Point the client at a datastore: 'local@/folder/holding/.flowkit' (or a plain path)."""
    global _settings, _stores
    kind, _, where = spec.partition("@")
    if not where:
        kind, where = "local", spec
    changes = {"default_datastore": kind}
    changes["datastore_sysroot_local" if kind == "local" else f"datastore_sysroot_{kind}"] = where
    _settings = settings().with_overrides(**changes)
    _stores = None
    return get_metadata()


def use_settings(new: Settings) -> None:
    """Read the datastore these settings name from now on (the namespace is kept)."""
    global _settings, _stores
    if new != _settings:
        _settings, _stores = new, None


def get_metadata() -> str:
    s = settings()
    where = s.datastore_sysroot_local if s.default_datastore == "local" else \
        s.datastore_sysroot_s3
    return f"{s.default_datastore}@{where or '.'}"


def reset() -> None:
    """Forget the cached settings and datastore (re-read FLOWKIT_* on next use)."""
    global _settings, _stores, _namespace
    _settings, _stores, _namespace = None, None, _UNSET
