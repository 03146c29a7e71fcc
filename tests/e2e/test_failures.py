"""Failures are contained and reported: a crashing task fails alone, with a message saying how it
died; the run is marked failed and exits 1; interrupting or killing the runtime leaves no
half-committed attempt behind."""

import os
import signal
import subprocess
import sys
import time

import pytest

from flowkit.testing import StoredRun, flow_env, run_flow

from ..conftest import flow_path

CRASH = flow_path("runtime", "crash.py")


def crash(sysroot, mode):
    result = run_flow(CRASH, ["run", "--mode", mode], sysroot)
    run = StoredRun(sysroot, "CrashFlow", result.run_id)
    return result, run


def test_user_exception_fails_the_run_with_trimmed_user_traceback(sysroot):
    result, run = crash(sysroot, "raise")
    assert result.returncode == 1
    assert run.status == "failed"
    assert "ValueError: the work step broke on purpose" in result.stderr
    assert "in explode" in result.stderr and "crash.py" in result.stderr
    # flowkit's own frames are trimmed from what the user sees
    assert "flowkit/runtime" not in result.stderr
    rec = run.task_record("work", run.task_ids("work")[0])
    assert rec["status"] == "failed"
    assert rec["exception"]["type"] == "ValueError"
    assert "end" not in run.steps()
    assert f"logs {result.run_id}/STEP/TASK" in result.stderr


@pytest.mark.parametrize("mode, words", [
    ("segfault", "signal SIGSEGV"),
    ("exit", "exited with code 3"),
    ("sigkill", "signal SIGKILL"),
])
def test_a_task_that_dies_hard_fails_alone_with_a_message_saying_how(sysroot, mode, words):
    result, run = crash(sysroot, mode)
    assert result.returncode == 1
    assert words in result.stderr, result.stderr
    assert run.status == "failed"
    rec = run.task_record("work", run.task_ids("work")[0])
    assert rec["status"] == "failed" and words in rec["exception"]["message"]
    # the log of the crashed task was kept
    assert "working in" in run.log("work", run.task_ids("work")[0])
    # the task before it is untouched
    assert run.artifacts("start")["before"] == "kept"


def start_sleeping_run(sysroot, run_id_file):
    proc = subprocess.Popen(
        [sys.executable, CRASH, "run", "--mode", "sleep", "--run-id-file", run_id_file],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=flow_env(sysroot))
    seen = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        seen.append(line)
        if "ready" in line:
            return proc, seen
    proc.kill()
    raise AssertionError("the task never became ready:\n" + "".join(seen))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_the_run_kills_running_tasks_and_marks_them_failed(sysroot, sig):
    run_id_file = os.path.join(sysroot, "rid")
    proc, _ = start_sleeping_run(sysroot, run_id_file)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "interrupted" in out
    run = StoredRun(sysroot, "CrashFlow", open(run_id_file).read())
    assert run.status == "failed"
    rec = run.task_record("work", run.task_ids("work")[0])
    assert rec["status"] == "failed"


def test_sigkill_of_the_runtime_leaves_no_committed_half_attempt_and_later_runs_work(sysroot):
    run_id_file = os.path.join(sysroot, "rid")
    proc, _ = start_sleeping_run(sysroot, run_id_file)
    proc.kill()
    proc.wait(timeout=30)
    run = StoredRun(sysroot, "CrashFlow", open(run_id_file).read())
    work = run.task_ids("work")[0]
    # the task was running: it has a start record but no commit, so nothing reads as done
    assert run.task_record("work", work) == {}
    assert run.status is None
    # the worker died with the runtime (no orphan still sleeping)
    pid = int(next(line for line in run.log("work", work).splitlines()
                   if "working in" in line).split()[-1])
    deadline = time.time() + 10
    while time.time() < deadline and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid)
    again = run_flow(CRASH, ["run"], sysroot)
    assert again.returncode == 0, again.output
    assert StoredRun(sysroot, "CrashFlow", again.run_id).artifacts("work")["done"] is True


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_unpicklable_attribute_fails_the_task_naming_attribute_and_step(sysroot):
    result = run_flow(flow_path("runtime", "bad_artifact.py"), ["run"], sysroot)
    assert result.returncode == 1
    assert "artifact 'lock' in step 'start' cannot be stored" in result.stderr, result.stderr


