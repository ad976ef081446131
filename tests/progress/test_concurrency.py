"""Many kernels writing at once: 8 processes x 500 submissions against one store.

Every worker prints each submission_id only after ``record()`` returned. All 4,000
must be in the store exactly once, every worker must finish cleanly, and no
"database is locked" may reach a learner (the store retries with backoff).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ketatraining.progress.store import ProgressStore

PROCESSES = 8
SUBMISSIONS = 500


@pytest.mark.slow
def test_8_processes_x_500_submissions_all_recorded_once(store_url: str, worker: Path) -> None:
    with ProgressStore(store_url):
        pass  # an existing store; first-open races are tested below
    start_at = time.time() + 2.0
    processes = [
        subprocess.Popen(
            [sys.executable, str(worker), store_url, f"learner{n % 4}", str(SUBMISSIONS),
             str(start_at)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(PROCESSES)
    ]
    outputs = [p.communicate(timeout=600) for p in processes]
    acknowledged: list[str] = []
    attempts: list[tuple[str, int]] = []
    for number, (process, (out, err)) in enumerate(zip(processes, outputs, strict=True)):
        assert "locked" not in (out + err).lower(), f"worker {number}: {out[-500:]}{err[-500:]}"
        assert "Traceback" not in err, err
        assert process.returncode == 0, f"worker {number} failed: {out[-300:]} {err[-300:]}"
        lines = out.split()
        assert lines[-1] == "DONE"
        attempts.append((f"learner{number % 4}", int(out.split("\n", 1)[0].split()[1])))
        acknowledged.extend(line for line in lines if len(line) == 32)
    assert len(acknowledged) == PROCESSES * SUBMISSIONS
    with ProgressStore(store_url) as store:
        saved = [s.submission_id for s in store.responses()]
        assert store.integrity_problems() == []
        numbers = store.attempts()
    assert len(saved) == PROCESSES * SUBMISSIONS
    assert len(set(saved)) == len(saved), "duplicates"
    assert set(saved) == set(acknowledged)
    # Two kernels of the same learner starting at once got different attempt numbers.
    assert len(set(attempts)) == PROCESSES
    assert sorted((a.learner_id, a.attempt) for a in numbers) == sorted(attempts)


def test_kernels_opening_a_fresh_store_together_all_succeed(store_url: str,
                                                            worker: Path) -> None:
    """The first open creates the tables; eight at once must not race each other."""
    start_at = time.time() + 2.0
    processes = [
        subprocess.Popen([sys.executable, str(worker), store_url, f"l{n}", "5", str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(PROCESSES)
    ]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"{out[-300:]} {err[-300:]}"
    with ProgressStore(store_url) as store:
        assert len(store.responses()) == PROCESSES * 5
        assert len(store.learners()) == PROCESSES
