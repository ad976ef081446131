"""Real-browser fixtures: Debian's Chromium driven by Playwright, local Voila and JupyterLab.

Servers run on 127.0.0.1 with a free port and a random token, with every JUPYTER_* folder
in a temporary directory, and serve a temporary copy of the app folder (the landing page,
links to the course notebooks, and test notebooks). Each test starts from an empty
progress store: the store file the servers' kernels use is removed before every test.
Every request the browser makes to another host fails the test. Without Chromium the
tests are skipped with how to install it; under CI=true that is a failure instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from lifeline import Lifeline, interrupt_on_termination

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".venv/node/node_modules/axe-core/axe.min.js"
"""axe-core from the npm registry, installed by ``make axe`` (a prerequisite of make test)."""
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
LEARNER = "browser-learner"
TIMEOUT_MS = 90_000
SCRIPT_PAYLOAD_QUIZ = """\
schema_version: 1
id: payload
title: "Payload <script>window.__ktPwned = 'title'</script>"
description: "<img src=x onerror=\\"window.__ktPwned = 'img'\\"> A quiz with hostile markup."
topic: assessment
pass_mark: 50
questions:
  - id: payload-choice
    type: single_choice
    prompt: "Which option is safe? <script>window.__ktPwned = 'prompt'</script>"
    options:
      - id: a
        text: "Plain <b onmouseover=\\"window.__ktPwned = 'option'\\">text</b>"
        correct: true
        feedback: "Right <script>window.__ktPwned = 'feedback'</script>"
      - id: b
        text: Another option
        feedback: Not this one.
    explanation: "Explained <iframe src=\\"javascript:window.__ktPwned = 'iframe'\\"></iframe>"
    references: [spravato_pi]
    objective: nb00-course-scope
"""


TYPES_QUIZ = """\
schema_version: 1
id: kt-types
title: The newer question types
topic: assessment
pass_mark: 50
questions:
  - id: kt-order
    type: ordering
    prompt: Put the steps of a session in order.
    steps:
      - {id: screen, text: Screen for contraindications}
      - {id: dose, text: Give the dose}
      - {id: watch, text: Monitor for two hours}
    feedback_correct: Right order.
    feedback_incorrect: Screening comes first, monitoring last.
    explanation: The label sets this order.
    references: [spravato_pi]
    objective: nb00-course-scope
  - id: kt-match
    type: matching
    prompt: Match each measure with what it rates.
    items:
      - {id: pcl, text: PCL-5, answer: self}
      - {id: caps, text: CAPS-5, answer: clin}
    answers:
      - {id: self, text: Self-report}
      - {id: clin, text: Clinician interview}
    feedback_correct: Both right.
    feedback_incorrect: The PCL-5 is self-report; the CAPS-5 is an interview.
    explanation: Two standard PTSD measures.
    references: [spravato_pi]
    objective: nb00-course-scope
  - id: kt-short
    type: short_answer
    prompt: Name the S-enantiomer of ketamine.
    answers:
      - {text: esketamine, credit: 100}
    feedback_incorrect: It is esketamine.
    explanation: Esketamine is the S-enantiomer.
    references: [spravato_pi]
    objective: nb00-course-scope
"""


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _missing("the browser tests need Debian's Chromium at /usr/bin/chromium; install it "
                 "with: sudo apt-get install chromium (never 'playwright install')")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the browser tests need the 'playwright' package: make venv")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        _missing(f"the accessibility tests need axe-core at {AXE}; install it with: make axe")
    return AXE.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running Voila or JupyterLab: its base URL, token, log and progress store."""

    kind: str
    port: int
    token: str
    root: Path
    store_path: Path
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        joiner = "&" if "?" in path else "?"
        return f"{self.origin}/{path.lstrip('/')}{joiner}token={self.token}"

    @property
    def store_url(self) -> str:
        return f"sqlite:///{self.store_path}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _wait_for(server: Server, path: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.kind} exited early:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url(path), timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{server.kind} did not answer within {timeout:.0f} s:\n{server.log_text()}")


