"""Run Moodle's own GIFT and Moodle XML importers over every course bank's exports.

A developer's check, not part of ``make test``: Moodle's importer is the specification of
both formats (issue 16), so this exports each bank in ``quizzes/`` with the course's
exporters, has Moodle's ``qformat_gift`` and ``qformat_xml`` read the files (through
``scripts/moodle_import_harness.php``: minimal stubs of the Moodle functions they call,
plus the grade check ``importprocess()`` applies before saving), and compares what Moodle
read with the quiz question by question: type, name, text, feedback, each answer's grade,
tolerances and units, and how Moodle would mark a set of responses against how the
course marks them.

Needs ``php`` with the xml and mbstring extensions (Debian: ``apt-get install php-cli
php-xml php-mbstring``) and a Moodle source tree (``git clone`` of Moodle's public
repository; nothing of it is copied into this project). Usage::

    .venv/bin/python scripts/check_with_moodle.py --moodle ~/src/moodle
    .venv/bin/python scripts/check_with_moodle.py --moodle ~/src/moodle --only risks -v
    .venv/bin/python scripts/check_with_moodle.py --moodle ~/src/moodle --fixtures
    .venv/bin/python scripts/check_with_moodle.py --moodle ~/src/moodle --random 100

Exit status 0 when every exported question reads with the same meaning, 1 otherwise.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ketatraining.interop.gift import gift_export
from ketatraining.interop.moodle_xml_export import moodle_xml_export
from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import CATALOG_FILES, check_file
from ketatraining.quiz.model import (
    AnyQuestion,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Quiz,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from ketatraining.quiz.types.base import plain

HARNESS = Path(__file__).with_name("moodle_import_harness.php")
ROOT = Path(__file__).resolve().parent.parent

# Moodle's text formats (lib/weblib.php)
FORMAT_HTML = 1


CANNOT_CARRY = {"gift": ("units:", "mark:", "right feedback:", "wrong feedback:",
                         "case sensitive:")}
"""Differences that are a format's known limits (README, 'What each format cannot carry'):
GIFT has no syntax for units, marks, case-sensitive short answers or the combined feedback
of matching and ordering questions (the export reports marks and case with KE002)."""


@dataclass
class Outcome:
    bank: str
    fmt: str
    exported: int = 0
    read: int = 0
    same: int = 0
    same_but_limits: int = 0
    """Same meaning except what the format cannot carry (CANNOT_CARRY)."""
    limits: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    moodle_errors: list[str] = field(default_factory=list)


def text_of(value: Any, fmt: int | None = None) -> str:
    """Moodle's text (a string or {'text', 'format'}) as the words a learner reads."""
    if isinstance(value, dict):
        fmt, value = value.get("format", fmt), value.get("text", "")
    text = str(value or "")
    if fmt == FORMAT_HTML:
        text = re.sub(r"</?(?:em|strong|b|i|code|a|span|sup|sub|abbr)\b[^>]*>", "", text)
        text = re.sub(r"<[^>]+>", " ", text)
        text = html.unescape(text)
    else:  # Moodle auto-format and Markdown are the course's Markdown
        text = plain(text)
    return " ".join(text.split())


def ours(text: str | None, *, inline: bool = False) -> str:
    """The course's text as a learner reads it, rendered as the course renders it (an
    option, item or step inline, the rest as blocks)."""
    from ketatraining.text import markdown_to_html

    return text_of(markdown_to_html(text or "", inline=inline), FORMAT_HTML)


def fractions_close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) < 1e-5 for x, y in zip(a, b, strict=True))


# --- how Moodle marks a response (from its qtype classes' grade_response) -------------------


def wildcard_match(response: str, pattern: str, ignore_case: bool) -> bool:
    """qtype_shortanswer_question::compare_string_with_wildcard."""
    regex = "^" + ".*".join(re.escape(p.replace("\\*", "*"))
                            for p in re.split(r"(?<!\\)\*", pattern)) + "$"
    return re.match(regex, response.strip(), re.IGNORECASE if ignore_case else 0) is not None


