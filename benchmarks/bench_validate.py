"""`ketatraining validate` on a generated bank of 10,000 questions (target: under 2 s).

    .venv/bin/python benchmarks/bench_validate.py [rounds] [questions]

Builds the bank in a temporary folder (with its own references.yaml and objectives.yaml)
and times, as medians of interleaved rounds:

- the CLI as a subprocess, next to ``python -c pass`` and to a bare
  ``python -c "import yaml; yaml.parse(...)"`` pass over the same file (the baselines,
  measured in the same run so machine noise cancels in the ratio);
- the in-process pipeline (read, parse, validate), next to reading the file's bytes;
- a hostile file at the size limit (2 MiB of tiny unknown keys): the worst case the
  size limit allows.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import interleaved, report, time_command

PY = sys.executable
QUESTION = """\
  - id: q{n}
    type: {kind}
    prompt: |
      A fictional patient weighs {w} kg. Question number {n}: which statement about the
      **monitoring** of a ketamine infusion is right?
{body}    explanation: >-
      Blood pressure and heart rate rise during the infusion and settle afterwards; this
      is why they are checked before, during and after each session.
    references: [ref1]
    objective: obj1
    difficulty: medium
    tags: [monitoring, bench]
    points: 1
"""
CHOICE = """\
    options:
      - id: a
        text: Check blood pressure before, during and after.
        correct: true
        feedback: Yes, as the labels require.
      - id: b
        text: No monitoring is needed at sub-anaesthetic doses.
        feedback: No; blood pressure rises at these doses too.
      - id: c
        text: Only the heart rate matters.
        feedback: No; blood pressure is the main concern.
"""
NUMERIC = """\
    value: {dose}
    units: mg
    tolerance: 0.5
    feedback_correct: Right.
    feedback_incorrect: Multiply 0.5 mg/kg by the weight.
"""
TRUE_FALSE = """\
    answer: true
    feedback_true: Right.
    feedback_false: Not so.
"""


PER_FILE = 1_000
"""Questions per quiz file: a bank is many quizzes, each well under the size limit."""


def make_bank(folder: Path, questions: int) -> list[Path]:
    (folder / "references.yaml").write_text(
        "schema_version: 1\nreferences:\n  ref1:\n    authors: [Doe J]\n    title: A study\n"
        "    journal: J Bench\n    year: 2020\n    doi: 10.1000/bench\n")
    (folder / "objectives.yaml").write_text(
        "schema_version: 1\nobjectives:\n  obj1:\n    text: Benchmark.\n    topic: risks\n")
    kinds = [("single_choice", CHOICE), ("multiple_choice", CHOICE),
             ("numeric", NUMERIC), ("true_false", TRUE_FALSE)]
    paths = []
    for first in range(0, questions, PER_FILE):
        name = f"bank-{first // PER_FILE:03d}"
        parts = [(f"schema_version: 1\nid: {name}\ntitle: Benchmark bank\ntopic: risks\n"
                  "pass_mark: 70\nquestions:\n")]
        for n in range(first, min(first + PER_FILE, questions)):
            kind, body = kinds[n % 4]
            weight = 50 + n % 60
            parts.append(QUESTION.format(n=n, kind=kind, w=weight,
                                         body=body.format(dose=weight / 2)))
        path = folder / f"{name}.yaml"
        path.write_text("".join(parts))
        paths.append(path)
    return paths


def in_process(folder: Path) -> float:
    from ketatraining.quiz.loading import validate_paths

    start = time.perf_counter()
    results = validate_paths([folder])
    elapsed = time.perf_counter() - start
    problems = [p.format() for found in results.values() for p in found]
    assert not problems, problems[:3]
    return elapsed


def read_only(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        path.read_bytes()
    return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    questions = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bank = make_bank(folder, questions)
        size = sum(p.stat().st_size for p in bank)
        print(f"bank: {questions:,} questions in {len(bank)} files, {size / 2**20:.1f} MiB; "
              f"{rounds} rounds")
        parse_only = ("import yaml, sys; "
                      "[None for f in sys.argv[1:] for _ in yaml.parse(open(f).read(), "
                      "Loader=yaml.CSafeLoader)]")
        cli = [PY, "-m", "ketatraining.cli", "validate", str(folder)]
        time_command(cli)  # warm the file cache and .pyc files
        report(interleaved({
            "python -c pass": lambda: time_command([PY, "-c", "pass"]),
            "libyaml events only (subprocess)": lambda: time_command(
                [PY, "-c", parse_only, *map(str, bank)]),
            "ketatraining validate (subprocess)": lambda: time_command(cli),
        }, rounds), baseline="python -c pass")
        in_process(folder)  # imports and catalogue cache
        inner = interleaved({
            "read the file": lambda: read_only(bank),
            "validate_paths in-process": lambda: in_process(folder),
        }, rounds)
        report(inner, baseline="read the file")
        median = statistics.median(inner["validate_paths in-process"])
        print(f"in-process: {questions / median:,.0f} questions/s")

        from ketatraining.quiz import yamlsource
        from ketatraining.quiz.loading import check_file

        hostile = folder / "hostile.yaml"
        count = yamlsource.MAX_BYTES // len(b"k1234567: v\n")
        for label, body in [
            ("duplicate keys", b"k1234567: v\n" * count),
            ("unknown keys", "".join(f"k{n:07d}: v\n" for n in range(count)).encode()),
        ]:
            hostile.write_bytes(body[: yamlsource.MAX_BYTES])
            start = time.perf_counter()
            _quiz, problems = check_file(hostile)
            limit = yamlsource.MAX_BYTES / 2**20
            print(f"hostile file at the {limit:g} MiB limit, {count:,} tiny {label}: "
                  f"{time.perf_counter() - start:.2f} s, {len(problems)} problems listed")


if __name__ == "__main__":
    main()
