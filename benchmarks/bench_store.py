"""The progress store under contention, and the cost of its integrity check on open.

    .venv/bin/python benchmarks/bench_store.py [--writers 8 32] [--answers 1280] [--rounds 3]
                                               [--sizes 1 10 100] [--skip-open]
                                               [--also-unbatched]

1. Contention: N writer processes (N = 8, 32), each a learner's kernel in miniature
   (open the store, open an attempt, then ``record()`` answers one after another), all
   starting at the same instant, against one SQLite file and against one PostgreSQL
   database (a throwaway server on 127.0.0.1, started here) in the same run, rounds
   interleaved so machine noise hits both alike. Reported per back end: submissions per
   second (all answers / wall time from the common start to the last commit) and p50, p95
   and max latency of one ``record()`` call, with SQLite's p95 as a ratio to PostgreSQL's
   (the target is at most 1.5), each a median over the rounds, with the machine's load
   average at the start and the end. Writer processes start once per writer count and
   are reused for every run, so the whole contention part takes a few minutes; no run
   starts before every writer has finished its imports (or their start-up fell into the
   first run, which is always SQLite's). ``--also-unbatched`` adds SQLite without group
   commit (``KETATRAINING_SQLITE_BATCH=0``) to the same rounds, for comparison.
2. Integrity on open: stores of 1, 10 and 100 MB (answers written directly), opened with
   the check and without it (the baseline), medians of 5; plus ``PRAGMA quick_check``
   alone, and "open + first write", which waits for a background check (stores over
   ``SYNC_CHECK_BYTES``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

WRITER = '''
import json, os, sys, time
from ketatraining.progress.records import Submission, utcnow
from ketatraining.progress.store import ProgressStore, new_submission_id

learner = sys.argv[1]
print("ready", flush=True)  # imports done: the parent starts no run before every writer is
for line in sys.stdin:  # one run per line: URL COUNT START_AT BATCH (the parent's clock)
    url, count, start_at, batch = line.split()
    os.environ["KETATRAINING_SQLITE_BATCH"] = batch  # read when the store opens
    store = ProgressStore(url)
    while time.time() < float(start_at):
        time.sleep(0.001)
    attempt = store.start_attempt(learner, "bench", max_score=1.0, pass_mark=50.0)
    latencies = []
    for n in range(int(count)):
        started = time.perf_counter()
        store.record(Submission(
            submission_id=new_submission_id(), learner_id=learner, quiz_id="bench",
            question_id=f"q{n % 10}", attempt=attempt, response=["a", "c"], score=1.0,
            max_score=1.0, correct=True, duration_seconds=3.5, submitted_at=utcnow()))
        latencies.append(time.perf_counter() - started)
    store.close()
    print(json.dumps({"latencies": latencies, "end": time.time()}), flush=True)
'''


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Writers:
    """N writer processes, started once and reused for every run (so a run measures
    answers, not 32 Python start-ups on a busy machine)."""

    def __init__(self, count: int, script: Path) -> None:
        self.processes = [subprocess.Popen(
            [sys.executable, str(script), f"learner{n % max(1, count // 2)}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(count)]
        for process in self.processes:  # 32 Python start-ups take seconds on a busy machine:
            assert process.stdout is not None  # they must not fall into the first run
            if process.stdout.readline().strip() != "ready":
                raise SystemExit(f"a writer failed to start: {process.stderr.read()[-800:]}")  # type: ignore[union-attr]

    def run(self, url: str, per_writer: int, batch: bool = True) -> dict[str, float]:
        from ketatraining.progress.store import ProgressStore

        with ProgressStore(url):
            pass  # an existing store, as in a course: first-open costs are not measured here
        start_at = time.time() + 1.0 + len(self.processes) * 0.02
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(f"{url} {per_writer} {start_at} {int(batch)}\n")
            process.stdin.flush()
        latencies: list[float] = []
        end = start_at
        for process in self.processes:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                raise SystemExit(f"a writer failed: {process.stderr.read()[-800:]}")  # type: ignore[union-attr]
            result = json.loads(line)
            latencies.extend(result["latencies"])
            end = max(end, result["end"])
        return {"per_second": len(latencies) / (end - start_at),
                "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
                "max": max(latencies), "n": len(latencies)}

    def close(self) -> None:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.close()
        for process in self.processes:
            process.wait(timeout=60)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    from progress.conftest import running_postgres

    with running_postgres() as server:
        yield server.new_database()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def run_contention(writer_counts: list[int], answers: int, rounds: int,
                   unbatched: bool = False) -> None:
    started = time.monotonic()
    print(f"Contention, at {load()}")
    summary: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder, postgres_database() as pg_url:
        script = Path(folder) / "writer.py"
        script.write_text(WRITER, encoding="utf-8")
        for writers in writer_counts:
            per_writer = max(1, answers // writers)
            backends = ["sqlite", "postgresql"] + (["sqlite-unbatched"] if unbatched else [])
            results: dict[str, list[dict[str, float]]] = {name: [] for name in backends}
            pool = Writers(writers, script)
            try:
                for number in range(rounds):
                    for backend in (backends if number % 2 == 0 else backends[::-1]):
                        name = f"contention-{writers}-{number}-{backend}.db"
                        url = pg_url if backend == "postgresql" else (
                            f"sqlite:///{Path(folder) / name}")
                        results[backend].append(pool.run(url, per_writer,
                                                         batch=backend != "sqlite-unbatched"))
            finally:
                pool.close()
            print(f"\n{writers} writers x {per_writer} answers, {rounds} interleaved rounds "
                  "(figures: median of the rounds)")
            for backend, runs in results.items():
                m = {key: statistics.median(r[key] for r in runs)
                     for key in ("per_second", "p50", "p95", "max")}
                print(f"  {backend:16s} {m['per_second']:7.0f} submissions/s   "
                      f"p50 {m['p50'] * 1000:7.1f} ms   p95 {m['p95'] * 1000:7.1f} ms   "
                      f"max {m['max'] * 1000:8.1f} ms")
            ratios = [s["p95"] / p["p95"] for s, p in zip(results["sqlite"],
                                                          results["postgresql"], strict=True)]
            summary[writers] = statistics.median(ratios)
            print(f"  SQLite p95 / PostgreSQL p95: {summary[writers]:.2f} "
                  f"(per round: {', '.join(f'{r:.2f}' for r in ratios)}; target <= 1.5)")
            if unbatched:
                plain = [u["p95"] / p["p95"] for u, p in zip(
                    results["sqlite-unbatched"], results["postgresql"], strict=True)]
                print(f"  without group commit (KETATRAINING_SQLITE_BATCH=0), same rounds: "
                      f"{statistics.median(plain):.2f} "
                      f"(per round: {', '.join(f'{r:.2f}' for r in plain)})")
    verdict = "ok" if all(r <= 1.5 for r in summary.values()) else "ABOVE TARGET"
    print("\nSQLite p95 / PostgreSQL p95, median of rounds: "
          + ", ".join(f"{w} writers {r:.2f}" for w, r in summary.items())
          + f" (target <= 1.5: {verdict}); ended at {load()}, "
          f"after {time.monotonic() - started:.0f} s")


def make_store(path: Path, megabytes: int) -> None:
    from ketatraining.progress.store import ProgressStore

    with ProgressStore(f"sqlite:///{path}"):
        pass
    row = ("learner", "bench", "q1", 1, json.dumps(["a", "c"]), 1.0, 1.0, 1, 3.5,
           "2026-01-01 00:00:00.000000")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        while path.stat().st_size < megabytes * 1024 * 1024:
            connection.executemany(
                "INSERT INTO kt_responses (submission_id, learner_id, quiz_id, question_id, "
                "attempt, response, score, max_score, correct, duration_seconds, submitted_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(os.urandom(16).hex(), *row) for _ in range(5000)])
            connection.commit()


def run_open_cost(sizes: list[int], repeats: int = 5) -> None:
    from ketatraining.progress import store as store_module
    from ketatraining.progress.records import Submission, utcnow
    from ketatraining.progress.store import ProgressStore, new_submission_id

    def submission() -> Submission:
        return Submission(submission_id=new_submission_id(), learner_id="learner",
                          quiz_id="bench", question_id="q1", attempt=1, response=True,
                          score=1.0, max_score=1.0, correct=True, duration_seconds=1.0,
                          submitted_at=utcnow())

    check = store_module.ProgressStore._start_integrity_check
    print(f"\nIntegrity check on open (medians of {repeats}; the file is in the page cache; "
          f"stores over {store_module.SYNC_CHECK_BYTES // 2**20} MiB are checked in the "
          "background)")
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in sizes:
            path = Path(folder) / f"store-{megabytes}.db"
            make_store(path, megabytes)
            url = f"sqlite:///{path}"
            timings: dict[str, list[float]] = {"baseline open (no check)": [], "open": [],
                                               "open + first write": [], "quick_check alone": []}
            for _ in range(repeats):
                store_module.ProgressStore._start_integrity_check = lambda self: None  # type: ignore[method-assign]
                started = time.perf_counter()
                ProgressStore(url).close()
                timings["baseline open (no check)"].append(time.perf_counter() - started)
                store_module.ProgressStore._start_integrity_check = check  # type: ignore[method-assign]
                started = time.perf_counter()
                ProgressStore(url).close()
                timings["open"].append(time.perf_counter() - started)
                started = time.perf_counter()
                with ProgressStore(url) as store:
                    store.record(submission())
                timings["open + first write"].append(time.perf_counter() - started)
                with contextlib.closing(sqlite3.connect(path)) as connection:
                    started = time.perf_counter()
                    connection.execute("PRAGMA quick_check").fetchall()
                    timings["quick_check alone"].append(time.perf_counter() - started)
            size = path.stat().st_size / 2**20
            base = statistics.median(timings["baseline open (no check)"])
            parts = [f"{name} {statistics.median(values) * 1000:.1f} ms"
                     for name, values in timings.items()]
            print(f"  {size:6.1f} MiB: " + ", ".join(parts)
                  + f"; open with check / baseline: {statistics.median(timings['open']) / base:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--answers", type=int, default=1280, help="answers per run, in all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--skip-open", action="store_true")
    parser.add_argument("--skip-contention", action="store_true")
    parser.add_argument("--also-unbatched", action="store_true",
                        help="also run SQLite without group commit in the same rounds")
    args = parser.parse_args()
    if not args.skip_contention:
        run_contention(args.writers, args.answers, args.rounds, args.also_unbatched)
    if not args.skip_open:
        run_open_cost(args.sizes)


if __name__ == "__main__":
    main()
