"""The per-learner roles and row-level security of docs/deployment.md really work.

The SQL is taken from the guide itself, so the guide cannot drift from what is tested.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketatraining.errors import StoreUnavailableError
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"

pytestmark = pytest.mark.postgres


def guide_sql() -> str:
    text = GUIDE.read_text()
    block = re.search(r"```sql\n(.*?)```", text, re.DOTALL)
    assert block, "docs/deployment.md lost its SQL block"
    return block.group(1).replace("PASSWORD '...'", "PASSWORD 'x'")


def answer(learner: str) -> Submission:
    return Submission(new_submission_id(), learner, "practice", "q1", 1, "a", 1.0, 1.0, True,
                      1.0, utcnow())


def test_a_learner_can_write_only_their_own_answers(postgres_server: object) -> None:
    server = postgres_server
    owner_url = server.new_database()  # type: ignore[attr-defined]
    database = owner_url.rsplit("/", 1)[1]
    with ProgressStore(owner_url) as owner:  # the operator creates the tables
        owner.record(answer("bo"))
    import psycopg

    with psycopg.connect(host=server.host, port=server.port, user=server.user,  # type: ignore[attr-defined]
                         dbname=database, autocommit=True) as connection:
        for statement in guide_sql().split(";"):
            if statement.strip():
                connection.execute(statement)
        for role in ("ada", "cy"):
            connection.execute(f"DO $$ BEGIN CREATE ROLE {role} LOGIN; "
                               f"EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            connection.execute(f"GRANT kt_learners TO {role}")
            connection.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
    base = f"postgresql+psycopg://{{}}@{server.host}:{server.port}/{database}"  # type: ignore[attr-defined]

    with ProgressStore(base.format("ada")) as ada:
        ada.record(answer("ada"))  # her own answer: saved
        attempt = ada.start_attempt("ada", "practice", max_score=1, pass_mark=50)
        ada.finish_attempt("ada", "practice", attempt, score=1, passed=True)
        assert {s.learner_id for s in ada.responses()} == {"ada"}  # bo's are invisible
        with pytest.raises(StoreUnavailableError):
            ada.record(answer("bo"))  # writing as someone else is refused
    with pytest.raises(StoreUnavailableError):
        ProgressStore(base.format("kt_trainer"))  # a learner's (writing) open is refused
    with ProgressStore(base.format("kt_trainer"), writable=False) as trainer:
        assert sorted(s.learner_id for s in trainer.responses()) == ["ada", "bo"]
        assert len(trainer.attempts()) == 1
        with pytest.raises(StoreUnavailableError):
            trainer.record(answer("kt_trainer"))
    with ProgressStore(owner_url) as owner:
        assert sorted(s.learner_id for s in owner.responses()) == ["ada", "bo"]
        assert owner.learners() == ["ada", "bo"]
