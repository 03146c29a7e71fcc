"""An in-memory backend: for tests and for the contract suite every backend must pass."""

from __future__ import annotations

import io
import threading
from typing import BinaryIO, Dict, Iterator, Optional

from .backend import Chunks, StorageBackend


class MemoryBackend(StorageBackend):
    def __init__(self) -> None:
        self.root = "memory://"
        self._objects: Dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, chunks: Chunks, overwrite: bool = True) -> bool:
        data = b"".join(bytes(c) for c in chunks)
        with self._lock:
            if not overwrite and key in self._objects:
                return False
            self._objects[key] = data
        return True

    def open(self, key: str) -> BinaryIO:
        try:
            return io.BytesIO(self._objects[key])
        except KeyError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return key in self._objects

    def size(self, key: str) -> int:
        try:
            return len(self._objects[key])
        except KeyError:
            raise KeyError(key) from None

    def list(self, prefix: str) -> Iterator[str]:
        prefix = prefix.rstrip("/") + "/" if prefix else ""
        names = set()
        for key in list(self._objects):
            if key.startswith(prefix):
                names.add(key[len(prefix):].split("/", 1)[0])
        return iter(names)

    def list_keys(self, prefix: str, start_after: Optional[str] = None) -> Iterator[str]:
        base = prefix.rstrip("/") + "/"
        names = sorted(k[len(base):] for k in list(self._objects) if k.startswith(base))
        return iter([n for n in names if start_after is None or n > start_after])

    def delete(self, key: str) -> None:
        with self._lock:
            self._objects.pop(key, None)
