"""The command line of a flow file, driven the way a user drives it: real `python flow.py ...`
processes (SPEC section 3). Bad input gets a message and an exit code (2 for usage, 1 for a
failed run or a missing object), never a traceback.
"""

import ast
import glob
import json
import os
import re

import pytest

from flowkit.testing import StoredRun, run_flow

from ..conftest import FLOWS, flow_path

VALID = sorted(glob.glob(os.path.join(FLOWS, "valid", "*.py")))
VALID_IDS = [os.path.basename(p)[:-3] for p in VALID]
GOLDEN = os.path.join(FLOWS, "valid", "golden")
LINEAR = flow_path("valid", "linear.py")


def golden(path):
    with open(os.path.join(GOLDEN, os.path.basename(path)[:-3] + ".json")) as f:
        return json.load(f)


def step_functions_in(path):
    """Names of the @step methods of the flow file, read from its source (not by flowkit)."""
    with open(path) as f:
        tree = ast.parse(f.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Name) and deco.id == "step":
                    names.add(node.name)
    return names


def run_ids(sysroot, flow):
    """Every run of flow recorded under sysroot/.flowkit ([] when there is no datastore yet)."""
    if not os.path.isdir(os.path.join(sysroot, ".flowkit")):
        return []
    return StoredRun(sysroot, flow, "-").meta.run_ids(flow)


def assert_no_traceback(result):
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output


@pytest.fixture(scope="module")
def two_linear_runs(tmp_path_factory):
    """A datastore holding two successful LinearFlow runs: (sysroot, older id, latest id)."""
    root = str(tmp_path_factory.mktemp("two_runs"))
    ids = []
    for _ in range(2):
        res = run_flow(LINEAR, ["run"], root)
        assert res.returncode == 0, res.output
        ids.append(res.run_id)
    assert ids[0] != ids[1]
    return root, ids[0], ids[1]


# -- usage errors from click ----------------------------------------------------------------------

def test_unknown_command_exits_2_with_clicks_usage_message(sysroot):
    res = run_flow(LINEAR, ["frobnicate"], sysroot)
    assert res.returncode == 2
    assert "Usage: linear.py [OPTIONS] COMMAND [ARGS]..." in res.stderr
    assert "No such command 'frobnicate'" in res.stderr
    assert "Try 'linear.py --help' for help." in res.stderr
    assert_no_traceback(res)


@pytest.mark.parametrize("args, bad", [
    (["--bogus", "show"], "--bogus"),
    (["show", "--bogus"], "--bogus"),
    (["run", "--no-such-option", "1"], "--no-such-option"),
], ids=["top-level", "show", "run"])
def test_unknown_option_exits_2_naming_the_option(sysroot, args, bad):
    res = run_flow(LINEAR, args, sysroot)
    assert res.returncode == 2
    assert "Usage:" in res.stderr
    assert f"No such option '{bad}'" in res.stderr
    assert_no_traceback(res)
    assert run_ids(sysroot, "LinearFlow") == []


# -- help -----------------------------------------------------------------------------------------

def test_top_level_help_lists_every_command_and_top_option(sysroot):
    res = run_flow(LINEAR, ["--help"], sysroot)
    assert res.returncode == 0, res.output
    assert res.stdout.startswith("Usage: linear.py [OPTIONS] COMMAND [ARGS]...")
    assert "A straight line of steps" in res.stdout  # the flow's docstring
    for option in ["--datastore", "--datastore-root", "--metadata", "--environment", "--with",
                   "--quiet", "--no-pylint"]:
        assert re.search(rf"^\s+{option}\b", res.stdout, re.M), option
    commands = res.stdout.split("Commands:", 1)[1]
    for command in ["run", "show", "check", "output-dot", "output-raw", "step", "dump", "logs"]:
        assert re.search(rf"^\s+{command}\s", commands, re.M), command


