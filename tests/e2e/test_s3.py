"""The whole run lives in S3 (a real HTTP endpoint: moto's server): artifacts, records, logs,
code package, tags. A client in another process, given only the bucket URL, reads all of it."""

import json
import os
import subprocess
import sys

import pytest

from flowkit.testing import flow_env, run_flow

from ..conftest import flow_path

pytest.importorskip("boto3")


def client(env, code):
    """Run client code in a fresh process that knows only the bucket (no local datastore)."""
    script = "import json\nfrom flowkit import *\nnamespace(None)\n" + code
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(flow_env("/nonexistent"), **env), cwd="/")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name, flow, expect", [
    ("linear.py", "LinearFlow", {"value": 6}),
    ("branch.py", "BranchFlow", {"total": 23}),
    ("foreach.py", "ForeachFlow", {"results": [1, 4, 9, 16]}),
    ("nested_foreach.py", "NestedForeachFlow",
     {"all_labels": ["a1", "a2", "a3", "b1", "b2", "b3"]}),
    ("switch_loop.py", "SwitchLoopFlow", {"final": 3}),
    ("parallel.py", "ParallelFlow", {"nodes": [0, 1, 2]}),
])
def test_every_graph_form_runs_on_s3_and_reads_back_from_another_process(
        s3_root, sysroot, name, flow, expect):
    url, env = s3_root
    result = run_flow(flow_path("valid", name), ["run"], sysroot, env=env)
    assert result.returncode == 0, result.output
    got = client(env, f"""
run = Flow({flow!r}).latest_run
end = run.end_task
out = {{k: getattr(end.data, k) for k in {list(expect)!r}}}
out["_ok"] = run.successful
out["_id"] = run.id
out["_stdout"] = end.stdout
out["_code"] = run.code.flowspec is not None
print(json.dumps(out))
""")
    assert got.pop("_ok") is True and got.pop("_id") == result.run_id
    assert got.pop("_code") is True
    stdout = got.pop("_stdout")
    assert got == expect
    assert stdout.strip(), "the end task's log is in S3"
    assert not os.path.exists(os.path.join(sysroot, ".flowkit")), "nothing was written locally"


def test_retry_catch_and_logs_of_every_attempt_work_on_s3(s3_root, sysroot):
    url, env = s3_root
    flaky = run_flow(flow_path("runtime", "flaky.py"), ["run"], sysroot, env=env)
    assert flaky.returncode == 0, flaky.output
    caught = run_flow(flow_path("decorators", "catching.py"), ["run"], sysroot, env=env)
    assert caught.returncode == 0, caught.output
    got = client(env, """
task = Flow("FlakyFlow").latest_run["flaky"].task
fragile = Flow("CatchingFlow").latest_run["fragile"].task
print(json.dumps({"on": task.data.succeeded_on,
                  "logs": [[t for _, t in task.loglines("stdout", attempt=a)] for a in range(3)],
                  "caught": [fragile.successful, fragile.exception.type]}))
""")
    assert got["on"] == 2
    assert got["logs"] == [["attempt 0"], ["attempt 1"], ["attempt 2"]]
    assert got["caught"] == [True, "KeyError"]


def test_tags_and_resume_work_on_s3(s3_root, sysroot):
    url, env = s3_root
    flow = flow_path("resume", "resumable.py")
    failed = run_flow(flow, ["run"], sysroot, env=dict(env, FAIL="sq:1"))
    assert failed.returncode == 1
    resumed = run_flow(flow, ["resume"], sysroot, env=env)
    assert resumed.returncode == 0, resumed.output
    tag = run_flow(flow, ["tag", "add", "--run-id", resumed.run_id, "prod-ready"], sysroot,
                   env=env)
    assert tag.returncode == 0, tag.output
    got = client(env, """
runs = list(Flow("ResumableFlow").runs("prod-ready"))
sq = runs[0]["sq"]
print(json.dumps({"ids": [r.id for r in runs], "summary": runs[0].data.summary,
                  "cloned": sum(t.origin_pathspec is not None for t in sq)}))
""")
    assert got["ids"] == [resumed.run_id]
    assert got["summary"] == [[0, 1, 4, 9], "high", [10, 20, 30, 20, 40, 60]]
    assert got["cloned"] >= 1


