"""Runs that failed or are still going, as the client sees them from another process: the
failed task's exception and logs, latest_successful_run skipping a failed newer run, and a run
in progress showing the tasks done so far."""

import os
import signal
import subprocess
import sys
import time

import pytest

from flowkit.testing import flow_env

from ..conftest import flow_path
from .helpers import LiveClient, client, run_failing, run_ok

CRASH = flow_path("runtime", "crash.py")


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    """A successful CrashFlow run, then a newer one whose `work` step raises ValueError."""
    root = tmp_path_factory.mktemp("crash") / "ds"
    root.mkdir()
    sysroot = str(root)
    ok = run_ok(sysroot, "runtime", "crash.py", args=["--mode", "ok"])
    bad = run_failing(sysroot, "runtime", "crash.py", args=["--mode", "raise"])
    return {"sysroot": sysroot, "ok": ok, "bad": bad}


def test_failed_task_reports_its_exception_type_message_and_traceback(crashed):
    out = client(crashed["sysroot"], f'''
        t = Run("CrashFlow/{crashed["bad"]}")["work"].task
        e = t.exception
        emit({{"type": e.type, "message": e.exception, "stack": e.stacktrace, "str": str(e),
               "successful": t.successful, "finished": t.finished,
               "finished_at": ts(t.finished_at)}})
    ''')
    assert out["type"] == "ValueError"
    assert out["message"] == "the work step broke on purpose"
    assert "in explode" in out["stack"] and "crash.py" in out["stack"]
    assert "ValueError" in out["str"] and "broke on purpose" in out["str"]
    assert out["successful"] is False and out["finished"] is True
    assert out["finished_at"] is not None


def test_failed_task_keeps_its_stdout_and_stderr(crashed):
    out = client(crashed["sysroot"], f'''
        t = Run("CrashFlow/{crashed["bad"]}")["work"].task
        emit({{"stdout": t.stdout, "stderr": t.stderr,
               "attempt_ok": t.metadata_dict.get("attempt_ok")}})
    ''')
    assert "working in" in out["stdout"]
    assert "ValueError: the work step broke on purpose" in out["stderr"]
    assert str(out["attempt_ok"]) == "False"


def test_failed_run_is_finished_not_successful_and_has_no_end(crashed):
    out = client(crashed["sysroot"], f'''
        r = Run("CrashFlow/{crashed["bad"]}")
        emit({{"successful": r.successful, "finished": r.finished,
               "finished_at": ts(r.finished_at), "steps": [s.id for s in r],
               "end_task": r.end_task, "data": r.data,
               "start_ok": r["start"].task.successful,
               "start_exc": r["start"].task.exception,
               "kept": r["start"].task.data.before}})
    ''')
    assert out["successful"] is False and out["finished"] is True
    assert out["finished_at"] is not None
    assert out["steps"] == ["work", "start"]
    assert out["end_task"] is None and out["data"] is None
    assert out["start_ok"] is True and out["start_exc"] is None and out["kept"] == "kept"


def test_latest_successful_run_skips_a_newer_failed_run(crashed):
    out = client(crashed["sysroot"], '''
        f = Flow("CrashFlow")
        emit({"latest": f.latest_run.id, "latest_ok": f.latest_successful_run.id,
              "ok_done": f.latest_successful_run.data.done})
    ''')
    assert out["latest"] == crashed["bad"]
    assert out["latest_ok"] == crashed["ok"]
    assert out["ok_done"] is True


@pytest.fixture
def sleeping_run(sysroot):
    """A CrashFlow run whose `work` task is asleep (it has printed "ready")."""
    run_id_file = os.path.join(sysroot, "sleeping-run-id")
    proc = subprocess.Popen(
        [sys.executable, CRASH, "run", "--mode", "sleep", "--run-id-file", run_id_file],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=flow_env(sysroot),
        cwd=os.path.dirname(CRASH), start_new_session=True)
    try:
        seen = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "ready" in line:
                break
        assert seen and "ready" in seen[-1], "the task never became ready:\n" + "".join(seen)
        with open(run_id_file) as f:  # written before the first task starts
            yield f.read().strip(), proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        proc.stdout.close()


def test_a_run_still_going_is_unfinished_and_shows_the_tasks_done_so_far(sysroot, sleeping_run):
    out = client(sysroot, '''
        f = Flow("CrashFlow")
        r = f.latest_run
        work = r["work"].task
        start = r["start"].task
        emit({"id": r.id, "finished": r.finished, "successful": r.successful,
              "finished_at": r.finished_at, "steps": [s.id for s in r],
              "end_in_run": "end" in r, "end_task": r.end_task,
              "start": [start.successful, start.finished, start.data.before],
              "work": [work.successful, work.finished, work.finished_at, work.exception],
              "work_stdout": work.stdout,
              "latest_ok": f.latest_successful_run})
    ''')
    assert out["id"] == sleeping_run[0]
    assert out["finished"] is False and out["successful"] is False
    assert out["finished_at"] is None
    assert out["steps"] == ["work", "start"]
    assert out["end_in_run"] is False and out["end_task"] is None
    assert out["start"] == [True, True, "kept"]
    assert out["work"] == [False, False, None, None]
    assert "ready" in out["work_stdout"]
    assert out["latest_ok"] is None


def test_client_objects_made_while_a_run_goes_see_it_end_as_failed(sysroot, sleeping_run):
    run_id, proc = sleeping_run
    live = LiveClient(sysroot, f'''
        run = Run("CrashFlow/{run_id}")
        work = run["work"].task
        listed = Flow("CrashFlow").latest_run
    ''', '{"run": [run.finished, run.successful, run.finished_at is not None], '
         '"listed": [listed.finished, listed.successful], '
         '"work": [work.finished, work.successful, work.exception is not None]}')
    try:
        assert live.poll() == {"run": [False, False, False], "listed": [False, False],
                               "work": [False, False, False]}
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        assert live.poll() == {"run": [True, False, True], "listed": [True, False],
                               "work": [True, False, True]}
    finally:
        live.close()
