"""``ketatraining serve``: the JupyterHub service that grades, stores and signs.

Identity comes from the hub for every request (``jupyterhub.services.auth.HubAuth``: the
caller's hub token, checked against the hub, with the ``access:services`` scope the hub
grants for this service); nothing the client sends names the learner. Trainers are the
members of one hub group. The process keeps no state of its own but caches (token
checks, group membership, rate buckets): PostgreSQL holds everything, so replicas can
run side by side behind the hub's proxy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from jupyterhub.services.auth import HubAuth  # type: ignore[import-untyped]
from jupyterhub.utils import url_path_join  # type: ignore[import-untyped]
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from ketatraining.assessment.protocol import SYNTHETIC_PREFIX, AssessmentError
from ketatraining.certificate.signed import (
    RecordError,
    key_id,
    public_key_text,
    record_data,
    sign,
    verify,
)
from ketatraining.service.engine import Engine, RateLimited, Unavailable
from ketatraining.service.ratelimit import RateLimiter, SharedRateLimiter

log = logging.getLogger("ketatraining.service")
_T = TypeVar("_T")
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,254}$")
SYNTHETIC_ID = re.compile(rf"^{SYNTHETIC_PREFIX}[0-9]{{1,9}}$")
MAX_BODY = 64 * 1024


@dataclass
class Settings:
    """Everything the service is told at start (by ``ketatraining serve``)."""

    db_url: str
    quiz_dir: str
    signing_key: Any
    course_path: str | None = None
    trainers_group: str = "ketatraining-trainers"
    rate: float = 10.0
    burst: int = 40
    threads: int = 16
    issuer: str = "ketatraining course server"
    allow_demo: bool = False
    """Trainers may write synthetic ``demo-`` learners' answers (``demo-data --service``)."""
    extra_env: dict[str, str] = field(default_factory=dict)


class Trainers:
    """Who is in the trainers' hub group, asked with the service's own token (cached 30 s)."""

    def __init__(self, hub_auth: HubAuth, group: str, max_age: float = 30.0) -> None:
        self.hub_auth, self.group, self.max_age = hub_auth, group, max_age
        self._members: set[str] = set()
        self._fetched = -1e9

    async def members(self) -> set[str]:
        if time.monotonic() - self._fetched < self.max_age:
            return self._members
        url = url_path_join(self.hub_auth.api_url, "groups", self.group)
        try:
            reply = await AsyncHTTPClient().fetch(
                url, headers={"Authorization": f"token {self.hub_auth.api_token}"})
            self._members = set(json.loads(reply.body).get("users", []))
        except HTTPClientError as error:
            if error.code != 404:
                log.warning("cannot read hub group %s: %s", self.group, error)
                raise
            self._members = set()
        self._fetched = time.monotonic()
        return self._members


class Base(web.RequestHandler):
    """JSON in and out; one plain sentence in every error."""

    def initialize(self, **context: Any) -> None:
        self.ctx: dict[str, Any] = context
        self.user: str | None = None
        self.is_trainer = False

    @property
    def engine(self) -> Engine:
        return self.ctx["engine"]

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        message = getattr(self, "_message", None)
        if message is None:
            error = kwargs.get("exc_info", (None, None))[1]
            message = getattr(error, "log_message", None) or self._reason
        reply: dict[str, Any] = {"error": message}
        if getattr(self, "_details", None):
            reply["details"] = self._details  # e.g. what is still to do for a record
        self.finish(json.dumps(reply))

    def fail(self, status: int, message: str) -> None:
        self._message = message
        raise web.HTTPError(status, message)

    def body(self) -> dict[str, Any]:
        if not self.request.body:
            return {}
        if len(self.request.body) > MAX_BODY:
            self.fail(413, "The request is too large.")
        try:
            data = json.loads(self.request.body)
        except ValueError:
            self.fail(400, "The request is not valid JSON.")
        if not isinstance(data, dict):
            self.fail(400, "The request must be a JSON object.")
        return data

    async def blocking(self, work: Callable[[], _T]) -> _T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.ctx["executor"], work)
        except Unavailable as error:
            self.fail(503, str(error))
        except RateLimited as error:
            self.fail(429, str(error))
        except AssessmentError as error:
            self._details = list(error.details)
            self.fail(409, str(error))
        msg = "unreachable"
        raise AssertionError(msg)  # fail() always raises

    def reply(self, data: Any) -> None:
        self.finish(json.dumps(data))