@pytest.mark.parametrize("command, expected", [
    ("run", ["--tag", "--max-workers", "--max-num-splits", "--run-id-file", "--namespace"]),
    ("show", ["Show the steps, their docstrings and transitions."]),
    ("check", ["Check the flow graph"]),
    ("dump", ["PATHSPEC", "--private", "--max-value-size", "--include", "--file"]),
    ("logs", ["PATHSPEC", "--stdout", "--stderr", "--attempt"]),
    ("step", ["STEP", "--run-id", "--task-id", "--input-paths", "--split-index",
              "--retry-count", "--max-user-code-retries"]),
])
def test_help_of_each_command_shows_its_usage_and_options(sysroot, command, expected):
    res = run_flow(LINEAR, [command, "--help"], sysroot)
    assert res.returncode == 0, res.output
    assert res.stdout.startswith(f"Usage: linear.py {command} [OPTIONS]")
    for text in expected:
        assert text in res.stdout, text
    assert run_ids(sysroot, "LinearFlow") == []  # --help of run does not run anything


def test_run_help_lists_every_flow_parameter_with_its_help(sysroot):
    res = run_flow(flow_path("valid", "parameters.py"), ["run", "--help"], sysroot)
    assert res.returncode == 0, res.output
    text = " ".join(res.stdout.split())  # undo click's line wrapping
    for name, help_text in [("dataset", "Name of the dataset (required)"),
                            ("greeting", "A string"), ("epochs", "An integer"),
                            ("ratio", "A float"), ("verbose", "A boolean flag"),
                            ("config", "A JSON object")]:
        assert re.search(rf"--{name} \S+ {re.escape(help_text)}", text), name
    assert "required" in text.split("--dataset", 1)[1].split("--greeting", 1)[0]


# -- show, check, output-dot, output-raw ----------------------------------------------------------

def show_blocks(stdout):
    """{step name: [lines under its 'Step <name>' heading]} from the output of `show`."""
    blocks, current = {}, None
    for line in stdout.splitlines():
        m = re.match(r"^Step (\w+)", line)
        if m:
            current = blocks.setdefault(m.group(1), [])
        elif current is not None and line.strip():
            current.append(line.strip())
    return blocks


def test_show_prints_each_step_with_its_docstring_and_transition(sysroot):
    res = run_flow(flow_path("valid", "branch.py"), ["show"], sysroot)
    assert res.returncode == 0, res.output
    assert res.stdout.startswith("Two parallel arms set `x`; the join adds them up.")
    blocks = show_blocks(res.stdout)
    assert list(blocks) == ["start", "a", "b", "join", "end"]
    assert blocks["start"][0] == "Fan out to both arms."
    assert blocks["start"][-1].startswith("=> a, b")
    assert blocks["a"] == ["First arm.", "=> join"]
    assert blocks["b"] == ["Second arm.", "=> join"]
    assert blocks["join"] == ["Combine the arms by name.", "=> end"]
    assert blocks["end"][0] == "Report the result (always 23)."
    assert not any(line.startswith("=>") for line in blocks["end"])


@pytest.mark.parametrize("path", VALID, ids=VALID_IDS)
def test_show_names_every_step_docstring_and_target_of_every_valid_flow(sysroot, path):
    res = run_flow(path, ["show"], sysroot)
    assert res.returncode == 0, res.output
    blocks = show_blocks(res.stdout)
    steps = golden(path)["steps"]
    assert set(blocks) == set(steps) == step_functions_in(path)
    for name, node in steps.items():
        block = blocks[name]
        if node["doc"]:
            assert block[0] == node["doc"].strip().splitlines()[0], name
        arrows = [line for line in block if line.startswith("=>")]
        if node["next"]:
            assert len(arrows) == 1, (name, block)
            for target in node["next"]:
                assert re.search(rf"\b{target}\b", arrows[0]), (name, target, arrows[0])
        else:
            assert arrows == [], (name, block)


@pytest.mark.parametrize("path", VALID, ids=VALID_IDS)
def test_check_on_a_valid_flow_exits_0_with_a_short_summary(sysroot, path):
    res = run_flow(path, ["check"], sysroot)
    assert res.returncode == 0, res.output
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 3, res.stdout
    assert golden(path)["flow"] in res.stdout
    assert "valid" in res.stdout
    assert res.stderr == ""


def test_check_on_a_broken_flow_exits_1(sysroot):
    # The counterpart of the test above: check does not simply always succeed.
    res = run_flow(flow_path("invalid", "unknown-step__typo_target.py"), ["check"], sysroot)
    assert res.returncode == 1, res.output
    assert_no_traceback(res)


