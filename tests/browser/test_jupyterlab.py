"""The course in JupyterLab in a real browser: hidden helpers, quiz by mouse and keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ketatraining.progress.store import ProgressStore
from tests.browser.conftest import LEARNER, Server
from tests.browser.quizpage import (
    WELCOME,
    check,
    choose,
    keyboard_run,
    question,
    tab_to,
    wait_for_quiz,
)

pytestmark = pytest.mark.browser

KERNEL_IDLE = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""


def open_and_run(page: Any, server: Server, name: str = WELCOME) -> None:
    """Open a notebook, wait for its kernel, run every cell, wait for the quiz."""
    page.goto(server.url(f"lab/tree/{name}"))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_for_quiz(page)


def test_helper_cells_are_hidden_and_text_is_protected(lab_page: Any, lab_server: Server) -> None:
    page = lab_page
    open_and_run(page, lab_server)
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
    expect(notebook.locator(".jp-CodeCell .jp-InputPlaceholder").first).to_be_visible()
    expect(notebook.get_by_text('show_quiz("welcome")')).to_have_count(0)
    source = "() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.sharedModel.getSource()"
    before = page.evaluate(source)
    notebook.locator(".jp-MarkdownCell").first.dblclick()  # try to edit the trainer's text
    page.keyboard.type("XYZ")
    page.keyboard.press("Enter")
    assert page.evaluate(source) == before and "00 · Welcome" in before


def test_quiz_by_clicking_is_graded_and_recorded(lab_page: Any, lab_server: Server) -> None:
    page = lab_page
    open_and_run(page, lab_server)
    choose(page, 1, "True")  # wrong
    first = check(page, 1)
    expect(first.locator(".kt-feedback")).to_contain_text("✗ Not correct.")
    expect(first.locator(".kt-explanation")).to_contain_text("Why")
    choose(page, 3, "No significant difference from placebo")  # right
    third = check(page, 3)
    expect(third.locator(".kt-feedback")).to_contain_text("✓ Correct.")
    expect(third.locator(".kt-explanation")).to_contain_text("Abdallah")
    expect(page.locator(".kt-quiz .kt-score").first).to_contain_text(
        "Score so far: 1 of 4 points (2 of 4 questions answered)")
    page.reload()
    open_and_run(page, lab_server)
    # The open attempt is resumed with its answers: a reload loses nothing.
    expect(question(page, 1).locator(".kt-feedback")).to_contain_text("✗ Not correct.")
    expect(question(page, 2).locator(".kt-feedback")).to_have_text("")
    with ProgressStore(lab_server.store_url) as store:
        answers = store.responses(LEARNER, "welcome")
    assert [(a.question_id, a.correct) for a in answers] == [
        ("welcome-off-label", False), ("welcome-largest-trial", True)]


def test_quiz_can_be_completed_with_the_keyboard_alone(lab_page: Any,
                                                       lab_server: Server) -> None:
    page = lab_page
    open_and_run(page, lab_server)
    tab_to(page, {"question": 1, "type": "radio"}, limit=300)
    page.keyboard.press("Shift+Tab")
    keyboard_run(page)
