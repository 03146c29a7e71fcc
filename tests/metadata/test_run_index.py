"""The run index: concurrent-safe events, snapshots, and a rebuild that keeps tag changes."""

import os
import threading

from flowkit.datastore.local import LocalBackend
from flowkit.metadata import index as index_module
from flowkit.metadata.provider import MetadataStore


def store(tmp_path):
    return MetadataStore(LocalBackend(str(tmp_path)))


def new_run(meta, tags=()):
    return meta.new_run("F", {"user": "ann", "tags": list(tags), "system_tags": ["user:ann"]})


def test_runs_tags_and_status_fold_from_the_log(tmp_path):
    meta = store(tmp_path)
    a, b = new_run(meta, ["x"]), new_run(meta)
    meta.finish_run("F", a, "succeeded")
    meta.change_tags("F", a, ["x"], ["prod-ready"])
    runs = store(tmp_path).runs("F")           # a fresh reader sees it all
    assert runs[a].tags == ["prod-ready"] and runs[a].status == "succeeded"
    assert runs[b].status is None
    assert meta.run_ids("F") == sorted([a, b], reverse=True)


def test_concurrent_tag_changes_from_many_writers_are_all_kept(tmp_path):
    meta = store(tmp_path)
    run = new_run(meta)

    def tag(i):
        store(tmp_path).change_tags("F", run, [], [f"t{i}"])

    threads = [threading.Thread(target=tag, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(store(tmp_path).runs("F")[run].tags) == sorted(f"t{i}" for i in range(40))


def test_a_lost_index_is_rebuilt_with_every_tag_change(tmp_path):
    meta = store(tmp_path)
    run = new_run(meta, ["first"])
    meta.change_tags("F", run, ["first"], ["prod-ready"])
    meta.finish_run("F", run, "failed")
    os.unlink(os.path.join(str(tmp_path), "F", "index.log"))
    entry = store(tmp_path).runs("F")[run]
    assert entry.tags == ["prod-ready"] and entry.status == "failed"


def test_a_snapshot_saves_work_and_a_snapshot_of_another_log_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "SNAPSHOT_EVERY", 100)
    meta = store(tmp_path)
    ids = [new_run(meta) for _ in range(20)]
    assert len(store(tmp_path).runs("F")) == 20        # this reader saves a snapshot
    snap = os.path.join(str(tmp_path), "F", "index.log.snap")
    assert os.path.exists(snap)
    assert len(store(tmp_path).runs("F")) == 20        # and the next one starts from it
    log = os.path.join(str(tmp_path), "F", "index.log")
    os.unlink(log)                                     # a new log (rebuilt from records)
    meta2 = store(tmp_path)
    assert sorted(meta2.runs("F")) == sorted(ids)
