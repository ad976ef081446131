"""Key-free quiz files hold nothing a learner may not see; per-user rate limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketatraining.assessment.keyfree import write_keyfree
from ketatraining.cli import main
from ketatraining.quiz.model import Numeric, Ordering, Quiz, ShortAnswer
from ketatraining.quiz.types import get_type
from ketatraining.service.main import load_keyed_quizzes
from ketatraining.service.ratelimit import RateLimiter

COURSE_QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"


def secrets_of(quiz: Quiz) -> set[str]:
    """Every piece of key material of a quiz, as text that could leak into a file: its
    explanations, every feedback its types' review lines give (options, true/false,
    numbers, matching, ordering, short answers) and the short answers' accepted texts."""
    found: set[str] = set()
    for question in quiz.questions:
        found.add(question.explanation)
        found |= {a.feedback for a in get_type(question).answers(question) if a.feedback}
        if isinstance(question, ShortAnswer):
            found |= {a.text for a in question.answers}
    return {s for s in found if len(s) > 12}


def test_keyfree_files_of_the_whole_course_hold_no_key(tmp_path: Path) -> None:
    quizzes = load_keyed_quizzes(COURSE_QUIZZES)
    assert "final" in quizzes
    written = write_keyfree(list(quizzes.values()), tmp_path)
    assert len(written) == len(quizzes)
    for path in written:
        text = path.read_text()
        data = json.loads(text)
        quiz = quizzes[data["quiz"]["id"]]
        leaked = [s for s in secrets_of(quiz) if s in text or json.dumps(s)[1:-1] in text]
        assert not leaked, f"{path.name} leaks {leaked[:1]}"
        for keyword in ('"correct"', '"answer"', '"tolerance"', '"value"', '"feedback',
                        '"explanation"'):
            assert keyword not in text, f"{path.name} has {keyword}"
        assert len(data["questions"]) == len(quiz.questions)
        for view, question in zip(data["questions"], quiz.questions, strict=True):
            shown = json.dumps(view["data"])
            if isinstance(question, Numeric):
                assert f"{question.value:g}" not in shown
            if isinstance(question, ShortAnswer):  # however short the accepted answer
                assert not [a.text for a in question.answers if json.dumps(a.text) in shown]
            if isinstance(question, Ordering):  # the steps are never in the right order
                assert [s["id"] for s in view["data"]["steps"]] != [s.id for s in question.steps]


def test_keyfree_command_refuses_to_overwrite_the_keyed_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keyfree", str(COURSE_QUIZZES), "--out", str(COURSE_QUIZZES)]) == 1
    assert "another folder" in capsys.readouterr().err
    assert main(["keyfree", str(COURSE_QUIZZES), "--out", str(tmp_path / "out")]) == 0
    assert any((tmp_path / "out").glob("final.public.json"))


def test_rate_limit_per_user(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("ketatraining.service.ratelimit.time.monotonic", lambda: clock[0])
    limiter = RateLimiter(rate=2.0, burst=3)
    assert [limiter.allow("ann") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("bo")  # another user has their own bucket
    clock[0] += 0.5  # one request's worth refills
    assert limiter.allow("ann") and not limiter.allow("ann")
