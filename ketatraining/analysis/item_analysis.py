"""Item analysis exactly as Moodle's quiz statistics define it (classical test theory).

Per attempt i: x = mark on a question (points), T = total mark, y = T - x (the rest of
the test); s attempts; variances and covariances divide by (s - 1).

Per question:
    facility                  mean(x) / max mark
    sd                        SD(x) / max mark
    discrimination_index      100 Cov(x, y) / sqrt(Var x Var y)       (null if the product is 0)
    discriminative_efficiency 100 Cov(x, y) / Cov_max, Cov_max the covariance of x and y
                              each sorted independently                (null if Cov_max is 0)
    effective_weight          100 sqrt(Cov(x, T)) / sum of sqrt(Cov(x_q, T)) over the
                              questions with Cov >= 0   (null, flagged, when Cov(x, T) < 0)
Per quiz (over T; m_r the r-th central moment dividing by s):
    k2 = s m2/(s-1); k3 = s^2 m3/((s-1)(s-2)); k4 = s^2((s+1) m4 - 3(s-1) m2^2)/((s-1)(s-2)(s-3))
    skewness = k3 / k2^1.5 (s > 2); kurtosis = k4 / k2^2 (s > 3)
    cic = 100 p/(p-1) (1 - sum Var(x_q) / k2) (p > 1 questions); error_ratio = 100
    sqrt(1 - cic/100); standard_error = error_ratio sd / 100.

Unanswered questions in a counted attempt score 0 (as in a submitted Moodle attempt);
a question that no counted attempt answered gets null statistics, the flag
``no_responses`` and is left out of the totals and of p. Every statistic that its
formula cannot define (too few attempts, a zero denominator) is ``None``, never NaN.
The whole computation is a handful of numpy operations on the attempts x questions
array, so 100,000 attempts x 50 questions take well under a second.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from ketatraining.analysis.breakdown import NO_ANSWER, AnswerCount
from ketatraining.analysis.marks import MarksTable, NoAttemptsError, OptionCount

# -- problem bands (documented in the trainer guide) -----------------------------------------
FACILITY_LOW = 0.20
FACILITY_HIGH = 0.90
DISCRIMINATION_WEAK = 20.0

FLAGS: dict[str, str] = {
    "no_responses": "nobody answered it in the attempts analysed",
    "too_hard": f"facility below {FACILITY_LOW:.2f}: check the key and the wording",
    "too_easy": f"facility above {FACILITY_HIGH:.2f}: it hardly tells learners apart",
    "no_variance": "every attempt got the same mark, so it cannot discriminate",
    "negative_discrimination": "discrimination below 0: stronger learners do worse on it "
    "than weaker ones; check the key",
    "weak_discrimination": f"discrimination below {DISCRIMINATION_WEAK:.0f}: it hardly "
    "separates stronger from weaker learners",
    "negative_covariance": "its mark varies against the total (Cov(x, T) < 0), so it has "
    "no effective weight",
    "popular_distractor": "a wrong option was chosen more often than the right one",
}
"""Every flag a question can get, with what it means for the trainer."""


@dataclass(frozen=True)
class OptionRate:
    """Distractor analysis: the share of answering attempts that chose an option."""

    option: str
    label: str
    correct: bool
    count: int
    rate: float | None


@dataclass(frozen=True)
class QuestionStats:
    """Statistics of one question (keys as in ``stats --json``)."""

    id: str
    max_mark: float
    responses: int
    facility: float | None
    sd: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    covariance: float | None
    """Cov(x, y), the question against the rest of the test."""
    mark_variance: float | None
    other_mark_variance: float | None
    covariance_max: float | None
    options: tuple[OptionRate, ...]
    flags: tuple[str, ...]
    answers: tuple[AnswerCount, ...] = ()
    """Numeric and short-answer questions: the most frequent answers and what each matched."""
    attempts: int | None = None
    """How many counted attempts asked this question (a quiz with pools draws a few per
    attempt); every statistic of the question is computed over these attempts only."""
    version: int | None = None
    """The question version of these answers, when the analysis is split by version."""


@dataclass(frozen=True)
class QuizStats:
    """Quiz-level statistics (in marks) and one QuestionStats per question."""

    quiz: str | None
    attempt_policy: str
    attempts: int
    max_mark: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    questions: tuple[QuestionStats, ...]
    verdict: tuple[str, ...] = ()
    """Plain sentences on the quiz as a whole (reliability, error ratio, mean, SD)."""
    regraded_answers: int = 0
    """Counted answers whose score comes from 'ketatraining regrade'."""
    varied: bool = False
    """The attempts did not all ask the same questions (pools, or a split by version)."""

    def question(self, question_id: str) -> QuestionStats:
        for stats in self.questions:
            if stats.id == question_id:
                return stats
        msg = f"no statistics for question '{question_id}'"
        raise KeyError(msg)

    def problems(self) -> list[QuestionStats]:
        """Questions with at least one flag, in quiz order."""
        return [q for q in self.questions if q.flags]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (None for undefined values)."""
        return asdict(self)


