"""A SQLite store commits through a write-ahead log on a local disk, keeps the rollback
journal on a network file system, and its writers take turns on a kernel lock.

WAL (one fsync per commit instead of three) and the turn lock are what bring SQLite's
p95 per answer under contention to PostgreSQL's (benchmarks/bench_store.py); these
tests pin the behaviour each of them adds, and that no guarantee is lost on the way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ketatraining.errors import StoreBusyError, StoreUnavailableError
from ketatraining.progress import sqlitefile
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id


def _submission(learner: str = "ada") -> Submission:
    return Submission(
        submission_id=new_submission_id(), learner_id=learner, quiz_id="practice",
        question_id="bp", attempt=1, response=True, score=1.0, max_score=1.0, correct=True,
        duration_seconds=1.0, submitted_at=utcnow())


def _journal_of(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower()


@contextlib.contextmanager
def _immutable(path: Path) -> Iterator[None]:
    """chattr +i: even root cannot create a file in it (tests run as root in CI)."""
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {result.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _network_mount(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, folder: Path,
                   kind: str = "nfs4") -> None:
    """A mount table in which ``folder`` is a network file system."""
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/sda1 / ext4 rw,relatime 0 0\n"
        f"server:/export {str(folder.resolve()).replace(' ', chr(92) + '040')} {kind} "
        "rw,vers=4.2 0 0\n", encoding="utf-8")
    monkeypatch.setattr(sqlitefile, "MOUNTS", table)


def test_a_store_on_a_local_disk_uses_write_ahead_logging(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        assert store.journal_mode == "wal"
        assert _journal_of(path) == "wal"
    with ProgressStore(f"sqlite:///{path}") as again:  # the answer went through the log
        assert len(again.responses()) == 1
    # the last connection to close folds the log back in: the folder holds the store only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db"]


def test_the_mount_table_tells_network_from_local_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "with space"
    share.mkdir()
    (share / "local").mkdir()
    _network_mount(monkeypatch, tmp_path, share)
    table = sqlitefile.MOUNTS.read_text(encoding="utf-8")
    inner = str((share / "local").resolve()).replace(" ", "\\040")
    sqlitefile.MOUNTS.write_text(table + f"/dev/sdb1 {inner} ext4 rw 0 0\n", encoding="utf-8")
    assert sqlitefile.on_network_file_system(share / "progress.db")
    assert not sqlitefile.on_network_file_system(share / "local" / "progress.db")
    assert not sqlitefile.on_network_file_system(tmp_path / "progress.db")


@pytest.mark.parametrize("kind", ["nfs4", "cifs", "fuse.sshfs"])
def test_on_a_network_file_system_the_store_keeps_the_rollback_journal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as local:  # first used on a local disk: WAL
        local.record(_submission())
    assert _journal_of(path) == "wal"
    _network_mount(monkeypatch, tmp_path, tmp_path, kind)  # then the folder is shared
    with ProgressStore(f"sqlite:///{path}") as shared:
        shared.record(_submission())
        assert shared.journal_mode == "delete"
        assert len(shared.responses()) == 2
    assert _journal_of(path) == "delete"


def test_wal_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETATRAINING_SQLITE_WAL", "0")
    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        assert store.journal_mode == "delete"
    assert _journal_of(path) == "delete"


def test_writers_take_turns_on_the_store_lock(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    store = ProgressStore(f"sqlite:///{path}")
    try:
        store.record(_submission())
        lock = sqlitefile.lock_file_for(path)
        assert lock is not None and lock.parent != tmp_path  # nothing beside the store
        with open(lock, "rb") as other_writer:
            fcntl.flock(other_writer, fcntl.LOCK_EX)  # another kernel's turn, for too long
            store.retry_budget = 0.3
            with pytest.raises(StoreBusyError, match="stayed busy") as caught:
                store.record(_submission())
            assert "\n" not in str(caught.value)
            # a writer waiting for its turn is let in the moment the other one is done
            store.retry_budget = 30.0
            releaser = threading.Timer(0.2, fcntl.flock, (other_writer, fcntl.LOCK_UN))
            releaser.start()
            store.record(_submission())
            releaser.join()
        assert len(store.responses()) == 2
    finally:
        store.close()


def test_a_reader_opens_a_wal_store_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
    assert _journal_of(path) == "wal"
    with _immutable(folder), ProgressStore(f"sqlite:///{path}", writable=False) as reader:
        assert len(reader.responses()) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["progress.db"]


def test_a_read_only_copy_with_unmerged_answers_is_refused_not_read_short(
        tmp_path: Path) -> None:
    """A -wal still holding answers (copied from a live or crashed kernel) must not be
    skipped by an immutable open: refuse in one sentence instead."""
    live = tmp_path / "live.db"
    with ProgressStore(f"sqlite:///{live}") as store:
        store.record(_submission())
    folder = tmp_path / "copy"
    folder.mkdir()
    with contextlib.closing(sqlite3.connect(live)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO kt_meta (key, value) VALUES ('extra', '')")
        writer.commit()
        shutil.copy(live, folder / "progress.db")
        shutil.copy(live.with_name("live.db-wal"), folder / "progress.db-wal")
    assert (folder / "progress.db-wal").stat().st_size > 0
    with _immutable(folder), pytest.raises(StoreUnavailableError) as caught:
        ProgressStore(f"sqlite:///{folder / 'progress.db'}", writable=False)
    assert "\n" not in str(caught.value) and "read-only" in str(caught.value)


def test_a_store_opened_before_others_write_sees_their_answers(tmp_path: Path) -> None:
    """A kept connection holds no read snapshot between transactions: a preheated kernel
    that opened the store before the learner answered elsewhere reads every answer."""
    url = f"sqlite:///{tmp_path / 'progress.db'}"
    with ProgressStore(url) as early, ProgressStore(url) as other:
        assert early.responses() == [] and early.attempts() == []
        other.start_attempt("ada", "practice", max_score=1.0, pass_mark=50.0)
        other.record(_submission())
        assert [a.attempt for a in early.attempts("ada")] == [1]
        assert len(early.responses("ada")) == 1
        other.record(_submission())
        assert len(early.responses("ada")) == 2


def _rows(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM kt_responses").fetchone()[0])


def test_a_store_file_deleted_while_open_is_created_again_and_written(tmp_path: Path) -> None:
    # The kept connection must not go on writing to the unlinked file: an answer
    # acknowledged as saved has to be in the file at the store's path.
    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store.record(_submission("bea"))
        assert [s.learner_id for s in store.responses()] == ["bea"]
    assert _rows(path) == 1
    with ProgressStore(f"sqlite:///{path}") as again:
        assert [s.learner_id for s in again.responses()] == ["bea"]


def test_a_store_file_replaced_while_open_is_followed(tmp_path: Path) -> None:
    # A restored backup put in place of the file: reads and writes go to what is at the path.
    path, backup = tmp_path / "progress.db", tmp_path / "backup.db"
    with ProgressStore(f"sqlite:///{backup}") as other:
        other.record(_submission("cy"))
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        shutil.copyfile(backup, tmp_path / "incoming.db")
        (tmp_path / "incoming.db").replace(path)
        Path(f"{path}-wal").unlink(missing_ok=True)
        Path(f"{path}-shm").unlink(missing_ok=True)
        assert [s.learner_id for s in store.responses()] == ["cy"]
        store.record(_submission("dee"))
    assert _rows(path) == 2


def _held_by_someone(lock: Path) -> bool:
    with open(lock, "rb") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False


def test_a_commit_is_synced_to_disk_after_the_turn_and_before_it_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """synchronous=NORMAL leaves the fsync out of SQLite's commit; the store syncs the log
    itself, once the next writer may go (group commit), but before the answer is saved."""
    path = tmp_path / "progress.db"
    store = ProgressStore(f"sqlite:///{path}")
    try:
        lock = sqlitefile.lock_file_for(path)
        assert lock is not None
        synced: list[tuple[str, bool]] = []

        def syncing(real: Callable[[int], None]) -> Callable[[int], None]:
            def sync(handle: int) -> None:
                real(handle)
                synced.append((str(Path(f"/proc/self/fd/{handle}").readlink()),
                               _held_by_someone(lock)))
            return sync

        monkeypatch.setattr(os, "fsync", syncing(os.fsync))
        monkeypatch.setattr(os, "fdatasync", syncing(os.fdatasync))
        store.record(_submission())
        wal = f"{path}-wal"
        assert (wal, False) in synced  # the log, with the turn already free
        with store.engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        assert mode == 1  # NORMAL: the commit itself does not wait for the disk
        synced.clear()
        store.record(_submission())
        assert [name for name, _ in synced] == [wal]  # the folder only once per log file
    finally:
        store.close()


def test_without_wal_every_commit_is_synced_by_sqlite(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETATRAINING_SQLITE_WAL", "0")
    with ProgressStore(f"sqlite:///{tmp_path / 'progress.db'}") as store:
        store.record(_submission())
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_one_stat_per_transaction_and_no_access_check_while_nothing_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        later = time.time_ns() + 2_000_000_000
        monkeypatch.setattr(time, "time_ns", lambda: later)  # the file's ctime is 2 s old
        store.record(_submission())  # asks os.access once, then trusts the unchanged file
        calls: list[str] = []
        real_stat, real_access = os.stat, os.access

        def stat(target: object, *args: object, **kwargs: object) -> os.stat_result:
            if str(target) == str(path):
                calls.append("stat")
            return real_stat(target, *args, **kwargs)  # type: ignore[arg-type]

        def access(target: object, *args: object, **kwargs: object) -> bool:
            calls.append("access")
            return real_access(target, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "stat", stat)
        monkeypatch.setattr(os, "access", access)
        store.record(_submission("bea"))
        assert calls == ["stat"]
        calls.clear()
        assert len(store.responses()) == 2
        assert calls == ["stat"]  # a read follows a replaced file, but asks nothing else


def test_reads_do_not_wait_for_the_writers_turn(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        lock = sqlitefile.lock_file_for(path)
        assert lock is not None
        with open(lock, "rb") as other_writer:
            fcntl.flock(other_writer, fcntl.LOCK_EX)  # a writer in the middle of its turn
            store.retry_budget = 0.2
            assert len(store.responses()) == 1 and store.learners() == ["ada"]
            with pytest.raises(StoreBusyError):
                store.record(_submission())


def test_the_turn_lock_file_is_removed_when_its_last_store_closes(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    first = ProgressStore(f"sqlite:///{path}")
    second = ProgressStore(f"sqlite:///{path}")
    first.record(_submission())
    lock = sqlitefile.lock_file_for(path)
    assert lock is not None and lock.exists()
    with open(lock, "rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)  # the second store is writing: kept
        first.close()
        assert lock.exists()
    second.record(_submission("bea"))
    second.close()
    assert not lock.exists()  # nobody uses the file: nothing is left in the temporary folder
    dropped = ProgressStore(f"sqlite:///{path}")
    dropped.record(_submission("cy"))
    del dropped  # without close(): the finalizer removes it too
    assert not lock.exists()


def test_a_writer_waiting_on_a_removed_lock_file_takes_the_new_one(tmp_path: Path) -> None:
    lock = tmp_path / "writers.lock"
    lock.touch()
    inside = threading.Event()
    with open(lock, "rb") as old:
        fcntl.flock(old, fcntl.LOCK_EX)

        def write() -> None:
            with sqlitefile.writer_turn(lock, time.monotonic() + 30):
                inside.set()

        waiter = threading.Thread(target=write)
        waiter.start()
        time.sleep(0.1)  # the waiter is blocked on the old file
        lock.unlink()  # its last user removes it, while holding it, and a new one appears
        with open(lock, "xb") as new:
            fcntl.flock(new, fcntl.LOCK_EX)  # someone else's turn on the new file
            fcntl.flock(old, fcntl.LOCK_UN)
            assert not inside.wait(0.3)  # the old, nameless file is nobody's turn
            fcntl.flock(new, fcntl.LOCK_UN)
            assert inside.wait(10)
        waiter.join()


def test_the_log_is_checkpointed_after_the_turn_not_inside_a_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's automatic checkpoint (two fsyncs) would run inside the commit, while every
    other writer waits for the turn; the store runs it itself once the turn is over."""
    from ketatraining.progress import store as store_module

    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        monkeypatch.setattr(store_module, "CHECKPOINT_BYTES", 0)  # checkpoint at any growth
        turns: list[tuple[object, object]] = []  # the store file as a turn begins, ends
        real_turn = sqlitefile.writer_turn

        @contextlib.contextmanager
        def turn(lock: Path | None, deadline: float, held: int | None = None) -> Iterator[None]:
            with real_turn(lock, deadline, held):
                begin = (path.stat().st_size, path.stat().st_mtime_ns)
                yield
            turns.append((begin, (path.stat().st_size, path.stat().st_mtime_ns)))

        monkeypatch.setattr(sqlitefile, "writer_turn", turn)
        for _ in range(30):
            store.record(_submission("bea"))
        assert len(turns) == 30
        assert all(begin == end for begin, end in turns)  # a commit writes only the log
        copy = tmp_path / "store-file-alone.db"
        shutil.copyfile(path, copy)  # without its -wal: only what was checkpointed
        with contextlib.closing(sqlite3.connect(copy)) as alone:
            rows = alone.execute("SELECT count(*) FROM kt_responses").fetchone()[0]
        assert rows >= 2  # checkpointed after turns (SQLite's own would wait for 1,000 pages)


def test_opening_a_store_takes_its_turn_and_its_check_holds_no_write_lock(
        tmp_path: Path) -> None:
    """A kernel opening the store while others write must not take SQLite's write lock
    outside the turn (a writer in its turn would sleep in SQLite's busy handler while
    everyone queues behind it): the probe waits for its turn, the integrity check reads."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    path = tmp_path / "progress.db"
    with ProgressStore(f"sqlite:///{path}") as first:
        first.record(_submission())
    lock = sqlitefile.lock_file_for(path)
    assert lock is not None
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.strip())

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        ProgressStore(f"sqlite:///{path}").close()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    check = statements.index("PRAGMA quick_check")
    assert statements[check - 1] == "BEGIN"  # deferred: a read
    with open(lock, "wb") as other_writer:
        fcntl.flock(other_writer, fcntl.LOCK_EX)  # another kernel in its turn, for too long
        with pytest.raises(StoreBusyError, match="stayed busy"):
            ProgressStore(f"sqlite:///{path}", retry_budget=0.3)
