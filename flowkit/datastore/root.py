"""Which datastore a command uses: resolve the root from settings and open its backend."""

from __future__ import annotations

import os
from typing import Optional, Tuple

from ..config import Settings
from ..exception import DatastoreError, UsageError
from .. import registry
from .backend import StorageBackend

FOLDER = ".flowkit"


def find_local_root(settings: Settings, cwd: Optional[str] = None, create: bool = True) -> str:
    """The `.flowkit` folder: under the configured sysroot, else the nearest one walking up from
    the current directory (like git), else a new one in the current directory."""
    if settings.datastore_sysroot_local:
        return os.path.join(os.path.abspath(os.path.expanduser(settings.datastore_sysroot_local)),
                            FOLDER)
    here = os.path.abspath(cwd or os.getcwd())
    probe = here
    while True:
        candidate = os.path.join(probe, FOLDER)
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return os.path.join(here, FOLDER)


def open_backend(settings: Settings, create: bool = True) -> Tuple[str, StorageBackend]:
    """(datastore type, backend) for these settings."""
    kind = settings.default_datastore
    if kind == "local":
        from .local import LocalBackend

        root = find_local_root(settings)
        if not os.path.isdir(root):
            if not create:
                raise DatastoreError(
                    f"no flowkit datastore at {root}",
                    hint="run a flow first, or point FLOWKIT_DATASTORE_SYSROOT_LOCAL (or "
                         "--datastore-root) at the folder that holds .flowkit")
            try:
                os.makedirs(root, exist_ok=True)
            except OSError as e:
                raise DatastoreError(f"cannot create the datastore {root}: {e.strerror}",
                                     hint="point FLOWKIT_DATASTORE_SYSROOT_LOCAL (or "
                                          "--datastore-root) at a writable folder") from None
        return kind, LocalBackend(root)
    factory = registry.lookup(registry.STORAGE_BACKENDS, kind)
    if factory is None:
        raise UsageError(f"unknown datastore {kind!r}",
                         hint="use --datastore local, or install the plugin that provides it "
                              "(e.g. pip install 'flowkit[aws]' for s3)")
    return kind, factory(settings)
