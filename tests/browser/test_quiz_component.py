"""The quiz component in a real browser: layout at three widths, keyboard, accessibility
tree, visible text, axe-core, and the answer-key guarantee, in Voila and in JupyterLab."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ketatraining.quiz.loading import load_quiz
from ketatraining.text import plain_text
from tests.browser.conftest import Server
from tests.browser.pagechecks import (
    ENTITIES,
    assert_checklists_are_groups,
    ax_groups,
    axe_violations,
    check_layout,
)
from tests.browser.quizpage import (
    WELCOME,
    assert_feedback_focused,
    check,
    choose,
    live_regions_around,
    question,
    wait_for_quiz,
)
from tests.browser.test_jupyterlab import open_and_run

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
COURSE = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def secrets_of(quiz_ids: list[str]) -> list[str]:
    """Phrases that only a checked answer may reveal (40 characters of each)."""
    found = []
    for quiz_id in quiz_ids:
        for q in load_quiz(quiz_id).questions:
            texts = [q.explanation] + [o.feedback for o in getattr(q, "options", [])]
            texts += [getattr(q, n) for n in ("feedback_true", "feedback_false",
                                              "feedback_correct", "feedback_incorrect")
                      if hasattr(q, n)]
            found += [plain_text(t)[:40] for t in texts if len(plain_text(t)) >= 40]
    return found


def record_frames(page: Any) -> list[str]:
    """Every websocket frame the page sends or receives, as text."""
    frames: list[str] = []

    def watch(ws: Any) -> None:
        for event in ("framereceived", "framesent"):
            ws.on(event, lambda payload: frames.append(
                payload if isinstance(payload, str) else payload.decode("utf-8", "replace")))

    page.on("websocket", watch)
    return frames


# -- Voila -------------------------------------------------------------------------------
# Every course page once, with its layout, entities and axe-core: test_app_pages.py.


def test_one_named_group_per_question_in_the_accessibility_tree(voila_page: Any,
                                                                voila_server: Server) -> None:
    page = voila_page
    page.goto(voila_server.url(f"voila/render/{WELCOME}"))
    wait_for_quiz(page)
    expect(question(page, 4).locator("input[type=checkbox]")).to_have_count(3)
    nodes = ax_groups(page)
    groups = [n for n in nodes if n["role"] == "group" and n["name"].startswith("Question ")]
    assert [g["name"] for g in groups] == [f"Question {n} of 4" for n in range(1, 5)]
    assert "approved by the US Food and Drug Administration" in groups[0]["description"]
    assert groups[2]["description"].endswith("What did it find for PTSD symptoms?")
    radios = [n["name"] for n in nodes if n["role"] == "radio"]
    assert radios[:2] == ["True", "False"]  # each name said once, no hidden duplicate
    assert "No significant difference from placebo on the PTSD scales" in radios
    boxes = [n["name"] for n in nodes if n["role"] == "checkbox"]
    assert boxes == ["Shows feedback on each option", "Explains the answer and lists its sources",
                     "Sends your answer to a website on the internet"]
    (number,) = [n for n in nodes if n["role"] == "textbox" and n["name"] == "Your answer"]
    assert number["description"] == "mg"  # the units are part of what is read
    # The same group, by Playwright's own role query.
    expect(page.get_by_role("group", name="Question 3 of 4")).to_have_count(1)


def test_check_moves_focus_to_the_feedback_and_announces_it(voila_page: Any,
                                                            voila_server: Server) -> None:
    page = voila_page
    page.goto(voila_server.url(f"voila/render/{WELCOME}"))
    wait_for_quiz(page)
    check(page, 3)  # nothing chosen: a refusal, announced, focus stays on the button
    live = question(page, 3).locator(".kt-live")
    expect(live).to_contain_text("Please choose an answer first.")
    expect(question(page, 3).locator("button.kt-check")).to_be_focused()
    # Focus stays on the button, so the refusal is announced by a live region instead.
    refusal = question(page, 3).locator(".kt-message")
    assert live_regions_around(refusal) == ["kt-message-area: aria-live=polite"]
    choose(page, 3, "A large and lasting reduction")
    check(page, 3)
    assert_feedback_focused(page, 3, "✗ Not correct.")
    expect(live).to_contain_text("✓ right answer")
    for control in question(page, 3).locator("input, button").all():
        expect(control).to_be_disabled()  # one answer per attempt
    save = page.locator(".kt-quiz .kt-save").first
    expect(save).to_have_attribute("role", "status")  # announced, not only shown
    # (Saved, or why not: a preheated kernel may have opened the store this test replaced.)
    expect(save).to_contain_text(re.compile(r"Saved|not being saved"))


def test_the_key_never_reaches_voila_before_check(voila_page: Any,
                                                  voila_server: Server) -> None:
    page = voila_page
    frames = record_frames(page)
    page.goto(voila_server.url(f"voila/render/{WELCOME}"))
    wait_for_quiz(page)
    expect(question(page, 4).locator("input[type=checkbox]")).to_have_count(3)
    secrets = secrets_of(["welcome"])
    before = page.content() + page.locator("body").inner_text() + "".join(frames)
    leaked = [s for s in secrets if s in before]
    assert not leaked, f"answer key in the page or its websocket before Check: {leaked}"
    assert '"correct"' not in "".join(frames) and "right answer" not in before
    choose(page, 3, "PTSD symptoms worsened with ketamine")
    check(page, 3)
    expect(question(page, 3).locator(".kt-feedback")).to_contain_text("right answer")
    after = page.content() + "".join(frames)
    quiz = load_quiz("welcome")
    assert plain_text(quiz.questions[2].explanation)[:40] in after  # due now
    assert plain_text(quiz.questions[0].feedback_false)[:40] not in after  # still not due


# -- JupyterLab --------------------------------------------------------------------------
def test_the_key_never_reaches_jupyterlab_before_check(lab_page: Any, lab_server: Server) -> None:
    page = lab_page
    frames = record_frames(page)
    open_and_run(page, lab_server)
    expect(question(page, 4).locator("input[type=checkbox]")).to_have_count(3)
    secrets = secrets_of(["welcome"])
    seen = page.content() + "".join(frames)
    leaked = [s for s in secrets if s in seen]
    assert not leaked, f"answer key in JupyterLab before Check: {leaked}"
    saved = page.evaluate("() => JSON.stringify(window.jupyterapp.shell.currentWidget"
                          ".content.model.toJSON())")
    assert not [s for s in secrets if s in saved], "answer key in the notebook as saved"
    assert "application/vnd.jupyter.widget-state+json" not in saved
    choose(page, 1, "False")
    check(page, 1)
    assert_feedback_focused(page, 1, "✓ Correct.")


@pytest.mark.parametrize("name", COURSE)
def test_every_notebook_in_jupyterlab_at_three_widths(lab_page: Any, lab_server: Server,
                                                      axe_source: str, name: str) -> None:
    """As the learner's JupyterLab opens it (side panels closed by the course's workspace;
    nothing collapsed here), after running every cell."""
    page = lab_page
    open_and_run(page, lab_server, name)
    expect(page.locator(".jp-NotebookPanel .kt-quiz .kt-question").first).to_be_visible()
    assert page.evaluate("() => window.jupyterapp.shell.leftCollapsed")
    layout = check_layout(page, label=f"lab-{Path(name).stem}")
    for width, found in layout.items():
        assert not found["problems"], f"JupyterLab, {name} at {width} px: {found['problems'][:6]}"
    assert layout[1280]["count"] > 0, f"{name}: no option boxes found"
    assert page.evaluate(ENTITIES) == [], f"{name}: escaped entities shown as text"
    assert_checklists_are_groups(page)
    violations = axe_violations(page, axe_source, scope=".kt-quiz, .kt-checklist-group")
    assert violations == [], f"axe-core on {name}'s quiz in JupyterLab: {violations}"


def test_ordering_matching_and_short_answer_by_keyboard(voila_page: Any,
                                                        voila_server: Server) -> None:
    page = voila_page
    page.goto(voila_server.url("voila/render/kt-test-types.ipynb"))
    wait_for_quiz(page)
    ordering = question(page, 1)
    down = ordering.locator("button.kt-move-down").first
    first_step = ordering.locator(".kt-step-text").first.inner_text()
    # Named "Move down", described by its step: the step is not read three times.
    expect(ordering.get_by_role("button", name="Move down", exact=True).first).to_have_attribute(
        "aria-describedby", ordering.locator(".kt-step-text").first.get_attribute("id") or "-")
    assert first_step and ordering.get_by_role("button", name=re.compile("Move down: ")).count() == 0
    down.focus()
    moved = ordering.locator(".kt-step").first.get_attribute("data-text")
    page.keyboard.press("Enter")
    status = ordering.locator(".kt-order-status")
    expect(status).to_have_text(f"{moved} is now step 2 of 3.")
    expect(status).to_have_attribute("aria-live", "polite")
    assert page.evaluate("() => document.activeElement.classList.contains('kt-move')")
    ordering.locator("button.kt-check").focus()
    page.keyboard.press("Enter")
    assert_feedback_focused(page, 1, "orrect.")  # "✓ Correct." or "✗ Not correct."
    expect(status).to_have_text("")  # the move it told of is no longer news
    expect(ordering.locator("button.kt-move").first).to_be_hidden()
    matching = question(page, 2)
    selects = matching.locator("select")
    expect(selects).to_have_count(2)
    nodes = ax_groups(page)
    assert [n["name"] for n in nodes if n["role"] == "combobox"][:2] == ["PCL-5", "CAPS-5"]
    selects.first.focus()
    page.keyboard.press("ArrowDown")  # a closed native select changes value with arrows
    assert selects.first.input_value() != ""
    page.keyboard.press("Enter")
    expect(matching.locator(".kt-live")).to_contain_text(
        re.compile("Please|match every|Correct", re.IGNORECASE))
    short = question(page, 3)
    expect(short.get_by_role("textbox", name="Your answer")).to_have_count(1)
    short.get_by_role("textbox", name="Your answer").focus()
    page.keyboard.type("Esketamine")
    page.keyboard.press("Enter")
    assert_feedback_focused(page, 3, "✓ Correct.")
    layout = check_layout(page, label="voila-kt-test-types")
    for width, found in layout.items():
        assert not found["problems"], f"kt-test-types at {width} px: {found['problems'][:6]}"
    assert page.evaluate(ENTITIES) == []
