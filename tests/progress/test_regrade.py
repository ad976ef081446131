"""Question versions and regrading, on SQLite and a real PostgreSQL.

The cohort: the practice quiz (bp: true/false, key true; dose: 40 +/- 0.5; pass 50 %),
three learners with one finished attempt each. Then the trainer "fixes" the key of bp to
false and regrades: ann 50 % -> 100 %, bob passed -> failed, cara failed -> passed.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text

from ketatraining.cli import main
from ketatraining.progress import schema
from ketatraining.progress import store as store_module
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.regrade import (
    _LOCK_BASE,
    RegradeBusyError,
    RegradeError,
    history,
    regrade,
)
from ketatraining.progress.store import ProgressStore
from ketatraining.progress.summary import load_results
from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import load_quiz
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.versions import grading_hash

T0 = datetime(2026, 2, 1, 9, tzinfo=UTC)
ANSWERS = {"ann": (False, 40.0), "bob": (True, 4.0), "cara": (False, 4.0)}


def fill(store: ProgressStore, quiz: Quiz) -> None:
    attempts, answers = [], []
    for n, (learner, responses) in enumerate(ANSWERS.items()):
        total = 0.0
        for k, (question, response) in enumerate(zip(quiz.questions, responses, strict=True)):
            marked = grade(question, response)
            total += marked.score
            answers.append(Submission(
                f"{learner}-{question.id}", learner, quiz.id, question.id, 1, response,
                marked.score, marked.max_score, marked.correct, 10.0,
                T0 + timedelta(minutes=n * 10 + k), question_hash=grading_hash(question)))
        attempts.append(AttemptRecord(
            learner, quiz.id, 1, T0 + timedelta(minutes=n * 10),
            T0 + timedelta(minutes=n * 10 + 5), total, quiz.max_score, quiz.pass_mark,
            100 * total / quiz.max_score >= quiz.pass_mark))
    store.import_history(attempts, answers)


def fix_key(path: Path) -> Quiz:
    text_ = path.read_text()
    path.write_text(text_.replace("    answer: true\n", "    answer: false\n"))
    return load_quiz(path)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                 for table in schema.metadata.sorted_tables}
    engine.dispose()
    return {k: int(v or 0) for k, v in found.items()}


@pytest.fixture
def cohort(store_url: str, practice_quiz: Path) -> tuple[str, Path]:
    with ProgressStore(store_url) as store:
        fill(store, load_quiz(practice_quiz))
    return store_url, practice_quiz


def test_every_answer_records_the_version_of_its_question(cohort: tuple[str, Path]) -> None:
    url, path = cohort
    quiz = load_quiz(path)
    with ProgressStore(url) as store:
        answers = store.responses()
        assert {(a.question_id, a.question_hash, a.question_version) for a in answers} == {
            (q.id, grading_hash(q), 1) for q in quiz.questions}
        changed = fix_key(path)
        new_hash = grading_hash(changed.question("bp"))
        assert new_hash != grading_hash(quiz.question("bp"))
        store.record(Submission("late", "dan", quiz.id, "bp", 1, False, 1.0, 1.0, True, 3.0,
                                T0, question_hash=new_hash))
        assert store.responses(learner_id="dan")[0].question_version == 2


def test_a_wording_fix_keeps_the_version(practice_quiz: Path) -> None:
    before = load_quiz(practice_quiz).question("bp")
    practice_quiz.write_text(practice_quiz.read_text().replace(
        "Blood pressure rises during", "Blood pressure goes up during").replace(
        "feedback_true: Right.", "feedback_true: Right, it rises."))
    assert grading_hash(load_quiz(practice_quiz).question("bp")) == grading_hash(before)


def test_regrade_after_a_key_fix(cohort: tuple[str, Path]) -> None:
    url, path = cohort
    quiz = fix_key(path)
    with ProgressStore(url) as store:
        original = store.responses(regraded=False)
        report = regrade(store, quiz, by="trainer-t")
        assert report.answers_checked == 6
        assert sorted((c.learner_id, c.question_id, c.old_score, c.new_score)
                      for c in report.answers) == [
            ("ann", "bp", 0.0, 1.0), ("bob", "bp", 1.0, 0.0), ("cara", "bp", 0.0, 1.0)]
        flips = {c.learner_id: (c.old_passed, c.new_passed) for c in report.pass_changes}
        assert flips == {"bob": (True, False), "cara": (False, True)}
        assert {c.learner_id: c.new_percent for c in report.attempts} == {
            "ann": 100.0, "bob": 0.0, "cara": 50.0}
        # The original answers are untouched; the current view says it was regraded.
        assert store.responses(regraded=False) == original
        current = {(a.learner_id, a.question_id): a for a in store.responses()}
        assert current[("bob", "bp")].score == 0.0 and current[("bob", "bp")].regraded
        assert current[("bob", "bp")].question_version == 2
        assert not current[("bob", "dose")].regraded
        assert [(a.learner_id, a.passed, a.regraded) for a in store.attempts()] == [
            ("ann", True, True), ("bob", False, True), ("cara", True, True)]
        assert [a.passed for a in store.attempts(regraded=False)] == [True, True, False]
        # Results (and so the dashboard and completion records) read the regraded totals.
        assert {r.learner_id: (r.best_percent, r.passed) for r in load_results(store)} == {
            "ann": (100.0, True), "bob": (0.0, False), "cara": (50.0, True)}
        (run,) = history(store, quiz.id)
        assert run["regraded_by"] == "trainer-t" and run["answers_changed"] == 3
        assert run["run_id"] == report.run_id


def test_regrading_twice_changes_nothing_more(cohort: tuple[str, Path]) -> None:
    url, path = cohort
    quiz = fix_key(path)
    with ProgressStore(url) as store:
        assert regrade(store, quiz).changed
        after_first = counts(url)
        again = regrade(store, quiz)
    assert not again.changed and again.run_id is None
    assert counts(url) == after_first


def test_a_dry_run_writes_nothing_and_shows_the_same_changes(
        cohort: tuple[str, Path]) -> None:
    url, path = cohort
    quiz = fix_key(path)
    before = counts(url)
    with ProgressStore(url) as store:
        dry = regrade(store, quiz, dry_run=True)
        assert counts(url) == before
        real = regrade(store, quiz)
    assert dry.dry_run and dry.run_id is None
    assert dry.answers == real.answers[:0] + tuple(
        c.__class__(**{**c.__dict__, "question_version": None}) for c in real.answers)
    assert dry.attempts == real.attempts


def test_a_quiz_whose_questions_were_removed_is_refused(cohort: tuple[str, Path]) -> None:
    url, path = cohort
    text_ = path.read_text()
    path.write_text(text_[:text_.index("  - id: dose")])
    quiz = load_quiz(path)
    before = counts(url)
    with ProgressStore(url) as store, pytest.raises(RegradeError) as caught:
        regrade(store, quiz)
    assert str(caught.value) == (
        "The quiz 'practice' no longer has the question(s) 'dose' that 3 stored answer(s) "
        "were given to, so nothing was regraded: put the question(s) back (a changed "
        "question keeps its id; a new one gets a new id).")
    assert counts(url) == before


def test_two_regrades_at_once(cohort: tuple[str, Path], backend: str) -> None:
    url, path = cohort
    quiz = fix_key(path)
    before = counts(url)
    engine = create_engine(url)
    with ProgressStore(url) as store, engine.connect() as other:
        if backend == "sqlite":
            other.exec_driver_sql("BEGIN IMMEDIATE")  # what a running regrade holds
        else:
            key = _LOCK_BASE + int(uuid.uuid5(uuid.NAMESPACE_URL, quiz.id).hex[:6], 16)
            other.execute(text(f"SELECT pg_advisory_lock({key})"))
        with pytest.raises(RegradeBusyError) as caught:
            regrade(store, quiz)
        other.rollback()
        if backend != "sqlite":
            other.execute(text("SELECT pg_advisory_unlock_all()"))
    engine.dispose()
    message = str(caught.value)
    assert "nothing" in message and "again" in message
    assert message.count(".") <= 2  # one sentence (a URL may hold a dot)
    assert counts(url) == before


def test_cli_while_another_regrade_holds_the_store(
        cohort: tuple[str, Path], backend: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL regrades wait on an advisory lock (tested above)")
    url, path = cohort
    fix_key(path)
    monkeypatch.setattr(store_module, "RETRY_BUDGET_SECONDS", 0.5)
    before = counts(url)
    engine = create_engine(url)
    with engine.connect() as other:
        other.exec_driver_sql("BEGIN IMMEDIATE")
        code, out, err = run(capsys, "regrade", str(path), "--db", url)
        other.rollback()
    engine.dispose()
    assert code == 1 and out == []
    assert err == [(f"ketatraining: The progress store {url} is busy (another regrade, or "
                    "a long write), so nothing was regraded; run it again in a minute.")]
    assert counts(url) == before


# -- the command -----------------------------------------------------------------------------
def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def test_cli_dry_run_then_regrade(cohort: tuple[str, Path], backend: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    if backend != "sqlite":
        pytest.skip("the command's text is the same on PostgreSQL (tested above)")
    url, path = cohort
    fix_key(path)
    before = counts(url)
    code, out, err = run(capsys, "regrade", str(path), "--db", url, "--dry-run")
    assert code == 0, err
    assert counts(url) == before
    assert out[0] == ("Quiz practice (Practice quiz): 6 stored answer(s) re-marked against "
                      "the quiz file as it is now.")
    assert out[1] == ("3 answer(s) change, 3 attempt total(s) change, 2 pass/fail result(s) "
                      "change.")
    assert "bob            1  bp        1.00  0.00  1.00" in out
    assert "bob            1  50.0%    0.0%  passed -> failed" in out
    assert out[-1].startswith("Dry run: nothing was written.")
    assert not any(line.startswith("Re-marked against") for line in out)  # not numbered yet
    assert not any(line.startswith("...") for line in out)  # 3 answers: all listed
    from ketatraining.cli.commands.regrade import describe

    with ProgressStore(url, writable=False) as store:
        report = regrade(store, load_quiz(path), dry_run=True)
    short = describe(report, "practice", url, shown=2)
    assert "... and 1 more answer(s) (--all lists them all)." in short
    assert "... and 1 more attempt(s) (--all lists them all)." in short
    assert not any(line.startswith("...") for line in describe(report, "practice", url,
                                                               shown=None))
    assert run(capsys, "regrade", str(path), "--db", url, "--dry-run", "--all")[1] == out
    code, out, _ = run(capsys, "regrade", str(path), "--db", url)
    assert code == 0
    assert ("Re-marked against: bp version 2 (the version numbers of 'stats --by-version' "
            "and the CSV export).") in out
    assert out[-1].startswith(f"Regraded in {url}: audit run ")
    code, out, _ = run(capsys, "regrade", str(path), "--db", url)
    assert out[-1] == "Nothing changes: every stored score already matches the quiz."


def test_cli_history_lists_the_audit_of_a_quiz(cohort: tuple[str, Path], backend: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    url, path = cohort
    code, out, _ = run(capsys, "regrade", str(path), "--db", url, "--history")
    assert code == 0 and out == [
        f"No regrade of the quiz 'practice' has changed anything in {url}."]
    with ProgressStore(url) as store:
        report = regrade(store, fix_key(path), by="trainer-t")
        before = counts(url)
    code, out, _ = run(capsys, "regrade", "practice", "--db", url, "--history")
    assert code == 0 and counts(url) == before  # it only reads
    assert out[0].startswith("Regrades of the quiz 'practice' in ")
    (row,) = out[3:]
    day, _time, zone, by, answers, attempts, run_id = row.split()
    assert (zone, by, answers, attempts, run_id) == ("UTC", "trainer-t", "3", "3",
                                                     report.run_id)
    assert day == datetime.now(UTC).strftime("%Y-%m-%d")


def test_cli_refuses_a_read_only_store(cohort: tuple[str, Path], backend: str,
                                       capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    if backend != "sqlite":
        pytest.skip("a read-only SQLite file; PostgreSQL roles are in test_row_level_security")
    url, path = cohort
    fix_key(path)
    database = url.removeprefix("sqlite:///")
    copy = tmp_path / "copy.db"
    shutil.copy(database, copy)
    read_only = f"sqlite:///file:{copy}?mode=ro&uri=true"
    before = copy.read_bytes()
    code, out, err = run(capsys, "regrade", str(path), "--db", read_only)
    assert code == 1 and out == []
    assert len(err) == 1
    assert err[0].startswith("ketatraining: Nothing was regraded.")
    assert "read-only" in err[0]
    assert copy.read_bytes() == before
    # A dry run only reads, so it works on the same store.
    assert run(capsys, "regrade", str(path), "--db", read_only, "--dry-run")[0] == 0


def test_cli_refuses_a_read_only_store_file(cohort: tuple[str, Path], backend: str,
                                            capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    """The store as a trainer names it (sqlite:///path), on a file nobody may write (chattr
    +i: tests run as root, who ignores file modes)."""
    if backend != "sqlite":
        pytest.skip("a read-only SQLite file; PostgreSQL roles are in test_row_level_security")
    from tests.progress.test_faults import immutable

    url, path = cohort
    fix_key(path)
    copy = tmp_path / "copy.db"
    shutil.copy(url.removeprefix("sqlite:///"), copy)
    before = copy.read_bytes()
    with immutable(copy):
        code, out, err = run(capsys, "regrade", str(path), "--db", f"sqlite:///{copy}")
        assert code == 1 and out == [] and len(err) == 1
        assert "read-only" in err[0] and "othing was regraded" in err[0]
        code, out, _ = run(capsys, "regrade", str(path), "--db", f"sqlite:///{copy}",
                           "--dry-run")
        assert code == 0 and out[-1].startswith("Dry run: nothing was written.")
    assert copy.read_bytes() == before


def test_cli_refuses_a_store_from_a_newer_release(cohort: tuple[str, Path], backend: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    url, path = cohort
    fix_key(path)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE kt_meta SET value = :v WHERE key = 'schema_version'"),
                           {"v": str(schema.SCHEMA_VERSION + 1)})
    engine.dispose()
    before = counts(url)
    code, out, err = run(capsys, "regrade", str(path), "--db", url)
    assert code == 1 and out == [] and len(err) == 1
    assert "was written by a newer ketatraining" in err[0]
    assert counts(url) == before


def test_a_version_1_store_is_upgraded_and_keeps_its_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # the version 1 layout, as release 1 wrote it
        connection.execute(text("CREATE TABLE kt_meta (key VARCHAR(64) PRIMARY KEY, "
                                "value VARCHAR(255) NOT NULL)"))
        connection.execute(text("INSERT INTO kt_meta VALUES ('schema_version', '1')"))
        connection.execute(text(
            "CREATE TABLE kt_responses (id INTEGER PRIMARY KEY, submission_id VARCHAR(64) "
            "NOT NULL UNIQUE, learner_id VARCHAR(255) NOT NULL, quiz_id VARCHAR(64) NOT "
            "NULL, question_id VARCHAR(64) NOT NULL, attempt INTEGER NOT NULL, response "
            "TEXT NOT NULL, score FLOAT NOT NULL, max_score FLOAT NOT NULL, correct BOOLEAN "
            "NOT NULL, duration_seconds FLOAT NOT NULL, submitted_at DATETIME NOT NULL)"))
        connection.execute(text(
            "INSERT INTO kt_responses VALUES (1, 's1', 'ann', 'practice', 'bp', 1, 'true', "
            "1.0, 1.0, 1, 5.0, '2026-01-01 10:00:00')"))
    engine.dispose()
    with ProgressStore(url) as store:
        (answer,) = store.responses()
        assert (answer.submission_id, answer.question_hash, answer.question_version) == (
            "s1", None, None)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM kt_regrades")).scalar() == 0
    engine.dispose()


# -- properties --------------------------------------------------------------------------------
KEYS = st.lists(st.booleans(), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=KEYS, fixed=KEYS, answers=st.lists(st.lists(st.booleans(), min_size=4,
                                                         max_size=4), min_size=1, max_size=5))
def test_regrading_twice_equals_once_and_dry_runs_change_nothing(
        tmp_path_factory: pytest.TempPathFactory, keys: list[bool], fixed: list[bool],
        answers: list[list[bool]]) -> None:
    folder = tmp_path_factory.mktemp("prop")
    url = f"sqlite:///{folder / 'p.db'}"

    def quiz(key: list[bool]) -> Quiz:
        return Quiz.model_validate({
            "schema_version": 1, "id": "prop", "title": "P", "topic": "risks",
            "pass_mark": 50, "questions": [
                {"id": f"q{i}", "type": "true_false", "prompt": "P", "answer": k,
                 "feedback_true": "T", "feedback_false": "F", "explanation": "E",
                 "objective": "o", "references": ["r"]}
                for i, k in enumerate(key)]})

    first = quiz(keys)
    size = len(first.questions)
    fixed = (fixed * size)[:size]
    with ProgressStore(url) as store:
        attempts, rows = [], []
        for n, given_answers in enumerate(answers):
            total = 0.0
            for question, response in zip(first.questions, given_answers, strict=False):
                marked = grade(question, response)
                total += marked.score
                rows.append(Submission(f"{n}-{question.id}", f"l{n}", "prop", question.id, 1,
                                       response, marked.score, 1.0, marked.correct, 1.0, T0))
            attempts.append(AttemptRecord(f"l{n}", "prop", 1, T0, T0, total, size, 50,
                                          100 * total / size >= 50))
        store.import_history(attempts, rows)
        second = quiz(fixed)
        before = counts(url)
        regrade(store, second, dry_run=True)
        assert counts(url) == before
        regrade(store, second)
        once = (store.responses(), store.attempts(), counts(url))
        assert not regrade(store, second).changed
        assert (store.responses(), store.attempts(), counts(url)) == once
        # And what the stored scores now are is what grading the answers gives.
        marks = {q.id: q for q in second.questions}
        for answer in store.responses():
            assert answer.score == grade(marks[answer.question_id], answer.response).score


KEY = st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 4),
                st.sampled_from([0.0, 0.5, 1.0]),
                st.lists(st.booleans(), min_size=3, max_size=3).filter(any))
"""One version of a mixed quiz: the single-choice key, the numeric value and tolerance,
and which multiple-choice options are right."""
RESPONSES = st.tuples(st.sampled_from(["a", "b", "c"]),
                      st.sampled_from([0, 0.5, 1, 2, 3.5, 4]),
                      st.lists(st.sampled_from(["a", "b", "c"]), unique=True))


def _mixed(key: tuple[str, int, float, list[bool]], points: float) -> Quiz:
    single, value, tolerance, right = key
    common = {"explanation": "E", "objective": "o", "references": ["r"], "points": points}
    options = [{"id": i, "text": i.upper(), "feedback": "F"} for i in "abc"]
    return Quiz.model_validate({
        "schema_version": 1, "id": "mixed", "title": "M", "topic": "risks", "pass_mark": 60,
        "questions": [
            {"id": "sc", "type": "single_choice", "prompt": "P", **common,
             "options": [{**o, "correct": o["id"] == single} for o in options]},
            {"id": "num", "type": "numeric", "prompt": "P", "value": value,
             "tolerance": tolerance, "feedback_correct": "Y", "feedback_incorrect": "N",
             **common},
            {"id": "mc", "type": "multiple_choice", "prompt": "P", **common,
             "options": [{**o, "correct": r} for o, r in zip(options, right, strict=True)]},
        ]})


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(KEY, min_size=3, max_size=3), points=st.sampled_from([1.0, 2.0]),
       answers=st.lists(RESPONSES, min_size=1, max_size=4))
def test_any_chain_of_key_fixes_ends_where_grading_from_scratch_does(
        tmp_path_factory: pytest.TempPathFactory,
        keys: list[tuple[str, int, float, list[bool]]], points: float,
        answers: list[tuple[str, float, list[str]]]) -> None:
    """Mixed types, any stored answers: regrading to a fix B and then to a fix C leaves the
    same current scores, totals and passes as regrading straight to C, which are what
    grading the answers with C gives; a dry run writes nothing; C again changes nothing."""
    original, middle, final = (_mixed(key, points) for key in keys)

    def stored(folder: Path) -> str:
        url = f"sqlite:///{folder / 's.db'}"
        attempts, rows = [], []
        for n, responses in enumerate(answers):
            total = 0.0
            for question, response in zip(original.questions, responses, strict=True):
                marked = grade(question, response)
                total += marked.score
                rows.append(Submission(f"{n}-{question.id}", f"l{n}", "mixed", question.id, 1,
                                       response, marked.score, marked.max_score,
                                       marked.correct, 1.0, T0,
                                       question_hash=grading_hash(question)))
            attempts.append(AttemptRecord(f"l{n}", "mixed", 1, T0, T0, total,
                                          original.max_score, 60,
                                          100 * total / original.max_score >= 60))
        with ProgressStore(url) as store:
            store.import_history(attempts, rows)
        return url

    def current(url: str) -> tuple[object, ...]:
        """Current scores and passes; totals to 1e-9 (a chain of fixes adds and removes
        marks in binary floating point: 1 + 1/3 - 1/3 may be 0.9999999999999998)."""
        with ProgressStore(url) as store:
            return (sorted((a.submission_id, a.score) for a in store.responses()),
                    [(a.learner_id, None if a.score is None else round(a.score, 9), a.passed)
                     for a in store.attempts()])

    chained, direct = stored(tmp_path_factory.mktemp("chain")), stored(tmp_path_factory.mktemp("d"))
    with ProgressStore(chained) as store:
        regrade(store, middle)
        before = counts(chained)
        regrade(store, final, dry_run=True)
        assert counts(chained) == before
        regrade(store, final)
    with ProgressStore(direct) as store:
        regrade(store, final)
        once = counts(direct)
        assert not regrade(store, final).changed
        assert counts(direct) == once
    assert current(chained) == current(direct)
    expected = []
    for n, responses in enumerate(answers):
        total = sum(grade(q, r).score for q, r in zip(final.questions, responses, strict=True))
        expected.append((f"l{n}", round(total, 9), 100 * total / final.max_score + 1e-9 >= 60))
    assert current(direct)[1] == expected


def test_results_say_which_scores_were_regraded(cohort: tuple[str, Path], backend: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    if backend != "sqlite":
        pytest.skip("the text of results is the same on PostgreSQL")
    url, path = cohort
    quiz = fix_key(path)
    with ProgressStore(url) as store:
        regrade(store, quiz)
    code, out, _ = run(capsys, "results", "--db", url)
    assert code == 0
    assert out[2].split() == ["ann", "practice", "1", "1", "100.0*", "100.0*", "yes", "5m00s"]
    assert out[5] == "* regraded: scores after 'ketatraining regrade' (originals are kept)."


def test_an_unfinished_regraded_attempt_shows_no_score_to_star(
        cohort: tuple[str, Path], backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    if backend != "sqlite":
        pytest.skip("the text of results is the same on PostgreSQL")
    url, path = cohort
    with ProgressStore(url) as store:  # dan answered bp (key true) and has not finished
        number = store.start_attempt("dan", "practice", max_score=2.0, pass_mark=50.0)
        store.record(Submission("dan-bp", "dan", "practice", "bp", number, True, 1.0, 1.0,
                                True, 3.0, T0, question_hash=grading_hash(
                                    load_quiz(path).question("bp"))))
        regrade(store, fix_key(path))
    code, out, _ = run(capsys, "results", "--db", url)
    assert code == 0
    dan = next(line for line in out if line.startswith("dan "))
    assert dan.split()[:7] == ["dan", "practice", "1", "0", "-", "-", "-"]


def test_a_completion_record_uses_the_regraded_pass(cohort: tuple[str, Path]) -> None:
    from ketatraining.certificate.eligibility import _first_pass

    url, path = cohort
    quiz = fix_key(path)
    with ProgressStore(url) as store:
        assert _first_pass(store.attempts("bob"), quiz.id) is not None
        regrade(store, quiz)
        assert _first_pass(store.attempts("bob"), quiz.id) is None  # bob no longer passed
        assert _first_pass(store.attempts("cara"), quiz.id) is not None


def test_a_completion_record_says_its_score_was_regraded(cohort: tuple[str, Path]) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from ketatraining.certificate import load_course
    from ketatraining.certificate.eligibility import CompletionRecord
    from ketatraining.certificate.render import render_html, render_pdf
    from ketatraining.certificate.signed import record_data, record_from_data

    url, path = cohort
    quiz = fix_key(path)

    def cara_record(store: ProgressStore) -> CompletionRecord:
        (result,) = load_results(store, "cara", quizzes={quiz.id: quiz})
        return CompletionRecord(
            learner_id="cara", learner_name="Cara Example", course_title="Course",
            course_version="1", completed_at=T0, issued_at=T0, quizzes=[result])

    course = load_course()
    with ProgressStore(url) as store:
        before = cara_record(store)
        regrade(store, quiz)
        after = cara_record(store)
    assert "regraded" not in render_html(before, course)
    assert "regraded" not in record_data(before, signed=False)["quizzes"][0]
    page = render_html(after, course)
    assert "50% (regraded)</td>" in page and "original answers are kept" in page
    pdf = "\n".join(p.extract_text() for p in PdfReader(BytesIO(render_pdf(after, course))).pages)
    assert "best 50% (regraded)" in pdf
    data = record_data(after, signed=False)
    assert data["quizzes"][0]["regraded"] is True
    assert record_from_data(data).quizzes[0].regraded  # a record file keeps the mark


def test_the_local_assessment_stores_the_question_version(practice_quiz: Path,
                                                          isolated_store: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ketatraining.assessment.local import LocalAssessment

    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(practice_quiz.parent))
    quiz = load_quiz(practice_quiz)
    with ProgressStore(isolated_store) as store:
        assessment = LocalAssessment(store=store, learner_id="eve")
        state = assessment.start("practice")
        assessment.submit("practice", state.attempt_id, "bp", True)
        (answer,) = store.responses(learner_id="eve")
    assert answer.question_hash == grading_hash(quiz.question("bp"))
    assert answer.question_version == 1


def test_an_attempt_open_during_a_regrade_finishes_with_the_fixed_marks(
        practice_quiz: Path, isolated_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The learner's kernel loaded the old key; the trainer fixes it and regrades while the
    attempt is open; Finish counts the fixed mark, as results and the course server do."""
    from ketatraining.assessment.local import LocalAssessment

    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(practice_quiz.parent))
    with ProgressStore(isolated_store) as store:
        assessment = LocalAssessment(store=store, learner_id="eve")
        state = assessment.start("practice")
        assert assessment.submit("practice", state.attempt_id, "bp", True).score == 1.0
        regrade(store, fix_key(practice_quiz))  # bp: true is now wrong
        assessment.submit("practice", state.attempt_id, "dose", 40)
        outcome = assessment.finish("practice", state.attempt_id)
        assessment.close()
        (attempt,) = store.attempts("eve")
        (result,) = load_results(store, "eve")
    assert (outcome.score, outcome.max_score, outcome.percent) == (1.0, 2.0, 50.0)
    assert (attempt.score, attempt.max_score) == (1.0, 2.0)
    assert result.best_percent == 50.0


