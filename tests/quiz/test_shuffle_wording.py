"""A quiz that keeps its order says so: notebook 00 tells learners quizzes reshuffle on a retry.

look (16:11, F3): the practice quiz (shuffle: false, which the browser tests rely on)
came back in the same order after "Try the quiz again", against what the page had said.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_quiz_that_keeps_its_order_tells_the_learner() -> None:
    fixed = {}
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "questions" in data and data.get("shuffle") is False:
            fixed[path.name] = data.get("description") or ""
    assert "welcome.yaml" in fixed  # the practice quiz keeps its order for the browser tests
    silent = [name for name, text in fixed.items() if "same order" not in text]
    assert silent == [], f"quizzes that keep their order without saying so: {silent}"
