"""The storage-backend interface: a flat key space of immutable-ish objects, with streaming.

Backends know nothing about hashing or artifacts (``cas.py`` owns that). Keys are
'/'-separated relative paths. Every write is atomic: a reader sees the whole object or nothing.
"""

from __future__ import annotations

from typing import BinaryIO, Iterable, Iterator, Optional, Union

Chunks = Iterable[Union[bytes, bytearray, memoryview]]


class StorageBackend:
    """Interface. ``put`` and ``open`` stream; ``get`` is for small objects."""

    #: a human-readable location, e.g. '/home/me/.flowkit' or 's3://bucket/prefix'
    root: str = ""

    def put(self, key: str, chunks: Chunks, overwrite: bool = True) -> bool:
        """Store the concatenated chunks under key atomically. With overwrite=False an existing
        object is kept and False is returned (a conditional create)."""
        raise NotImplementedError

    def put_bytes(self, key: str, data: bytes, overwrite: bool = True) -> bool:
        return self.put(key, [data], overwrite=overwrite)

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; raises KeyError if it does not exist."""
        raise NotImplementedError

    def get(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def get_or_none(self, key: str) -> Optional[bytes]:
        try:
            return self.get(key)
        except KeyError:
            return None

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def size(self, key: str) -> int:
        raise NotImplementedError

    def list(self, prefix: str) -> Iterator[str]:
        """Names directly under prefix (objects and 'folders', no trailing slash), unordered."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def list_keys(self, prefix: str, start_after: Optional[str] = None) -> Iterator[str]:
        """Every object under prefix (recursively), as paths relative to it, in sorted order,
        those after start_after only."""
        raise NotImplementedError

    def local_path(self, key: str) -> Optional[str]:
        """A filesystem path for key when the backend has one (lets readers mmap/readinto)."""
        return None

    def append_line(self, key: str, line: str) -> None:
        """Append one line to a log-like object (local backends; others may rewrite)."""
        data = self.get_or_none(key) or b""
        self.put(key, [data, line.encode("utf-8")])
