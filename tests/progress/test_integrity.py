"""A store damaged in the middle is refused untouched; a full disk names its real cause.

Found by an independent fault harness: with 64 bytes overwritten mid-file the store
opened, acknowledged 20 answers and wrote them (``PRAGMA quick_check`` already failed),
and a full disk mid-session was reported as "the database reported an error" because
rolling back a savepoint SQLite had already discarded raised "no such savepoint".
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from ketatraining.errors import StoreUnavailableError
from ketatraining.progress import store as store_module
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id


def _submission(n: int = 0, learner: str = "ada") -> Submission:
    return Submission(
        submission_id=new_submission_id(), learner_id=learner, quiz_id="practice",
        question_id=f"q{n % 7}", attempt=1, response=["a", "c"], score=1.0, max_score=1.0,
        correct=True, duration_seconds=1.5, submitted_at=utcnow())


def _store_with_answers(path: Path, answers: int = 400) -> None:
    with ProgressStore(f"sqlite:///{path}") as store:
        store.import_history([], [_submission(n) for n in range(answers)])


def _damage_the_middle(path: Path) -> None:
    """64 bytes overwritten in the middle of the file: a table page, not the header."""
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096, "the store must span many pages"
    middle = (len(data) // 4096 // 2) * 4096  # a page header and its cell pointers
    data[middle:middle + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    with contextlib.closing(sqlite3.connect(path)) as connection:
        try:
            found = connection.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:  # so damaged that the check itself gives up
            found = []
        assert found != [("ok",)]


def _answer(url: str, count: int) -> None:
    """Open the store and record ``count`` answers, as a learner's quiz would."""
    with ProgressStore(url) as store:
        for n in range(count):
            store.record(_submission(n))


def _record_until_refused(store: ProgressStore, saved: list[int]) -> None:
    for n in range(2000):
        store.record(_submission(n, learner=f"learner-{n}"))
        saved.append(n)


def _one_sentence(message: str) -> None:
    assert "\n" not in message
    assert "sqlite3." not in message
    assert message.endswith(".")


@pytest.mark.parametrize("where", ["before open returns", "in the background"])
def test_a_store_damaged_in_the_middle_is_refused_without_writing_a_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    path = tmp_path / "progress.db"
    _store_with_answers(path)
    _damage_the_middle(path)
    before = path.read_bytes()
    if where == "in the background":  # what a store over SYNC_CHECK_BYTES gets
        monkeypatch.setattr(store_module, "SYNC_CHECK_BYTES", 0)
    with pytest.raises(StoreUnavailableError) as caught:
        _answer(f"sqlite:///{path}", 20)  # the harness's 20 answers: not one may be written
    message = str(caught.value)
    _one_sentence(message)
    assert "damaged" in message
    assert "nothing was written" in message
    assert "rename it" in message  # what the learner can do
    assert path.read_bytes() == before


def test_a_damaged_store_refuses_every_kind_of_write(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "progress.db"
    _store_with_answers(path)
    _damage_the_middle(path)
    before = path.read_bytes()
    monkeypatch.setattr(store_module, "SYNC_CHECK_BYTES", 0)
    store = ProgressStore(f"sqlite:///{path}")
    try:
        writes = [
            lambda: store.start_attempt("ada", "practice", max_score=1.0, pass_mark=50.0),
            lambda: store.finish_attempt("ada", "practice", 1, score=1.0, passed=True),
            lambda: store.set_display_name("ada", "Ada"),
            lambda: store.import_history([], [_submission()]),
        ]
        for write in writes:
            with pytest.raises(StoreUnavailableError, match="damaged"):
                write()
    finally:
        store.close()
    assert path.read_bytes() == before


@pytest.mark.parametrize("where", ["before open returns", "in the background"])
def test_a_sound_store_passes_the_check_and_takes_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    path = tmp_path / "progress.db"
    _store_with_answers(path, 50)
    if where == "in the background":
        monkeypatch.setattr(store_module, "SYNC_CHECK_BYTES", 0)
    with ProgressStore(f"sqlite:///{path}") as store:
        store.record(_submission())
        assert len(store.responses()) == 51
        assert store.integrity_problems() == []


def test_a_new_or_empty_store_file_is_not_checked(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with ProgressStore(f"sqlite:///{empty}") as store:
        store.record(_submission())
    with ProgressStore(f"sqlite:///{tmp_path / 'new.db'}") as store:
        store.record(_submission())
        assert len(store.responses()) == 1


# -- a full disk in the middle of a session --------------------------------------------
def _cap_pages(store: ProgressStore) -> None:
    """Every new connection may not grow the file: SQLite then fails with SQLITE_FULL
    ("database or disk is full") and rolls the transaction back by itself, exactly as
    on a full disk. (The store keeps its connection between answers: closing the pooled
    one makes the next answer open a capped one.)"""
    pages = int(sqlite3.connect(store.sqlite_path).execute("PRAGMA page_count").fetchone()[0])

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    store.engine.dispose()


def test_a_full_disk_mid_session_reports_the_disk_not_a_savepoint(tmp_path: Path) -> None:
    path = tmp_path / "progress.db"
    store = ProgressStore(f"sqlite:///{path}")
    store.record(_submission())
    _cap_pages(store)
    saved = [0]
    with pytest.raises(StoreUnavailableError) as caught:
        _record_until_refused(store, saved)
    message = str(caught.value)
    store.close()
    assert "savepoint" not in message
    assert "reported an error" not in message
    assert "disk is full" in message
    _one_sentence(message)
    with ProgressStore(f"sqlite:///{path}") as reopened:  # nothing half-written
        assert len(reopened.responses()) == len(saved)
        assert reopened.integrity_problems() == []


@contextlib.contextmanager
def _tiny_disk(folder: Path) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root); the page-cap test "
                    "above covers SQLITE_FULL")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def test_a_really_full_disk_mid_session_names_the_disk(tmp_path: Path) -> None:
    with _tiny_disk(tmp_path / "disk") as disk:
        store = ProgressStore(f"sqlite:///{disk / 'progress.db'}")
        store.record(_submission())
        (disk / "filler").write_bytes(b"\0" * (disk.stat().st_blksize * 1))
        with contextlib.suppress(OSError), open(disk / "rest", "wb") as handle:
            while True:  # fill what is left
                handle.write(os.urandom(4096))
                handle.flush()
        with pytest.raises(StoreUnavailableError) as caught:
            _record_until_refused(store, [])
        store.close()
    message = str(caught.value)
    assert "savepoint" not in message
    assert "disk is full" in message


def test_a_store_locked_by_another_kernel_during_the_check_is_not_called_damaged(
        tmp_path: Path) -> None:
    """The check waits out a writer that holds the lock longer than SQLite's busy timeout
    (eight kernels at once did this) instead of taking "database is locked" for damage."""
    import threading

    path = tmp_path / "progress.db"
    _store_with_answers(path, 50)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(store_module.BUSY_TIMEOUT_MS / 1000 + 0.8,
                              lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        with ProgressStore(f"sqlite:///{path}") as store:
            store.record(_submission())
            assert len(store.responses()) == 51
    finally:
        release.join()
        holder.close()
