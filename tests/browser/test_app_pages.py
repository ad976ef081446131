"""The app as a clinician meets it: every page, and kernels freed.

Every page of the running app (Voila with preheated kernels) is opened once in Chromium
and checked in that one visit: title, previous/next, wording, no code, figures' alt text,
no literal entities, axe-core, the checklists as named groups, and the layout at 320, 768
and 1280 px (a resize, not a reload). The kernel test counts the app's live kernels (its
status endpoint) and the memory of its process tree before and after a few page views.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ketatraining.app.catalog import course_notebooks
from ketatraining.app.ready import PAGE_READY_JS as READY
from tests.browser.conftest import LEARNER, ROOT, Server, status
from tests.browser.pagechecks import (
    CONTRAST,
    CUT,
    ENTITIES,
    assert_checklists_are_groups,
    axe_violations,
    check_layout,
)

pytestmark = pytest.mark.browser

ENTRIES = course_notebooks(ROOT / "notebooks")
PAGES = ["index.ipynb", *(e.name for e in ENTRIES)]
DEVELOPER_WORDING = [
    (re.compile(r"\(nb\d\d-[a-z0-9-]+\)"), "an objective id"),
    (re.compile(r"\b[A-Za-z]+\(s\)"), "a '(s)' plural"),
    (re.compile(r"run this cell", re.IGNORECASE), "'run this cell'"),
    (re.compile(r"\bwidget", re.IGNORECASE), "the word 'widget'"),
]


STACKED_ALIGN = """() => [...document.querySelectorAll(
        'table.kt-stack td, table.kt-screening-rules td, table.kt-progress-table td')]
    .map(td => [td.textContent.trim().slice(0, 30), getComputedStyle(td).textAlign])
    .filter(([, align]) => !['left', 'start'].includes(align))"""
"""Cells of the tables that become "Column: value" lines on a phone, not left-aligned."""


def open_page(page: Any, server: Server, name: str) -> None:
    page.goto(server.url(f"voila/render/{name}"))
    page.wait_for_function(READY, timeout=120_000)


def _title(name: str) -> str:
    if name == "index.ipynb":
        return "Course overview – Ketamine for PTSD"
    return next(e.title for e in ENTRIES if e.name == name) + " – Ketamine for PTSD"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_once_title_links_wording_layout_and_axe(
        voila_page: Any, voila_server: Server, axe_source: str,
        tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    page = voila_page
    open_page(page, voila_server, name)
    _title_links_and_wording(page, name)
    if name != "index.ipynb":
        _no_code_and_figures_described(page)
    assert page.evaluate(ENTITIES) == [], f"{name}: escaped entities shown as text"
    violations = axe_violations(page, axe_source)
    assert violations == [], f"{name}: axe-core WCAG 2.2 A/AA violations:\n" + \
        json.dumps(violations, indent=1, ensure_ascii=False)
    if name in ("index.ipynb", ENTRIES[0].name):
        ratios = page.evaluate(CONTRAST)
        assert len(ratios) >= 8
        low = [(text, round(ratio, 2)) for text, ratio in ratios if ratio < 4.5]
        assert not low, f"text below the WCAG AA contrast of 4.5:1: {low}"
    assert_checklists_are_groups(page)
    shots = Path(tmp_path_factory.getbasetemp()) / "screenshots"  # for a person to look at
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{Path(name).stem}-1280.png"))
    layout = check_layout(page, widths=(320, 390, 768, 1280), label=f"voila-{Path(name).stem}")
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(150)
    page.screenshot(path=str(shots / f"{Path(name).stem}-390.png"))
    ragged = page.evaluate(STACKED_ALIGN)
    assert not ragged, f"{name} at 390 px: stacked table lines not left-aligned: {ragged[:4]}"
    for width, found in layout.items():
        assert not found["problems"], f"{name} at {width} px: {found['problems'][:6]}"
        cut = found["teaching"]["problems"]
        assert not cut, f"{name} at {width} px, teaching exercise or table cut off: {cut[:6]}"
        overflow = found["overflow"]
        assert overflow <= 1, f"{name} scrolls sideways by {overflow} px at {width} px"
    if name != "index.ipynb":
        assert layout[1280]["count"] > 0, f"{name}: no option boxes found"
    # offsite requests are checked by the voila_page fixture when the test ends


def _no_code_and_figures_described(page: Any) -> None:
    expect(page.locator(".kt-quiz .kt-intro").first).to_contain_text("To pass you need")
    expect(page.locator(".jp-InputArea-editor")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "import ketatraining" not in body
    assert "from ketatraining" not in body
    for image in page.locator("#rendered_cells img").all():
        assert (image.get_attribute("alt") or "").strip(), "a figure without alt text"


def _title_links_and_wording(page: Any, name: str) -> None:
    assert page.title() == _title(name)
    top = page.locator("nav.kt-app-nav-top")
    index = PAGES.index(name)
    if name == "index.ipynb":
        expect(top.locator("a.kt-nav-overview")).to_have_count(0)  # not on the overview
        expect(top.locator("a.kt-nav-next")).to_have_attribute("href", PAGES[1])
        expect(top.locator("a.kt-nav-next")).to_have_text(f"Start: {ENTRIES[0].title} →")
    else:
        expect(top.locator("a.kt-nav-overview")).to_have_attribute("href", "index.ipynb")
        for nav in (top, page.locator("nav.kt-app-nav-bottom")):
            previous, following = nav.locator("a.kt-nav-previous"), nav.locator("a.kt-nav-next")
            if index > 1:
                expect(previous).to_have_attribute("href", PAGES[index - 1])
                expect(previous).to_contain_text(f"Previous: {ENTRIES[index - 2].title}")
            else:
                expect(previous).to_have_count(0)
            if index + 1 < len(PAGES):
                expect(following).to_have_attribute("href", PAGES[index + 1])
                expect(following).to_contain_text(f"Next: {ENTRIES[index].title}")
            else:
                expect(following).to_have_count(0)
    h1 = [t.strip() for t in page.locator("h1").all_inner_texts()]
    if name == "index.ipynb":
        assert h1 == ["Ketamine for PTSD: a course for clinicians"], h1
    else:  # the page's own title; the course's name is above the links, not a heading
        assert h1 == [_title(name).removesuffix(" – Ketamine for PTSD")], h1
        expect(page.locator("p.kt-app-course")).to_have_text(
            "Ketamine for PTSD: a course for clinicians")
    link = page.locator("nav.kt-app-nav-top a").first
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    text = page.locator("body").inner_text()
    found = [f"{label}: {m.group(0)!r}" for pattern, label in DEVELOPER_WORDING
             for m in pattern.finditer(text)]
    assert not found, f"developer wording on {name}: {found}"
    headings = [h.strip().lower() for h in page.locator(
        "#rendered_cells h1, #rendered_cells h2, #rendered_cells h3, #rendered_cells h4, "
        ".kt-quiz-title").all_inner_texts() if h.strip()]
    repeated = [a for a, b in itertools.pairwise(headings) if a == b]
    assert not repeated, f"the same heading twice in a row on {name}: {repeated}"


def test_your_progress_fits_a_phone_once_a_quiz_is_finished(voila_page: Any,
                                                             voila_server: Server) -> None:
    """The progress panel (figure, caption, the eight-column table) stays on a 390 px
    screen: the table's rows become blocks of "Column: value" lines."""
    from ketatraining.progress.store import ProgressStore
    from ketatraining.quiz.loading import load_quiz
    from ketatraining.widgets.quiz import QuizWidget

    store = ProgressStore(voila_server.store_url)
    quiz = QuizWidget(load_quiz("welcome"), store=store, learner_id=LEARNER)
    for state, response in zip(list(quiz.states), [True, "1", "a", ["c"]], strict=True):
        quiz.answer(state.question_id, response)
    page = voila_page
    page.set_viewport_size({"width": 390, "height": 900})
    open_page(page, voila_server, ENTRIES[0].name)
    panel = page.locator(".kt-progress-widget")
    expect(panel.locator("table.kt-progress-table td").first).to_have_attribute(
        "data-label", "Quiz")
    expect(panel.locator("img")).to_have_count(1)
    found = page.evaluate(CUT, ".kt-progress-widget")
    assert found["count"] == 1 and not found["problems"], found
    assert page.evaluate(STACKED_ALIGN) == []