def moodle_numeric_fraction(mq: dict[str, Any], value: float) -> float:
    """qtype_numerical_question: the first answer within its tolerance (or '*')."""
    for answer, fraction, tolerance in zip(mq["answers"], mq["fractions"], mq["tolerances"],
                                           strict=True):
        if answer == "*":
            return fraction
        # 'nominal' tolerance, widened by PHP's precision (14 digits) as Moodle does
        target, tol = float(answer), float(tolerance or 0)
        if abs(value - target) <= tol + 1e-14 * max(abs(tol), abs(target), 1e-14):
            return fraction
    return 0.0


# --- one Moodle question, normalised --------------------------------------------------------


def moodle_view(q: dict[str, Any]) -> dict[str, Any]:
    """The parts of a question Moodle read that carry its meaning."""
    fmt = q.get("questiontextformat")
    view: dict[str, Any] = {
        "qtype": q["qtype"], "name": q.get("name"), "idnumber": q.get("idnumber"),
        "text": text_of(q.get("questiontext"), fmt),
        "general": text_of(q.get("generalfeedback"), q.get("generalfeedbackformat", fmt)),
        "defaultmark": float(q.get("defaultmark", 1)),
        "tags": sorted(q.get("tags") or []),
    }
    answers = q.get("answer") if isinstance(q.get("answer"), (list, dict)) else []
    if isinstance(answers, dict):
        answers = [answers[k] for k in sorted(answers, key=int)]
    view["answers"] = [text_of(a, fmt) if isinstance(a, dict) else " ".join(str(a).split())
                       for a in answers]
    raw = q.get("fraction") or []
    if isinstance(raw, dict):
        raw = [raw[k] for k in sorted(raw, key=int)]
    view["fractions"] = [float(f) for f in raw]
    feedback = q.get("feedback") or []
    if isinstance(feedback, dict):
        feedback = [feedback[k] for k in sorted(feedback, key=int)]
    view["feedback"] = [text_of(f, fmt) for f in feedback]
    match q["qtype"]:
        case "multichoice":
            view["single"] = bool(int(q.get("single", 1)))
        case "truefalse":
            view["correct"] = bool(int(q.get("correctanswer", 0)))
            view["feedbacktrue"] = text_of(q.get("feedbacktrue"), fmt)
            view["feedbackfalse"] = text_of(q.get("feedbackfalse"), fmt)
        case "numerical":
            tol = q.get("tolerance") or []
            if isinstance(tol, dict):
                tol = [tol[k] for k in sorted(tol, key=int)]
            view["tolerances"] = [float(t or 0) for t in tol]
            units = q.get("unit") or []
            view["units"] = [u for u in (units.values() if isinstance(units, dict) else units)
                             if u]
        case "shortanswer":
            view["usecase"] = bool(int(q.get("usecase", 0)))
        case "match":
            subq = q.get("subquestions") or []
            suba = q.get("subanswers") or []
            view["pairs"] = [(text_of(s, fmt), " ".join(str(a).split()))
                             for s, a in zip(subq, suba, strict=True)]
        case "ordering":
            view["gradingtype"] = int(q.get("gradingtype", 1))
            view["selecttype"] = int(q.get("selecttype", 1))
    if q["qtype"] in ("multichoice", "match", "ordering"):
        view["correctfeedback"] = text_of(q.get("correctfeedback"), fmt)
        view["incorrectfeedback"] = text_of(q.get("incorrectfeedback"), fmt)
    return view


# --- compare with the course's question -----------------------------------------------------


