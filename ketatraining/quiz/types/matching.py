"""matching: pair each item with one answer from a list; partial credit per right pair.

As Moodle's matching question: the mark is points x (right pairs / items). There may be
more answers than items (the extra ones are distractors), and two items may share an
answer. The learner sees the items in order and the answers shuffled.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from ketatraining.quiz.types.base import (
    JSON,
    Answer,
    Choice,
    Entry,
    Grade,
    Id,
    QuestionBase,
    QuestionType,
    Reporter,
    Text,
    components,
    option_order,
    part_grade,
    unique_entries,
    views,
)

Pairs = dict[str, str]
"""item id -> answer id, as stored: ``{"item_id": "answer_id"}``."""


class MatchItem(Entry):
    """One thing to match (left column); ids are unique among the items and answers."""

    answer: Id = Field(description="Id of the answer that belongs to this item.")


class MatchAnswer(Entry):
    """One answer to choose from (right column); unused ones are distractors."""


class Matching(QuestionBase):
    """Pair each item with one answer; partial credit per right pair."""

    type: Literal["matching"]
    items: list[MatchItem] = Field(description="At least two items, each naming its answer.")
    answers: list[MatchAnswer] = Field(
        description="The answers to choose from; more than the items is allowed (distractors).")
    feedback_correct: Text = Field(description="Feedback when every pair is right.")
    feedback_incorrect: Text = Field(description="Feedback when some pair is wrong.")


class MatchingType(QuestionType[Matching, Pairs]):
    name = "matching"
    control = "matching"
    model = Matching
    kind = "matching"
    xapi_interaction = "matching"
    refusal = "match"
    codes: ClassVar[dict[str, str]] = {
        "KQ220": "Two items or two answers of a matching question share an id.",
        "KQ221": "A matching item names an answer that is not in the answers.",
        "KQ222": "Two items or two answers of a matching question have the same text.",
        "KQ223": "A matching question needs at least two items.",
    }

    def check(self, question: Mapping[str, Any], loc: tuple[Any, ...],
              report: Reporter) -> None:
        items = question.get("items")
        answers = question.get("answers")
        items = items if isinstance(items, list) else []
        answers = answers if isinstance(answers, list) else []
        if isinstance(question.get("items"), list) and len(items) < 2:
            report.add("KQ223", f"The question has {len(items)} item(s).", (*loc, "items"),
                       hint="Give at least two items to match (or use single_choice).")
        ids: set[str] = set()  # items and answers share one id space
        for key, entries in (("items", items), ("answers", answers)):
            unique_entries(entries, (*loc, key), report, ids=ids, noun=key,
                           id_code="KQ220", text_code="KQ222",
                           text_hint="Merge them (two items may name the same answer), or "
                           "reword one so a learner can tell them apart.")
        known = {a.get("id") for a in answers if isinstance(a, dict)}
        for index, item in enumerate(items):
            target = item.get("answer") if isinstance(item, dict) else None
            if isinstance(target, str) and target not in known:
                report.add("KQ221", f"Item answer '{target}' is not one of the answers.",
                           (*loc, "items", index, "answer"),
                           hint="Add an answer with this id under 'answers', or fix the id.")

    def decode(self, question: Matching, raw: object) -> Pairs | None:
        if not isinstance(raw, dict):
            return None
        return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}

    def encode(self, question: Matching, response: Pairs) -> JSON:
        return dict(response)

    def mark(self, question: Matching, response: Pairs | None) -> Grade:
        pairs = response or {}
        right = sum(pairs.get(item.id) == item.answer for item in question.items)
        fraction = right / len(question.items) if question.items else 0.0
        return part_grade(question, fraction, bool(question.items) and right == len(question.items))

    def key(self, question: Matching) -> Pairs:
        return {item.id: item.answer for item in question.items}

    def valid(self, question: Matching, response: Pairs) -> bool:
        answers = {a.id for a in question.answers}
        return (set(response) == {i.id for i in question.items}
                and set(response.values()) <= answers)

    def solution(self, question: Matching) -> str:
        text = {a.id: a.text for a in question.answers}
        pairs = "; ".join(f"{i.text} → {text.get(i.answer, i.answer)}" for i in question.items)
        return f"The pairs are: {pairs}."

    def public_data(self, question: Matching, rng: random.Random | None = None) -> dict[str, Any]:
        # Answers are always shuffled: written next to their items they would give the key.
        answer_order = option_order([a.id for a in question.answers],
                                    rng or random.Random(question.id))
        return {"items": views(question.items, option_order([i.id for i in question.items], rng)),
                "answers": views(question.answers, answer_order)}

    def choices(self, question: Matching) -> list[Choice]:
        return [Choice(f"{i.id}:{a.id}", f"{i.text} → {a.text}", a.id == i.answer)
                for i in question.items for a in question.answers]

    def chosen(self, question: Matching, response: Pairs) -> set[str]:
        return {f"{item}:{answer}" for item, answer in response.items()}

    def answers(self, question: Matching) -> list[Answer]:
        text = {a.id: a.text for a in question.answers}
        lines = [Answer(True, f"{i.text} → {text.get(i.answer, i.answer)}", "")
                 for i in question.items]
        used = {i.answer for i in question.items}
        lines += [Answer(False, f"{a.text} (matches no item: a distractor)", "")
                  for a in question.answers if a.id not in used]
        lines.append(Answer(True, "every pair right", question.feedback_correct))
        lines.append(Answer(False, "some pair wrong (partial credit per right pair)",
                            question.feedback_incorrect))
        return lines

    def response_text(self, question: Matching, response: Pairs) -> str:
        return ";".join(f"{item}={answer}" for item, answer in response.items())

    def xapi_definition(self, question: Matching) -> dict[str, Any]:
        return {
            "source": components(question.items),
            "target": components(question.answers),
            "correctResponsesPattern": ["[,]".join(f"{i.id}[.]{i.answer}"
                                                   for i in question.items)],
        }

    def xapi_response(self, question: Matching, response: Pairs) -> str:
        return "[,]".join(f"{item}[.]{answer}" for item, answer in response.items())

    def simulate(self, question: Matching, rng: random.Random,
                 p_right: Callable[[float], float], attractive: str | None) -> Pairs:
        answers = [a.id for a in question.answers]
        if rng.random() < p_right(1.0 / max(1, len(answers))):
            return self.key(question)
        return {i.id: i.answer if rng.random() < 0.5 else rng.choice(answers)
                for i in question.items}


TYPE = MatchingType()