def _value(number: float) -> float | None:
    return float(number) if math.isfinite(number) else None


def _option_rates(counts: list[OptionCount], answered: int) -> tuple[OptionRate, ...]:
    return tuple(
        OptionRate(c.option, c.label, c.correct, c.count,
                   c.count / answered if answered else None)
        for c in counts
    )


def analyse(table: MarksTable) -> QuizStats:
    """Item analysis of a marks table; raises NoAttemptsError when it has no attempt."""
    marks = np.asarray(table.marks, dtype=float)
    s = marks.shape[0]
    if s == 0:
        msg = "There are no attempts to analyse."
        raise NoAttemptsError(msg)
    if table.asked is not None and not bool(np.asarray(table.asked).all()):
        return _analyse_varied(table, marks)
    max_marks = np.asarray(table.max_marks, dtype=float)
    answered = (~np.isnan(marks)).sum(axis=0)
    used = answered > 0
    p = int(used.sum())
    # Questions in rows, attempts in columns: contiguous rows make the sorts fast.
    x = np.ascontiguousarray(np.nan_to_num(marks[:, used], nan=0.0).T)
    scale = max(1.0, float(max_marks[used].sum()) if p else 1.0)
    tiny = 1e-12 * scale * scale  # below this a variance or covariance counts as 0
    total = x.sum(axis=0)
    mean_x = x.mean(axis=1)
    mean_t = float(total.mean())
    xc = x - mean_x[:, None]
    tc = total - mean_t
    yc = tc[None, :] - xc

    if s > 1:
        var_x = np.einsum("ij,ij->i", xc, xc) / (s - 1)
        var_y = np.einsum("ij,ij->i", yc, yc) / (s - 1)
        cov_xy = np.einsum("ij,ij->i", xc, yc) / (s - 1)
        cov_xt = cov_xy + var_x
        cov_max = np.einsum("ij,ij->i", np.sort(xc, axis=1), np.sort(yc, axis=1)) / (s - 1)
        var_x[np.abs(var_x) < tiny] = 0.0
        var_y[np.abs(var_y) < tiny] = 0.0
        cov_xt[np.abs(cov_xt) < tiny] = 0.0
        cov_max[np.abs(cov_max) < tiny] = 0.0
        cov_xy[np.abs(cov_xy) < tiny] = 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            product = var_x * var_y
            discrimination = np.where(product > 0, 100 * cov_xy / np.sqrt(product), np.nan)
            efficiency = np.where(cov_max != 0, 100 * cov_xy / cov_max, np.nan)
            roots = np.sqrt(np.where(cov_xt >= 0, cov_xt, np.nan))
            denominator = np.nansum(roots)
            weight = np.where(cov_xt >= 0, 100 * roots / denominator, np.nan) \
                if denominator > 0 else np.full(p, np.nan)
    else:
        nothing = np.full(p, np.nan)
        var_x = var_y = cov_xy = cov_xt = cov_max = nothing
        discrimination = efficiency = weight = nothing

    intended_total = float(max_marks[used].sum())
    questions: list[QuestionStats] = []
    k = 0
    for j, question_id in enumerate(table.question_ids):
        counts = table.options.get(question_id, [])
        options = _option_rates(counts, int(answered[j]))
        if not used[j]:
            questions.append(QuestionStats(
                question_id, float(max_marks[j]), 0, None, None, None, None, None, None,
                None, None, None, None, options, ("no_responses",),
                table.answers.get(question_id, ())))
            continue
        top = float(max_marks[j])
        facility = float(mean_x[k]) / top if top else math.nan
        sd = math.sqrt(var_x[k]) / top if top and math.isfinite(var_x[k]) else math.nan
        stats = QuestionStats(
            id=question_id,
            max_mark=top,
            responses=int(answered[j]),
            facility=_value(facility),
            sd=_value(sd),
            intended_weight=_value(100 * top / intended_total) if intended_total else None,
            effective_weight=_value(weight[k]),
            discrimination_index=_value(discrimination[k]),
            discriminative_efficiency=_value(efficiency[k]),
            covariance=_value(cov_xy[k]),
            mark_variance=_value(var_x[k]),
            other_mark_variance=_value(var_y[k]),
            covariance_max=_value(cov_max[k]),
            options=options,
            flags=(),
            answers=table.answers.get(question_id, ()),
        )
        questions.append(_with_flags(stats, cov_xt[k]))
        k += 1
    level: dict[str, Any] = _quiz_level(total, tc, float(var_x.sum()) if s > 1 else math.nan,
                                        p)
    quiz = QuizStats(quiz=table.quiz_id, attempt_policy=table.policy, attempts=s,
                     max_mark=intended_total, questions=tuple(questions), **level)
    quiz = replace(quiz, questions=tuple(replace(q, attempts=s) for q in quiz.questions),
                   regraded_answers=table.regraded)
    if table.versions is not None:
        quiz = replace(quiz, questions=tuple(replace(q, version=v) for q, v in
                                             zip(quiz.questions, table.versions, strict=True)))
    return replace(quiz, verdict=quiz_verdict(quiz))


