"""Kernel side of the quiz's accessibility: names, wording and what the page is told.

The rendering itself (fieldsets, legends, native inputs, focus, the live region) is
proven in a real browser: tests/browser/test_quiz_component.py.
"""

from __future__ import annotations

from ketatraining.assessment.local import question_label
from ketatraining.quiz.loading import load_quiz
from ketatraining.widgets.quiz import QuizWidget


def test_each_question_is_named_by_number_and_its_asking_sentence() -> None:
    quiz = QuizWidget(load_quiz("welcome"), store=None, seed=0)
    labels = [q["label"] for q in quiz.questions]
    assert [label.split(":")[0] for label in labels] == [
        f"Question {n} of 4" for n in range(1, 5)]
    assert labels[2] == "Question 3 of 4: What did it find for PTSD symptoms?"
    assert "approved by the US Food and Drug Administration" in labels[0]  # a statement


def test_the_label_never_carries_the_answer_key() -> None:
    model = load_quiz("welcome")
    quiz = QuizWidget(model, store=None, seed=0)
    for view in quiz.questions:
        question = model.question(view["id"])
        for option in getattr(question, "options", []):
            assert option.feedback[:30] not in view["label"]
        assert question.explanation[:30] not in view["label"]


def test_long_vignettes_keep_only_the_asking_sentence() -> None:
    question = load_quiz("welcome").questions[2]
    vignette = question.model_copy(update={
        "prompt": "A fictional patient. " * 40 + "What is the next step?"})
    assert question_label(vignette, 5, 20) == "Question 5 of 20: What is the next step?"
    wordy = question.model_copy(update={"prompt": "Word " * 200})
    label = question_label(wordy, 1, 1)
    assert len(label) < 240 and label.endswith("…")


def test_every_word_the_page_shows_comes_from_the_kernel() -> None:
    texts = QuizWidget(load_quiz("welcome"), store=None).texts
    assert texts["check"] == "Check answer" and texts["your_answer"] == "Your answer"
    assert texts["question"].format(number=2, total=4) == "Question 2 of 4"
    assert texts["moved"].format(step="Screen", position=2, total=5) == (
        "Screen is now step 2 of 5.")
