"""Local worker processes: one OS process per task attempt, watched by a single-threaded loop.

Two ways to start a worker:

- ``fork`` (default): the runtime process has already imported flowkit and the flow, so a
  forked child runs the task at once, no interpreter start-up or re-import. The runtime keeps
  no threads (everything here is one ``selectors`` loop woken by SIGCHLD through a wake-up fd),
  so forking is safe.
- ``spawn``: a fresh interpreter runs ``python flow.py step ...``, the exact command a remote
  container runs (FLOWKIT_TASK_LAUNCH=spawn).

Either way the worker's stdout and stderr are pipes read here: each line is timestamped,
streamed to the reporter and appended to the attempt's log, so logs survive a crash of the
task. The exit status of a worker that died without committing says why (signal, exit code).
"""

from __future__ import annotations

import errno
import io
import os
import selectors
import signal
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

STREAMS = ("stdout", "stderr")
_MAX_LINE = 64 << 10


class Worker:
    """One running attempt: its pid and the pipes carrying its output."""

    def __init__(self, key: str, pid: int, fds: Dict[int, str],
                 popen: Optional[subprocess.Popen] = None) -> None:
        self.key = key
        self.pid = pid
        self.fds = fds                       # fd -> stream name
        self.partial = {s: b"" for s in STREAMS}
        self.popen = popen
        self.started = time.time()
        self.status: Optional[int] = None    # os.wait status once reaped
        self.killed_by: Optional[str] = None
        self.deadline: Optional[float] = None  # @timeout's hard limit (time.time())
        self.limit_text = ""


LineSink = Callable[[Worker, str, float, str], None]


def describe_exit(status: int) -> str:
    """Why a worker that did not commit ended, in words."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        why = {signal.SIGSEGV: "segmentation fault", signal.SIGKILL: "killed (out of memory, "
               "or kill -9)", signal.SIGABRT: "aborted", signal.SIGBUS: "bus error",
               signal.SIGTERM: "terminated", signal.SIGINT: "interrupted"}.get(sig, "")
        return f"the task process was killed by signal {name}" + (f" ({why})" if why else "")
    code = os.WEXITSTATUS(status)
    return f"the task process exited with code {code} before committing its results " \
           "(os._exit or a crash in native code?)"


class LocalExecutor:
    def __init__(self, on_line: LineSink) -> None:
        self.on_line = on_line
        self.workers: Dict[int, Worker] = {}
        self.selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._old_wakeup = signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        self._old_chld = signal.signal(signal.SIGCHLD, lambda *_: None)

    def close(self) -> None:
        signal.set_wakeup_fd(self._old_wakeup if self._old_wakeup != -1 else -1)
        signal.signal(signal.SIGCHLD, self._old_chld or signal.SIG_DFL)
        self.selector.close()
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)

    # -- starting ---------------------------------------------------------------------------
    def fork(self, key: str, child: Callable[[], int]) -> Worker:
        """Run child() in a forked process; its return value is the exit code."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                os.close(out_r)
                os.close(err_r)
                self._child_setup(out_w, err_w)
                code = child()
            except BaseException:
                try:
                    import traceback

                    traceback.print_exc()
                except BaseException:
                    pass
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    if _libc is not None:
                        _libc.fflush(None)  # what native code printf'd is in the logs too
                finally:
                    os._exit(code)
        os.close(out_w)
        os.close(err_w)
        return self._track(Worker(key, pid, {out_r: "stdout", err_r: "stderr"}))

    def _child_setup(self, out_w: int, err_w: int) -> None:
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        # The runtime's pipes of other workers must not stay open in this one.
        for w in self.workers.values():
            for fd in w.fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)
        _die_with_parent()
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.close(out_w)
        os.close(err_w)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True,
                                      write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True,
                                      write_through=True)
        numpy = sys.modules.get("numpy")
        if numpy is not None:  # a forked child must not repeat its siblings' random numbers
            try:
                numpy.random.seed()
            except Exception:
                pass

    def spawn(self, key: str, argv: Sequence[str], env: Dict[str, str]) -> Worker:
        """Run argv (a `step` command) in a fresh interpreter."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            popen = subprocess.Popen(list(argv), stdout=out_w, stderr=err_w,
                                     stdin=subprocess.DEVNULL, env=env, close_fds=True,
                                     preexec_fn=_die_with_parent)
        finally:
            os.close(out_w)
            os.close(err_w)
        return self._track(Worker(key, popen.pid, {out_r: "stdout", err_r: "stderr"}, popen))

    def _track(self, worker: Worker) -> Worker:
        for fd in worker.fds:
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ, worker)
        self.workers[worker.pid] = worker
        return worker

    # -- watching ---------------------------------------------------------------------------
    def poll(self, timeout: Optional[float]) -> List[Worker]:
        """Pump output for up to timeout seconds; return workers that ended (reaped)."""
        for sel_key, _ in self.selector.select(timeout):
            if sel_key.data is None:
                _drain(self._wake_r)
            else:
                self._read(sel_key.data, sel_key.fd)
        return self._reap()

    def _read(self, worker: Worker, fd: int, budget: int = 1 << 20) -> bool:
        """Read what is there (at most budget bytes, so one chatty task cannot starve the
        others); False at end of file."""
        stream = worker.fds[fd]
        while budget > 0:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                return True
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                data = b""
            if not data:
                self._close_fd(worker, fd)
                return False
            budget -= len(data)
            self._emit(worker, stream, data)
        return True

    def _close_fd(self, worker: Worker, fd: int) -> None:
        self._flush_partial(worker, worker.fds.pop(fd))
        self.selector.unregister(fd)
        os.close(fd)

    def _emit(self, worker: Worker, stream: str, data: bytes) -> None:
        buf = worker.partial[stream] + data
        now = time.time()
        *lines, rest = buf.split(b"\n")
        for line in lines:
            self.on_line(worker, stream, now, line.decode("utf-8", "replace"))
        if len(rest) > _MAX_LINE:
            self.on_line(worker, stream, now, rest.decode("utf-8", "replace"))
            rest = b""
        worker.partial[stream] = rest

    def _flush_partial(self, worker: Worker, stream: str) -> None:
        if worker.partial[stream]:
            self.on_line(worker, stream, time.time(),
                         worker.partial[stream].decode("utf-8", "replace"))
            worker.partial[stream] = b""

    def _reap(self) -> List[Worker]:
        ended = []
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            worker.status = status
            if worker.popen is not None:
                worker.popen.returncode = os.waitstatus_to_exitcode(status)
            for fd in list(worker.fds):  # what is left in the pipes belongs to this attempt
                if self._read(worker, fd, budget=1 << 40):  # still open: a grandchild has it
                    self._close_fd(worker, fd)
            ended.append(worker)
        return ended

    def signal_all(self, sig: int) -> None:
        for worker in self.workers.values():
            try:
                os.kill(worker.pid, sig)
            except ProcessLookupError:
                pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except (BlockingIOError, OSError):
        pass


_libc = None


def load_libc() -> None:
    """Load libc once in the runtime, so that forked workers do not pay for it."""
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        except Exception:
            pass


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL if the runtime dies, so no orphan outlives a killed run."""
    load_libc()
    if _libc is not None:
        try:
            _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except Exception:
            pass
