"""Parameters, class constants, tags and IncludeFile, end to end: values given on the command line
(or through FLOWKIT_RUN_<NAME>) arrive in the stored artifacts with the right Python type, and bad
values are refused with exit 2 before any run is created (SPEC sections 1, 3 and 11).
"""

import os

import pytest

from flowkit.testing import StoredRun, run_flow

from ..conftest import flow_path

PARAMS = flow_path("valid", "parameters.py")
INCLUDE = flow_path("runtime", "include.py")
PARAM_ASSIGN = flow_path("runtime", "param_assign.py")


def run_params(sysroot, *args, env=None):
    return run_flow(PARAMS, ["run", *args], sysroot, env=env)


def stored(sysroot, result, flow="ParametersFlow"):
    """The run a successful `run` created."""
    assert result.returncode == 0, result.output
    assert result.run_id
    return StoredRun(sysroot, flow, result.run_id)


def start_artifacts(sysroot, result, flow="ParametersFlow"):
    return stored(sysroot, result, flow).artifacts("start")


def run_ids(sysroot, flow):
    """Every run of flow recorded under sysroot/.flowkit ([] when there is no datastore yet)."""
    if not os.path.isdir(os.path.join(sysroot, ".flowkit")):
        return []
    return StoredRun(sysroot, flow, "-").meta.run_ids(flow)


def assert_refused(result, sysroot, *words, flow="ParametersFlow"):
    """Exit 2, a message naming every word, no traceback, and no run recorded."""
    assert result.returncode == 2, result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.output, result.output
    assert run_ids(sysroot, flow) == []


# -- values and their types -----------------------------------------------------------------------

def test_every_parameter_type_given_on_the_cli_arrives_with_its_python_type(sysroot):
    res = run_params(sysroot, "--dataset", "mnist", "--greeting", "hi", "--epochs", "7",
                     "--ratio", "0.25", "--verbose", "true",
                     "--config", '{"layers": 5, "sizes": [1, 2], "act": null}')
    art = start_artifacts(sysroot, res)
    expected = {"dataset": "mnist", "greeting": "hi", "epochs": 7, "ratio": 0.25,
                "verbose": True, "config": {"layers": 5, "sizes": [1, 2], "act": None}}
    for name, value in expected.items():
        assert art[name] == value, name
        assert type(art[name]) is type(value), (name, type(art[name]))
    assert art["steps"] == 17 and art["layers"] == 5  # the step computed with the typed values


def test_defaults_apply_when_only_the_required_parameter_is_given(sysroot):
    art = start_artifacts(sysroot, run_params(sysroot, "--dataset", "mnist"))
    assert art["greeting"] == "hello"
    assert art["epochs"] == 3 and type(art["epochs"]) is int
    assert art["ratio"] == 0.5 and type(art["ratio"]) is float
    assert art["verbose"] is False
    assert art["config"] == {"layers": 2, "act": "relu"}  # the JSON default string, parsed
    assert art["steps"] == 15


@pytest.mark.parametrize("text, value", [("true", True), ("True", True), ("false", False),
                                         ("1", True), ("0", False)])
def test_bool_parameter_reads_true_and_false_words(sysroot, text, value):
    art = start_artifacts(sysroot, run_params(sysroot, "--dataset", "d", "--verbose", text))
    assert art["verbose"] is value


def test_class_constant_is_an_artifact_of_every_task(sysroot):
    res = run_params(sysroot, "--dataset", "d")
    run = stored(sysroot, res)
    assert run.artifacts("start")["LR"] == 0.1
    assert run.artifacts("end")["LR"] == 0.1
    assert "lr: 0.1" in res.stdout


def test_parameter_values_reach_every_later_task(sysroot):
    res = run_params(sysroot, "--dataset", "cifar", "--epochs", "9")
    run = stored(sysroot, res)
    end = run.artifacts("end")
    assert end["dataset"] == "cifar" and end["epochs"] == 9


# -- refused values -------------------------------------------------------------------------------

def test_missing_required_parameter_exits_2_naming_it_and_creates_no_run(sysroot):
    res = run_params(sysroot)
    assert_refused(res, sysroot, "--dataset")


@pytest.mark.parametrize("option, value, words", [
    ("--epochs", "notanint", ["epochs", "int", "notanint"]),
    ("--ratio", "half", ["ratio", "float", "half"]),
    ("--verbose", "maybe", ["verbose", "bool", "maybe"]),
], ids=["int", "float", "bool"])
def test_wrong_type_exits_2_naming_the_parameter_and_its_type(sysroot, option, value, words):
    res = run_params(sysroot, "--dataset", "d", option, value)
    assert_refused(res, sysroot, *words)


def test_bad_json_exits_2_naming_the_parameter(sysroot):
    res = run_params(sysroot, "--dataset", "d", "--config", "{layers: 2")
    assert_refused(res, sysroot, "config", "JSON")


