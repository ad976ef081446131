"""Pools and random draws: the draw core, the learner's kernel and the store.

The fixture quiz ``tests/data/pools/pooled.yaml`` asks 'intro', 2 of the 3 questions
tagged bp and 1 of d1/d2 (2 points each): 4 questions and 5 points in every attempt.
The course server's side is in tests/service/test_draws.py.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from ketatraining.analysis.item_analysis import analyse
from ketatraining.analysis.marks import marks_from_store
from ketatraining.assessment.local import LocalAssessment
from ketatraining.assessment.protocol import AssessmentError
from ketatraining.cli import main
from ketatraining.progress.outbox import Outbox
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.regrade import RegradeError, history, regrade
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.draw import asked_count, asked_quiz, draw_ids, most_points, seed_for
from ketatraining.quiz.loading import load_quiz
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.versions import grading_hash

POOLED = Path(__file__).resolve().parents[1] / "data" / "pools" / "pooled.yaml"
RIGHT: dict[str, Any] = {"intro": True, "bp1": True, "bp2": False, "bp3": True,
                         "d1": 10.0, "d2": 20.0}
WRONG: dict[str, Any] = {"intro": False, "bp1": False, "bp2": True, "bp3": False,
                         "d1": 1.0, "d2": 1.0}


@pytest.fixture
def pooled() -> Quiz:
    return load_quiz(POOLED)


def test_a_draw_takes_k_from_each_pool_and_every_unpooled_question(pooled: Quiz) -> None:
    draws = {draw_ids(pooled, seed) for seed in range(200)}
    for ids in draws:
        assert ids[0] == "intro"  # outside every pool: always asked, in file order
        assert len([i for i in ids if i.startswith("bp")]) == 2
        assert len([i for i in ids if i.startswith("d")]) == 1
        assert len(ids) == 4
    # every combination occurs: 3 pairs of bp questions times 2 numeric questions
    assert len(draws) == 6
    assert draw_ids(pooled, 17) == draw_ids(pooled, 17), "the same seed, the same draw"


def test_points_and_the_pass_follow_the_drawn_questions(pooled: Quiz) -> None:
    ids = draw_ids(pooled, 3)
    asked = asked_quiz(pooled, ids)
    assert [q.id for q in asked.questions] == list(ids)
    assert asked.max_score == 5.0 and pooled.max_score == 8.0  # the bank: 4 x 1 + 2 x 2 points
    assert asked.pools == []
    assert (asked_count(pooled), most_points(pooled)) == (4, 5.0)


def test_a_quiz_without_pools_asks_everything(practice_quiz: Path) -> None:
    quiz = load_quiz(practice_quiz)
    assert draw_ids(quiz, 1) == ("bp", "dose")
    assert asked_quiz(quiz, None) is quiz


def _assessment(store: ProgressStore, tmp_path: Path, pooled: Quiz,
                learner: str = "ann") -> LocalAssessment:
    assessment = LocalAssessment(store, learner_id=learner,
                                 outbox=Outbox(tmp_path / f"outbox-{learner}.jsonl"))
    assessment.add_quiz(pooled)
    return assessment


def test_the_kernel_shows_only_the_drawn_questions_and_keeps_the_draw(
        store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    with ProgressStore(store_url) as store:
        first = _assessment(store, tmp_path, pooled)
        state = first.start("pooled", seed=11)
        drawn = draw_ids(pooled, 11)
        assert state.drawn == drawn and state.draw_seed == 11
        assert sorted(q.id for q in state.questions) == sorted(drawn)
        assert (state.quiz.question_count, state.quiz.max_score) == (4, 5.0)
        assert first.quiz_view("pooled").question_count == 4
        left_out = next(q for q in pooled.questions if q.id not in drawn)
        with pytest.raises(AssessmentError):
            first.submit("pooled", state.attempt_id, left_out.id, RIGHT[left_out.id])
        checked = first.submit("pooled", state.attempt_id, drawn[1], RIGHT[drawn[1]])
        first.close()
        (attempt,) = store.attempts("ann")
        assert (attempt.draw_seed, attempt.drawn, attempt.max_score) == (11, drawn, 5.0)

        # a new kernel (the old one was killed) resumes with the same questions,
        # whatever seed the front-end passes now
        second = _assessment(store, tmp_path, pooled)
        resumed = second.start("pooled", seed=12)
        assert resumed.attempt_id == checked.attempt_id
        assert resumed.drawn == drawn and resumed.draw_seed == 11
        assert sorted(q.id for q in resumed.questions) == sorted(drawn)
        assert [c.question_id for c in resumed.answered] == [drawn[1]]
        for qid in drawn:
            if qid != drawn[1]:
                second.submit("pooled", resumed.attempt_id, qid, WRONG[qid])
        outcome = second.finish("pooled", resumed.attempt_id)
        second.close()
    # one right answer of 1 point out of the drawn 5: 20 %, under the 60 % pass mark
    assert (outcome.score, outcome.max_score, outcome.percent, outcome.passed) == (
        1.0, 5.0, 20.0, False)


def test_each_attempt_draws_again(store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    with ProgressStore(store_url) as store:
        assessment = _assessment(store, tmp_path, pooled, "bob")
        seen = []
        for seed in (1, 2):  # seeds 1 and 2 draw different questions
            state = assessment.start("pooled", seed=seed)
            for question in state.questions:
                assessment.submit("pooled", state.attempt_id, question.id, RIGHT[question.id])
            outcome = assessment.finish("pooled", state.attempt_id)
            assert (outcome.max_score, outcome.passed) == (5.0, True)
            seen.append(state.drawn)
        assessment.close()
        stored = [a.drawn for a in store.attempts("bob")]
    assert seen[0] != seen[1]
    assert stored == seen


def test_a_version_2_store_gains_the_draw_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    ProgressStore(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:  # back to store version 2: no draw columns
        connection.execute(text("ALTER TABLE kt_attempts DROP COLUMN draw_seed"))
        connection.execute(text("ALTER TABLE kt_attempts DROP COLUMN drawn_questions"))
        connection.execute(text("UPDATE kt_meta SET value = '2' WHERE key = 'schema_version'"))
        connection.execute(text(
            "INSERT INTO kt_attempts (learner_id, quiz_id, attempt, started_at, finished_at, "
            "score, max_score, pass_mark, passed) VALUES ('ann', 'practice', 1, "
            "'2026-01-01 10:00:00', '2026-01-01 10:05:00', 2.0, 2.0, 50.0, 1)"))
    engine.dispose()
    with ProgressStore(url) as store:
        (old,) = store.attempts()
        assert (old.score, old.draw_seed, old.drawn) == (2.0, None, None)
        number = store.start_attempt("ann", "pooled", max_score=5.0, pass_mark=60.0,
                                     draw_seed=5, drawn=["intro", "bp1"])
        new = store.attempts("ann", "pooled")[0]
    assert (number, new.draw_seed, new.drawn) == (1, 5, ("intro", "bp1"))
    engine = create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(text(
            "SELECT value FROM kt_meta WHERE key = 'schema_version'")).scalar()
    engine.dispose()
    assert version == "3"


# -- item analysis across draws and versions (numbers worked out by hand) ------------------
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
# attempt: drawn questions and the marks they got (d1/d2 are worth 2 points)
DRAWS = {
    "a1": {"intro": 1, "bp1": 1, "bp2": 1, "d1": 2},  # total 5
    "a2": {"intro": 1, "bp1": 0, "bp3": 1, "d2": 0},  # total 2
    "a3": {"intro": 0, "bp2": 0, "bp3": 0, "d1": 0},  # total 0
    "a4": {"intro": 1, "bp1": 1, "bp2": 0, "d2": 2},  # total 4
}


def _history(pooled: Quiz) -> tuple[list[AttemptRecord], list[Submission]]:
    attempts, answers = [], []
    for n, (learner, marks) in enumerate(DRAWS.items()):
        start = T0 + timedelta(hours=n)
        attempts.append(AttemptRecord(
            learner, "pooled", 1, start, start + timedelta(minutes=5), float(sum(marks.values())),
            5.0, 60.0, sum(marks.values()) >= 3, draw_seed=n, drawn=tuple(marks)))
        for qid, mark in marks.items():
            question = pooled.question(qid)
            answers.append(Submission(
                f"{learner}-{qid}", learner, "pooled", qid, 1, RIGHT[qid] if mark else
                WRONG[qid], float(mark), question.points, mark == question.points, 5.0, start,
                question_hash=grading_hash(question)))
    return attempts, answers


def test_each_question_is_analysed_over_the_attempts_that_drew_it(
        store_url: str, pooled: Quiz) -> None:
    with ProgressStore(store_url) as store:
        store.import_history(*_history(pooled))
        stats = analyse(marks_from_store(store, pooled, "all"))
    bp1, bp3 = stats.question("bp1"), stats.question("bp3")
    # bp1 was drawn by a1, a2, a4: x = 1, 0, 1; totals 5, 2, 4; rest y = 4, 2, 3.
    # facility 2/3; Cov(x, y) = (1/3 * 1 + 2/3 * 1 + 1/3 * 0) / 2 = 1/2; Var x = 1/3; Var y = 1
    # D = 100 * (1/2) / sqrt(1/3) = 50 sqrt(3) = 86.6 (over all 4 attempts, with a3's
    # undrawn bp1 counted as 0, it would be facility 1/2).
    assert (bp1.attempts, bp1.responses) == (3, 3)
    assert bp1.facility == pytest.approx(2 / 3)
    assert bp1.discrimination_index == pytest.approx(50 * math.sqrt(3))
    # bp3 was drawn by a2, a3: x = 1, 0; y = 1, 0: a perfect correlation, facility 1/2
    assert (bp3.attempts, bp3.facility, bp3.discrimination_index) == (
        2, pytest.approx(0.5), pytest.approx(100.0))
    # intro is outside the pools: all 4 attempts, 3 right
    assert (stats.question("intro").attempts, stats.question("intro").facility) == (4, 0.75)
    # d2 (2 points) drawn by a2 (0) and a4 (2): facility 1/2
    assert (stats.question("d2").attempts, stats.question("d2").facility) == (2, 0.5)
    assert stats.max_mark == 5.0 and stats.mean == pytest.approx(11 / 4)
    assert stats.cic is None and stats.varied
    assert any("not all answer the same questions" in line for line in stats.verdict)


def test_stats_show_how_many_attempts_asked_each_question(
        store_url: str, pooled: Quiz, capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressStore(store_url) as store:
        store.import_history(*_history(pooled))
    assert main(["stats", str(POOLED), "--attempts", "all", "--db", store_url]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("question"))
    assert header.split()[:3] == ["question", "asked", "n"]
    bp1 = next(line for line in out.splitlines() if line.startswith("bp1 "))
    assert bp1.split()[1:4] == ["3", "3", "0.67"]
    assert "Reliability (CIC) is not computed" in out


def test_the_results_list_the_questions_each_attempt_drew(
        store_url: str, pooled: Quiz, capsys: pytest.CaptureFixture[str]) -> None:
    with ProgressStore(store_url) as store:
        store.import_history(*_history(pooled))
    assert main(["results", "--by-attempt", "--quiz", "pooled", "--db", store_url]) == 0
    out = capsys.readouterr().out
    a3 = next(line for line in out.splitlines() if line.startswith("a3 "))
    assert "intro, bp2, bp3, d1" in a3
    assert main(["results", "--by-attempt", "--format", "json", "--db", store_url]) == 0
    rows = json.loads(capsys.readouterr().out)["attempts"]
    assert [r["drawn"] for r in rows if r["learner_id"] == "a2"] == [
        ["intro", "bp1", "bp3", "d2"]]
    assert [r["draw_seed"] for r in rows if r["learner_id"] == "a2"] == [1]  # as stored
    assert main(["results", "--by-attempt", "--format", "csv", "--db", store_url]) == 0
    csv_rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["drawn"], r["draw_seed"]) for r in csv_rows if r["learner_id"] == "a2"] == [
        ("intro bp1 bp3 d2", "1")]


def test_stats_by_version_keep_a_key_fix_apart(store_url: str, practice_quiz: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    quiz = load_quiz(practice_quiz)
    bp, dose = quiz.question("bp"), quiz.question("dose")
    fixed = bp.model_copy(update={"answer": False})  # the key fix: a new version of bp
    # (learner, bp answer, bp mark, bp version's question, dose mark)
    rows = [("ann", True, 1.0, bp, 1.0), ("bob", True, 1.0, bp, 0.0),
            ("cara", False, 1.0, fixed, 1.0), ("dan", True, 0.0, fixed, 0.0)]
    with ProgressStore(store_url) as store:
        for batch in (rows[:2], rows[2:]):  # version 1 first answered before version 2
            attempts, answers = [], []
            for n, (learner, response, mark, version, dose_mark) in enumerate(batch):
                start = T0 + timedelta(hours=n)
                attempts.append(AttemptRecord(learner, quiz.id, 1, start, start, mark +
                                              dose_mark, 2.0, 50.0, True))
                answers += [
                    Submission(f"{learner}-bp", learner, quiz.id, "bp", 1, response, mark,
                               1.0, bool(mark), 5.0, start, question_hash=grading_hash(version)),
                    Submission(f"{learner}-dose", learner, quiz.id, "dose", 1,
                               40.0 if dose_mark else 4.0, dose_mark, 1.0, bool(dose_mark), 5.0,
                               start, question_hash=grading_hash(dose))]
            store.import_history(attempts, answers)
        mixed = analyse(marks_from_store(store, quiz, "all"))
        split = analyse(marks_from_store(store, quiz, "all", by_version=True))
    # mixed: bp x = 1, 1, 1, 0: facility 3/4 over both keys
    assert [(q.id, q.version) for q in mixed.questions] == [("bp", None), ("dose", None)]
    assert mixed.question("bp").facility == 0.75
    v1, v2, dose_row = split.questions
    assert [(q.id, q.version, q.attempts) for q in split.questions] == [
        ("bp", 1, 2), ("bp", 2, 2), ("dose", 1, 4)]
    # version 1 (ann, bob): both right, facility 1, no spread
    assert v1.facility == 1.0 and "no_variance" in v1.flags
    # version 2 (cara, dan): x = 1, 0; totals 2, 0; y = 1, 0: facility 1/2, D = 100
    assert (v2.facility, v2.discrimination_index) == (0.5, pytest.approx(100.0))
    assert dose_row.facility == 0.5
    # what the trainer reads: one row per version, with how many attempts asked it
    capsys.readouterr()
    assert main(["stats", str(practice_quiz), "--db", store_url, "--attempts", "all",
                 "--by-version"]) == 0
    rows = {line.split()[0] + " " + line.split()[1]: line.split()[2:5]
            for line in capsys.readouterr().out.splitlines()
            if line.startswith(("bp v", "dose v"))}
    assert rows == {"bp v1": ["2", "2", "1.00"], "bp v2": ["2", "2", "0.50"],
                    "dose v1": ["4", "4", "0.50"]}


# -- regrading a quiz with pools ------------------------------------------------------------
def _pooled_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    folder = tmp_path / "quizzes"
    folder.mkdir(exist_ok=True)
    for name in ("references.yaml", "objectives.yaml"):
        (folder / name).write_text((POOLED.parent / name).read_text())
    text_ = POOLED.read_text()
    if edit is not None:
        assert edit[0] in text_
        text_ = text_.replace(*edit)
    (folder / "pooled.yaml").write_text(text_)
    return folder / "pooled.yaml"


def test_regrade_rescores_each_attempt_over_the_questions_it_drew(
        store_url: str, pooled: Quiz, tmp_path: Path) -> None:
    # the key of bp2 is "fixed" from false to true
    path = _pooled_copy(tmp_path, ("Statement bp2 is true.\n    answer: false",
                                   "Statement bp2 is true.\n    answer: true"))
    with ProgressStore(store_url) as store:
        store.import_history(*_history(pooled))
        report = regrade(store, load_quiz(path), by="trainer-t")
        after = {a.learner_id: a for a in store.attempts(quiz_id="pooled")}
    # bp2 was drawn by a1 (answered false: 1 -> 0), a3 (true: 0 -> 1), a4 (true: 0 -> 1)
    assert sorted((c.learner_id, c.old_score, c.new_score) for c in report.answers) == [
        ("a1", 1.0, 0.0), ("a3", 0.0, 1.0), ("a4", 0.0, 1.0)]
    # a2 did not draw bp2: untouched. Maxima stay those of each attempt's 5 drawn points.
    assert {k: (a.score, a.max_score, a.passed) for k, a in after.items()} == {
        "a1": (4.0, 5.0, True), "a2": (2.0, 5.0, False), "a3": (1.0, 5.0, False),
        "a4": (5.0, 5.0, True)}
    assert after["a1"].drawn == ("intro", "bp1", "bp2", "d1")


def test_regrade_refuses_a_quiz_whose_drawn_question_was_removed(
        store_url: str, pooled: Quiz, tmp_path: Path) -> None:
    block = POOLED.read_text().split("  - id: bp3\n")[1].split("  - id: d1\n")[0]
    path = _pooled_copy(tmp_path, ("  - id: bp3\n" + block, ""))
    with ProgressStore(store_url) as store:
        store.import_history(*_history(pooled))
        before = [(a.learner_id, a.score) for a in store.attempts()]
        with pytest.raises(RegradeError) as caught:
            regrade(store, load_quiz(path))
        assert [(a.learner_id, a.score) for a in store.attempts()] == before
        assert history(store, "pooled") == []
    message = str(caught.value)
    assert "'bp3'" in message and "2 stored answer(s)" in message
    assert "take it out of its pool" in message


def test_regrade_against_a_pool_smaller_than_its_draw_is_one_sentence_and_writes_nothing(
        store_url: str, pooled: Quiz, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _pooled_copy(tmp_path, ("  - tag: bp\n    draw: 2\n", "  - tag: bp\n    draw: 4\n"))
    with ProgressStore(store_url) as store:
        store.import_history(*_history(pooled))
        before = [(a.learner_id, a.score) for a in store.attempts()]
    capsys.readouterr()
    assert main(["regrade", str(path), "--db", store_url]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"ketatraining: {path}:11:5: error KQ250 [field pools[1].draw] Pool 1 "
                          "draws 4 questions but holds only 3 questions (tag 'bp': bp1, bp2, "
                          "bp3). Fix: Lower 'draw' to 3")
    with ProgressStore(store_url) as store:
        assert [(a.learner_id, a.score) for a in store.attempts()] == before
        assert history(store, "pooled") == []


def test_a_pool_by_objective_draws_from_that_objective_s_questions(
        pooled: Quiz, tmp_path: Path) -> None:
    from ketatraining.quiz.loading import check_file

    named = "  - questions: [d1, d2]\n    draw: 1\n"
    path = _pooled_copy(tmp_path, (named, "  - objective: obj2\n    draw: 1\n"))
    by_objective = load_quiz(path)
    assert by_objective.pools[1].members(by_objective.questions) == ["d1", "d2"]
    draws = {seed: draw_ids(by_objective, seed) for seed in range(40)}
    assert all(len({"d1", "d2"} & set(ids)) == 1 for ids in draws.values())
    assert {i for ids in draws.values() for i in ids} >= {"d1", "d2"}  # either can come
    # the same questions in the same order draw exactly as the named list does
    assert all(ids == draw_ids(pooled, seed) for seed, ids in draws.items())
    path.write_text(path.read_text().replace("  - objective: obj2\n    draw: 1\n",
                                             "  - objective: obj2\n    draw: 3\n"))
    _, problems = check_file(path)
    assert [(p.code, p.line) for p in problems] == [("KQ250", 13)]
    assert "holds only 2 questions (objective 'obj2': d1, d2)" in problems[0].message
    path.write_text(path.read_text().replace("objective: obj2\n    draw: 3", "objective: "
                                             "obj9\n    draw: 1"))
    _, problems = check_file(path)
    assert [p.code for p in problems] == ["KQ251"]


def test_the_demo_cohort_answers_each_attempt_s_own_draw(pooled: Quiz) -> None:
    from ketatraining.analysis.demo import generate_cohort

    cohort = generate_cohort([pooled], 30, seed=4)
    answered: dict[tuple[str, int], set[str]] = {}
    for answer in cohort.submissions:
        answered.setdefault((answer.learner_id, answer.attempt), set()).add(answer.question_id)
    assert cohort.attempts
    for attempt in cohort.attempts:
        assert attempt.drawn is not None and len(attempt.drawn) == 4
        assert attempt.max_score == 5.0
        if attempt.finished_at is not None:
            assert answered[(attempt.learner_id, attempt.attempt)] == set(attempt.drawn)
    assert len({a.drawn for a in cohort.attempts}) > 1


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_any_draw_asks_k_per_pool_and_its_points(seed: int) -> None:
    quiz = load_quiz(POOLED)
    ids = draw_ids(quiz, seed)
    for pool in quiz.pools:
        assert len(set(ids) & set(pool.members(quiz.questions))) == pool.draw
    asked = asked_quiz(quiz, ids)
    assert asked.max_score == sum(quiz.question(i).points for i in ids) == most_points(quiz)


def test_an_answer_left_in_the_outbox_opens_its_attempt_with_its_draw(
        store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    """A kernel killed before the store had its first answer: the next kernel writes it,
    opening the attempt with the draw the learner saw, and resumes that draw."""
    from ketatraining.progress.outbox import answer_item
    from ketatraining.progress.records import utcnow
    from ketatraining.progress.store import new_submission_id

    drawn = draw_ids(pooled, 9)
    outbox = Outbox(tmp_path / "outbox-kim.jsonl")
    first = pooled.question(drawn[0])
    outbox.add(answer_item(
        Submission(new_submission_id(), "kim", "pooled", first.id, 0, RIGHT[first.id], 1.0,
                   1.0, True, 3.0, utcnow(), question_hash=grading_hash(first)),
        round_key="killed", attempt=None, max_score=5.0, pass_mark=60.0, draw_seed=9,
        drawn=list(drawn)))
    with ProgressStore(store_url) as store:
        assessment = LocalAssessment(store, learner_id="kim", outbox=outbox)
        assessment.add_quiz(pooled)
        state = assessment.start("pooled", seed=1)  # another seed: the stored draw wins
        assessment.close()
        (attempt,) = store.attempts("kim")
    assert (state.drawn, state.draw_seed) == (drawn, 9)
    assert [c.question_id for c in state.answered] == [first.id]
    assert (attempt.drawn, attempt.draw_seed, attempt.max_score) == (drawn, 9, 5.0)


def test_by_version_rows_follow_what_was_answered_not_what_a_regrade_changed(
        store_url: str, practice_quiz: Path, tmp_path: Path) -> None:
    """A regrade writes audit rows only for answers whose score changes; the split must not
    put the unchanged ones (re-marked too) under the old version."""
    quiz = load_quiz(practice_quiz)
    with ProgressStore(store_url) as store:
        attempts, answers = [], []
        for n, (learner, response) in enumerate((("ann", True), ("bob", False))):
            start = T0 + timedelta(hours=n)
            mark = 1.0 if response else 0.0
            attempts.append(AttemptRecord(learner, quiz.id, 1, start, start, mark + 1, 2.0,
                                          50.0, True))
            answers += [Submission(f"{learner}-bp", learner, quiz.id, "bp", 1, response, mark,
                                   1.0, bool(mark), 5.0, start,
                                   question_hash=grading_hash(quiz.question("bp"))),
                        Submission(f"{learner}-dose", learner, quiz.id, "dose", 1, 40.0, 1.0,
                                   1.0, True, 5.0, start,
                                   question_hash=grading_hash(quiz.question("dose")))]
        store.import_history(attempts, answers)
        fixed_path = tmp_path / "fixed" / "practice.yaml"
        fixed_path.parent.mkdir()
        for name in ("references.yaml", "objectives.yaml"):
            (fixed_path.parent / name).write_text((practice_quiz.parent / name).read_text())
        fixed_path.write_text(practice_quiz.read_text().replace("    answer: true\n",
                                                                "    answer: false\n"))
        fixed = load_quiz(fixed_path)
        regrade(store, fixed)  # both bp answers change score
        # a third learner answers the fixed version (2), unchanged dose
        start = T0 + timedelta(hours=5)
        store.import_history(
            [AttemptRecord("cara", quiz.id, 1, start, start, 2.0, 2.0, 50.0, True)],
            [Submission("cara-bp", "cara", quiz.id, "bp", 1, False, 1.0, 1.0, True, 5.0, start,
                        question_hash=grading_hash(fixed.question("bp"))),
             Submission("cara-dose", "cara", quiz.id, "dose", 1, 40.0, 1.0, 1.0, True, 5.0,
                        start, question_hash=grading_hash(fixed.question("dose")))])
        split = analyse(marks_from_store(store, fixed, "all", by_version=True))
    rows = {(q.id, q.version): q for q in split.questions}
    # ann and bob were asked version 1 (regraded: ann 1 -> 0, bob 0 -> 1); cara version 2
    assert set(rows) == {("bp", 1), ("bp", 2), ("dose", 1)}
    assert (rows[("bp", 1)].attempts, rows[("bp", 1)].facility) == (2, 0.5)
    assert (rows[("bp", 2)].attempts, rows[("bp", 2)].facility) == (1, 1.0)
    assert rows[("dose", 1)].attempts == 3


def test_an_attempt_opened_before_its_quiz_had_pools_resumes_with_one_draw(
        store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    """Opened and answered once while the quiz asked everything; the trainer then adds
    pools. Every later kernel resumes it with the same questions: the draw the course
    server gives that attempt (seed_for its number), so local and hub agree."""
    unpooled = pooled.model_copy(update={"pools": []})
    with ProgressStore(store_url) as store:
        before = _assessment(store, tmp_path, unpooled, "eve")
        state = before.start("pooled")
        assert state.drawn == () and len(state.questions) == 6
        before.submit("pooled", state.attempt_id, "intro", RIGHT["intro"])
        before.close()
        resumes = []
        for _ in range(4):  # four kernels, one after the other
            kernel = _assessment(store, tmp_path, pooled, "eve")
            resumes.append(kernel.start("pooled", seed=len(resumes)))
            kernel.close()
        expected = draw_ids(pooled, seed_for("eve", "pooled", 1))
        assert {r.drawn for r in resumes} == {expected}
        assert {r.draw_seed for r in resumes} == {seed_for("eve", "pooled", 1)}
        assert {tuple(sorted(q.id for q in r.questions)) for r in resumes} == {
            tuple(sorted(expected))}
        assert [c.question_id for c in resumes[-1].answered] == ["intro"]
        kernel = _assessment(store, tmp_path, pooled, "eve")
        resumed = kernel.start("pooled")
        for qid in expected[1:]:
            kernel.submit("pooled", resumed.attempt_id, qid, RIGHT[qid])
        outcome = kernel.finish("pooled", resumed.attempt_id)
        kernel.close()
        (attempt,) = store.attempts("eve")
    assert (outcome.score, outcome.max_score, outcome.passed) == (5.0, 5.0, True)
    # the draw is stored: results, stats and regrade see the questions it asked
    assert (attempt.drawn, attempt.draw_seed) == (expected, seed_for("eve", "pooled", 1))
    assert (attempt.max_score, attempt.percent, attempt.passed) == (5.0, 100.0, True)


def test_an_outbox_round_begun_before_pools_opens_its_attempt_with_the_draw_shown(
        store_url: str, tmp_path: Path, pooled: Quiz) -> None:
    """The first answer (before pools, no draw) and a later one (after a resume, with
    the draw the learner saw) both wait in the outbox: the attempt is opened with that
    draw, so the next resume shows those questions again."""
    from ketatraining.progress.outbox import answer_item
    from ketatraining.progress.records import utcnow
    from ketatraining.progress.store import new_submission_id

    drawn = draw_ids(pooled, 5)
    later = next(q for q in drawn if q != "intro")
    outbox = Outbox(tmp_path / "outbox-lou.jsonl")
    # the first answer: the whole bank (8 points); the later one: the draw (5 points)
    for qid, top, draw in (("intro", 8.0, {}),
                           (later, 5.0, {"draw_seed": 5, "drawn": list(drawn)})):
        question = pooled.question(qid)
        outbox.add(answer_item(
            Submission(new_submission_id(), "lou", "pooled", qid, 0, RIGHT[qid],
                       question.points, question.points, True, 3.0, utcnow(),
                       question_hash=grading_hash(question)),
            round_key="old", attempt=None, max_score=top, pass_mark=60.0, **draw))
    with ProgressStore(store_url) as store:
        assessment = LocalAssessment(store, learner_id="lou", outbox=outbox)
        assessment.add_quiz(pooled)
        state = assessment.start("pooled", seed=1)
        assessment.close()
        (attempt,) = store.attempts("lou")
    assert (attempt.drawn, attempt.draw_seed, attempt.max_score) == (drawn, 5, 5.0)
    assert (state.drawn, state.draw_seed) == (drawn, 5)
    assert sorted(c.question_id for c in state.answered) == sorted(["intro", later])


def test_a_late_draw_never_replaces_a_stored_draw_or_touches_a_finished_attempt(
        store_url: str) -> None:
    with ProgressStore(store_url) as store:
        drawn = store.start_attempt("max", "pooled", max_score=5.0, pass_mark=60,
                                    draw_seed=1, drawn=["intro"])
        finished = store.start_attempt("max", "pooled", max_score=8.0, pass_mark=60)
        store.finish_attempt("max", "pooled", finished, score=8.0, passed=True)
        open_one = store.start_attempt("max", "pooled", max_score=8.0, pass_mark=60)
        for number in (drawn, finished, open_one):
            store.record_draw("max", "pooled", number, draw_seed=2, drawn=["bp1"],
                              max_score=1.0)
        rows = {a.attempt: (a.drawn, a.draw_seed, a.max_score) for a in store.attempts("max")}
    assert rows == {drawn: (("intro",), 1, 5.0), finished: (None, None, 8.0),
                    open_one: (("bp1",), 2, 1.0)}
