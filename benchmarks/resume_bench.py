#!/usr/bin/env python3
"""Resume benchmark: a 5-step linear flow fails at step 4; time `resume`, flowkit vs Metaflow.

Each repetition uses a fresh datastore: one `run` with FAIL=s4 set (step s4 raises), then the
timed `python flow.py resume` (both frameworks default to the user's latest run), which clones
start..s3 and reruns s4 and end. Medians of --reps repetitions, interleaved.

Run:  pip install metaflow   then   python benchmarks/resume_bench.py [--reps 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_env import env_for

FLOW = """import os
from {fw} import FlowSpec, step


class ResumeBenchFlow(FlowSpec):
    @step
    def start(self):
        self.x = 1
        self.next(self.s2)

    @step
    def s2(self):
        self.x += 1
        self.next(self.s3)

    @step
    def s3(self):
        self.x += 1
        self.next(self.s4)

    @step
    def s4(self):
        if os.environ.get("FAIL") == "s4":
            raise RuntimeError("step 4 fails on the first run")
        self.x += 1
        self.next(self.end)

    @step
    def end(self):
        print("x =", self.x)


if __name__ == "__main__":
    ResumeBenchFlow()
"""


def env_with(fw: str, root: str, fail: bool) -> dict:
    env = env_for(fw, root)
    env.pop("FAIL", None)
    if fail:
        env["FAIL"] = "s4"
    return env


def once(fw: str, tmp: str) -> float:
    root = tempfile.mkdtemp(prefix=f"{fw}-", dir=tmp)
    flow = os.path.join(root, "flow.py")
    with open(flow, "w") as f:
        f.write(FLOW.format(fw=fw))
    first = subprocess.run([sys.executable, flow, "run"], env=env_with(fw, root, True),
                           capture_output=True, text=True, cwd=root, timeout=600)
    if first.returncode == 0:
        raise RuntimeError(f"{fw}: the first run should have failed")
    t = time.perf_counter()
    resumed = subprocess.run([sys.executable, flow, "resume"], env=env_with(fw, root, False),
                             capture_output=True, text=True, cwd=root, timeout=600)
    elapsed = time.perf_counter() - t
    if resumed.returncode != 0 or "x = 4" not in resumed.stdout + resumed.stderr:
        raise RuntimeError(f"{fw} resume failed:\n{resumed.stdout[-2000:]}\n"
                           f"{resumed.stderr[-2000:]}")
    shutil.rmtree(root, ignore_errors=True)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--frameworks", default="flowkit,metaflow")
    args = ap.parse_args()
    fws = args.frameworks.split(",")
    tmp = tempfile.mkdtemp(prefix="flowkit-resume-bench-")
    times = {fw: [] for fw in fws}
    try:
        for _ in range(args.reps):
            for fw in fws:
                times[fw].append(once(fw, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for fw in fws:
        print(f"{fw:>9}: resume median {statistics.median(times[fw]):.3f} s  "
              f"(runs: {', '.join(f'{t:.2f}' for t in times[fw])})")
    if len(fws) == 2:
        a, b = (statistics.median(times[fw]) for fw in fws)
        print(f"speed-up {fws[1]}/{fws[0]}: {b / a:.1f}x")


if __name__ == "__main__":
    main()
