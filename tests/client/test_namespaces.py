"""Namespaces: the client sees only the current user's runs by default; another user's run is
hidden from listings, refused by pathspec with a message naming the namespace to switch to, and
visible with namespace(None) or that user's namespace."""

import pytest

from .helpers import client, run_ok


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """tester runs LinearFlow; then alice runs LinearFlow (newer) and BranchFlow (alice only)."""
    root = tmp_path_factory.mktemp("ns") / "ds"
    root.mkdir()
    sysroot = str(root)
    mine = run_ok(sysroot, "valid", "linear.py")
    alices = run_ok(sysroot, "valid", "linear.py", user="alice", args=["--tag", "shared"])
    branch = run_ok(sysroot, "valid", "branch.py", user="alice")
    return {"sysroot": sysroot, "mine": mine, "alice": alices, "branch": branch}


def test_default_namespace_hides_another_users_runs_from_listings(store):
    out = client(store["sysroot"], '''
        f = Flow("LinearFlow")
        emit({"ns": get_namespace(), "runs": [r.id for r in f], "latest": f.latest_run.id,
              "latest_ok": f.latest_successful_run.id,
              "flows": sorted(x.id for x in Metaflow().flows),
              "alice_only_latest": Flow("BranchFlow").latest_run,
              "alice_only_runs": list(Flow("BranchFlow").runs())})
    ''')
    assert out["ns"] == "user:tester"
    assert out["runs"] == [store["mine"]]
    assert out["latest"] == store["mine"] and out["latest_ok"] == store["mine"]
    assert out["flows"] == ["LinearFlow"]
    assert out["alice_only_latest"] is None and out["alice_only_runs"] == []


def test_reaching_another_users_run_by_pathspec_names_the_namespace_to_switch_to(store):
    rid = store["alice"]
    out = client(store["sysroot"], f'''
        p = "LinearFlow/{rid}"
        emit({{
            "run": attempt(lambda: Run(p).id),
            "index": attempt(lambda: Flow("LinearFlow")["{rid}"].id),
            "step": attempt(lambda: Step(p + "/start").id),
        }})
    ''')
    for what, res in out.items():
        assert res.get("error") == "MetaflowNamespaceMismatch", (what, res)
        assert "user:alice" in res["text"], (what, res)


def test_task_and_artifact_of_another_users_run_are_refused_by_pathspec(store):
    rid = store["alice"]
    out = client(store["sysroot"], f'''
        namespace(None)
        task = Run("LinearFlow/{rid}")["add"].task.pathspec
        default_namespace()
        emit({{"task": attempt(lambda: Task(task).id),
               "artifact": attempt(lambda: DataArtifact(task + "/value").data)}})
    ''')
    for what, res in out.items():
        assert res.get("error") == "MetaflowNamespaceMismatch", (what, res)
        assert "user:alice" in res["text"], (what, res)


def test_global_namespace_sees_every_users_runs(store):
    rid = store["alice"]
    out = client(store["sysroot"], f'''
        namespace(None)
        f = Flow("LinearFlow")
        emit({{"ns": get_namespace(), "runs": [r.id for r in f], "latest": f.latest_run.id,
               "value": Run("LinearFlow/{rid}").data.value,
               "task_value": Run("LinearFlow/{rid}")["add"].task.data.value,
               "flows": sorted(x.id for x in Metaflow().flows),
               "back": default_namespace(), "after": [r.id for r in Flow("LinearFlow")]}})
    ''')
    assert out["ns"] is None
    assert out["runs"] == [store["alice"], store["mine"]]
    assert out["latest"] == store["alice"]
    assert out["value"] == 6 and out["task_value"] == 3
    assert out["flows"] == ["BranchFlow", "LinearFlow"]
    assert out["back"] == "user:tester" and out["after"] == [store["mine"]]


def test_switching_to_another_users_namespace_shows_only_their_runs(store):
    out = client(store["sysroot"], '''
        namespace("user:alice")
        emit({"runs": [r.id for r in Flow("LinearFlow")],
              "flows": sorted(x.id for x in Metaflow().flows)})
    ''')
    assert out["runs"] == [store["alice"]]
    assert out["flows"] == ["BranchFlow", "LinearFlow"]


def test_a_user_tag_works_as_a_namespace(store):
    out = client(store["sysroot"], '''
        namespace("shared")
        emit([r.id for r in Flow("LinearFlow")])
    ''')
    assert out == [store["alice"]]


def test_second_user_client_defaults_to_their_own_namespace(store):
    mine = store["mine"]
    out = client(store["sysroot"], f'''
        emit({{"ns": get_namespace(), "runs": [r.id for r in Flow("LinearFlow")],
               "other": attempt(lambda: Run("LinearFlow/{mine}").id)}})
    ''', user="alice")
    assert out["ns"] == "user:alice"
    assert out["runs"] == [store["alice"]]
    assert out["other"].get("error") == "MetaflowNamespaceMismatch"
    assert "user:tester" in out["other"]["text"]


def test_namespace_rejects_an_empty_name(store):
    out = client(store["sysroot"], '''
        emit(attempt(lambda: namespace("")))
    ''')
    assert "UsageError" in out.get("bases", []), out
