"""What a learner can and cannot do on a hub with the course server (issue 12's attacks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub.hubstack import (
    QUESTION_KEYS,
    RIGHT,
    WRONG,
    HubStack,
    audit_rows,
    http,
    run_as_alice,
    scan_for_keys,
)

from ketatraining.assessment.protocol import AssessmentError, SaveState

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
QUIZ = "final-check"

ALICE_ANSWERS = """
import json, os
from ketatraining.assessment.choose import assessment_mode, open_assessment
a = open_assessment()
state = a.start("final-check")
out = {"mode": assessment_mode(), "learner": a.learner_id, "attempt": state.attempt_id,
       "questions": [q.to_dict() for q in state.questions], "checked": []}
answers = json.loads(os.environ["ANSWERS"])
for q in state.questions:
    if q.id in answers:
        out["checked"].append(a.submit("final-check", state.attempt_id, q.id, answers[q.id],
                                       seconds=1.5).to_dict())
print(json.dumps(out))
"""


def db_rows(stack: HubStack, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(stack.db_url.replace("postgresql+psycopg", "postgresql")) as c:
        return list(c.execute(sql).fetchall())


def test_alice_is_stored_as_alice_whatever_she_claims(hub_stack: HubStack) -> None:
    result = run_as_alice(hub_stack, ALICE_ANSWERS, KETATRAINING_LEARNER="bob",
                          ANSWERS=json.dumps({"bp": RIGHT["bp"]}))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["mode"] == "hub"
    assert out["learner"] == "alice"
    assert out["checked"][0]["save"]["state"] == "saved"
    rows = db_rows(hub_stack, "SELECT learner_id, question_id FROM kt_responses "
                              "WHERE quiz_id = 'final-check'")
    assert ("alice", "bp") in rows
    assert all(learner != "bob" for learner, _ in rows)
    assert any(r["actor"] == "alice" and r["action"] == "submit" for r in audit_rows(hub_stack))


def test_alice_server_holds_no_key_and_no_database_credential(hub_stack: HubStack) -> None:
    env_text = "\n".join(f"{k}={v}" for k, v in hub_stack.alice_env.items())
    assert "KETATRAINING_DB" not in hub_stack.alice_env
    assert "kt_service" not in env_text and "postgresql" not in env_text
    assert hub_stack.alice_env.get("KETATRAINING_SERVICE_URL", "").endswith(
        "/services/ketatraining/")
    home = Path(hub_stack.alice_env["_HOME"])
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".public.json") for p in files)  # the key-free quiz is there
    for path in files:
        text = path.read_text(errors="replace")
        assert not scan_for_keys(text), f"{path} holds key material"
        assert "kt_service" not in text


def test_no_key_feedback_or_explanation_before_answering(hub_stack: HubStack) -> None:
    token = hub_stack.alice_env["JUPYTERHUB_API_TOKEN"]
    base = hub_stack.service_url
    headers = {"Authorization": f"token {token}"}
    replies = [
        http.get(base + f"api/quizzes/{QUIZ}", headers=headers),
        http.post(base + f"api/quizzes/{QUIZ}/start", headers=headers, json={}),
        http.get(base + "api/me", headers=headers),
        http.get(base + "api/me/results", headers=headers),
        http.get(base + "api/key"),
        http.get(base + "api/health"),
        http.post(base + f"api/quizzes/{QUIZ}/finish", headers=headers, json={}),
        http.post(base + "api/records", headers=headers, json={}),
        http.get(base + "api/reports/results", headers=headers,
                  params={"learner": "alice", "format": "json"}),
        http.get(base + "api/reports/stats", headers=headers, params={"quiz": QUIZ}),
        http.get(base + "api/reports/export", headers=headers, params={"format": "csv"}),
        http.post(base + f"api/quizzes/{QUIZ}/submit", headers=headers,
                   json={"question_id": "nope", "response": 1}),
    ]
    state = replies[1].json()
    answered = {c["question_id"] for c in state["answered"]}
    unanswered = set(QUESTION_KEYS) - answered
    assert unanswered == {"dose", "watch"}  # she answered bp in an earlier test
    secrets = [m for q in unanswered for m in QUESTION_KEYS[q]]
    for reply in replies:
        assert reply.status_code < 500, reply.text
        found = [m for m in secrets if m in reply.text]
        assert not found, (reply.request.url, found)
    # The questions of start() carry no key at all, answered or not.
    assert not scan_for_keys(json.dumps(state["questions"]))


def test_alice_cannot_read_bob_nor_change_her_score(hub_stack: HubStack) -> None:
    bob = hub_stack.assessment("bob")
    state = bob.start(QUIZ)  # type: ignore[attr-defined]
    bob.submit(QUIZ, state.attempt_id, "watch", "a")  # type: ignore[attr-defined]
    token = hub_stack.alice_env["JUPYTERHUB_API_TOKEN"]
    headers = {"Authorization": f"token {token}"}
    reply = http.get(hub_stack.service_url + "api/reports/results", headers=headers,
                      params={"learner": "bob"})
    assert reply.status_code == 403
    mine = http.get(hub_stack.service_url + "api/reports/export", headers=headers,
                     params={"format": "csv"})
    assert mine.status_code == 200 and "bob" not in mine.text
    # The client cannot send a score, a pass or a learner: extra fields are ignored.
    forged = http.post(hub_stack.service_url + f"api/quizzes/{QUIZ}/submit", headers=headers,
                        json={"question_id": "dose", "response": 999, "score": 1,
                              "learner": "bob", "correct": True})
    assert forged.status_code == 200
    assert forged.json()["score"] == 0
    # A second answer to the same question does not replace the first.
    again = http.post(hub_stack.service_url + f"api/quizzes/{QUIZ}/submit", headers=headers,
                      json={"question_id": "dose", "response": RIGHT["dose"]})
    assert again.status_code == 409 and "already checked" in again.json()["error"]
    stored = db_rows(hub_stack, "SELECT score FROM kt_responses WHERE learner_id = 'alice' "
                                "AND question_id = 'dose'")
    assert stored == [(0.0,)]
    bob_rows = db_rows(hub_stack, "SELECT count(*) FROM kt_responses WHERE learner_id='bob'")
    assert bob_rows == [(1,)]


def test_bob_cannot_read_alice_but_carol_reads_everyone(hub_stack: HubStack) -> None:
    run_as_alice(hub_stack, ALICE_ANSWERS, ANSWERS=json.dumps({"watch": "a"}))
    for user, allowed in (("bob", False), ("carol", True)):
        token = hub_stack.token_for(user)
        reply = http.get(hub_stack.service_url + "api/reports/results",
                          headers={"Authorization": f"token {token}"},
                          params={"learner": "alice", "format": "json"})
        if allowed:
            assert reply.status_code == 200, reply.text
            assert {r["learner_id"] for r in json.loads(reply.text)["learners"]} == {"alice"}
        else:
            assert reply.status_code == 403
    carol = {"Authorization": f"token {hub_stack.token_for('carol')}"}
    everyone = http.get(hub_stack.service_url + "api/reports/export", headers=carol,
                         params={"format": "csv"})
    assert everyone.status_code == 200
    assert "alice" in everyone.text and "bob" in everyone.text


def test_attempts_are_limited_and_scores_derived(hub_stack: HubStack) -> None:
    hub_stack.api("POST", "users/dora")
    dora = hub_stack.assessment("dora")
    for answers in (WRONG, RIGHT):
        state = dora.start(QUIZ)  # type: ignore[attr-defined]
        assert state.blocked is None
        attempt = state.attempt_id
        for question in state.questions:
            checked = dora.submit(QUIZ, attempt, question.id, answers[question.id])  # type: ignore[attr-defined]
            assert checked.save.state is SaveState.SAVED
            attempt = checked.attempt_id
        outcome = dora.finish(QUIZ, attempt)  # type: ignore[attr-defined]
        assert outcome.passed is (answers is RIGHT)
    third = dora.start(QUIZ)  # type: ignore[attr-defined]
    assert third.blocked and not third.questions
    with pytest.raises(AssessmentError, match="all 2 attempt"):
        dora.submit(QUIZ, None, "bp", True)  # type: ignore[attr-defined]
    rows = db_rows(hub_stack, "SELECT attempt, score, passed FROM kt_attempts "
                              "WHERE learner_id = 'dora' ORDER BY attempt")
    assert rows == [(1, 0.0, False), (2, 3.0, True)]
    for user, status in (("bob", 403), ("carol", 200)):  # item analysis: trainers only
        stats = http.get(hub_stack.service_url + "api/reports/stats",
                          headers={"Authorization": f"token {hub_stack.token_for(user)}"},
                          params={"quiz": QUIZ, "format": "json"})
        assert stats.status_code == status, stats.text
    assert '"facility"' in stats.text


def test_unknown_or_missing_tokens_are_refused(hub_stack: HubStack) -> None:
    url = hub_stack.service_url + f"api/quizzes/{QUIZ}/start"
    assert http.post(url, json={}).status_code in (401, 403)
    bad = http.post(url, json={}, headers={"Authorization": "token not-a-hub-token"})
    assert bad.status_code in (401, 403)
    assert "error" in bad.json()


def test_service_killed_mid_quiz_keeps_every_saved_answer(hub_stack: HubStack) -> None:
    hub_stack.api("POST", "users/erin")
    erin = hub_stack.assessment("erin")
    state = erin.start(QUIZ)  # type: ignore[attr-defined]
    first = erin.submit(QUIZ, state.attempt_id, "bp", True)  # type: ignore[attr-defined]
    assert first.save.state is SaveState.SAVED
    hub_stack.service.kill()
    import threading

    restart = threading.Timer(1.0, hub_stack.service.start)
    restart.start()
    try:
        # The same object keeps working: the call retries until the service is back.
        second = erin.submit(QUIZ, first.attempt_id, "dose", 40.25)  # type: ignore[attr-defined]
    finally:
        restart.join()
    assert second.save.state is SaveState.SAVED
    resumed = erin.start(QUIZ)  # type: ignore[attr-defined]
    assert {c.question_id for c in resumed.answered} == {"bp", "dose"}
    rows = db_rows(hub_stack, "SELECT question_id FROM kt_responses WHERE learner_id='erin'")
    assert sorted(r[0] for r in rows) == ["bp", "dose"]


def test_audit_trail_is_append_only(hub_stack: HubStack) -> None:
    import psycopg

    hub_stack.api("POST", "users/fay")
    fay = hub_stack.assessment("fay")
    fay.submit(QUIZ, None, "bp", True)  # type: ignore[attr-defined]
    with psycopg.connect(hub_stack.db_url.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as c:
        for sql in ("UPDATE kt_audit SET actor = 'x'", "DELETE FROM kt_audit"):
            with pytest.raises(psycopg.Error, match="append-only"):
                c.execute(sql)
    assert any(r["actor"] == "fay" for r in audit_rows(hub_stack))

