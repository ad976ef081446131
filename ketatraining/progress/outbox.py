"""The outbox: answers the learner has seen graded, kept on disk until the store has them.

A temporary fault (the store locked past the retry budget, a PostgreSQL restart, "too
many at once" when an attempt opens, a full disk) must not lose an answer the learner
has already seen graded, nor stop later answers being saved. So every graded answer is
first appended to a small JSON-lines file in the learner's data folder (flushed and
fsynced), then written to the store; it leaves the outbox only once the store committed
it. Whatever is still in the outbox is written when the store is back: by a background
retry in the same kernel, or when the next kernel of the same learner opens the quiz.

Writing twice is harmless: answers carry their ``submission_id`` (stored once), a finish
sets the same values again. The file is locked (``fcntl.flock``) while it is read and
rewritten, so two kernels of one learner share it safely (on systems without ``fcntl``,
Windows, one kernel per learner is assumed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from ketatraining.progress.records import Submission

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

APP_NAME = "ketatraining"


def default_folder() -> Path:
    """$KETATRAINING_OUTBOX_DIR, else ``outbox/`` in the per-user data folder."""
    configured = os.environ.get("KETATRAINING_OUTBOX_DIR", "").strip()
    if configured:
        return Path(configured)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "outbox"


def outbox_path(store_url: str, learner_id: str, folder: Path | None = None) -> Path:
    """One file per store and learner: answers for one store never go to another."""
    key = hashlib.sha256(f"{store_url}\n{learner_id}".encode()).hexdigest()[:20]
    return (folder or default_folder()) / f"{key}.jsonl"


@dataclass(frozen=True, slots=True)
class Pending:
    """One write the store does not have yet: an answer, or the close of an attempt."""

    kind: Literal["answer", "finish"]
    id: str
    """The answer's submission_id; for a finish, its own id."""
    round: str
    """Which attempt this belongs to, before the store has given it a number."""
    learner_id: str
    quiz_id: str
    attempt: int | None
    """The attempt number once the store opened the attempt; None until then."""
    max_score: float
    pass_mark: float
    data: dict[str, Any] = field(default_factory=dict)
    """answer: question_id, response, score, correct, duration_seconds, submitted_at;
    finish: score, passed, finished_at, started_at (ISO 8601 times)."""

    def submission(self) -> Submission:
        if self.attempt is None:
            msg = "an answer is written only once its attempt has a number"
            raise ValueError(msg)
        data = self.data
        return Submission(
            submission_id=self.id, learner_id=self.learner_id, quiz_id=self.quiz_id,
            question_id=data["question_id"], attempt=self.attempt, response=data["response"],
            score=float(data["score"]), max_score=float(data["question_max_score"]),
            correct=bool(data["correct"]), duration_seconds=float(data["duration_seconds"]),
            submitted_at=datetime.fromisoformat(data["submitted_at"]),
            question_hash=data.get("question_hash"))

    def draw(self) -> dict[str, Any]:
        """The attempt's random draw (``start_attempt`` keywords); empty without pools."""
        if self.data.get("drawn") is None:
            return {}
        return {"draw_seed": self.data.get("draw_seed"), "drawn": list(self.data["drawn"])}


def answer_item(submission: Submission, *, round_key: str, attempt: int | None,
                max_score: float, pass_mark: float, draw_seed: int | None = None,
                drawn: list[str] | None = None) -> Pending:
    """An outbox entry for an answer (``submission.attempt`` is ignored). ``draw_seed`` and
    ``drawn``: the attempt's draw (a quiz with pools), stored when the attempt is opened."""
    extra = {} if drawn is None else {"draw_seed": draw_seed, "drawn": list(drawn)}
    return Pending(
        kind="answer", id=submission.submission_id, round=round_key,
        learner_id=submission.learner_id, quiz_id=submission.quiz_id, attempt=attempt,
        max_score=max_score, pass_mark=pass_mark,
        data={"question_id": submission.question_id, "response": submission.response,
              "score": submission.score, "question_max_score": submission.max_score,
              "correct": submission.correct, "duration_seconds": submission.duration_seconds,
              "submitted_at": submission.submitted_at.isoformat(),
              "question_hash": submission.question_hash, **extra})


def finish_item(*, round_key: str, learner_id: str, quiz_id: str, attempt: int | None,
                max_score: float, pass_mark: float, score: float, passed: bool,
                finished_at: datetime, started_at: datetime | None) -> Pending:
    return Pending(
        kind="finish", id=uuid.uuid4().hex, round=round_key, learner_id=learner_id,
        quiz_id=quiz_id, attempt=attempt, max_score=max_score, pass_mark=pass_mark,
        data={"score": score, "passed": passed, "finished_at": finished_at.isoformat(),
              "started_at": started_at.isoformat() if started_at else None})


class Outbox:
    """The pending writes of one learner for one store, in the order they were made."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the outbox's lock file (a separate file: the data file is replaced whole)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a", encoding="utf-8") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, item: Pending) -> None:
        """Keep one write; returns once it is on disk (flushed and fsynced)."""
        line = json.dumps(asdict(item), separators=(",", ":")) + "\n"
        with self._locked(), open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def items(self) -> list[Pending]:
        """Everything pending, oldest first; a line cut short by a crash is skipped."""
        if not self.path.exists():
            return []
        with self._locked():
            return self._read()

    def __len__(self) -> int:
        return len(self.items())

    def update(self, done: set[str], attempts: dict[str, int]) -> list[Pending]:
        """Drop the writes in ``done``, give rounds their attempt numbers; what is left."""
        with self._locked():
            kept = [replace(item, attempt=attempts.get(item.round, item.attempt))
                    for item in self._read() if item.id not in done]
            self._replace(kept)
            return kept

    def _read(self) -> list[Pending]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        found = []
        for line in text.splitlines():
            try:
                found.append(Pending(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # the tail of a write cut short by a crash: never acknowledged
        return found

    def _replace(self, items: list[Pending]) -> None:
        """Write the new contents beside the file and rename it over: all or nothing."""
        if not items:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(asdict(i), separators=(",", ":")) + "\n"
                              for i in items)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.path)