class Authenticated(Base):
    """Every request: who is calling, according to the hub (never the client)."""

    RATE_IN_TRANSACTION: ClassVar[bool] = False
    """True for start/submit/finish: the shared bucket is taken inside the grading
    transaction (``Engine._lock``), saving a round trip and a worker-thread hop."""

    async def prepare(self) -> None:
        hub_auth: HubAuth = self.ctx["hub_auth"]
        token = hub_auth.get_token(self, in_cookie=False)
        if not token:
            self.fail(401, "Sign in to the hub first: this request carried no hub token.")
        try:
            model = await hub_auth.user_for_token(token, sync=False)
        except (HTTPClientError, OSError, web.HTTPError) as error:  # the hub itself failed
            log.warning("hub token check failed: %s", error)
            self.fail(503, "The hub cannot confirm who you are just now; try again shortly.")
        if not model or model.get("kind", "user") != "user":
            self.fail(403, "The hub did not accept this token.")
        if not hub_auth.check_scopes(hub_auth.access_scopes, model):
            self.fail(403, "Your hub token may not use the course server (missing scope).")
        self.user = str(model["name"])
        user, shared = self.user, self.ctx.get("shared_limiter")
        if not self.ctx["limiter"].allow(user) or (
                shared is not None and not self.RATE_IN_TRANSACTION
                and not await self.blocking(lambda: shared.allow(user))):
            self.fail(429, "Too many requests at once; wait a few seconds and try again.")
        self.is_trainer = self.user in await self.ctx["trainers"].members()

    def answering_for(self, data: dict[str, Any]) -> tuple[str, datetime | None]:
        """Whose answer this is and when it is dated: the caller, now; or, for a trainer
        on a server started with --allow-demo, the synthetic learner ``as_learner`` at
        ``at`` (``demo-data --service``)."""
        learner = data.get("as_learner")
        if learner is None:
            return str(self.user), None
        if not self.ctx["settings"].allow_demo:
            self.fail(403, "This course server takes no demo data; a trainer may write a "
                      "demo cohort only to a course server started with --allow-demo.")
        if not self.is_trainer:
            self.engine.log_action(str(self.user), "denied", detail={"action": "demo"})
            self.fail(403, "Only trainers may write demo data.")
        if not (isinstance(learner, str) and SYNTHETIC_ID.match(learner)):
            self.fail(400, f"A synthetic learner's id is '{SYNTHETIC_PREFIX}' and a number.")
        try:
            at = datetime.fromisoformat(str(data.get("at")))
        except ValueError:
            at = None
        if at is None or at.tzinfo is None or at > datetime.now(UTC):
            self.fail(400, "A demo answer needs its time ('at': ISO 8601 with a time zone, "
                      "not in the future).")
        return str(learner), at

    def require_trainer(self, action: str) -> None:
        if not self.is_trainer:
            self.engine.log_action(str(self.user), "denied", detail={"action": action})
            self.fail(403, "Only trainers may see other learners' results.")

    def learner_filter(self, action: str) -> str | None:
        """Trainers may name any learner (or none: everyone); learners only themselves."""
        learner = self.get_argument("learner", None)
        if learner is not None and not SAFE_ID.match(learner):
            self.fail(400, "That learner id is not valid.")
        if self.is_trainer:
            return learner
        if learner not in (None, self.user):
            self.require_trainer(action)
        return self.user


class Health(Base):
    def get(self) -> None:
        self.reply({"status": "ok", "process": os.getpid()})


class PublicKey(Base):
    def get(self) -> None:
        key = self.ctx["settings"].signing_key.public_key()
        self.reply({"alg": "Ed25519", "key_id": key_id(key), "public_key": public_key_text(key)})


class QuizHandler(Authenticated):
    async def get(self, quiz_id: str) -> None:
        view = await self.blocking(lambda: self.engine.quiz_view(quiz_id))
        self.reply(view.to_dict())


