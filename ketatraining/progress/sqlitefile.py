"""How one SQLite store file is written fast under contention without losing a guarantee.

Two things, both for a sound store on a local disk:

- **Write-ahead logging (WAL)**: a commit is one append and one fsync to ``-wal`` (the
  rollback journal needs three fsyncs and a file deletion), so each writer holds the
  write lock for far less time. WAL keeps its index in shared memory (``-shm``, mapped by
  every process using the file), which network file systems (NFS, SMB, sshfs...) do not
  share between machines: there, and with ``KETATRAINING_SQLITE_WAL=0``, the store keeps
  (or goes back to) SQLite's rollback journal.
- **Taking turns in the kernel**: SQLite's busy handler sleeps up to 100 ms between tries,
  so a waiting writer misses release after release (seconds of tail latency with 8
  writers). Writers to one file first take an ``flock`` on a small lock file named after
  the store file's device and inode in the temporary folder, so a waiter sleeps in the
  kernel and is woken the moment the writer before it commits. SQLite's own locking still
  guards the file: the turn is only an ordering, and without it (Windows, no temporary
  folder) SQLite alone decides. The last store to close removes the lock file.
- **Syncing after the turn** (``sync_log``): in WAL mode the commit runs with
  synchronous=NORMAL and the store fsyncs the log once the next writer may go, before the
  answer counts as saved, so writers' fsyncs overlap instead of queueing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

try:
    import fcntl
except ImportError:  # Windows: SQLite's own busy handling only
    fcntl = None  # type: ignore[assignment]

_log = logging.getLogger(__name__)

NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs",
    "fuse.glusterfs", "lustre", "gpfs", "fuse.s3fs", "fuse.rclone", "davfs", "fuse.davfs2",
})


class NoTurn(Exception):
    """Other writers held the store's writer lock for the whole retry budget."""


class NoLockFile(Exception):
    """The turn lock file cannot be opened or created (its writers go unordered)."""


MOUNTS = Path("/proc/self/mounts")
"""Linux's mount table: where each file system is mounted and its kind."""


def on_network_file_system(path: Path) -> bool:
    """Whether ``path`` is on a network file system (Linux: the mount table; elsewhere
    assumed local)."""
    try:
        mounts = MOUNTS.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    target = str(path.resolve().parent)
    best, kind = "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind in NETWORK_FILE_SYSTEMS


def wanted_journal(path: Path) -> str:
    """``wal`` on a local disk; ``delete`` (the rollback journal) on a network file
    system or when KETATRAINING_SQLITE_WAL=0."""
    if os.environ.get("KETATRAINING_SQLITE_WAL", "1").strip() == "0":
        return "delete"
    return "delete" if on_network_file_system(path) else "wal"


def set_journal(raw_connection: Any, path: Path) -> str:
    """Put the file in the journal mode it should have; the mode it ends up in.

    Outside any transaction (the PRAGMA needs that). Leaving WAL needs every other
    connection closed; when others still use the file it stays as it is this time and
    is tried again at the next open.
    """
    wanted = wanted_journal(path)
    cursor = raw_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode")
        row = cursor.fetchone()
        current = str(row[0]).lower() if row else ""
        if current != wanted:
            cursor.execute(f"PRAGMA journal_mode = {wanted.upper()}")
            row = cursor.fetchone()
            current = str(row[0]).lower() if row else current
    except Exception:  # noqa: BLE001 - busy or refused: the current journal keeps working
        _log.info("journal mode of %s left as it was", path, exc_info=True)
    finally:
        cursor.close()
    return current


def lock_file_for(path: Path) -> Path | None:
    """The turn lock of a store file: one per file (device and inode), in the temporary
    folder, so the learner's folder gets no extra file and a read-only folder works."""
    if fcntl is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return Path(tempfile.gettempdir()) / (
        f"ketatraining-writers-{status.st_dev:x}-{status.st_ino:x}.lock")