def compare(question: AnyQuestion, m: dict[str, Any]) -> list[str]:
    """Every way Moodle's reading of ``question`` differs in meaning ([] when none)."""
    out: list[str] = []

    def same(what: str, mine: Any, theirs: Any) -> None:
        if mine != theirs:
            out.append(f"{what}: course {mine!r}, Moodle {theirs!r}")

    same("name", question.id, m["name"])
    same("prompt", ours(question.prompt), m["text"])
    same("general feedback", ours(question.explanation), m["general"])
    same("mark", question.points, m["defaultmark"])
    match question:
        case SingleChoice() | MultipleChoice():
            single = isinstance(question, SingleChoice)
            same("type", ("multichoice", single), (m["qtype"], m.get("single")))
            same("options", [ours(o.text, inline=True) for o in question.options],
                 m["answers"])
            same("option feedback", [ours(o.feedback) for o in question.options],
                 m["feedback"])
            if len(m["fractions"]) == len(question.options):
                options = [o.id for o in question.options]
                for size in range(1 if single else 0, (1 if single else len(options)) + 1):
                    for chosen in itertools.combinations(range(len(options)), size):
                        fraction = sum(m["fractions"][i] for i in chosen)
                        moodle = min(max(fraction, 0.0), 1.0) * question.points
                        response: object = (options[chosen[0]] if single
                                            else [options[i] for i in chosen])
                        mine = grade(question, response).score
                        if abs(mine - moodle) > 1e-4 * question.points:
                            out.append(f"marks {response!r}: course {mine:g}, Moodle "
                                       f"{moodle:g}")
        case TrueFalse():
            same("type", "truefalse", m["qtype"])
            same("answer", question.answer, m.get("correct"))
            same("feedback if True", ours(question.feedback_true), m.get("feedbacktrue"))
            same("feedback if False", ours(question.feedback_false), m.get("feedbackfalse"))
        case Numeric():
            same("type", "numerical", m["qtype"])
            if question.units:
                same("units", [question.units], m.get("units"))
            lo = question.value
            tol = question.tolerance or 0.0
            if question.relative_tolerance is not None:
                tol = max(tol, question.relative_tolerance * abs(question.value))
            # just inside and clearly outside each interval (the course also accepts a
            # float rounding error of ROUNDING * |value|, Moodle 1e-14: not probed)
            def around(value: float, tol: float) -> set[float]:
                step = tol * 0.01 + 1e-6 * max(1.0, abs(value))
                return {value, value + tol, value - tol, value + tol + step,
                        value - tol - step}

            probes = around(question.value, tol) | {lo - tol - 1.0, 0.0}
            for alternative in question.alternatives:
                probes |= around(alternative.value, alternative.tolerance)
            for probe in sorted(probes):
                mine = grade(question, probe).score
                moodle = moodle_numeric_fraction(m, probe) * question.points
                if abs(mine - moodle) > 1e-4 * question.points:
                    out.append(f"marks {probe!r}: course {mine:g}, Moodle {moodle:g}")
        case ShortAnswer():
            same("type", "shortanswer", m["qtype"])
            same("case sensitive", question.case_sensitive, m.get("usecase"))
            other = [f for a, f in zip(m["answers"], m["feedback"], strict=False) if a == "*"]
            same("feedback for any other answer", ours(question.feedback_incorrect),
                 other[0] if other else "")
            probes = {a.text.replace("\\*", "*").replace("*", "x") for a in question.answers}
            probes |= {p.upper() for p in probes} | {"zzz not an answer"}
            for probe in sorted(probes):
                moodle = 0.0
                for answer, fraction in zip(m["answers"], m["fractions"], strict=True):
                    if wildcard_match(probe, answer, not m.get("usecase")):
                        moodle = fraction
                        break
                moodle *= question.points
                mine = grade(question, probe).score
                if abs(mine - moodle) > 1e-4 * question.points:
                    out.append(f"marks {probe!r}: course {mine:g}, Moodle {moodle:g}")
        case Matching():
            same("type", "match", m["qtype"])
            answers = {a.id: " ".join(plain(a.text).split()) for a in question.answers}
            used = {i.answer for i in question.items}
            pairs = [(ours(i.text, inline=True), answers[i.answer]) for i in question.items]
            pairs += [("", answers[a.id]) for a in question.answers if a.id not in used]
            same("pairs", pairs, m.get("pairs"))
            same("right feedback", ours(question.feedback_correct), m.get("correctfeedback"))
            same("wrong feedback", ours(question.feedback_incorrect),
                 m.get("incorrectfeedback"))
        case Ordering():
            same("type", "ordering", m["qtype"])
            same("steps in order", [ours(s.text, inline=True) for s in question.steps],
                 m["answers"])
            grading = {"all_or_nothing": -1, "relative_to_next": 1}[question.scoring]
            same("grading type", grading, m.get("gradingtype"))
            same("shows all steps", 0, m.get("selecttype"))
            same("right feedback", ours(question.feedback_correct), m.get("correctfeedback"))
            same("wrong feedback", ours(question.feedback_incorrect),
                 m.get("incorrectfeedback"))
    return out


