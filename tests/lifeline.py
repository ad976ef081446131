"""Servers a test run starts are stopped however the run ends.

Fixtures stop their servers (PostgreSQL, Voila, JupyterHub) in their finalizers, which run
when pytest ends normally or on Ctrl-C. Two things make other endings safe too:

- ``interrupt_on_termination()``: SIGTERM and SIGHUP (a CI timeout, ``kill PID``, a
  closed terminal) raise KeyboardInterrupt in pytest's main thread, as Ctrl-C does, so
  pytest stops the run and runs every finalizer (by default SIGTERM ends the process at
  once and runs none).
- ``Lifeline``: a small watchdog process, in its own session (so a signal to pytest's
  process group does not reach it), that holds the reading end of a pipe from pytest.
  When pytest dies without releasing it (SIGKILL, a crash, an out-of-memory kill), the
  pipe closes and the watchdog runs the server's stop commands, signals its process
  group and removes its folders. ``release()`` at a normal stop lets it go without doing
  anything.

A fixture starting a server calls both::

    interrupt_on_termination()
    lifeline = Lifeline(commands=[stop_command], groups=[server.pid], remove=[folder])
    try:
        yield server
    finally:
        stop(server)
        lifeline.release()
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

_WATCHDOG = r'''
import json, os, shutil, signal, subprocess, sys, time

spec = json.loads(sys.argv[1])
if sys.stdin.readline().strip() == "released":
    sys.exit(0)
for group in spec["groups"]:  # the server's process group: TERM, then KILL
    try:
        os.killpg(group, signal.SIGTERM)
    except OSError:
        continue
    for _ in range(50):
        time.sleep(0.1)
        try:
            os.killpg(group, 0)
        except OSError:
            break
    else:
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
for command in spec["commands"]:
    try:
        subprocess.run(command, capture_output=True, timeout=60, check=False)
    except Exception:
        pass
for folder in spec["remove"]:
    shutil.rmtree(folder, ignore_errors=True)
'''

_installed = False


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signal.Signals(signum).name}")


def interrupt_on_termination() -> None:
    """SIGTERM/SIGHUP become KeyboardInterrupt (finalizers run), once, in the main thread,
    unless someone else already handles them."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) in (signal.SIG_DFL, None):
            signal.signal(signum, _interrupt)
    _installed = True


class Lifeline:
    """Stops a server if this process dies without calling ``release()``."""

    def __init__(self, *, commands: Sequence[Sequence[str]] = (),
                 groups: Sequence[int] = (), remove: Sequence[Path] = ()) -> None:
        spec = {"commands": [list(c) for c in commands], "groups": list(groups),
                "remove": [str(p) for p in remove]}
        self._process = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, json.dumps(spec)], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            text=True)

    @property
    def pid(self) -> int:
        return self._process.pid

    def release(self) -> None:
        """The server was stopped normally: the watchdog exits without doing anything."""
        stdin = self._process.stdin
        if stdin is None or stdin.closed:
            return
        try:
            stdin.write("released\n")
            stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
