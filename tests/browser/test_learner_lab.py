"""Learner mode (``make lab``) in a real JupyterLab and browser: a scripted sitting.

JupyterLab is started exactly as ``python -m ketatraining.lab`` starts it (its command and
settings), on a learner folder in a temporary directory. The learner runs and saves the
welcome notebook; the repository's files stay untouched, the learner's copy has the work,
and a second start keeps it. No news question, no trainer notebooks, no helper code.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ROOT,
    Server,
    _environment,
    _stop,
    _wait_for,
    free_port,
)
from tests.browser.quizpage import WELCOME, wait_for_quiz

pytestmark = pytest.mark.browser

KERNEL_IDLE = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""


NOTEBOOK_SHARE = """() => {
    const panel = document.querySelector('.jp-NotebookPanel');
    return panel.getBoundingClientRect().width / window.innerWidth;
}"""


def assert_notebook_has_the_width(page: Any, width: int) -> None:
    """The notebook as JupyterLab first lays it out (nothing collapsed by the test): most
    of the window, with the file browser one click away on the edge."""
    page.wait_for_timeout(1000)  # the restored layout settles
    share = page.evaluate(NOTEBOOK_SHARE)
    assert share >= 0.85, f"the notebook has {share:.0%} of a {width} px window"
    expect(page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first).to_be_visible()


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", "notebooks", "quizzes"],
                          cwd=ROOT, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def learner_lab(chromium_path: Path, tmp_path: Path) -> Iterator[Server]:
    from ketatraining.lab.launch import lab_command, lab_environment, prepare

    folder = prepare(tmp_path / "learner")
    port, token = free_port(), secrets.token_hex(16)
    env = lab_environment(_environment(tmp_path, tmp_path / "progress.db"))
    extra = ["--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}",
             f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
             "--LabApp.expose_app_in_browser=True",
             *(["--allow-root"] if os.geteuid() == 0 else [])]
    log = tmp_path / "lab.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(lab_command(folder, extra), env=env, stdout=sink,
                                   stderr=subprocess.STDOUT)
    server = Server("jupyterlab", port, token, folder, tmp_path / "progress.db", process, log,
                    env)
    try:
        _wait_for(server, "api/status")
        yield server
    finally:
        _stop(server)


def test_a_sitting_changes_only_the_learners_copy(browser: Any, learner_lab: Server) -> None:
    before = _git_status()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(learner_lab.url(f"lab/tree/{WELCOME}"))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    assert_notebook_has_the_width(page, 1280)
    page.set_viewport_size({"width": 768, "height": 900})
    assert_notebook_has_the_width(page, 768)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_for_quiz(page)
    # On a phone the collapsed helper cells' line wraps instead of being cut off.
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_function("""() => {
        const lines = [...document.querySelectorAll('.jp-InputPlaceholder .jp-PlaceholderText')]
            .filter(e => e.offsetParent !== null);
        const right = document.querySelector('.jp-NotebookPanel').getBoundingClientRect().right;
        return lines.length > 0 && lines.every(e => e.scrollWidth <= e.clientWidth + 1
            && e.getBoundingClientRect().right <= right + 1);
    }""", timeout=30_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".kt-quiz .kt-question").first.locator("label", has_text="False").locator(
        "input").click()
    page.locator(".kt-quiz .kt-question").first.locator("button.kt-check").click()
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    saved = learner_lab.root / WELCOME
    deadline = time.monotonic() + 60
    while saved.read_bytes() == (ROOT / "notebooks" / WELCOME).read_bytes():
        assert time.monotonic() < deadline, "JupyterLab never saved the learner's notebook"
        time.sleep(0.5)
    # What the learner sees: no question about news, no trainer notebooks, no code.
    time.sleep(3)  # the news question, if any, appears a moment after start
    expect(page.get_by_text("notified", exact=False)).to_have_count(0)
    expect(page.get_by_text("official Jupyter news", exact=False)).to_have_count(0)
    # No extension manager in the side bar (it asks to fetch from PyPI and install code).
    expect(page.locator(".jp-SideBar [data-id='extensionmanager.main-view']")).to_have_count(0)
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab").first.click()  # the file browser
    expect(page.locator(".jp-DirListing-item").first).to_be_visible()
    names = page.locator(".jp-DirListing-item .jp-DirListing-itemText").all_inner_texts()
    assert WELCOME in names and "trainer" not in names, names
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
    expect(notebook.get_by_text("from ketatraining", exact=False)).to_have_count(0)
    expect(notebook.get_by_text("Course helper:", exact=False).first).to_be_visible()
    # Links in the course text look like links, not only blue (the shipped custom CSS).
    link = notebook.locator(".jp-RenderedMarkdown a", has_text="01 · ").first
    expect(link).to_be_attached()
    assert link.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    page.screenshot(path=str(learner_lab.root.parent / "learner-lab-1280.png"))
    context.close()
    assert _git_status() == before  # the repository is never modified by learning
    # A second `make lab`: the learner's saved work is kept.
    from ketatraining.lab.launch import prepare

    mine = saved.read_bytes()
    prepare(learner_lab.root)
    assert saved.read_bytes() == mine
