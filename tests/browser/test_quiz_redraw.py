"""The quiz front-end when the kernel redraws a page the learner has already started.

A preheated Voila kernel hears of the page request only after it handed the page over;
on a slow machine the learner may have chosen an answer, or pressed Check, by then. The
real ``quiz.js`` runs in Chromium against the real kernel-side widget, with a minimal
stand-in for the widget model's messages (``get``/``on``/``send``), so the test decides
exactly when each kernel update arrives. No Jupyter server is involved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ketatraining.assessment.local import LocalAssessment
from ketatraining.progress.store import ProgressStore
from ketatraining.widgets import live
from ketatraining.widgets.quiz import STATIC, QuizWidget

pytestmark = pytest.mark.browser

SYNCED = ("texts", "quiz", "intro", "notice", "questions", "checked", "messages", "save",
          "score", "result", "finished", "round")

HARNESS = """async ({source, state}) => {
    const values = {...state};
    const handlers = {};
    window.ktSent = [];
    window.ktModel = {
        get: (name) => values[name],
        on: (name, fn) => { (handlers[name] = handlers[name] || []).push(fn); },
        off: (name, fn) => {
            handlers[name] = (handlers[name] || []).filter((f) => f !== fn);
        },
        send: (message) => { window.ktSent.push(message); },
    };
    // What the widget manager does with a kernel update: set every value, then announce
    // each change in the order the kernel sent them.
    window.ktUpdate = (changes) => {
        Object.assign(values, changes);
        for (const name of Object.keys(changes)) {
            for (const fn of handlers[`change:${name}`] || []) fn();
        }
    };
    const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
    const module = await import(url);
    const el = document.createElement("div");
    document.body.append(el);
    module.default.render({model: window.ktModel, el});
}"""


def state_of(widget: QuizWidget) -> dict[str, Any]:
    return json.loads(json.dumps({name: getattr(widget, name) for name in SYNCED}))


def changes(before: dict[str, Any], widget: QuizWidget) -> dict[str, Any]:
    after = state_of(widget)
    return {name: value for name, value in after.items() if before.get(name) != value}


def test_a_redraw_keeps_the_learners_choice_and_the_check_on_its_way(
        browser: Any, tmp_path: Path, preheated: None) -> None:
    url = f"sqlite:///{tmp_path / 'progress.db'}"
    store = ProgressStore(url)
    widget = QuizWidget("welcome", assessment=LocalAssessment(store, learner_id="ann"),
                        seed=1)  # the preheated page
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html lang='en'><body></body></html>")
        page.evaluate(HARNESS, {"source": (STATIC / "quiz.js").read_text(encoding="utf-8"),
                                "state": state_of(widget)})
        first = page.locator(".kt-question").nth(0)
        first.locator("label", has_text="False").locator("input").check()
        first.locator("button.kt-check").click()  # sent with the preheated round

        # Meanwhile the learner answered the dose question in another tab; the page
        # request then reaches the kernel, which redraws from the store.
        other = QuizWidget("welcome", assessment=LocalAssessment(ProgressStore(url),
                                                                 learner_id="ann"))
        other.answer("welcome-dose", 40)
        before = state_of(widget)
        for ref in list(live._page_hooks):
            hook = ref()
            if hook is not None and getattr(hook, "__self__", None) is widget:
                hook()
        redraw = changes(before, widget)
        assert "round" in redraw, "the store changed, so the page is redrawn"
        page.evaluate("changes => window.ktUpdate(changes)", redraw)

        first = page.locator(".kt-question").nth(0)
        expect(first.locator("label", has_text="False").locator("input")).to_be_checked()
        expect(first.locator("button.kt-check")).to_have_text(widget.texts["checking"])
        expect(page.locator(".kt-question").nth(1).locator(".kt-feedback")).to_contain_text(
            "✓ Correct.")  # the answer from the other tab

        # The Check sent before the redraw reaches the kernel and still counts.
        sent = page.evaluate("() => window.ktSent")
        assert [m["type"] for m in sent] == ["check"] and sent[0]["round"] != widget.round
        before = state_of(widget)
        widget._on_page_message(widget, sent[0], [])
        page.evaluate("changes => window.ktUpdate(changes)", changes(before, widget))
        expect(first.locator(".kt-feedback")).to_contain_text("✓ Correct.")
        expect(first.locator(".kt-live")).to_be_focused()
        assert [s.question_id for s in store.responses("ann", "welcome")] == [
            "welcome-dose", "welcome-off-label"]
    finally:
        page.close()
        widget.assessment.close()
