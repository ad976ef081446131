"""The hub implementation of the seam: HTTP calls to ``ketatraining serve``.

Authenticated with the token JupyterHub puts in every single-user server's environment
(``JUPYTERHUB_API_TOKEN``); the service asks the hub who that token belongs to, so the
learner id is the hub's, whatever ``KETATRAINING_LEARNER`` says. Each answer carries a
fresh submission id, so a retry after a dropped connection or a restarted service stores
it once. Every network or HTTP failure becomes an :class:`AssessmentError` sentence.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

import httpx

from ketatraining.assessment import wire
from ketatraining.assessment.protocol import (
    JSON,
    SYNTHETIC_PREFIX,
    AssessmentError,
    AttemptState,
    Checked,
    Outcome,
    QuizView,
    SaveState,
    SaveStatus,
)
from ketatraining.progress.summary import QuizResult

SERVICE_URL_VARIABLE = "KETATRAINING_SERVICE_URL"
UNREACHABLE = ("The course server cannot be reached just now, so this was not saved. Check "
               "your connection and press the button again in a moment.")
RETRY_SECONDS = 20.0
"""How long a request keeps retrying a service that is restarting before giving up."""


class HubAssessment:
    """One learner's assessment on a hub, as the service sees them."""

    RETRIED: tuple[int, ...] = (502, 503, 504)
    """HTTP statuses retried (with the same submission id) until ``retry_seconds``."""

    def __init__(self, service_url: str | None = None, token: str | None = None, *,
                 timeout: float = 10.0, retry_seconds: float = RETRY_SECONDS,
                 transport: httpx.BaseTransport | None = None) -> None:
        url = service_url or os.environ.get(SERVICE_URL_VARIABLE, "")
        token = token or os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not url or not token:
            msg = ("Hub mode needs the course server's address (KETATRAINING_SERVICE_URL) and "
                   "a hub token (JUPYTERHUB_API_TOKEN); ask your hub's administrator.")
            raise AssessmentError(msg)
        self.service_url = url.rstrip("/") + "/"
        self.retry_seconds = retry_seconds
        self._client = httpx.Client(base_url=self.service_url, timeout=timeout,
                                    headers={"Authorization": f"token {token}"},
                                    transport=transport)
        self._learner: str | None = None
        self._save = SaveStatus(SaveState.SAVED, "Saved on the course server.")

    # -- HTTP ------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None,
                params: dict[str, str] | None = None, retry: bool = True) -> httpx.Response:
        """One call to the service; retries connection failures (and 502-504) for a while."""
        deadline = time.monotonic() + (self.retry_seconds if retry else 0.0)
        delay = 0.2
        while True:
            try:
                response = self._client.request(method, path, json=json, params=params)
            except httpx.HTTPError:
                if time.monotonic() < deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 2.0)
                    continue
                self._save = SaveStatus(SaveState.OFF, UNREACHABLE)
                raise AssessmentError(UNREACHABLE) from None
            if response.status_code in self.RETRIED and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            break
        if response.status_code >= 400:
            raise AssessmentError(self._message(response), details=self._details(response))
        self._save = SaveStatus(SaveState.SAVED, "Saved on the course server.")
        return response

    @staticmethod
    def _details(response: httpx.Response) -> tuple[str, ...]:
        try:
            details = response.json().get("details") or ()
        except (ValueError, AttributeError):
            return ()
        return tuple(str(line) for line in details) if isinstance(details, list) else ()

    def _message(self, response: httpx.Response) -> str:
        try:
            text = str(response.json().get("error") or "")
        except ValueError:
            text = ""
        if response.status_code in (401, 403) and not text:
            text = ("The course server did not accept your hub sign-in; stop and start "
                    "your server from the hub's control panel.")
        if response.status_code >= 500:
            self._save = SaveStatus(SaveState.OFF, text or UNREACHABLE)
        return text or f"The course server refused the request (HTTP {response.status_code})."

    def _json(self, method: str, path: str, body: Any = None) -> Any:
        response = self.request(method, path, json=body)
        try:
            return response.json()
        except ValueError:
            msg = "The course server sent an answer this notebook cannot read; please reload."
            raise AssessmentError(msg) from None

    # -- the seam ------------------------------------------------------------------------
    @property
    def learner_id(self) -> str:
        """The hub's name for this learner, as the service confirms it.

        Never raises and never waits (``isinstance`` checks read it): while the service
        cannot be reached it shows the hub user of this server, for display only; the
        service never takes a name from the client.
        """
        if self._learner is None:
            try:
                reply = self.request("GET", "api/me", retry=False)
                self._learner = str(reply.json()["name"])
            except (AssessmentError, ValueError, KeyError):
                return os.environ.get("JUPYTERHUB_USER", "")
        return self._learner

    def quiz_view(self, quiz_id: str) -> QuizView:
        return wire.quiz_view(self._json("GET", f"api/quizzes/{quiz_id}"))

    def start(self, quiz_id: str, *, seed: int | None = None) -> AttemptState:
        return wire.attempt_state(self._json("POST", f"api/quizzes/{quiz_id}/start",
                                             {"seed": seed}))

    def submit(self, quiz_id: str, attempt_id: str | None, question_id: str,
               response: JSON, *, seconds: float | None = None) -> Checked:
        body = {"attempt_id": attempt_id, "question_id": question_id, "response": response,
                "seconds": seconds, "submission_id": uuid.uuid4().hex}
        return wire.checked(self._json("POST", f"api/quizzes/{quiz_id}/submit", body))

    def finish(self, quiz_id: str, attempt_id: str | None, *,
               seconds: float | None = None) -> Outcome:
        """``seconds`` (the front-end's time on the attempt) is sent; a server that does
        not know the field ignores it."""
        body: dict[str, Any] = {"attempt_id": attempt_id}
        if seconds is not None:
            body["seconds"] = seconds
        return wire.outcome(self._json("POST", f"api/quizzes/{quiz_id}/finish", body))

    def save_status(self) -> SaveStatus:
        return self._save

    def my_results(self) -> list[QuizResult]:
        return [QuizResult.from_dict(row) for row in self._json("GET", "api/me/results")]

    def as_synthetic(self, learner_id: str,
                     clock: Callable[[], datetime]) -> SyntheticHubAssessment:
        """``SyntheticCohorts`` (``demo-data --service``): answer as ``learner_id`` with this
        hub token, which must be a trainer's; the course server must allow demo data."""
        return SyntheticHubAssessment(self, learner_id, clock)

    # -- beyond the seam: names and signed records ------------------------------------------
    def display_name(self) -> str | None:
        """The name this learner's completion record will show, if they have given one."""
        name = self._json("GET", "api/me/name").get("name")
        return None if name is None else str(name)

    def set_display_name(self, name: str) -> str:
        return str(self._json("PUT", "api/me/name", {"name": name})["name"])

    def completion_record(self, learner: str | None = None) -> bytes:
        """The signed record file issued by the service (trainers may name a learner)."""
        body = {"learner": learner} if learner else {}
        return self.request("POST", "api/records", json=body).content

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class SyntheticHubAssessment(HubAssessment):
    """A synthetic learner on the course server: a trainer's token, the learner named in
    every request (``as_learner``) with the time it is back-dated to (``at``). The server
    grades and stores as for anyone, and takes the names only from a trainer, for
    ``demo-`` ids, when started with ``--allow-demo``. A 429 (the trainer's rate limit)
    is waited out, as a large cohort makes many requests."""

    RETRIED = (429, 502, 503, 504)

    def __init__(self, trainer: HubAssessment, learner_id: str,
                 clock: Callable[[], datetime]) -> None:
        if not learner_id.startswith(SYNTHETIC_PREFIX):
            msg = f"A synthetic learner's id starts with '{SYNTHETIC_PREFIX}' ({learner_id})."
            raise AssessmentError(msg)
        self.service_url, self.retry_seconds = trainer.service_url, trainer.retry_seconds
        self._client = trainer._client  # shared; closed by the trainer's assessment
        self._learner = learner_id
        self._save = SaveStatus(SaveState.SAVED, "Saved on the course server.")
        self._clock = clock

    def _json(self, method: str, path: str, body: Any = None) -> Any:
        if method == "POST" and path.endswith(("/start", "/submit", "/finish")):
            body = {**(body or {}), "as_learner": self._learner,
                    "at": self._clock().isoformat()}
        return super()._json(method, path, body)

    @property
    def learner_id(self) -> str:
        return str(self._learner)

    def close(self) -> None:
        """The client belongs to the trainer's assessment."""
