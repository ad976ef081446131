"""Group commit across processes: one SQLite transaction carries every waiting writer's answer.

Writers to one SQLite file take turns (sqlitefile.py). With 32 kernels writing at once, the
queue in front of the turn lock, not the work inside a turn, was SQLite's whole p95: flock
hands the lock to whichever waiter the scheduler runs first, so some waited ten turns while
others went twice in a row. Here a writer that finds the turn taken does not queue for its
own: it leaves its answer in a spool folder, and whoever holds the next turn writes its own
answer and *every* answer waiting in the spool in one transaction, then wakes their writers.
So an answer waits for at most the turn in progress and the next one, however many kernels
write, and one commit (and one fsync) carries many answers.

Nothing about "saved" changes. A turn marks a spool file committed (``.row`` renamed to
``.done``) only after the commit that carried it, still in the turn; its writer then syncs
the log once for the whole batch (``sync_log``, outside the turn, as for its own answer),
removes the marks and wakes their writers: a writer whose file is gone altogether is on
disk. A writer that finds its mark still there after SYNC_WAIT_SECONDS (that writer was
killed after its commit) syncs the log itself. Either way an answer is acknowledged only
once the commit that carried it is on disk, and there is one fsync per batch, not per answer.
A writer killed while its answer waits leaves a spool file that the next turn commits (the
answer is still in the killed kernel's outbox too; its ``submission_id`` keeps it once).
A turn killed halfway is rolled back by SQLite and its spool files stay for the next one.

Spool folder: ``ketatraining-batch-UID-DEV-INODE`` in the temporary folder, mode 0700: only
the same user's kernels batch together (another user's rows are never read in), everyone
else's writes take their turn as before. Wake-ups are one-byte datagrams to a socket in
Linux's abstract namespace, named after the spool file; a wake-up only says "look again",
so a stray or forged one costs a look. Elsewhere (no abstract sockets), and with
``KETATRAINING_SQLITE_BATCH=0`` (for comparing), nothing is batched.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import socket
import stat
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ketatraining.progress.records import Submission

_log = logging.getLogger(__name__)

MAX_BATCH = 64
"""Answers one turn writes at most (the oldest first; the rest go in the next turn)."""
STALE_SECONDS = 300.0
"""Spool files older than this whose writer is gone (killed) are dropped unread: the answer
waits in its kernel's outbox, to be written from there. (A living writer's file is only
ever removed after the commit that carried it, or by the writer itself: a writer takes
"my file is gone" to mean "committed".)"""
LOOK_AGAIN_SECONDS = 0.05
"""A waiting writer tries the turn at least this often, even when no one wakes it (the
turn held by a writer that does not batch: another user's kernel, an older release)."""
SUFFIX = ".row"
"""An answer waiting for a turn."""
DONE = ".done"
"""An answer a turn has committed (renamed from SUFFIX in the turn); removed once that
turn's writer has synced the log, so "gone" means "on disk"."""
REFUSED = ".refused"
"""An answer a turn could not read (renamed from SUFFIX): never in the store, so its
writer writes it alone; "gone" must never be said of an answer no turn committed."""
SYNC_WAIT_SECONDS = 1.0
"""How long a writer whose answer is committed waits for the turn's writer to sync the log
before it syncs the log itself (that writer was killed or is slow)."""

AVAILABLE = sys.platform.startswith("linux") and hasattr(socket, "AF_UNIX")


SHARED_MEMORY = Path("/dev/shm")
"""Linux's memory file system: spool files there cost no disk journal writes (their
creation, renaming and removal would otherwise be journaled with the store's log)."""


def spool_folder_for(lock: Path) -> Path:
    """The spool folder of a turn lock file (same device and inode, plus the user): in
    /dev/shm where it can be written, else beside the lock file."""
    name = lock.name.removeprefix("ketatraining-writers-").removesuffix(".lock")
    base = SHARED_MEMORY if SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK) \
        else lock.parent
    return base / f"ketatraining-batch-{os.getuid()}-{name}"


def _own_private_folder(folder: Path, *, create: bool = True) -> bool:
    """Create ``folder`` (0700) or accept it only if it is this user's, private, not a link."""
    if create:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
    status = os.lstat(folder)
    return (stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid()
            and status.st_mode & 0o077 == 0)


def _address(token: str) -> bytes:
    return b"\0ketatraining-batch-" + token.encode("ascii")


def encode(submission: Submission) -> bytes:
    row = {"submission_id": submission.submission_id, "learner_id": submission.learner_id,
           "quiz_id": submission.quiz_id, "question_id": submission.question_id,
           "attempt": submission.attempt, "response": submission.response,
           "score": submission.score, "max_score": submission.max_score,
           "correct": submission.correct, "duration_seconds": submission.duration_seconds,
           "submitted_at": submission.submitted_at.isoformat(),
           "question_hash": submission.question_hash}
    return json.dumps(row).encode("utf-8")


def decode(data: bytes) -> Submission:
    row: dict[str, Any] = json.loads(data)
    row["submitted_at"] = datetime.fromisoformat(row["submitted_at"])
    return Submission(**row)


@dataclass(frozen=True, slots=True)
class Spooled:
    """An answer read from the spool by the writer holding the turn."""

    path: Path
    token: str
    submission: Submission


