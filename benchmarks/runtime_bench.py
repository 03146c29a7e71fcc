#!/usr/bin/env python3
"""Runtime benchmark: the same flows under flowkit and under Metaflow.

Every case generates its flow source from a single template in which only the
import line differs (``from flowkit import ...`` vs ``from metaflow import ...``),
writes it into a fresh temporary directory and runs ``python flow.py run`` with a
fresh, empty datastore root and home directory per repetition.  Repetitions are
interleaved across frameworks (flowkit, metaflow, flowkit, metaflow, ...) so that
slow drifts of a noisy machine hit both sides alike; the table reports medians.

See benchmarks/README.md for what each case measures and the caveats.

Requires Metaflow and numpy in the running interpreter (``pip install metaflow
numpy``).  flowkit is imported from this repository's working tree (the repo
root is put on PYTHONPATH for flowkit runs; see --flowkit-src).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MB = 1_000_000  # all MB / MB/s figures are decimal megabytes
GIB = 1 << 30

IMPORT_MARK = "@IMPORT@"


# --------------------------------------------------------------------------
# frameworks
# --------------------------------------------------------------------------


@dataclass
class Framework:
    name: str  # "flowkit" | "metaflow"
    module: str  # importable package name
    env_prefix: str  # "FLOWKIT" | "METAFLOW"
    extra_path: str = ""  # prepended to PYTHONPATH when non-empty
    version: str = "?"
    unavailable: str = ""  # error text when the package cannot be imported

    def import_line(self, names: str = "FlowSpec, step") -> str:
        return "from %s import %s" % (self.module, names)

    def env(self, home_dir: str, ds_dir: Optional[str], pycache: str) -> Dict[str, str]:
        """Environment for one run.

        The inherited environment minus any METAFLOW_*/FLOWKIT_* settings (so a
        user's config cannot leak in) and minus PYTHONDONTWRITEBYTECODE and
        PYTHONUNBUFFERED (both change what is being measured), plus USER=bench,
        an empty <PREFIX>_HOME, for flow runs <PREFIX>_DATASTORE_SYSROOT_LOCAL,
        and PYTHONPYCACHEPREFIX pointing at a bytecode cache shared by all runs
        (--pycache): both frameworks then run from cached bytecode after the
        warm-up, whether or not their install shipped .pyc files (with
        PYTHONDONTWRITEBYTECODE set, as on some dev machines, a source checkout
        would otherwise be recompiled on every import), and nothing is written
        into the source trees."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not (k.startswith("METAFLOW_") or k.startswith("FLOWKIT_"))
            and k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONPYCACHEPREFIX")
        }
        env["USER"] = "bench"
        env["PYTHONPYCACHEPREFIX"] = pycache
        env["%s_HOME" % self.env_prefix] = home_dir
        if ds_dir is not None:
            env["%s_DATASTORE_SYSROOT_LOCAL" % self.env_prefix] = ds_dir
        if self.extra_path:
            old = env.get("PYTHONPATH", "")
            env["PYTHONPATH"] = self.extra_path + (os.pathsep + old if old else "")
        return env


def make_frameworks(names: Sequence[str], flowkit_src: str) -> List[Framework]:
    known = {
        "flowkit": Framework("flowkit", "flowkit", "FLOWKIT", extra_path=flowkit_src),
        "metaflow": Framework("metaflow", "metaflow", "METAFLOW"),
    }
    out = []
    for n in names:
        if n not in known:
            raise SystemExit("unknown framework %r (choose from flowkit, metaflow)" % n)
        out.append(known[n])
    return out


# --------------------------------------------------------------------------
# running one command and measuring it
# --------------------------------------------------------------------------


class CaseFailure(Exception):
    """A run failed; the message carries the tail of its output."""


@dataclass
class RunResult:
    cmd: List[str]
    rc: int
    wall: float  # seconds, Popen() to the main process being reaped
    stdout: str
    stderr: str
    maxrss: int  # bytes, largest single process of the tree (wait4 rusage)
    tree_peak: int  # bytes, polled peak of the summed PSS of the tree (0 = not polled)
    timed_out: bool = False
    leftovers: int = 0  # processes of the run's session still alive after it ended

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr

    def tail(self, n: int = 20) -> str:
        parts = []
        for label, text in (("stdout", self.stdout), ("stderr", self.stderr)):
            lines = text.rstrip().splitlines()[-n:]
            if lines:
                parts.append("    --- %s (last %d lines) ---" % (label, len(lines)))
                parts.extend("    " + ln for ln in lines)
        return "\n".join(parts) if parts else "    (no output)"


