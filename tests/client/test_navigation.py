"""Reaching objects by pathspec, by indexing and by iteration; identity (==, hash, repr); the
code package, task metadata and system tags; all read from a process that never ran the flow."""

import platform

import pytest

import flowkit

from ..conftest import flow_path
from .helpers import client, run_ok


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Three LinearFlow runs and one ForeachFlow run by user tester, one datastore."""
    root = tmp_path_factory.mktemp("nav") / "ds"
    root.mkdir()
    sysroot = str(root)
    linear = [run_ok(sysroot, "valid", "linear.py") for _ in range(3)]
    foreach = run_ok(sysroot, "valid", "foreach.py", args=["--tag", "nav-tag"])
    return {"sysroot": sysroot, "linear": linear, "foreach": foreach}


def test_flow_iterates_its_runs_newest_first(store):
    out = client(store["sysroot"], '''
        f = Flow("LinearFlow")
        emit({"iter": [r.id for r in f], "runs": [r.id for r in f.runs()],
              "latest": f.latest_run.id, "latest_ok": f.latest_successful_run.id,
              "created": [ts(r.created_at) for r in f]})
    ''')
    newest_first = list(reversed(store["linear"]))
    assert out["iter"] == newest_first
    assert out["runs"] == newest_first
    assert out["latest"] == newest_first[0] and out["latest_ok"] == newest_first[0]
    assert out["created"] == sorted(out["created"], reverse=True)


def test_pathspec_indexing_and_iteration_reach_the_same_objects(store):
    rid = store["foreach"]
    out = client(store["sysroot"], f'''
        rid = {rid!r}
        run = Run("ForeachFlow/" + rid)
        step = Flow("ForeachFlow")[rid]["square"]
        ids = sorted(t.id for t in step.tasks())
        task = Task("ForeachFlow/%s/square/%s" % (rid, ids[2]))
        emit({{
            "step_type": type(step).__name__, "step_path": step.pathspec, "step_id": step.id,
            "step_eq": step == Step("ForeachFlow/%s/square" % rid) == run["square"],
            "task_eq": task == step[ids[2]] == Flow("ForeachFlow")[rid]["square"][ids[2]],
            "task_in_iter": task in list(step),
            "task_id": task.id, "task_path": task.pathspec,
            "result_attr": task.data.result, "result_item": task["result"].data,
            "result_artifact": DataArtifact(task.pathspec + "/result").data,
            "artifact_path": task["result"].pathspec,
            "artifact_parent": task["result"].parent.pathspec,
            "has_result": "result" in task, "has_nope": "nope" in task,
            "index": task.index,
            "parents": [task.parent.pathspec, task.parent.parent.pathspec,
                        task.parent.parent.parent.pathspec],
            "flow_parent": Flow("ForeachFlow").parent,
            "n_tasks": len(ids), "steps_in_run": ["square" in run, "nope" in run],
            "run_in_flow": [rid in Flow("ForeachFlow"), "1" in Flow("ForeachFlow")],
        }})
    ''')
    assert out["step_type"] == "Step" and out["step_id"] == "square"
    assert out["step_path"] == f"ForeachFlow/{rid}/square"
    assert out["step_eq"] is True and out["task_eq"] is True and out["task_in_iter"] is True
    assert out["task_path"] == f"ForeachFlow/{rid}/square/{out['task_id']}"
    assert out["result_attr"] == out["result_item"] == out["result_artifact"] \
        == (out["index"] + 1) ** 2
    assert out["artifact_path"] == out["task_path"] + "/result"
    assert out["artifact_parent"] == out["task_path"]
    assert out["has_result"] is True and out["has_nope"] is False
    assert out["parents"] == [f"ForeachFlow/{rid}/square", f"ForeachFlow/{rid}", "ForeachFlow"]
    assert out["flow_parent"] is None
    assert out["n_tasks"] == 4
    assert out["steps_in_run"] == [True, False]
    assert out["run_in_flow"] == [True, False]


def test_objects_compare_hash_and_repr_by_pathspec(store):
    rid, other = store["linear"][0], store["linear"][1]
    out = client(store["sysroot"], f'''
        rid, other = {rid!r}, {other!r}
        a = Run("LinearFlow/" + rid)
        b = Flow("LinearFlow")[rid]
        c = [r for r in Flow("LinearFlow") if r.id == rid][0]
        t = a["add"].task
        t2 = Task(t.pathspec)
        emit({{
            "eq": a == b == c, "hash": len({{hash(a), hash(b), hash(c)}}),
            "set": len({{a, b, c}}), "dict": {{a: 1}}.get(b),
            "ne_other": a != Run("LinearFlow/" + other),
            "ne_types": a != Flow("LinearFlow") and a["add"] != t and t != a,
            "task_eq": t == t2 and hash(t) == hash(t2),
            "reprs": [repr(Flow("LinearFlow")), repr(a), repr(a["add"]), repr(t),
                      repr(t["value"])],
            "str": str(a),
            "task_id": t.id,
        }})
    ''')
    assert out["eq"] is True and out["hash"] == 1 and out["set"] == 1 and out["dict"] == 1
    assert out["ne_other"] is True and out["ne_types"] is True and out["task_eq"] is True
    tid = out["task_id"]
    assert out["reprs"] == [
        "Flow('LinearFlow')",
        f"Run('LinearFlow/{rid}')",
        f"Step('LinearFlow/{rid}/add')",
        f"Task('LinearFlow/{rid}/add/{tid}')",
        f"DataArtifact('LinearFlow/{rid}/add/{tid}/value')",
    ]
    assert out["str"] == f"Run('LinearFlow/{rid}')"


def test_run_code_holds_the_exact_flow_file(store):
    rid = store["linear"][-1]
    out = client(store["sysroot"], f'''
        code = Run("LinearFlow/{rid}").code
        emit({{"flowspec": code.flowspec, "files": code.tarball.getnames()}})
    ''')
    with open(flow_path("valid", "linear.py"), encoding="utf-8") as f:
        assert out["flowspec"] == f.read()
    assert any(name.endswith("linear.py") for name in out["files"])


def test_task_metadata_records_the_attempt_and_its_outcome(store):
    rid = store["linear"][-1]
    out = client(store["sysroot"], f'''
        t = Run("LinearFlow/{rid}")["add"].task
        emit({{"names": [m.name for m in t.metadata], "dict": t.metadata_dict,
               "runtime": t.runtime_name,
               "same": all(t.metadata_dict[m.name] == m.value for m in t.metadata)}})
    ''')
    md = out["dict"]
    assert str(md["attempt"]) == "0"
    assert str(md["attempt_ok"]) == "True"
    assert "attempt" in out["names"] and out["same"] is True
    assert out["runtime"] == "dev"


def test_system_tags_name_user_runtime_and_versions(store):
    rid = store["foreach"]
    out = client(store["sysroot"], f'''
        r = Run("ForeachFlow/{rid}")
        t = r["square"].task
        emit({{"system": sorted(r.system_tags), "user": sorted(r.user_tags),
               "tags": sorted(r.tags), "step_tags": sorted(r["square"].tags),
               "task_tags": sorted(t.tags)}})
    ''')
    system = set(out["system"])
    assert "user:tester" in system and "runtime:dev" in system
    assert f"python_version:{platform.python_version()}" in system
    assert f"flowkit_version:{flowkit.__version__}" in system
    assert out["user"] == ["nav-tag"]
    assert set(out["tags"]) == system | {"nav-tag"}
    assert out["step_tags"] == out["tags"] and out["task_tags"] == out["tags"]


def test_metaflow_lists_every_flow_with_runs(store):
    out = client(store["sysroot"], '''
        emit({"flows": sorted(f.id for f in Metaflow().flows),
              "types": sorted({type(f).__name__ for f in Metaflow().flows})})
    ''')
    assert out["flows"] == ["ForeachFlow", "LinearFlow"]
    assert out["types"] == ["Flow"]
