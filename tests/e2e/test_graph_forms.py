"""Every graph form runs end to end as `python flow.py run`, checked through the stored records."""

import os

import pytest

from flowkit.testing import StoredRun, run_flow

from ..conftest import flow_path

LAUNCHES = ["fork", "spawn"]


def run_ok(name, sysroot, *args, launch="fork", flow_dir="valid"):
    env = {"FLOWKIT_TASK_LAUNCH": launch}
    result = run_flow(flow_path(flow_dir, name), ["run", *args], sysroot, env=env)
    assert result.returncode == 0, result.output
    assert result.run_id
    return result


@pytest.mark.parametrize("launch", LAUNCHES)
def test_linear_flow_passes_artifacts_down_the_chain(sysroot, launch):
    res = run_ok("linear.py", sysroot, launch=launch)
    run = StoredRun(sysroot, "LinearFlow", res.run_id)
    assert run.status == "succeeded"
    assert run.artifacts("end")["value"] == 6
    assert run.artifacts("add")["value"] == 3
    assert "value: 6" in res.stdout


@pytest.mark.parametrize("launch", LAUNCHES)
def test_static_branch_join_reads_each_branch_by_name(sysroot, launch):
    res = run_ok("branch.py", sysroot, launch=launch)
    run = StoredRun(sysroot, "BranchFlow", res.run_id)
    assert run.artifacts("a")["x"] == 11 and run.artifacts("b")["x"] == 12
    assert run.artifacts("join")["total"] == 23
    assert run.artifacts("end")["total"] == 23


@pytest.mark.parametrize("launch", LAUNCHES)
def test_foreach_runs_one_task_per_item_and_join_sees_them_in_order(sysroot, launch):
    res = run_ok("foreach.py", sysroot, launch=launch)
    run = StoredRun(sysroot, "ForeachFlow", res.run_id)
    assert len(run.task_ids("square")) == 4
    assert sorted(a["result"] for a in run.all_artifacts("square")) == [1, 4, 9, 16]
    assert run.artifacts("join")["results"] == [1, 4, 9, 16]


def test_nested_foreach_gives_each_task_its_foreach_stack(sysroot):
    res = run_ok("nested_foreach.py", sysroot)
    run = StoredRun(sysroot, "NestedForeachFlow", res.run_id)
    inner = run.all_artifacts("inner")
    assert sorted(a["label"] for a in inner) == ["a1", "a2", "a3", "b1", "b2", "b3"]
    assert sorted(tuple(a["position"]) for a in inner)[0] == ((0, 2), (0, 3))
    assert run.artifacts("end")["all_labels"] == ["a1", "a2", "a3", "b1", "b2", "b3"]


def test_branch_inside_foreach_joins_per_item(sysroot):
    res = run_ok("branch_in_foreach.py", sysroot)
    run = StoredRun(sysroot, "BranchInForeachFlow", res.run_id)
    assert run.artifacts("end")["totals"] == [3, 8, 15]
    assert len(run.task_ids("branch_join")) == 3


@pytest.mark.parametrize("launch", LAUNCHES)
def test_switch_takes_exactly_the_chosen_branch(sysroot, launch):
    res = run_ok("switch.py", sysroot, launch=launch)
    run = StoredRun(sysroot, "SwitchFlow", res.run_id)
    assert "a" in run.steps() and "b" not in run.steps()
    assert run.artifacts("end")["message"] == "score 7 is high"


def test_switch_loops_on_its_step_until_the_condition_changes(sysroot):
    res = run_ok("switch_loop.py", sysroot)
    run = StoredRun(sysroot, "SwitchLoopFlow", res.run_id)
    assert len(run.task_ids("loop")) == 3
    assert sorted(a["count"] for a in run.all_artifacts("loop")) == [1, 2, 3]
    assert run.artifacts("end")["final"] == 3


@pytest.mark.parametrize("launch", LAUNCHES)
def test_parallel_gang_runs_n_tasks_with_current_parallel(sysroot, launch):
    res = run_ok("parallel.py", sysroot, launch=launch)
    run = StoredRun(sysroot, "ParallelFlow", res.run_id)
    trains = run.all_artifacts("train")
    assert sorted(a["node_index"] for a in trains) == [0, 1, 2]
    assert {a["num_nodes"] for a in trains} == {3}
    assert run.artifacts("end")["nodes"] == [0, 1, 2]


def test_hello_world_tutorial_runs(sysroot):
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(here, "tutorials", "00-helloworld", "helloworld.py")
    result = run_flow(path, ["run", "--name", "Ada"], sysroot)
    assert result.returncode == 0, result.output
    run = StoredRun(sysroot, "HelloFlow", result.run_id)
    assert run.artifacts("end")["greeting"] == "Hello, Ada!"
    assert "Hello, Ada! Goodbye." in result.stdout
