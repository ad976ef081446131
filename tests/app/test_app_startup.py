"""The app right after ``make app``: the landing page is served by its preheated kernel.

Without waiting for that kernel, Voila starts a second one for the first request and
runs the landing notebook twice at once (about 3x slower on 2 cores). A real Voila,
no browser: the page is read over HTTP as soon as Voila answers.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ketatraining.app.server import build_root, voila_command
from tests.browser.conftest import ROOT, Server, _environment, _stop, free_port

pytest.importorskip("voila", reason="Voila is not installed (pip install -e '.[test]')")


def _first_answer(server: Server, path: str, timeout: float = 120.0) -> str:
    """The page, asked for again and again from the moment Voila starts listening."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log_text()
        try:
            with urllib.request.urlopen(server.url(path), timeout=120) as reply:
                return reply.read().decode()
        except ConnectionError:
            time.sleep(0.02)
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionError):
                raise
            time.sleep(0.02)
    pytest.fail(f"Voila did not answer within {timeout:.0f} s:\n{server.log_text()}")


def test_first_landing_request_uses_the_preheated_kernel(tmp_path: Path) -> None:
    root = build_root(tmp_path / "course", ROOT / "notebooks")
    store = tmp_path / "progress.db"
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "voila.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(voila_command(root, port=port, token=token),
                                   env=_environment(tmp_path, store),
                                   stdout=sink, stderr=subprocess.STDOUT)
    server = Server("voila", port, token, root, store, process, log)
    try:
        page = _first_answer(server, "voila/render/index.ipynb")
        assert "Course overview" in page
        text = log.read_text(errors="replace")
        started = re.findall(r"Kernel started: ([0-9a-f-]+)", text)
        used = re.search(r"Using pre-heated kernel: ([0-9a-f-]+) for index.ipynb", text)
        # The first kernel (the landing page's pool) answered the first request.
        assert used and started and used.group(1) == started[0], text[-3000:]
        # No second kernel was started for the request beside it: before the page got its
        # kernel only that one had started. (Afterwards the pools refill and heat the
        # next pages, so the live count says nothing about the request.)
        before = text[:used.start()]
        assert re.findall(r"Kernel started: ([0-9a-f-]+)", before) == started[:1], before
    finally:
        _stop(server)
