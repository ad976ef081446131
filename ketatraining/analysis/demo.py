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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ketatraining.errors import KetaTrainingError
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.quiz.grading import grade, score_quiz
from ketatraining.quiz.model import AnyQuestion, Quiz
from ketatraining.quiz.types import get_type
from ketatraining.quiz.types.base import JSON
from ketatraining.quiz.versions import grading_hash

if TYPE_CHECKING:
    from ketatraining.assessment.protocol import SyntheticCohorts
    from ketatraining.progress.store import ProgressStore

DEMO_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""Fixed clock of the demo cohort, so its records are the same on every run."""
DEMO_NAMESPACE = uuid.UUID("6f1c2b1e-8a43-5d7e-9b1a-2f4c7d9e0a11")
_DIFFICULTY = {"easy": -1.0, "medium": 0.0, "hard": 1.0}


@dataclass(frozen=True)
class PlannedAnswer:
    """One synthetic answer: the response as the seam takes it (the type's JSON codec)."""

    question_id: str
    response: JSON
    seconds: float
    at: datetime


@dataclass
class PlannedAttempt:
    """One synthetic attempt as a learner would make it through the seam."""

    learner: str
    quiz_id: str
    attempt: int
    started: datetime
    draw_seed: int | None
    answers: list[PlannedAnswer] = field(default_factory=list)
    finished_at: datetime | None = None


@dataclass
class DemoCohort:
    """The generated records, ready for ProgressStore.import_history, and the same
    attempts as plans for the seam (:func:`answer_through`)."""

    learners: list[str]
    quizzes: list[str]
    attempts: list[AttemptRecord] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    plans: list[PlannedAttempt] = field(default_factory=list)
    banks: list[Quiz] = field(default_factory=list)


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
    wrong = [o.id for o in get_type(question).option_choices(question) if not o.correct]
    return _Item(difficulty, discrimination, rng.choice(wrong) if wrong else None)


def _p_right(theta: float, item: _Item, guess: float) -> float:
    logistic = 1.0 / (1.0 + math.exp(-1.7 * item.discrimination * (theta - item.difficulty)))
    return guess + (1.0 - guess) * logistic


def _respond(rng: random.Random, question: AnyQuestion, item: _Item, theta: float) -> JSON:
    """A synthetic answer, encoded as the store keeps it (the type's codec)."""
    definition = get_type(question)
    response = definition.simulate(question, rng, lambda guess: _p_right(theta, item, guess),
                                   item.attractive)
    encoded = definition.encode(question, response)
    options = [o.id for o in definition.option_choices(question)]
    if encoded == [] and options:
        # nothing ticked cannot be checked (the quiz asks to choose first): the learner
        # ticks the tempting wrong option, or one at random
        ticked = definition.accept(question, [item.attractive or rng.choice(options)])
        encoded = definition.encode(question, ticked)
    return encoded


def generate_cohort(quizzes: Sequence[Quiz], learners: int, seed: int) -> DemoCohort:
    """The records of ``learners`` synthetic learners working through ``quizzes``."""
    if learners < 1:
        msg = "The demo cohort needs at least one learner (--learners 1 or more)."
        raise KetaTrainingError(msg)
    width = max(3, len(str(learners)))
    ids = [f"demo-{n:0{width}d}" for n in range(1, learners + 1)]
    cohort = DemoCohort(learners=ids, quizzes=[q.id for q in quizzes], banks=list(quizzes))
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
        plan = PlannedAttempt(learner, quiz.id, attempt, start, draw_seed)
        cohort.plans.append(plan)
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
            plan.answers.append(PlannedAnswer(question.id, response, seconds, clock))
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
        if not finished:
            return  # stopped mid-quiz and did not come back (the attempt stays open)
        plan.finished_at = clock
        if outcome.passed and rng.random() > 0.04:
            return
        if rng.random() > 0.55:
            return
        theta += 0.4  # the feedback taught something
        start = clock + timedelta(hours=rng.uniform(0.2, 30))


def demo_cohort(learners: int, seed: int,
                quizzes: Sequence[Quiz] | None = None) -> DemoCohort:
    """The cohort on the given quizzes (default: the course's quiz banks)."""
    if quizzes is None:
        from ketatraining.quiz.course import course_quizzes

        quizzes = list(course_quizzes().values())
    banks = list(quizzes)
    if not banks:
        msg = "No valid quiz was found to build a demo cohort on; run 'ketatraining validate'."
        raise KetaTrainingError(msg)
    return generate_cohort(banks, learners, seed)


def write_demo(store: ProgressStore, learners: int, seed: int,
               quizzes: Sequence[Quiz] | None = None) -> DemoCohort:
    """Generate a cohort and write it to ``store`` in one transaction (the dashboard
    notebook's quick path; ``demo-data`` goes through the seam, :func:`answer_through`)."""
    from sqlalchemy.exc import IntegrityError

    cohort = demo_cohort(learners, seed, quizzes)
    try:
        store.import_history(cohort.attempts, cohort.submissions)
    except IntegrityError:
        msg = (f"The progress store {store.display_url} already holds attempts of these demo "
               "learners; use an empty store (for example --db sqlite:///demo.db).")
        raise KetaTrainingError(msg) from None
    return cohort


def answer_through(assessment: SyntheticCohorts, cohort: DemoCohort,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Write the cohort the way learners would: each attempt started, answered and
    finished through the assessment seam, graded and stored by the implementation (in
    this process, or by the course server), back-dated to the cohort's times.

    Returns the number of answers stored. Refuses (before writing anything more) when a
    synthetic learner already has attempts: demo data goes only where there is none.
    ``progress(done, total)`` is called after each attempt.
    """
    total = len(cohort.plans)
    answers = 0
    for done, plan in enumerate(cohort.plans, start=1):
        now = [plan.started]

        def clock(now: list[datetime] = now) -> datetime:
            return now[0]

        seat = assessment.as_synthetic(plan.learner, clock)
        state = seat.start(plan.quiz_id, seed=plan.draw_seed)
        if state.attempts_used != plan.attempt - 1 or state.attempt_id is not None:
            msg = (f"The store already holds attempts of the demo learner {plan.learner} on "
                   f"{plan.quiz_id}; demo data goes only into a store without them.")
            raise KetaTrainingError(msg)
        attempt_id = state.attempt_id
        for answer in plan.answers:
            now[0] = answer.at
            checked = seat.submit(plan.quiz_id, attempt_id, answer.question_id,
                                  answer.response,
                                  seconds=answer.seconds)
            attempt_id = checked.attempt_id
            answers += 1
        if plan.finished_at is not None:
            now[0] = plan.finished_at
            seat.finish(plan.quiz_id, attempt_id,
                        seconds=(plan.finished_at - plan.started).total_seconds())
        if progress is not None:
            progress(done, total)
    return answers
