"""App mode without a browser: folder layout, Voila command, check cells, landing, template."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import pytest

from ketatraining.app.catalog import course_notebooks
from ketatraining.app.course import LAB_ONLY, is_check_cell, own_heading
from ketatraining.app.overview import NO_QUIZ, NOT_STARTED, landing_html, quiz_status
from ketatraining.app.server import SHARE, app_environment, build_root, voila_command
from ketatraining.app.voila_main import HEAT_LATER, course_config, overview_parts
from ketatraining.progress.records import AttemptRecord
from ketatraining.progress.store import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
TEMPLATE = SHARE / "voila" / "templates" / "ketatraining"


def test_app_folder_has_every_notebook_and_no_overview_notebook(tmp_path: Path) -> None:
    root = build_root(tmp_path / "course", NOTEBOOKS)
    names = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    # The overview is built by the server (no kernel), so no notebook stands for it.
    assert sorted(p.name for p in root.glob("*.ipynb")) == names
    assert not (root / "trainer").exists()  # trainer notebooks are not for learners
    for index, name in enumerate(names):
        original = json.loads((NOTEBOOKS / name).read_text())
        served = json.loads((root / name).read_text())
        kept = [c for c in original["cells"] if not is_check_cell(c)]
        assert len(served["cells"]) == len(kept)
        changed = [n for n, (a, b) in enumerate(zip(served["cells"], kept, strict=True))
                   if a != b]
        # The heading cell (own heading: tested below) and the JupyterLab-only sentence.
        assert set(changed) - {0} == {n for n, c in enumerate(kept) if any(
            sentence in "".join(c["source"]) for sentence in LAB_ONLY)}
        assert not any(sentence in "".join(c["source"]) for c in served["cells"]
                       for sentence in LAB_ONLY)
        nav = served["metadata"]["ketatraining"]
        assert nav["overview"] is False
        assert (nav["previous"] or {}).get("href") == (names[index - 1] if index else None)
        following = names[index + 1] if index + 1 < len(names) else None
        assert (nav["next"] or {}).get("href") == following
    title = json.loads((root / "04-benefits-and-evidence.ipynb").read_text())["metadata"]["title"]
    assert title == "04 · Benefits and evidence – Ketamine for PTSD"


def test_each_page_has_its_own_title_as_its_only_h1_and_the_course_name_above(
        tmp_path: Path) -> None:
    root = build_root(tmp_path / "course", NOTEBOOKS)
    for entry in course_notebooks(NOTEBOOKS):
        served = json.loads((root / entry.name).read_text())
        text = "\n".join("".join(c["source"]) for c in served["cells"]
                         if c["cell_type"] == "markdown")
        h1 = [line[2:].strip() for line in text.splitlines() if line.startswith("# ")]
        assert h1 == [entry.title], entry.name
        assert served["metadata"]["ketatraining"]["course"] == \
            "Ketamine for PTSD: a course for clinicians"
        first = "".join(served["cells"][0]["source"])
        assert first.startswith(f"# {entry.title}\n"), first[:80]


def test_a_notebook_without_the_course_heading_keeps_its_headings() -> None:
    cells = [{"cell_type": "markdown", "source": "## Overview\n\n# Later"}]
    assert own_heading(cells, "Overview") == (cells, None)
    cells = [{"cell_type": "markdown", "source": "# Course\n\n## Not the title"}]
    assert own_heading(cells, "Title") == (cells, None)


def test_voila_runs_with_preheated_kernels_shutdown_and_culling() -> None:
    config = course_config()
    assert config.VoilaConfiguration.preheat_kernel is True
    assert config.VoilaConfiguration.default_pool_size == 1
    assert config.MappingKernelManager.cull_idle_timeout > 0
    assert config.MappingKernelManager.cull_connected is False
    assert config.VoilaKernelManager.preheat_denylist == [HEAT_LATER]
    deny = re.compile(HEAT_LATER)  # none at start: heat_course heats them one by one
    assert deny.match("/tmp/app/course/00-welcome.ipynb")


def test_voila_listens_on_localhost_with_the_course_template(tmp_path: Path) -> None:
    command = voila_command(tmp_path, port=12345, token="t0k")
    assert "--Voila.ip=127.0.0.1" in command and "--port=12345" in command
    assert "--token=t0k" in command and "--template=ketatraining" in command
    env = app_environment(NOTEBOOKS, base={"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(SHARE), "/elsewhere"]
    assert env["KETATRAINING_NOTEBOOKS_DIR"] == str(NOTEBOOKS.resolve())


def test_the_template_loads_nothing_from_another_host() -> None:
    for path in TEMPLATE.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), path
    page = (TEMPLATE / "index.html.j2").read_text()
    assert "{%- extends 'voila/templates/lab/index.html.j2' -%}" in page
    assert "super.super()" in page  # skips the lab block that links the CDN


def test_check_cells_are_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    root = build_root(tmp_path / "course", NOTEBOOKS)
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        before = [c for c in notebook.cells if not is_check_cell(c)]
        checks = len(notebook.cells) - len(before)
        kept = nbformat.read(root / path.name, as_version=4).cells
        assert len(kept) == len(before)
        assert all("QuizWidget(" not in c.source for c in kept), path.name
        shown = [c.source for c in kept if "show_quiz(" in c.source]
        if "show_quiz(" in path.read_text():
            assert shown, path.name
        if "# Check, run by the course's tests" in path.read_text():
            assert checks >= 1, path.name


def test_tags_mark_check_cells_too() -> None:
    cell = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["remove-cell"]})
    assert is_check_cell(cell)
    assert not is_check_cell(nbformat.v4.new_code_cell("show_quiz('a')"))
    assert not is_check_cell(nbformat.v4.new_markdown_cell("# Check, run by the course's tests"))


def test_catalog_lists_notebooks_in_order_with_their_quizzes(tmp_path: Path) -> None:
    entries = course_notebooks(NOTEBOOKS)
    assert [e.name for e in entries] == sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))
    welcome = entries[0]
    assert welcome.name.startswith("00-") and "welcome" in welcome.quiz_ids
    (tmp_path / "03-b.ipynb").write_text("not json")
    (tmp_path / "01-a.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": "# Course\n## 01 · First"},
        {"cell_type": "code", "source": "show_quiz('q1')\nshow_quiz(\"q2\")"}]}))
    (tmp_path / "notes.ipynb").write_text("{}")
    listed = course_notebooks(tmp_path)
    assert [(e.name, e.title, e.quiz_ids) for e in listed] == [
        ("01-a.ipynb", "01 · First", ("q1", "q2")), ("03-b.ipynb", "03 b", ())]


def _attempt(quiz: str, attempt: int, score: float | None, passed: bool | None) -> AttemptRecord:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return AttemptRecord("ann", quiz, attempt, now, now if score is not None else None, score,
                         10.0, 80.0, passed)


@pytest.mark.parametrize(("attempts", "expected"), [
    ([], NOT_STARTED),
    ([_attempt("q", 1, None, None)], "◐ Quiz started, not finished"),
    ([_attempt("q", 1, 5.0, False)], "◐ Quiz taken, not passed yet (best 50%, pass mark 80%)"),
    ([_attempt("q", 1, 5.0, False), _attempt("q", 2, 9.0, True)],
     "✓ Quiz passed (best score 90%)"),
    ([_attempt("other", 1, 10.0, True)], NOT_STARTED),
])
def test_quiz_status_in_words(attempts: list[AttemptRecord], expected: str) -> None:
    assert quiz_status("q", attempts).text == expected


def test_landing_escapes_titles_and_counts_passes() -> None:
    from ketatraining.app.catalog import NotebookEntry

    entries = [NotebookEntry("00-a.ipynb", "<b>A</b>", ("q",)), NotebookEntry("01-b.ipynb", "B", ())]
    page = landing_html(entries, [_attempt("q", 1, 9.0, True)], titles={"q": "Quiz <Q>"})
    assert "&lt;b&gt;A&lt;/b&gt;" in page and "<b>A" not in page
    assert 'href="00-a.ipynb"' in page and NO_QUIZ in page
    assert "You have passed 1 of 1 quiz." in page
    assert "Quiz &lt;Q&gt;</span>: ✓ Quiz passed" in page


def test_landing_names_each_quiz_of_a_notebook_with_its_own_state() -> None:
    from ketatraining.app.catalog import NotebookEntry

    entries = [NotebookEntry("02-a.ipynb", "02 · A", ("ptsd", "treatments"))]
    page = landing_html(entries, [_attempt("ptsd", 1, 9.0, True)],
                        titles={"ptsd": "PTSD criteria", "treatments": "Treatments"})
    assert "PTSD criteria</span>: ✓ Quiz passed (best score 90%)" in page
    assert f"Treatments</span>: {NOT_STARTED}" in page
    assert "You have passed 1 of 2 quizzes." in page


def test_launcher_refuses_a_folder_without_notebooks(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from ketatraining.app.server import main

    assert main(["--notebooks", str(tmp_path), "--no-browser"]) == 1
    assert "no notebooks found" in capsys.readouterr().err


def test_next_mode_heats_the_page_read_and_the_one_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketatraining.app.voila_main import PREHEAT_ENV, pages_to_heat, preheat_mode

    root = build_root(tmp_path / "course", NOTEBOOKS)
    names = [e.name for e in course_notebooks(NOTEBOOKS)]
    assert pages_to_heat(root, None) == [names[0]]
    assert pages_to_heat(root, "index.ipynb") == [names[0]]
    assert pages_to_heat(root, names[3]) == [names[3], names[4]]
    assert pages_to_heat(root, names[-1]) == [names[-1]]
    assert pages_to_heat(root, "other.ipynb") == ["other.ipynb"]
    monkeypatch.delenv(PREHEAT_ENV, raising=False)
    assert preheat_mode() == "all"
    monkeypatch.setenv(PREHEAT_ENV, " Next ")
    assert preheat_mode() == "next"
    monkeypatch.setenv(PREHEAT_ENV, "some")
    assert preheat_mode() == "all"  # a typo keeps the fast default, with a warning in the log


def _overview(parts: dict[str, object]) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE), autoescape=True)
    return env.get_template("overview.html").render(base_url="/", **parts)


def test_overview_page_is_built_without_a_kernel_from_the_store_as_it_is_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store_url = f"sqlite:///{tmp_path / 'progress.db'}"
    monkeypatch.setenv("KETATRAINING_DB", store_url)
    monkeypatch.setenv("KETATRAINING_LEARNER", "ann")
    monkeypatch.setenv("KETATRAINING_NOTEBOOKS_DIR", str(NOTEBOOKS))
    page = _overview(overview_parts())
    assert "<title>Course overview – Ketamine for PTSD</title>" in page
    assert 'class="kt-nav-next" rel="next" href="00-welcome.ipynb">Start: 00 · Welcome' in page
    assert "kt-nav-overview" not in page  # no link to the overview on the overview
    assert "You have passed 0 of" in page and "About this course" in page
    assert "<script" not in page  # nothing to run: the page needs no kernel
    with ProgressStore(store_url) as store:  # passed meanwhile (JupyterLab, another tab)
        attempt = store.start_attempt("ann", "welcome", max_score=4, pass_mark=50)
        store.finish_attempt("ann", "welcome", attempt, score=3, passed=True)
    assert "✓ Quiz passed (best score 75%)" in _overview(overview_parts())


def test_overview_page_says_what_to_do_when_it_cannot_be_built(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ketatraining.app import overview

    def broken() -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(overview, "current_landing_html", broken)
    page = _overview(overview_parts())
    assert "cannot be shown right now" in page and "tell your trainer" in page
    assert "Traceback" not in page and "boom" not in page


class _Pending:
    """A done pool task, as Voila 0.5 keeps them."""

    def __init__(self, kernel_id: str) -> None:
        self.kernel_id = kernel_id

    def done(self) -> bool:
        return True

    def cancelled(self) -> bool:
        return False

    def exception(self) -> None:
        return None

    def result(self) -> dict[str, str]:
        return {"kernel_id": self.kernel_id}


class _Kernels:
    """The parts of Voila's kernel manager that free_closed_pages uses."""

    def __init__(self) -> None:
        self._kernel_connections = {"page": 1, "again": 1, "pooled": 0}
        self._pools = {"00.ipynb": [_Pending("pooled")]}
        self.stopped: list[str] = []

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self._kernel_connections

    def notify_disconnect(self, kernel_id: str) -> None:
        self._kernel_connections[kernel_id] -= 1

    async def shutdown_kernel(self, kernel_id: str) -> None:
        self.stopped.append(kernel_id)
        del self._kernel_connections[kernel_id]


