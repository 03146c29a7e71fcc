"""Every broken flow in tests/flows/invalid is rejected by `check` (and by `run`), naming the
rule, the step and the line, with no traceback and exit code 1."""

import glob
import os
import re

import pytest

from flowkit.testing import run_flow

from ..conftest import FLOWS

INVALID = sorted(glob.glob(os.path.join(FLOWS, "invalid", "*.py")))


def expectations(path):
    found = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#\s*expect-(rule|step|line):\s*(\S+)", line)
            if m:
                found[m.group(1)] = m.group(2)
            elif not line.startswith("#"):
                break
    return found


def test_there_are_at_least_25_broken_flows_covering_every_rule():
    rules = {expectations(p)["rule"] for p in INVALID}
    assert len(INVALID) >= 25
    assert {"missing-start", "missing-end", "missing-next", "end-has-next", "unknown-step",
            "unreachable", "join-mismatch", "unclosed-split", "join-signature", "foreach-arg",
            "switch-cases", "switch-foreach", "switch-into-join", "cycle", "parallel-missing",
            "reserved-name", "duplicate-parameter", "next-not-last"} <= rules


@pytest.mark.parametrize("path", INVALID, ids=[os.path.basename(p)[:-3] for p in INVALID])
def test_check_rejects_broken_flow_naming_step_and_line(path, sysroot):
    want = expectations(path)
    result = run_flow(path, ["check"], sysroot)
    out = result.output
    assert result.returncode == 1, out
    assert "Traceback" not in out, out
    if want["rule"] == "syntax-error":
        assert f"line {want['line']}" in out and "SyntaxError" in out, out
        return
    name = os.path.basename(path)
    lines = [ln for ln in out.splitlines() if f"[{want['rule']}]" in ln]
    assert lines, f"rule {want['rule']} not reported:\n{out}"
    assert any(f"{name}:{want['line']}:" in ln for ln in lines), out
    if want["step"] != "-":
        assert any(f"step '{want['step']}'" in ln for ln in lines), out


@pytest.mark.parametrize("path", INVALID[:3], ids=[os.path.basename(p)[:-3] for p in INVALID[:3]])
def test_run_of_a_broken_flow_starts_no_task(path, sysroot):
    result = run_flow(path, ["run"], sysroot)
    assert result.returncode == 1
    assert "Task is starting" not in result.output
    assert not os.path.exists(os.path.join(sysroot, ".flowkit")) or not any(
        "runs" in dirs for _, dirs, _ in os.walk(os.path.join(sysroot, ".flowkit")))
