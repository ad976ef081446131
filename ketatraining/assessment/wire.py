"""The seam's values back from JSON (their ``to_dict`` goes the other way).

The service sends ``to_dict()`` of each value; the hub client rebuilds the same frozen
dataclasses here, so a front-end cannot tell which implementation it talks to.
"""

from __future__ import annotations

from typing import Any

from ketatraining.assessment.protocol import (
    AttemptState,
    Checked,
    Outcome,
    QuestionView,
    QuizView,
    SaveState,
    SaveStatus,
)


def save_status(data: dict[str, Any]) -> SaveStatus:
    return SaveStatus(SaveState(data["state"]), str(data.get("message", "")))


def quiz_view(data: dict[str, Any]) -> QuizView:
    return QuizView(**{k: data[k] for k in QuizView.__dataclass_fields__})


def question_view(data: dict[str, Any]) -> QuestionView:
    # ``control`` is optional: a service from before it existed does not send it.
    return QuestionView(**{k: data[k] for k in QuestionView.__dataclass_fields__
                           if k in data or k != "control"})


def checked(data: dict[str, Any]) -> Checked:
    fields = {k: data[k] for k in Checked.__dataclass_fields__ if k != "save"}
    return Checked(**fields, save=save_status(data["save"]))


def attempt_state(data: dict[str, Any]) -> AttemptState:
    return AttemptState(
        quiz=quiz_view(data["quiz"]), attempt_id=data["attempt_id"],
        questions=tuple(question_view(q) for q in data["questions"]),
        answered=tuple(checked(c) for c in data["answered"]),
        attempts_used=int(data["attempts_used"]), blocked=data["blocked"],
        save=save_status(data["save"]),
        drawn=tuple(str(i) for i in data.get("drawn") or ()),  # absent from older servers
        draw_seed=data.get("draw_seed"))


def outcome(data: dict[str, Any]) -> Outcome:
    fields = {k: data[k] for k in Outcome.__dataclass_fields__ if k != "save"}
    return Outcome(**fields, save=save_status(data["save"]))
