"""Mutation fuzzer over the shipped quizzes: any mutant is a valid quiz or coded problems.

Each case takes one of the course's own quiz files and applies one to five mutations:
a value replaced by a YAML scalar of any form (decimal, hex, octal, binary, exponents,
``.inf``, sexagesimal-looking text, 309-digit integers, ``0x`` and thousands of ``f``),
lines deleted, duplicated, swapped or re-indented, YAML punctuation inserted, characters
replaced, the file cut short. The mutant goes through ``check_file`` (what ``ketatraining
validate`` and ``make_quiz`` run) and, when it is a valid quiz, every question is graded.
Any exception is a failure.

``make test`` runs a short fixed number of cases; ``make fuzz FUZZ_SECONDS=600`` runs for
that long and prints cases run, the slowest case and the peak memory.
"""

from __future__ import annotations

import math
import os
import re
import resource
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketatraining.errors import QuizInvalidError
from ketatraining.quiz.grading import grade, score_quiz
from ketatraining.quiz.loading import CATALOG_FILES, check_file, load_catalog
from ketatraining.quiz.model import MultipleChoice, Numeric, SingleChoice, TrueFalse
from ketatraining.quiz.problems import CODES

QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"
SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in sorted(QUIZZES.glob("*.yaml"))
           if p.name not in CATALOG_FILES}
CATALOG = load_catalog(QUIZZES)
SECONDS = float(os.environ.get("KETATRAINING_FUZZ_SECONDS", "0"))
SHORT_RUN = 150  # cases in make test

NUMBER_KEYS = {"schema_version", "pass_mark", "max_attempts", "points", "value", "tolerance",
               "relative_tolerance", "weight", "credit"}
_VALUE_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z_]+:)[ \t]*(.*)$")
YAML_BITS = ["- ", ": ", "\n", "  ", "{", "}", "[", "]", ",", "&a ", "*a", "!!int ", "!x ",
             "'", '"', "#", "---\n", "? ", "|\n", ">-\n", "\t", "\ufeff", "\r\n", "\u202e",
             "\x00", "<<: ", "%", "@", "`"]


def _int_text(value: int, base: str) -> str:
    sign = "-" if value < 0 and base == "dec" else ""
    magnitude = abs(value)
    if base == "hex":
        return f"0x{magnitude:x}"
    if base == "oct":
        return f"0o{magnitude:o}"
    if base == "bin":
        return f"0b{magnitude:b}"
    return sign + str(magnitude)