def _analyse_varied(table: MarksTable, marks: np.ndarray) -> QuizStats:
    """Item analysis when attempts asked different questions (pools, version columns).

    Each question's statistics use only the attempts that asked it: x its mark there,
    T that attempt's total over the questions it asked, y = T - x, s_q the number of
    those attempts (in the formulas above, s becomes s_q). Effective weights share out
    the roots of each question's own Cov(x, T). The quiz-level totals (mean, SD, ...)
    are over all counted attempts; CIC is not defined when attempts answered different
    questions, so it stays None and the verdict says why.
    """
    asked = np.asarray(table.asked, dtype=bool)
    max_marks = np.asarray(table.max_marks, dtype=float)
    s = marks.shape[0]
    total = np.where(asked, np.nan_to_num(marks, nan=0.0), 0.0).sum(axis=1)
    scale = max(1.0, float(max_marks.sum()))
    tiny = 1e-12 * scale * scale
    per: list[dict[str, float]] = []
    by_question = np.ascontiguousarray(marks.T)  # contiguous rows: fast subsets and sorts
    asked_by_question = np.ascontiguousarray(asked.T)
    for j in range(marks.shape[1]):
        rows = asked_by_question[j]
        column = by_question[j][rows]
        n = int(rows.sum())
        answered = int(n - np.isnan(column).sum())
        values = {"n": float(n), "answered": float(answered)}
        if answered:
            x = np.nan_to_num(column, nan=0.0)
            t = total[rows]
            values["mean_x"] = float(x.mean())
            if n > 1:
                xc, tc = x - x.mean(), t - t.mean()
                yc = tc - xc
                # einsum, not BLAS dot: no thread start-up per question on a busy machine
                var_x = float(np.einsum("i,i->", xc, xc)) / (n - 1)
                var_y = float(np.einsum("i,i->", yc, yc)) / (n - 1)
                cov_xy = float(np.einsum("i,i->", xc, yc)) / (n - 1)
                cov_max = float(np.einsum("i,i->", np.sort(xc), np.sort(yc))) / (n - 1)
                values.update({name: 0.0 if abs(v) < tiny else v for name, v in (
                    ("var_x", var_x), ("var_y", var_y), ("cov_xy", cov_xy),
                    ("cov_xt", cov_xy + var_x), ("cov_max", cov_max))})
        per.append(values)
    roots = [math.sqrt(v["cov_xt"]) for v in per if v.get("cov_xt", -1.0) >= 0]
    denominator = sum(roots)
    used_total = float(sum(max_marks[j] for j, v in enumerate(per) if v["answered"]))
    questions: list[QuestionStats] = []
    for j, question_id in enumerate(table.question_ids):
        values = per[j]
        key = table.key(j)
        options = _option_rates(table.options.get(key, []), int(values["answered"]))
        version = table.versions[j] if table.versions is not None else None
        if not values["answered"]:
            questions.append(QuestionStats(
                question_id, float(max_marks[j]), 0, None, None, None, None, None, None,
                None, None, None, None, options, ("no_responses",), table.answers.get(key, ()),
                attempts=int(values["n"]), version=version))
            continue
        top = float(max_marks[j])
        var_x, var_y = values.get("var_x", math.nan), values.get("var_y", math.nan)
        cov_xy, cov_max = values.get("cov_xy", math.nan), values.get("cov_max", math.nan)
        cov_xt = values.get("cov_xt", math.nan)
        product = var_x * var_y
        stats = QuestionStats(
            id=question_id, max_mark=top, responses=int(values["answered"]),
            facility=_value(values["mean_x"] / top) if top else None,
            sd=_value(math.sqrt(var_x) / top) if top and math.isfinite(var_x) else None,
            intended_weight=_value(100 * top / used_total) if used_total else None,
            effective_weight=(_value(100 * math.sqrt(cov_xt) / denominator)
                              if denominator > 0 and math.isfinite(cov_xt) and cov_xt >= 0
                              else None),
            discrimination_index=(_value(100 * cov_xy / math.sqrt(product))
                                  if math.isfinite(product) and product > 0 else None),
            discriminative_efficiency=(_value(100 * cov_xy / cov_max)
                                       if math.isfinite(cov_max) and cov_max != 0 else None),
            covariance=_value(cov_xy), mark_variance=_value(var_x),
            other_mark_variance=_value(var_y), covariance_max=_value(cov_max),
            options=options, flags=(), answers=table.answers.get(key, ()),
            attempts=int(values["n"]), version=version)
        questions.append(_with_flags(stats, cov_xt))
    level: dict[str, Any] = _quiz_level(total, total - total.mean(), math.nan, 0)
    attempt_max = float((asked * max_marks[None, :]).sum(axis=1).mean())  # the drawn points
    quiz = QuizStats(quiz=table.quiz_id, attempt_policy=table.policy, attempts=s,
                     max_mark=attempt_max, questions=tuple(questions), **level,
                     regraded_answers=table.regraded, varied=True)
    return replace(quiz, verdict=quiz_verdict(quiz))