def test_what_next_is_a_link_to_the_next_notebook(voila_page: Any, voila_server: Server) -> None:
    page = voila_page
    open_page(page, voila_server, ENTRIES[0].name)
    link = page.locator("#rendered_cells a", has_text=re.compile(r"^01 · "))
    expect(link).to_have_attribute("href", ENTRIES[1].name)
    link.click()
    page.wait_for_function(READY, timeout=120_000)
    assert page.title() == _title(ENTRIES[1].name)


def test_landing_names_every_quiz_with_its_own_state(voila_page: Any,
                                                     voila_server: Server) -> None:
    page = voila_page
    open_page(page, voila_server, "index.ipynb")
    for row, entry in zip(page.locator(".kt-landing-row").all(), ENTRIES, strict=True):
        quizzes = row.locator(".kt-landing-quizzes li")
        expect(quizzes).to_have_count(len(entry.quiz_ids))
        for item in quizzes.all():
            name, _, state = item.inner_text().partition(": ")
            assert name.strip() and name.strip() not in entry.quiz_ids, item.inner_text()
            assert state.strip(), item.inner_text()
    two = page.locator(".kt-landing-row").nth(2).locator(".kt-landing-quiz").all_inner_texts()
    assert len(set(two)) == 2  # notebook 02's two quizzes are told apart