class StartHandler(Authenticated):
    RATE_IN_TRANSACTION = True

    async def post(self, quiz_id: str) -> None:
        data = self.body()
        seed = data.get("seed")
        seed = seed if isinstance(seed, int) else None
        learner, _at = self.answering_for(data)
        state = await self.blocking(lambda: self.engine.start(learner, quiz_id, seed,
                                                              caller=self.user))
        self.reply(state.to_dict())


class SubmitHandler(Authenticated):
    RATE_IN_TRANSACTION = True

    async def post(self, quiz_id: str) -> None:
        data = self.body()
        question_id = data.get("question_id")
        if not isinstance(question_id, str):
            self.fail(400, "The answer names no question.")
            return
        attempt_id = data.get("attempt_id")
        submission_id = data.get("submission_id")
        if submission_id is not None and not (isinstance(submission_id, str)
                                              and re.fullmatch(r"[0-9a-f]{32}", submission_id)):
            self.fail(400, "The answer id is not valid.")
        learner, at = self.answering_for(data)
        checked = await self.blocking(lambda: self.engine.submit(
            learner, quiz_id, None if attempt_id is None else str(attempt_id),
            question_id, data.get("response"), seconds=data.get("seconds"),
            submission_id=submission_id, caller=self.user, actor=self.user, at=at))
        self.reply(checked.to_dict())


class FinishHandler(Authenticated):
    RATE_IN_TRANSACTION = True

    async def post(self, quiz_id: str) -> None:
        data = self.body()
        attempt_id = data.get("attempt_id")
        learner, at = self.answering_for(data)
        outcome = await self.blocking(lambda: self.engine.finish(
            learner, quiz_id, None if attempt_id is None else str(attempt_id),
            seconds=data.get("seconds"), caller=self.user, actor=self.user, at=at))
        self.reply(outcome.to_dict())


class MeHandler(Authenticated):
    def get(self) -> None:
        self.reply({"name": self.user, "trainer": self.is_trainer})


class MyResults(Authenticated):
    async def get(self) -> None:
        rows = await self.blocking(lambda: self.engine.my_results(str(self.user)))
        self.reply(rows)


class MyName(Authenticated):
    """GET: the name the caller's completion record will show (or null); PUT: set it."""

    async def get(self) -> None:
        user = str(self.user)
        name = await self.blocking(lambda: self.engine.display_name(user))
        self.reply({"name": name})

    async def put(self) -> None:
        from ketatraining.certificate.eligibility import clean_name

        try:
            name = clean_name(str(self.body().get("name", "")))
        except ValueError as error:
            self.fail(400, str(error))
        user = str(self.user)

        def work() -> None:
            self.engine.store.set_display_name(user, name)
            self.engine.log_action(user, "set-name", learner=user)

        await self.blocking(work)
        self.reply({"name": name})


class Records(Authenticated):
    """POST: issue and sign the caller's record (trainers: anyone's, with ``learner``)."""

    async def post(self) -> None:
        data = self.body()
        learner = data.get("learner") or self.user
        if not isinstance(learner, str) or not SAFE_ID.match(learner):
            self.fail(400, "That learner id is not valid.")
            return
        if learner != self.user:
            self.require_trainer("record")
        settings: Settings = self.ctx["settings"]
        actor = str(self.user)

        def work() -> bytes:
            from pathlib import Path

            from ketatraining.certificate import load_course
            from ketatraining.service import schema

            course = load_course(Path(settings.course_path) if settings.course_path else None)
            record = self.engine.completion_record(learner, course)
            facts = record_data(record, signed=True, issuer=settings.issuer)
            raw = sign(facts, settings.signing_key)

            def store(connection: Any) -> None:
                from sqlalchemy import insert

                connection.execute(insert(schema.records).values(
                    code=facts["verification_code"], learner_id=learner,
                    issued_at=record.issued_at, record=raw.decode()))
                self.engine.audit(connection, actor, "record", learner=learner,
                                  detail={"code": facts["verification_code"]})

            self.engine._run(store)
            return raw

        raw = await self.blocking(work)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(raw)