# --- running Moodle --------------------------------------------------------------------------


def moodle_read(moodle: Path, fmt: str, path: Path) -> dict[str, Any]:
    run = subprocess.run(["php", str(HARNESS), str(moodle), fmt, str(path)],
                         capture_output=True, text=True, check=False, timeout=120)
    if run.returncode != 0:
        msg = f"php failed on {path}: {run.stderr.strip()[-2000:]}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(run.stdout)
    if run.stderr.strip():
        result.setdefault("errors", []).append(run.stderr.strip())
    return result


def check(quiz: Quiz, bank: str, fmt: str, moodle: Path, scratch: Path) -> Outcome:
    outcome = Outcome(bank, fmt)
    if fmt == "gift":
        text, _ = gift_export(quiz)
        target = scratch / f"{bank}.gift"
    else:
        text, _ = moodle_xml_export(quiz)
        target = scratch / f"{bank}.xml"
    target.write_text(text, encoding="utf-8")
    read = moodle_read(moodle, "gift" if fmt == "gift" else "xml", target)
    outcome.moodle_errors = [*read.get("errors", []),
                             *(f"invalid grade {g['grade']} in {g['question']}"
                               for g in read.get("gradeerrors", []))]
    questions = [moodle_view(q) for q in read["questions"] if q.get("qtype") != "category"]
    by_name = {q["name"]: q for q in questions}
    outcome.read = len(questions)
    for question in quiz.questions:
        if fmt == "gift" and isinstance(question, Ordering) and question.id not in by_name:
            continue  # left out of GIFT with a KE002 warning: not exported
        outcome.exported += 1
        found = by_name.get(question.id)
        if found is None:
            outcome.differences.append(f"{question.id}: Moodle did not read it")
            continue
        differences = compare(question, found)
        known = [d for d in differences if d.startswith(CANNOT_CARRY.get(fmt, ()))]
        real = [d for d in differences if d not in known]
        if not differences:
            outcome.same += 1
        elif not real:
            outcome.same_but_limits += 1
        outcome.limits += [f"{question.id}: {d}" for d in known]
        outcome.differences += [f"{question.id}: {d}" for d in real]
    return outcome


