"""Progress records as xAPI 1.0.3 statements, for a Learning Record Store.

One ``answered`` statement per saved answer (object: the question as a
``cmi.interaction`` activity with its choices and correct response pattern), and per
quiz attempt ``attempted`` (at its start) and, once finished, ``completed`` and
``passed`` or ``failed`` (with ``result.score.scaled``, ``success`` and an ISO 8601
``duration``). Learners appear only as ``actor.account {homePage, name = learner
id}``, never by e-mail. Statement ids are UUID version 5 of what the statement is
about, so exporting the same records again gives the same ids and an LRS stores each
statement once.

The verb and activity-type IRIs are ADL's (see ``VERBS`` and ``ACTIVITY_TYPES``).
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ketatraining.quiz.types import TYPES, get_type

if TYPE_CHECKING:
    from ketatraining.progress.records import AttemptRecord, Submission
    from ketatraining.quiz.model import AnyQuestion, Quiz

XAPI_VERSION = "1.0.3"
DEFAULT_HOME_PAGE = "https://ketatraining.invalid"
"""Placeholder for the hub's address; set --home-page (the LRS needs a real one)."""
DEFAULT_ACTIVITY_BASE = "https://ketatraining.invalid/course"
LANGUAGE = "en-US"
PLATFORM = "ketatraining"

VERBS = {
    name: {"id": f"http://adlnet.gov/expapi/verbs/{name}", "display": {LANGUAGE: name}}
    for name in ("answered", "attempted", "completed", "passed", "failed")
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
}
INTERACTION_TYPES = {name: kind.xapi_interaction for name, kind in TYPES.items()}
"""Question type -> xAPI interactionType (each type's ``xapi_interaction``)."""
NAMESPACE = uuid.UUID("0b6f6c7e-3f0e-5a55-9c4e-6b1f1e9a7d42")
"""Namespace of the version-5 statement and registration ids."""


@lru_cache(maxsize=1)
def _duration_adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(timedelta)


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration to 0.01 s, as xAPI asks (e.g. 'PT14M30S'); pydantic writes it."""
    return _iso_duration(round(max(0.0, seconds), 2))


@lru_cache(maxsize=65536)
def _iso_duration(seconds: float) -> str:
    return str(_duration_adapter().dump_python(timedelta(seconds=seconds), mode="json"))


def _timestamp(moment: datetime) -> str:
    """UTC with fixed-width microseconds, so sorting the strings sorts by time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(markdown: str) -> str:
    from ketatraining.text import plain_text

    return html.unescape(plain_text(markdown))


def _response(question: AnyQuestion | None, response: object) -> str | None:
    """``result.response`` through the type's codec; None when it fits no question."""
    if question is None or response is None:
        return None
    definition = get_type(question)
    decoded = definition.decode(question, response)
    return None if decoded is None else definition.xapi_response(question, decoded)


