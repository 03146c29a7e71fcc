"""Runner from a plain Python script (run in its own process): the result's status, its Run
(readable at once), use as a context manager, parameters and tags, and a failing flow."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from ..conftest import flow_path
from .helpers import MARK, PRELUDE, client, client_env

CRASH = flow_path("runtime", "crash.py")
PARAMS = flow_path("valid", "parameters.py")


def run_script(sysroot, tmp_path, body, name="script.py"):
    """Write PRELUDE + body to a .py file in its own folder and run it with `python file`."""
    folder = tmp_path / "scripts"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(PRELUDE + textwrap.dedent(body))
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          env=client_env(sysroot), cwd=str(folder), timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = [json.loads(line[len(MARK):]) for line in proc.stdout.splitlines()
           if line.startswith(MARK)]
    assert len(out) == 1, proc.stdout + proc.stderr
    return out[0]


def test_runner_run_returns_a_successful_result_whose_run_data_is_readable(sysroot, tmp_path):
    out = run_script(sysroot, tmp_path, f'''
        result = Runner({CRASH!r}).run(mode="ok")
        run = result.run
        emit({{"status": result.status, "type": type(run).__name__, "pathspec": run.pathspec,
               "successful": run.successful, "finished": run.finished,
               "done": run.data.done, "before": run["start"].task.data.before,
               "mode": run.data.mode, "stdout_has_end": "finished" in result.stdout}})
    ''')
    assert out["status"] == "successful"
    assert out["type"] == "Run" and out["pathspec"].startswith("CrashFlow/")
    assert out["successful"] is True and out["finished"] is True
    assert out["done"] is True and out["before"] == "kept" and out["mode"] == "ok"
    assert out["stdout_has_end"] is True
    # the run is in the datastore for every other client too
    seen = client(sysroot, '''emit(Flow("CrashFlow").latest_run.pathspec)''')
    assert seen == out["pathspec"]


def test_runner_result_and_runner_work_as_context_managers(sysroot, tmp_path):
    out = run_script(sysroot, tmp_path, f'''
        with Runner({CRASH!r}).run(mode="ok") as result:
            first = [result.status, result.run.data.done]
        with Runner({CRASH!r}) as runner:
            second = runner.run(mode="ok")
            second = [second.status, second.run.data.done, second.run.id]
        emit({{"first": first, "second": second[:2], "distinct": second[2] != result.run.id}})
    ''')
    assert out == {"first": ["successful", True], "second": ["successful", True],
                   "distinct": True}


def test_runner_on_a_failing_flow_reports_failed_and_the_failed_run(sysroot, tmp_path):
    out = run_script(sysroot, tmp_path, f'''
        result = Runner({CRASH!r}).run(mode="raise")
        run = result.run
        emit({{"status": result.status, "successful": run.successful, "finished": run.finished,
               "exc": run["work"].task.exception.type,
               "stderr_names_it": "broke on purpose" in result.stderr + result.stdout}})
    ''')
    assert out == {"status": "failed", "successful": False, "finished": True,
                   "exc": "ValueError", "stderr_names_it": True}


def test_runner_passes_parameters_to_the_flow(sysroot, tmp_path):
    out = run_script(sysroot, tmp_path, f'''
        result = Runner({PARAMS!r}).run(dataset="abc", epochs=5, config={{"layers": 7}},
                                         max_workers=2)
        d = result.run.data
        emit({{"status": result.status, "values": [d.dataset, d.epochs, d.steps, d.layers]}})
    ''')
    assert out["status"] == "successful"
    assert out["values"] == ["abc", 5, 25, 7]


def test_runner_run_tags_option_tags_the_run(sysroot, tmp_path):
    out = run_script(sysroot, tmp_path, f'''
        result = Runner({PARAMS!r}).run(dataset="abc", tags=["from-runner", "nightly"])
        emit({{"status": result.status,
               "tags": None if result.run is None else sorted(result.run.user_tags)}})
    ''')
    assert out == {"status": "successful", "tags": ["from-runner", "nightly"]}


def test_runner_result_run_is_readable_outside_the_current_namespace(sysroot, tmp_path):
    out = run_script(sysroot, tmp_path, f'''
        namespace("user:somebody-else")
        result = Runner({CRASH!r}).run(mode="ok")
        emit({{"status": result.status, "done": result.run.data.done}})
    ''')
    assert out == {"status": "successful", "done": True}


def test_runner_with_a_datastore_root_writes_and_reads_there(sysroot, tmp_path):
    other = tmp_path / "other-root"
    other.mkdir()
    out = run_script(sysroot, tmp_path, f'''
        result = Runner({CRASH!r}, datastore_root={str(other)!r}).run(mode="ok")
        emit({{"status": result.status, "id": result.run.id, "done": result.run.data.done}})
    ''')
    assert out["status"] == "successful" and out["done"] is True
    assert os.path.isdir(other / ".flowkit")
    seen = client(str(other), f'''emit(Run("CrashFlow/{out["id"]}").data.done)''')
    assert seen is True
    assert not os.path.exists(os.path.join(sysroot, ".flowkit", "CrashFlow"))
