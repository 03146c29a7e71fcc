"""One contract, every storage backend: the same tests run against each implementation."""

import threading

import pytest

from flowkit.datastore.local import LocalBackend
from flowkit.datastore.memory import MemoryBackend


@pytest.fixture(params=["memory", "local", "s3"])
def backend(request, tmp_path):
    if request.param == "memory":
        return MemoryBackend()
    if request.param == "s3":
        from flowkit_aws.s3 import S3Backend

        url, env = request.getfixturevalue("s3_root")
        return S3Backend(url, env["FLOWKIT_S3_ENDPOINT_URL"])
    return LocalBackend(str(tmp_path / "root"))


def test_put_then_get_returns_the_concatenated_chunks(backend):
    backend.put("a/b/c", [b"hello ", memoryview(b"world"), bytearray(b"!")])
    assert backend.get("a/b/c") == b"hello world!"
    assert backend.size("a/b/c") == 12
    assert backend.exists("a/b/c") and not backend.exists("a/b/d")


def test_open_streams_a_large_object(backend):
    chunk = bytes(range(256)) * 4096
    backend.put("big", [chunk] * 8)
    with backend.open("big") as f:
        got = b"".join(iter(lambda: f.read(65536), b""))
    assert got == chunk * 8


def test_missing_key_raises_key_error(backend):
    with pytest.raises(KeyError):
        backend.open("nope")
    assert backend.get_or_none("nope") is None


def test_conditional_create_keeps_the_first_writer(backend):
    assert backend.put("once", [b"first"], overwrite=False) is True
    assert backend.put("once", [b"second"], overwrite=False) is False
    assert backend.get("once") == b"first"
    backend.put("once", [b"third"])
    assert backend.get("once") == b"third"


def test_concurrent_conditional_creates_have_exactly_one_winner(backend):
    wins = []

    def race(i):
        if backend.put("contended", [str(i).encode()], overwrite=False):
            wins.append(i)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    assert backend.get("contended") == str(wins[0]).encode()


def test_list_names_direct_children_only(backend):
    for key in ("p/x", "p/y/z", "p/y/w", "q/r"):
        backend.put(key, [b"."])
    assert sorted(backend.list("p")) == ["x", "y"]
    assert sorted(backend.list("p/y")) == ["w", "z"]
    assert list(backend.list("nothing")) == []


def test_a_failed_write_leaves_no_object(backend):
    def chunks():
        yield b"partial"
        raise RuntimeError("writer died")

    with pytest.raises(RuntimeError):
        backend.put("torn", chunks())
    assert not backend.exists("torn")
    assert "torn" not in list(backend.list(""))
    assert [n for n in backend.list("") if n.startswith(".tmp")] == []


def test_delete_removes_and_is_idempotent(backend):
    backend.put("gone", [b"x"])
    backend.delete("gone")
    backend.delete("gone")
    assert not backend.exists("gone")


def test_list_keys_walks_everything_under_a_prefix_in_order(backend):
    for key in ("e/2", "e/10", "e/sub/1", "other/x"):
        backend.put(key, [b"."])
    assert list(backend.list_keys("e")) == ["10", "2", "sub/1"]
    assert list(backend.list_keys("e", start_after="2")) == ["sub/1"]


def test_a_large_object_round_trips_in_parts(backend):
    import os

    data = os.urandom(40 << 20)   # above the S3 multipart threshold
    backend.put("big/blob", [memoryview(data)[:7], memoryview(data)[7:]])
    assert backend.size("big/blob") == len(data)
    with backend.open("big/blob") as f:
        got = bytearray()
        while True:
            chunk = f.read(5 << 20)
            if not chunk:
                break
            got += chunk
    assert bytes(got) == data
