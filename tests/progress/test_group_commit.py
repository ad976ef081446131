"""Answers waiting for the SQLite writers' turn are committed together (groupcommit.py).

Each test holds the turn lock itself (another kernel in its turn), lets writers queue
behind it, and checks what the next turn does with their answers: one transaction for all
of them, each writer acknowledged only after that commit, nothing lost or stored twice
when a waiting writer or the turn itself is killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ketatraining.errors import StoreBusyError
from ketatraining.progress import groupcommit, sqlitefile
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id

pytestmark = pytest.mark.skipif(not groupcommit.AVAILABLE,
                                reason="answers are batched on Linux only")


def _submission(learner: str = "ada", submission_id: str | None = None) -> Submission:
    return Submission(
        submission_id=submission_id or new_submission_id(), learner_id=learner,
        quiz_id="practice", question_id="bp", attempt=1, response=["a", "c"], score=1.0,
        max_score=1.0, correct=True, duration_seconds=1.0, submitted_at=utcnow(),
        question_hash="h1")


def _commits_in_log(path: Path) -> int:
    """Commit frames in the store's write-ahead log (frames of the current log only)."""
    data = Path(f"{path}-wal").read_bytes()
    if len(data) < 32:
        return 0
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    commits, offset = 0, 32
    while offset + 24 + page_size <= len(data):
        header = data[offset:offset + 24]
        if header[8:16] != salts:
            break  # left over from before the log was restarted
        commits += struct.unpack(">I", header[4:8])[0] != 0
        offset += 24 + page_size
    return commits


def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _spooled(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(f"*{groupcommit.SUFFIX}")) if folder.exists() else []


def _left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _stored(url: str) -> list[str]:
    with ProgressStore(url) as store:
        return [s.submission_id for s in store.responses()]


@pytest.fixture
def store_file(tmp_path: Path) -> tuple[str, Path, Path]:
    """A WAL store with one answer in it; its URL, turn lock and spool folder."""
    path = tmp_path / "progress.db"
    url = f"sqlite:///{path}"
    with ProgressStore(url) as store:
        store.record(_submission())
        assert store.journal_mode == "wal"
    lock = sqlitefile.lock_file_for(path)
    assert lock is not None
    return url, lock, groupcommit.spool_folder_for(lock)