def _proc_table() -> Dict[int, Tuple[int, int]]:
    """pid -> (ppid, session id) for every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                data = f.read()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: split after the last ')'
        rest = data[data.rfind(b")") + 2 :].split()
        try:
            table[int(entry)] = (int(rest[1]), int(rest[3]))
        except (IndexError, ValueError):
            continue
    return table


def _tree_pids(root: int) -> List[int]:
    """root plus every process descending from it or sharing its session.

    Runs are started with start_new_session=True, so the session id equals
    root's pid; matching on it also catches orphans reparented to init."""
    table = _proc_table()
    children: Dict[int, List[int]] = {}
    for pid, (ppid, _sid) in table.items():
        children.setdefault(ppid, []).append(pid)
    found = set()
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found.add(pid)
        stack.extend(children.get(pid, ()))
    found.update(pid for pid, (_ppid, sid) in table.items() if sid == root)
    return [pid for pid in found if pid in table]


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _proc_mem(pid: int) -> int:
    """Proportional set size of one process in bytes (falls back to RSS)."""
    try:
        with open("/proc/%d/smaps_rollup" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        with open("/proc/%d/statm" % pid, "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class TreePoller(threading.Thread):
    """Samples the summed PSS of a process tree every `interval` seconds."""

    def __init__(self, root: int, interval: float):
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak = 0
        self._stop_evt = threading.Event()

    def run(self) -> None:
        while not self._stop_evt.is_set():
            try:
                total = sum(_proc_mem(p) for p in _tree_pids(self.root))
            except Exception:  # /proc races are harmless: skip the sample
                total = 0
            self.peak = max(self.peak, total)
            self._stop_evt.wait(self.interval)

    def stop(self) -> int:
        self._stop_evt.set()
        self.join()
        return self.peak


def _read_file(f) -> str:
    f.seek(0)
    return f.read().decode("utf-8", "replace")


def run_measured(
    cmd: List[str],
    cwd: str,
    env: Dict[str, str],
    timeout: float,
    poll_interval: float = 0.0,
) -> RunResult:
    """Run cmd to completion and measure wall time and memory.

    Memory, two ways:
      * maxrss: the rusage that wait4() returns for *this* child.  Linux folds
        the max RSS of every descendant the child (transitively) reaped into it,
        so it is the RSS high-water mark of the largest single process of the
        tree.  (getrusage(RUSAGE_CHILDREN) in the harness would give the same
        number, but it is a high-water mark over the harness's whole life, so a
        small run after a big one would inherit the big one's figure.)
      * tree_peak: when poll_interval > 0, a thread sums the PSS of all the
        tree's processes every poll_interval seconds and keeps the peak; this
        sees concurrent processes but can miss short spikes.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def _on_timeout() -> None:
            timed_out.set()
            _kill_group(proc.pid)

        timer = threading.Timer(timeout, _on_timeout)
        timer.daemon = True
        timer.start()
        poller = TreePoller(proc.pid, poll_interval) if poll_interval > 0 else None
        if poller:
            poller.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        except BaseException:
            _kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            timer.cancel()
            tree_peak = poller.stop() if poller else 0
        proc.returncode = os.waitstatus_to_exitcode(status)
        leftovers = _reap_leftovers(proc.pid)
        return RunResult(
            cmd=list(cmd),
            rc=proc.returncode,
            wall=wall,
            stdout=_read_file(out),
            stderr=_read_file(err),
            maxrss=usage.ru_maxrss * 1024,  # Linux reports KiB
            tree_peak=tree_peak,
            timed_out=timed_out.is_set(),
            leftovers=leftovers,
        )


def _kill_group(pgid: int) -> None:
    """SIGKILL the process group this harness created for one run."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap_leftovers(pgid: int) -> int:
    """Kill processes of a finished run that outlived its main process (they
    would disturb the next measurement); return how many there were."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return 0
    n = sum(1 for pid in _tree_pids(pgid) if pid != pgid)
    _kill_group(pgid)
    return max(n, 1)


# --------------------------------------------------------------------------
# metrics and results
# --------------------------------------------------------------------------


@dataclass
class Metric:
    key: str
    label: str
    unit: str  # "s", "us", "MB/s", "MB", "x"
    better: str = "lower"  # "lower" | "higher" | "" (informational)
    target: Optional[Tuple[str, float]] = None  # (op, value) applied to flowkit
    note: str = ""

    def meets(self, value: float) -> bool:
        op, bound = self.target  # type: ignore[misc]
        return value <= bound if op == "<=" else value >= bound

    def target_text(self) -> str:
        if not self.target:
            return ""
        return "%s %s" % (self.target[0], fmt_value(self.unit, self.target[1]))


def fmt_value(unit: str, v: Optional[float]) -> str:
    if v is None:
        return "-"
    if unit == "s":
        return "%.3f s" % v if v < 100 else "%.1f s" % v
    if unit == "us":
        return "%d us" % round(v)
    if unit == "MB/s":
        return "%.0f MB/s" % v
    if unit == "MB":
        return "%.1f MB" % v if abs(v) >= 10 else "%.3f MB" % v
    if unit == "x":
        return "%.2fx" % v
    return "%g %s" % (v, unit)


@dataclass
class FwResult:
    values: Dict[str, List[float]] = field(default_factory=dict)
    errors: List[str] = field(default_factory=list)
    failed_variants: set = field(default_factory=set)
    derived: Dict[str, float] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.values.setdefault(key, []).append(value)

    def median(self, key: str) -> Optional[float]:
        if key in self.derived:
            return self.derived[key]
        vals = self.values.get(key)
        return statistics.median(vals) if vals else None


# --------------------------------------------------------------------------
# the harness
# --------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, frameworks: List[Framework]):
        self.args = args
        self.frameworks = frameworks
        self.root = tempfile.mkdtemp(prefix="flowkit-bench-", dir=args.tmpdir or None)
        self.pycache = args.pycache
        os.makedirs(self.pycache, exist_ok=True)
        self.python = sys.executable

    def close(self) -> None:
        if self.args.keep:
            print("kept temp dirs under %s" % self.root)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    # temp dirs ----------------------------------------------------------

    def new_rep_dir(self, case: str, fw: Framework) -> str:
        d = tempfile.mkdtemp(prefix="%s-%s-" % (case, fw.name), dir=self.root)
        for sub in ("ds", "home", "work"):
            os.mkdir(os.path.join(d, sub))
        return d

    def drop_dir(self, d: str) -> None:
        if self.args.keep:
            print("      (kept %s)" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)

    # running flows ------------------------------------------------------

    def write_flow(self, rep_dir: str, fw: Framework, template: str) -> str:
        path = os.path.join(rep_dir, "flow.py")
        with open(path, "w") as f:
            f.write(template.replace(IMPORT_MARK, fw.import_line()))
        return path

    def run_flow(
        self,
        fw: Framework,
        rep_dir: str,
        flow_path: str,
        run_args: Sequence[str] = (),
        memory: bool = False,
    ) -> RunResult:
        cmd = [self.python, flow_path, "run", *run_args]
        env = fw.env(os.path.join(rep_dir, "home"), os.path.join(rep_dir, "ds"), self.pycache)
        res = run_measured(
            cmd,
            cwd=os.path.join(rep_dir, "work"),
            env=env,
            timeout=self.args.timeout,
            poll_interval=self.args.rss_poll if memory else 0.0,
        )
        self.check(res)
        return res

    def run_python(self, fw: Framework, rep_dir: str, argv: Sequence[str]) -> RunResult:
        res = run_measured(
            [self.python, *argv],
            cwd=os.path.join(rep_dir, "work"),
            env=fw.env(os.path.join(rep_dir, "home"), None, self.pycache),
            timeout=self.args.timeout,
        )
        self.check(res)
        return res

    @staticmethod
    def check(res: RunResult) -> None:
        if res.leftovers:
            print("      warning: %d process(es) outlived the run and were killed" % res.leftovers)
        if res.timed_out:
            raise CaseFailure("timed out after %.0f s: %s\n%s" % (res.wall, " ".join(res.cmd), res.tail()))
        if res.rc != 0:
            raise CaseFailure("exit code %d: %s\n%s" % (res.rc, " ".join(res.cmd), res.tail()))

    # driver -------------------------------------------------------------

    def probe(self, fw: Framework) -> None:
        """Check that the framework imports, record its version, and warm up:
        one untimed hello run fills the bytecode cache and the page cache so
        that the first timed repetition does not pay for either."""
        d = self.new_rep_dir("warmup", fw)
        try:
            code = (
                "import {m}; from {m} import FlowSpec, step\n"
                "try:\n    import numpy  # compiled into the bytecode cache too\n"
                "except ImportError:\n    pass\n"
                "print(getattr({m}, '__version__', '?'))"
            )
            res = self.run_python(fw, d, ["-c", code.format(m=fw.module)])
            out = res.stdout.strip()
            fw.version = out.splitlines()[-1] if out else "?"
        except CaseFailure as e:
            fw.unavailable = "cannot import %s: %s" % (fw.module, e)
            return
        finally:
            self.drop_dir(d)
        d = self.new_rep_dir("warmup", fw)
        try:
            self.run_flow(fw, d, self.write_flow(d, fw, HELLO_TEMPLATE))
        except CaseFailure as e:
            print("%-9s warm-up hello run failed (its cases will likely fail):\n      %s"
                  % (fw.name, str(e).replace("\n", "\n      ")))
        finally:
            self.drop_dir(d)

    def run_case(self, case: "Case", results: Dict[str, FwResult]) -> None:
        reps = self.args.reps if case.max_reps is None else min(self.args.reps, case.max_reps)
        variants = case.variants
        if self.args.quick and case.quick_variants and not self.args.only:
            variants = case.quick_variants
        print("\n== %s  (%d rep%s)  %s" % (case.name, reps, "" if reps == 1 else "s", case.title))
        for fw in self.frameworks:
            if fw.unavailable:
                results[fw.name].errors.append(fw.unavailable)
                results[fw.name].failed_variants.update(variants)
        for rep in range(reps):
            for variant in variants:
                for fw in self.frameworks:
                    r = results[fw.name]
                    if variant in r.failed_variants:
                        continue
                    label = "%s%s" % (fw.name, " [%s]" % variant if variant else "")
                    try:
                        vals = case.run(self, fw, variant)
                    except CaseFailure as e:
                        print("   rep %d/%d  %-24s FAILED (skipping its remaining reps)" % (rep + 1, reps, label))
                        print("      " + str(e).replace("\n", "\n      "))
                        r.errors.append("%s: %s" % (label, e))
                        r.failed_variants.add(variant)
                        continue
                    for k, v in vals.items():
                        r.add(k, v)
                    print("   rep %d/%d  %-24s %s" % (rep + 1, reps, label, case.describe(vals)))


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------


class Case:
    name = ""
    title = ""
    quick = False
    max_reps: Optional[int] = None
    variants: Tuple[str, ...] = ("",)
    quick_variants: Optional[Tuple[str, ...]] = None  # subset run under --quick
    metrics: List[Metric] = []
    requires: Tuple[str, ...] = ()

    def run(self, bench: Bench, fw: Framework, variant: str) -> Dict[str, float]:
        raise NotImplementedError

    def describe(self, vals: Dict[str, float]) -> str:
        units = {m.key: m.unit for m in self.metrics}
        return "  ".join("%s=%s" % (k, fmt_value(units.get(k, ""), v).replace(" ", "")) for k, v in vals.items())

    def derive(self, all_results: Dict[str, Dict[str, FwResult]]) -> None:
        """Compute metrics that combine medians (possibly of other cases)."""


def _expect(res: RunResult, needle: str) -> None:
    if needle not in res.output:
        raise CaseFailure("run succeeded but its output lacks %r\n%s" % (needle, res.tail()))


def _parse_bench_line(res: RunResult) -> Dict[str, float]:
    m = re.search(r"BENCH ((?:\w+=[-+0-9.eE]+ ?)+)", res.output)
    if not m:
        raise CaseFailure("no 'BENCH ...' line in the output\n%s" % res.tail())
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


HELLO_TEMPLATE = '''\
@IMPORT@


class HelloFlow(FlowSpec):
    @step
    def start(self):
        print("hello from start")
        self.next(self.end)

    @step
    def end(self):
        print("hello from end")


if __name__ == "__main__":
    HelloFlow()
'''


class HelloCase(Case):
    name = "hello"
    title = "start -> end, each step prints; wall time of `python flow.py run`"
    quick = True
    metrics = [Metric("wall", "wall time", "s", target=("<=", 0.3))]

    def run(self, bench, fw, variant):
        d = bench.new_rep_dir(self.name, fw)
        try:
            res = bench.run_flow(fw, d, bench.write_flow(d, fw, HELLO_TEMPLATE))
            _expect(res, "hello from end")
            return {"wall": res.wall}
        finally:
            bench.drop_dir(d)


def linear_template(n_steps: int) -> str:
    names = ["start"] + ["step%02d" % i for i in range(1, n_steps - 1)] + ["end"]
    lines = [IMPORT_MARK, "", "", "class Linear%dFlow(FlowSpec):" % n_steps]
    for i, name in enumerate(names):
        lines += ["    @step", "    def %s(self):" % name, '        print("in %s")' % name]
        if i + 1 < len(names):
            lines.append("        self.next(self.%s)" % names[i + 1])
        lines.append("")
    lines += ["", 'if __name__ == "__main__":', "    Linear%dFlow()" % n_steps, ""]
    return "\n".join(lines)


class Linear20Case(Case):
    name = "linear20"
    title = "20 steps in a chain; per-task overhead = (wall(linear20) - wall(hello)) / 18"
    quick = True
    requires = ("hello",)
    n_steps = 20
    metrics = [
        Metric("wall", "wall time", "s"),
        Metric("per_task", "per-task overhead", "s", target=("<=", 0.03),
               note="(median linear20 - median hello) / 18"),
    ]

    def run(self, bench, fw, variant):
        d = bench.new_rep_dir(self.name, fw)
        try:
            res = bench.run_flow(fw, d, bench.write_flow(d, fw, linear_template(self.n_steps)))
            _expect(res, "in end")
            return {"wall": res.wall}
        finally:
            bench.drop_dir(d)

    def derive(self, all_results):
        hello = all_results.get("hello", {})
        for fw_name, r in all_results[self.name].items():
            lin = r.median("wall")
            h = hello.get(fw_name).median("wall") if fw_name in hello else None
            if lin is not None and h is not None:
                r.derived["per_task"] = (lin - h) / (self.n_steps - 2)


FOREACH_TEMPLATE = '''\
@IMPORT@


class Foreach100Flow(FlowSpec):
    @step
    def start(self):
        self.items = list(range(100))
        self.next(self.body, foreach="items")

    @step
    def body(self):
        self.square = self.input * self.input
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(inp.square for inp in inputs)
        print("BENCH total=%d" % self.total)
        self.next(self.end)

    @step
    def end(self):
        print("foreach done")


if __name__ == "__main__":
    Foreach100Flow()
'''


class Foreach100Case(Case):
    name = "foreach100"
    title = "foreach over 100 ints -> trivial body -> join -> end"
    quick = True
    variants = ("default workers", "--max-workers 2")
    quick_variants = ("default workers",)  # Metaflow needs about a minute per variant
    metrics = [
        Metric("wall_default", "wall, default workers", "s", target=("<=", 3.0)),
        Metric("wall_mw2", "wall, --max-workers 2", "s", target=("<=", 3.0)),
    ]

    def run(self, bench, fw, variant):
        mw2 = variant.startswith("--max-workers")
        d = bench.new_rep_dir(self.name, fw)
        try:
            res = bench.run_flow(
                fw, d, bench.write_flow(d, fw, FOREACH_TEMPLATE),
                run_args=["--max-workers", "2"] if mw2 else [],
            )
            total = _parse_bench_line(res).get("total")
            if total != sum(i * i for i in range(100)):
                raise CaseFailure("join computed total=%r, expected 328350\n%s" % (total, res.tail()))
            return {"wall_mw2" if mw2 else "wall_default": res.wall}
        finally:
            bench.drop_dir(d)


ARTIFACT_TEMPLATE = '''\
import os
import time
@EXTRA_IMPORTS@
@IMPORT@


class ArtifactFlow(FlowSpec):
    @step
    def start(self):
        self.@NAME@ = @MAKE@
        self.t_made = time.time()
        self.next(self.check)

    @step
    def check(self):
        t0 = time.time()
        @READ@
        t1 = time.time()
        self.persist_s = t0 - self.t_made
        self.read_s = t1 - t0
        n = @NBYTES@
        print("BENCH persist_s=%.6f read_s=%.6f n=%d" % (self.persist_s, self.read_s, n))
        self.next(self.end)

    @step
    def end(self):
        print("artifact done")


if __name__ == "__main__":
    ArtifactFlow()
'''


class ArtifactCase(Case):
    """Persist one big artifact in `start`, read it first thing in `check`."""

    artifact_name = ""
    extra_imports = ""  # module imports the flow needs beyond os and time
    make_expr = ""  # expression producing the artifact ({n}: size in bytes)
    read_stmt = ""  # statement that forces the load (timed)
    nbytes_expr = ""  # artifact size in bytes, evaluated after the timed read
    nominal_bytes = 0

    def __init__(self, scale: float):
        self.size = max(1, int(self.nominal_bytes * scale))
        self.metrics = [
            Metric("persist_mbs", "persist throughput", "MB/s", better="higher", target=(">=", 500.0),
                   note="includes one task start"),
            Metric("read_mbs", "first read throughput", "MB/s", better="higher", target=(">=", 1000.0)),
            Metric("peak_x", "peak memory / artifact size", "x", target=("<=", 1.5),
                   note="max(largest process RSS, polled tree PSS)"),
            Metric("wall", "wall time (whole run)", "s", better=""),
        ]

    def source(self) -> str:
        return (
            ARTIFACT_TEMPLATE.replace("@EXTRA_IMPORTS@", self.extra_imports)
            .replace("@NAME@", self.artifact_name)
            .replace("@MAKE@", self.make_expr.format(n=self.size))
            .replace("@READ@", self.read_stmt)
            .replace("@NBYTES@", self.nbytes_expr)
        )

    def run(self, bench, fw, variant):
        d = bench.new_rep_dir(self.name, fw)
        try:
            res = bench.run_flow(fw, d, bench.write_flow(d, fw, self.source()), memory=True)
            vals = _parse_bench_line(res)
            for k in ("persist_s", "read_s", "n"):
                if k not in vals:
                    raise CaseFailure("BENCH line lacks %s\n%s" % (k, res.tail()))
            self.check_n(int(vals["n"]))
            peak = max(res.maxrss, res.tree_peak)
            return {
                "persist_mbs": self.size / MB / max(vals["persist_s"], 1e-9),
                "read_mbs": self.size / MB / max(vals["read_s"], 1e-9),
                "peak_x": peak / self.size,
                "wall": res.wall,
                "persist_s": vals["persist_s"],
                "read_s": vals["read_s"],
                "maxrss_mb": res.maxrss / MB,
                "tree_peak_mb": res.tree_peak / MB,
            }
        finally:
            bench.drop_dir(d)

    def check_n(self, n: int) -> None:
        pass


class ArtifactBytesCase(ArtifactCase):
    name = "artifact_bytes_1g"
    title = "self.blob = os.urandom(1 GiB); read back with len(self.blob)"
    artifact_name = "blob"
    make_expr = "os.urandom({n})"
    read_stmt = "n = len(self.blob)"
    nbytes_expr = "n"
    nominal_bytes = GIB

    def check_n(self, n):
        if n != self.size:
            raise CaseFailure("len(self.blob) == %d, expected %d" % (n, self.size))


class ArtifactNumpyCase(ArtifactCase):
    name = "artifact_numpy_800m"
    title = "self.arr = 100M float64 (800 MB); read back with float(self.arr[-1])"
    artifact_name = "arr"
    extra_imports = "\nimport numpy\n"
    make_expr = "numpy.random.default_rng(0).random({n} // 8)"
    read_stmt = "last = float(self.arr[-1])"
    nbytes_expr = "self.arr.nbytes"
    nominal_bytes = 800_000_000


DEDUP_TEMPLATE = '''\
import random

@IMPORT@


class DedupFlow(FlowSpec):
    @step
    def start(self):
        self.payload = random.Random(0).randbytes(@SIZE@)
        self.next(self.end)

    @step
    def end(self):
        print("dedup done")


if __name__ == "__main__":
    DedupFlow()
'''


def tree_bytes(path: str) -> int:
    """Sum of the apparent sizes of all regular files under path."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if not os.path.islink(os.path.join(root, name)):
                total += st.st_size
    return total


class DedupCase(Case):
    name = "dedup_200m"
    title = "same 200 MiB value stored by two runs into one datastore dir"
    max_reps = 1  # byte counts are deterministic; one pass per framework
    nominal_bytes = 200 << 20

    def __init__(self, scale: float):
        self.size = max(1, int(self.nominal_bytes * scale))
        self.metrics = [
            Metric("bytes_run1", "datastore bytes after run 1", "MB"),
            Metric("bytes_run2", "datastore bytes after run 2", "MB"),
            Metric("added_run2", "bytes added by run 2", "MB"),
            Metric("wall_run1", "wall time run 1", "s", better=""),
            Metric("wall_run2", "wall time run 2", "s", better=""),
        ]

    def run(self, bench, fw, variant):
        d = bench.new_rep_dir(self.name, fw)
        try:
            flow = bench.write_flow(d, fw, DEDUP_TEMPLATE.replace("@SIZE@", str(self.size)))
            ds = os.path.join(d, "ds")
            r1 = bench.run_flow(fw, d, flow)
            b1 = tree_bytes(ds)
            r2 = bench.run_flow(fw, d, flow)
            b2 = tree_bytes(ds)
            return {
                "bytes_run1": b1 / MB,
                "bytes_run2": b2 / MB,
                "added_run2": (b2 - b1) / MB,
                "wall_run1": r1.wall,
                "wall_run2": r2.wall,
            }
        finally:
            bench.drop_dir(d)


_IMPORTTIME_RE = re.compile(r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( *)(\S+)\s*$")


def importtime_cumulative(stderr: str, module: str) -> Optional[int]:
    """Cumulative microseconds of the least-indented `module` line."""
    best = None
    for line in stderr.splitlines():
        m = _IMPORTTIME_RE.match(line)
        if m and m.group(4) == module:
            depth = len(m.group(3))
            if best is None or depth < best[0]:
                best = (depth, int(m.group(2)))
    return best[1] if best else None


class ImportCase(Case):
    name = "import"
    title = "python -X importtime -c 'import X' and wall time of python -c 'import X'"
    quick = True
    metrics = [
        Metric("importtime_us", "importtime cumulative (top-level pkg)", "us"),
        Metric("wall", "wall: python -c 'import X'", "s", target=("<=", 0.1)),
        Metric("baseline", "wall: python -c 'pass' (reference)", "s", better=""),
        Metric("wall_net", "wall: import X minus pass", "s"),
    ]

    def run(self, bench, fw, variant):
        d = bench.new_rep_dir(self.name, fw)
        try:
            res = bench.run_python(fw, d, ["-X", "importtime", "-c", "import %s" % fw.module])
            cum = importtime_cumulative(res.stderr, fw.module)
            if cum is None:
                raise CaseFailure("no importtime line for %s\n%s" % (fw.module, res.tail()))
            wall = bench.run_python(fw, d, ["-c", "import %s" % fw.module]).wall
            base = bench.run_python(fw, d, ["-c", "pass"]).wall
            return {"importtime_us": cum, "wall": wall, "baseline": base, "wall_net": wall - base}
        finally:
            bench.drop_dir(d)


def all_cases(scale: float) -> List[Case]:
    return [
        HelloCase(),
        Linear20Case(),
        Foreach100Case(),
        ArtifactBytesCase(scale),
        ArtifactNumpyCase(scale),
        DedupCase(scale),
        ImportCase(),
    ]


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b == 0:
        return None
    return a / b


def build_rows(cases: List[Case], results: Dict[str, Dict[str, FwResult]], fw_names: List[str]):
    rows = []
    for case in cases:
        for m in case.metrics:
            row = {"case": case.name, "metric": m.key, "label": m.label, "unit": m.unit,
                   "better": m.better, "target": m.target_text() or None, "note": m.note}
            cell = {}
            for fw in ("flowkit", "metaflow"):
                if fw not in fw_names:
                    cell[fw] = ("-", None)
                    continue
                r = results[case.name][fw]
                v = r.median(m.key)
                if v is not None:
                    cell[fw] = (fmt_value(m.unit, v), v)
                elif r.errors:
                    cell[fw] = ("FAILED", None)
                else:
                    cell[fw] = ("n/a", None)
                row[fw] = v
                row[fw + "_values"] = r.values.get(m.key, [])
            fk, mf = cell["flowkit"][1], cell["metaflow"][1]
            row["mf_over_fk"] = _ratio(mf, fk)
            row["fk_over_mf"] = _ratio(fk, mf)
            if not m.target or "flowkit" not in fw_names:
                meets = ""
            elif fk is None:
                meets = "FAILED" if cell["flowkit"][0] == "FAILED" else "n/a"
            else:
                meets = "yes" if m.meets(fk) else "NO"
            row["flowkit_meets"] = meets
            row["_cells"] = cell
            if all(text in ("-", "n/a") for text, _v in cell.values()):
                continue  # not run at all (e.g. a variant left out by --quick)
            rows.append(row)
    return rows


def print_table(rows) -> None:
    header = ["case", "metric", "flowkit", "metaflow", "mf/fk", "fk/mf", "target", "fk ok"]
    table = [header]
    for r in rows:
        table.append([
            r["case"],
            r["label"],
            r["_cells"]["flowkit"][0],
            r["_cells"]["metaflow"][0],
            "%.2f" % r["mf_over_fk"] if r["mf_over_fk"] is not None else "-",
            "%.2f" % r["fk_over_mf"] if r["fk_over_mf"] is not None else "-",
            r["target"] or "",
            r["flowkit_meets"],
        ])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    right = {2, 3, 4, 5}

    def fmt(row):
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)
        ).rstrip()

    print(fmt(table[0]))
    print("  ".join("-" * w for w in widths))
    prev = None
    for row in table[1:]:
        if prev is not None and row[0] != prev:
            print()
        prev = row[0]
        print(fmt(row))


LEGEND = """\
Values are medians over the repetitions.  mf/fk and fk/mf are plain ratios of the
two medians: for times and sizes (lower is better) mf/fk is flowkit's speed-up
(or saving); for MB/s (higher is better) fk/mf is.  Targets apply to flowkit.
Notes: persist MB/s = size / (t0 in `check` - t_made in `start`), so it also
includes finishing the `start` task and launching the `check` task.  First-read
MB/s is served from the page cache (the data was just written).  Peak memory =
max(RSS high-water mark of the largest single process via wait4 rusage, polled
PSS sum of the whole process tree), divided by the artifact size; it includes
the interpreter and framework baseline.  MB = 10^6 bytes."""


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=None,
                   help="repetitions per case and framework (default 5; 1 with --quick)")
    p.add_argument("--only", action="append", default=[], metavar="NAME[,NAME]",
                   help="run only these cases (repeatable, comma separated)")
    p.add_argument("--skip", action="append", default=[], metavar="NAME[,NAME]",
                   help="skip these cases (repeatable, comma separated)")
    p.add_argument("--quick", action="store_true",
                   help="only the fast cases (hello, linear20, foreach100 without its "
                        "--max-workers 2 variant, import) and 1 rep unless --reps is given; "
                        "with --only it just lowers the default reps")
    p.add_argument("--frameworks", default="flowkit,metaflow",
                   help="comma separated, run in this order within each repetition")
    p.add_argument("--json", metavar="OUT.json", help="also write all results as JSON")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument("--timeout", type=float, default=1800.0,
                   help="seconds before one run is killed (default 1800)")
    p.add_argument("--rss-poll", type=float, default=0.1, metavar="SECONDS",
                   help="interval of the /proc tree-memory sampler in the artifact cases "
                        "(0 disables it; wait4 rusage is always recorded)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiply artifact/dedup sizes (for testing the harness; "
                        "targets are meant for 1.0)")
    p.add_argument("--flowkit-src", default=REPO_ROOT,
                   help="directory prepended to PYTHONPATH for flowkit runs "
                        "(default: this repository; '' to use an installed flowkit)")
    p.add_argument("--tmpdir", default="", help="parent directory for the temp dirs")
    p.add_argument("--pycache", default=os.path.join(tempfile.gettempdir(), "flowkit-bench-pycache"),
                   help="PYTHONPYCACHEPREFIX for every run (kept between invocations; "
                        "default: %(default)s)")
    p.add_argument("--keep", action="store_true", help="keep the temp dirs (debugging)")
    args = p.parse_args(argv)
    if args.reps is None:
        args.reps = 1 if args.quick else 5
    if args.reps < 1:
        p.error("--reps must be >= 1")
    return args


