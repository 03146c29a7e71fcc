"""The local-filesystem backend: one file per key under a root folder.

Writes go to a unique temporary file in the destination folder and are renamed into place, so a
process killed mid-write leaves only a ``.tmp-*`` file that no reader looks at.
"""

from __future__ import annotations

import os
import uuid
from typing import BinaryIO, Iterator, Optional

from .backend import Chunks, StorageBackend


class LocalBackend(StorageBackend):
    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    def _path(self, key: str) -> str:
        return os.path.join(self.root, key)

    def put(self, key: str, chunks: Chunks, overwrite: bool = True) -> bool:
        path = self._path(key)
        if not overwrite and os.path.exists(path):
            return False
        folder = os.path.dirname(path)
        tmp = os.path.join(folder, f".tmp-{uuid.uuid4().hex}")
        try:
            f = open(tmp, "wb")
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
            f = open(tmp, "wb")
        try:
            with f:
                for chunk in chunks:
                    f.write(chunk)
            if overwrite:
                os.replace(tmp, path)
                return True
            try:  # a conditional create: link fails if the name exists
                os.link(tmp, path)
                return True
            except FileExistsError:
                return False
            finally:
                os.unlink(tmp)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def write_temp(self, key_prefix: str, chunks: Chunks) -> "StagedFile":
        """Write chunks to a temporary file under key_prefix; commit it under a key later.
        Lets the content store write a large blob while it is still computing its name."""
        folder = self._path(key_prefix)
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".tmp-{uuid.uuid4().hex}")
        try:
            with open(tmp, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
        except BaseException:
            _unlink(tmp)
            raise
        return StagedFile(self, tmp)

    def open(self, key: str) -> BinaryIO:
        # Unbuffered: a whole-object read lands in one buffer, with no second copy made by
        # a BufferedReader joining its read-ahead to the rest.
        try:
            return open(self._path(key), "rb", buffering=0)
        except (FileNotFoundError, NotADirectoryError):
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return os.path.exists(self._path(key))

    def size(self, key: str) -> int:
        try:
            return os.path.getsize(self._path(key))
        except OSError:
            raise KeyError(key) from None

    def list(self, prefix: str) -> Iterator[str]:
        try:
            names = os.listdir(self._path(prefix))
        except (FileNotFoundError, NotADirectoryError):
            return iter(())
        return (n for n in names if not n.startswith(".tmp-"))

    def delete(self, key: str) -> None:
        try:
            os.unlink(self._path(key))
        except FileNotFoundError:
            pass

    def list_keys(self, prefix: str, start_after: Optional[str] = None) -> Iterator[str]:
        base = self._path(prefix.rstrip("/"))
        names = []
        for folder, _, files in os.walk(base):
            for name in files:
                if not name.startswith(".tmp-"):
                    names.append(os.path.relpath(os.path.join(folder, name), base)
                                 .replace(os.sep, "/"))
        return iter(sorted(n for n in names if start_after is None or n > start_after))

    def local_path(self, key: str) -> Optional[str]:
        return self._path(key)

    def append_line(self, key: str, line: str) -> None:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class StagedFile:
    """A fully written temporary file waiting for its final name."""

    def __init__(self, backend: LocalBackend, path: str) -> None:
        self.backend, self.path = backend, path

    def commit(self, key: str) -> bool:
        """Give it its name unless an object already has it; False (and discarded) if so."""
        dest = self.backend._path(key)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        try:
            os.link(self.path, dest)
            return True
        except FileExistsError:
            return False
        finally:
            _unlink(self.path)

    def discard(self) -> None:
        _unlink(self.path)
