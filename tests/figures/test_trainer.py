"""Trainer figures draw what the analysis computed, with text cues besides colour."""

from __future__ import annotations

from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from ketatraining.analysis.item_analysis import OptionRate, analyse
from ketatraining.analysis.marks import MarksTable
from ketatraining.analysis.results import ObjectiveMastery, QuizSummary
from ketatraining.figures.style import new_figure
from ketatraining.figures.trainer import (
    plot_distractors,
    plot_item_map,
    plot_objective_mastery,
    plot_pass_rates,
    plot_score_distribution,
)


@pytest.fixture
def ax():
    fig, axes = new_figure()
    yield axes
    fig.clear()


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_score_distribution_counts_and_pass_mark(ax) -> None:
    artists = plot_score_distribution(ax, [5, 15, 15, 55, 100], pass_mark=70)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [1, 2, 0, 0, 0, 1, 0, 0, 0, 1]
    line = artists[-1]
    assert list(line.get_xdata()) == [70, 70]
    assert line.get_linestyle() == "--"
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == {"pass mark 70 %", "learners (5)"}


def test_score_distribution_empty(ax) -> None:
    plot_score_distribution(ax, [])
    assert texts(ax) == ["No finished attempts yet."]


def summary(quiz: str, rate: float | None, finished: int) -> QuizSummary:
    return QuizSummary(quiz, finished, finished, round((rate or 0) * finished), rate, finished,
                       None, None)


def test_pass_rates_bars_and_labels(ax) -> None:
    plot_pass_rates(ax, [summary("a", 0.5, 10), summary("b", 1.0, 4), summary("c", None, 0)])
    widths = [p.get_width() for p in ax.patches]
    assert widths == [50.0, 100.0]
    assert texts(ax) == ["50% of 10", "100% of 4"]
    # The first quiz is drawn at the top.
    ticks = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()],
                     strict=True))
    assert ticks == {1: "a", 0: "b"}


def test_item_map_labels_only_problem_questions(ax) -> None:
    # 'bad' runs against the rest of the test; the three others go with it (D = 33).
    marks = np.array([[1, 1, 1, 0], [1, 1, 1, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 0, 1],
                      [0, 0, 0, 1]], dtype=float)
    stats = analyse(MarksTable(["a", "b", "c", "bad"], np.ones(4), marks))
    assert [q.id for q in stats.questions if q.flags] == ["bad"]
    plot_item_map(ax, stats)
    assert texts(ax) == ["bad"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["target band", "no flag (3)", "to review (1)"]


def test_item_map_without_discrimination(ax) -> None:
    stats = analyse(MarksTable(["q"], np.ones(1), np.array([[1.0]])))
    plot_item_map(ax, stats)
    assert texts(ax) == ["Not enough attempts to compute discrimination."]


def test_distractors_mark_the_right_option_in_text(ax) -> None:
    stats = analyse(MarksTable(["q"], np.ones(1), np.array([[1.0], [0.0], [0.0], [0.0]])))
    question = stats.questions[0]
    options = (OptionRate("a", "Right answer", True, 1, 0.25),
               OptionRate("b", "A tempting and rather long wrong answer that goes on", False, 3,
                          0.75))
    plot_distractors(ax, replace(question, options=options))
    assert texts(ax) == ["25% (right)", "75%"]
    assert [p.get_width() for p in ax.patches] == [25.0, 75.0]
    assert ax.patches[0].get_hatch() == "//"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["a: Right answer", "b: A tempting and rather long wrong answer that…"]


def test_objective_mastery(ax) -> None:
    rows = [ObjectiveMastery("obj-a", 2, 10, 0.75, 0.4), ObjectiveMastery("obj-b", 1, 0, None,
                                                                          None)]
    plot_objective_mastery(ax, rows)
    assert [p.get_width() for p in ax.patches] == [75.0]
    assert texts(ax) == ["75% / 40%"]