# -- the quiz as a whole (thresholds from Moodle's "Quiz report statistics", as the trainer
# guide states them) ------------------------------------------------------------------------
CIC_SATISFACTORY = 75.0
CIC_UNSATISFACTORY = 64.0
MEAN_BAND = (50.0, 75.0)
SD_BAND = (12.0, 18.0)


def shown(value: float | None, digits: int, thresholds: tuple[float, ...] = ()) -> str:
    """``value`` with ``digits`` decimals, or more when fewer would print a threshold it
    is not: 19.95 is shown as 19.95 (flagged below 20), never as a flagged '20.0'."""
    if value is None or not math.isfinite(value):
        return "-"
    for extra in range(4):
        text = f"{value:.{digits + extra}f}"
        if not any(float(text) == t and value != t for t in thresholds):
            return text
    return f"{value:.{digits + 4}f}"


def quiz_verdict(stats: QuizStats) -> tuple[str, ...]:
    """Sentences judging the quiz as a whole, with the bands they use."""
    lines = []
    cic, er = stats.cic, stats.error_ratio
    if stats.varied:
        lines.append("Reliability (CIC) is not computed: the attempts did not all answer the "
                     "same questions (questions drawn from pools, or versions analysed "
                     "apart); each question's statistics use only the attempts that asked "
                     "it (column 'asked').")
    elif cic is None:
        lines.append("Reliability (CIC) cannot be computed here (it needs at least two "
                     "attempts, two questions and some spread of totals).")
    else:
        c = shown(cic, 1, (CIC_SATISFACTORY, CIC_UNSATISFACTORY))
        e = shown(er, 1, (50.0, 60.0))
        if cic >= CIC_SATISFACTORY:
            lines.append(f"Reliability: satisfactory (CIC {c}% is at least "
                         f"{CIC_SATISFACTORY:g}%; error ratio {e}%, at most 50%).")
        elif cic >= CIC_UNSATISFACTORY:
            lines.append(f"Reliability: borderline (CIC {c}% is between "
                         f"{CIC_UNSATISFACTORY:g}% and {CIC_SATISFACTORY:g}%; error ratio {e}%, "
                         "between 50% and 60%): review the flagged questions.")
        else:
            lines.append(f"Reliability: unsatisfactory (CIC {c}% is below "
                         f"{CIC_UNSATISFACTORY:g}%; error ratio {e}%, above 60%, so more "
                         "than 60% of the spread of totals is noise): revise or replace the "
                         "flagged questions before relying on the totals.")
    if stats.mean is not None and stats.max_mark:
        mean = 100 * stats.mean / stats.max_mark
        low, high = MEAN_BAND
        where = ("within" if low <= mean <= high else "below" if mean < low else "above")
        lines.append(f"Mean {shown(mean, 1, MEAN_BAND)}% of the marks: {where} the "
                     f"{low:g}-{high:g}% a discriminating quiz aims for.")
    if stats.sd is not None and stats.max_mark:
        sd = 100 * stats.sd / stats.max_mark
        low, high = SD_BAND
        where = ("within" if low <= sd <= high else "below" if sd < low else "above")
        lines.append(f"SD {shown(sd, 1, SD_BAND)}% of the marks: {where} the {low:g}-"
                     f"{high:g}% band.")
    if stats.quiz is not None and stats.attempt_policy == "all":
        lines.append("These statistics assume one attempt per learner; with retries "
                     "counted ('all') they read higher than they are.")
    return tuple(lines)


