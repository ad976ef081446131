"""``demo-data --service``: a synthetic cohort written through the course server.

The trainer's CLI drives the seam (start, submit, finish) for each synthetic learner;
the course server grades every answer with its own keyed quiz and stores it, back-dated
to the cohort's times, with the trainer as the actor in the audit trail. Only a server
started with --allow-demo (with a database of its own) takes it, and only from trainers.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from hub.hubstack import HubStack, ServiceProcess, free_port

from ketatraining.analysis.demo import demo_cohort
from ketatraining.cli import main
from ketatraining.quiz.course import course_quizzes
from ketatraining.quiz.grading import grade

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
QUIZ = "final-check"


def test_demo_data_is_graded_and_stored_by_the_course_server(
        hub_stack: HubStack, postgres_server: object, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    demo_db = postgres_server.new_database()  # type: ignore[attr-defined]
    env = {**hub_stack.service.env, "KETATRAINING_SERVICE_DB": demo_db.replace(
        "postgresql://", "postgresql+psycopg://")}
    demo = ServiceProcess(env, free_port(), tmp_path / "demo-service.log", args=["--allow-demo"])
    demo.start()
    try:
        monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(hub_stack.quiz_dir))
        # a learner may not, and the hub's own service takes no demo data at all
        monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("alice"))
        assert main(["demo-data", "--learners", "3", "--seed", "2", "--service", demo.url]) == 1
        assert "Only trainers may write demo data." in capsys.readouterr().err
        monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("carol"))
        assert main(["demo-data", "--learners", "3", "--seed", "2", "--service",
                     hub_stack.service_url]) == 1
        assert "takes no demo data" in capsys.readouterr().err

        assert main(["demo-data", "--learners", "3", "--seed", "2", "--service", demo.url]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"Wrote a demo cohort to the course server {demo.url}: 3 learners")
        with psycopg.connect(demo_db.replace("postgresql+psycopg", "postgresql")) as db:
            stored = db.execute("SELECT learner_id, attempt, question_id, response, score, "
                                "submitted_at, quiz_id FROM kt_responses ORDER BY id"
                                ).fetchall()
            actors = db.execute("SELECT DISTINCT actor FROM kt_audit WHERE action = "
                                "'submit'").fetchall()
            finished = db.execute("SELECT count(*) FROM kt_attempts WHERE finished_at IS "
                                  "NOT NULL").fetchone()
        with psycopg.connect(hub_stack.db_url.replace("postgresql+psycopg", "postgresql")) as db:
            assert db.execute("SELECT count(*) FROM kt_responses WHERE learner_id LIKE "
                              "'demo-%'").fetchone() == (0,)  # nothing in the real results
        keyed = course_quizzes(hub_stack.quiz_dir)  # the trainer's (and the server's) files
        cohort = demo_cohort(3, 2, list(keyed.values()))
        planned = [(p.learner, p.quiz_id, p.attempt, a.question_id, a.at)
                   for p in cohort.plans for a in p.answers]
        assert f"{len(planned)} answers" in out
        assert [(r[0], r[6], r[1], r[2], r[5]) for r in stored] == planned  # back-dated, all
        assert QUIZ in {r[6] for r in stored}
        assert finished == (sum(p.finished_at is not None for p in cohort.plans),)
        assert actors == [("carol",)]  # the trainer wrote them, as the audit trail says
        # graded on the server with the keyed quizzes: the marks follow the responses
        marks = [grade(keyed[r[6]].question(r[2]), json.loads(r[3])).score for r in stored]
        assert [r[4] for r in stored] == marks
        assert len(set(marks)) > 1  # right and wrong answers both
        # once written, the same cohort is refused: demo data never mixes
        assert main(["demo-data", "--learners", "3", "--seed", "2", "--service", demo.url]) == 1
        assert "already holds attempts of the demo learner" in capsys.readouterr().err
    finally:
        demo.stop()
