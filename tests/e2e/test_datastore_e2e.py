"""What a run stores: values kept once across tasks, runs and flows; damage detected on read;
objects of flow-defined classes readable anywhere; the code package of each run."""

import io
import os
import shutil
import tarfile

from flowkit.datastore.artifacts import load
from flowkit.datastore.cas import blob_key
from flowkit.testing import StoredRun, run_flow

from ..conftest import flow_path


def blob_bytes(sysroot):
    total = 0
    for folder, _, files in os.walk(os.path.join(sysroot, ".flowkit", "data")):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


def test_same_large_value_in_two_tasks_of_two_flows_takes_its_size_once(sysroot, tmp_path):
    first = run_flow(flow_path("runtime", "shared_value.py"), ["run"], sysroot)
    assert first.returncode == 0, first.output
    after_one = blob_bytes(sysroot)
    assert (8 << 20) <= after_one < (8 << 20) + 200_000   # two tasks, one copy
    other = tmp_path / "other_flow.py"
    source = open(flow_path("runtime", "shared_value.py")).read()
    other.write_text(source.replace("SharedValueFlow", "OtherValueFlow"))
    second = run_flow(str(other), ["run"], sysroot)
    assert second.returncode == 0, second.output
    assert blob_bytes(sysroot) - after_one < 200_000       # a second flow adds no copy
    a = StoredRun(sysroot, "SharedValueFlow", first.run_id)
    b = StoredRun(sysroot, "OtherValueFlow", second.run_id)
    sha = a.task_record("start", a.task_ids("start")[0])["artifacts"]["big"]["sha"]
    assert sha == b.task_record("again", b.task_ids("again")[0])["artifacts"]["copy"]["sha"]


def test_corrupt_blob_makes_dump_fail_naming_the_artifact(sysroot):
    result = run_flow(flow_path("valid", "linear.py"), ["run"], sysroot)
    run = StoredRun(sysroot, "LinearFlow", result.run_id)
    ref = run.task_record("add", run.task_ids("add")[0])["artifacts"]["value"]
    path = os.path.join(sysroot, ".flowkit", blob_key(ref["sha"]))
    data = bytearray(open(path, "rb").read())
    data[-1] ^= 0x01
    open(path, "wb").write(bytes(data))
    dump = run_flow(flow_path("valid", "linear.py"), ["dump", f"{result.run_id}/add"], sysroot)
    assert dump.returncode == 1
    assert "artifact 'value' of LinearFlow/" in dump.stderr, dump.stderr
    assert "Traceback" not in dump.stderr


def test_objects_of_flow_classes_load_in_a_process_that_never_imported_the_flow(sysroot):
    result = run_flow(flow_path("runtime", "objects.py"), ["run"], sysroot)
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "ObjectsFlow", result.run_id)
    start = run.artifacts("start")
    assert start["point"].norm2() == 25
    assert type(start["point"]).__name__ == "Point"
    assert start["array"].shape == (1_000_000,)
    assert "_private" not in start
    assert run.artifacts("end")["total"] == float(sum(range(1_000_000)))


def test_forked_tasks_do_not_repeat_each_others_numpy_random_numbers(sysroot):
    draws = set()
    for _ in range(2):
        result = run_flow(flow_path("runtime", "objects.py"), ["run"], sysroot)
        draws.add(StoredRun(sysroot, "ObjectsFlow", result.run_id).artifacts("start")["rng_draw"])
    assert len(draws) == 2


def test_each_run_stores_its_code_package(sysroot):
    result = run_flow(flow_path("valid", "branch.py"), ["run"], sysroot)
    run = StoredRun(sysroot, "BranchFlow", result.run_id)
    sha = run.record["code_sha"]
    tar_bytes = load(run.cas, {"sha": sha, "enc": "b"}, "code package")
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        names = tar.getnames()
        assert "branch.py" in names
        text = tar.extractfile("branch.py").read().decode()
    assert text == open(flow_path("valid", "branch.py")).read()
    again = run_flow(flow_path("valid", "branch.py"), ["run"], sysroot)
    assert StoredRun(sysroot, "BranchFlow", again.run_id).record["code_sha"] == sha


def test_logs_and_dump_commands_show_what_a_task_printed_and_stored(sysroot):
    result = run_flow(flow_path("valid", "foreach.py"), ["run"], sysroot)
    logs = run_flow(flow_path("valid", "foreach.py"), ["logs", f"{result.run_id}/end"], sysroot)
    assert logs.returncode == 0 and "results: [1, 4, 9, 16]" in logs.stdout
    dump = run_flow(flow_path("valid", "foreach.py"),
                    ["dump", f"{result.run_id}/join", "--include", "results"], sysroot)
    assert dump.returncode == 0 and "results = [1, 4, 9, 16]" in dump.stdout
    assert "items" not in dump.stdout
    out = os.path.join(sysroot, "dump.pkl")
    run_flow(flow_path("valid", "foreach.py"), ["dump", f"{result.run_id}/square", "--file", out],
             sysroot)
    import pickle

    data = pickle.load(open(out, "rb"))
    assert len(data) == 4
    assert sorted(v["result"] for v in data.values()) == [1, 4, 9, 16]


def test_an_artifact_changed_in_place_is_stored_anew_and_one_only_read_is_not(sysroot, tmp_path):
    flow = tmp_path / "inplace.py"
    flow.write_text(
        "from flowkit import FlowSpec, step\n\n"
        "class InPlaceFlow(FlowSpec):\n"
        "    @step\n"
        "    def start(self):\n"
        "        self.kept = [1, 2, 3]\n"
        "        self.changed = [1, 2, 3]\n"
        "        self.next(self.middle)\n\n"
        "    @step\n"
        "    def middle(self):\n"
        "        self.total = sum(self.kept)\n"
        "        self.changed.append(4)\n"
        "        self.next(self.end)\n\n"
        "    @step\n"
        "    def end(self):\n"
        "        pass\n\n"
        "if __name__ == '__main__':\n"
        "    InPlaceFlow()\n")
    result = run_flow(str(flow), ["run"], sysroot)
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "InPlaceFlow", result.run_id)
    start = run.task_record("start", run.task_ids("start")[0])["artifacts"]
    middle = run.task_record("middle", run.task_ids("middle")[0])["artifacts"]
    assert middle["kept"] == start["kept"]
    assert middle["changed"]["sha"] != start["changed"]["sha"]
    assert run.artifacts("end")["changed"] == [1, 2, 3, 4]