def test_a_large_artifact_round_trips_through_s3_with_bounded_memory(s3_root, sysroot, tmp_path):
    url, env = s3_root
    flow = tmp_path / "big.py"
    flow.write_text(
        "import os\n"
        "from flowkit import FlowSpec, step\n\n"
        "class BigS3Flow(FlowSpec):\n"
        "    @step\n"
        "    def start(self):\n"
        "        self.blob = os.urandom(384 << 20)\n"
        "        self.digest = hash(self.blob)\n"
        "        self.next(self.end)\n\n"
        "    @step\n"
        "    def end(self):\n"
        "        assert hash(self.blob) == self.digest\n\n"
        "if __name__ == '__main__':\n"
        "    BigS3Flow()\n")
    proc = subprocess.Popen([sys.executable, str(flow), "run"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=dict(flow_env(sysroot), **env))
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)   # this run's own tree: its largest process
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, out
    peak_mb = usage.ru_maxrss / 1024
    # the value once, plus a constant: the interpreter with boto3 (~100 MB) and the parts in
    # flight (6 x 16 MB, briefly twice over inside the SDK); two copies of the value would
    # already be 868 MB
    assert peak_mb < 384 + 350, peak_mb


def test_an_unreachable_endpoint_is_a_clear_error(sysroot, s3_root):
    url, env = s3_root
    bad = dict(env, FLOWKIT_S3_ENDPOINT_URL="http://127.0.0.1:9", FLOWKIT_S3_RETRY_COUNT="2")
    result = run_flow(flow_path("valid", "linear.py"), ["run"], sysroot, env=bad, timeout=300)
    assert result.returncode == 1
    assert "cannot reach S3" in result.stderr and "Traceback" not in result.stderr


def test_a_run_completes_through_a_link_that_fails_one_request_in_ten(s3_root, sysroot,
                                                                       moto_endpoint):
    from ..s3proxy import FaultyProxy

    url, env = s3_root
    proxy = FaultyProxy(moto_endpoint, fail_rate=0.10, seed=7)
    try:
        flaky_env = dict(env, FLOWKIT_S3_ENDPOINT_URL=proxy.url)
        result = run_flow(flow_path("valid", "foreach.py"), ["run"], sysroot, env=flaky_env)
        assert result.returncode == 0, result.output
        assert proxy.counts["500"] > 0 and proxy.counts["dropped"] > 0, proxy.counts
    finally:
        proxy.stop()
    # every artifact of every task reads back and verifies (through the clean endpoint)
    got = client(env, """
run = Flow("ForeachFlow").latest_run
values = {t.pathspec: {a.id: repr(a.data) for a in t} for s in run for t in s}
print(json.dumps({"ok": run.successful, "tasks": len(values),
                  "results": run.data.results}))
""")
    assert got == {"ok": True, "tasks": 7, "results": [1, 4, 9, 16]}


def test_an_outage_mid_run_fails_clearly_and_resume_completes_after_it(s3_root, sysroot,
                                                                       moto_endpoint, tmp_path):
    import time

    from ..s3proxy import FaultyProxy

    url, env = s3_root
    flow = tmp_path / "slow.py"
    flow.write_text(
        "import time\n"
        "from flowkit import FlowSpec, step\n\n"
        "class SlowS3Flow(FlowSpec):\n"
        "    @step\n"
        "    def start(self):\n"
        "        self.a = 1\n"
        "        self.next(self.wait)\n\n"
        "    @step\n"
        "    def wait(self):\n"
        "        print('waiting', flush=True)\n"
        "        time.sleep(3)\n"
        "        self.b = 2\n"
        "        self.next(self.end)\n\n"
        "    @step\n"
        "    def end(self):\n"
        "        self.total = self.a + self.b\n\n"
        "if __name__ == '__main__':\n"
        "    SlowS3Flow()\n")
    proxy = FaultyProxy(moto_endpoint)
    try:
        outage_env = dict(env, FLOWKIT_S3_ENDPOINT_URL=proxy.url, FLOWKIT_S3_RETRY_COUNT="2")
        proc = subprocess.Popen([sys.executable, str(flow), "run"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                env=dict(flow_env(sysroot), **outage_env))
        for line in proc.stdout:
            if "waiting" in line:
                proxy.down = True          # the endpoint goes away while `wait` runs
                break
        out = proc.stdout.read()
        proc.wait(timeout=120)
        assert proc.returncode == 1, out
        assert "cannot reach S3" in out and "Traceback (most recent call last)" not in out, out[-3000:]
        proxy.down = False
        time.sleep(0.2)
        resumed = run_flow(str(flow), ["resume"], sysroot, env=outage_env)
        assert resumed.returncode == 0, resumed.output
    finally:
        proxy.stop()
    got = client(env, """
run = Flow("SlowS3Flow").latest_run
print(json.dumps({"ok": run.successful, "total": run.data.total,
                  "start_cloned": run["start"].task.origin_pathspec is not None}))
""")
    assert got == {"ok": True, "total": 3, "start_cloned": True}