class Waiter:
    """One answer in the spool and the socket its writer is woken on."""

    def __init__(self, folder: Path, submission: Submission) -> None:
        self.token = f"{time.time_ns():019d}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.path = folder / (self.token + SUFFIX)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            self._socket.bind(_address(self.token))  # before the file: wakeable once listed
            partial = folder / (self.token + ".part")
            handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             0o600)
            try:
                os.write(handle, encode(submission))
            finally:
                os.close(handle)
            partial.rename(self.path)  # a turn reads whole rows only
        except BaseException:
            self._socket.close()
            raise

    def state(self) -> str:
        """``waiting`` (no turn has committed it yet), ``committed`` (a turn has, and its
        writer is syncing the log), ``refused`` (a turn could not read it: not stored) or
        ``synced`` (the turn's writer synced it: on disk)."""
        if os.path.lexists(self.path):
            return "waiting"
        if os.path.lexists(self.done):
            return "committed"
        return "refused" if os.path.lexists(self.path.with_suffix(REFUSED)) else "synced"

    @property
    def done(self) -> Path:
        return self.path.with_suffix(DONE)

    def wait(self, seconds: float) -> None:
        """Sleep until a turn wakes this writer, or ``seconds`` pass."""
        self._socket.settimeout(max(0.0005, seconds))
        with contextlib.suppress(TimeoutError, BlockingIOError, InterruptedError):
            self._socket.recv(16)

    def close(self) -> None:
        """Withdraw the answer if no turn took it (the writer writes it itself or gives
        up), or drop its committed mark once this writer synced the log itself."""
        for path in (self.path, self.done, self.path.with_suffix(REFUSED)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._socket.close()


_sender: list[socket.socket] = []
"""This process's socket for wake-ups (created at the first one)."""


def _wake(token: str) -> bool:
    """Wake the writer of ``token``; False when it is gone (killed, or it gave up)."""
    if not _sender:
        sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sender.setblocking(False)
        _sender.append(sender)
        atexit.register(sender.close)
    try:
        _sender[0].sendto(b"!", _address(token))
    except BlockingIOError:
        return True  # its queue is full of wake-ups already
    except OSError:
        return False
    return True


class Spool:
    """The spool of one store file for this user; a turn's side of the exchange."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_lock(cls, lock: Path | None) -> Spool | None:
        """The spool for a store's turn lock, or None where answers are not batched."""
        if lock is None or not AVAILABLE or os.environ.get(
                "KETATRAINING_SQLITE_BATCH", "1").strip() == "0":
            return None
        return cls(spool_folder_for(lock))

    def enqueue(self, submission: Submission) -> Waiter | None:
        """Leave an answer for the next turn; None when the spool cannot be used."""
        try:
            if not _own_private_folder(self.folder):
                return None
            return Waiter(self.folder, submission)
        except OSError:
            _log.debug("spool %s not usable", self.folder, exc_info=True)
            return None

    def _listed(self) -> list[str]:
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except OSError:
            return []
        oldest = time.time_ns() - int(STALE_SECONDS * 1e9)
        for name in names:  # left by killed writers: a committed mark, a half-written row
            if (not name.endswith(SUFFIX) and name[:19].isdigit()
                    and int(name[:19]) < oldest):
                with contextlib.suppress(OSError):
                    (self.folder / name).unlink()
        names = [name for name in names if name.endswith(SUFFIX)]
        names.sort()  # the token starts with the time: the oldest first
        return names

    def collect(self, limit: int = MAX_BATCH) -> list[Spooled]:
        """The answers waiting now (inside the turn), oldest first; stale or unreadable
        files are removed."""
        rows: list[Spooled] = []
        try:
            if not _own_private_folder(self.folder, create=False):
                return rows  # others could have put rows in it: none is read
        except OSError:
            return rows  # none yet: nobody waits
        oldest = time.time_ns() - int(STALE_SECONDS * 1e9)
        for name in self._listed():
            if len(rows) >= limit:
                break
            token = name.removesuffix(SUFFIX)
            path = self.folder / name
            try:
                if int(token.split("-", 1)[0]) < oldest and not _wake(token):
                    msg = "stale, and its writer is gone"
                    raise ValueError(msg)
                handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                try:
                    if os.fstat(handle).st_uid != os.getuid():
                        msg = "not this user's"
                        raise ValueError(msg)
                    data = os.read(handle, 1 << 20)
                finally:
                    os.close(handle)
                rows.append(Spooled(path, token, decode(data)))
            except FileNotFoundError:
                continue  # its writer withdrew it
            except OSError as error:  # left for a later turn (or its writer's own)
                _log.info("could not read spool file %s (%s)", path, error)
            except (ValueError, TypeError, KeyError) as error:
                # Never removed: a writer whose file is gone takes it as stored. Marked
                # refused, its writer (if alive) writes the answer alone; a killed writer's
                # mark is swept as stale and its answer waits in its kernel's outbox.
                _log.info("refused spool file %s (%s)", path, error)
                with contextlib.suppress(OSError):
                    path.rename(path.with_suffix(REFUSED))
        return rows

    @staticmethod
    def committed(rows: list[Spooled]) -> None:
        """After the commit, still in the turn: these answers are in the store (marked
        DONE, so no later turn writes them again)."""
        for row in rows:
            with contextlib.suppress(FileNotFoundError):
                row.path.rename(row.path.with_suffix(DONE))

    @staticmethod
    def synced(rows: list[Spooled]) -> None:
        """After the turn's writer synced the log: these answers are on disk."""
        for row in rows:
            with contextlib.suppress(FileNotFoundError):
                row.path.with_suffix(DONE).unlink()

    def wake(self, rows: list[Spooled], skip: str | None = None) -> None:
        """After the turn: the writers whose answers it committed."""
        for row in rows:
            if row.token != skip:
                _wake(row.token)

    def wake_next(self) -> None:
        """After any turn: the oldest living writer still waiting, to take the next one."""
        for name in self._listed():
            if _wake(name.removesuffix(SUFFIX)):
                return



def remove_folder(lock: Path) -> None:
    """When a store's lock file goes: its spool folder too, if nothing waits in it."""
    with contextlib.suppress(OSError):
        spool_folder_for(lock).rmdir()