class StatementBuilder:
    """Builds statements for one LRS set-up (home page and activity IRIs)."""

    def __init__(self, quizzes: Mapping[str, Quiz], *, home_page: str = DEFAULT_HOME_PAGE,
                 activity_base: str = DEFAULT_ACTIVITY_BASE) -> None:
        self.quizzes = quizzes
        self.home_page = home_page
        self.base = activity_base.rstrip("/")
        self._definitions: dict[tuple[str, str], dict[str, Any]] = {}
        self._actors: dict[str, dict[str, Any]] = {}
        self._contexts: dict[tuple[str, str, int, bool], dict[str, Any]] = {}

    # -- ids and common parts ---------------------------------------------------------------
    def _id(self, *parts: object) -> str:
        name = "|".join(str(p) for p in (self.home_page, self.base, *parts))
        return str(uuid.uuid5(NAMESPACE, name))

    def _actor(self, learner_id: str) -> dict[str, Any]:
        actor = self._actors.get(learner_id)
        if actor is None:
            actor = self._actors[learner_id] = {
                "objectType": "Agent",
                "account": {"homePage": self.home_page, "name": learner_id}}
        return actor

    def quiz_iri(self, quiz_id: str) -> str:
        return f"{self.base}/quizzes/{quiz_id}"

    def _quiz_activity(self, quiz_id: str) -> dict[str, Any]:
        quiz = self.quizzes.get(quiz_id)
        return {"objectType": "Activity", "id": self.quiz_iri(quiz_id), "definition": {
            "name": {LANGUAGE: quiz.title if quiz else quiz_id},
            "type": ACTIVITY_TYPES["assessment"]}}

    def _context(self, learner_id: str, quiz_id: str, attempt: int,
                 parent: bool) -> dict[str, Any]:
        key = (learner_id, quiz_id, attempt, parent)
        if key not in self._contexts:
            self._contexts[key] = self._make_context(*key)
        return self._contexts[key]

    def _make_context(self, learner_id: str, quiz_id: str, attempt: int,
                      parent: bool) -> dict[str, Any]:
        activities: dict[str, Any] = {"grouping": [{"id": self.base, "objectType": "Activity"}]}
        if parent:
            activities["parent"] = [{"id": self.quiz_iri(quiz_id), "objectType": "Activity"}]
        return {"registration": self._id("registration", learner_id, quiz_id, attempt),
                "contextActivities": activities, "platform": PLATFORM, "language": LANGUAGE}

    def _question_definition(self, quiz_id: str, question_id: str) -> dict[str, Any]:
        key = (quiz_id, question_id)
        if key not in self._definitions:
            self._definitions[key] = self._make_definition(quiz_id, question_id)
        return self._definitions[key]

    def _make_definition(self, quiz_id: str, question_id: str) -> dict[str, Any]:
        quiz = self.quizzes.get(quiz_id)
        definition: dict[str, Any] = {"name": {LANGUAGE: f"{quiz_id}: {question_id}"},
                                      "type": ACTIVITY_TYPES["interaction"]}
        try:
            question = quiz.question(question_id) if quiz else None
        except KeyError:
            question = None
        if question is None:
            definition["interactionType"] = "other"
            return definition
        definition["description"] = {LANGUAGE: _plain(question.prompt)}
        kind = get_type(question)
        definition["interactionType"] = kind.xapi_interaction
        definition.update(kind.xapi_definition(question))
        return definition

    # -- statements --------------------------------------------------------------------------
    def answered(self, answer: Submission) -> dict[str, Any]:
        """The ``answered`` statement of one saved answer."""
        quiz = self.quizzes.get(answer.quiz_id)
        question: AnyQuestion | None = None
        if quiz is not None:
            try:
                question = quiz.question(answer.question_id)
            except KeyError:
                question = None
        score: dict[str, Any] = {"raw": answer.score, "min": 0.0, "max": answer.max_score}
        if answer.max_score > 0:
            score["scaled"] = round(min(1.0, max(-1.0, answer.score / answer.max_score)), 6)
        result: dict[str, Any] = {"score": score, "success": bool(answer.correct),
                                  "completion": True,
                                  "duration": iso_duration(answer.duration_seconds)}
        response = _response(question, answer.response)
        if response:
            result["response"] = response
        return {
            "id": self._id("answered", answer.submission_id),
            "actor": self._actor(answer.learner_id),
            "verb": VERBS["answered"],
            "object": {"objectType": "Activity",
                       "id": f"{self.quiz_iri(answer.quiz_id)}/questions/{answer.question_id}",
                       "definition": self._question_definition(answer.quiz_id,
                                                               answer.question_id)},
            "result": result,
            "context": self._context(answer.learner_id, answer.quiz_id, answer.attempt, True),
            "timestamp": _timestamp(answer.submitted_at),
            "version": XAPI_VERSION,
        }

    def attempt(self, record: AttemptRecord) -> list[dict[str, Any]]:
        """``attempted``, and once finished ``completed`` and ``passed``/``failed``."""
        key = (record.learner_id, record.quiz_id, record.attempt)
        common = {"actor": self._actor(record.learner_id),
                  "object": self._quiz_activity(record.quiz_id),
                  "context": self._context(*key, False), "version": XAPI_VERSION}
        statements = [{"id": self._id("attempted", *key), **common,
                       "verb": VERBS["attempted"], "timestamp": _timestamp(record.started_at)}]
        if record.finished_at is None or record.score is None:
            return statements
        duration = iso_duration((record.finished_at - record.started_at).total_seconds())
        finished = _timestamp(record.finished_at)
        statements.append({"id": self._id("completed", *key), **common,
                           "verb": VERBS["completed"], "timestamp": finished,
                           "result": {"completion": True, "duration": duration}})
        verb = "passed" if record.passed else "failed"
        score: dict[str, Any] = {"raw": record.score, "min": 0.0, "max": record.max_score}
        if record.max_score > 0:
            score["scaled"] = round(min(1.0, max(-1.0, record.score / record.max_score)), 6)
        statements.append({"id": self._id(verb, *key), **common, "verb": VERBS[verb],
                           "timestamp": finished,
                           "result": {"score": score, "success": bool(record.passed),
                                      "completion": True, "duration": duration}})
        return statements


def build_statements(attempts: Iterable[AttemptRecord], submissions: Iterable[Submission],
                     quizzes: Mapping[str, Quiz], *, home_page: str = DEFAULT_HOME_PAGE,
                     activity_base: str = DEFAULT_ACTIVITY_BASE) -> list[dict[str, Any]]:
    """All statements for these records, in time order (then by id): deterministic."""
    builder = StatementBuilder(quizzes, home_page=home_page, activity_base=activity_base)
    statements = [builder.answered(s) for s in submissions]
    for record in attempts:
        statements.extend(builder.attempt(record))
    statements.sort(key=lambda s: (s["timestamp"], s["id"]))
    return statements


def dumps(statements: list[dict[str, Any]]) -> str:
    """A JSON array, as ``POST <LRS>/statements`` accepts it: one statement per line.

    (Each line goes through json's C encoder; ``indent`` would use the slow Python one.)
    """
    if not statements:
        return "[]\n"
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return "[\n" + ",\n".join(encode(s) for s in statements) + "\n]\n"