def _tree_rss(server: Server) -> float:
    import psutil

    parent = psutil.Process(server.process.pid)
    total = 0
    for process in [parent, *parent.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total / 1e6


def _settled(server: Server, timeout: float = 180.0) -> dict[str, Any]:
    """The app's status once every live kernel is a ready preheated one (refills take
    seconds), or after ``timeout``: a kernel outside the pools then is one left behind."""
    deadline = time.monotonic() + timeout
    state = status(server)
    while time.monotonic() < deadline and not (
            state["heated"] and not state["pool_heating"]
            and state["kernels"] == state["pool_ready"]):
        time.sleep(0.25)
        state = status(server)
    return state


def _leave_early(page: Any, server: Server, name: str) -> None:
    """Open a page and leave it as soon as it names its kernel, before its widgets load."""
    page.goto(server.url(f"voila/render/{name}"), wait_until="commit")
    page.wait_for_selector("#jupyter-config-data", state="attached", timeout=120_000)


def test_leaving_pages_frees_their_kernels_and_memory(browser: Any,
                                                      voila_server: Server) -> None:
    pages = len(list(voila_server.root.glob("*.ipynb")))
    start = _settled(voila_server)  # earlier tests' pages are being refilled
    assert start["kernels"] == start["pool_ready"] == pages, "one preheated kernel per page"
    start_rss = _tree_rss(voila_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    views = ["index.ipynb", ENTRIES[0].name, ENTRIES[4].name, "index.ipynb", ENTRIES[0].name,
             ENTRIES[-1].name]
    for name in views:
        open_page(page, voila_server, name)
    for name in (ENTRIES[1].name, ENTRIES[2].name):  # a learner clicking on at once
        _leave_early(page, voila_server, name)
    page.goto("about:blank")  # leaving the last page sends its shutdown request too
    time.sleep(2)  # closing the whole browser context at once would cancel that request
    context.close()
    end = _settled(voila_server)
    assert end["kernels"] == end["pool_ready"] == start["kernels"], end
    rss = _tree_rss(voila_server)
    assert rss < start_rss * 1.15, f"memory {start_rss:.0f} MB -> {rss:.0f} MB"
    assert not [e for e in errors if "403" in e or "xsrf" in e.lower()], errors
    log = voila_server.log.read_text(errors="replace")
    assert "_xsrf' argument missing" not in log
    assert "500 POST" not in log  # a second shutdown beacon for a kernel already gone