def status(server: Server) -> dict[str, Any]:
    """The app's own status: live kernels and whether every page has been preheated."""
    from ketatraining.app.voila_main import STATUS_PATH

    with urllib.request.urlopen(server.url(STATUS_PATH), timeout=10) as reply:
        return json.loads(reply.read())


def wait_until_heated(server: Server, timeout: float = 300.0) -> None:
    """Wait until Voila has preheated a kernel for every page (the app's steady state)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.kind} exited early:\n{server.log_text()}")
        if status(server)["heated"]:
            return
        time.sleep(0.25)
    pytest.fail(f"the app did not preheat its pages within {timeout:.0f} s:\n"
                f"{server.log_text()}")


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT if server.kind == "voila" else signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app folder (landing page + course notebook links) plus the test notebooks."""
    from ketatraining.app.server import build_root

    base = tmp_path_factory.mktemp("app")
    root = build_root(base / "course", ROOT / "notebooks")
    quizzes = base / "hostile"
    quizzes.mkdir()
    (quizzes / "payload.yaml").write_text(SCRIPT_PAYLOAD_QUIZ)
    (quizzes / "kt-types.yaml").write_text(TYPES_QUIZ)
    _write_notebook(root / "kt-test-types.ipynb",
                    f"from ketatraining import show_quiz\nshow_quiz({str(quizzes / 'kt-types.yaml')!r})")
    _write_notebook(root / "kt-test-payload.ipynb",
                    f"from ketatraining import show_quiz\nshow_quiz({str(quizzes / 'payload.yaml')!r})")
    return root


def _write_notebook(path: Path, source: str) -> None:
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1",
                   "metadata": {"tags": ["hide-input"], "jupyter": {"source_hidden": True}},
                   "outputs": [], "source": source}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1))


