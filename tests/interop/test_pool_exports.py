"""No export format carries the course's random draw: each says so (KE002), naming the pool.

A trainer who exports a pooled quiz and imports it elsewhere would otherwise find every
question asked, with nothing to say the draw was dropped (found by a user test).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ketatraining.interop.gift import gift_export
from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
from ketatraining.interop.moodle_xml_export import moodle_xml_export
from ketatraining.interop.qti import write_qti_package
from ketatraining.quiz.loading import load_quiz
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.problems import Problem

POOLED = Path(__file__).resolve().parents[1] / "data" / "pools" / "pooled.yaml"


def _gift(quiz: Quiz, tmp: Path) -> list[Problem]:
    return gift_export(quiz)[1]


def _moodle(quiz: Quiz, tmp: Path) -> list[Problem]:
    return moodle_xml_export(quiz)[1]


def _jupyterquiz(quiz: Quiz, tmp: Path) -> list[Problem]:
    return jupyterquiz_export(quiz)[1]


def _qti(quiz: Quiz, tmp: Path) -> list[Problem]:
    return write_qti_package(quiz, tmp / "pooled.zip")


@pytest.mark.parametrize("export", [_gift, _moodle, _jupyterquiz, _qti],
                         ids=["gift", "moodle-xml", "jupyterquiz", "qti"])
def test_a_pooled_quiz_export_reports_the_draw_it_cannot_carry(
        export: Callable[[Quiz, Path], list[Problem]], tmp_path: Path) -> None:
    quiz = load_quiz(POOLED)
    assert quiz.pools
    losses = [p for p in export(quiz, tmp_path) if "random draw" in p.message]
    assert len(losses) == len(quiz.pools)
    pool = quiz.pools[0]
    members = pool.members(list(quiz.questions))
    assert losses[0].code == "KE002" and losses[0].severity == "warning"
    assert f"asks {pool.draw} of the {len(members)} questions" in losses[0].message
    assert losses[0].hint and "random question" in losses[0].hint


def test_a_quiz_without_pools_reports_no_draw(tmp_path: Path) -> None:
    quiz = load_quiz(POOLED).model_copy(update={"pools": []})
    assert not [p for p in gift_export(quiz)[1] if "random draw" in p.message]
    assert write_qti_package(quiz, tmp_path / "plain.zip") == []
