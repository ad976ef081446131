"""The course server keeps time on task as the local path does, and its result queries
(my results, the trainers' results and stats, completion records) use regraded scores.

An Engine is what a ``ketatraining serve`` process holds; these run it on a SQLite store
(the same transactions as on PostgreSQL, without the advisory lock), and the trainers'
reports through ``run_cli``, exactly as the service's report endpoint runs them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from pathlib import Path

import pytest
from hub.hubstack import COURSE, OBJECTIVES, QUIZ, REFERENCES, RIGHT

from ketatraining.certificate import load_course
from ketatraining.progress.regrade import regrade
from ketatraining.quiz.loading import load_quiz
from ketatraining.service.app import Settings, run_cli
from ketatraining.service.engine import Engine

QUIZ_ID = "final-check"


def _run_cli(settings: Settings, args: list[str]) -> tuple[int, str, str]:
    """The service's report runner, on its own event loop in a thread: in a full run the
    browser tests' session-wide Playwright (sync API) keeps a loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(run_cli(settings, args))).result()
BROKEN = (QUIZ.replace("    answer: true\n", "    answer: false\n", 1)
          .replace("{id: a, text: Blood pressure, correct: true,", "{id: a, text: Blood pressure,")
          .replace("{id: b, text: Nothing,", "{id: b, text: Nothing, correct: true,"))
"""The quiz with two wrong keys (bp and watch): right answers score 1 of 3 (fail)."""


def quiz_folder(base: Path, text: str) -> Path:
    folder = base / "quizzes"
    folder.mkdir(parents=True)
    (folder / f"{QUIZ_ID}.yaml").write_text(text)
    (folder / "references.yaml").write_text(REFERENCES)
    (folder / "objectives.yaml").write_text(OBJECTIVES)
    return folder


def engine_for(folder: Path, url: str) -> Engine:
    quiz = load_quiz(folder / f"{QUIZ_ID}.yaml")
    return Engine(url, {quiz.id: quiz})


def answer(engine: Engine, learner: str, questions: list[str], **seconds: float) -> str | None:
    attempt = engine.start(learner, QUIZ_ID).attempt_id
    for qid in questions:
        attempt = engine.submit(learner, QUIZ_ID, attempt, qid, RIGHT[qid],
                                seconds=seconds.get(qid)).attempt_id
    return attempt


def test_time_on_task_per_question_and_per_attempt_is_stored(tmp_path: Path) -> None:
    engine = engine_for(quiz_folder(tmp_path, QUIZ), f"sqlite:///{tmp_path / 's.db'}")
    attempt = answer(engine, "ann", ["bp", "dose", "watch"], bp=12.5, dose=30, watch=7.25)
    engine.finish("ann", QUIZ_ID, attempt, seconds=300)  # first question shown to finish
    assert [s.duration_seconds for s in engine.store.responses("ann")] == [12.5, 30, 7.25]
    (stored,) = engine.store.attempts("ann")
    assert stored.duration_seconds == pytest.approx(300, abs=1)
    (row,) = engine.my_results("ann")
    assert row["time_spent_seconds"] == pytest.approx(300, abs=1)

    attempt = engine.start("bo", QUIZ_ID).attempt_id
    for qid, seconds in (("bp", True), ("dose", -4), ("watch", "soon")):
        attempt = engine.submit("bo", QUIZ_ID, attempt, qid, RIGHT[qid],
                                seconds=seconds).attempt_id  # type: ignore[arg-type]
    engine.finish("bo", QUIZ_ID, attempt, seconds=10**9)  # implausible: not a duration
    assert [s.duration_seconds for s in engine.store.responses("bo")] == [0, 0, 0]
    (stored,) = engine.store.attempts("bo")
    assert stored.duration_seconds is not None and stored.duration_seconds < 60
    engine.close()


def test_results_stats_records_and_open_attempts_use_regraded_scores(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    broken = engine_for(quiz_folder(tmp_path / "broken", BROKEN), url)
    ann_attempt = answer(broken, "ann", ["bp", "dose", "watch"])
    assert not broken.finish("ann", QUIZ_ID, ann_attempt).passed  # 1 of 3 under wrong keys
    answer(broken, "bea", ["bp", "dose"])  # bea's attempt stays open
    broken.store.set_display_name("ann", "Ann Example")
    assert broken.my_results("ann")[0]["passed"] is False
    broken.close()

    fixed_folder = quiz_folder(tmp_path / "fixed", QUIZ)
    engine = engine_for(fixed_folder, url)  # the service restarted with the fixed files
    report = regrade(engine.store, engine.quizzes[QUIZ_ID], by="carol")
    assert len(report.answers) == 3  # ann's bp and watch, bea's bp

    (row,) = engine.my_results("ann")
    assert (row["best_percent"], row["passed"]) == (100.0, True)
    course_file = tmp_path / "course.yaml"
    course_file.write_text(COURSE)
    record = engine.completion_record("ann", load_course(course_file))
    assert [(q.quiz_id, q.best_percent, q.passed) for q in record.quizzes] == [
        (QUIZ_ID, 100.0, True)]

    settings = Settings(db_url=url, quiz_dir=str(fixed_folder), signing_key=None)
    code, out, err = _run_cli(settings, ["results", "--format", "json"])
    assert code == 0, err
    ann = next(r for r in json.loads(out)["learners"] if r["learner_id"] == "ann")
    assert (ann["best_percent"], ann["passed"], ann["regraded"]) == (100.0, True, True)
    code, out, err = _run_cli(settings, ["stats", QUIZ_ID, "--json"])
    assert code == 0, err
    stats = json.loads(out)
    assert stats["mean"] == 3.0  # ann's first attempt, as regraded
    assert {q["id"]: q["facility"] for q in stats["questions"]}["bp"] == 1.0

    resumed = engine.start("bea", QUIZ_ID)  # her open attempt shows the regraded mark
    assert {c.question_id: c.score for c in resumed.answered} == {"bp": 1.0, "dose": 1.0}
    assert {c.question_id: c.verdict for c in resumed.answered}["bp"] == "correct"
    last = engine.submit("bea", QUIZ_ID, resumed.attempt_id, "watch", RIGHT["watch"])
    outcome = engine.finish("bea", QUIZ_ID, last.attempt_id)
    assert (outcome.score, outcome.passed) == (3.0, True)
    assert [a.score for a in engine.store.attempts("bea")] == [3.0]
    engine.close()
