"""`export --format xapi` for 100,000 question attempts (target: under 10 s).

    .venv/bin/python benchmarks/bench_export.py [rounds]

Fills a temporary SQLite store with a demo cohort answering the real quiz banks until
it holds at least 100,000 answers (set-up, timed once), then times, interleaved:
- the baseline: just reading the records back (store.attempts() + store.responses());
- building the statements from records already in memory;
- the whole command, ``ketatraining export --format xapi --out FILE``;
- ``ketatraining export --format csv --out FILE`` for comparison.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

from _timing import interleaved, report

from ketatraining.analysis.demo import generate_cohort, load_banks
from ketatraining.cli import main
from ketatraining.interop.xapi import build_statements
from ketatraining.progress.store import ProgressStore

TARGET_ANSWERS = 100_000


def timed(function) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main_bench(rounds: int) -> None:
    banks = load_banks()
    quizzes = {quiz.id: quiz for quiz in banks}
    per_learner = len(generate_cohort(banks, 50, seed=1).submissions) / 50
    learners = int(TARGET_ANSWERS / per_learner * 1.02) + 1
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        start = time.perf_counter()
        cohort = generate_cohort(banks, learners, seed=1)
        with ProgressStore(url) as store:
            store.import_history(cohort.attempts, cohort.submissions)
        print(f"set-up: {learners} demo learners, {len(cohort.attempts)} attempts, "
              f"{len(cohort.submissions)} answers, generated and written in "
              f"{time.perf_counter() - start:.1f} s; {rounds} interleaved rounds")
        attempts, answers = cohort.attempts, cohort.submissions
        out = Path(folder) / "out"

        def read_back() -> None:
            with ProgressStore(url) as store:
                store.attempts()
                store.responses()

        def command(fmt: str) -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["export", "--format", fmt, "--db", url, "--out", str(out)]) == 0

        cases = {
            "read records back (baseline)": lambda: timed(read_back),
            "build_statements() in memory": lambda: timed(
                lambda: build_statements(attempts, answers, quizzes)),
            "ketatraining export --format xapi": lambda: timed(lambda: command("xapi")),
            "ketatraining export --format csv": lambda: timed(lambda: command("csv")),
        }
        results = interleaved(cases, rounds)
        command("xapi")
        statements = out.read_text(encoding="utf-8").count('"verb"')
        print(f"{statements} statements, {out.stat().st_size / 1e6:.0f} MB of JSON")
        report(results, baseline="read records back (baseline)")


if __name__ == "__main__":
    main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