def _edge_cases() -> Quiz:
    """Issue 16's edge cases in one quiz: markers, control characters, blanks, weights."""
    base = {"explanation": "Why: {a} ~b =c #d \\ e:f.", "references": [], "objective": "o"}

    def choice(qid: str, prompt: str, kind: str, marks: list[tuple[bool, float | None]],
               ) -> dict[str, Any]:
        options = [{"id": f"o{i}", "text": f"Option {i} {{x}} = y ~ z # w",
                    "feedback": f"Because {i}: \\ ok.", "correct": right,
                    **({"weight": weight} if weight is not None else {})}
                   for i, (right, weight) in enumerate(marks)]
        return {"id": qid, "type": kind, "prompt": prompt, "options": options, **base}

    return Quiz.model_validate({
        "schema_version": 1, "id": "edge", "title": "Edge cases", "topic": "risks",
        "pass_mark": 50, "questions": [
            choice("marker", "[html]This prompt starts with a marker", "single_choice",
                   [(True, None), (False, None)]),
            choice("partial", "What is the answer?", "single_choice",
                   [(False, None), (False, 50), (True, None)]),
            choice("blank", "Grant is _____ in Grant's tomb.", "single_choice",
                   [(False, None), (True, None), (False, None)]),
            choice("thirds", "Select all that apply: *three* of five.", "multiple_choice",
                   [(True, None), (True, None), (True, None), (False, None), (False, None)]),
            choice("weights", "Weighted.", "multiple_choice",
                   [(True, 50), (True, 50), (False, -33.33333)]),
            {"id": "relative", "type": "numeric", "prompt": "Dose in mg?", "value": 35,
             "relative_tolerance": 0.02, "feedback_correct": "Yes.",
             "feedback_incorrect": "No.", "points": 2,
             "alternatives": [{"value": 70, "tolerance": 1, "credit": 50,
                               "feedback": "Half: twice the dose."}], **base},
            {"id": "negative", "type": "numeric", "prompt": "Change?", "value": -2.5,
             "tolerance": 0.25, "feedback_correct": "Yes.", "feedback_incorrect": "No.",
             **base},
            {"id": "tf", "type": "true_false", "prompt": "True: 1 = 1 {always}.",
             "answer": True, "feedback_true": "Right # yes.", "feedback_false": "No ~ no.",
             **base},
            {"id": "star", "type": "short_answer", "prompt": "Type a star then anything.",
             "answers": [{"text": "\\**", "credit": 100}, {"text": "N-methyl*",
                                                             "credit": 50}],
             "feedback_incorrect": "No.", **base},
            {"id": "case", "type": "short_answer", "prompt": "The receptor, in capitals?",
             "answers": [{"text": "NMDA"}], "case_sensitive": True,
             "feedback_incorrect": "No.", **base},
            {"id": "match", "type": "matching", "prompt": "Match.",
             "items": [{"id": "i1", "text": "One", "answer": "a1"},
                       {"id": "i2", "text": "Two", "answer": "a2"}],
             "answers": [{"id": "a1", "text": "1"}, {"id": "a2", "text": "2"},
                         {"id": "a3", "text": "3"}],
             "feedback_correct": "All right.", "feedback_incorrect": "Some wrong.", **base},
        ]})


def banks(only: list[str]) -> Iterator[tuple[str, Quiz]]:
    if not only or "edge-cases" in only:
        yield "edge-cases", _edge_cases()
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        if path.name in CATALOG_FILES or (only and path.stem not in only):
            continue
        quiz, _ = check_file(path)
        if quiz is None:
            msg = f"{path} is not a valid quiz: run 'ketatraining validate'"
            raise SystemExit(msg)
        yield path.stem, quiz


COURSE_KINDS = {"multichoice": "choice", "truefalse": "true_false", "numerical": "numeric",
                "shortanswer": "short_answer", "match": "matching", "ordering": "ordering"}
"""Moodle's qtypes the course imports, by the course type they become."""


def check_fixtures(moodle: Path) -> int:
    """Moodle's own importer test files (question/format/*/tests/fixtures) read by Moodle
    and by the course's importers: the same questions of the types the course has, and
    every other one reported (KI020). Returns the number of files that disagree."""
    from collections import Counter

    from ketatraining.interop.gift import import_gift
    from ketatraining.interop.moodle_xml import import_moodle_xml

    bad = 0
    for fmt, importer in (("gift", import_gift), ("xml", import_moodle_xml)):
        for path in sorted((moodle / "question/format" / fmt / "tests/fixtures").glob("*")):
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                print(f"{path.name}: not UTF-8 (the course's import names the line)")
                continue
            read = moodle_read(moodle, fmt, path)
            theirs = [q["qtype"] for q in read["questions"] if q["qtype"] != "category"]
            result = importer(text, quiz_id="fixture", path=path.name)
            mine = Counter("choice" if q["type"].endswith("_choice") else q["type"]
                           for q in (result.data or {}).get("questions", []))
            kept = Counter(COURSE_KINDS[t] for t in theirs if t in COURSE_KINDS)
            skipped = sum(t not in COURSE_KINDS for t in theirs)
            reported = sum(p.code == "KI020" for p in result.problems)
            same = mine == kept and reported >= skipped
            bad += not same
            grades = len(read.get("gradeerrors", []))
            refused = f" (Moodle refuses {grades} grade(s) off its list)" if grades else ""
            print(f"{path.name}: Moodle {dict(Counter(theirs))}{refused}; course "
                  f"{dict(mine)}, {reported} reported and skipped: "
                  f"{'same' if same else 'DIFFERENT'}")
    return bad