def test_a_page_gone_without_a_word_has_its_kernel_shut_down_after_the_grace() -> None:
    import asyncio

    from ketatraining.app.voila_main import free_closed_pages

    async def scenario() -> list[str]:
        kernels = _Kernels()
        free_closed_pages(kernels, grace=0.05)
        kernels.notify_disconnect("page")  # its tab was closed
        kernels.notify_disconnect("again")  # a network drop: the page reconnects at once
        kernels._kernel_connections["again"] += 1
        kernels._kernel_connections["pooled"] += 1  # a pooled kernel is never touched
        kernels.notify_disconnect("pooled")
        await asyncio.sleep(0.3)
        return kernels.stopped

    assert asyncio.run(scenario()) == ["page"]


class _Pools:
    """Voila 0.5's preheated pools, as far as give_back uses them."""

    def __init__(self) -> None:
        self._pools: dict[str, list[Any]] = {}
        self.kernel_pools_config: dict[str, dict[str, int]] = {}
        self.stopped: list[str] = []
        self.ketatraining_given: dict[str, Any] = {}

    async def shutdown_kernel(self, kernel_id: str) -> None:
        self.stopped.append(kernel_id)

    def list_kernel_ids(self) -> list[str]:
        return []

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id not in self.stopped


def test_a_left_page_keeps_its_kernel_for_a_reload_until_a_fresh_one_is_ready() -> None:
    import asyncio

    from ketatraining.app.voila_main import give_back, pool_status

    async def heated(kernel_id: str) -> dict[str, Any]:
        done = asyncio.get_running_loop().create_future()
        done.set_result(([], None))
        return {"kernel_id": kernel_id, "task": done}

    async def scenario() -> tuple[list[Any], ...]:
        pools = _Pools()
        refill_started = asyncio.Event()

        async def refill() -> dict[str, Any]:
            await refill_started.wait()
            return await heated("fresh")

        fresh = asyncio.ensure_future(refill())
        pools._pools["00.ipynb"] = [fresh]  # the page's replacement, still heating
        pools.ketatraining_given["used"] = ("00.ipynb", await heated("used"))
        kept = give_back(pools, "used")
        second_beacon = give_back(pools, "used")  # a stale one: it stays in the pool
        in_pool = [(await item)["kernel_id"] for item in pools._pools["00.ipynb"][:1]]
        counted = pool_status(pools)  # kept, not ready: the app has not settled yet
        refill_started.set()  # the fresh kernel is ready: the kept one is freed
        await fresh
        await asyncio.sleep(0.1)
        stopped_after_refill = list(pools.stopped)
        # With a fresh kernel ready, a page's kernel is not kept.
        pools.ketatraining_given["other"] = ("00.ipynb", await heated("other"))
        await asyncio.sleep(0.25)
        not_kept = give_back(pools, "other")
        return ([kept, second_beacon, not_kept], in_pool, stopped_after_refill,
                [(await item)["kernel_id"] for item in pools._pools["00.ipynb"]], counted,
                pool_status(pools))

    flags, in_pool, stopped, left, counted, after = asyncio.run(scenario())
    assert (counted["pool_kept"], counted["pool_ready"]) == (1, 0), counted
    assert (after["pool_kept"], after["pool_ready"]) == (0, 1), after
    assert flags == [True, True, False]
    assert in_pool == ["used"]  # a reload now gets the page's own kernel at once
    assert stopped == ["used"] and left == ["fresh"]  # back to one kernel per page


