"""The app (Voila) in a real browser: landing page, quiz by mouse and by keyboard, safety."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from ketatraining.progress.store import ProgressStore
from tests.browser.conftest import LEARNER, Server, status
from tests.browser.quizpage import (
    WELCOME,
    assert_reading_order,
    check,
    choose,
    focused,
    keyboard_run,
    question,
    tab_to,
    wait_for_quiz,
)

pytestmark = pytest.mark.browser


def open_notebook(page: Any, server: Server, name: str) -> None:
    page.goto(server.url(f"voila/render/{name}"))
    wait_for_quiz(page)


def test_landing_lists_every_notebook_in_order_with_progress(voila_page: Any,
                                                             voila_server: Server) -> None:
    page = voila_page
    page.goto(voila_server.url(""))  # the app's front page leads to the overview
    expect(page.locator(".kt-landing-summary")).to_contain_text("You have passed 0 of")
    links = page.locator("a.kt-landing-link")
    names = sorted(p.name for p in (voila_server.root).glob("[0-9][0-9]-*.ipynb"))
    expect(links).to_have_count(len(names))
    assert [links.nth(i).get_attribute("href") for i in range(len(names))] == names
    first_row = page.locator(".kt-landing-row").first
    expect(first_row).to_contain_text("○ Not started")
    with ProgressStore(voila_server.store_url) as store:  # pass the welcome quiz, as JupyterLab would
        attempt = store.start_attempt(LEARNER, "welcome", max_score=4, pass_mark=50)
        store.finish_attempt(LEARNER, "welcome", attempt, score=3, passed=True)
    page.reload()
    expect(first_row).to_contain_text("✓ Quiz passed (best score 75%)")
    expect(page.locator(".kt-landing-summary")).to_contain_text("You have passed 1 of")
    links.first.click()
    wait_for_quiz(page)
    expect(page).to_have_url(re.compile(r"/voila/render/00-welcome\.ipynb"))


def test_notebook_00_shows_no_code(voila_page: Any, voila_server: Server) -> None:
    page = voila_page
    open_notebook(page, voila_server, WELCOME)
    expect(page.locator(".jp-InputArea-editor")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "show_quiz(" not in body and "import " not in body
    expect(page.locator("nav.kt-app-nav-top a.kt-nav-overview")).to_contain_text("Course overview")


def test_quiz_by_clicking_right_and_wrong_is_recorded(voila_page: Any,
                                                      voila_server: Server) -> None:
    page = voila_page
    open_notebook(page, voila_server, WELCOME)
    choose(page, 1, "True")  # wrong: ketamine is not FDA-approved for PTSD
    first = check(page, 1)
    expect(first.locator(".kt-feedback")).to_contain_text("✗ Not correct.")
    expect(first.locator(".kt-explanation")).to_contain_text("Why")
    expect(first.locator(".kt-explanation")).to_contain_text("off-label")
    expect(page.locator(".kt-quiz .kt-score")).to_contain_text(
        "Score so far: 0 of 4 points (1 of 4 questions answered)")
    question(page, 2).locator(".kt-number input").fill("40")  # right
    second = check(page, 2)
    expect(second.locator(".kt-feedback")).to_contain_text("✓ Correct.")
    expect(page.locator(".kt-quiz .kt-score")).to_contain_text(
        "Score so far: 1 of 4 points (2 of 4 questions answered)")
    page.reload()
    wait_for_quiz(page)
    # The open attempt is resumed with its answers: a reload loses nothing.
    expect(question(page, 1).locator(".kt-feedback")).to_contain_text("✗ Not correct.")
    expect(question(page, 3).locator(".kt-feedback")).to_have_text("")
    page.goto(voila_server.url("voila/render/index.ipynb"))
    expect(page.locator(".kt-landing-row").first).to_contain_text("Quiz started, not finished")
    with ProgressStore(voila_server.store_url) as store:
        answers = store.responses(LEARNER, "welcome")
    assert [(a.question_id, a.correct) for a in answers] == [
        ("welcome-off-label", False), ("welcome-dose", True)]
    assert answers[1].response == 40


KERNEL_ID = ("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
             ".kernelId")


def test_a_reload_gets_the_pages_own_kernel_and_shows_the_store(voila_page: Any,
                                                                voila_server: Server) -> None:
    """look L9: a reload no longer waits for a new kernel to run the whole notebook (10-30 s
    under load): the page's own kernel is given back while its replacement heats, and it
    shows the store as it is now (here an answer given meanwhile in another tab)."""
    from ketatraining.quiz.loading import load_quiz
    from ketatraining.widgets.quiz import QuizWidget

    page = voila_page
    open_notebook(page, voila_server, WELCOME)
    kernel = page.evaluate(KERNEL_ID)
    other_tab = QuizWidget(load_quiz("welcome"), store=ProgressStore(voila_server.store_url),
                           learner_id=LEARNER)
    other_tab.answer("welcome-dose", 40)
    before = status(voila_server)["left_pages"]
    page.reload()
    wait_for_quiz(page)
    # The page's own kernel comes back while its replacement heats. On a quick machine the
    # replacement can be ready before the reload: the server then counts that and serves
    # it. Either way the reload did not wait for a kernel to run the notebook.
    served, after = page.evaluate(KERNEL_ID), status(voila_server)["left_pages"]
    if after["kept"] == before["kept"] + 1:
        assert served == kernel, "the kept kernel was not given to the reload"
    else:
        assert after["fresh_ready"] == before["fresh_ready"] + 1, (before, after)
        assert served != kernel
    expect(question(page, 2).locator(".kt-feedback")).to_contain_text("✓ Correct.")
    expect(page.locator(".kt-quiz .kt-score")).to_contain_text("(1 of 4 questions answered)")
    # One beacon per page (Voila's widget manager sends a second one): a later beacon for
    # the kernel then means that its newer page left (look A6: a second reload in a row).
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "api/shutdown/" in r.url else None)
    page.evaluate("""() => { for (const _ of [1, 2]) navigator.sendBeacon(
        document.baseURI.split('voila/')[0] + 'voila/api/shutdown/not-a-kernel',
        new FormData()); }""")
    page.wait_for_timeout(500)
    assert len([u for u in sent if u.endswith("not-a-kernel")]) == 1, sent


def test_quiz_can_be_completed_with_the_keyboard_alone(voila_page: Any,
                                                       voila_server: Server) -> None:
    page = voila_page
    open_notebook(page, voila_server, WELCOME)
    stops = tab_to(page, {"question": 1, "type": "radio"})
    assert all(not s["inQuiz"] or s["question"] == 1 for s in stops)
    assert [s["type"] for s in stops if s["question"] == 1] == ["radio"]  # one stop per group
    page.keyboard.press("Shift+Tab")
    page.evaluate("() => { window.__ktPrevFocus = null; }")
    keyboard_run(page)
    # Try again by keyboard: focus goes to the first question of the new attempt.
    tab_to(page, {"tag": "BUTTON", "cls": "kt-retry"}, limit=8)
    page.keyboard.press("Enter")
    page.wait_for_function("""() => {
        const legend = document.querySelector('.kt-quiz .kt-question legend');
        return !!legend && document.activeElement === legend;
    }""", timeout=30_000)


def test_focus_follows_reading_order(voila_page: Any, voila_server: Server) -> None:
    page = voila_page
    open_notebook(page, voila_server, WELCOME)
    tab_to(page, {"question": 1, "type": "radio"})
    assert_reading_order(page)
    stops = 0
    while focused(page)["inQuiz"] and stops < 40:  # through the whole quiz, in order
        page.keyboard.press("Tab")
        if focused(page)["inQuiz"]:
            assert_reading_order(page)
        stops += 1
    assert 9 <= stops < 40  # 4 groups, 4 Check buttons, 3 checkboxes: then out of the quiz


def test_script_in_a_quiz_file_stays_inert(voila_page: Any, voila_server: Server) -> None:
    page = voila_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_notebook(page, voila_server, "kt-test-payload.ipynb")
    expect(page.locator(".kt-quiz .kt-quiz-title")).to_contain_text("Payload")
    option = question(page, 1).locator("label", has_text="Plain")
    option.hover()
    option.locator("input").click()
    check(page, 1)
    expect(question(page, 1).locator(".kt-feedback")).to_contain_text("Right")
    expect(question(page, 1).locator(".kt-explanation")).to_contain_text("Explained")
    assert page.evaluate("() => window.__ktPwned === undefined")
    hostile = page.evaluate("""() => document.querySelectorAll(
        '.kt-quiz script, .kt-quiz iframe, .kt-quiz img, .kt-quiz [onerror], '
        + '.kt-quiz [onmouseover]').length""")
    assert hostile == 0
    assert not dialogs


def test_completion_record_in_the_app(voila_page: Any, voila_server: Server) -> None:
    page = voila_page
    page.goto(voila_server.url("voila/render/07-final-assessment.ipynb"))
    create = page.locator(".kt-completion button.kt-cert-create")
    create.click()
    result = page.locator(".kt-completion .kt-cert-result")
    expect(result).to_contain_text("No completion record yet. Still to do:")
    expect(result).to_contain_text("Final assessment")
    with ProgressStore(voila_server.store_url) as store:  # the final assessment, passed
        attempt = store.start_attempt(LEARNER, "final", max_score=20, pass_mark=80)
        store.finish_attempt(LEARNER, "final", attempt, score=18, passed=True)
    name = page.locator(".kt-completion .kt-cert-name input")
    name.fill("Dr Zoë <i>Example</i>")
    page.locator(".kt-completion button.kt-cert-save").click()
    expect(page.locator(".kt-completion .kt-cert-name-message")).to_contain_text("Saved")
    create.click()
    expect(result).to_contain_text("Your completion record is ready")
    expect(result.locator(".kt-certificate .kt-cert-name")).to_have_text("Dr Zoë <i>Example</i>")
    expect(result.locator("a.kt-cert-download")).to_have_count(2)
    href = result.locator("a.kt-cert-download").first.get_attribute("href")
    assert href.startswith("data:application/pdf;base64,")
