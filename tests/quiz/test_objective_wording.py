"""A module objective says what its notebook adds, not its course objective again.

look (C2): on the landing page and in notebook 00 four sub-objectives read as their
course objective (or a sibling) repeated word for word.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SAME = 0.8  # a similarity ratio above this reads as the same sentence twice


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio() > SAME


def test_no_module_objective_repeats_its_course_objective_or_a_sibling() -> None:
    course = {c["id"]: c["text"] for c in yaml.safe_load(
        (ROOT / "course.yaml").read_text(encoding="utf-8"))["course_objectives"]}
    modules = yaml.safe_load(
        (ROOT / "quizzes" / "objectives.yaml").read_text(encoding="utf-8"))["objectives"]
    repeats = [key for key, o in modules.items()
               if _similar(o["text"], course[o["course_objective"]])]
    siblings = [(a, b) for (a, oa), (b, ob) in combinations(modules.items(), 2)
                if oa["course_objective"] == ob["course_objective"]
                and _similar(oa["text"], ob["text"])]
    assert repeats == [], f"module objectives that repeat their course objective: {repeats}"
    assert siblings == [], f"module objectives that repeat each other: {siblings}"
