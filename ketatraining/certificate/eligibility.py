"""Has a learner completed the course? A record of it, or a list of what is missing.

Everything comes from the progress store (finished quiz attempts, the stored name) and
the quiz files (titles, objectives); nothing is taken from kernel memory, so the answer
is the same in JupyterLab, in the Voila app and on the command line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from ketatraining.certificate.course import Course
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import AttemptRecord, utcnow
from ketatraining.progress.store import ProgressStore
from ketatraining.progress.summary import QuizResult, load_results
from ketatraining.quiz.course import course_quizzes
from ketatraining.quiz.loading import default_quiz_dir, load_catalog
from ketatraining.quiz.model import Question, Quiz

NAME_MISSING = (
    "Your name for the record is not set. Enter it once (in notebook 07, or with "
    "'ketatraining certificate --name \"Your Name\"'); it is stored with your progress."
)
MAX_NAME_LENGTH = 120
SELF_REPORTED = ("Self-reported and unsigned: made on the learner's own computer, not issued "
                 "by a course server. Nobody can verify it.")
ISSUED = ("Issued and signed by the course server; anyone can check it with "
          "'ketatraining verify' or the course server's verification page.")


class NotEligible(KetaTrainingError):
    """The learner has not completed the course yet; ``missing`` says what remains."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("No completion record yet. Still to do: " + " ".join(missing))


@dataclass(frozen=True, slots=True)
class CompletionRecord:
    """Everything printed on a completion record (the course statements come separately)."""

    learner_id: str
    learner_name: str
    course_title: str
    course_version: str
    completed_at: datetime
    issued_at: datetime
    quizzes: list[QuizResult]
    """The learner's results (``progress.summary``) on every quiz finished at least once."""
    objectives: list[tuple[str, str]] = field(default_factory=list)
    """(id, text) of the objectives of the questions the learner's passing attempts asked
    (for a quiz with pools, the drawn questions, not the whole bank)."""
    time_spent_seconds: float = 0.0
    """Time on all finished attempts of those quizzes (``QuizResult.time_spent_seconds``)."""
    required_quizzes: tuple[str, ...] = ()
    """Ids of the quizzes course.yaml requires for completion."""
    verification_code: str | None = None
    """Set only on records a course server issued and signed (see ``signed.py``)."""

    def is_required(self, quiz_id: str) -> bool:
        return quiz_id in self.required_quizzes

    @property
    def status(self) -> str:
        return ISSUED if self.verification_code else SELF_REPORTED

    @property
    def record_id(self) -> str:
        """A short stable reference for this completion (same learner, course, date)."""
        parts = (self.learner_id, self.course_title, self.course_version,
                 self.completed_at.isoformat())
        key = "|".join(parts)
        return hashlib.sha256(key.encode()).hexdigest()[:12].upper()


def clean_name(name: str) -> str:
    """A name as typed, trimmed; refuses empty, over-long or control-character names."""
    cleaned = " ".join(name.split())
    if not cleaned:
        msg = "The name is empty. Type your name as it should appear on the record."
        raise ValueError(msg)
    if len(cleaned) > MAX_NAME_LENGTH:
        msg = f"The name is longer than {MAX_NAME_LENGTH} characters; please shorten it."
        raise ValueError(msg)
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned):
        msg = "The name contains control characters; please type it again."
        raise ValueError(msg)
    return cleaned


def _first_pass(attempts: list[AttemptRecord], quiz_id: str) -> AttemptRecord | None:
    passed = [(a.finished_at, a) for a in attempts
              if a.quiz_id == quiz_id and a.passed and a.finished_at is not None]
    return min(passed, key=lambda pair: pair[0])[1] if passed else None


def assessed_questions(quiz: Quiz, attempts: list[AttemptRecord]) -> list[Question]:
    """The questions the learner's passed attempts of ``quiz`` asked: for a quiz with
    pools, only the drawn ones (so the record claims no objective of a question the
    learner never saw); an attempt stored without a draw asked the whole quiz."""
    passed = [a for a in attempts if a.quiz_id == quiz.id and a.passed and a.finished_at]
    if any(a.drawn is None for a in passed):
        return list(quiz.questions)
    asked = {question_id for a in passed for question_id in a.drawn or ()}
    return [q for q in quiz.questions if q.id in asked]


def _missing_quiz(quiz_id: str, quiz: Quiz | None, row: QuizResult | None) -> str:
    """What is still to do for a required quiz, from the learner's row of the one results
    summary (the best score and attempts the progress view shows)."""
    if quiz is None:
        return (f"The quiz '{quiz_id}' named in course.yaml is not among the course's "
                "quizzes; please tell your trainer.")
    if row is None or not row.attempts:
        return (f"Take and pass the quiz \"{quiz.title}\" (pass mark {quiz.pass_mark:g}%); "
                "you have not started it yet.")
    if not row.finished:
        return (f"Finish the quiz \"{quiz.title}\" (pass mark {quiz.pass_mark:g}%): you "
                "started it but have not answered every question.")
    best = row.best_percent or 0.0
    tries = f"{row.finished} attempt" + ("" if row.finished == 1 else "s")
    return (f"Pass the quiz \"{quiz.title}\": the pass mark is {quiz.pass_mark:g}%, your best "
            f"score so far is {best:.0f}% after {tries}.")


def completion_record(store: ProgressStore, learner_id: str, course: Course, *,
                      quizzes: dict[str, Quiz] | None = None,
                      now: datetime | None = None) -> CompletionRecord:
    """The learner's completion record; raises NotEligible listing what is missing."""
    quizzes = quizzes if quizzes is not None else course_quizzes()
    attempts = store.attempts(learner_id, finished_only=False)
    rows = load_results(store, learner_id, quizzes=quizzes)
    row_of = {row.quiz_id: row for row in rows}
    required = course.completion.required_quizzes
    missing = []
    passes = []
    for quiz_id in required:
        first = _first_pass(attempts, quiz_id)
        if first is None:
            missing.append(_missing_quiz(quiz_id, quizzes.get(quiz_id), row_of.get(quiz_id)))
        else:
            passes.append(first)
    name = store.display_name(learner_id)
    if not name:
        missing.append(NAME_MISSING)
    if missing:
        raise NotEligible(missing)
    results = [r for r in rows if r.finished]
    catalog = load_catalog(default_quiz_dir()).objectives or {}
    covered: dict[str, str] = {}
    for result in results:
        quiz = quizzes.get(result.quiz_id)
        if not result.passed or quiz is None:
            continue
        for question in assessed_questions(quiz, attempts):
            objective = catalog.get(question.objective)
            if objective is not None and question.objective not in covered:
                covered[question.objective] = objective.text
    return CompletionRecord(
        learner_id=learner_id, learner_name=str(name), course_title=course.title,
        course_version=course.version,
        completed_at=max(p.finished_at for p in passes if p.finished_at is not None),
        issued_at=now or utcnow(), quizzes=results,
        objectives=sorted(covered.items()),
        time_spent_seconds=sum(r.time_spent_seconds for r in results),
        required_quizzes=tuple(required))
