"""Every graph form, run for real, then read back through the client API from another process:
every property of the run, its steps and its tasks, and the links between tasks."""

from .helpers import client, run_ok

DUMP = r'''
run = Run(PATHSPEC)
flow = Flow(PATHSPEC.split("/")[0])
out = {
    "repr": repr(run), "pathspec": run.pathspec, "id": run.id,
    "parent": run.parent.pathspec, "successful": run.successful, "finished": run.finished,
    "created_at": ts(run.created_at), "finished_at": ts(run.finished_at),
    "steps": [s.id for s in run],
    "end_task": run.end_task.pathspec,
    "run_data": {name: getattr(run.data, name) for name in dir(run.data)},
    "latest_run": flow.latest_run.pathspec,
    "in_flow": [r.pathspec for r in flow],
    "tasks": {},
}
for step in run:
    assert step.parent == run, (step, step.parent)
    assert Step(step.pathspec) == step == run[step.id] == flow[run.id][step.id]
    out["tasks"][step.id] = []
    task_ids = [t.id for t in step.tasks()]
    assert sorted(task_ids) == sorted(t.id for t in step), "tasks() and iteration disagree"
    assert step.task is not None and step.task.id in task_ids
    for task in step:
        assert Task(task.pathspec) == task == step[task.id] == flow[run.id][step.id][task.id]
        assert task.parent == step
        names = sorted(a.id for a in task.artifacts)
        assert names == sorted(a.id for a in task)
        data = {}
        for name in names:
            if name.startswith("_"):
                continue
            value = getattr(task.data, name)
            assert task[name].data == value, name
            assert getattr(task.artifacts, name).data == value, name
            data[name] = value
        out["tasks"][step.id].append({
            "pathspec": task.pathspec, "id": task.id, "index": task.index,
            "successful": task.successful, "finished": task.finished,
            "created_at": ts(task.created_at), "finished_at": ts(task.finished_at),
            "exception": None if task.exception is None else str(task.exception),
            "parents": paths(task.parent_tasks), "children": paths(task.child_tasks),
            "artifacts": names, "data": data,
            "stdout": task.stdout, "stderr": task.stderr,
        })
emit(out)
'''


def inspect(sysroot, flow, run_id):
    return client(sysroot, f"PATHSPEC = {flow + '/' + run_id!r}\n" + DUMP)


def check_common(d, flow, run_id, steps):
    """What holds for every successful run of every graph form."""
    pathspec = f"{flow}/{run_id}"
    assert d["repr"] == f"Run('{pathspec}')"
    assert d["pathspec"] == pathspec and d["id"] == run_id and d["parent"] == flow
    assert d["successful"] is True and d["finished"] is True
    assert d["created_at"] is not None and d["finished_at"] is not None
    assert d["finished_at"] >= d["created_at"]
    assert d["latest_run"] == pathspec and d["in_flow"] == [pathspec]
    # steps: exactly those that ran, newest first
    assert sorted(d["steps"]) == sorted(steps)
    assert d["steps"][0] == "end" and d["steps"][-1] == "start"
    tasks = {t["pathspec"]: t for ts_ in d["tasks"].values() for t in ts_}
    for t in tasks.values():
        assert t["successful"] is True and t["finished"] is True, t
        assert t["exception"] is None
        assert t["finished_at"] >= t["created_at"] >= d["created_at"] - 1
        # parent/child links are the two directions of the same edge
        for p in t["parents"]:
            assert t["pathspec"] in tasks[p]["children"], (t["pathspec"], p)
        for c in t["children"]:
            assert t["pathspec"] in tasks[c]["parents"], (t["pathspec"], c)
    (start,) = d["tasks"]["start"]
    (end,) = d["tasks"]["end"]
    assert start["parents"] == [] and end["children"] == []
    assert d["end_task"] == end["pathspec"]
    # Run.data is the end task's data
    assert {k: v for k, v in d["run_data"].items() if not k.startswith("_")} == end["data"]
    return tasks


def step_of(pathspec):
    return pathspec.split("/")[2]


