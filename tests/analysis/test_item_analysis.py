"""Item analysis against examples worked by hand and against Moodle's own fixture."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from ketatraining.analysis.item_analysis import FLAGS, analyse
from ketatraining.analysis.marks import (
    MarksError,
    MarksTable,
    NoAttemptsError,
    OptionCount,
    marks_from_store,
    read_marks_csv,
    select_attempts,
)
from ketatraining.progress.records import AttemptRecord, Submission
from ketatraining.progress.store import ProgressStore
from ketatraining.quiz.model import Quiz


def table(rows: list[list[float]], max_marks: list[float] | None = None,
          **kwargs: object) -> MarksTable:
    marks = np.array(rows, dtype=float)
    ids = [f"q{j + 1}" for j in range(marks.shape[1])]
    tops = np.array(max_marks if max_marks else [1.0] * marks.shape[1])
    return MarksTable(ids, tops, marks, **kwargs)  # type: ignore[arg-type]


# -- a small example worked by hand ---------------------------------------------------------
# Five attempts, two questions marked 0/1:
#   q1 = 1 1 1 0 0, q2 = 1 1 0 1 0, so T = 2 2 1 1 0.
# Means 0.6 and 0.6; deviations q1 (.4 .4 .4 -.6 -.6), q2 (.4 .4 -.6 .4 -.6).
# Var q1 = Var q2 = (3 x .16 + 2 x .36) / 4 = 0.3. With two questions y(q1) = q2, so
# Cov(x, y) = (.16 + .16 - .24 - .24 + .36) / 4 = 0.05 and D = 100 x .05 / .3 = 50/3.
# Sorted q1 and sorted q2 are both (0 0 1 1 1): Cov_max = Var = .3, so E = 50/3 too.
# Cov(x, T) = Var x + Cov(x, y) = .35 for both, so each effective weight is 50.
# T deviations from 1.2: (.8 .8 -.2 -.2 -1.2); m2 = 2.8/5 = .56, k2 = 2.8/4 = .7.
# m3 = -.72/5 = -.144, k3 = 25 x -.144 / (4 x 3) = -.3, skewness = -.3 / .7^1.5.
# m4 = 2.896/5 = .5792, k4 = 25 x (6 x .5792 - 3 x 4 x .56^2) / (4 x 3 x 2) = -.3,
# kurtosis = -.3 / .49. CIC = 100 x 2/1 x (1 - .6/.7) = 200/7; ER = 100 sqrt(5/7);
# SE = ER x SD / 100 = sqrt(5/7) x sqrt(.7) = sqrt(.5).
HAND = [[1, 1], [1, 1], [1, 0], [0, 1], [0, 0]]


def test_hand_example_per_question() -> None:
    stats = analyse(table(HAND))
    for question in stats.questions:
        assert question.facility == pytest.approx(0.6)
        assert question.sd == pytest.approx(math.sqrt(0.3))
        assert question.discrimination_index == pytest.approx(50 / 3)
        assert question.discriminative_efficiency == pytest.approx(50 / 3)
        assert question.effective_weight == pytest.approx(50.0)
        assert question.intended_weight == pytest.approx(50.0)
        assert question.covariance == pytest.approx(0.05)
        assert question.responses == 5
        assert question.flags == ("weak_discrimination",)


def test_hand_example_quiz_level() -> None:
    stats = analyse(table(HAND))
    assert stats.attempts == 5
    assert stats.max_mark == 2.0
    assert stats.mean == pytest.approx(1.2)
    assert stats.median == pytest.approx(1.0)
    assert stats.sd == pytest.approx(math.sqrt(0.7))
    assert stats.skewness == pytest.approx(-0.3 / 0.7 ** 1.5)
    assert stats.kurtosis == pytest.approx(-0.3 / 0.49)
    assert stats.cic == pytest.approx(200 / 7)
    assert stats.error_ratio == pytest.approx(100 * math.sqrt(5 / 7))
    assert stats.standard_error == pytest.approx(math.sqrt(0.5))


def test_marks_in_points_give_the_same_facility_and_discrimination() -> None:
    doubled = analyse(table([[2 * a, b] for a, b in HAND], max_marks=[2, 1]))
    q1 = doubled.question("q1")
    assert q1.facility == pytest.approx(0.6)
    assert q1.sd == pytest.approx(math.sqrt(0.3))
    assert q1.discrimination_index == pytest.approx(50 / 3)
    # Effective weight uses marks in points, as Moodle: the 2-mark question weighs more.
    assert q1.effective_weight > doubled.question("q2").effective_weight
    assert q1.intended_weight == pytest.approx(200 / 3)


# -- degenerate cases ------------------------------------------------------------------------
def test_one_attempt_defines_only_means() -> None:
    stats = analyse(table([[1, 0.5]]))
    q1, q2 = stats.questions
    assert (q1.facility, q2.facility) == (1.0, 0.5)
    for q in (q1, q2):
        assert q.sd is None
        assert q.discrimination_index is None
        assert q.discriminative_efficiency is None
        assert q.effective_weight is None
    assert stats.attempts == 1
    assert stats.mean == 1.5
    assert stats.median == 1.5
    for key in ("sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error"):
        assert getattr(stats, key) is None, key


def test_all_same_marks_are_null_not_nan() -> None:
    stats = analyse(table([[0.7, 1], [0.7, 1], [0.7, 1]]))
    for q in stats.questions:
        assert q.sd == 0.0
        assert q.discrimination_index is None
        assert q.discriminative_efficiency is None
        assert q.effective_weight is None  # every Cov(x, T) is 0: no denominator
        assert "no_variance" in q.flags
    assert stats.question("q2").flags == ("too_easy", "no_variance")
    assert stats.sd == 0.0
    assert stats.skewness is None
    assert stats.kurtosis is None
    assert stats.cic is None
    encoded = str(stats.to_dict())
    assert "nan" not in encoded


def test_question_nobody_answered_is_left_out() -> None:
    nan = math.nan
    with_gap = analyse(table([[1, nan, 0], [0, nan, 1], [1, nan, 1], [1, nan, 0]]))
    without = analyse(table([[1, 0], [0, 1], [1, 1], [1, 0]]))
    q2 = with_gap.question("q2")
    assert q2.responses == 0
    assert q2.flags == ("no_responses",)
    assert q2.facility is None
    assert q2.discrimination_index is None
    assert q2.intended_weight is None
    assert with_gap.max_mark == 2.0
    assert with_gap.cic == pytest.approx(without.cic)
    assert with_gap.question("q3").discrimination_index == pytest.approx(
        without.question("q2").discrimination_index)


def test_unanswered_cell_scores_zero() -> None:
    gap = analyse(table([[1, math.nan], [0, 1], [1, 1]]))
    zero = analyse(table([[1, 0], [0, 1], [1, 1]]))
    assert gap.question("q2").facility == pytest.approx(zero.question("q2").facility)
    assert gap.question("q2").responses == 2
    assert gap.cic == pytest.approx(zero.cic)


def test_negative_covariance_has_no_effective_weight() -> None:
    # T = (1, 2): q1 (1, 0) runs against it (Cov(x, T) = -0.5); q2 and q3 get +0.5 each,
    # so they share the effective weight equally.
    stats = analyse(table([[1, 0, 0], [0, 1, 1]]))
    q1 = stats.question("q1")
    assert q1.effective_weight is None
    assert "negative_covariance" in q1.flags
    assert "negative_discrimination" in q1.flags
    assert stats.question("q2").effective_weight == pytest.approx(50.0)
    assert stats.question("q3").effective_weight == pytest.approx(50.0)


def test_no_attempts_is_an_error() -> None:
    with pytest.raises(NoAttemptsError):
        analyse(MarksTable(["q1"], np.ones(1), np.empty((0, 1))))


def test_every_flag_is_explained() -> None:
    stats = analyse(table([[1, 0, 0], [0, 1, 1], [1, 1, 1], [0, 0, 1]]))
    for question in stats.questions:
        assert set(question.flags) <= set(FLAGS)


# -- distractor analysis ----------------------------------------------------------------------
def test_option_rates_and_popular_distractor() -> None:
    options = {"q1": [OptionCount("a", "Right", True, 1), OptionCount("b", "Tempting", False, 2),
                      OptionCount("c", "Other", False, 0)]}
    stats = analyse(table([[1, 1], [0, 1], [0, 0]], options=options))
    q1 = stats.question("q1")
    assert [(o.option, o.count, o.rate) for o in q1.options] == [
        ("a", 1, pytest.approx(1 / 3)), ("b", 2, pytest.approx(2 / 3)), ("c", 0, 0.0)]
    assert "popular_distractor" in q1.flags
    assert stats.question("q2").options == ()


# -- Moodle's fixture -----------------------------------------------------------------------------
# The 25 attempts x 7 slots of marks in Moodle's quiz-statistics test fixture
# (mod/quiz/report/statistics/tests/fixtures/results00.csv), and the values Moodle's tests
# expect (qstats00.csv; quiz level in stats_from_steps_walkthrough_test.php). Only the
# numbers are used, as an independent oracle for the formulas.
MOODLE_MARKS = """
1,1,1,1,1,0,1
1,1,1,1,0.5,1,0
1,1,1,1,0.5,0,1
0,0,1,1,1,0,0
1,0,1,0,0,1,0.5
1,1,1,1,0.5,0,0.5
0,1,1,1,0.5,1,0.5
1,1,1,0,0.5,1,0.5
1,0,1,1,1,1,1
0,1,1,0,0.5,1,0.5
0.8,0,1,1,0.5,1,0.5
1,1,1,0,0.5,1,1
1,0,1,1,0.5,1,0.5
1,0,1,1,1,0,0.5
0,0,1,1,0,1,1
1,0,1,0,0.5,1,1
0.8,0,1,1,0.5,0,1
1,0,1,1,0,1,0.5
1,0,1,1,0.5,0,0.5
0,1,1,0,0.5,1,0
1,1,0.3333333,1,0.5,0,0.5
1,1,1,0,0.5,0,0.5
1,1,1,1,0,1,0.5
0,0,1,0,0.5,1,1
0,0,1,1,1,1,1
"""
# slot: facility, sd, effective weight, covariance, mark variance, other mark variance,
#       discrimination index, covariance max, discriminative efficiency
MOODLE_QSTATS = {
    1: (0.704, 0.4513682901, 21.2922742344, -0.022555556, 0.2037333333, 0.5002777794,
        -7.0650767526, 0.2385555565, -9.4550536967),
    2: (0.48, 0.5099019514, 18.8979800309, -0.1172777785, 0.26, 0.6334555578,
        -28.8982125772, 0.318833334, -36.7834118938),
    3: (0.973333332, 0.13333334, 4.443012573, -0.0098888894, 0.0177777796, 0.6609,
        -9.1230674268, 0.045666669, -21.6545012165),
    4: (0.68, 0.4760952286, 18.9347251357, -0.0833888893, 0.2266666667, 0.5990111128,
        -22.6306444113, 0.2652222232, -31.4411395613),
    5: (0.52, 0.3055050463, 11.1450138688, -0.0436944444, 0.0933333333, 0.6529555563,
        -17.6997047674, 0.2063055556, -21.1794802584),
    6: (0.64, 0.4898979486, 9.8081339177, -0.2015555547, 0.24, 0.8220111101,
        -45.3785178421, 0.3539999995, -56.9365974439),
    7: (0.62, 0.331662479, 15.4788602394, -0.0142499998, 0.11, 0.5774000005,
        -5.6543166602, 0.2190833335, -6.5043742058),
}


def moodle_table() -> MarksTable:
    rows = [[float(v) for v in line.split(",")] for line in MOODLE_MARKS.split()]
    return MarksTable([str(slot) for slot in range(1, 8)], np.ones(7), np.array(rows))


@pytest.mark.parametrize("slot", sorted(MOODLE_QSTATS))
def test_moodle_fixture_per_question(slot: int) -> None:
    q = analyse(moodle_table()).question(str(slot))
    (facility, sd, ew, cov, var, other_var, d, cov_max, e) = MOODLE_QSTATS[slot]
    # Moodle's own tolerances: relative 1e-5 for covariances, D, E and EW; 1e-6 otherwise.
    assert q.facility == pytest.approx(facility, rel=1e-6)
    assert q.sd == pytest.approx(sd, rel=1e-6)
    assert q.mark_variance == pytest.approx(var, rel=1e-6)
    assert q.other_mark_variance == pytest.approx(other_var, rel=1e-6)
    assert q.effective_weight == pytest.approx(ew, rel=1e-5)
    assert q.covariance == pytest.approx(cov, rel=1e-5)
    assert q.discrimination_index == pytest.approx(d, rel=1e-5)
    assert q.covariance_max == pytest.approx(cov_max, rel=1e-5)
    assert q.discriminative_efficiency == pytest.approx(e, rel=1e-5)


def test_moodle_fixture_quiz_level() -> None:
    stats = analyse(moodle_table())
    expected = {"median": 4.5, "mean": 4.617333, "sd": 0.8117266, "skewness": -0.0925025,
                "kurtosis": -0.7073969, "cic": -87.22309, "error_ratio": 136.82949,
                "standard_error": 1.1106813}
    for key, value in expected.items():
        assert getattr(stats, key) == pytest.approx(value, rel=1e-6), key
    assert stats.attempts == 25


def test_larger_random_table_agrees_with_a_plain_python_computation() -> None:
    rng = np.random.default_rng(3)
    marks = (rng.random((40, 6)) < rng.random(6)).astype(float)
    marks[:, 2] = np.round(rng.random(40), 2)
    stats = analyse(table(marks.tolist()))
    totals = marks.sum(axis=1)
    for j, question in enumerate(stats.questions):
        x = marks[:, j]
        y = totals - x
        expected = 100 * np.cov(x, y)[0, 1] / math.sqrt(np.var(x, ddof=1) * np.var(y, ddof=1))
        assert question.discrimination_index == pytest.approx(expected)


# -- attempt policies -----------------------------------------------------------------------------
def record(learner: str, attempt: int, score: float) -> AttemptRecord:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(hours=attempt)
    return AttemptRecord(learner, "quiz", attempt, start, start + timedelta(minutes=5), score,
                         4.0, 50.0, score >= 2)


RECORDS = [record("ann", 1, 1.0), record("ann", 2, 3.0), record("ann", 3, 2.0),
           record("bob", 1, 4.0), record("bob", 2, 4.0), record("cy", 1, 0.0)]


@pytest.mark.parametrize(("policy", "expected"), [
    ("first", [("ann", 1), ("bob", 1), ("cy", 1)]),
    ("last", [("ann", 3), ("bob", 2), ("cy", 1)]),
    ("best", [("ann", 2), ("bob", 1), ("cy", 1)]),
    ("all", [("ann", 1), ("ann", 2), ("ann", 3), ("bob", 1), ("bob", 2), ("cy", 1)]),
])
def test_select_attempts(policy: str, expected: list[tuple[str, int]]) -> None:
    chosen = select_attempts(RECORDS, policy)  # type: ignore[arg-type]
    assert [(r.learner_id, r.attempt) for r in chosen] == expected


# -- from the progress store ----------------------------------------------------------------------
QUIZ = Quiz.model_validate({
    "schema_version": 1, "id": "mini", "title": "Mini", "topic": "risks", "pass_mark": 50,
    "questions": [
        {"id": "sc", "type": "single_choice", "prompt": "P", "explanation": "E",
         "objective": "o", "options": [
             {"id": "a", "text": "A", "correct": True, "feedback": "f"},
             {"id": "b", "text": "B", "feedback": "f"}]},
        {"id": "tf", "type": "true_false", "prompt": "P", "explanation": "E",
         "objective": "o", "answer": True, "feedback_true": "t", "feedback_false": "f",
         "points": 2.0},
    ],
})


def store_with(answers: list[tuple[str, int, str, object, float, float]],
               url: str) -> ProgressStore:
    store = ProgressStore(url)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    opened: set[tuple[str, int]] = set()
    for n, (learner, attempt, question, response, score, top) in enumerate(answers):
        if (learner, attempt) not in opened:
            assert store.start_attempt(learner, "mini", max_score=3, pass_mark=50) == attempt
            opened.add((learner, attempt))
        store.record(Submission(f"s{n}", learner, "mini", question, attempt, response, score,
                                top, score == top, 3.0, start))
    return store


def test_marks_from_store_applies_policy_and_counts_options(isolated_store: str) -> None:
    store = store_with([
        ("ann", 1, "sc", "b", 0, 1), ("ann", 1, "tf", False, 0, 2),
        ("ann", 2, "sc", "a", 1, 1), ("ann", 2, "tf", True, 2, 2),
        ("bob", 1, "sc", "a", 1, 1), ("bob", 1, "tf", False, 0, 2),
        ("cy", 1, "sc", "b", 0, 1),  # never finished: not counted
    ], isolated_store)
    store.finish_attempt("ann", "mini", 1, score=0, passed=False)
    store.finish_attempt("ann", "mini", 2, score=3, passed=True)
    store.finish_attempt("bob", "mini", 1, score=1, passed=False)
    with store:
        everything = marks_from_store(store, QUIZ, "all")
        first = marks_from_store(store, QUIZ, "first")
    assert everything.attempts == 3
    np.testing.assert_array_equal(everything.marks, [[0, 0], [1, 2], [1, 0]])
    np.testing.assert_array_equal(first.marks, [[0, 0], [1, 0]])
    sc = {o.option: o.count for o in everything.options["sc"]}
    assert sc == {"a": 2, "b": 1}
    tf = {o.option: (o.count, o.correct) for o in everything.options["tf"]}
    assert tf == {"true": (1, True), "false": (2, False)}
    stats = analyse(everything)
    assert stats.question("tf").facility == pytest.approx(1 / 3)
    assert "popular_distractor" in stats.question("tf").flags
    assert stats.quiz == "mini"


def test_marks_from_store_without_finished_attempts(isolated_store: str) -> None:
    with ProgressStore(isolated_store) as store, pytest.raises(NoAttemptsError,
                                                               match="No finished attempt"):
        marks_from_store(store, QUIZ)


# -- marks CSV --------------------------------------------------------------------------------------
def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "marks.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_marks_csv_fast_path(tmp_path: Path) -> None:
    marks = read_marks_csv(write(tmp_path, "attempt,q1,q2\n1,1,0.5\n2,0,1\n"))
    assert marks.question_ids == ["q1", "q2"]
    np.testing.assert_array_equal(marks.marks, [[1, 0.5], [0, 1]])


def test_read_marks_csv_empty_cell_is_unanswered(tmp_path: Path) -> None:
    marks = read_marks_csv(write(tmp_path, "\ufeffattempt,q1,q2\r\na,1,\r\nb,,1\r\n"))
    assert np.isnan(marks.marks[0, 1])
    assert np.isnan(marks.marks[1, 0])
    assert marks.marks[1, 1] == 1


@pytest.mark.parametrize(("text", "message"), [
    ("id,q1\n1,1\n", r"marks.csv:1: the first line must be 'attempt,<question id>"),
    ("attempt;q1;q2\n1;1;0\n", "separated by ';'"),
    ("attempt,q1,q1\n1,1,0\n", "'q1' appears twice"),
    ("attempt,q1,q2\n1,1,0\n2,1\n", "marks.csv:3: this row has 2 cells"),
    ("attempt,q1,q2\n1,1,0\n2,yes,1\n", "marks.csv:3: column 2 \\('yes'\\) is not a number"),
    ("attempt,q1,q2\n1,1,0\n2,1,5\n", "row 2, column 3 has the mark 5"),
    ("attempt,q1,q2\n1,1,0,1\n", "this row has 4 cells"),
    ("attempt,q1,q2\n1,1,0\n2,nan,1\n", "marks.csv:3: column 2 \\('nan'\\) is not a number"),
])
def test_read_marks_csv_errors_name_the_place(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MarksError, match=message):
        read_marks_csv(write(tmp_path, text))


def test_read_marks_csv_fast_and_careful_paths_agree(tmp_path: Path) -> None:
    plain = "attempt,q1,q2,q3\n1,1,,0.5\n2,,0,1\n3,0.25,1,\n"
    quoted = plain.replace("1,1,,", '"1",1,,')  # a quoted cell takes the careful path
    fast = read_marks_csv(write(tmp_path, plain)).marks
    careful = read_marks_csv(write(tmp_path, quoted)).marks
    np.testing.assert_array_equal(fast, careful)
    assert int(np.isnan(fast).sum()) == 3


def test_read_marks_csv_header_only(tmp_path: Path) -> None:
    with pytest.raises(NoAttemptsError, match="no attempts"):
        read_marks_csv(write(tmp_path, "attempt,q1\n"))


def test_read_marks_csv_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MarksError, match="does not exist"):
        read_marks_csv(tmp_path / "nope.csv")
