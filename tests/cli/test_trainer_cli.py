"""The trainer commands end to end: exact output, one-sentence errors, exit codes."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ketatraining.cli import main
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.store import ProgressStore

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def one_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == []
    assert len(err) == 1, err
    return err[0]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A store with two learners on the quiz 'zz-mini' (not a course quiz), by hand."""
    url = f"sqlite:///{tmp_path / 'hand.db'}"
    attempts = [
        AttemptRecord("ann", "zz-mini", 1, T0, T0 + timedelta(minutes=4), 1.0, 2.0, 60.0,
                      False),
        AttemptRecord("ann", "zz-mini", 2, T0 + timedelta(hours=1),
                      T0 + timedelta(hours=1, minutes=3), 2.0, 2.0, 60.0, True),
        AttemptRecord("bob", "zz-mini", 1, T0, T0 + timedelta(minutes=10), 0.0, 2.0, 60.0,
                      False),
    ]
    answers = [
        Submission(f"s{n}", learner, "zz-mini", question, attempt, response, score, 1.0,
                   score == 1.0, 20.0, T0 + timedelta(minutes=n))
        for n, (learner, attempt, question, response, score) in enumerate([
            ("ann", 1, "x", "a", 1.0), ("ann", 1, "y", True, 0.0),
            ("ann", 2, "x", "a", 1.0), ("ann", 2, "y", False, 1.0),
            ("bob", 1, "x", "b", 0.0), ("bob", 1, "y", True, 0.0)])
    ]
    with ProgressStore(url) as store:
        store.import_history(attempts, answers)
    return url


