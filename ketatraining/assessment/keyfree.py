"""Key-free quiz files for learners' servers: what a learner may see, nothing more.

On a hub the keyed quiz files stay with the course server. Learners' servers (and their
image) get these instead: per quiz, its public view and its questions' public views in
file order, the same data the seam sends before an answer is checked. No correct flag,
value, tolerance, feedback or explanation is written, so the final assessment's keys
never reach a learner's server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ketatraining.assessment import public
from ketatraining.quiz.model import Quiz

FORMAT = "ketatraining-keyfree-quiz/1"
SUFFIX = ".public.json"


def keyfree_data(quiz: Quiz) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "quiz": public.quiz_view(quiz).to_dict(),
        "topic": quiz.topic,
        "questions": [q.to_dict() for q in public.question_views(quiz.model_copy(
            update={"shuffle": False}))],
    }


def write_keyfree(quizzes: list[Quiz], folder: Path) -> list[Path]:
    """One ``<id>.public.json`` per quiz in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for quiz in quizzes:
        path = folder / f"{quiz.id}{SUFFIX}"
        path.write_text(json.dumps(keyfree_data(quiz), indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
