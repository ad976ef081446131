"""Every database attack of issue 12 fails against the set-up docs/deployment.md gives.

The per-learner row-level-security recipe is withdrawn (a learner who may write their own
rows may also set their own score); the guide now gives the course server its own role
and database, and learners no credential at all. The SQL is taken from the guide itself,
so the guide cannot drift from what is tested. The attacker is a learner who has a login
on the same PostgreSQL server anyway (the strongest case): every attack is refused.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from deployment_sql import GUIDE, setup_as_documented

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def course_database(postgres_server: object) -> dict[str, str]:
    """The service's database as documented, with tables the service itself created."""
    from ketatraining.quiz.loading import load_quiz
    from ketatraining.service.engine import Engine

    server = postgres_server
    database = f"ketatraining_{secrets.token_hex(4)}"
    password = secrets.token_hex(8)
    setup_as_documented(server, database, password)
    url = (f"postgresql+psycopg://kt_service:{password}@{server.host}:{server.port}/"  # type: ignore[attr-defined]
           f"{database}")
    quiz = load_quiz(Path(__file__).resolve().parents[2] / "quizzes" / "welcome.yaml")
    engine = Engine(url, {quiz.id: quiz})
    question = quiz.questions[0]
    answer = question.options[0].id if hasattr(question, "options") else True  # type: ignore[union-attr]
    try:
        engine.submit("bob", quiz.id, None, question.id, answer)
    finally:
        engine.close()
    for role in ("alice", "kt_learners"):
        server.admin(f"DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN "  # type: ignore[attr-defined]
                     "duplicate_object THEN NULL; END $$")
    return {"database": database, "host": server.host, "port": str(server.port)}  # type: ignore[attr-defined]


def test_a_learner_login_cannot_even_connect(course_database: dict[str, str]) -> None:
    import psycopg

    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(host=course_database["host"], port=course_database["port"],
                        user="alice", dbname=course_database["database"])


ATTACKS = {
    "read everyone's answers": "SELECT * FROM kt_responses",
    "set own score and pass": "UPDATE kt_attempts SET score = max_score, passed = true",
    "insert an invented correct answer": (
        "INSERT INTO kt_responses (submission_id, learner_id, quiz_id, question_id, attempt, "
        "response, score, max_score, correct, duration_seconds, submitted_at) VALUES "
        "('x', 'alice', 'welcome', 'q', 1, '1', 1, 1, true, 1, now())"),
    "write as someone else": "INSERT INTO kt_learners VALUES ('bob2', NULL, now())",
    "fill kt_meta with probe rows": "INSERT INTO kt_meta VALUES ('probe-1', '')",
    "act under the service's identity": "SET ROLE kt_service",
    "exhaust the shared id sequence": "SELECT nextval('kt_responses_id_seq')",
    "rewrite the audit trail": "DELETE FROM kt_audit",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_every_attack_fails_even_if_connect_were_granted(course_database: dict[str, str],
                                                         postgres_server: object,
                                                         attack: str) -> None:
    """Defence in depth: with CONNECT granted by mistake, the schema still refuses."""
    import psycopg

    postgres_server.admin(  # type: ignore[attr-defined]
        f'GRANT CONNECT ON DATABASE "{course_database["database"]}" TO alice')
    try:
        with psycopg.connect(host=course_database["host"], port=course_database["port"],
                             user="alice", dbname=course_database["database"],
                             autocommit=True) as c, \
                pytest.raises((psycopg.errors.InsufficientPrivilege,
                               psycopg.errors.UndefinedTable)):  # no USAGE: not even visible
            c.execute(ATTACKS[attack])
    finally:
        postgres_server.admin(  # type: ignore[attr-defined]
            f'REVOKE CONNECT ON DATABASE "{course_database["database"]}" FROM alice')


def test_the_guide_withdraws_the_row_level_security_recipe() -> None:
    text = GUIDE.read_text()
    assert "CREATE POLICY" not in text
    assert "withdrawn" in text.lower()