def test_handing_out_remembers_heated_kernels_and_forgets_gone_ones() -> None:
    import asyncio

    from ketatraining.app.voila_main import keep_for_reload

    class Manager(_Pools):
        def __init__(self) -> None:
            super().__init__()
            self.live = {"new"}

        def __contains__(self, kernel_id: str) -> bool:
            return kernel_id in self.live

        async def get_rendered_notebook(self, name: str, **_: Any) -> tuple[Any, ...]:
            return None, [], (await self._pools[name].pop(0))["kernel_id"]

    async def scenario() -> dict[str, Any]:
        manager = Manager()
        keep_for_reload(manager)
        manager.ketatraining_given["culled"] = ("00.ipynb", {})  # shut down meanwhile
        heated = asyncio.get_running_loop().create_future()
        task = asyncio.get_running_loop().create_future()
        task.set_result(([], None))
        heated.set_result({"kernel_id": "new", "task": task})
        manager._pools["00.ipynb"] = [heated]
        await manager.get_rendered_notebook("00.ipynb")
        return manager.ketatraining_given

    given = asyncio.run(scenario())
    assert list(given) == ["new"] and given["new"][0] == "00.ipynb"


def test_a_reload_whose_request_comes_before_the_beacon_waits_for_it() -> None:
    """A reload's new request can reach the server before the old page's beacon: it waits
    a moment for the page's kernel instead of the heating replacement."""
    import asyncio
    import time

    from ketatraining.app.voila_main import give_back, reload_beacon

    async def scenario() -> tuple[float, float, list[str]]:
        pools = _Pools()
        heating = asyncio.get_running_loop().create_future()  # the replacement
        pools._pools["00.ipynb"] = [heating]
        task = asyncio.get_running_loop().create_future()
        task.set_result(([], None))
        pools.ketatraining_given["open"] = ("00.ipynb", {"kernel_id": "open", "task": task})
        asyncio.get_running_loop().call_later(0.2, give_back, pools, "open")
        start = time.monotonic()
        await reload_beacon(pools, "00.ipynb", timeout=5)
        waited = time.monotonic() - start
        first = (await pools._pools["00.ipynb"][0])["kernel_id"]
        start = time.monotonic()  # no page of 01 open: nothing to wait for
        pools._pools["01.ipynb"] = [asyncio.get_running_loop().create_future()]
        await reload_beacon(pools, "01.ipynb", timeout=5)
        heating.cancel()
        return waited, time.monotonic() - start, [first]

    waited, other, first = asyncio.run(scenario())
    assert 0.15 < waited < 2 and first == ["open"]
    assert other < 0.1