def _quiz_level(total: np.ndarray, tc: np.ndarray, sum_var_x: float,
                p: int) -> dict[str, float | None]:
    s = total.size
    m2 = float(np.dot(tc, tc)) / s
    tc2 = tc * tc
    m3 = float(np.dot(tc2, tc)) / s
    m4 = float(np.dot(tc2, tc2)) / s
    tiny = 1e-12 * max(1.0, float(np.abs(total).max())) ** 2
    values: dict[str, float | None] = {
        "mean": float(total.mean()), "median": float(np.median(total)),
        "sd": None, "skewness": None, "kurtosis": None, "cic": None,
        "error_ratio": None, "standard_error": None,
    }
    if s < 2:
        return values
    k2 = s * m2 / (s - 1)
    sd = math.sqrt(k2)
    values["sd"] = sd
    if k2 <= tiny:
        return values
    if s > 2:
        k3 = s * s * m3 / ((s - 1) * (s - 2))
        values["skewness"] = k3 / k2 ** 1.5
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        values["kurtosis"] = k4 / (k2 * k2)
    if p > 1 and math.isfinite(sum_var_x):
        cic = 100.0 * p / (p - 1) * (1.0 - sum_var_x / k2)
        values["cic"] = cic
        error_ratio = 100.0 * math.sqrt(max(0.0, 1.0 - cic / 100.0))
        values["error_ratio"] = error_ratio
        values["standard_error"] = error_ratio * sd / 100.0
    return values


def _with_flags(stats: QuestionStats, cov_xt: float) -> QuestionStats:
    flags: list[str] = []
    if stats.facility is not None:
        if stats.facility < FACILITY_LOW:
            flags.append("too_hard")
        elif stats.facility > FACILITY_HIGH:
            flags.append("too_easy")
    if stats.mark_variance == 0.0:
        flags.append("no_variance")
    d = stats.discrimination_index
    if d is not None and d < 0:
        flags.append("negative_discrimination")
    elif d is not None and d < DISCRIMINATION_WEAK:
        flags.append("weak_discrimination")
    if math.isfinite(cov_xt) and cov_xt < 0:
        flags.append("negative_covariance")
    if _popular_distractor(stats):
        flags.append("popular_distractor")
    return replace(stats, flags=tuple(flags))


def _popular_distractor(stats: QuestionStats) -> bool:
    """A wrong option chosen more often than the right one; for a typed answer (numeric,
    short answer), one wrong answer typed more often than the right answers together.
    (A short answer's "any other answer" lumps every wrong answer: it is no distractor.)"""
    if stats.answers:
        right = sum(a.count for a in stats.answers if a.credit >= 1.0 - 1e-9)
        wrong = [a.count for a in stats.answers
                 if a.credit < 1.0 - 1e-9 and a.answer != NO_ANSWER]
        return bool(wrong) and max(wrong) > right
    keys = [o for o in stats.options if o.correct]
    return len(keys) == 1 and any(
        not o.correct and o.count > keys[0].count for o in stats.options)
