"""`stats` on 100,000 attempts x 50 questions (targets: under 2 s, within 3x of reading).

    .venv/bin/python benchmarks/bench_stats.py [rounds]

Writes a seeded marks CSV (correlated marks, some partial credit, a few blanks) to a
temporary folder, then times, interleaved in the same run:
- the baseline: just reading the marks into an array (blank cells written as nan, then
  numpy's C parser: the fastest plain read of such a file we know);
- read_marks_csv (reading plus the checks that name a bad line);
- analyse() alone on the array already in memory;
- analyse() when the attempts drew their questions from pools (each asks 25 of the 50,
  drawn at random: per-question statistics over the attempts that asked it);
- the whole command, ``ketatraining stats --marks FILE --json``, in-process.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _timing import interleaved, report

from ketatraining.analysis.item_analysis import analyse
from ketatraining.analysis.marks import MarksTable, fill_blanks, read_marks_csv
from ketatraining.cli import main

ATTEMPTS, QUESTIONS = 100_000, 50


def write_marks(path: Path, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=(ATTEMPTS, 1))
    difficulty = rng.normal(size=(1, QUESTIONS))
    p = 1 / (1 + np.exp(-1.7 * (ability - difficulty)))
    marks = (rng.random((ATTEMPTS, QUESTIONS)) < p).astype(float)
    partial = rng.random((ATTEMPTS, QUESTIONS)) < 0.05
    marks[partial] = np.round(p[partial], 2)
    text = marks.astype(str).tolist()
    blanks = rng.random((ATTEMPTS, QUESTIONS)) < 0.001
    for i, j in zip(*np.nonzero(blanks), strict=True):
        text[i][j] = ""
    header = "attempt," + ",".join(f"q{j + 1:02d}" for j in range(QUESTIONS))
    body = "\n".join(f"{i + 1}," + ",".join(row) for i, row in enumerate(text))
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")


def timed(function) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main_bench(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "marks.csv"
        write_marks(path)
        size = path.stat().st_size / 1e6
        table = read_marks_csv(path)
        blanks = int(np.isnan(table.marks).sum())
        print(f"{ATTEMPTS} attempts x {QUESTIONS} questions, {size:.1f} MB CSV, {blanks} blank "
              f"cells; {rounds} interleaved rounds")

        rng = np.random.default_rng(2)
        asked = np.argsort(rng.random((ATTEMPTS, QUESTIONS)), axis=1) < QUESTIONS // 2
        drawn = MarksTable(table.question_ids, table.max_marks,
                           np.where(asked, table.marks, np.nan), asked=asked)

        def command() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["stats", "--marks", str(path), "--json"]) == 0

        def baseline() -> None:
            # Just reading the marks: blanks written as nan, then numpy's C parser.
            text = path.read_text(encoding="utf-8")
            body = fill_blanks(text[text.index("\n") + 1:])
            np.loadtxt(io.StringIO(body), delimiter=",", usecols=range(1, QUESTIONS + 1),
                       dtype=float)

        cases = {
            "read marks (np.loadtxt, baseline)": lambda: timed(baseline),
            "read_marks_csv (read + checks)": lambda: timed(lambda: read_marks_csv(path)),
            "analyse() on the array": lambda: timed(lambda: analyse(table)),
            "analyse() with pools (25 of 50 drawn)": lambda: timed(lambda: analyse(drawn)),
            "ketatraining stats --marks --json": lambda: timed(command),
        }
        results = interleaved(cases, rounds)
        report(results, baseline="read marks (np.loadtxt, baseline)")


if __name__ == "__main__":
    main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