def check_random(moodle: Path, count: int) -> int:
    """``count`` random quizzes (the GIFT round-trip test's hypothesis strategy) through
    both Moodle importers; returns how many differ in meaning (beyond CANNOT_CARRY)."""
    from hypothesis import HealthCheck, given, settings

    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from interop.test_gift_roundtrip import quizzes

    differing: list[tuple[Outcome, Quiz]] = []

    @settings(max_examples=count, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(quizzes())
    def run(quiz: Quiz) -> None:
        with tempfile.TemporaryDirectory(prefix="moodle-random-") as scratch:
            for fmt in ("gift", "xml"):
                outcome = check(quiz, "random", fmt, moodle, Path(scratch))
                if outcome.differences or outcome.moodle_errors:
                    differing.append((outcome, quiz))

    run()
    for outcome, quiz in differing[:10]:
        for line in [*outcome.moodle_errors, *outcome.differences][:3]:
            print(f"  {outcome.fmt}: {line}")
        print("    quiz:", json.dumps(quiz.model_dump(mode="json", exclude_none=True))[:1500])
    print(f"{count} random quizzes: {len(differing)} format readings differ in meaning")
    return len(differing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moodle", type=Path, required=True,
                        help="a Moodle source tree (with question/format/gift/format.php)")
    parser.add_argument("--only", action="append", default=[], metavar="BANK",
                        help="check only this bank (repeatable); 'edge-cases' is issue 16's "
                        "edge cases in one quiz")
    parser.add_argument("--format", choices=["gift", "xml", "both"], default="both")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    parser.add_argument("--fixtures", action="store_true", help="instead: read Moodle's own "
                        "importer test files with Moodle and with the course's importers")
    parser.add_argument("--random", type=int, metavar="N", help="instead: N random quizzes "
                        "(the GIFT round-trip test's strategy) through both importers")
    args = parser.parse_args(argv)
    for needed in ("question/format.php", "question/format/gift/format.php",
                   "question/format/xml/format.php", "lib/xmlize.php"):
        if not (args.moodle / needed).is_file():
            parser.error(f"{args.moodle} is not a Moodle source tree: {needed} is missing")
    if args.fixtures:
        return 1 if check_fixtures(args.moodle) else 0
    if args.random:
        return 1 if check_random(args.moodle, args.random) else 0
    formats = ["gift", "xml"] if args.format == "both" else [args.format]
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="moodle-check-") as scratch:
        for bank, quiz in banks(args.only):
            for fmt in formats:
                outcomes.append(check(quiz, bank, fmt, args.moodle, Path(scratch)))
    print(f"{'bank':18} {'format':6} {'exported':>8} {'read':>5} {'same':>5} {'limits':>6}"
          "  Moodle errors")
    for o in outcomes:
        print(f"{o.bank:18} {o.fmt:6} {o.exported:8} {o.read:5} {o.same:5} "
              f"{o.same_but_limits:6}  {len(o.moodle_errors)}")
    for fmt in formats:
        mine = [o for o in outcomes if o.fmt == fmt]
        print(f"{fmt}: Moodle read {sum(o.same for o in mine)} of "
              f"{sum(o.exported for o in mine)} exported questions with the same meaning, "
              f"{sum(o.same_but_limits for o in mine)} more the same except what {fmt} "
              f"cannot carry (README); {sum(len(o.moodle_errors) for o in mine)} Moodle "
              "errors")
    if args.verbose:
        for o in outcomes:
            for line in o.limits:
                print(f"  {o.bank} {o.fmt} (cannot carry): {line}")
    bad = [o for o in outcomes if o.differences or o.moodle_errors]
    for o in bad:
        shown = o.differences if args.verbose else o.differences[:5]
        for line in [*o.moodle_errors, *shown]:
            print(f"  {o.bank} {o.fmt}: {line}")
        if len(shown) < len(o.differences):
            print(f"  {o.bank} {o.fmt}: ... {len(o.differences) - len(shown)} more (-v)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
