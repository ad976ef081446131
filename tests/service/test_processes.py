"""``ketatraining serve --processes N``: N worker processes share one port.

One Python process uses one core; a replica given several cores runs several workers.
The workers are forked after the quizzes are loaded and open their own database
connections; they stop with the server, even when it is killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    sys.path.insert(0, str(ROOT / "tests"))
    from hub.hubstack import OBJECTIVES, REFERENCES
    from service.test_replicas import QUIZ

    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "references.yaml").write_text(REFERENCES)
    (folder / "objectives.yaml").write_text(OBJECTIVES)
    (folder / "twice.yaml").write_text(QUIZ)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETATRAINING_",
                                                                   "JUPYTERHUB_"))}
    env.update(JUPYTERHUB_API_TOKEN="unused", JUPYTERHUB_API_URL="http://127.0.0.1:9/hub/api",
               JUPYTERHUB_SERVICE_NAME="ketatraining")
    with (tmp_path / "service.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "ketatraining.cli", "serve", "--processes", "2", "--port",
             str(port), "--ip", "127.0.0.1", "--db", f"sqlite:///{tmp_path / 'results.db'}",
             "--quizzes", str(folder), "--signing-key", str(tmp_path / "key.pem")],
            env=env, stdout=log, stderr=subprocess.STDOUT)


def _workers(url: str, server: subprocess.Popen[bytes], log: Path) -> set[int]:
    """The worker pids that answer, asked on fresh connections until both have."""
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while len(seen) < 2 and time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            seen.add(httpx.get(url, timeout=5).json()["process"])
        except httpx.HTTPError:
            time.sleep(0.2)
    return seen


def test_two_worker_processes_share_the_port_and_stop_with_the_server(
        tmp_path: Path) -> None:
    from hub.hubstack import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}/services/ketatraining/api/health"
    server = _start(tmp_path, port)
    try:
        workers = _workers(url, server, tmp_path / "service.log")
        assert len(workers) == 2, (tmp_path / "service.log").read_text()[-3000:]
        assert server.pid not in workers  # the parent only watches its workers
        for pid in workers:  # each a child of the server
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            assert parent == server.pid
        server.send_signal(signal.SIGKILL)  # a crash or an OOM kill of the server
        server.wait(10)
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "workers outlived a killed server"
        with pytest.raises(httpx.HTTPError):
            httpx.get(url, timeout=2)  # nobody holds the port
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
