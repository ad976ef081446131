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
                text: el ? (el.closest('label') || el).textContent.trim() : null,
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


def keyboard_run(page: Any) -> None:
    """Answer all four welcome questions with Tab, Space, typing and Enter only."""
    tab_to(page, {"question": 1, "type": "radio", "text": "True"})
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "False"
    page.keyboard.press("Space")
    tab_to(page, {"question": 1, "tag": "BUTTON"}, limit=3)
    page.keyboard.press("Enter")
    expect(question(page, 1).locator(".kt-feedback")).to_contain_text("✓ Correct.")
    tab_to(page, {"question": 2, "type": "text"}, limit=6)
    page.keyboard.type("40")
    tab_to(page, {"question": 2, "tag": "BUTTON"}, limit=3)
    page.keyboard.press("Enter")
    expect(question(page, 2).locator(".kt-feedback")).to_contain_text("✓ Correct.")
    tab_to(page, {"question": 3, "type": "radio", "text": "No significant difference from "
                                                            "placebo on the PTSD scales"})
    page.keyboard.press("Space")
    tab_to(page, {"question": 3, "tag": "BUTTON"}, limit=4)
    page.keyboard.press("Enter")
    expect(question(page, 3).locator(".kt-feedback")).to_contain_text("✓ Correct.")
    for option in ("Shows feedback on each option", "Explains the answer and lists its sources"):
        tab_to(page, {"question": 4, "type": "checkbox", "text": option}, limit=8)
        page.keyboard.press("Space")
    tab_to(page, {"question": 4, "tag": "BUTTON"}, limit=4)
    page.keyboard.press("Enter")
    expect(question(page, 4).locator(".kt-feedback")).to_contain_text("✓ Correct.")
    expect(page.locator(".kt-quiz .kt-result")).to_contain_text("You scored 100%")
    expect(page.locator(".kt-quiz .kt-result")).to_contain_text("✓ Passed.")
