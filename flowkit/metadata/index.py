"""The run index of a flow: one append-only log of small events, folded into run entries.

    ["c", run_id, user, created_at, [tags], [system tags]]   a run was created
    ["f", run_id, status, finished_at]                       a run ended
    ["t", run_id, [removed], [added]]                        user tags changed

Each event is one line appended with a single write (O_APPEND), so concurrent writers never
interleave or clobber each other, and tag changes are deltas, so there is no read-modify-write
race between two clients tagging the same run. Readers parse the whole log with one
``json.loads`` (tens of milliseconds for ten thousand runs) and then only the bytes appended
since, so a client sees every change at once without re-reading what it already knows.

A reader that folded a large stretch of log saves a snapshot (``index.log.snap``: the folded
entries and the log offset they cover), so the next process starts from it and folds only the
tail. If the log is missing (a datastore copied without it), the metadata store rebuilds it
from the per-run records.
"""

from __future__ import annotations

import json
import marshal
import os
import threading
import time
import uuid
from typing import Dict, List, Optional, Tuple

from ..datastore.backend import StorageBackend


class RunEntry:
    """What the index knows of one run (a plain slotted class: ten thousand are built at once)."""

    __slots__ = ("run_id", "user", "created_at", "tags", "system_tags", "status", "finished_at")

    def __init__(self, run_id: str, user: str = "", created_at: float = 0.0,
                 tags: Optional[List[str]] = None, system_tags: Optional[List[str]] = None,
                 status: Optional[str] = None, finished_at: Optional[float] = None) -> None:
        self.run_id = run_id
        self.user = user
        self.created_at = created_at
        self.tags = tags if tags is not None else []
        self.system_tags = system_tags if system_tags is not None else []
        self.status = status          # None while running (or lost), else succeeded/failed
        self.finished_at = finished_at

    @property
    def all_tags(self) -> List[str]:
        return self.system_tags + self.tags

    def has_tag(self, tag: str) -> bool:
        return tag in self.system_tags or tag in self.tags


class RunIndex:
    def __init__(self, backend: StorageBackend) -> None:
        self.backend = backend
        self._cache: Dict[str, Tuple[int, Dict[str, RunEntry]]] = {}
        self._objects: Dict[str, Tuple[int, set, Dict[str, RunEntry]]] = {}
        self._folded: Dict[str, int] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(flow: str) -> str:
        return f"{flow}/index.log"

    def append(self, flow: str, event: list) -> None:
        line = json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n"
        if self.backend.local_path(self.key(flow)) is not None:
            self.backend.append_line(self.key(flow), line)
            return
        # object stores cannot append: each event is its own object, named so that listing
        # returns them in time order, and unique so that no writer overwrites another
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.json"
        self.backend.put(f"{flow}/index/events/{name}", [line.encode("utf-8")])

    # -- reading ----------------------------------------------------------------------------
    def runs(self, flow: str) -> Dict[str, RunEntry]:
        """run_id -> RunEntry for every run of the flow, current as of this call."""
        path = self.backend.local_path(self.key(flow))
        with self._lock:
            if path is None:
                return self._object_runs(flow)
            try:
                size = os.path.getsize(path)
            except OSError:
                return {}
            offset, entries = self._cache.get(flow) or _load_snapshot(path + ".snap", size)
            if size < offset:  # the log was replaced (rebuilt): start over
                offset, entries = 0, {}
            if size > offset:
                with open(path, "rb") as f:
                    f.seek(offset)
                    data = f.read(size - offset)
                complete = data.rfind(b"\n") + 1   # a line still being written waits
                _fold(entries, data[:complete])
                if complete > SNAPSHOT_EVERY:
                    _save_snapshot(path + ".snap", offset + complete, entries)
                offset += complete
            self._cache[flow] = (offset, entries)
            return entries

    # -- object stores (S3): events are objects ----------------------------------------------
    def _object_runs(self, flow: str) -> Dict[str, RunEntry]:
        """Fold the event objects listed since the last call. Listing restarts a little before
        the newest event seen (RELIST_NS), because a slow writer's event may appear after a
        later-named one; events already folded are skipped by name."""
        cached = self._objects.get(flow)
        if cached is None:
            cached = self._load_object_snapshot(flow)
        newest, seen, entries = cached
        start = f"{max(0, newest - RELIST_NS):020d}" if newest else None
        fresh = [k for k in self.backend.list_keys(f"{flow}/index/events", start)
                 if k not in seen]
        if fresh:
            for key, data in zip(fresh, _get_many(self.backend, [f"{flow}/index/events/{k}"
                                                                 for k in fresh])):
                _fold(entries, data or b"")
            seen.update(fresh)
            newest = max(newest, max(int(k.split("-", 1)[0]) for k in fresh))
            cutoff = f"{max(0, newest - RELIST_NS):020d}"
            seen = {k for k in seen if k >= cutoff}
        self._objects[flow] = (newest, seen, entries)
        self._folded[flow] = self._folded.get(flow, 0) + len(fresh)
        return entries

    def _load_object_snapshot(self, flow: str) -> Tuple[int, set, Dict[str, RunEntry]]:
        data = self.backend.get_or_none(f"{flow}/index/snapshot.json")
        if not data:
            return 0, set(), {}
        try:
            snap = json.loads(data)
            entries = {row[0]: RunEntry(*row) for row in snap["rows"]}
            return int(snap["newest"]), set(snap["seen"]), entries
        except (ValueError, KeyError, TypeError):
            return 0, set(), {}

    def _save_object_snapshot(self, flow: str) -> None:
        newest, seen, entries = self._objects[flow]
        rows = [(e.run_id, e.user, e.created_at, e.tags, e.system_tags, e.status, e.finished_at)
                for e in entries.values()]
        body = json.dumps({"newest": newest, "seen": sorted(seen), "rows": rows})
        self.backend.put(f"{flow}/index/snapshot.json", [body.encode("utf-8")])
        self._folded[flow] = 0

    def refresh_snapshot(self, flow: str) -> None:
        """Writers call this after appending: once the log has grown SNAPSHOT_EVERY bytes past
        the last snapshot, fold it (which saves a new one), so readers rarely fold much."""
        path = self.backend.local_path(self.key(flow))
        if path is None:
            with self._lock:
                self._object_runs(flow)
                if self._folded.get(flow, 0) >= SNAPSHOT_EVENTS:
                    self._save_object_snapshot(flow)
            return
        try:
            size = os.path.getsize(path)
            with open(path + ".snapoff") as f:
                covered = int(f.read().strip() or 0)
        except (OSError, ValueError):
            covered = 0
        if size - covered > SNAPSHOT_EVERY:
            self.runs(flow)



