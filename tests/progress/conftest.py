"""Fixtures that run every progress-store test against SQLite AND a real PostgreSQL.

A session-scoped fixture starts a throwaway PostgreSQL server on 127.0.0.1 (a free
port, a temporary folder, trust authentication) when ``initdb``/``pg_ctl`` exist. It
skips the PostgreSQL half with a clear message when they do not, and fails instead
when ``CI=true``: CI installs Debian's ``postgresql`` and must test it. As root
(CI) the server runs as the ``postgres`` user through ``runuser``, since PostgreSQL
refuses to run as root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lifeline import Lifeline, interrupt_on_termination

PG_USER = "kt"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    start_command: tuple[str, ...] = ()
    """pg_ctl command lines, for a test that stops and starts the server (a restart)."""
    stop_command: tuple[str, ...] = ()

    def stop(self) -> None:
        """An immediate stop: what a crash or a restart looks like to the clients."""
        subprocess.run(self.stop_command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        subprocess.run(self.start_command, check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user,
                             dbname="postgres", autocommit=True) as connection:
            connection.execute(sql)

    def new_database(self) -> str:
        name = f"kt_{uuid.uuid4().hex[:12]}"
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest, else the PATH."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    for folder in reversed(candidates):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(pg_ctl).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresMissing(RuntimeError):
    """initdb/pg_ctl are not installed; the message says how to get them."""


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL on 127.0.0.1 for as long as the block runs (tests, benchmarks)."""
    folder = _pg_bin()
    if folder is None:
        message = ("PostgreSQL tests need initdb and pg_ctl (Debian: apt-get install "
                   "postgresql); they were not found on PATH or in /usr/lib/postgresql/*/bin.")
        raise PostgresMissing(message)
    base = Path(tempfile.mkdtemp(prefix="kt-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
    data, log = base / "data", base / "server.log"
    port = _free_port()
    run = {"capture_output": True, "text": True, "timeout": 120}
    options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on "
               "-c max_connections=100")
    start = tuple(_as_server_user([str(folder / "pg_ctl"), "-D", str(data), "-l", str(log),
                                   "-o", options, "-w", "start"]))
    stop = tuple(_as_server_user([str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                  "-w", "stop"]))
    try:
        subprocess.run(_as_server_user([str(folder / "initdb"), "-D", str(data), "-A", "trust",
                                        "-U", PG_USER, "--no-sync"]), check=True, **run)
        subprocess.run(start, check=True, **run)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(base, ignore_errors=True)
        msg = f"could not start a throwaway PostgreSQL: {error.stderr or error.stdout}"
        raise RuntimeError(msg) from error
    # Stopped also when the run is ended by SIGTERM/SIGHUP (finalizers run) or killed
    # outright (the lifeline's watchdog stops it): tests/lifeline.py.
    interrupt_on_termination()
    lifeline = Lifeline(commands=[stop], remove=[base])
    try:
        yield PostgresServer("127.0.0.1", port, PG_USER, start, stop)
    finally:
        with contextlib.suppress(Exception):
            subprocess.run(stop, check=False, capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
        lifeline.release()


def _serve() -> Iterator[PostgresServer]:
    try:
        with running_postgres() as server:
            yield server
    except PostgresMissing as missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {missing}")
        pytest.skip(str(missing))
    except RuntimeError as error:
        if "throwaway PostgreSQL" not in str(error):
            raise
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from _serve()


@pytest.fixture
def own_postgres_server() -> Iterator[PostgresServer]:
    """A server for this test alone: it may stop and start it (a restart, a crash)."""
    yield from _serve()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty store address on the backend under test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'progress.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    from ketatraining.progress.store import ProgressStore

    with ProgressStore(store_url) as opened:
        yield opened


QUIZ_YAML = """\
schema_version: 1
id: practice
title: Practice quiz
topic: risks
pass_mark: 50
questions:
  - id: bp
    type: true_false
    prompt: Blood pressure rises during a ketamine infusion.
    answer: true
    feedback_true: Right.
    feedback_false: Not so.
    explanation: Ketamine raises blood pressure for a while.
    references: [ref1]
    objective: obj1
  - id: dose
    type: numeric
    prompt: 0.5 mg/kg for 80 kg?
    value: 40
    units: mg
    tolerance: 0.5
    feedback_correct: Right.
    feedback_incorrect: Multiply.
    explanation: 0.5 times 80.
    references: [ref1]
    objective: obj1
"""
REFERENCES_YAML = """\
schema_version: 1
references:
  ref1:
    authors: [Doe J]
    title: A study
    journal: J Test
    year: 2020
    doi: 10.1000/test
"""
OBJECTIVES_YAML = """\
schema_version: 1
objectives:
  obj1:
    text: Know the test.
    topic: risks
"""


@pytest.fixture
def practice_quiz(tmp_path: Path) -> Path:
    """A valid two-question quiz with its own references and objectives files."""
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "references.yaml").write_text(REFERENCES_YAML)
    (folder / "objectives.yaml").write_text(OBJECTIVES_YAML)
    path = folder / "practice.yaml"
    path.write_text(QUIZ_YAML)
    return path


WORKER = '''\
"""A learner's kernel in miniature: record answers, print each id once it is saved."""
import sys

from ketatraining.errors import StoreError
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id

url, learner, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
start_at = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
try:
    import time

    while time.time() < start_at:  # all workers begin together
        time.sleep(0.001)
    store = ProgressStore(url)
    attempt = store.start_attempt(learner, "practice", max_score=1.0, pass_mark=50.0)
    print(f"ATTEMPT {attempt}", flush=True)
    for n in range(count):
        submission_id = new_submission_id()
        store.record(Submission(
            submission_id=submission_id, learner_id=learner, quiz_id="practice",
            question_id=f"q{n % 5}", attempt=attempt, response=["a"], score=1.0,
            max_score=1.0, correct=True, duration_seconds=0.1, submitted_at=utcnow()))
        print(submission_id, flush=True)  # acknowledged only after record() returned
    store.close()
    print("DONE", flush=True)
except StoreError as error:
    print(f"ERROR {error}", flush=True)
    sys.exit(3)
'''


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    """A script that records submissions and prints each acknowledged submission_id."""
    path = tmp_path / "worker.py"
    path.write_text(WORKER)
    return path
