"""Run Voila as the launcher's child and stop it, with its kernels, whatever stops the launcher.

The launcher is what an operator or a service manager sees: ``kill <pid>`` (SIGTERM),
``kill -INT <pid>``, a closed terminal (SIGHUP) or Ctrl+C must all end Voila and every
kernel it started, then the launcher. Two things got in the way:

* a launcher started in the background by a script (``cmd &``) inherits SIGINT *ignored*,
  so Python raised no KeyboardInterrupt and ``kill -INT`` did nothing at all;
* Voila's kernels run in sessions of their own (jupyter_client starts them so), so they
  outlive a Voila that is killed instead of stopped.

So the launcher handles SIGINT, SIGTERM and SIGHUP itself, runs Voila in a process group
of its own (Ctrl+C in the terminal then reaches the launcher only, and Voila is asked once,
with SIGTERM, on which it shuts its kernels down), and if Voila does not stop in time it
kills Voila's group and any of its kernels still running.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType

import psutil

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
STOP_TIMEOUT = 20.0
"""Seconds Voila has to shut its kernels down after SIGTERM before it is killed."""


class StopRequested(Exception):
    """Raised in the launcher's main thread when it receives a stop signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise StopRequested(signum)


@contextmanager
def stop_signals(handler: Callable[[int, FrameType | None], object] = _raise_stop
                 ) -> Iterator[None]:
    """Handle SIGINT, SIGTERM and SIGHUP with ``handler`` (by default: raise StopRequested)."""
    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def start_voila(command: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Voila in a process group of its own (the terminal's Ctrl+C reaches the launcher only)."""
    return subprocess.Popen(list(command), env=env, start_new_session=True)


def stop_voila(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> None:
    """Ask Voila to stop (it shuts its kernels down), then kill whatever is left of it."""
    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    # Signals that come while Voila stops must not cut the stopping short.
    with stop_signals(lambda *_: None):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process.pid)
                process.wait()
        # Kernels live in sessions of their own; any Voila did not stop are killed here.
        _, alive = psutil.wait_procs(tree, timeout=5)
        for child in alive:
            try:
                child.kill()
            except psutil.Error:
                continue
        psutil.wait_procs(alive, timeout=5)


def _kill_group(pgid: int) -> None:
    if not hasattr(os, "killpg"):  # Windows: no process groups to kill
        psutil.Process(pgid).kill()
        return
    with suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)
