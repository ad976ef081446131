"""A realistic synthetic cohort for the trainer dashboard, the docs and the benchmarks.

Synthetic learners of varying ability answer the course's real quiz banks; every answer
is marked by the real grading code and the attempts are written through ProgressStore,
so everything downstream (results, item analysis, exports) sees what a real cohort
would leave behind. The model is a simple item-response one:

- ability theta ~ N(0, 1) per learner; each question has a difficulty (from its
  ``difficulty``: easy -1, medium 0, hard +1, plus noise; about one in six is made
  harder still) and a discrimination (a few questions get a negative one, as a
  miskeyed or misleading question would);
- P(right) = guess + (1 - guess) / (1 + exp(-1.7 a (theta - b)));
- a wrong choice goes preferably to one attractive distractor per question;
- about half of those who fail try again (a little wiser), a few stop mid-quiz.

Everything is derived from the seed and the learner, quiz and question ids (not from a
running random stream), so the same seed always gives the same cohort, and adding a
quiz to the course does not change the answers to the others.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.quiz.grading import grade, score_quiz
from ketatraining.quiz.model import AnyQuestion, Quiz
from ketatraining.quiz.types import get_type
from ketatraining.quiz.versions import grading_hash

if TYPE_CHECKING:
    from ketatraining.progress.store import ProgressStore

DEMO_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""Fixed clock of the demo cohort, so its records are the same on every run."""
DEMO_NAMESPACE = uuid.UUID("6f1c2b1e-8a43-5d7e-9b1a-2f4c7d9e0a11")
_DIFFICULTY = {"easy": -1.0, "medium": 0.0, "hard": 1.0}


@dataclass
class DemoCohort:
    """The generated records, ready for ProgressStore.import_history."""

    learners: list[str]
    quizzes: list[str]
    attempts: list[AttemptRecord] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)


@dataclass(frozen=True)
class _Item:
    difficulty: float
    discrimination: float
    attractive: str | None


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _item(seed: int, quiz: Quiz, question: AnyQuestion) -> _Item:
    rng = _rng(seed, "item", quiz.id, question.id)
    difficulty = _DIFFICULTY[question.difficulty or "medium"] + rng.gauss(0, 0.5)
    if rng.random() < 0.17:
        difficulty += 1.2
    discrimination = rng.uniform(0.6, 2.0) if rng.random() >= 0.07 else rng.uniform(-0.8, -0.3)
    wrong = [o.id for o in getattr(question, "options", []) if not o.correct]
    return _Item(difficulty, discrimination, rng.choice(wrong) if wrong else None)


def _p_right(theta: float, item: _Item, guess: float) -> float:
    logistic = 1.0 / (1.0 + math.exp(-1.7 * item.discrimination * (theta - item.difficulty)))
    return guess + (1.0 - guess) * logistic


def _respond(rng: random.Random, question: AnyQuestion, item: _Item, theta: float) -> object:
    """A synthetic answer, encoded as the store keeps it (the type's codec)."""
    definition = get_type(question)
    response = definition.simulate(question, rng, lambda guess: _p_right(theta, item, guess),
                                   item.attractive)
    return definition.encode(question, response)


def generate_cohort(quizzes: Sequence[Quiz], learners: int, seed: int) -> DemoCohort:
    """The records of ``learners`` synthetic learners working through ``quizzes``."""
    if learners < 1:
        msg = "The demo cohort needs at least one learner (--learners 1 or more)."
        raise KetaTrainingError(msg)
    width = max(3, len(str(learners)))
    ids = [f"demo-{n:0{width}d}" for n in range(1, learners + 1)]
    cohort = DemoCohort(learners=ids, quizzes=[q.id for q in quizzes])
    items = {(quiz.id, q.id): _item(seed, quiz, q) for quiz in quizzes for q in quiz.questions}
    for learner in ids:
        person = _rng(seed, "learner", learner)
        theta = person.gauss(0.0, 1.0)
        day = DEMO_START + timedelta(hours=person.uniform(0, 48))
        for order, quiz in enumerate(quizzes):
            if person.random() > 0.97 - 0.02 * order:
                continue  # did not get to this quiz
            day += timedelta(hours=person.uniform(2, 60))
            _take_quiz(cohort, seed, learner, quiz, theta, day, items)
    return cohort


def _take_quiz(cohort: DemoCohort, seed: int, learner: str, bank: Quiz, theta: float,
               start: datetime, items: dict[tuple[str, str], _Item]) -> None:
    from ketatraining.quiz.draw import asked_quiz, draw_ids, seed_for

    limit = bank.max_attempts or 3
    for attempt in range(1, limit + 1):
        # a quiz with pools: this attempt answers its own draw, as a learner's would
        draw_seed = seed_for(learner, bank.id, attempt) if bank.pools else None
        drawn = draw_ids(bank, draw_seed) if draw_seed is not None else None
        quiz = asked_quiz(bank, drawn)
        rng = _rng(seed, "attempt", learner, quiz.id, attempt)
        clock = start
        grades = []
        stop_at = rng.randrange(len(quiz.questions)) if rng.random() < 0.03 else None
        for index, question in enumerate(quiz.questions):
            if index == stop_at:
                break
            response = _respond(rng, question, items[(quiz.id, question.id)], theta)
            seconds = round(rng.uniform(15, 110) * (1.4 if question.difficulty == "hard"
                                                    else 1.0), 1)
            clock += timedelta(seconds=seconds)
            result = grade(question, response)
            grades.append(result)
            name = f"demo:{seed}:{learner}:{quiz.id}:{attempt}:{question.id}"
            cohort.submissions.append(Submission(
                submission_id=uuid.uuid5(DEMO_NAMESPACE, name).hex, learner_id=learner,
                quiz_id=quiz.id, question_id=question.id, attempt=attempt, response=response,
                score=result.score, max_score=result.max_score, correct=result.correct,
                duration_seconds=seconds, submitted_at=clock,
                question_hash=grading_hash(question)))
        finished = stop_at is None
        outcome = score_quiz(quiz, grades)
        cohort.attempts.append(AttemptRecord(
            learner_id=learner, quiz_id=quiz.id, attempt=attempt, started_at=start,
            finished_at=clock if finished else None,
            score=outcome.score if finished else None, max_score=quiz.max_score,
            pass_mark=quiz.pass_mark, passed=outcome.passed if finished else None,
            draw_seed=draw_seed, drawn=drawn))
        if finished and outcome.passed and rng.random() > 0.04:
            return
        if rng.random() > 0.55:
            return
        theta += 0.4  # the feedback taught something
        start = clock + timedelta(hours=rng.uniform(0.2, 30))


def write_demo(store: ProgressStore, learners: int, seed: int,
               quizzes: Sequence[Quiz] | None = None) -> DemoCohort:
    """Generate a cohort and write it to ``store`` in one transaction."""
    from sqlalchemy.exc import IntegrityError

    if quizzes is None:
        from ketatraining.quiz.course import course_quizzes

        quizzes = list(course_quizzes().values())
    banks = list(quizzes)
    if not banks:
        msg = "No valid quiz was found to build a demo cohort on; run 'ketatraining validate'."
        raise KetaTrainingError(msg)
    cohort = generate_cohort(banks, learners, seed)
    try:
        store.import_history(cohort.attempts, cohort.submissions)
    except IntegrityError:
        msg = (f"The progress store {store.display_url} already holds attempts of these demo "
               "learners; use an empty store (for example --db sqlite:///demo.db).")
        raise KetaTrainingError(msg) from None
    return cohort
