#!/usr/bin/env python3
"""What this machine allows, to read artifact throughput against: SHA-1, and writing and reading
1 GiB through the page cache, in this Python. flowkit's persist is bounded by max(hash, write)
(it overlaps them) and its first read by max(read, hash); run this right before or after
runtime_bench.py, since the machine's speed drifts.

    python benchmarks/machine_ceiling.py
"""

from __future__ import annotations

import hashlib
import os
import statistics
import tempfile
import time

SIZE = 1 << 30
CHUNK = 8 << 20


def measure() -> dict:
    data = os.urandom(SIZE)
    mv = memoryview(data)
    t = time.perf_counter()
    h = hashlib.sha1()
    for i in range(0, SIZE, CHUNK):
        h.update(mv[i:i + CHUNK])
    sha1 = SIZE / (time.perf_counter() - t)
    fd, path = tempfile.mkstemp(prefix="ceiling-")
    try:
        t = time.perf_counter()
        with os.fdopen(fd, "wb") as f:
            for i in range(0, SIZE, CHUNK):
                f.write(mv[i:i + CHUNK])
        write = SIZE / (time.perf_counter() - t)
        t = time.perf_counter()
        with open(path, "rb", buffering=0) as f:
            back = f.read()
        read = SIZE / (time.perf_counter() - t)
        assert len(back) == SIZE
    finally:
        os.unlink(path)
    return {"sha1": sha1, "write": write, "read": read}


def main() -> None:
    runs = [measure() for _ in range(3)]
    for key in ("sha1", "write", "read"):
        values = [r[key] / 1e6 for r in runs]
        print(f"{key:>6}: median {statistics.median(values):7.0f} MB/s  "
              f"({', '.join(f'{v:.0f}' for v in values)})")


if __name__ == "__main__":
    main()