def test_unknown_parameter_exits_2_naming_it(sysroot):
    res = run_params(sysroot, "--dataset", "d", "--learning-rate", "0.1")
    assert_refused(res, sysroot, "--learning-rate")


# -- FLOWKIT_RUN_<NAME> ---------------------------------------------------------------------------

def test_env_var_supplies_a_parameter_value(sysroot):
    res = run_params(sysroot, env={"FLOWKIT_RUN_DATASET": "x"})
    assert start_artifacts(sysroot, res)["dataset"] == "x"


def test_env_var_value_is_converted_to_the_parameter_type(sysroot):
    res = run_params(sysroot, "--dataset", "d", env={"FLOWKIT_RUN_EPOCHS": "11"})
    art = start_artifacts(sysroot, res)
    assert art["epochs"] == 11 and type(art["epochs"]) is int


def test_command_line_wins_over_the_env_var(sysroot):
    res = run_params(sysroot, "--dataset", "from-cli", env={"FLOWKIT_RUN_DATASET": "from-env"})
    assert start_artifacts(sysroot, res)["dataset"] == "from-cli"


# -- tags -----------------------------------------------------------------------------------------

def test_unicode_tags_are_recorded_in_the_run_record(sysroot):
    res = run_params(sysroot, "--dataset", "d", "--tag", "模型-✓", "--tag", "plain")
    assert res.returncode == 0, res.output
    tags = StoredRun(sysroot, "ParametersFlow", res.run_id).record["tags"]
    assert sorted(tags) == sorted(["模型-✓", "plain"])


@pytest.mark.parametrize("tag", ["", "   "], ids=["empty", "blank"])
def test_empty_tag_exits_2(sysroot, tag):
    res = run_params(sysroot, "--dataset", "d", "--tag", tag)
    assert_refused(res, sysroot, "tag")


# -- parameters are read-only ---------------------------------------------------------------------

@pytest.mark.parametrize("launch", ["fork", "spawn"])
def test_assigning_a_parameter_in_a_step_fails_the_run_saying_it_is_read_only(sysroot, launch):
    res = run_flow(PARAM_ASSIGN, ["run"], sysroot, env={"FLOWKIT_TASK_LAUNCH": launch})
    assert res.returncode == 1, res.output
    assert "alpha" in res.output
    assert "read-only" in res.output
    assert "internal error" not in res.output
    run = StoredRun(sysroot, "ParamAssignFlow", res.run_id)
    assert run.status == "failed"
    assert "end" not in run.steps()


# -- IncludeFile ----------------------------------------------------------------------------------

NOTES = "first line\nzweite Zeile ✓\nthird\n"


def test_include_file_content_is_the_stored_artifact(sysroot, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    res = run_flow(INCLUDE, ["run", "--notes", str(notes)], sysroot)
    run = stored(sysroot, res, "IncludeFlow")
    start = run.artifacts("start")
    assert start["notes"] == NOTES
    assert start["lines"] == 3
    assert start["blob"] is None
    assert run.artifacts("end")["notes"] == NOTES
    # Stored once: every task refers to the same blob.
    refs = [run.task_record(step, run.task_ids(step)[0])["artifacts"]["notes"]["sha"]
            for step in ("start", "end")]
    assert refs[0] == refs[1]


def test_include_file_read_after_launch_is_not_reread(sysroot, tmp_path):
    # The file is read at launch: changing it afterwards does not matter (the value is stored).
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    res = run_flow(INCLUDE, ["run", "--notes", str(notes)], sysroot)
    notes.write_text("one\ntwo\nthree\n", encoding="utf-8")
    run = stored(sysroot, res, "IncludeFlow")
    assert run.artifacts("end")["notes"] == "one\n"


def test_binary_include_file_is_stored_as_bytes(sysroot, tmp_path):
    notes, blob = tmp_path / "notes.txt", tmp_path / "blob.bin"
    notes.write_text("x\n", encoding="utf-8")
    data = bytes(range(256))
    blob.write_bytes(data)
    res = run_flow(INCLUDE, ["run", "--notes", str(notes), "--blob", str(blob)], sysroot)
    art = start_artifacts(sysroot, res, "IncludeFlow")
    assert art["blob"] == data and type(art["blob"]) is bytes
    assert "blob bytes" in res.stdout


def test_missing_include_file_exits_2_naming_the_file(sysroot, tmp_path):
    missing = str(tmp_path / "no-such-notes.txt")
    res = run_flow(INCLUDE, ["run", "--notes", missing], sysroot)
    assert_refused(res, sysroot, missing, "notes", flow="IncludeFlow")


def test_required_include_file_not_given_exits_2(sysroot):
    res = run_flow(INCLUDE, ["run"], sysroot)
    assert_refused(res, sysroot, "--notes", flow="IncludeFlow")