def _environment(base: Path, store: Path) -> dict[str, str]:
    from ketatraining.app.server import app_environment

    env = app_environment(ROOT / "notebooks")
    for name in ("CONFIG", "DATA", "RUNTIME"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"JUPYTER_{name}_DIR"] = str(folder)
    env["KETATRAINING_DB"] = f"sqlite:///{store}"
    env["KETATRAINING_OUTBOX_DIR"] = str(store.parent / "outbox")  # never the real one
    env["KETATRAINING_LEARNER"] = LEARNER
    env["KETATRAINING_RECORDS_DIR"] = str(base / "records")
    env.pop("KETATRAINING_QUIZ_DIR", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextlib.contextmanager
def start_voila(base: Path, root: Path, extra_env: dict[str, str] | None = None
                ) -> Iterator[Server]:
    """The app (Voila) on ``root``, its store and settings under ``base``, once every page
    it heats is heated; stopped (with its kernels) when the block ends."""
    from ketatraining.app.server import voila_command

    store = base / "progress.db"
    port, token = free_port(), secrets.token_hex(16)
    log = base / "voila.log"
    env = {**_environment(base, store), **(extra_env or {})}
    interrupt_on_termination()  # a killed test run still stops the app and its kernels
    with log.open("wb") as sink:
        process = subprocess.Popen(voila_command(root, port=port, token=token), env=env,
                                   stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    lifeline = Lifeline(groups=[process.pid])
    server = Server("voila", port, token, root, store, process, log, env)
    try:
        _wait_for(server, "voila/tree")
        wait_until_heated(server)
        yield server
    finally:
        _stop(server)
        lifeline.release()


@pytest.fixture(scope="session")
def voila_server(chromium_path: Path, app_root: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with start_voila(tmp_path_factory.mktemp("voila"), app_root) as server:
        yield server


@pytest.fixture(scope="session")
def lab_server(chromium_path: Path, app_root: Path,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from ketatraining.lab.launch import SETTINGS, seed_workspace

    base = tmp_path_factory.mktemp("lab")
    seed_workspace(base / "workspaces")  # the learner's first layout: side panels closed
    store = base / "progress.db"
    port, token = free_port(), secrets.token_hex(16)
    log = base / "lab.log"
    env = _environment(base, store)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={app_root}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
        f"--LabApp.user_settings_dir={base / 'settings'}",
        f"--LabApp.app_settings_dir={SETTINGS}",  # the learner's JupyterLab settings
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ] + (["--allow-root"] if os.geteuid() == 0 else [])
    interrupt_on_termination()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    lifeline = Lifeline(groups=[process.pid])
    server = Server("jupyterlab", port, token, app_root, store, process, log, env)
    try:
        _wait_for(server, "api/status")
        yield server
    finally:
        _stop(server)
        lifeline.release()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a 2-core machine shared with other work is slow

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path),
                                              headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def fresh_store(server: Server) -> None:
    """Empty progress store for the next test: every row deleted, the file kept.

    Preheated kernels keep the store open; deleting the file under them would leave them
    writing to a file nobody else reads (a reloaded page then lost its answers).
    """
    if server.store_path.exists():
        from sqlalchemy import create_engine

        from ketatraining.progress.schema import meta, metadata

        engine = create_engine(server.store_url)
        try:
            with engine.begin() as connection:
                for table in reversed(metadata.sorted_tables):
                    if table is not meta:  # the schema version stays
                        connection.execute(table.delete())
        finally:
            engine.dispose()
    for pending in (server.store_path.parent / "outbox").glob("*"):
        pending.unlink(missing_ok=True)


class OffsiteRequests:
    """Every request to a host other than the local server (each one fails the test)."""

    def __init__(self, origin: str) -> None:
        self.allowed = urlsplit(origin).netloc
        self.blocked: list[str] = []

    def route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == self.allowed:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def _page(browser: Any, server: Server) -> Iterator[Any]:
    fresh_store(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    offsite = OffsiteRequests(server.origin)
    context.route("**/*", offsite.route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.offsite = offsite  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        # Leave the page as a learner would, so the app frees its kernel (a page that is
        # already gone has nothing to free).
        # Routed requests sent while a page unloads are dropped, so stop routing first.
        with contextlib.suppress(Exception):
            context.unroute("**/*", offsite.route)
            page.goto("about:blank", timeout=10_000)
            page.wait_for_timeout(500)  # the shutdown request leaves before the context closes
        context.close()
    assert not offsite.blocked, f"requests left the machine: {offsite.blocked}"


@pytest.fixture
def voila_page(browser: Any, voila_server: Server) -> Iterator[Any]:
    yield from _page(browser, voila_server)


def fresh_kernels(server: Server) -> None:
    """End every notebook session of a server, so the next page starts a new kernel.

    JupyterLab reconnects a reopened notebook to its running kernel and restores every
    live widget, including those answered by an earlier test.
    """
    with urllib.request.urlopen(server.url("api/sessions"), timeout=10) as reply:
        sessions = json.load(reply)
    for session in sessions:
        request = urllib.request.Request(server.url(f"api/sessions/{session['id']}"),
                                         method="DELETE")
        with urllib.request.urlopen(request, timeout=30):
            pass


@pytest.fixture
def lab_page(browser: Any, lab_server: Server) -> Iterator[Any]:
    from ketatraining.lab.launch import seed_workspace

    fresh_kernels(lab_server)
    # A learner's first layout, without the tabs an earlier test left open (their cells
    # would be found first, hidden behind the current tab).
    seed_workspace(lab_server.store_path.parent / "workspaces", replace=True)
    yield from _page(browser, lab_server)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test reports the end of its server's log (CI keeps nothing else)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in ("voila_server", "lab_server"):
        server = getattr(item, "funcargs", {}).get(name)
        if isinstance(server, Server):
            report.sections.append((f"{server.kind} log (last 4000 characters)",
                                    server.log_text()))
