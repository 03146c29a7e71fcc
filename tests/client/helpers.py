"""Helpers for the client tests: run flows for real, then read them through the client API in a
*separate* Python process (``python -c``) that prints JSON for the test to assert on.

The client process runs in a folder of its own (never the flow's folder) with
``flowkit.testing.flow_env(sysroot)`` as its environment, so it finds the datastore only through
``FLOWKIT_DATASTORE_SYSROOT_LOCAL`` and has never imported any flow file.
"""

import json
import os
import subprocess
import sys
import textwrap

from flowkit.testing import flow_env, run_flow

from ..conftest import flow_path

MARK = "@@CLIENT-JSON@@ "

PRELUDE = r'''
import json, sys, os
from datetime import datetime
import flowkit
from flowkit import *
from flowkit.exception import *

def _default(o):
    if hasattr(o, "pathspec"):
        return o.pathspec
    if isinstance(o, datetime):
        return o.timestamp()
    if isinstance(o, (set, frozenset, tuple)):
        return sorted(o) if isinstance(o, (set, frozenset)) else list(o)
    return repr(o)

def emit(value):
    sys.stdout.write("@@CLIENT-JSON@@ " + json.dumps(value, default=_default) + "\n")
    sys.stdout.flush()

def ts(dt):
    return None if dt is None else dt.timestamp()

def paths(objs):
    return [o.pathspec for o in objs]

def attempt(fn):
    """{'value': fn()} or {'error': class name, 'bases': [...], 'text': message + hint}."""
    try:
        return {"value": fn()}
    except Exception as e:
        text = str(e) + " " + str(getattr(e, "hint", "") or "")
        return {"error": type(e).__name__, "bases": [c.__name__ for c in type(e).__mro__],
                "text": text}
'''


def client_dir(sysroot):
    """A folder next to sysroot that holds no datastore and no flow file."""
    where = os.path.join(os.path.dirname(os.path.abspath(sysroot)), "client-cwd")
    os.makedirs(where, exist_ok=True)
    return where


def client_env(sysroot, user=None):
    env = flow_env(sysroot, {"USER": user} if user else None)
    env.pop("PYTHONPATH", None)
    return env


def client(sysroot, code, user=None, timeout=60):
    """Run CODE (after PRELUDE) in a fresh Python; return the list of values it emit()-ted
    (a single value if it emitted exactly one)."""
    proc = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
                          capture_output=True, text=True, env=client_env(sysroot, user),
                          cwd=client_dir(sysroot), timeout=timeout)
    assert proc.returncode == 0, f"client process failed:\n{proc.stdout}\n{proc.stderr}"
    out = [json.loads(line[len(MARK):]) for line in proc.stdout.splitlines()
           if line.startswith(MARK)]
    assert out, f"client emitted nothing:\n{proc.stdout}\n{proc.stderr}"
    return out[0] if len(out) == 1 else out


class LiveClient:
    """A client process that stays up: it builds its objects once (SETUP), then evaluates
    EXPR (a Python expression) each time poll() is called, so a test can change the datastore
    from elsewhere and see what an already-existing client object reports."""

    def __init__(self, sysroot, setup, expr, user=None):
        code = PRELUDE + textwrap.dedent(setup) + textwrap.dedent(f'''
            emit("ready")
            for _line in sys.stdin:
                emit({expr})
        ''')
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=client_env(sysroot, user), cwd=client_dir(sysroot))
        assert self._read() == "ready"

    def _read(self):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("live client died: " + self.proc.stderr.read())
            if line.startswith(MARK):
                return json.loads(line[len(MARK):])

    def poll(self):
        self.proc.stdin.write("poll\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def run_ok(sysroot, *parts, args=(), user=None):
    """Run a flow (tests/flows/<parts>) to success; return its run id."""
    env = {"USER": user} if user else None
    result = run_flow(flow_path(*parts), ["run", *args], sysroot, env=env)
    assert result.returncode == 0, result.output
    assert result.run_id
    return result.run_id


def run_failing(sysroot, *parts, args=(), user=None):
    env = {"USER": user} if user else None
    result = run_flow(flow_path(*parts), ["run", *args], sysroot, env=env)
    assert result.returncode == 1, result.output
    assert result.run_id
    return result.run_id


def flow_cli(sysroot, flow_file, *args, user=None):
    """`python flow.py ARGS` (e.g. a tag command); returns the CompletedProcess."""
    return subprocess.run([sys.executable, flow_file, *args], capture_output=True, text=True,
                          env=flow_env(sysroot, {"USER": user} if user else None),
                          cwd=os.path.dirname(flow_file), timeout=60)