def _split(values: List[str]) -> List[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def select_cases(args, cases: List[Case]) -> List[Case]:
    by_name = {c.name: c for c in cases}
    only, skip = _split(args.only), _split(args.skip)
    for n in only + skip:
        if n not in by_name:
            raise SystemExit("unknown case %r; known: %s" % (n, ", ".join(by_name)))
    if only:
        chosen = set(only)
    elif args.quick:
        chosen = {c.name for c in cases if c.quick}
    else:
        chosen = set(by_name)
    chosen -= set(skip)
    # linear20's per-task figure needs hello's median from the same invocation
    for c in cases:
        if c.name in chosen:
            for dep in c.requires:
                if dep not in chosen:
                    print("note: %s needs %s; running it too" % (c.name, dep))
                    chosen.add(dep)
    return [c for c in cases if c.name in chosen]


def main(argv=None) -> int:
    args = parse_args(argv)
    cases = all_cases(args.scale)
    if args.list:
        for c in cases:
            print("%-20s %s%s" % (c.name, c.title, "" if c.quick else "   [not in --quick]"))
        return 0
    selected = select_cases(args, cases)
    fw_names = _split([args.frameworks])
    frameworks = make_frameworks(fw_names, args.flowkit_src)
    bench = Bench(args, frameworks)
    try:
        return run_all(args, bench, selected, fw_names)
    finally:
        bench.close()


def run_all(args, bench: Bench, selected: List[Case], fw_names: List[str]) -> int:
    frameworks = bench.frameworks
    print("python %s on %s, %d cpu(s)" % (platform.python_version(), platform.platform(), os.cpu_count() or 0))
    for fw in frameworks:
        bench.probe(fw)
        if fw.unavailable:
            print("%-9s UNAVAILABLE (all its cases will show FAILED)\n%s" % (fw.name, fw.unavailable))
        else:
            src = " (PYTHONPATH += %s)" % fw.extra_path if fw.extra_path else ""
            print("%-9s %s%s" % (fw.name, fw.version, src))
    if any(fw.name == "metaflow" for fw in frameworks):
        try:
            import pylint  # noqa: F401
            print("warning: pylint is installed; Metaflow lints the flow on every `run`, "
                  "which inflates its wall times")
        except ImportError:
            pass
    print("cases: %s; reps: %d; frameworks: %s" % (", ".join(c.name for c in selected), args.reps, ", ".join(fw_names)))

    results: Dict[str, Dict[str, FwResult]] = {c.name: {fw.name: FwResult() for fw in frameworks} for c in selected}
    t_start = time.time()
    for case in selected:
        bench.run_case(case, results[case.name])
    for case in selected:
        case.derive(results)

    rows = build_rows(selected, results, fw_names)
    print("\n== results (%.0f s total)\n" % (time.time() - t_start))
    print_table(rows)
    print()
    print(LEGEND)

    failures = [(c.name, fw, e) for c in selected for fw, r in results[c.name].items() for e in r.errors]
    if failures:
        print("\nfailures:")
        seen = set()
        for case_name, fw, err in failures:
            first = err.splitlines()[0]
            if (fw, first) not in seen:
                seen.add((fw, first))
                print("  %-20s %-9s %s" % (case_name, fw, first[:160]))

    if args.json:
        doc = {
            "meta": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "reps": args.reps,
                "scale": args.scale,
                "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t_start)),
                "frameworks": {fw.name: {"version": fw.version, "unavailable": fw.unavailable or None}
                               for fw in frameworks},
            },
            "rows": [{k: v for k, v in r.items() if k != "_cells"} for r in rows],
            "cases": {
                c.name: {
                    fw: {
                        "values": r.values,
                        "medians": {k: statistics.median(v) for k, v in r.values.items() if v},
                        "derived": r.derived,
                        "errors": r.errors,
                    }
                    for fw, r in results[c.name].items()
                }
                for c in selected
            },
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2)
        print("\nwrote %s" % args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
