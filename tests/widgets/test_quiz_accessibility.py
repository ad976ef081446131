"""Kernel side of the quiz's accessible names: question text in each input's label."""

from __future__ import annotations

import re

from ketatraining.quiz.loading import load_quiz
from ketatraining.widgets.quiz import QuizWidget, accessible_names, question_label


def _css_text(style: str) -> str:
    """Decode the CSS string literal back to text (hex escapes end with one space)."""
    literal = re.search(r'content: "(.*?)";', style).group(1)
    return re.sub(r"\\([0-9a-f]{6}) ", lambda m: chr(int(m.group(1), 16)), literal)


def test_each_question_styles_its_own_inputs_with_its_own_words() -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=None, seed=0)
    scopes = set()
    for number, view in enumerate(quiz.views, start=1):
        assert view.scope in view._dom_classes
        scopes.add(view.scope)
        style = view.prompt.value.split("</style>")[0]
        assert f".{view.scope} .widget-radio-box > label::before" in style
        spoken = _css_text(style)
        assert spoken.startswith(f"Question {number} of 4: ")
        assert spoken.endswith("Answer: ")
    assert len(scopes) == 4
    assert _css_text(quiz.views[2].prompt.value) == (
        "Question 3 of 4: What did it find for PTSD symptoms? Answer: ")
    true_false = _css_text(quiz.views[0].prompt.value)
    assert "approved by the US Food and Drug Administration" in true_false


def test_numbers_have_a_visible_linked_label() -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=None, seed=0)
    assert quiz.view("welcome-dose").input.entry.description == "Your answer:"


def test_the_label_never_carries_the_answer_key() -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=None, seed=0)
    for view in quiz.views:
        style = _css_text(view.prompt.value)
        for option in getattr(view.question, "options", []):
            assert option.feedback[:30] not in style
        assert view.question.explanation[:30] not in style


def test_hostile_text_cannot_leave_the_css_string() -> None:
    style = accessible_names("kt-q-x", 'Is "this" ok? </style><script>alert(1)</script>\\')
    body = style.removeprefix("<style>").removesuffix("</style>")
    assert "<" not in body and ">" not in body.replace("widget-radio-box > label", "")
    assert body.count('"') == 2
    assert _css_text(style).startswith('Is "this" ok? </style><script>')


def test_long_vignettes_keep_only_the_asking_sentence() -> None:
    quiz = load_quiz("welcome")
    long_prompt = "A fictional patient. " * 40 + "What is the next step?"
    label = question_label(quiz.questions[2], long_prompt, 5, 20)
    assert label == "Question 5 of 20: What is the next step? Answer:"
    no_question = question_label(quiz.questions[2], "Word " * 200, 1, 1)
    assert len(no_question) < 340 and no_question.endswith("… Answer:")
