#!/usr/bin/env python3
"""S3 benchmark: flowkit's and Metaflow's S3 datastores on the same moto server, side by side.

Starts moto's HTTP server on 127.0.0.1 in this process, gives each framework its own bucket,
and runs (interleaved, --reps times):

- hello: a two-step flow with everything in S3; wall time of `python flow.py run`;
- artifact: `start` stores `os.urandom(--mb MB)`, `end` reads it back; persist MB/s is
  size / (end's first statement - start's last), read MB/s is size / time of `len(self.blob)`.

Run:  pip install metaflow "moto[server]" boto3   then   python benchmarks/s3_bench.py
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_env import env_for

HELLO = """from {fw} import FlowSpec, step


class S3Hello(FlowSpec):
    @step
    def start(self):
        self.x = 1
        self.next(self.end)

    @step
    def end(self):
        print("x", self.x)


if __name__ == "__main__":
    S3Hello()
"""

ARTIFACT = """import os
import time
from {fw} import FlowSpec, step


class S3Artifact(FlowSpec):
    @step
    def start(self):
        self.blob = os.urandom({size})
        self.t_made = time.time()
        self.next(self.end)

    @step
    def end(self):
        t0 = time.time()
        n = len(self.blob)
        t1 = time.time()
        print(f"BENCH persist_s={{t0 - self.t_made:.4f}} read_s={{t1 - t0:.4f}} n={{n}}")


if __name__ == "__main__":
    S3Artifact()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(fw: str, source: str, endpoint: str, bucket: str, tmp: str) -> subprocess.CompletedProcess:
    root = tempfile.mkdtemp(prefix=f"{fw}-", dir=tmp)
    flow = os.path.join(root, "flow.py")
    with open(flow, "w") as f:
        f.write(source.format(fw=fw))
    prefix = "FLOWKIT" if fw == "flowkit" else "METAFLOW"
    env = env_for(fw, root, **{
        f"{prefix}_DEFAULT_DATASTORE": "s3",
        f"{prefix}_DATASTORE_SYSROOT_S3": f"s3://{bucket}/{os.path.basename(root)}",
        f"{prefix}_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1"})
    proc = subprocess.Popen([sys.executable, flow, "run"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=root)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)   # ru_maxrss: the largest process of this run
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{fw} failed:\n{out[-3000:]}")
    return out, usage.ru_maxrss * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--frameworks", default="flowkit,metaflow")
    args = ap.parse_args()
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no line per request

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="us-east-1")
    s3 = boto3.client("s3", endpoint_url=endpoint)
    fws = args.frameworks.split(",")
    for fw in fws:
        s3.create_bucket(Bucket=f"bench-{fw}")
    tmp = tempfile.mkdtemp(prefix="flowkit-s3-bench-")
    size = args.mb * 1_000_000
    results = {fw: {"hello": [], "persist": [], "read": [], "peak": []} for fw in fws}
    try:
        for rep in range(args.reps):
            for fw in fws:
                t = time.perf_counter()
                run(fw, HELLO, endpoint, f"bench-{fw}", tmp)
                results[fw]["hello"].append(time.perf_counter() - t)
                out, peak = run(fw, ARTIFACT.replace("{size}", str(size)), endpoint,
                                f"bench-{fw}", tmp)
                results[fw]["peak"].append(peak / size)
                m = re.search(r"BENCH persist_s=([\d.]+) read_s=([\d.]+)", out)
                results[fw]["persist"].append(size / 1e6 / float(m.group(1)))
                results[fw]["read"].append(size / 1e6 / max(float(m.group(2)), 1e-9))
                print(f"rep {rep + 1} {fw}: hello {results[fw]['hello'][-1]:.2f}s, persist "
                      f"{results[fw]['persist'][-1]:.0f} MB/s, read "
                      f"{results[fw]['read'][-1]:.0f} MB/s", file=sys.stderr, flush=True)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'':>20}" + "".join(f"{fw:>12}" for fw in fws))
    for key, unit in (("hello", "s"), ("persist", "MB/s"), ("read", "MB/s"),
                      ("peak", "x size")):
        cells = [statistics.median(results[fw][key]) for fw in fws]
        print(f"{key + ' (' + unit + ')':>20}" + "".join(f"{c:>12.2f}" for c in cells))
    print("\nTargets (flowkit): hello on S3 <= 1 s; persist >= 50 MB/s; read >= 70 MB/s.")


if __name__ == "__main__":
    main()