def test_linear_run_properties_read_from_another_process(sysroot):
    run_id = run_ok(sysroot, "valid", "linear.py")
    d = inspect(sysroot, "LinearFlow", run_id)
    check_common(d, "LinearFlow", run_id, ["start", "add", "double", "end"])
    assert d["steps"] == ["end", "double", "add", "start"]
    chain = [d["tasks"][s][0] for s in ["start", "add", "double", "end"]]
    for before, after in zip(chain, chain[1:]):
        assert after["parents"] == [before["pathspec"]]
        assert before["children"] == [after["pathspec"]]
    assert [t["data"]["value"] for t in chain] == [1, 3, 6, 6]
    assert all(t["index"] is None for t in chain)
    assert "value: 6" in chain[-1]["stdout"] and chain[-1]["stderr"] == ""
    assert d["run_data"]["value"] == 6


def test_static_branch_properties_read_from_another_process(sysroot):
    run_id = run_ok(sysroot, "valid", "branch.py")
    d = inspect(sysroot, "BranchFlow", run_id)
    check_common(d, "BranchFlow", run_id, ["start", "a", "b", "join", "end"])
    (start,), (a,), (b,), (join,) = (d["tasks"][s] for s in ["start", "a", "b", "join"])
    assert sorted(start["children"]) == sorted([a["pathspec"], b["pathspec"]])
    assert sorted(join["parents"]) == sorted([a["pathspec"], b["pathspec"]])
    assert a["data"]["x"] == 11 and b["data"]["x"] == 12
    assert join["data"]["total"] == 23 and d["run_data"]["total"] == 23
    assert all(t["index"] is None for t in (start, a, b, join))


def test_foreach_tasks_carry_their_index_and_link_to_the_join(sysroot):
    run_id = run_ok(sysroot, "valid", "foreach.py")
    d = inspect(sysroot, "ForeachFlow", run_id)
    check_common(d, "ForeachFlow", run_id, ["start", "square", "join", "end"])
    squares = d["tasks"]["square"]
    (start,), (join,) = d["tasks"]["start"], d["tasks"]["join"]
    assert sorted(t["index"] for t in squares) == [0, 1, 2, 3]
    for t in squares:
        assert t["data"]["result"] == (t["index"] + 1) ** 2
        assert t["parents"] == [start["pathspec"]]
        assert t["children"] == [join["pathspec"]]
    assert sorted(start["children"]) == sorted(t["pathspec"] for t in squares)
    assert sorted(join["parents"]) == sorted(t["pathspec"] for t in squares)
    assert start["index"] is None and join["index"] is None
    assert d["run_data"]["results"] == [1, 4, 9, 16]


def test_nested_foreach_tasks_know_their_innermost_index_and_outer_parent(sysroot):
    run_id = run_ok(sysroot, "valid", "nested_foreach.py")
    d = inspect(sysroot, "NestedForeachFlow", run_id)
    tasks = check_common(d, "NestedForeachFlow", run_id,
                         ["start", "outer", "inner", "inner_join", "outer_join", "end"])
    outers = d["tasks"]["outer"]
    assert sorted(t["index"] for t in outers) == [0, 1]
    inners = d["tasks"]["inner"]
    assert len(inners) == 6
    for t in inners:
        (parent,) = t["parents"]
        outer = tasks[parent]
        assert step_of(parent) == "outer"
        # the label is letter[outer index] + number[inner index]
        assert t["data"]["label"] == "ab"[outer["index"]] + str(t["index"] + 1)
    for oj in d["tasks"]["inner_join"]:
        assert len(oj["parents"]) == 3
        assert len({tasks[p]["parents"][0] for p in oj["parents"]}) == 1
    (outer_join,) = d["tasks"]["outer_join"]
    assert sorted(outer_join["parents"]) == sorted(t["pathspec"] for t in d["tasks"]["inner_join"])
    assert outer_join["index"] is None and d["tasks"]["start"][0]["index"] is None
    assert d["run_data"]["all_labels"] == ["a1", "a2", "a3", "b1", "b2", "b3"]