numbers = st.one_of(
    st.builds(_int_text, st.integers(min_value=-(10**400), max_value=10**400),
              st.sampled_from(["dec", "hex", "oct", "bin"])),
    st.builds(lambda m, e: f"{m}e{e}", st.floats(allow_nan=False, allow_infinity=False,
                                                 width=32).map(lambda f: f"{f:g}"),
              st.integers(min_value=-500, max_value=500)),
    st.floats().map(repr),
    st.builds(lambda n, c: c * n, st.integers(min_value=1, max_value=5000),
              st.sampled_from(["0", "9", "f"])).map(lambda s: "1" + s if s[0] != "f" else "0x" + s),
    st.sampled_from([".inf", "-.inf", "+.inf", ".nan", ".NaN", ".Inf", "1:30", "190:20:30",
                     "-1:00", "1_000", "0x_1", "0o", "0x", "+0", "-0", "0.", ".5", "-.5e-3",
                     "1e", "e5", "1.5E+3", "0b", "0777", "00", "1e309", "-1e309", "4.9e-324",
                     "1.7976931348623157e308", "9" * 16, "0x" + "f" * 4000, "1" + "0" * 309]),
)
scalars = st.one_of(
    numbers,
    st.sampled_from(["~", "null", "true", "false", "yes", "no", "on", "off", "True", "NO",
                     "''", '""', "[]", "{}", "-", "?", "single_choice", "numeric",
                     "true_false", "multiple_choice", "a", "b", "obj1", "TODO fix"]),
    st.text(max_size=40),
)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, mutated bytes): the name keeps the id check (KQ214) meaningful."""
    name = draw(st.sampled_from(sorted(SHIPPED)))
    lines = SHIPPED[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        op = draw(st.sampled_from(["value", "value", "value", "delete", "duplicate", "swap",
                                   "indent", "dedent", "insert", "replace", "cut"]))
        line = lines[index]
        if op == "value":
            numeric = draw(st.booleans())  # half the time a number-valued key
            valued = [i for i, text in enumerate(lines) if _VALUE_LINE.match(text) and (
                not numeric or text.strip().removeprefix("- ").split(":")[0] in NUMBER_KEYS)]
            index = draw(st.sampled_from(valued)) if valued else index
            match = _VALUE_LINE.match(lines[index])
            if match:
                value = draw(numbers if numeric else scalars)
                lines[index] = f"{match.group(1)} {value}\n"
        elif op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(index, line)
        elif op == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif op == "indent":
            lines[index] = "  " + line
        elif op == "dedent":
            lines[index] = line.removeprefix("  ")
        elif op in ("insert", "replace"):
            at = draw(st.integers(min_value=0, max_value=len(line)))
            bit = draw(st.sampled_from(YAML_BITS) | st.text(min_size=1, max_size=3))
            cut = at + 1 if op == "replace" else at
            lines[index] = line[:at] + bit + line[cut:]
        else:
            lines = lines[:index]
    return name, "".join(lines).encode("utf-8", "surrogatepass")


_ANSWERS = st.one_of(st.none(), st.booleans(), st.floats(), st.text(max_size=5),
                     st.lists(st.text(max_size=3), max_size=4))


@dataclass
class Stats:
    cases: int = 0
    valid: int = 0
    slowest: float = 0.0
    slowest_case: bytes = b""
    codes: dict[str, int] = field(default_factory=dict)


def check_mutant(name: str, raw: bytes, folder: Path, stats: Stats) -> None:
    """The promise: a valid quiz or coded problems, never an exception."""
    path = folder / name
    path.write_bytes(raw)
    started = time.perf_counter()
    quiz, problems = check_file(path, CATALOG)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        assert problem.code in CODES, problem
        assert problem.format()  # formatting the message never raises (KQ110 used to)
        stats.codes[problem.code] = stats.codes.get(problem.code, 0) + 1
    if quiz is None:
        assert errors, "no quiz must mean at least one coded error"
        assert str(QuizInvalidError(str(path), problems))  # what make_quiz shows
    else:
        assert not errors
        stats.valid += 1
        grades = []
        for question in quiz.questions:
            responses: list[object] = [None, True, 1.0, "a", ["a", "b"]]
            if isinstance(question, SingleChoice | MultipleChoice):
                responses += [o.id for o in question.options]
                responses.append([o.id for o in question.options if o.correct])
            elif isinstance(question, Numeric):
                responses += [question.value, question.value + (question.tolerance or 0.0)]
            elif isinstance(question, TrueFalse):
                responses.append(question.answer)
            marks = [grade(question, response) for response in responses]  # type: ignore[arg-type]
            for mark, response in zip(marks, responses, strict=True):
                assert math.isfinite(mark.score), (question.id, response)
                assert 0 <= mark.score <= question.points + 1e-9
            grades.append(max(marks, key=lambda m: m.score))
        result = score_quiz(quiz, grades)
        assert math.isfinite(result.percent)
        quiz.model_dump_json()
    elapsed = time.perf_counter() - started
    stats.cases += 1
    if elapsed > stats.slowest:
        stats.slowest, stats.slowest_case = elapsed, raw


def _run(stats: Stats, folder: Path, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutants())
    def case(mutant: tuple[str, bytes]) -> None:
        check_mutant(*mutant, folder, stats)

    case()


def test_mutants_of_the_shipped_quizzes_are_quizzes_or_coded_problems() -> None:
    stats = Stats()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if SECONDS <= 0:
            _run(stats, folder, SHORT_RUN)
            assert stats.cases >= SHORT_RUN
            return
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            _run(stats, folder, 500)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nfuzz: {stats.cases:,} cases in {SECONDS:.0f} s, {stats.valid:,} still valid "
          f"quizzes, 0 unexpected exceptions; slowest case {stats.slowest * 1000:.1f} ms "
          f"({len(stats.slowest_case):,} bytes); peak memory (RSS) {peak_mib:.0f} MiB")
    print("fuzz: problem codes seen: " + ", ".join(
        f"{code} {count:,}" for code, count in sorted(stats.codes.items())))
