"""The app right after ``make app``: the overview needs no kernel, the first page its own.

The overview is built by the server, so it is answered as soon as Voila is up (it waited
4-7 s for a kernel of its own on 2 cores). The first course page waits for its first
preheated kernel: without that Voila starts a second one for the request and runs the
notebook twice at once (about 3x slower on 2 cores). A real Voila, no browser: the pages
are read over HTTP as soon as Voila answers.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

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


def test_overview_needs_no_kernel_and_the_first_page_uses_its_preheated_one(
        tmp_path: Path) -> None:
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
        assert "Course overview" in page and "kt-landing-row" in page
        assert "About this course" in page
        assert '<link rel="icon" href="data:,">' in page  # no /favicon.ico 404 in the console
        text = log.read_text(errors="replace")
        assert not re.search(r"kernel: \S+ for index\.ipynb", text), text  # none for it
        name = min(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
        _first_answer(server, f"voila/render/{name}")
        text = log.read_text(errors="replace")
        started = re.findall(r"Kernel started: ([0-9a-f-]+)", text)
        used = re.search(rf"Using pre-heated kernel: ([0-9a-f-]+) for {re.escape(name)}", text)
        # The first kernel (the first page's pool) answered the first request for it.
        assert used and started and used.group(1) == started[0], text[-3000:]
        # No second kernel was started for the request beside it: before the page got its
        # kernel only that one had started. (Afterwards the pools refill and heat the
        # next pages, so the live count says nothing about the request.)
        before = text[:used.start()]
        assert re.findall(r"Kernel started: ([0-9a-f-]+)", before) == started[:1], before
    finally:
        _stop(server)



def _running(processes: list[Any]) -> list[str]:
    import psutil

    left = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(" ".join(process.cmdline())[:100])
    return left


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_signalling_the_launcher_stops_voila_and_its_kernels(tmp_path: Path,
                                                              signame: str) -> None:
    """``kill -INT <launcher>`` or ``kill <launcher>`` (not the terminal's whole group):
    Voila and every kernel it started are gone, and the launcher has exited."""
    import shlex
    import signal
    import sys

    import psutil

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "00-one.ipynb").write_text((ROOT / "notebooks" / "00-welcome.ipynb")
                                            .read_text(encoding="utf-8"), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    command = shlex.join([sys.executable, "-m", "ketatraining.app", "--port", str(port),
                          "--token", token, "--notebooks", str(notebooks), "--no-browser"])
    # Started from a script in the background (`cmd &`), the launcher has SIGINT ignored.
    launcher = subprocess.Popen(["sh", "-c", f"trap '' INT; exec {command}"],
                                env=_environment(tmp_path, tmp_path / "progress.db"),
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree: list[Any] = []
    try:
        url = f"http://127.0.0.1:{port}/voila/render/index.ipynb?token={token}"
        deadline = time.monotonic() + 120
        while not any("ipykernel" in line for line in _running(tree)):
            # The overview starts the heating; then a kernel runs the page.
            assert launcher.poll() is None, "the launcher stopped by itself"
            assert time.monotonic() < deadline, "Voila never started a kernel"
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=5).close()
            with contextlib.suppress(psutil.Error):
                tree = psutil.Process(launcher.pid).children(recursive=True)
            time.sleep(0.2)
        launcher.send_signal(getattr(signal, signame))
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the launcher is still waiting 60 s after {signame}")
        psutil.wait_procs(tree, timeout=10)
        assert not _running(tree), f"still running after {signame}: {_running(tree)}"
    finally:
        launcher.kill()
        for process in tree:
            with contextlib.suppress(psutil.Error):
                process.kill()