def test_the_course_server_stores_the_question_version(practice_quiz: Path,
                                                       tmp_path: Path) -> None:
    from ketatraining.service.engine import Engine

    quiz = load_quiz(practice_quiz)
    url = f"sqlite:///{tmp_path / 'service.db'}"
    engine = Engine(url, {quiz.id: quiz})
    engine.submit("bob", quiz.id, None, "bp", True)
    engine.close()
    with ProgressStore(url) as store:
        (answer,) = store.responses()
    assert (answer.question_hash, answer.question_version) == (
        grading_hash(quiz.question("bp")), 1)


def test_stats_use_and_mention_the_regraded_scores(cohort: tuple[str, Path], backend: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    if backend != "sqlite":
        pytest.skip("the text of stats is the same on PostgreSQL")
    from ketatraining.analysis.item_analysis import analyse
    from ketatraining.analysis.marks import marks_from_store

    url, path = cohort
    quiz = fix_key(path)
    with ProgressStore(url) as store:
        before = analyse(marks_from_store(store, quiz)).question("bp").facility
        regrade(store, quiz)
        after = analyse(marks_from_store(store, quiz))
    assert (before, after.question("bp").facility) == (pytest.approx(1 / 3),
                                                        pytest.approx(2 / 3))
    assert after.regraded_answers == 3
    code, out, _ = run(capsys, "stats", str(path), "--db", url, "--attempts", "all")
    assert code == 0
    assert ("3 of the answers analysed were regraded ('ketatraining regrade'); their new "
            "scores are used.") in out


def test_the_csv_export_says_each_answer_s_version_and_regrade(
        cohort: tuple[str, Path], backend: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    if backend != "sqlite":
        pytest.skip("the export reads the same store views on PostgreSQL")
    import csv
    import io

    url, path = cohort
    monkeypatch.setenv("KETATRAINING_QUIZ_DIR", str(path.parent))
    quiz = fix_key(path)
    with ProgressStore(url) as store:
        regrade(store, quiz)
    code, out, _ = run(capsys, "export", "--format", "csv", "--db", url)
    assert code == 0
    cells = {(r["learner_id"], r["question_id"]): (r["score"], r["question_version"],
                                                     r["regraded"])
             for r in csv.DictReader(io.StringIO("\n".join(out)))}
    # bp was re-marked against its fixed key (version 2); dose keeps version 1.
    assert cells[("bob", "bp")] == ("0", "2", "true")
    assert cells[("ann", "bp")] == ("1", "2", "true")
    assert cells[("bob", "dose")] == ("0", "1", "false")