SNAPSHOT_EVERY = 256 << 10   # bytes of log folded since the snapshot before a new one is saved
SNAPSHOT_EVENTS = 500        # object stores: events folded since the snapshot before a new one
RELIST_NS = 120 * 10**9      # object stores: how far back each listing looks again


def _get_many(backend: StorageBackend, keys: List[str]) -> List[Optional[bytes]]:
    """GET small objects, several at a time (object stores answer slowly, one by one)."""
    if len(keys) < 4:
        return [backend.get_or_none(k) for k in keys]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(backend.get_or_none, keys))


def _log_identity(log_path: str) -> int:
    try:
        return os.stat(log_path).st_ino
    except OSError:
        return -1


def _load_snapshot(path: str, log_size: int) -> Tuple[int, Dict[str, RunEntry]]:
    """(log offset, entries) saved by an earlier reader, or (0, {}) if there is none usable
    (or it was made from another log, e.g. one since rebuilt). marshal: fast, and it loads
    plain data only (never code)."""
    try:
        with open(path, "rb") as f:   # loads(read()): marshal.load on a file reads piecemeal
            identity, offset, rows = marshal.loads(f.read())
    except (OSError, EOFError, ValueError, TypeError):
        return 0, {}
    if identity != _log_identity(path[:-len(".snap")]) or not isinstance(offset, int) \
            or offset > log_size:
        return 0, {}
    return offset, {row[0]: RunEntry(*row) for row in rows}


def _save_snapshot(path: str, offset: int, entries: Dict[str, RunEntry]) -> None:
    rows = [(e.run_id, e.user, e.created_at, e.tags, e.system_tags, e.status, e.finished_at)
            for e in entries.values()]
    tmp = f"{path}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        with open(tmp, "wb") as f:
            marshal.dump((_log_identity(path[:-len(".snap")]), offset, rows), f)
        os.replace(tmp, path)
        with open(tmp, "w") as f:   # how far the snapshot reaches, cheap for writers to read
            f.write(str(offset))
        os.replace(tmp, path + "off")
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _fold(entries: Dict[str, RunEntry], data: bytes) -> None:
    if not data:
        return
    text = data.decode("utf-8", "replace").strip()
    if not text:
        return
    try:
        events = json.loads("[" + text.replace("\n", ",") + "]")
    except ValueError:  # a damaged line: fold line by line and skip what does not parse
        events = []
        for line in text.splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
    for ev in events:
        kind, run_id = ev[0], ev[1]
        entry = entries.get(run_id)
        if kind == "c":
            if entry is None:
                entries[run_id] = RunEntry(run_id, ev[2], ev[3], list(dict.fromkeys(ev[4])),
                                           ev[5])
            else:  # a tag or finish event arrived first (rebuilt index): keep what it said
                entry.user, entry.created_at, entry.system_tags = ev[2], ev[3], ev[5]
                entry.tags = _merge(ev[4], entry.tags)
        elif kind == "f":
            if entry is None:
                entry = entries[run_id] = RunEntry(run_id)
            entry.status, entry.finished_at = ev[2], ev[3]
        elif kind == "t":
            if entry is None:
                entry = entries[run_id] = RunEntry(run_id)
            removed = set(ev[2])
            entry.tags = _merge([t for t in entry.tags if t not in removed], ev[3])


def _merge(tags: List[str], more: List[str]) -> List[str]:
    out = list(tags)
    for t in more:
        if t not in out:
            out.append(t)
    return out
