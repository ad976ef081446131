"""Our jupyterquiz export in jupyterquiz itself: display_quiz's HTML and JavaScript in
Chromium, answers typed and clicked, feedback read back.

jupyterquiz has no validation of its own (it logs and shows nothing on a bad field),
so the proof that the export is usable is its own JavaScript marking our JSON the way
the course marks the same answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from ketatraining.interop.common import words
from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
from ketatraining.quiz.grading import grade
from ketatraining.quiz.loading import CATALOG_FILES, check_file

pytestmark = pytest.mark.browser
jupyterquiz = pytest.importorskip("jupyterquiz.dynamic.display")

QUIZ_DIR = Path(__file__).resolve().parents[2] / "quizzes"
BANKS = sorted(p for p in QUIZ_DIR.glob("*.yaml") if p.name not in CATALOG_FILES)


def page_for(browser: Any, items: list[dict[str, Any]], tmp_path: Path) -> Any:
    shown: list[Any] = []
    with mock.patch.object(jupyterquiz, "display", side_effect=shown.append):
        jupyterquiz.display_quiz(items, shuffle_answers=False, shuffle_questions=False)
    html, script = shown[0].data, shown[1].data
    target = tmp_path / "quiz.html"
    target.write_text(f"<html><body>{html}<script>{script}</script></body></html>",
                      encoding="utf-8")
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "file:") else route.abort())  # no request leaves the machine (MathJax included)
    page.goto(target.as_uri())
    page.wait_for_selector("input, label", timeout=30_000)
    return page


def exported_pairs(quiz: Any, items: list[dict[str, Any]]) -> list[tuple[Any, dict[str, Any]]]:
    """Each exported item with its question, by id: questions jupyterquiz cannot carry
    (matching, ordering) are left out of the export with a KE002 warning."""
    by_id = {question.id: question for question in quiz.questions}
    pairs = [(by_id[item["ketatraining"]["id"]], item) for item in items]
    assert len(pairs) == len(items)
    return pairs


def feedback(page: Any) -> str:
    return " ".join(page.locator("[id^=fb]").first.inner_text().split())


@pytest.mark.parametrize("path", BANKS, ids=[p.stem for p in BANKS])
def test_display_quiz_marks_numeric_answers_as_the_course_does(browser: Any, path: Path,
                                                                tmp_path: Path) -> None:
    quiz, _ = check_file(path)
    assert quiz is not None
    items = json.loads(jupyterquiz_export(quiz)[0])
    numeric = [(q, item) for q, item in exported_pairs(quiz, items)
               if q.type == "numeric"]
    if not numeric:
        pytest.skip(f"{path.stem} has no numeric question")
    for question, item in numeric:
        page = page_for(browser, [item], tmp_path)
        width = max(question.tolerance or 0,
                    (question.relative_tolerance or 0) * abs(question.value))
        for number in (question.value, question.value + 0.99 * width,
                       question.value - 0.99 * width, question.value + 1.5 * width + 1):
            expected = grade(question, number)
            text = (question.feedback_correct if expected.correct
                    else question.feedback_incorrect)
            page.evaluate("() => { document.querySelector('[id^=fb]').innerHTML = ''; }")
            box = page.locator("input").first
            box.fill(repr(number))
            box.press("Enter")
            page.wait_for_function("t => document.querySelector('[id^=fb]').innerText"
                                   ".replace(/\\s+/g, ' ').includes(t)",
                                   arg=words(text)[:40], timeout=15_000)
        page.close()


def test_display_quiz_marks_a_choice_question(browser: Any, tmp_path: Path) -> None:
    quiz, _ = check_file(QUIZ_DIR / "risks.yaml")
    assert quiz is not None
    question, item = next((q, i) for q, i in exported_pairs(
        quiz, json.loads(jupyterquiz_export(quiz)[0])) if q.type == "single_choice")
    page = page_for(browser, [item], tmp_path)
    for option in question.options:
        page.get_by_text(words(option.text)[:30], exact=False).first.click()
        assert words(option.feedback)[:40] in feedback(page)
        assert grade(question, option.id).correct == option.correct
    page.close()
