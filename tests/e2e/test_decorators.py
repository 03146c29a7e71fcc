"""@catch, @timeout, @resources, @environment, @secrets and --with, run for real."""

import os

import pytest

from flowkit.testing import StoredRun, run_flow

from ..conftest import flow_path


def deco(name):
    return flow_path("decorators", name)


@pytest.mark.parametrize("launch", ["fork", "spawn"])
@pytest.mark.parametrize("mode", ["raise", "crash"])
def test_catch_keeps_going_after_the_last_retry_with_the_exception_stored(sysroot, mode, launch):
    result = run_flow(deco("catching.py"), ["run", "--mode", mode], sysroot,
                      env={"FLOWKIT_TASK_LAUNCH": launch})
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "CatchingFlow", result.run_id)
    task = run.task_ids("fragile")[0]
    attempts = run.meta.attempts("CatchingFlow", result.run_id, "fragile", task)
    final = run.task_record("fragile", task)
    assert final["status"] == "ok" and final["caught"] is True
    end = run.artifacts("end")
    if mode == "raise":
        assert attempts == [0, 1]          # the retry ran, then @catch recorded the failure
        assert end["saw"] == ("KeyError", "'no such row'", "set before the failure")
        assert final["exception"]["type"] == "KeyError"
    else:
        assert attempts == [0, 1, 2]       # two crashed attempts, then the fallback attempt
        assert end["saw"][0] == "TaskCrashed" and "exited with code 7" in end["saw"][1]


@pytest.mark.parametrize("mode", ["sleep", "busy"])
def test_timeout_stops_a_sleeping_or_spinning_step_and_names_the_limit(sysroot, mode):
    result = run_flow(deco("timing_out.py"), ["run", "--mode", mode], sysroot, timeout=60)
    assert result.returncode == 1
    assert "ran longer than 1 seconds (@timeout(seconds=1))" in result.stderr, result.stderr
    run = StoredRun(sysroot, "TimingOutFlow", result.run_id)
    rec = run.task_record("slow", run.task_ids("slow")[0])
    assert rec["exception"]["type"] == "flowkit.decorators.timeout.TimeoutException"
    assert rec["finished_at"] - rec["started_at"] < 10


def test_a_quick_step_under_its_timeout_succeeds(sysroot):
    result = run_flow(deco("timing_out.py"), ["run", "--mode", "quick"], sysroot)
    assert result.returncode == 0, result.output


def test_environment_and_secrets_reach_the_task_but_secrets_are_stored_nowhere(sysroot):
    result = run_flow(deco("env_and_secrets.py"), ["run"], sysroot)
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "EnvFlow", result.run_id)
    start = run.artifacts("start")
    assert (start["mode"], start["level"], start["password_length"]) == ("fast", "3", 12)
    assert run.artifacts("end")["leaked"] is None     # only the decorated step gets it
    for folder, _, files in os.walk(os.path.join(sysroot, ".flowkit")):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            assert b"s3cr3t-value" not in data, os.path.join(folder, name)
    assert "s3cr3t-value" not in result.output


def test_resources_never_run_two_tasks_that_each_need_every_cpu_at_once(sysroot):
    cpus = len(os.sched_getaffinity(0))
    result = run_flow(deco("hungry.py"), ["run"], sysroot, env={"HUNGRY_CPUS": str(cpus)})
    assert result.returncode == 0, result.output
    spans = StoredRun(sysroot, "HungryFlow", result.run_id).artifacts("join")["spans"]
    for (_, end), (begin, _) in zip(spans, spans[1:]):
        assert begin >= end, spans          # each task began after the previous one ended


def test_a_task_asking_for_more_than_the_machine_has_fails_at_once(sysroot):
    result = run_flow(deco("hungry.py"), ["run"], sysroot, env={"HUNGRY_CPUS": "4096"})
    assert result.returncode == 1
    assert "asks for 4096 CPUs (this machine has" in result.stderr, result.stderr
    run = StoredRun(sysroot, "HungryFlow", result.run_id)
    assert run.status == "failed"


def test_with_retry_attaches_retry_to_every_step(sysroot, tmp_path):
    flaky = tmp_path / "flaky_no_deco.py"
    flaky.write_text(open(flow_path("runtime", "flaky.py")).read()
                     .replace("    @retry(times=3, minutes_between_retries=0)\n", ""))
    without = run_flow(str(flaky), ["run"], sysroot)
    assert without.returncode == 1
    with_retry = run_flow(str(flaky), ["--with", "retry:times=2,minutes_between_retries=0",
                                       "run"], sysroot)
    assert with_retry.returncode == 0, with_retry.output
    run = StoredRun(sysroot, "FlakyFlow", with_retry.run_id)
    assert run.artifacts("flaky")["succeeded_on"] == 2


def test_a_decorator_in_the_code_wins_over_the_same_one_given_with_with(sysroot):
    # flaky.py has @retry(times=3) in the code; --with retry:times=0 must not override it
    result = run_flow(flow_path("runtime", "flaky.py"), ["--with", "retry:times=0", "run"],
                      sysroot)
    assert result.returncode == 0, result.output


def test_retry_asking_for_more_than_six_attempts_is_refused(sysroot, tmp_path):
    flow = tmp_path / "greedy.py"
    flow.write_text(open(flow_path("runtime", "flaky.py")).read()
                    .replace("@retry(times=3,", "@retry(times=9,"))
    result = run_flow(str(flow), ["check"], sysroot)
    assert result.returncode == 1
    assert "the limit is 6" in result.stderr and "Traceback" not in result.stderr
    assert "[bad-decorator]" in result.stderr and "greedy.py:10:" in result.stderr


@pytest.mark.parametrize("launch", ["fork", "spawn"])
def test_parallel_gang_members_know_the_control_task_and_their_index(sysroot, launch):
    result = run_flow(deco("gang.py"), ["run"], sysroot, env={"FLOWKIT_TASK_LAUNCH": launch})
    assert result.returncode == 0, result.output
    members = StoredRun(sysroot, "GangFlow", result.run_id).artifacts("join")["members"]
    assert [m[2] for m in members] == [0, 1, 2]
    control = members[0][4]                       # node 0's own task id
    assert all(m[3] == control for m in members)
    assert all(m[1] == 3 and m[0] == "127.0.0.1" for m in members)


def test_the_client_shows_the_exception_that_catch_handled(sysroot):
    import json
    import subprocess
    import sys

    from flowkit.testing import flow_env

    result = run_flow(deco("catching.py"), ["run"], sysroot)
    code = ("import json; from flowkit import Flow; "
            "t = Flow('CatchingFlow').latest_run['fragile'].task; "
            "print(json.dumps([t.successful, t.exception.type, t.exception.exception]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=flow_env(sysroot), cwd=sysroot)
    assert json.loads(out.stdout) == [True, "KeyError", "'no such row'"], out.stderr