@pytest.mark.parametrize("path", VALID, ids=VALID_IDS)
def test_output_dot_prints_a_digraph_with_every_edge(sysroot, path):
    res = run_flow(path, ["output-dot"], sysroot)
    assert res.returncode == 0, res.output
    out = res.stdout.strip()
    assert re.match(r'^digraph\s+"?\w+"?\s*\{', out), out
    assert out.endswith("}") and out.count("{") == out.count("}")
    drawn = set(re.findall(r'"?(\w+)"?\s*->\s*"?(\w+)"?', out))
    expected = {(name, target) for name, node in golden(path)["steps"].items()
                for target in node["next"]}
    assert drawn == expected


@pytest.mark.parametrize("path", VALID, ids=VALID_IDS)
def test_output_raw_prints_json_whose_steps_match_the_flow(sysroot, path):
    res = run_flow(path, ["output-raw"], sysroot)
    assert res.returncode == 0, res.output
    raw = json.loads(res.stdout)
    assert set(raw["steps"]) == step_functions_in(path)
    assert raw == golden(path)


def test_output_raw_of_the_branch_flow_has_its_edges(sysroot):
    res = run_flow(flow_path("valid", "branch.py"), ["output-raw"], sysroot)
    raw = json.loads(res.stdout)
    assert raw["flow"] == "BranchFlow"
    assert {name: node["next"] for name, node in raw["steps"].items()} == {
        "start": ["a", "b"], "a": ["join"], "b": ["join"], "join": ["end"], "end": []}


# -- top options ----------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    ["--datastore", "local"],
    ["--metadata", "local"],
    ["--environment", "local"],
    ["--quiet"],
    ["--no-pylint"],
    ["--datastore", "local", "--metadata", "local", "--environment", "local", "--quiet",
     "--no-pylint"],
], ids=["datastore", "metadata", "environment", "quiet", "no-pylint", "all"])
def test_top_option_is_accepted_and_the_run_succeeds(sysroot, options):
    res = run_flow(LINEAR, [*options, "run"], sysroot)
    assert res.returncode == 0, res.output
    run = StoredRun(sysroot, "LinearFlow", res.run_id)
    assert run.status == "succeeded"
    assert run.artifacts("end")["value"] == 6


def test_quiet_hides_task_progress_but_keeps_user_output(sysroot):
    loud = run_flow(LINEAR, ["run"], sysroot)
    quiet = run_flow(LINEAR, ["--quiet", "run"], sysroot)
    assert loud.returncode == quiet.returncode == 0
    assert "Task is starting." in loud.stdout
    assert "Task is starting." not in quiet.output
    assert "value: 6" in quiet.stdout


@pytest.mark.parametrize("launch", ["fork", "spawn"])
def test_datastore_root_puts_the_run_under_dir_dot_flowkit(sysroot, tmp_path, launch):
    other = str(tmp_path / "elsewhere")
    res = run_flow(LINEAR, ["--datastore-root", other, "run"], sysroot,
                   env={"FLOWKIT_TASK_LAUNCH": launch})
    assert res.returncode == 0, res.output
    assert os.path.isdir(os.path.join(other, ".flowkit"))
    run = StoredRun(other, "LinearFlow", res.run_id)
    assert run.status == "succeeded"
    assert run.artifacts("end")["value"] == 6
    # It wins over FLOWKIT_DATASTORE_SYSROOT_LOCAL, which run_flow points at sysroot.
    assert run_ids(sysroot, "LinearFlow") == []


def test_dump_reads_the_run_from_the_datastore_root_it_is_given(sysroot, tmp_path):
    other = str(tmp_path / "elsewhere")
    res = run_flow(LINEAR, ["--datastore-root", other, "run"], sysroot)
    assert res.returncode == 0, res.output
    dump = run_flow(LINEAR, ["--datastore-root", other, "dump", f"{res.run_id}/end"], sysroot)
    assert dump.returncode == 0, dump.output
    assert "value = 6" in dump.stdout


def test_with_an_unknown_decorator_exits_2_naming_it(sysroot):
    res = run_flow(LINEAR, ["--with", "nosuchdeco", "run"], sysroot)
    assert res.returncode == 2
    assert "nosuchdeco" in res.stderr
    assert "retry" in res.stderr  # the hint lists the decorators that do exist
    assert_no_traceback(res)
    assert run_ids(sysroot, "LinearFlow") == []


