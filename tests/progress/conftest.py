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

PG_USER = "kt"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str

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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    folder = _pg_bin()
    if folder is None:
        message = ("PostgreSQL tests need initdb and pg_ctl (Debian: apt-get install "
                   "postgresql); they were not found on PATH or in /usr/lib/postgresql/*/bin.")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="kt-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
    data, log = base / "data", base / "server.log"
    port = _free_port()
    run = {"capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(_as_server_user([str(folder / "initdb"), "-D", str(data), "-A", "trust",
                                        "-U", PG_USER, "--no-sync"]), check=True, **run)
        options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on "
                   "-c max_connections=100")
        subprocess.run(_as_server_user([str(folder / "pg_ctl"), "-D", str(data), "-l", str(log),
                                        "-o", options, "-w", "start"]), check=True, **run)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start a throwaway PostgreSQL: {error.stderr or error.stdout}")
    try:
        yield PostgresServer("127.0.0.1", port, PG_USER)
    finally:
        with contextlib.suppress(Exception):
            subprocess.run(_as_server_user([str(folder / "pg_ctl"), "-D", str(data), "-m",
                                            "immediate", "-w", "stop"]),
                           check=False, capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


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


@pytest.fixture(autouse=True)
def _no_ambient_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch a developer's real progress store, whatever KETATRAINING_DB says."""
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{tmp_path / 'ambient.db'}")
    monkeypatch.setenv("KETATRAINING_LEARNER", "test-learner")