def test_answers_waiting_for_the_turn_are_committed_in_one_transaction(
        store_file: tuple[str, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """... and synced once: each writer is told "saved" only after that one fsync."""
    url, lock, spool = store_file
    path = Path(url.removeprefix("sqlite:///"))
    events: list[str] = []
    real_sync = os.fdatasync

    def sync(handle: int) -> None:
        real_sync(handle)
        if Path(f"/proc/self/fd/{handle}").readlink() == Path(f"{path}-wal"):
            events.append("synced")

    monkeypatch.setattr(os, "fdatasync", sync)
    keeper = ProgressStore(url)  # keeps the log open, so its frames can be counted
    stores = [ProgressStore(url) for _ in range(4)]
    done: list[str] = []
    try:
        with lock.open("rb") as other_kernel:
            fcntl.flock(other_kernel, fcntl.LOCK_EX)  # in its turn: everyone queues
            answers = [_submission(f"learner{n}") for n in range(4)]
            threads = [threading.Thread(target=lambda s=s, a=a: (
                s.record(a), done.append(a.submission_id), events.append("saved")))
                for s, a in zip(stores, answers, strict=True)]
            for thread in threads:
                thread.start()
            _wait_for(lambda: len(_spooled(spool)) == 4)
            assert spool.stat().st_mode & 0o777 == 0o700  # this user's kernels only
            time.sleep(0.2)
            assert done == []  # nobody is told "saved" before a turn committed it
            before = _commits_in_log(path)
        for thread in threads:
            thread.join(30)
        assert sorted(done) == sorted(a.submission_id for a in answers)
        assert _commits_in_log(path) - before == 1  # one transaction carried all four
        assert events[0] == "synced" and events.count("saved") == 4
        assert events.count("synced") < 4  # one fsync per batch, not one per answer
        stored = _stored(url)
        assert len(stored) == len(set(stored)) == 5
        assert _left_in(spool) == []
    finally:
        for store in [*stores, keeper]:
            store.close()
    assert not spool.exists()  # the last store to close leaves nothing in the temp folder


WAITER = """
import sys
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore
url, submission_id = sys.argv[1:]
store = ProgressStore(url)
print("open", flush=True)
sys.stdin.readline()
store.record(Submission(submission_id=submission_id, learner_id="killed", quiz_id="practice",
    question_id="bp", attempt=1, response=["a"], score=0.0, max_score=1.0, correct=False,
    duration_seconds=1.0, submitted_at=utcnow(), question_hash="h1"))
print("saved", flush=True)
"""


def test_a_writer_killed_while_its_answer_waits_loses_nothing_and_stores_nothing_twice(
        store_file: tuple[str, Path, Path]) -> None:
    """Its answer (never acknowledged) goes in with the next turn's, and when its kernel's
    outbox writes it again, it is stored once."""
    url, lock, spool = store_file
    killed_id = new_submission_id()
    survivor = ProgressStore(url)
    acknowledged: list[str] = []
    process = subprocess.Popen([sys.executable, "-c", WAITER, url, killed_id],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().strip() == "open"  # opening takes a turn too
        with lock.open("rb") as other_kernel:
            fcntl.flock(other_kernel, fcntl.LOCK_EX)
            process.stdin.write("go\n")
            process.stdin.flush()
            _wait_for(lambda: len(_spooled(spool)) == 1)
            process.send_signal(signal.SIGKILL)  # killed while its answer waits
            process.wait(30)
            answer = _submission("bea")
            writer = threading.Thread(target=lambda: (survivor.record(answer),
                                                      acknowledged.append(answer.submission_id)))
            writer.start()
            _wait_for(lambda: len(_spooled(spool)) == 2)
        writer.join(30)
        assert acknowledged == [answer.submission_id]
        stored = _stored(url)
        assert killed_id in stored and answer.submission_id in stored
        survivor.record(_submission("killed", killed_id))  # the killed kernel's outbox retry
        stored = _stored(url)
        assert stored.count(killed_id) == 1 and len(stored) == len(set(stored)) == 3
        assert _left_in(spool) == []
    finally:
        process.kill()
        process.communicate(timeout=30)  # and closes its pipes
        survivor.close()


KILLED_TURN = """
import fcntl, json, os, sqlite3, sys, time
from pathlib import Path
lock, store, spool = sys.argv[1:]
handle = os.open(lock, os.O_RDONLY)
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()  # the writers have queued behind this turn
connection = sqlite3.connect(store, isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
for row in Path(spool).glob("*.row"):  # what a turn does, up to its commit
    answer = json.loads(row.read_bytes())
    connection.execute("INSERT INTO kt_responses (submission_id, learner_id, quiz_id, "
        "question_id, attempt, response, score, max_score, correct, duration_seconds, "
        "submitted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (answer["submission_id"],
        answer["learner_id"], answer["quiz_id"], answer["question_id"], answer["attempt"],
        json.dumps(answer["response"]), answer["score"], answer["max_score"],
        answer["correct"], answer["duration_seconds"], answer["submitted_at"]))
print("inside", flush=True)
time.sleep(600)
"""


def test_a_turn_killed_before_its_commit_leaves_the_answers_for_the_next_one(
        store_file: tuple[str, Path, Path]) -> None:
    url, lock, spool = store_file
    path = url.removeprefix("sqlite:///")
    stores = [ProgressStore(url) for _ in range(3)]
    answers = [_submission(f"learner{n}") for n in range(3)]
    acknowledged: list[str] = []
    turn = subprocess.Popen([sys.executable, "-c", KILLED_TURN, str(lock), path, str(spool)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert turn.stdout is not None and turn.stdin is not None
        assert turn.stdout.readline().strip() == "locked"
        threads = [threading.Thread(target=lambda s=s, a=a: (s.record(a),
                                                             acknowledged.append(a.submission_id)))
                   for s, a in zip(stores, answers, strict=True)]
        for thread in threads:
            thread.start()
        _wait_for(lambda: len(_spooled(spool)) == 3)
        turn.stdin.write("go\n")
        turn.stdin.flush()
        assert turn.stdout.readline().strip() == "inside"  # their answers, uncommitted
        assert acknowledged == []
        turn.send_signal(signal.SIGKILL)  # mid-transaction: SQLite rolls it back
        turn.wait(30)
        for thread in threads:
            thread.join(30)
        assert sorted(acknowledged) == sorted(a.submission_id for a in answers)
        stored = _stored(url)
        assert len(stored) == len(set(stored)) == 4
        with ProgressStore(url) as store:
            assert store.integrity_problems() == []
    finally:
        turn.kill()
        turn.communicate(timeout=30)  # and closes its pipes
        for store in stores:
            store.close()


def test_a_writer_that_gives_up_withdraws_its_answer(
        store_file: tuple[str, Path, Path]) -> None:
    url, lock, spool = store_file
    with ProgressStore(url, retry_budget=0.3) as store, lock.open("rb") as other_kernel:
        fcntl.flock(other_kernel, fcntl.LOCK_EX)
        with pytest.raises(StoreBusyError, match="stayed busy"):
            store.record(_submission("bea"))
        assert _left_in(spool) == []  # no later turn writes what was reported unsaved
    assert len(_stored(url)) == 1


def test_an_answer_a_turn_cannot_read_is_written_by_its_writer_not_reported_saved(
        store_file: tuple[str, Path, Path]) -> None:
    """A spool file the turn cannot decode is never taken as stored: its writer, told by
    the mark, writes the answer alone (a removed file would have read as "synced")."""
    url, lock, spool = store_file
    answer = _submission("bea")
    done: list[str] = []
    with ProgressStore(url) as store:
        with lock.open("rb") as other_kernel:
            fcntl.flock(other_kernel, fcntl.LOCK_EX)
            thread = threading.Thread(target=lambda: (store.record(answer),
                                                      done.append(answer.submission_id)))
            thread.start()
            _wait_for(lambda: len(_spooled(spool)) == 1)
            (spool / _spooled(spool)[0]).write_bytes(b"{not json")  # damaged in the spool
        thread.join(30)
        assert done == [answer.submission_id]
        assert answer.submission_id in _stored(url)  # "saved" was true
        assert _left_in(spool) == []


def test_a_spool_folder_others_can_write_to_is_not_used(
        store_file: tuple[str, Path, Path]) -> None:
    """Rows another user could plant are never read in: the answer is written alone."""
    url, _lock, spool = store_file
    spool.mkdir(mode=0o700, exist_ok=True)
    spool.chmod(0o777)
    planted = spool / f"{time.time_ns():019d}-1-planted{groupcommit.SUFFIX}"
    planted.write_bytes(groupcommit.encode(_submission("mallory")))
    try:
        with ProgressStore(url) as store:
            store.record(_submission("bea"))
            assert sorted(store.learners()) == ["ada", "bea"]
        assert planted.exists()
    finally:
        planted.unlink()
        spool.rmdir()


def test_a_writer_whose_turn_was_killed_after_its_commit_syncs_the_log_itself(
        store_file: tuple[str, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The turn's writer would have synced the log and removed the committed mark; killed
    before that, the mark stays, and the waiting writer syncs the log before "saved"."""
    url, lock, spool = store_file
    path = url.removeprefix("sqlite:///")
    synced: list[str] = []
    real_sync = os.fdatasync

    def sync(handle: int) -> None:
        real_sync(handle)
        synced.append(str(Path(f"/proc/self/fd/{handle}").readlink()))

    monkeypatch.setattr(os, "fdatasync", sync)
    answer = _submission("bea")
    acknowledged: list[str] = []
    with ProgressStore(url) as store:
        with lock.open("rb") as killed_turn:
            fcntl.flock(killed_turn, fcntl.LOCK_EX)
            writer = threading.Thread(target=lambda: (store.record(answer),
                                                      acknowledged.append("saved")))
            writer.start()
            _wait_for(lambda: len(_spooled(spool)) == 1)
            row = spool / _spooled(spool)[0]
            with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as raw:
                raw.execute("PRAGMA synchronous = NORMAL")
                raw.execute("INSERT INTO kt_responses (submission_id, learner_id, quiz_id, "
                            "question_id, attempt, response, score, max_score, correct, "
                            "duration_seconds, submitted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (answer.submission_id, "bea", "practice", "bp", 1, "[]", 1.0,
                             1.0, 1, 1.0, "2026-01-01 00:00:00.000000"))
            row.rename(row.with_suffix(groupcommit.DONE))  # committed; then killed
        writer.join(30)
        assert acknowledged == ["saved"]
        assert f"{path}-wal" in synced  # by the waiting writer itself, before "saved"
        assert [s.submission_id for s in store.responses(learner_id="bea")] == [
            answer.submission_id]
    assert _left_in(spool) == []


def test_kill_9_among_writers_committing_each_others_answers_loses_nothing(
        tmp_path: Path, worker: Path) -> None:
    """Four kernels writing at once (so turns carry each other's answers), killed at random
    moments, whatever each was doing (leading a turn, waiting, syncing): every answer
    acknowledged is stored, none twice, and the store is sound."""
    import random

    url = f"sqlite:///{tmp_path / 'progress.db'}"
    with ProgressStore(url):
        pass
    lock = sqlitefile.lock_file_for(tmp_path / "progress.db")
    assert lock is not None
    rng = random.Random(20261201)
    outputs: list[list[str]] = []
    readers: list[threading.Thread] = []
    everyone: list[subprocess.Popen[str]] = []

    def start(number: int) -> subprocess.Popen[str]:
        process = subprocess.Popen([sys.executable, str(worker), url, f"learner{number}",
                                    "1000000"], stdout=subprocess.PIPE, text=True)
        lines: list[str] = []
        outputs.append(lines)
        assert process.stdout is not None
        reader = threading.Thread(target=lambda: lines.extend(process.stdout or []))
        reader.start()
        readers.append(reader)
        everyone.append(process)
        return process

    running = [start(n) for n in range(4)]
    kills = 0
    try:
        _wait_for(lambda: sum(len(lines) for lines in outputs) > 200, 120)
        for round_number in range(4):
            time.sleep(rng.uniform(0.2, 0.6))
            victim = rng.randrange(len(running))
            running[victim].send_signal(signal.SIGKILL)
            running[victim].wait(30)
            kills += 1
            running[victim] = start(10 + round_number)
        time.sleep(rng.uniform(0.2, 0.6))
    finally:
        for process in running:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            kills += 1
        for reader in readers:
            reader.join(30)
        for process in everyone:
            if process.stdout is not None:
                process.stdout.close()
        # what killed kernels leave in the shared folders (a later turn would write or
        # sweep their rows; this store is never written again)
        shutil.rmtree(groupcommit.spool_folder_for(lock), ignore_errors=True)
        lock.unlink(missing_ok=True)
    acknowledged = [line.strip() for lines in outputs for line in lines
                    if len(line.strip()) == 32]
    assert not [line for lines in outputs for line in lines if line.startswith("ERROR")]
    with ProgressStore(url) as store:
        stored = [s.submission_id for s in store.responses()]
        assert store.integrity_problems() == []
    assert len(acknowledged) > 200
    assert set(acknowledged) <= set(stored), "an acknowledged answer was lost"
    assert len(stored) == len(set(stored)), "an answer was stored twice"
    assert len(stored) - len(acknowledged) <= kills  # at most the one in flight per kill
