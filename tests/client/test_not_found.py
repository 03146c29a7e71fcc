"""Unknown flows, runs, steps, tasks and artifacts raise MetaflowNotFound naming what is missing
(an unknown run's hint names the latest run)."""

import pytest

from .helpers import client, run_ok


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("nf") / "ds"
    root.mkdir()
    sysroot = str(root)
    return {"sysroot": sysroot, "runs": [run_ok(sysroot, "valid", "linear.py")
                                         for _ in range(2)]}


def test_unknown_objects_by_pathspec_raise_metaflow_not_found_naming_them(store):
    rid = store["runs"][-1]
    out = client(store["sysroot"], f'''
        rid = {rid!r}
        start = Run("LinearFlow/" + rid)["start"].task.pathspec
        emit({{
            "flow": attempt(lambda: Flow("NoSuchFlow")),
            "run": attempt(lambda: Run("LinearFlow/12345")),
            "run_index": attempt(lambda: Flow("LinearFlow")["12345"]),
            "step": attempt(lambda: Step("LinearFlow/" + rid + "/nosuchstep")),
            "step_index": attempt(lambda: Run("LinearFlow/" + rid)["nosuchstep"]),
            "task": attempt(lambda: Task("LinearFlow/" + rid + "/start/98765")),
            "artifact": attempt(lambda: DataArtifact(start + "/nosuchartifact")),
            "run_of_unknown_flow": attempt(lambda: Run("NoSuchFlow/1")),
        }})
    ''')
    names = {"flow": "NoSuchFlow", "run": "12345", "run_index": "12345",
             "step": "nosuchstep", "step_index": "nosuchstep", "task": "98765",
             "artifact": "nosuchartifact", "run_of_unknown_flow": "NoSuchFlow"}
    for what, name in names.items():
        res = out[what]
        assert "MetaflowNotFound" in [res.get("error")] + res.get("bases", []), (what, res)
        assert name in res["text"], (what, res)
    # obj[name] is also a KeyError, as in Metaflow (`except KeyError` keeps working)
    for what in ("run_index", "step_index"):
        assert "KeyError" in out[what]["bases"], out[what]


def test_unknown_run_hint_names_the_latest_run(store):
    out = client(store["sysroot"], '''
        emit(attempt(lambda: Run("LinearFlow/12345")))
    ''')
    assert out["error"] == "MetaflowNotFound"
    assert store["runs"][-1] in out["text"]


def test_unknown_step_hint_lists_the_runs_steps(store):
    rid = store["runs"][-1]
    out = client(store["sysroot"], f'''
        emit(attempt(lambda: Step("LinearFlow/{rid}/nosuchstep")))
    ''')
    for step in ("start", "add", "double", "end"):
        assert step in out["text"]


def test_missing_artifact_attribute_and_item_raise_the_python_errors_naming_it(store):
    rid = store["runs"][-1]
    out = client(store["sysroot"], f'''
        t = Run("LinearFlow/{rid}")["add"].task
        emit({{"attr": attempt(lambda: t.data.nosuchartifact),
               "hasattr": hasattr(t.data, "nosuchartifact"),
               "item": attempt(lambda: t["nosuchartifact"]),
               "artifacts_attr": attempt(lambda: t.artifacts.nosuchartifact)}})
    ''')
    assert out["attr"]["error"] == "AttributeError" and "nosuchartifact" in out["attr"]["text"]
    assert out["hasattr"] is False
    assert "KeyError" in [out["item"]["error"]] + out["item"].get("bases", [])
    assert "nosuchartifact" in out["item"]["text"]
    assert out["artifacts_attr"]["error"] == "AttributeError"


def test_malformed_pathspecs_are_refused(store):
    out = client(store["sysroot"], '''
        emit({"run": attempt(lambda: Run("LinearFlow")),
              "task": attempt(lambda: Task("LinearFlow/1/start"))})
    ''')
    for what, res in out.items():
        assert res.get("error") == "MetaflowNotFound", (what, res)