# -- new and preview ----------------------------------------------------------------------
def test_new_writes_a_skeleton_that_validates(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    code, out, err = run(capsys, "new", "bp-check", "--topic", "risks", "--out", str(tmp_path))
    path = tmp_path / "bp-check.yaml"
    assert code == 0, err
    assert out[0].startswith(f"Wrote {path}: 7 questions, one of each type, for the objective ")
    from ketatraining.quiz.loading import validate_paths

    problems = validate_paths([path])[path]
    todos = sum(p.code == "KQ301" for p in problems)
    assert todos > 4
    assert all(p.severity == "warning" for p in problems)
    assert out[1] == (f"Next: replace its {todos} TODO texts, then run 'ketatraining validate "
                      f"{path}'.")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert out[-1] == f"1 file(s) checked: 0 error(s), {len(problems)} warning(s)."
    assert run(capsys, "validate", "--strict", str(path))[0] == 1
    types = [line.strip() for line in path.read_text().splitlines()
             if line.strip().startswith("type:")]
    assert types == ["type: single_choice", "type: multiple_choice", "type: true_false",
                     "type: numeric", "type: matching", "type: short_answer", "type: ordering"]


def test_new_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run(capsys, "new", "q1", "--topic", "risks", "--out", str(tmp_path))
    assert one_error(capsys, "new", "q1", "--topic", "risks", "--out", str(tmp_path)) == (
        f"ketatraining: {tmp_path / 'q1.yaml'} already exists; choose another id, or add "
        "--force to overwrite it.")
    assert run(capsys, "new", "q1", "--topic", "risks", "--out", str(tmp_path),
               "--force")[0] == 0


def test_new_rejects_a_bad_id(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "new", "bad id!", "--topic", "risks", "--out", str(tmp_path))
    assert code == 2
    assert err == [("ketatraining new: 'bad id!' is not a valid quiz id: use up to 64 letters, "
                   "digits, '-', '_' or '.', starting with a letter or digit.")]


def test_preview_terminal_and_sanitized_html(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    run(capsys, "new", "pv", "--topic", "risks", "--out", str(tmp_path))
    path = tmp_path / "pv.yaml"
    text = path.read_text().replace(
        "TODO: the question (Markdown, e.g. **bold**).",
        "Which is right? <script>alert(1)</script><img src=x onerror=alert(2)> **bold**")
    path.write_text(text)
    page = tmp_path / "pv.html"
    code, out, _ = run(capsys, "preview", str(path), "--html", str(page))
    assert code == 0
    assert out[:9] == [
        "TODO: a short title  [pv, topic risks]",
        "7 questions, 7 marks, pass mark 70 %.",
        "TODO: one or two sentences on what this quiz checks.",
        "",
        out[4],
        "    Which is right? bold",
        "    [right] TODO: the right answer",
        "        Feedback: TODO: why it is right",
        "    [wrong] TODO: a plausible wrong answer",
    ]
    assert out[4].startswith("Q1. single-1 (single choice, 1 mark, objective ")
    assert "    [right] 40 ± 0.5 mg" in out
    assert out[-1] == f"Wrote {page}."
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<strong>bold</strong>" in html
    for bad in ("<script", "onerror", "<img"):
        assert bad not in html


def test_preview_unknown_quiz(capsys: pytest.CaptureFixture[str]) -> None:
    assert one_error(capsys, "preview", "no-such-quiz").startswith(
        "ketatraining: No quiz called 'no-such-quiz' in ")


# -- demo-data ----------------------------------------------------------------------------
def test_demo_data_fills_an_empty_store_once(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, _ = run(capsys, "demo-data", "--learners", "5", "--seed", "4", "--db", url)
    assert code == 0
    assert out[0].startswith(f"Wrote a demo cohort to {url}: 5 learners, ")
    assert out[0].endswith("quizzes (seed 4).")
    assert out[1] == f"Next: ketatraining results --db {url}"
    error = one_error(capsys, "demo-data", "--learners", "5", "--seed", "4", "--db", url)
    assert error.startswith(f"ketatraining: The progress store {url} already holds ")
    assert error.endswith("attempt(s); demo data goes into an empty store (choose another --db).")


def test_demo_data_needs_a_positive_count(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "demo-data", "--learners", "0", "--seed", "1")
    assert code == 2
    assert err[-1].endswith("argument --learners: '0' is not a whole number of 1 or more")


# -- results ------------------------------------------------------------------------------
def test_results_table(capsys: pytest.CaptureFixture[str], store_url: str) -> None:
    code, out, _ = run(capsys, "results", "--db", store_url)
    assert code == 0
    assert out == [
        "learner  quiz     attempts  finished  best %  last %  passed    time",
        "-------  -------  --------  --------  ------  ------  ------  ------",
        "ann      zz-mini         2         2   100.0   100.0  yes      7m00s",
        "bob      zz-mini         1         1     0.0     0.0  no      10m00s",
        "time: on finished attempts, from the first question shown to Finish.",
        "",
        "quiz     learners  finished  passed  pass rate  mean best %  median time",
        "-------  --------  --------  ------  ---------  -----------  -----------",
        "zz-mini         2         2       1        50%         50.0        8m30s",
    ]


def test_results_json_and_csv(capsys: pytest.CaptureFixture[str], store_url: str) -> None:
    code, out, _ = run(capsys, "results", "--db", store_url, "--learner", "bob",
                       "--format", "json")
    data = json.loads("\n".join(out))
    assert code == 0
    assert [r["learner_id"] for r in data["learners"]] == ["bob"]
    assert data["learners"][0]["passed"] is False
    assert data["quizzes"][0]["pass_rate"] == 0.0
    code, out, _ = run(capsys, "results", "--db", store_url, "--format", "csv")
    assert out[0] == ("learner_id,quiz_id,title,topic,attempts,finished,in_progress,"
                      "best_percent,last_percent,pass_mark,passed,time_spent_seconds,"
                      "last_activity,regraded")
    assert out[1] == ("ann,zz-mini,zz-mini,other,2,2,false,100.0,100.0,60.0,true,420.0,"
                      "2026-01-05T10:03:00+00:00,false")


def test_results_errors_are_one_sentence(capsys: pytest.CaptureFixture[str], store_url: str,
                                         tmp_path: Path, isolated_store: str) -> None:
    missing = tmp_path / "nowhere.db"
    assert one_error(capsys, "results", "--db", f"sqlite:///{missing}") == (
        f"ketatraining: The progress store {missing} does not exist; check --db or "
        "KETATRAINING_DB (try 'ketatraining demo-data' to make a demo one).")
    assert one_error(capsys, "results").startswith("ketatraining: The progress store ")
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database\n" * 100)
    assert one_error(capsys, "results", "--db", f"sqlite:///{junk}") == (
        f"ketatraining: The progress store sqlite:///{junk} cannot be used: it is damaged or "
        "is not a ketatraining progress store.")
    assert one_error(capsys, "results", "--db", store_url, "--learner", "anne") == (
        f"ketatraining: No learner 'anne' in the progress store {store_url}. "
        "Did you mean 'ann'?")
    assert one_error(capsys, "results", "--db", store_url, "--quiz", "zz-nothing") == (
        "ketatraining: No quiz called 'zz-nothing' in the course or in the progress store.")
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    ProgressStore(empty).close()
    assert one_error(capsys, "results", "--db", empty) == (
        f"ketatraining: No attempts in the progress store {empty} yet.")
    assert one_error(capsys, "results", "--db", store_url, "--quiz", "welcome") == (
        f"ketatraining: No attempts on the quiz 'welcome' in the progress store {store_url} "
        "yet.")


# -- stats --------------------------------------------------------------------------------
HAND_CSV = "attempt,q1,q2\n1,1,1\n2,1,1\n3,1,0\n4,0,1\n5,0,0\n"


def test_stats_marks_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text(HAND_CSV)
    code, out, _ = run(capsys, "stats", "--marks", str(marks))
    assert code == 0
    # The example worked by hand in tests/analysis/test_item_analysis.py.
    assert out == [
        f"Marks file {marks}: 5 attempt(s).",
        "Mean 1.20 of 2.00 (60.0%), median 1.00, SD 0.84, skewness -0.51, kurtosis -0.61.",
        "CIC 28.6%, error ratio 84.5%, standard error 0.71.",
        ("Reliability: unsatisfactory (CIC 28.6% is below 64%; error ratio 84.5%, above 60%, "
         "so more than 60% of the spread of totals is noise): revise or replace the flagged "
         "questions before relying on the totals."),
        "Mean 60.0% of the marks: within the 50-75% a discriminating quiz aims for.",
        "SD 41.8% of the marks: above the 12-18% band.",
        "",
        "question  n  facility    sd     D     E    EW  flags",
        "--------  -  --------  ----  ----  ----  ----  -------------------",
        "q1        5      0.60  0.55  16.7  16.7  50.0  weak_discrimination",
        "q2        5      0.60  0.55  16.7  16.7  50.0  weak_discrimination",
        "",
        "2 question(s) to review:",
        "- q1: discrimination below 20: it hardly separates stronger from weaker learners.",
        "- q2: discrimination below 20: it hardly separates stronger from weaker learners.",
        ("D = discrimination index, E = discriminative efficiency, EW = effective weight (all "
        "in %); see the trainer guide."),
    ]


def test_stats_marks_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text(HAND_CSV)
    code, out, _ = run(capsys, "stats", "--marks", str(marks), "--json")
    data = json.loads("\n".join(out))
    assert code == 0
    for key in ("attempts", "mean", "median", "sd", "skewness", "kurtosis", "cic",
                "error_ratio", "standard_error"):
        assert key in data
    question = data["questions"][0]
    for key in ("facility", "sd", "discrimination_index", "discriminative_efficiency",
                "effective_weight", "options", "flags"):
        assert key in question
    assert question["discrimination_index"] == pytest.approx(50 / 3)


def test_stats_marks_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    marks = tmp_path / "marks.csv"
    marks.write_text("attempt,q1\n1,2\n")
    assert one_error(capsys, "stats", "--marks", str(marks)) == (
        f"ketatraining: {marks}: attempt row 1, column 2 has the mark 2; marks are fractions "
        "of each question's maximum, between 0 and 1.")
    marks.write_text("attempt,q1\n")
    assert one_error(capsys, "stats", "--marks", str(marks)) == (
        f"ketatraining: The marks file {marks} has a header but no attempts.")


def test_stats_from_demo_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    run(capsys, "demo-data", "--learners", "30", "--seed", "2", "--db", url)
    code, out, _ = run(capsys, "stats", "welcome", "--db", url, "--attempts", "all")
    assert code == 0
    assert out[0].startswith("Quiz welcome (Practice quiz: how the quizzes work): ")
    assert out[0].endswith(" attempt(s) (every finished attempt).")
    code, out, _ = run(capsys, "stats", "welcome", "--db", url, "--json")
    data = json.loads("\n".join(out))
    assert data["attempt_policy"] == "first"
    assert data["quiz"] == "welcome"
    assert data["attempts"] <= 30


def test_stats_errors(capsys: pytest.CaptureFixture[str], store_url: str,
                      tmp_path: Path) -> None:
    assert one_error(capsys, "stats", "no-such-quiz", "--db", store_url).startswith(
        "ketatraining: No quiz called 'no-such-quiz' in ")
    assert one_error(capsys, "stats", "welcome", "--db", store_url) == (
        f"ketatraining: No finished attempt at the quiz 'welcome' in the progress store "
        f"{store_url}; nothing to analyse yet.")
    code, _, err = run(capsys, "stats")
    assert (code, err) == (2, [("ketatraining stats: give either a QUIZ or --marks FILE.csv "
                               "(not both).")])


# -- export -------------------------------------------------------------------------------
def test_export_csv_to_stdout(capsys: pytest.CaptureFixture[str], store_url: str) -> None:
    code, out, _ = run(capsys, "export", "--format", "csv", "--db", store_url,
                       "--learner", "bob")
    assert code == 0
    assert out[0].startswith("learner_id,quiz_id,attempt,")
    assert out[1] == ("bob,zz-mini,1,2026-01-05T09:00:00+00:00,2026-01-05T09:10:00+00:00,0,2,0,"
                      "false,x,,,b,,0,1,0,false,20,2026-01-05T09:04:00+00:00,,false")  # no version: no hash stored
    assert len(out) == 3


def test_export_xapi_to_file(capsys: pytest.CaptureFixture[str], store_url: str,
                             tmp_path: Path) -> None:
    out_file = tmp_path / "statements.json"
    code, out, _ = run(capsys, "export", "--format", "xapi", "--db", store_url, "--out",
                       str(out_file), "--home-page", "https://hub.example.org")
    assert code == 0
    # 6 answers; ann's 2 attempts and bob's 1, each attempted + completed + passed/failed.
    assert out == [f"Wrote {out_file}: 15 xAPI statement(s)."]
    statements = json.loads(out_file.read_text())
    assert {s["actor"]["account"]["homePage"] for s in statements} == {
        "https://hub.example.org"}
    first = out_file.read_text()
    run(capsys, "export", "--format", "xapi", "--db", store_url, "--out", str(out_file),
        "--home-page", "https://hub.example.org")
    assert out_file.read_text() == first  # idempotent


def test_export_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export")
    assert (code, err) == (2, [("ketatraining export: choose --format csv or --format xapi "
                               "(or 'export gift QUIZ --out FILE').")])
    code, _, err = run(capsys, "export", "--format", "xapi", "--home-page", "hub.local")
    assert (code, err) == (2, [("ketatraining export: --home-page must be a web address "
                               "starting with https:// or http://, e.g. "
                               "https://hub.example.org.")])
    code, _, err = run(capsys, "export", "gift", "welcome")
    assert (code, err) == (2, ["ketatraining export: write 'export gift QUIZ --out FILE'."])


def test_export_empty_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    ProgressStore(empty).close()
    assert one_error(capsys, "export", "--format", "csv", "--db", empty) == (
        f"ketatraining: Nothing to export: no attempts match in the progress store {empty}.")


@pytest.mark.parametrize(("target", "module", "function", "label"), [
    ("gift", "ketatraining.interop.gift", "gift_export", "GIFT (Moodle)"),
    ("qti", "ketatraining.interop.qti", "write_qti_package", "QTI 3.0 package"),
])
def test_export_quiz_formats_dispatch(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, target: str,
                                      module: str, function: str, label: str) -> None:
    out_file = tmp_path / f"welcome.{target}"
    monkeypatch.setitem(sys.modules, module, None)  # as if the module were missing
    assert one_error(capsys, "export", target, "welcome", "--out", str(out_file)) == (
        f"ketatraining: {label} export is not available in this installation "
        f"({module}.{function} is missing).")
    monkeypatch.undo()
    pytest.importorskip(module)
    code, out, _ = run(capsys, "export", target, "welcome", "--out", str(out_file))
    assert code == 0
    assert out == [f"Wrote {out_file}: quiz 'welcome' as {label}."]
    assert out_file.stat().st_size > 0


def test_stats_shows_what_numeric_answers_matched(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert run(capsys, "demo-data", "--learners", "60", "--seed", "3", "--db", url)[0] == 0
    code, out, _ = run(capsys, "stats", "final", "--db", url)
    assert code == 0
    assert out[3].startswith("Reliability: ")
    start = out.index("Answers to fin-dose-calc (most frequent first):")
    assert out[start + 1].split() == ["answer", "n", "share", "credit", "matched"]
    first = out[start + 3].split()
    assert first[0] == "41" and first[-3:] == ["the", "value", "41"]


def test_demo_data_uses_ketatraining_db(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{target}")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "demo-data", "--learners", "3", "--seed", "1")
    assert code == 0
    assert target.is_file()
    assert not (tmp_path / "ketatraining-demo.db").exists()
    assert out[-1] == f"Next: ketatraining results --db sqlite:///{target}"
    # Without $KETATRAINING_DB it still never touches this computer's own store.
    monkeypatch.delenv("KETATRAINING_DB")
    assert run(capsys, "demo-data", "--learners", "3", "--seed", "1")[0] == 0
    assert (tmp_path / "ketatraining-demo.db").is_file()


def test_regrade_service_refuses_a_db_too_and_needs_a_token(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = "http://127.0.0.1:9/services/ketatraining/"
    assert "either --service or --db" in one_error(
        capsys, "regrade", "risks", "--service", url, "--db", "sqlite:///x.db")
    monkeypatch.delenv("KETATRAINING_HUB_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    assert "KETATRAINING_HUB_TOKEN" in one_error(capsys, "regrade", "risks", "--service", url)


def test_preview_says_what_a_quiz_with_pools_asks(capsys: pytest.CaptureFixture[str]) -> None:
    pooled = str(Path(__file__).resolve().parents[1] / "data" / "pools" / "pooled.yaml")
    code, out, _ = run(capsys, "preview", pooled)
    assert code == 0
    assert ("Each attempt asks 4 of these 6 questions (at most 5 marks): the questions outside "
            "the pools, and at random 2 of bp1, bp2, bp3; 1 of d1, d2.") in " ".join(out)