@pytest.mark.parametrize("spec", ["retry:times=oops=1", "retry:times", "retry:=2", ":times=1"])
def test_with_a_malformed_decospec_exits_2_with_a_message(sysroot, spec):
    res = run_flow(LINEAR, ["--with", spec, "run"], sysroot)
    assert res.returncode == 2
    assert "decorator" in res.stderr.lower()
    assert_no_traceback(res)
    assert run_ids(sysroot, "LinearFlow") == []


def test_with_a_well_formed_decospec_runs(sysroot):
    # The counterpart of the two tests above: --with itself works.
    res = run_flow(LINEAR, ["--with", "retry:times=1", "run"], sysroot)
    assert res.returncode == 0, res.output


# -- dump and logs --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["dump", "logs"])
def test_unknown_run_id_exits_1_naming_it_and_hinting_the_latest_run(two_linear_runs, command):
    root, older, latest = two_linear_runs
    res = run_flow(LINEAR, [command, "123456/start"], root)
    assert res.returncode == 1, res.output
    assert "123456" in res.stderr
    assert latest in res.stderr
    assert older not in res.stderr
    assert_no_traceback(res)


@pytest.mark.parametrize("command", ["dump", "logs"])
def test_a_known_pathspec_prints_the_task(two_linear_runs, command):
    root, _, latest = two_linear_runs
    res = run_flow(LINEAR, [command, f"{latest}/end"], root)
    assert res.returncode == 0, res.output
    assert ("value = 6" if command == "dump" else "value: 6") in res.stdout


@pytest.mark.parametrize("command", ["dump", "logs"])
@pytest.mark.parametrize("pathspec", ["just-a-run-id", "1/2/3/4/5", "LinearFlow"])
def test_malformed_pathspec_exits_2(two_linear_runs, command, pathspec):
    root, _, _ = two_linear_runs
    res = run_flow(LINEAR, [command, pathspec], root)
    assert res.returncode == 2, res.output
    assert "pathspec" in res.stderr
    assert_no_traceback(res)


# -- run ------------------------------------------------------------------------------------------

def test_run_id_file_receives_the_id_of_the_run(sysroot, tmp_path):
    target = tmp_path / "out" / "run-id.txt"
    target.parent.mkdir()
    res = run_flow(LINEAR, ["run", "--run-id-file", str(target)], sysroot)
    assert res.returncode == 0, res.output
    run_id = target.read_text().strip()
    assert run_ids(sysroot, "LinearFlow") == [run_id]
    assert f"run-id {run_id}" in res.stdout
    assert StoredRun(sysroot, "LinearFlow", run_id).status == "succeeded"


def test_every_command_a_failed_run_suggests_exists(sysroot):
    res = run_flow(flow_path("runtime", "param_assign.py"), ["run"], sysroot)
    assert res.returncode == 1
    suggested = set(re.findall(r"python param_assign\.py ([a-z][\w-]*)", res.stderr))
    assert suggested, res.stderr
    for command in suggested:
        help_ = run_flow(flow_path("runtime", "param_assign.py"), [command, "--help"], sysroot)
        assert help_.returncode == 0, (command, help_.output)


def test_run_id_file_in_a_missing_folder_exits_2_before_creating_a_run(sysroot, tmp_path):
    target = str(tmp_path / "no-such-folder" / "run-id.txt")
    res = run_flow(LINEAR, ["run", "--run-id-file", target], sysroot)
    assert res.returncode == 2, res.output
    assert target in res.stderr
    assert_no_traceback(res)
    assert run_ids(sysroot, "LinearFlow") == []


def test_unknown_step_of_a_known_run_exits_1_naming_the_step(two_linear_runs):
    root, _, latest = two_linear_runs
    res = run_flow(LINEAR, ["dump", f"{latest}/nosuchstep"], root)
    assert res.returncode == 1, res.output
    assert "nosuchstep" in res.stderr
    assert_no_traceback(res)


def test_unknown_step_hint_lists_only_the_steps_of_the_flow(two_linear_runs):
    root, _, latest = two_linear_runs
    res = run_flow(LINEAR, ["dump", f"{latest}/nosuchstep"], root)
    hint = res.stderr.split("hint:", 1)[1]
    assert set(re.findall(r"\w+", hint.split(":", 1)[1])) == {"start", "add", "double", "end"}
