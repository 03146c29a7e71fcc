#!/usr/bin/env python3
"""Client benchmark: listing and reading runs, flowkit vs Metaflow, side by side.

For each framework and each size (default 200 and 10,000 runs) the script:

1. runs one real flow (`start` sets `x`, `end` sets `y`) with the tag `prod-ready`;
2. adds N-1 older runs cheaply by writing each framework's own per-run listing records
   (flowkit: the run record and its creation event as `new_run` writes them, then the real
   `finish_run`, which also keeps the index snapshot current as real runs do; Metaflow: the
   run's `_meta/_self.json`, which its local metadata provider lists). Every 100th added run is
   tagged `prod-ready`. The newest run is the real one, so both clients find the latest
   successful run without scanning;
3. in a fresh interpreter, times `import`, then each operation once cold and 5 times warm:
   listing every run in the namespace (`list(Flow(name))`), `Flow(name).latest_successful_run`,
   reading one artifact (`Run(...)['end'].task.data.y`), filtering by tag
   (`list(Flow(name).runs('prod-ready'))`).

Run:  pip install metaflow   then   python benchmarks/client_bench.py [--sizes 200,10000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_env import REPO, env_for

FLOW = """from {fw} import FlowSpec, step


class ClientBenchFlow(FlowSpec):
    @step
    def start(self):
        self.x = 41
        self.next(self.end)

    @step
    def end(self):
        self.y = self.x + 1


if __name__ == "__main__":
    ClientBenchFlow()
"""

PROBE = r"""
import json, statistics, sys, time
t0 = time.perf_counter()
from {fw} import Flow, Run, namespace
t_import = time.perf_counter() - t0
name, run_id = "ClientBenchFlow", sys.argv[1]

def timed(fn, reps=5):
    t = time.perf_counter(); out = fn(); cold = time.perf_counter() - t
    warm = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); warm.append(time.perf_counter() - t)
    return out, cold, statistics.median(warm)

res = {{"import_s": t_import}}
runs, res["list_cold"], res["list_warm"] = timed(lambda: list(Flow(name)))
res["n_runs"] = len(runs)
latest, res["latest_cold"], res["latest_warm"] = timed(lambda: Flow(name).latest_successful_run)
res["latest_id"] = latest.id
val, res["artifact_cold"], res["artifact_warm"] = timed(
    lambda: Run(name + "/" + run_id)["end"].task.data.y)
res["artifact_value"] = val
tagged, res["tag_cold"], res["tag_warm"] = timed(lambda: list(Flow(name).runs("prod-ready")))
res["n_tagged"] = len(tagged)
print("RESULT " + json.dumps(res))
"""


def real_run(fw: str, root: str) -> str:
    flow = os.path.join(root, "flow.py")
    with open(flow, "w") as f:
        f.write(FLOW.format(fw=fw))
    id_file = os.path.join(root, "run-id")
    proc = subprocess.run([sys.executable, flow, "run", "--tag", "prod-ready", "--run-id-file",
                           id_file], env=env_for(fw, root), capture_output=True, text=True,
                          cwd=root, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{fw} run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return open(id_file).read().strip()


def add_flowkit_runs(root: str, real_id: str, n: int) -> None:
    sys.path.insert(0, REPO)
    from flowkit.datastore.local import LocalBackend
    from flowkit.metadata.provider import MetadataStore, _dumps

    backend = LocalBackend(os.path.join(root, ".flowkit"))
    meta = MetadataStore(backend)
    real = meta.run_record("ClientBenchFlow", real_id)
    for k in range(1, n):
        run_id = str(int(real_id) - k)
        tags = ["prod-ready"] if k % 100 == 0 else []
        rec = dict(real, run_id=run_id, tags=tags, created_at=real["created_at"] - k)
        backend.put(f"ClientBenchFlow/runs/{run_id}/_run.json", [_dumps(rec)])
        # what new_run records (with an id of our choosing), then the real finish_run
        meta.index.append("ClientBenchFlow", ["c", run_id, "bench", rec["created_at"], tags,
                                              real["system_tags"]])
        meta.finish_run("ClientBenchFlow", run_id, "succeeded")


def add_metaflow_runs(root: str, real_id: str, n: int) -> None:
    base = os.path.join(root, ".metaflow", "ClientBenchFlow")
    with open(os.path.join(base, real_id, "_meta", "_self.json")) as f:
        real = json.load(f)
    for k in range(1, n):
        run_id = str(int(real_id) - k)
        rec = dict(real, run_number=run_id, tags=["prod-ready"] if k % 100 == 0 else [],
                   ts_epoch=real["ts_epoch"] - k * 1000)
        folder = os.path.join(base, run_id, "_meta")
        os.makedirs(folder)
        with open(os.path.join(folder, "_self.json"), "w") as f:
            json.dump(rec, f)


def measure(fw: str, size: int, tmp: str) -> dict:
    root = tempfile.mkdtemp(prefix=f"{fw}-{size}-", dir=tmp)
    real_id = real_run(fw, root)
    t = time.perf_counter()
    (add_flowkit_runs if fw == "flowkit" else add_metaflow_runs)(root, real_id, size)
    setup = time.perf_counter() - t
    proc = subprocess.run([sys.executable, "-c", PROBE.format(fw=fw), real_id],
                          env=env_for(fw, root), capture_output=True, text=True, cwd=root,
                          timeout=1800)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"{fw} probe failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    res = json.loads(line[7:])
    res["setup_s"] = setup
    assert res["n_runs"] == size, (fw, res["n_runs"], size)
    assert res["latest_id"] == real_id and res["artifact_value"] == 42
    assert res["n_tagged"] == 1 + (size - 1) // 100, res["n_tagged"]
    shutil.rmtree(root, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200,10000")
    ap.add_argument("--frameworks", default="flowkit,metaflow")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    fws = args.frameworks.split(",")
    tmp = tempfile.mkdtemp(prefix="flowkit-client-bench-")
    results = {}
    try:
        for size in sizes:
            for fw in fws:
                print(f"measuring {fw} at {size} runs ...", file=sys.stderr, flush=True)
                results[(fw, size)] = measure(fw, size, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ops = [("import_s", "import"), ("list", "list all runs"), ("latest", "latest_successful"),
           ("artifact", "read one artifact"), ("tag", "filter by tag")]
    print(f"\n{'runs':>6} {'operation':<20} " + " ".join(f"{fw + ' cold/warm ms':>26}" for fw in fws)
          + "   speed-up (cold)")
    for size in sizes:
        for key, label in ops:
            cells, colds = [], []
            for fw in fws:
                r = results[(fw, size)]
                if key == "import_s":
                    cells.append(f"{r[key] * 1000:>26.1f}")
                    colds.append(r[key])
                else:
                    cells.append(f"{r[key + '_cold'] * 1000:>16.1f} / {r[key + '_warm'] * 1000:>7.2f}")
                    colds.append(r[key + "_cold"])
            ratio = f"{colds[1] / colds[0]:.1f}x" if len(colds) == 2 and colds[0] > 0 else ""
            print(f"{size:>6} {label:<20} " + " ".join(cells) + f"   {ratio}")
    print("\nTargets (flowkit): <= 5 ms per operation at 200 runs, <= 50 ms at 10,000, "
          "import <= 100 ms.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{fw}/{size}": r for (fw, size), r in results.items()}, f, indent=2)


if __name__ == "__main__":
    main()
