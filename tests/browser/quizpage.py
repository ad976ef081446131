"""Shared steps for the browser tests: find a question, answer it, read the feedback."""

from __future__ import annotations

from typing import Any

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