class VerifyCode(Base):
    """Anyone: what the course server issued under a verification code."""

    async def get(self, code: str) -> None:
        from sqlalchemy import select

        from ketatraining.service import schema

        def work() -> Any:
            def read(connection: Any) -> Any:
                return connection.execute(select(schema.records.c.record).where(
                    schema.records.c.code == code.upper())).scalar()
            return self.engine._run(read)

        raw = await self.blocking(work)
        if raw is None:
            self.fail(404, f"No completion record with the code {code} was issued here.")
        self.reply({"valid": True, "record": json.loads(raw)["record"]})


class VerifyFile(Base):
    """Anyone: POST a record file; valid only if signed here and issued under its code."""

    async def post(self) -> None:
        from sqlalchemy import select

        from ketatraining.service import schema

        settings: Settings = self.ctx["settings"]
        try:
            verified = verify(self.request.body, [settings.signing_key.public_key()])
        except RecordError as error:
            self.reply({"valid": False, "reason": str(error)})
            return
        code = verified.record["verification_code"]

        def read(connection: Any) -> Any:
            return connection.execute(select(schema.records.c.record).where(
                schema.records.c.code == code)).scalar()

        issued = await self.blocking(lambda: self.engine._run(read))
        if issued is None or issued.encode() != self.request.body:
            self.reply({"valid": False,
                        "reason": f"The course server issued no record {code} like this one."})
            return
        self.reply({"valid": True, "record": verified.record, "summary": verified.summary()})


class TrainerCommand(Authenticated):
    """results, stats and export: the CLI's own code, run against the service's database."""

    COMMANDS: ClassVar[set[str]] = {"results", "stats", "export"}

    async def get(self, command: str) -> None:
        if command not in self.COMMANDS:
            self.fail(404, "No such report.")
        if command == "stats":
            self.require_trainer(command)
        learner = self.learner_filter(command)
        argv = [command]
        quiz = self.get_argument("quiz", None)
        for name in ("quiz", "attempts", "format"):
            value = self.get_argument(name, None)
            if value is not None and not SAFE_ID.match(value):
                self.fail(400, f"The {name} given is not valid.")
        if command == "stats":
            if quiz is None:
                self.fail(400, "Name the quiz to analyse.")
            argv += [str(quiz), "--attempts", self.get_argument("attempts", "first")]
            if self.get_argument("by_version", None) == "yes":
                argv.append("--by-version")
            if self.get_argument("format", "table") == "json":
                argv.append("--json")
        else:
            if quiz is not None:
                argv += ["--quiz", quiz]
            if learner is not None:
                argv += ["--learner", learner]
            if command == "results" and self.get_argument("by_attempt", None) == "yes":
                argv.append("--by-attempt")
            argv += ["--format", self.get_argument("format", "table" if command == "results"
                                                   else "csv")]
        self.engine.log_action(str(self.user), command, learner=learner, quiz_id=quiz,
                               detail={"argv": argv})
        code, out, err = await run_cli(self.ctx["settings"], argv)
        if code != 0:
            self.fail(400 if code == 1 else 500,
                      err.strip().removeprefix("ketatraining: ") or "The report failed.")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(out)


