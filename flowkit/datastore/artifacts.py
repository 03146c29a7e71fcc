"""Artifact values to payloads and back, without extra copies of large data.

Encodings (the first payload byte):

- ``b``: a ``bytes`` value, stored as is (no pickling, so a 1 GB value costs 1 GB of memory).
- ``p``: pickle protocol 5 through cloudpickle (classes and functions from the flow file load in
  any process). Large buffers (numpy arrays, bytearrays, pandas blocks) are taken out of band
  and written straight from the object's memory; on load they are read into fresh buffers that
  the unpickled object adopts. Layout: ``p`` + header (count, pickle length, buffer lengths) +
  pickle + buffers.

A task's artifacts are a mapping name -> ArtifactRef (sha, size, type, encoding); the task's
commit record holds that mapping, so cloning, merging and resuming copy refs, never bytes.
"""

from __future__ import annotations

import pickle
import struct
from typing import Any, Dict, List, Tuple

from ..exception import UnpicklableArtifactError
from .cas import ContentAddressedStore, payload_error

ArtifactRef = Dict[str, Any]  # {"sha": str, "size": int, "type": str, "enc": "b" | "p"}

_HEAD = struct.Struct("<IQ")
_LEN = struct.Struct("<Q")


def type_name(value: Any) -> str:
    t = type(value)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def encode(value: Any, name: str = "", step: str = "") -> Tuple[str, List[Any]]:
    """(encoding, buffers) of a value; raises UnpicklableArtifactError naming the artifact."""
    if type(value) is bytes:
        return "b", [b"b", value]
    import cloudpickle

    buffers: List[pickle.PickleBuffer] = []
    try:
        data = cloudpickle.dumps(value, protocol=5, buffer_callback=buffers.append)
        raws = [b.raw() for b in buffers]
    except BufferError:  # a non-contiguous buffer: keep it in band
        data, raws = cloudpickle.dumps(value, protocol=5), []
    except Exception as e:
        where = f" in step '{step}'" if step else ""
        raise UnpicklableArtifactError(
            f"artifact '{name}'{where} cannot be stored: {type(e).__name__}: {e}",
            hint=f"keep such objects out of self (use a local variable, or a name starting "
                 f"with '_' such as self._{name}), or store something picklable instead",
        ) from None
    head = _HEAD.pack(len(raws), len(data)) + b"".join(_LEN.pack(r.nbytes) for r in raws)
    return "p", [b"p", head, data, *raws]


def store(cas: ContentAddressedStore, value: Any, name: str = "", step: str = "") -> ArtifactRef:
    enc, buffers = encode(value, name, step)
    sha, size, _ = cas.put(buffers)
    return {"sha": sha, "size": size, "type": type_name(value), "enc": enc}


def _writable_buffer(n: int) -> Any:
    """Memory an unpickled object (a numpy array...) adopts. Large ones are anonymous mappings:
    the kernel hands out zero pages as they are first written, where bytearray(n) would first
    fill all n bytes with zeros — a whole extra pass over memory."""
    if n >= (1 << 20):
        import mmap

        return mmap.mmap(-1, n)
    return bytearray(n)


def load(cas: ContentAddressedStore, ref: ArtifactRef, what: str = "artifact") -> Any:
    sha = ref["sha"]
    with cas.open(sha, what) as r:
        tag = r.read(1)
        if tag == b"b":
            value = r.read_all_bytes()
            r.verify()
            return value
        if tag != b"p":
            r.verify()  # a wrong tag on a good hash means a format we do not know
            raise payload_error(what, sha, f"unknown encoding {tag!r}")
        head = r.read(_HEAD.size)
        if len(head) != _HEAD.size:
            r.verify()
            raise payload_error(what, sha, "truncated")
        count, plen = _HEAD.unpack(head)
        declared = ref.get("size")
        if declared is not None and (count * _LEN.size + plen > declared):
            r.verify()  # lengths that cannot fit: the bytes are damaged
            raise payload_error(what, sha, "damaged header")
        lens = []
        for _ in range(count):
            raw = r.read(_LEN.size)
            if len(raw) != _LEN.size:
                r.verify()
                raise payload_error(what, sha, "truncated")
            lens.append(_LEN.unpack(raw)[0])
        if declared is not None and 1 + _HEAD.size + count * _LEN.size + plen + sum(lens) \
                != declared:
            r.verify()
            raise payload_error(what, sha, "damaged header")
        data = r.read(plen)
        bufs = []
        for n in lens:
            buf = _writable_buffer(n)
            r.readinto(buf)
            bufs.append(buf)
        r.verify()
    try:  # pickle imports cloudpickle by itself if (and only if) the stream needs it
        return pickle.loads(data, buffers=bufs)
    except ImportError as e:
        from ..exception import DataError

        missing = getattr(e, "name", None) or str(e)
        raise DataError(
            f"{what} needs module '{missing}', which this Python cannot import",
            hint="run where the flow's own modules are importable (e.g. from the flow's "
                 "folder), or install the package that provides it") from None
    except Exception as e:
        raise payload_error(what, sha, f"{type(e).__name__}: {e}") from None
