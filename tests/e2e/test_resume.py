"""resume: a failed run continues where it broke, reusing every successful task by reference."""

import os

import pytest

from flowkit.testing import StoredRun, run_flow

from ..conftest import flow_path

FLOW = flow_path("resume", "resumable.py")
EXPECTED = ([0, 1, 4, 9], "high", [10, 20, 30, 20, 40, 60])


def fail_then_resume(sysroot, where, *resume_args, params=()):
    failed = run_flow(FLOW, ["run", *params], sysroot, env={"FAIL": where})
    assert failed.returncode == 1, failed.output
    resumed = run_flow(FLOW, ["resume", *resume_args], sysroot)
    assert resumed.returncode == 0, resumed.output
    return (StoredRun(sysroot, "ResumableFlow", failed.run_id),
            StoredRun(sysroot, "ResumableFlow", resumed.run_id), resumed)


def successful(run, step):
    return sum(run.task_record(step, t).get("status") == "ok" for t in run.task_ids(step))


def cloned(run, step):
    """task id -> origin pathspec (None when the task ran again) for every task of step."""
    return {t: run.task_record(step, t).get("origin_pathspec") for t in run.task_ids(step)}


def test_resume_after_a_failed_foreach_split_reruns_only_that_split(sysroot):
    origin, new, _ = fail_then_resume(sysroot, "sq:2")
    assert new.artifacts("end")["summary"] == EXPECTED
    sq = cloned(new, "sq")
    reran = [t for t, o in sq.items() if o is None]
    assert len(sq) == 4 and len(reran) == 4 - successful(origin, "sq") >= 1
    assert 2 in [new.task_record("sq", t)["split_index"] for t in reran]
    for t, o in sq.items():
        if o:
            assert o.startswith(f"ResumableFlow/{origin.run_id}/sq/")
    assert all(o is None for o in cloned(new, "a_join").values())   # downstream reran
    assert all(o is not None for o in cloned(new, "b_hi").values())  # the other branch did not
    assert new.artifacts("end")["origin"] == origin.run_id


def test_cloned_artifacts_are_the_same_blobs_and_take_no_new_space(sysroot):
    origin, new, _ = fail_then_resume(sysroot, "end")
    data = os.path.join(sysroot, ".flowkit", "data")
    for t, o in cloned(new, "sq").items():
        o_task = o.rsplit("/", 1)[1]
        assert new.task_record("sq", t)["artifacts"] == \
            origin.task_record("sq", o_task)["artifacts"]
    before = sum(len(files) for _, _, files in os.walk(data))
    again = run_flow(FLOW, ["resume"], sysroot)   # resume the resumed run's successor chain
    assert again.returncode == 0, again.output
    after = sum(len(files) for _, _, files in os.walk(data))
    assert after - before <= 3   # only the small values the rerun end step stored


def test_resume_after_a_failure_in_a_nested_foreach(sysroot):
    origin, new, _ = fail_then_resume(sysroot, "inner:1:2")
    inner = cloned(new, "inner")
    # the failed split reruns, and any split the failure stopped before it started
    assert sum(o is None for o in inner.values()) == 6 - successful(origin, "inner") >= 1
    assert sum(o is not None for o in inner.values()) >= 3
    assert sum(o is None for o in cloned(new, "inner_join").values()) >= 1
    assert new.artifacts("end")["summary"] == EXPECTED


def test_resume_after_a_failure_behind_a_switch_in_a_branch(sysroot):
    origin, new, _ = fail_then_resume(sysroot, "b_hi")
    assert all(o is not None for o in cloned(new, "sq").values())
    assert all(o is None for o in cloned(new, "b_hi").values())
    assert new.artifacts("end")["summary"] == EXPECTED


def test_resume_from_a_named_step_reruns_it_and_everything_after(sysroot):
    ok = run_flow(FLOW, ["run"], sysroot)
    assert ok.returncode == 0
    resumed = run_flow(FLOW, ["resume", "outer", "--origin-run-id", ok.run_id], sysroot)
    assert resumed.returncode == 0, resumed.output
    new = StoredRun(sysroot, "ResumableFlow", resumed.run_id)
    assert all(o is not None for o in cloned(new, "join").values())
    for step in ("outer", "inner", "inner_join", "outer_join", "end"):
        assert all(o is None for o in cloned(new, step).values()), step


def test_resume_keeps_the_origin_parameters_and_refuses_new_ones(sysroot):
    origin, new, _ = fail_then_resume(sysroot, "end", params=["--scale", "3"])
    assert new.artifacts("end")["squares"] == [0, 3, 12, 27]
    bad = run_flow(FLOW, ["resume", "--scale", "5"], sysroot)
    assert bad.returncode == 2 and "takes its parameters from the run it resumes" in bad.stderr


def test_resume_refuses_a_run_of_another_flow_and_an_unknown_run(sysroot):
    other = run_flow(flow_path("valid", "linear.py"), ["run"], sysroot)
    bad = run_flow(FLOW, ["resume", "--origin-run-id", other.run_id], sysroot)
    assert bad.returncode == 2, bad.output
    assert f"run {other.run_id} is a run of flow LinearFlow" in bad.stderr
    missing = run_flow(FLOW, ["resume", "--origin-run-id", "123"], sysroot)
    assert missing.returncode == 1 and "has no run '123'" in missing.stderr
    assert "Traceback" not in bad.stderr + missing.stderr


@pytest.mark.parametrize("launch", ["spawn"])
def test_resume_works_with_spawned_tasks(sysroot, launch):
    failed = run_flow(FLOW, ["run"], sysroot, env={"FAIL": "sq:1", "FLOWKIT_TASK_LAUNCH": launch})
    assert failed.returncode == 1
    resumed = run_flow(FLOW, ["resume"], sysroot, env={"FLOWKIT_TASK_LAUNCH": launch})
    assert resumed.returncode == 0, resumed.output
    assert StoredRun(sysroot, "ResumableFlow", resumed.run_id).artifacts("end")["summary"] == \
        EXPECTED


def test_resuming_a_run_that_is_still_going_is_refused(sysroot):
    import subprocess
    import sys

    from flowkit.testing import flow_env

    crash = flow_path("runtime", "crash.py")
    id_file = os.path.join(sysroot, "rid")
    proc = subprocess.Popen([sys.executable, crash, "run", "--mode", "sleep", "--run-id-file",
                             id_file], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=flow_env(sysroot))
    try:
        for line in proc.stdout:
            if "ready" in line:
                break
        refused = run_flow(crash, ["resume", "--origin-run-id", open(id_file).read()], sysroot)
        assert refused.returncode == 2, refused.output
        assert "is still running" in refused.stderr
    finally:
        proc.kill()
        proc.wait()


def test_logs_of_each_attempt_are_kept_and_shown_by_attempt(sysroot):
    result = run_flow(flow_path("runtime", "flaky.py"), ["run"], sysroot)
    for attempt in (0, 1, 2):
        logs = run_flow(flow_path("runtime", "flaky.py"),
                        ["logs", f"{result.run_id}/flaky", "--attempt", str(attempt)], sysroot)
        assert logs.returncode == 0 and f"attempt {attempt}" in logs.stdout, logs.output


def test_the_exception_names_metaflow_users_catch_exist():
    from flowkit import exception

    for name in ("MetaflowException", "MetaflowNotFound", "MetaflowNamespaceMismatch",
                 "MissingInMergeArtifactsException", "UnhandledInMergeArtifactsException",
                 "ExternalCommandFailed"):
        assert issubclass(getattr(exception, name), exception.FlowkitException), name
