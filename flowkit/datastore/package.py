"""The code package: a deterministic tar of the flow file and the Python files beside it.

It is stored in the content-addressed store, so a run whose code did not change adds nothing,
and a remote task (or ``Run.code``) gets exactly the code of its run.
"""

from __future__ import annotations

import io
import os
from typing import Iterator, Tuple

from .cas import ContentAddressedStore

SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".flowkit", ".metaflow", "node_modules",
             ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache", "build", "dist"}
MAX_FILES = 2000
SUFFIXES = (".py",)


def package_files(flow_file: str) -> Iterator[Tuple[str, str]]:
    """(path in archive, path on disk) of every .py file under the flow file's folder."""
    root = os.path.dirname(os.path.abspath(flow_file))
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(SUFFIXES):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, root), path
                count += 1
                if count >= MAX_FILES:
                    return


def build_package(flow_file: str) -> bytes:
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for arcname, path in package_files(flow_file):
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            info = tarfile.TarInfo(arcname)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def store_package(cas: ContentAddressedStore, flow_file: str) -> Tuple[str, int]:
    """(sha, size) of the stored code package (raw tar bytes, encoding 'b')."""
    data = build_package(flow_file)
    sha, size, _ = cas.put([b"b", data])
    return sha, size

