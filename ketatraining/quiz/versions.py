"""Which version of a question an answer was given to: a hash of what grading reads.

Fixing a typo in a prompt or a feedback text must not split a question's answers into
two versions; changing the key, a weight, a tolerance or the points must. So the hash
covers the question's fields minus the ones only people read (prompt, explanation,
feedback, option text, references, objective, difficulty, tags, units). New question
types are covered without a change here: any field not listed as presentation counts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

PRESENTATION = frozenset({
    "prompt", "explanation", "feedback", "feedback_true", "feedback_false",
    "feedback_correct", "feedback_incorrect", "references", "objective", "difficulty",
    "tags", "units",
})
"""Fields that never change a mark (at any depth)."""
OPTION_TEXT_LISTS = frozenset({"options"})
"""Lists whose items' ``text`` is only shown: an option is identified by its id."""
HASH_LENGTH = 16


def _strip(value: Any, parent: str | None = None) -> Any:
    if isinstance(value, dict):
        return {key: _strip(item, key) for key, item in sorted(value.items())
                if key not in PRESENTATION
                and not (key in ("text", "html") and parent in OPTION_TEXT_LISTS)}
    if isinstance(value, list):
        return [_strip(item, parent) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 1 and 1.0 are the same points
    return value


def grading_data(question: BaseModel) -> dict[str, Any]:
    """The part of a question that its grading depends on, as plain data."""
    data = question.model_dump(mode="json")
    stripped = _strip(data)
    assert isinstance(stripped, dict)
    return stripped


def grading_hash(question: BaseModel) -> str:
    """A short, stable content hash of what grading depends on (16 hex digits)."""
    canonical = json.dumps(grading_data(question), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:HASH_LENGTH]