def _open_lock(lock: Path) -> int | None:
    """A read-only handle (flock needs no write access, so another user's lock file
    serves too); creating it when missing. None when that is impossible."""
    try:
        return os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        return os.open(lock, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return None


def _lock_before(handle: int, deadline: float) -> None:
    """flock(LOCK_EX) on ``handle``, waiting in the kernel, but giving up at ``deadline``.

    The blocking call runs on a helper thread so the caller can stop waiting; a lock the
    helper gets after the caller gave up is released at once (on a duplicate of the file
    descriptor, so closing it does not touch the caller's).
    """
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return  # free: no thread needed
    except BlockingIOError:
        pass
    got = threading.Event()
    state = {"abandoned": False}
    guard = threading.Lock()
    helper = os.dup(handle)  # the same open file (and lock); the helper's to close

    def take() -> None:
        try:
            fcntl.flock(helper, fcntl.LOCK_EX)
            with guard:
                if state["abandoned"]:
                    fcntl.flock(helper, fcntl.LOCK_UN)
                else:
                    got.set()
        except OSError:
            pass  # the caller gives up at its deadline
        finally:
            os.close(helper)

    threading.Thread(target=take, daemon=True, name="ketatraining-writer-turn").start()
    if got.wait(max(0.0, deadline - time.monotonic())):
        return
    with guard:
        if got.is_set():
            return
        state["abandoned"] = True
    raise NoTurn


def _take_turn(lock: Path, deadline: float) -> int | None:
    """An open handle on ``lock`` holding its flock; None when there is no lock file.

    A lock file removed by its last user (remove_lock_file) while this writer waited on
    it is no one's turn any more: a writer that gets it finds no name on it (st_nlink 0)
    and waits on the file now at that name instead.
    """
    while True:
        handle = _open_lock(lock)
        if handle is None:
            return None
        try:
            _lock_before(handle, deadline)
            if os.fstat(handle).st_nlink > 0:
                return handle
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)


def try_turn(lock: Path) -> int | None:
    """The turn if it is free at this moment (an open handle holding the flock), else
    None; NoLockFile when the lock file cannot be opened. Like _take_turn, a lock file
    that lost its name is nobody's turn."""
    while True:
        handle = _open_lock(lock)
        if handle is None:
            raise NoLockFile
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            return None
        except BaseException:
            os.close(handle)
            raise
        if os.fstat(handle).st_nlink > 0:
            return handle
        os.close(handle)


@contextlib.contextmanager
def writer_turn(lock: Path | None, deadline: float, held: int | None = None) -> Iterator[None]:
    """Hold the store's turn lock for one transaction (nothing when there is none).
    ``held``: a handle already holding it (try_turn); it is released at the end."""
    if held is not None:
        handle: int | None = held
    else:
        handle = _take_turn(lock, deadline) if lock is not None else None
    if handle is None:
        yield
        return
    try:
        yield
    finally:
        os.close(handle)  # releases the lock


def remove_lock_file(lock: Path) -> None:
    """Remove a turn lock file when its store closes and no writer holds or waits for it,
    so that lock files do not pile up in the temporary folder (one per store file ever
    opened). Removed only while holding it: a writer already waiting on it sees that it
    lost its name and takes the next one (_take_turn)."""
    if fcntl is None:
        return
    try:
        handle = os.open(lock, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(handle).st_ino == lock.stat().st_ino:  # not a newer file of that name
            lock.unlink()
    except OSError:
        pass  # held (another store of this file is writing) or not ours to remove: kept
    finally:
        os.close(handle)


def sync_log(path: Path, synced: set[int]) -> int:
    """fsync the store's write-ahead log (``PATH-wal``), and its folder once per log file
    (so that the log's name survives a power cut too, as SQLite's own first sync does).

    ``synced``: inodes of logs whose folder entry is already on disk. When the log is
    gone (the last connection folded it into the store file), the store file is synced.
    Returns the log's size in bytes (0 when it is gone).
    """
    wal = path.with_name(path.name + "-wal")
    is_log = True
    try:
        handle = os.open(wal, os.O_RDONLY)
    except FileNotFoundError:
        handle, is_log = os.open(path, os.O_RDONLY), False
    try:
        # fdatasync, as SQLite itself syncs on Linux: the data and the size, without a
        # journal commit for the modification time (a reused log keeps its size).
        getattr(os, "fdatasync", os.fsync)(handle)
        status = os.fstat(handle)
    finally:
        os.close(handle)
    inode = status.st_ino
    if inode not in synced:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        synced.add(inode)
    return status.st_size if is_log else 0


def reader_url(path: Path) -> str | None:
    """A URL that reads a WAL-mode store from a folder nobody can write (a copied or
    archived learner file), or None when the plain URL works.

    SQLite needs to create ``-shm`` beside a WAL file even to read it; in a read-only
    folder it cannot, unless the file is opened as immutable. That is safe only when no
    ``-wal`` with committed answers lies beside it (they would be skipped): then the
    plain URL is kept and its error says what to do.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return None
    in_wal_mode = len(header) == 20 and header[18] == 2 and header[19] == 2
    wal = path.with_name(path.name + "-wal")
    if not in_wal_mode or os.access(path.parent, os.W_OK):
        return None
    with contextlib.suppress(OSError):
        if wal.stat().st_size > 0:
            return None
    return f"sqlite:///file:{quote(str(path), safe='/')}?mode=ro&immutable=1&uri=true"