def test_inner_join_of_nested_foreach_reports_the_outer_index(sysroot):
    """A join that closes the inner foreach is still inside the outer one: its index is the outer
    task's index (as in Metaflow)."""
    run_id = run_ok(sysroot, "valid", "nested_foreach.py")
    d = inspect(sysroot, "NestedForeachFlow", run_id)
    tasks = {t["pathspec"]: t for ts_ in d["tasks"].values() for t in ts_}
    for ij in d["tasks"]["inner_join"]:
        outer = tasks[tasks[ij["parents"][0]]["parents"][0]]
        assert ij["index"] == outer["index"], (ij, outer)


def test_branch_inside_foreach_keeps_the_foreach_index_through_the_branch(sysroot):
    run_id = run_ok(sysroot, "valid", "branch_in_foreach.py")
    d = inspect(sysroot, "BranchInForeachFlow", run_id)
    tasks = check_common(d, "BranchInForeachFlow", run_id,
                         ["start", "body", "double", "square", "branch_join", "foreach_join",
                          "end"])
    assert sorted(t["index"] for t in d["tasks"]["body"]) == [0, 1, 2]
    for arm in ("double", "square"):
        for t in d["tasks"][arm]:
            (body,) = t["parents"]
            assert tasks[body]["index"] == t["index"]
    assert len(d["tasks"]["branch_join"]) == 3
    for bj in d["tasks"]["branch_join"]:
        assert sorted(step_of(p) for p in bj["parents"]) == ["double", "square"]
        assert len({tasks[p]["index"] for p in bj["parents"]}) == 1
        item = bj["data"]["item"]
        assert bj["data"]["total"] == item * 2 + item * item
    for bj in d["tasks"]["branch_join"]:
        assert bj["index"] == tasks[bj["parents"][0]]["index"]
    (fj,) = d["tasks"]["foreach_join"]
    assert fj["index"] is None
    assert sorted(fj["parents"]) == sorted(t["pathspec"] for t in d["tasks"]["branch_join"])
    assert d["run_data"]["totals"] == [3, 8, 15]


def test_switch_run_shows_only_the_branch_taken(sysroot):
    run_id = run_ok(sysroot, "valid", "switch.py")
    d = inspect(sysroot, "SwitchFlow", run_id)
    check_common(d, "SwitchFlow", run_id, ["start", "a", "report", "end"])
    (start,), (a,), (report,) = d["tasks"]["start"], d["tasks"]["a"], d["tasks"]["report"]
    assert start["children"] == [a["pathspec"]]
    assert report["parents"] == [a["pathspec"]]
    assert "score 7 is high" in report["stdout"]
    assert d["run_data"]["message"] == "score 7 is high"


def test_switch_loop_tasks_chain_one_iteration_to_the_next(sysroot):
    run_id = run_ok(sysroot, "valid", "switch_loop.py")
    d = inspect(sysroot, "SwitchLoopFlow", run_id)
    tasks = check_common(d, "SwitchLoopFlow", run_id, ["start", "loop", "finish", "end"])
    loops = sorted(d["tasks"]["loop"], key=lambda t: t["data"]["count"])
    assert [t["data"]["count"] for t in loops] == [1, 2, 3]
    (start,), (finish,) = d["tasks"]["start"], d["tasks"]["finish"]
    chain = [start] + loops + [finish]
    for before, after in zip(chain, chain[1:]):
        assert before["children"] == [after["pathspec"]], before
        assert after["parents"] == [before["pathspec"]], after
    assert "iteration 1" in loops[0]["stdout"] and "iteration 3" in loops[2]["stdout"]
    assert len(tasks) == 6


def test_parallel_gang_tasks_are_indexed_by_node(sysroot):
    run_id = run_ok(sysroot, "valid", "parallel.py")
    d = inspect(sysroot, "ParallelFlow", run_id)
    check_common(d, "ParallelFlow", run_id, ["start", "train", "join", "end"])
    trains = d["tasks"]["train"]
    assert sorted(t["index"] for t in trains) == [0, 1, 2]
    for t in trains:
        assert t["data"]["node_index"] == t["index"] and t["data"]["num_nodes"] == 3
        assert f"worker {t['index']} of 3" in t["stdout"]
    (join,) = d["tasks"]["join"]
    assert sorted(join["parents"]) == sorted(t["pathspec"] for t in trains)
    assert d["run_data"]["nodes"] == [0, 1, 2]
