"""The content-addressed store: a blob's key is the SHA-1 of its payload, so equal values are kept once.

Layout: ``data/<first two hex digits>/<40 hex digits>`` holding a 4-byte header (``FK1`` and a
codec byte) and the payload, raw or zlib-compressed. The hash is over the *uncompressed*
payload, so the codec never changes a key, and every read recomputes it: a flipped byte is
caught, never returned.

Compression is chosen by measurement (benchmarks/README.md): zlib at level 1 costs far more
time than disk bandwidth for large blobs, so only payloads up to COMPRESS_MAX bytes whose first
64 KiB compress well are compressed. Large or incompressible payloads are stored raw.

SHA-1 is the fastest hash in this Python's hashlib on machines without SHA extensions (measured
here: sha1 ~1.6x md5, ~2.5x sha256); keys identify content, they do not authenticate it.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zlib
from typing import Any, BinaryIO, List, Optional, Sequence, Tuple, Union

from ..exception import CorruptArtifactError
from .backend import StorageBackend

Buffer = Union[bytes, bytearray, memoryview]

MAGIC = b"FK1"
RAW, ZLIB = 0, 1
COMPRESS_MAX = 16 << 20
SAMPLE = 64 << 10
CHUNK = 8 << 20
OVERLAP_MIN = 64 << 20
PIPELINE_MIN = 32 << 20


def blob_key(sha: str) -> str:
    return f"data/{sha[:2]}/{sha}"


def _chunked(buffers: Sequence[Buffer]) -> List[memoryview]:
    out = []
    for b in buffers:
        mv = memoryview(b).cast("B") if not isinstance(b, memoryview) else b.cast("B")
        for i in range(0, len(mv), CHUNK):
            out.append(mv[i:i + CHUNK])
    return out


def hash_buffers(buffers: Sequence[Buffer]) -> Tuple[str, int]:
    h = hashlib.sha1()
    size = 0
    for mv in _chunked(buffers):
        h.update(mv)
        size += len(mv)
    return h.hexdigest(), size


class ContentAddressedStore:
    def __init__(self, backend: StorageBackend) -> None:
        self.backend = backend

    def put(self, buffers: Sequence[Buffer]) -> Tuple[str, int, bool]:
        """Store the payload made of buffers; returns (sha, size, newly_written)."""
        total = sum(memoryview(b).nbytes for b in buffers)
        if total >= OVERLAP_MIN and hasattr(self.backend, "write_temp"):
            return self._put_overlapped(buffers)
        sha, size = hash_buffers(buffers)
        key = blob_key(sha)
        if self.backend.exists(key):
            return sha, size, False
        if size <= COMPRESS_MAX and _compresses_well(buffers):
            payload = b"".join(bytes(b) for b in buffers)
            chunks: List[Buffer] = [MAGIC + bytes([ZLIB]), zlib.compress(payload, 1)]
        else:
            chunks = [MAGIC + bytes([RAW])] + _chunked(buffers)
        written = self.backend.put(key, chunks, overwrite=False)
        return sha, size, written

    def _put_overlapped(self, buffers: Sequence[Buffer]) -> Tuple[str, int, bool]:
        """Large raw payloads: hash on a second thread while this one writes (both release
        the GIL on big chunks), then name the written file by the hash."""
        import threading

        result: List[Tuple[str, int]] = []
        hasher = threading.Thread(target=lambda: result.append(hash_buffers(buffers)))
        hasher.start()
        try:
            staged = self.backend.write_temp(  # type: ignore[attr-defined]
                "data", [MAGIC + bytes([RAW])] + _chunked(buffers))
        finally:
            hasher.join()
        if not result:  # the hashing thread failed: keep nothing
            staged.discard()
            raise RuntimeError("hashing the payload failed")
        sha, size = result[0]
        return sha, size, staged.commit(blob_key(sha))

    def exists(self, sha: str) -> bool:
        return self.backend.exists(blob_key(sha))

    def open(self, sha: str, what: str = "") -> "PayloadReader":
        """A reader of the payload that checks the hash when fully read (call verify())."""
        key = blob_key(sha)
        try:
            f = self.backend.open(key)
        except KeyError:
            raise CorruptArtifactError(
                f"{what or 'blob'} is missing from the datastore (blob {sha})",
                hint="the datastore was changed by hand or garbage-collected; rerun the step",
            ) from None
        header = f.read(4)
        if len(header) != 4 or header[:3] != MAGIC or header[3] not in (RAW, ZLIB):
            f.close()
            raise CorruptArtifactError(f"{what or 'blob'} has a damaged header (blob {sha})",
                                       hint="rerun the step that produced it")
        if header[3] == ZLIB:
            data = f.read()
            f.close()
            try:
                f = io.BytesIO(zlib.decompress(data))
            except zlib.error:
                raise CorruptArtifactError(f"{what or 'blob'} does not decompress (blob {sha})",
                                           hint="rerun the step that produced it") from None
        return PayloadReader(f, sha, what)

    def get(self, sha: str, what: str = "") -> bytes:
        with self.open(sha, what) as r:
            data = r.read()
            r.verify()
        return data

    def stored_size(self, sha: str) -> int:
        return self.backend.size(blob_key(sha))


def _compresses_well(buffers: Sequence[Buffer]) -> bool:
    sample = b"".join(bytes(memoryview(b).cast("B")[:SAMPLE]) for b in buffers[:4])[:SAMPLE]
    if len(sample) < 256:
        return False
    return len(zlib.compress(sample, 1)) < 0.8 * len(sample)


class PayloadReader:
    """Reads a payload while hashing it; verify() raises CorruptArtifactError on a mismatch."""

    def __init__(self, f: BinaryIO, sha: str, what: str) -> None:
        self._f = f
        self._sha = sha
        self._what = what
        self._h = hashlib.sha1()

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            data = self._f.read()
        else:  # raw files may return less than asked: loop until n bytes or end of file
            data = self._f.read(n)
            while data is not None and len(data) < n:
                more = self._f.read(n - len(data))
                if not more:
                    break
                data += more
        mv = memoryview(data)
        for i in range(0, len(mv), CHUNK):
            self._h.update(mv[i:i + CHUNK])
        return data

    def readinto(self, buf: Buffer) -> int:
        """Fill buf from the payload; large buffers are hashed on a second thread, one chunk
        behind the reads, so reading and hashing overlap."""
        mv = memoryview(buf).cast("B")
        return self._fill([mv[i:i + CHUNK] for i in range(0, len(mv), CHUNK)])

    def read_all_bytes(self) -> bytes:
        """The rest of the payload as one bytes object, read in place (no second copy)."""
        size = self._remaining()
        target = _new_bytes(size) if size is not None and size >= PIPELINE_MIN else None
        if target is None:
            return self.read()
        value, chunks = target
        if self._fill(chunks) != size:
            self.verify()  # short read: the hash check names the damage
        return value

    def _remaining(self) -> Optional[int]:
        remaining = getattr(self._f, "remaining", None)   # streams that know (S3 objects)
        if remaining is not None:
            return remaining()
        try:
            import os

            return os.fstat(self._f.fileno()).st_size - self._f.tell()
        except (AttributeError, OSError, io.UnsupportedOperation):
            return None

    def _fill(self, chunks: List[Any]) -> int:
        total = sum(memoryview(c).nbytes for c in chunks)
        if total < PIPELINE_MIN:
            got = 0
            for chunk in chunks:
                n = self._readinto_full(chunk)
                self._h.update(memoryview(chunk)[:n])
                got += n
                if n < memoryview(chunk).nbytes:
                    break
            return got
        import queue
        import threading

        todo: "queue.Queue[Any]" = queue.Queue(maxsize=4)

        def hash_chunks() -> None:
            while True:
                item = todo.get()
                if item is None:
                    return
                self._h.update(item)

        hasher = threading.Thread(target=hash_chunks, daemon=True)
        hasher.start()
        got = 0
        try:
            for chunk in chunks:
                n = self._readinto_full(chunk)
                todo.put(memoryview(chunk)[:n])
                got += n
                if n < memoryview(chunk).nbytes:
                    break
        finally:
            todo.put(None)
            hasher.join()
        return got

    def _readinto_full(self, chunk: Any) -> int:
        mv = memoryview(chunk).cast("B")
        got = 0
        while got < len(mv):
            n = self._f.readinto(mv[got:])
            if not n:
                break
            got += n
        return got

    def verify(self) -> None:
        rest = self._f.read()
        if rest:
            self._h.update(rest)
        if self._h.hexdigest() != self._sha:
            raise CorruptArtifactError(
                f"{self._what or 'blob'} failed its integrity check: the stored bytes do not "
                f"hash to {self._sha}",
                hint="the datastore file was damaged; rerun the step that produced it "
                     "(resume does this)",
            )

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> "PayloadReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def payload_error(what: str, sha: str, detail: Optional[str] = None) -> CorruptArtifactError:
    return CorruptArtifactError(
        f"{what} could not be decoded (blob {sha})" + (f": {detail}" if detail else ""),
        hint="rerun the step that produced it")


def _new_bytes(size: int) -> Optional[Tuple[bytes, List[Any]]]:
    """A fresh, not yet shared bytes object of `size` bytes and writable chunk views of it.

    A large `bytes` artifact must come back as `bytes`, and building one from a filled
    bytearray would hold two copies at once. CPython lets a just-created bytes object be filled
    before anyone else sees it (that is how bytes are built in C); ctypes gives us that here.
    Elsewhere (or if anything is unexpected) this returns None and the caller reads normally.
    """
    if sys.implementation.name != "cpython" or size < 2:
        return None
    try:
        import ctypes

        make = ctypes.pythonapi.PyBytes_FromStringAndSize
        make.restype = ctypes.py_object
        make.argtypes = [ctypes.c_char_p, ctypes.c_ssize_t]
        value = make(None, size)
        base = id(value) + bytes.__basicsize__ - 1   # where the bytes' data starts
        chunks = [(ctypes.c_char * min(CHUNK, size - off)).from_address(base + off)
                  for off in range(0, size, CHUNK)]
        return value, chunks
    except Exception:
        return None
