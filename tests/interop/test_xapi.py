"""xAPI statements: every one validated by ralph's pydantic models (not by our own)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement
from sample_records import ATTEMPTS, QUIZ, SUBMISSIONS

from ketatraining.analysis.demo import generate_cohort
from ketatraining.interop.xapi import build_statements, dumps, iso_duration
from ketatraining.quiz.course import course_quizzes

ADL = "http://adlnet.gov/expapi/verbs/"




def validate(statement: dict) -> BaseXapiStatement:
    return BaseXapiStatement.model_validate(statement)


@pytest.fixture
def statements() -> list[dict]:
    return build_statements(ATTEMPTS, SUBMISSIONS, {"mini": QUIZ},
                            home_page="https://hub.example.org",
                            activity_base="https://hub.example.org/ketatraining")


def test_every_statement_is_valid_xapi(statements: list[dict]) -> None:
    for statement in statements:
        parsed = validate(statement)
        assert parsed.version == "1.0.3"


def test_verbs(statements: list[dict]) -> None:
    verbs = sorted(s["verb"]["id"].removeprefix(ADL) for s in statements)
    # 5 answers; ann: attempted, completed, passed; bob (unfinished): attempted only.
    assert verbs == ["answered"] * 5 + ["attempted", "attempted", "completed", "passed"]


def test_answered_statement(statements: list[dict]) -> None:
    numeric = next(s for s in statements if s["object"]["id"].endswith("/questions/num"))
    assert numeric["actor"] == {"objectType": "Agent", "account": {
        "homePage": "https://hub.example.org", "name": "ann"}}
    assert numeric["object"]["id"] == "https://hub.example.org/ketatraining/quizzes/mini/questions/num"
    definition = numeric["object"]["definition"]
    assert definition["interactionType"] == "numeric"
    assert definition["correctResponsesPattern"] == ["39.5[:]40.5"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert numeric["result"] == {"score": {"raw": 2.0, "min": 0.0, "max": 2.0, "scaled": 1.0},
                                 "success": True, "completion": True, "duration": "PT30.25S",
                                 "response": "40.5"}
    assert numeric["context"]["contextActivities"]["parent"][0]["id"].endswith("/quizzes/mini")
    assert numeric["timestamp"] == "2026-01-05T09:04:00.000000Z"
    multiple = next(s for s in statements if s["object"]["id"].endswith("/questions/mc"))
    assert multiple["result"]["response"] == "a[,]b"
    assert multiple["object"]["definition"]["correctResponsesPattern"] == ["a[,]c"]
    assert [c["id"] for c in multiple["object"]["definition"]["choices"]] == ["a", "b", "c"]
    true_false = next(s for s in statements if s["object"]["id"].endswith("/questions/tf"))
    assert true_false["result"]["response"] == "true"
    assert true_false["result"]["success"] is False
    assert true_false["object"]["definition"]["correctResponsesPattern"] == ["false"]


def test_quiz_statements(statements: list[dict]) -> None:
    passed = next(s for s in statements if s["verb"]["id"] == ADL + "passed")
    assert passed["result"] == {"score": {"raw": 3.0, "min": 0.0, "max": 5.0, "scaled": 0.6},
                                "success": True, "completion": True, "duration": "PT4M30S"}
    assert passed["object"]["definition"]["type"] == \
        "http://adlnet.gov/expapi/activities/assessment"
    completed = next(s for s in statements if s["verb"]["id"] == ADL + "completed")
    assert completed["result"] == {"completion": True, "duration": "PT4M30S"}
    # One registration per attempt, shared by the attempt's answers.
    ann = {s["context"]["registration"] for s in statements if
           s["actor"]["account"]["name"] == "ann"}
    assert len(ann) == 1


def test_ids_are_stable_and_unique(statements: list[dict]) -> None:
    again = build_statements(list(reversed(ATTEMPTS)), list(reversed(SUBMISSIONS)),
                             {"mini": QUIZ}, home_page="https://hub.example.org",
                             activity_base="https://hub.example.org/ketatraining")
    assert dumps(again) == dumps(statements)
    ids = [s["id"] for s in statements]
    assert len(set(ids)) == len(ids)
    other_hub = build_statements(ATTEMPTS, SUBMISSIONS, {"mini": QUIZ},
                                 home_page="https://other.example.org")
    assert not set(ids) & {s["id"] for s in other_hub}


def test_statements_are_in_time_order(statements: list[dict]) -> None:
    stamps = [s["timestamp"] for s in statements]
    assert stamps == sorted(stamps)
    assert json.loads(dumps(statements)) == statements
    assert dumps([]) == "[]\n"
    assert dumps(statements).count("\n") == len(statements) + 2  # one statement per line


def test_unknown_quiz_still_gives_valid_statements() -> None:
    for statement in build_statements(ATTEMPTS, SUBMISSIONS, {}):
        validate(statement)


@pytest.mark.parametrize(("seconds", "expected"), [
    (0, "PT0S"), (870, "PT14M30S"), (3725.254, "PT1H2M5.25S"), (-3, "PT0S"),
    (2 * 86400 + 5, "P2DT5S"),
])
def test_iso_duration(seconds: float, expected: str) -> None:
    assert iso_duration(seconds) == expected
    assert validate({
        "actor": {"account": {"homePage": "https://x.org", "name": "a"}},
        "verb": {"id": ADL + "completed"},
        "object": {"id": "https://x.org/q"},
        "result": {"duration": expected},
    }).result.duration == timedelta(seconds=round(max(0, seconds), 2))


def test_demo_cohort_on_the_real_banks_is_valid_xapi() -> None:
    banks = list(course_quizzes().values())
    cohort = generate_cohort(banks, 15, seed=2)
    statements = build_statements(cohort.attempts, cohort.submissions,
                                  {q.id: q for q in banks})
    assert len(statements) > len(cohort.submissions)
    for statement in statements:
        validate(statement)


def test_ralph_rejects_what_we_must_not_write() -> None:
    """The validator really checks (a test that cannot fail is a defect)."""
    bad = build_statements(ATTEMPTS, SUBMISSIONS, {"mini": QUIZ})[0]
    bad["result"] = {"score": {"scaled": 1.5}}
    with pytest.raises(ValueError, match="scaled"):
        validate(bad)