class RegradeHandler(Authenticated):
    """``regrade --service``: the CLI's own regrade (one transaction, its audit tables,
    --dry-run), run against the service's database for a member of the trainers' group."""

    async def post(self, quiz_id: str) -> None:
        body = self.body()
        dry_run = bool(body.get("dry_run", False))
        history = bool(body.get("history", False))  # only lists past regrades
        action = "regrade-history" if history else (
            "regrade-dry-run" if dry_run else "regrade")
        if not self.is_trainer:
            self.engine.log_action(str(self.user), "denied", quiz_id=quiz_id,
                                   detail={"action": action})
            self.fail(403, "Only trainers may regrade.")
        if quiz_id not in self.engine.quizzes:
            self.fail(404, f"There is no quiz called '{quiz_id}' on this course server.")
        argv = ["regrade", quiz_id, *(["--dry-run"] if dry_run else []),
                *(["--history"] if history else []),
                *(["--all"] if body.get("all") else [])]
        self.engine.log_action(str(self.user), action, quiz_id=quiz_id, detail={"argv": argv})
        # the trainer's hub name is recorded as regraded_by in kt_regrade_runs
        code, out, err = await run_cli(self.ctx["settings"], argv,
                                       env={"KETATRAINING_LEARNER": str(self.user)})
        if code != 0:
            self.fail(409 if code == 1 else 500,
                      err.strip().removeprefix("ketatraining: ") or "The regrade failed.")
        stale = "" if history else await self.blocking(lambda: self._stale(quiz_id))
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(out + (stale + "\n" if stale else ""))

    def _stale(self, quiz_id: str) -> str:
        """A sentence when the file regraded against is not the quiz this server grades."""
        from ketatraining.errors import QuizError
        from ketatraining.quiz.loading import load_quiz
        from ketatraining.quiz.versions import grading_hash

        folder = self.ctx["settings"].quiz_dir
        try:
            on_disk = load_quiz(Path(folder) / f"{quiz_id}.yaml")
        except QuizError:
            return ""
        running = self.engine.quizzes[quiz_id]
        if {q.id: grading_hash(q) for q in on_disk.questions} == {
                q.id: grading_hash(q) for q in running.questions}:
            return ""
        return ("Note: this course server still grades new answers with the quiz as it was "
                "when it started; restart it (ketatraining serve) so that new answers use "
                "the fixed file too.")


async def run_cli(settings: Settings, argv: list[str],
                  env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run a trainer command in a child process that alone gets the database URL.
    ``env``: more variables for the child (e.g. who asked for a regrade)."""
    env = {**os.environ, **settings.extra_env, **(env or {}),
           "KETATRAINING_DB": settings.db_url, "KETATRAINING_QUIZ_DIR": settings.quiz_dir}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ketatraining.cli", *argv, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    except TimeoutError:
        process.kill()
        return 2, "", "The report took too long."
    return int(process.returncode or 0), out.decode(), err.decode()


def make_app(settings: Settings, engine: Engine, prefix: str) -> web.Application:
    """The tornado application serving under the hub's service prefix."""
    hub_auth = HubAuth()
    if not hub_auth.access_scopes:
        name = os.environ.get("JUPYTERHUB_SERVICE_NAME", "ketatraining")
        hub_auth.access_scopes = {f"access:services!service={name}"}
    context = {
        "engine": engine, "settings": settings, "hub_auth": hub_auth,
        "trainers": Trainers(hub_auth, settings.trainers_group),
        "limiter": RateLimiter(settings.rate, settings.burst),
        # on PostgreSQL the replicas also share one bucket per user (ratelimit.py)
        "shared_limiter": (SharedRateLimiter(engine.engine, settings.rate, settings.burst)
                           if engine.engine.dialect.name == "postgresql" else None),
        "executor": ThreadPoolExecutor(settings.threads, thread_name_prefix="kt-db"),
    }
    engine.limiter = context["shared_limiter"]
    quiz = r"([A-Za-z0-9][A-Za-z0-9_.-]{0,63})"
    routes: list[tuple[str, type[web.RequestHandler]]] = [
        ("api/health", Health), ("api/key", PublicKey),
        (f"api/quizzes/{quiz}", QuizHandler), (f"api/quizzes/{quiz}/start", StartHandler),
        (f"api/quizzes/{quiz}/submit", SubmitHandler),
        (f"api/quizzes/{quiz}/finish", FinishHandler),
        ("api/me", MeHandler), ("api/me/results", MyResults), ("api/me/name", MyName),
        ("api/records", Records), (r"api/verify/([A-Za-z0-9-]{4,32})", VerifyCode),
        ("api/verify", VerifyFile), (r"api/reports/(\w+)", TrainerCommand),
        (f"api/regrade/{quiz}", RegradeHandler),
    ]
    return web.Application([(url_path_join(prefix, path), handler, context)
                            for path, handler in routes], log_function=_log_request)


def _log_request(handler: web.RequestHandler) -> None:
    """Log refusals and failures; successful requests are in the audit trail instead."""
    status = handler.get_status()
    if status >= 400:
        log.warning("%d %s %s %.1f ms", status, handler.request.method, handler.request.path,
                    1000 * handler.request.request_time())
