"""Notebook 07's completion path in the kernel: pass the real final quiz, get HTML and PDF."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest

from ketatraining.certificate import load_course
from ketatraining.progress.store import open_store
from ketatraining.quiz.loading import load_quiz
from ketatraining.quiz.model import MultipleChoice, Numeric, Question, SingleChoice, TrueFalse
from ketatraining.widgets.completion import NOT_YET, CompletionWidget
from ketatraining.widgets.quiz import QuizWidget

ROOT = Path(__file__).resolve().parents[2]


def right_answer(question: Question) -> object:
    if isinstance(question, SingleChoice):
        return next(o.id for o in question.options if o.correct)
    if isinstance(question, MultipleChoice):
        return [o.id for o in question.options if o.correct]
    if isinstance(question, TrueFalse):
        return question.answer
    assert isinstance(question, Numeric)
    return question.value


def take_final(*, correct: bool) -> QuizWidget:
    """Answer every question of the course's final assessment through the widget."""
    final_id = load_course().completion.required_quizzes[0]
    with open_store() as store:
        quiz = load_quiz(final_id)
        widget = QuizWidget(quiz, store=store, seed=7)
        for state in list(widget.states):
            question = quiz.question(state.question_id)
            answer = right_answer(question)
            if not correct and isinstance(question, TrueFalse):
                answer = not answer
            elif not correct and isinstance(question, Numeric):
                answer = question.value * 10 + 1000
            elif not correct and getattr(question, "type", "") == "single_choice":
                answer = next(o.id for o in question.options if not o.correct)
            widget.answer(question.id, answer)
    return widget


def test_not_passed_shows_what_is_missing_and_writes_nothing(tmp_path: Path) -> None:
    panel = CompletionWidget(folder=tmp_path / "records")
    panel.create.click()
    assert NOT_YET in panel.result.value
    assert "Final assessment" in panel.result.value
    assert "name for the record is not set" in panel.result.value
    assert "press Save my name" in panel.result.value  # what to do here, not a command line
    assert "notebook 07" not in panel.result.value and "--name" not in panel.result.value
    assert panel.files is None and not (tmp_path / "records").exists()


def test_failing_the_final_still_gives_no_record(tmp_path: Path) -> None:
    widget = take_final(correct=False)
    assert "Not passed yet" in widget.result
    panel = CompletionWidget(folder=tmp_path)
    panel.name.value = "Ann Example"
    panel.create.click()
    assert "your best score so far is" in panel.result.value
    assert panel.files is None


def test_passing_the_final_gives_html_and_pdf_with_the_name(tmp_path: Path) -> None:
    from pypdf import PdfReader

    widget = take_final(correct=True)
    assert "✓ Passed." in widget.result
    panel = CompletionWidget(folder=tmp_path)
    panel.name.value = "Dr Zoë <b>Example</b>"
    panel.save.click()
    assert "Saved" in panel.name_message.value
    assert "<b>Example" not in panel.name_message.value
    with open_store() as store:
        assert store.display_name("test-learner") == "Dr Zoë <b>Example</b>"
    # A new panel (a fresh kernel in Voila) finds the stored name.
    again = CompletionWidget(folder=tmp_path)
    assert again.name.value == "Dr Zoë <b>Example</b>"
    again.create.click()
    assert again.files is not None
    html_path, pdf_path = again.files
    page = html_path.read_text()
    assert "Dr Zoë &lt;b&gt;Example&lt;/b&gt;" in page and "<b>Example" not in page
    assert "Final assessment" in page
    assert "Download the PDF" in again.result.value
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages)
    assert "Dr Zoë <b>Example</b>" in text
    assert load_course().title.split(":")[0] in text


def test_an_unreadable_store_is_a_message_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{tmp_path}/missing/folder/p.db")
    panel = CompletionWidget(folder=tmp_path)
    assert "cannot be opened" in panel.name_message.value
    panel.create.click()
    assert "Traceback" not in panel.result.value and panel.result.value


def test_notebook_07_calls_show_completion() -> None:
    path = ROOT / "notebooks" / "07-final-assessment.ipynb"
    if not path.exists():
        pytest.skip("notebook 07 is not in this checkout yet")
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert any("show_completion()" in s for s in sources)
