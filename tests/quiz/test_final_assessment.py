"""The final assessment asks for decisions, covers every course objective and gives no cue.

How the figures are counted (issue 14):
- decision items: final-quiz questions tagged ``decision`` whose prompt starts with
  "*Fictional case.*" (a fictional patient and what to do or tell them), over all final
  questions, any type;
- length cue: over every single-choice question in every bank, the share whose right
  option is at least as long (in characters, stripped) as the longest wrong option.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from ketatraining.certificate.course import load_course

ROOT = Path(__file__).resolve().parents[2]
BANKS = {
    path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "quizzes").glob("*.yaml"))
    if path.stem not in {"references", "objectives"}
}
FINAL = BANKS["final"]["questions"]
MODULE = [q for name, bank in BANKS.items() if name != "final" for q in bank["questions"]]
OBJECTIVES = yaml.safe_load((ROOT / "quizzes" / "objectives.yaml").read_text())["objectives"]


def _is_decision(question: dict) -> bool:
    return "decision" in question.get("tags", []) and question["prompt"].startswith(
        "*Fictional case.*"
    )


def test_at_least_70_percent_of_the_final_are_decisions() -> None:
    decisions = sum(_is_decision(q) for q in FINAL)
    assert decisions / len(FINAL) >= 0.70, f"{decisions} of {len(FINAL)}"


def test_every_course_objective_is_assessed_in_the_final() -> None:
    course_ids = {o.id for o in load_course(ROOT / "course.yaml").course_objectives}
    assessed = {OBJECTIVES[q["objective"]]["course_objective"] for q in FINAL}
    assert assessed == course_ids, course_ids - assessed


def test_no_final_item_repeats_a_module_item() -> None:
    module_options = {
        o["text"].strip().lower() for q in MODULE for o in q.get("options", [])
        if len(o["text"].strip()) > 25
    }
    for item in FINAL:
        for other in MODULE:
            ratio = difflib.SequenceMatcher(None, item["prompt"], other["prompt"]).ratio()
            assert ratio < 0.75, (item["id"], other["id"], round(ratio, 2))
        for option in item.get("options", []):
            assert option["text"].strip().lower() not in module_options, (item["id"], option)


READING = re.compile(r"\d{2,3}/\d{2,3}\s?mmHg")


def test_no_final_case_reuses_a_module_case_s_blood_pressure_reading() -> None:
    # A final case with the reading of a module case (152/94 mmHg before an esketamine dose
    # in both) asks the learner to recall that item, not to decide afresh.
    module = {r.replace(" ", "") for q in MODULE for r in READING.findall(q["prompt"])}
    reused = [(q["id"], r) for q in FINAL for r in READING.findall(q["prompt"])
              if r.replace(" ", "") in module]
    assert not reused, reused


def _single_choice() -> list[tuple[str, bool]]:
    rows = []
    for bank in BANKS.values():
        for question in bank["questions"]:
            if question["type"] != "single_choice":
                continue
            key = next(o for o in question["options"] if o.get("correct"))
            wrong = [len(o["text"].strip()) for o in question["options"] if not o.get("correct")]
            rows.append((question["id"], len(key["text"].strip()) >= max(wrong)))
    return rows


def test_the_key_is_the_longest_option_in_at_most_40_percent() -> None:
    rows = _single_choice()
    longest = [qid for qid, is_longest in rows if is_longest]
    assert len(longest) / len(rows) <= 0.40, f"{len(longest)} of {len(rows)}: {longest}"


def test_no_final_single_choice_key_is_the_longest_option() -> None:
    final_ids = {q["id"] for q in FINAL}
    assert not [qid for qid, longest in _single_choice() if longest and qid in final_ids]


def test_items_with_two_defensible_keys_are_gone_and_distractors_are_plausible() -> None:
    ids = {q["id"] for bank in BANKS.values() for q in bank["questions"]}
    assert not ids & {"ci-guide-count-absolute", "fin-screen-count-absolute",
                      "fin-strong-psychotherapies"}
    options = [o["text"].lower() for bank in BANKS.values() for q in bank["questions"]
               for o in q.get("options", [])]
    assert not [t for t in options if "double dose" in t]
