"""A test run ended by SIGTERM, or killed outright, leaves no PostgreSQL server running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lifeline import process_alive

TESTS = Path(__file__).resolve().parents[1]

LONG_TEST = '''
import os, time
from pathlib import Path
from progress.conftest import postgres_server  # noqa: F401


def test_waits(postgres_server):
    import psycopg
    with psycopg.connect(host=postgres_server.host, port=postgres_server.port,
                         user=postgres_server.user, dbname="postgres") as connection:
        folder = connection.execute("SHOW data_directory").fetchone()[0]
    pid = Path(folder, "postmaster.pid").read_text().split()[0]
    Path(os.environ["REPORT"]).write_text(f"{pid} {folder}")
    time.sleep(600)
'''


@pytest.mark.postgres
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_test_run_stops_its_postgresql_server(
        tmp_path: Path, how: signal.Signals, postgres_server: object) -> None:
    # (postgres_server: skipped, or failed under CI=true, exactly when PostgreSQL is missing)
    (tmp_path / "test_long.py").write_text(LONG_TEST, encoding="utf-8")
    report = tmp_path / "report"
    environment = {**os.environ, "PYTHONPATH": str(TESTS), "REPORT": str(report)}
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_long.py"],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        deadline = time.monotonic() + 120
        while not report.exists() or not report.read_text():
            assert run.poll() is None, run.communicate()[0]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        pid_text, folder = report.read_text().split(maxsplit=1)
        pid = int(pid_text)
        assert process_alive(pid)
        run.send_signal(how)
        output = run.communicate(timeout=120)[0]
        deadline = time.monotonic() + 60
        while process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not process_alive(pid), f"PostgreSQL {pid} still runs after {how.name}"
        while Path(folder).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(folder).exists()
        if how == signal.SIGTERM:  # finalizers ran, as for Ctrl-C
            assert "KeyboardInterrupt" in output or "stopped by signal" in output, output
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
