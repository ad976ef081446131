"""Shared steps for the browser tests: find a question, answer it, read the feedback."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

WELCOME = "00-welcome.ipynb"
# The welcome quiz (shuffle: false): 1 true/false, 2 numeric, 3 single choice, 4 multiple.


def question(page: Any, number: int) -> Any:
    return page.locator(".kt-quiz .kt-question").nth(number - 1)


def wait_for_quiz(page: Any) -> None:
    expect(page.locator(".kt-quiz .kt-intro").first).to_contain_text("To pass you need",
                                                                      timeout=120_000)


def check(page: Any, number: int) -> Any:
    item = question(page, number)
    item.locator("button.kt-check").click()
    return item


def choose(page: Any, number: int, option_text: str) -> None:
    item = question(page, number)
    item.locator("label", has_text=option_text).locator("input").click()


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const q = el && el.closest('.kt-question');
        const all = Array.from(document.querySelectorAll('.kt-question'));
        return {tag: el ? el.tagName : null, type: el ? el.type || null : null,
                text: el ? (el.closest('label') || el).textContent.trim().slice(0, 200) : null,
                cls: el ? el.className || '' : '',
                checked: el ? !!el.checked : false,
                question: q ? all.indexOf(q) + 1 : 0,
                inQuiz: !!(el && el.closest('.kt-quiz'))};
    }""")


def tab_to(page: Any, want: dict[str, Any], limit: int = 60) -> list[dict[str, Any]]:
    """Press Tab until the focused element matches ``want``; returns every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        stops.append(now)
        if all(now.get(k) == v for k, v in want.items()):
            return stops
    pytest.fail(f"keyboard focus never reached {want}; stops: {stops[-8:]}")
    return stops


def assert_reading_order(page: Any) -> None:
    """Each newly focused element comes after the previous one in the document."""
    ok = page.evaluate("""() => {
        const prev = window.__ktPrevFocus; const now = document.activeElement;
        window.__ktPrevFocus = now;
        if (!prev || !now) return true;
        return !!(prev.compareDocumentPosition(now) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert ok, "keyboard focus moved backwards in the page"


def live_text(page: Any, number: int) -> str:
    return question(page, number).locator(".kt-live").inner_text()


def live_regions_around(locator: Any) -> list[str]:
    """The ``aria-live`` (or implicitly live role) of the element and of each ancestor."""
    return locator.evaluate("""(el) => {
        const live = [];
        for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
            const role = n.getAttribute("role");
            if (n.hasAttribute("aria-live") && n.getAttribute("aria-live") !== "off")
                live.push(n.className + ": aria-live=" + n.getAttribute("aria-live"));
            else if (["status", "alert", "log"].includes(role))
                live.push(n.className + ": role=" + role);
        }
        return live;
    }""")


def assert_feedback_focused(page: Any, number: int, verdict: str) -> None:
    """After Check: focus is on the question's feedback, which announces the verdict by
    being focused, so it is in no live region (a screen reader would read it twice)."""
    live = question(page, number).locator(".kt-live")
    expect(live).to_contain_text(verdict)
    expect(live).to_be_focused()
    assert not live_regions_around(question(page, number).locator(".kt-feedback")), \
        "the focused feedback is also a live region: it would be read twice"


def keyboard_run(page: Any) -> None:
    """Answer all four welcome questions with Tab, arrows, Space, typing and Enter only.

    Radios are one Tab stop per question (arrows choose within it); Enter on a control
    checks its question; focus then moves to that question's feedback.
    """
    stops = tab_to(page, {"question": 1, "type": "radio"})
    assert focused(page)["text"] == "True" and not focused(page)["checked"]
    page.keyboard.press("ArrowDown")  # moves to and selects "False"
    now = focused(page)
    assert now["text"] == "False" and now["checked"], now
    page.keyboard.press("Enter")
    assert_feedback_focused(page, 1, "✓ Correct.")
    assert "Why" in live_text(page, 1)
    stops = tab_to(page, {"question": 2, "type": "text"}, limit=6)
    page.keyboard.type("40")
    page.keyboard.press("Enter")
    assert_feedback_focused(page, 2, "✓ Correct.")
    stops = tab_to(page, {"question": 3, "type": "radio"}, limit=6)
    assert len([s for s in stops if s["question"] == 3 and s["type"] == "radio"]) == 1
    for _ in range(3):  # arrows wrap round the group
        if focused(page)["text"].startswith("No significant difference"):
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["checked"]
    tab_to(page, {"question": 3, "tag": "BUTTON"}, limit=2)
    page.keyboard.press("Space")  # the Check button, by Space
    assert_feedback_focused(page, 3, "✓ Correct.")
    tab_to(page, {"question": 4, "type": "checkbox", "text": "Shows feedback on each option"},
           limit=6)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # arrows also move between the boxes of a question
    assert focused(page)["text"] == "Explains the answer and lists its sources"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    assert_feedback_focused(page, 4, "✓ Correct.")
    result = page.locator(".kt-quiz .kt-result").first
    expect(result).to_contain_text("You scored 100%")
    expect(result).to_contain_text("✓ Passed.")
    expect(result).to_have_attribute("aria-live", "polite")