def test_a_kernel_handed_to_a_reloaded_page_is_not_freed_before_the_page_connects() -> None:
    """The left page's websocket closed (its grace timer runs), its kernel was given back
    and handed to the reloaded page, which has not connected yet under load: the timer
    must not shut the new page's kernel down; it looks again one grace later."""
    import asyncio
    import time

    from ketatraining.app.voila_main import free_closed_pages

    async def scenario() -> tuple[list[str], list[str]]:
        kernels = _Kernels()
        free_closed_pages(kernels, grace=0.1)
        kernels.ketatraining_handed_at = {"page": time.monotonic() + 0.05}  # type: ignore[attr-defined]
        kernels.notify_disconnect("page")  # the old page is gone
        await asyncio.sleep(0.2)
        early = list(kernels.stopped)  # the new page may still connect
        await asyncio.sleep(0.3)
        return early, kernels.stopped  # it never did: freed a grace later

    early, late = asyncio.run(scenario())
    assert early == [] and late == ["page"]


def test_a_reload_after_a_reload_keeps_the_kernel_again() -> None:
    """look A6: the kernel given back and handed to the reloaded page is given back again
    when that page is reloaded too, while the replacement still heats."""
    import asyncio

    from ketatraining.app.voila_main import give_back

    async def scenario() -> list[Any]:
        pools = _Pools()
        task = asyncio.get_running_loop().create_future()
        task.set_result(([], None))
        content = {"kernel_id": "page", "task": task}
        heating = asyncio.get_running_loop().create_future()
        pools._pools["01.ipynb"] = [heating]
        seen = []
        for _ in range(3):  # open, reload, reload, reload
            pools.ketatraining_given["page"] = ("01.ipynb", content)  # handed to a page
            seen.append(give_back(pools, "page"))
            first = pools._pools["01.ipynb"].pop(0)  # the reload takes it (or waits)
            seen.append((await asyncio.wait_for(asyncio.shield(first), 1))["kernel_id"])
        heating.cancel()
        return seen + pools.stopped

    assert asyncio.run(scenario()) == [True, "page"] * 3