def test_merge_artifacts_copies_agreed_values_and_names_conflicts(sysroot):
    ok = run_flow(flow_path("runtime", "merge.py"), ["run"], sysroot)
    assert ok.returncode == 0, ok.output
    run = StoredRun(sysroot, "MergeFlow", ok.run_id)
    end = run.artifacts("end")
    assert end["shared"] == [1, 2, 3] and end["only_a"] == "from a" and "mode" not in end
    # the merged artifact points at the same blob as the branch's: nothing was copied
    assert run.task_record("join", run.task_ids("join")[0])["artifacts"]["shared"]["sha"] == \
        run.task_record("a", run.task_ids("a")[0])["artifacts"]["shared"]["sha"]
    bad = run_flow(flow_path("runtime", "merge.py"), ["run", "--exclude", "[]"], sysroot)
    assert bad.returncode == 1
    assert "inputs disagree on 'mode'" in bad.stderr, bad.stderr
    assert "exclude=['mode']" in bad.stderr


def test_foreach_over_more_than_max_num_splits_fails_naming_count_and_option(sysroot):
    result = run_flow(flow_path("runtime", "fanout.py"),
                      ["run", "--n", "12", "--max-num-splits", "10"], sysroot)
    assert result.returncode == 1
    assert "has 12 items, more than --max-num-splits 10" in result.stderr, result.stderr
    assert "--max-num-splits 12" in result.stderr


def test_max_workers_bounds_concurrency_and_every_split_runs(sysroot):
    result = run_flow(flow_path("runtime", "fanout.py"),
                      ["run", "--n", "30", "--max-workers", "2"], sysroot)
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "FanoutFlow", result.run_id)
    assert run.artifacts("join")["values"] == [i * 10 for i in range(30)]
    assert len(run.artifacts("join")["pids"]) == 30   # each task its own process


def test_retry_reruns_a_flaky_step_in_a_fresh_process_and_keeps_every_attempt(sysroot):
    result = run_flow(flow_path("runtime", "flaky.py"), ["run"], sysroot)
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "FlakyFlow", result.run_id)
    task = run.task_ids("flaky")[0]
    assert run.artifacts("flaky")["succeeded_on"] == 2
    assert run.meta.attempts("FlakyFlow", result.run_id, "flaky", task) == [0, 1, 2]
    for attempt in range(3):
        assert f"attempt {attempt}" in run.log("flaky", task, attempt=attempt)
    assert "flaky failure on attempt 1" in run.log("flaky", task, "stderr", attempt=1)
    first = run.meta.done_record("FlakyFlow", result.run_id, "flaky", task, 0)
    assert first["status"] == "failed"


def test_two_runs_of_one_flow_at_the_same_time_do_not_interfere(sysroot):
    procs = []
    for n, rid in ((7, "a"), (9, "b")):
        procs.append((n, os.path.join(sysroot, rid), subprocess.Popen(
            [sys.executable, flow_path("runtime", "fanout.py"), "run", "--n", str(n),
             "--run-id-file", os.path.join(sysroot, rid)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=flow_env(sysroot))))
    run_ids = []
    for n, rid_file, proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out
        run_id = open(rid_file).read()
        run_ids.append(run_id)
        run = StoredRun(sysroot, "FanoutFlow", run_id)
        assert run.status == "succeeded"
        assert run.artifacts("join")["values"] == [i * 10 for i in range(n)]
    assert run_ids[0] != run_ids[1]


def test_a_step_cannot_reassign_a_class_constant(sysroot, tmp_path):
    flow = tmp_path / "constant.py"
    flow.write_text(
        "from flowkit import FlowSpec, step\n\n"
        "class ConstFlow(FlowSpec):\n"
        "    LR = 0.1\n\n"
        "    @step\n"
        "    def start(self):\n"
        "        self.LR = 0.2\n"
        "        self.next(self.end)\n\n"
        "    @step\n"
        "    def end(self):\n"
        "        pass\n\n"
        "if __name__ == '__main__':\n"
        "    ConstFlow()\n")
    result = run_flow(str(flow), ["run"], sysroot)
    assert result.returncode == 1
    assert "'LR' is a constant of flow ConstFlow" in result.stderr, result.stderr
