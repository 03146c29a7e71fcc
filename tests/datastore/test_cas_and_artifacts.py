"""The content-addressed store: equal values are kept once, every read is verified, and large
values go in and out without extra copies."""

import os
import random

import numpy as np
import pytest

from flowkit.datastore.artifacts import load, store
from flowkit.datastore.cas import ContentAddressedStore, blob_key
from flowkit.datastore.local import LocalBackend
from flowkit.datastore.memory import MemoryBackend
from flowkit.exception import CorruptArtifactError, UnpicklableArtifactError


@pytest.fixture(params=["memory", "local"])
def cas(request, tmp_path):
    backend = MemoryBackend() if request.param == "memory" else LocalBackend(str(tmp_path))
    return ContentAddressedStore(backend)


class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b


@pytest.mark.parametrize("value", [
    1, 2.5, "text", None, True, [1, "a", {"k": (1, 2)}], b"raw bytes", bytearray(b"mutable"),
    {"nested": {"deep": [1.5, None]}}, frozenset({1, 2}),
])
def test_values_round_trip_exactly(cas, value):
    ref = store(cas, value, "v")
    assert load(cas, ref) == value
    assert type(load(cas, ref)) is type(value)


def test_numpy_array_round_trips_and_keeps_dtype_and_shape(cas):
    arr = np.arange(12, dtype=np.int32).reshape(3, 4)
    back = load(cas, store(cas, arr, "arr"))
    assert back.dtype == np.int32 and back.shape == (3, 4) and (back == arr).all()
    assert back.flags.writeable   # the loaded array owns a writable buffer


def test_non_contiguous_array_still_round_trips(cas):
    arr = np.arange(100).reshape(10, 10)[:, ::3]
    assert (load(cas, store(cas, arr, "a")) == arr).all()


def test_objects_of_user_classes_round_trip(cas):
    back = load(cas, store(cas, Pair(1, [2]), "p"))
    assert (back.a, back.b) == (1, [2])


def test_equal_values_are_stored_once(cas):
    a = store(cas, random.Random(1).randbytes(1 << 20), "a")
    b = store(cas, random.Random(1).randbytes(1 << 20), "b")
    assert a["sha"] == b["sha"]
    assert len(list(cas.backend.list(f"data/{a['sha'][:2]}"))) == 1


def test_compressible_small_values_are_compressed_and_large_ones_are_not(tmp_path):
    cas = ContentAddressedStore(LocalBackend(str(tmp_path)))
    small = store(cas, b"a" * (1 << 20), "small")
    assert cas.stored_size(small["sha"]) < 20_000
    rand = store(cas, os.urandom(1 << 20), "rand")
    assert cas.stored_size(rand["sha"]) == (1 << 20) + 1 + 4   # tag byte + header, no zlib


def test_a_flipped_byte_is_caught_on_read_naming_the_artifact(tmp_path):
    backend = LocalBackend(str(tmp_path))
    cas = ContentAddressedStore(backend)
    ref = store(cas, os.urandom(100_000), "weights")
    path = backend.local_path(blob_key(ref["sha"]))
    with open(path, "r+b") as f:
        f.seek(50_000)
        byte = f.read(1)
        f.seek(50_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(CorruptArtifactError) as err:
        load(cas, ref, "artifact 'weights' of F/1/start/1")
    assert "artifact 'weights' of F/1/start/1" in str(err.value)


def test_a_truncated_blob_is_caught(tmp_path):
    backend = LocalBackend(str(tmp_path))
    cas = ContentAddressedStore(backend)
    ref = store(cas, np.ones(50_000), "arr")
    path = backend.local_path(blob_key(ref["sha"]))
    os.truncate(path, os.path.getsize(path) - 10)
    with pytest.raises(CorruptArtifactError):
        load(cas, ref, "arr")


def test_missing_blob_is_a_clear_error(cas):
    ref = store(cas, "x", "x")
    cas.backend.delete(blob_key(ref["sha"]))
    with pytest.raises(CorruptArtifactError, match="missing"):
        load(cas, ref, "artifact 'x'")


def test_unpicklable_value_names_the_artifact_and_step(cas):
    import threading

    with pytest.raises(UnpicklableArtifactError) as err:
        store(cas, threading.Lock(), "lock", "train")
    assert "artifact 'lock' in step 'train'" in str(err.value)


def test_large_values_written_while_hashing_round_trip_and_dedup(tmp_path):
    backend = LocalBackend(str(tmp_path))
    cas = ContentAddressedStore(backend)
    value = random.Random(3).randbytes(70 << 20)
    first = store(cas, value, "big")
    second = store(cas, bytes(bytearray(value)), "big2")
    assert first["sha"] == second["sha"]
    assert load(cas, first) == value
    leftovers = [n for n in backend.list("data") if n.startswith(".tmp")]
    assert leftovers == []
    arr = np.frombuffer(value, dtype=np.uint8).copy()
    assert (load(cas, store(cas, arr, "arr")) == arr).all()
