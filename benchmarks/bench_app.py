"""The app (Voila) in Debian's Chromium: time to a ready page, and what 100 page views leave.

Targets (issue 11): every course page ready in at most 1.0 s median once the app runs; the
landing page ready within 5 s of starting the app; after 100 page views the number of live
kernels and the memory of the app's process tree are back at their starting level.

"Ready" means the page's content and every widget in it are rendered (no output still
waiting for its widget). Each page is visited ``rounds`` times, interleaved with an empty
notebook page (the baseline, measured in the same run), waiting between visits until the
app has refilled its preheated kernels, as it would while a learner reads; a kernel
alive outside the pools once the app has settled is one a visit left behind (reported).
Each kernel's memory is listed too (the cost of preheating one page). Then
``views`` page views in a row (a learner clicking through), after which the app is given
time to settle and its kernels and memory are measured again.

    .venv/bin/python benchmarks/bench_app.py [rounds] [views] [--starts N] [--reloads N]
    .venv/bin/python benchmarks/bench_app.py 0 0 --starts 5     # start-up only
    .venv/bin/python benchmarks/bench_app.py 0 0 --reloads 2    # reloads only
    KETATRAINING_PREHEAT=next .venv/bin/python benchmarks/bench_app.py [rounds] [views]

``--reloads N`` (look L9): N times for each course page, open it (ready), then reload it
at once, as a learner who reloads or opens the page again a few seconds later; the
reload's time to ready is reported per page, beside the first open, then the live
kernels once the app has settled (a page keeps no kernel beyond its pool).

"Landing ready after start" is the time from starting Voila to the overview being ready in
the browser (a learner's ``make app``); ``--starts N`` starts the app N times and reports
each and the median (the first start of a run pays the cold disk cache). The last form
measures the smaller preheating mode (the page being read and the next one; README, app
mode).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]

from ketatraining.app.catalog import course_notebooks
from ketatraining.app.ready import PAGE_READY_JS as READY
from ketatraining.app.server import app_environment, build_root, voila_command
from ketatraining.app.voila_main import STATUS_PATH

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking"]
EMPTY = "empty.ipynb"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App:
    def __init__(self, base: Path) -> None:
        self.root = build_root(base / "course", ROOT / "notebooks")
        (self.root / EMPTY).write_text(json.dumps({
            "cells": [], "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                     "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}))
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = app_environment(ROOT / "notebooks")
        for name in ("CONFIG", "DATA", "RUNTIME"):
            (base / name).mkdir()
            env[f"JUPYTER_{name}_DIR"] = str(base / name)
        env["KETATRAINING_DB"] = f"sqlite:///{base / 'progress.db'}"
        env["KETATRAINING_LEARNER"] = "bench"
        self.log = (base / "voila.log").open("wb")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(voila_command(self.root, port=self.port,
                                                      token=self.token),
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def status(self) -> dict[str, object]:
        with urllib.request.urlopen(self.url(STATUS_PATH), timeout=10) as reply:
            return json.loads(reply.read())

    def wait_up(self) -> None:
        while True:
            try:
                self.status()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("Voila exited; see its log") from None
                time.sleep(0.05)

    def settle(self, timeout: float = 60.0) -> dict[str, Any]:
        """Wait until every page is heated and every live kernel is a ready pooled one.

        A kernel outside the pools once the app has settled is one that a page view left
        behind (a leak); it is reported, not waited for.
        """
        deadline = time.monotonic() + timeout
        while True:
            state = self.status()
            if state["heated"] and not state["pool_heating"] and (
                    state["kernels"] == state["pool_ready"]):
                return state
            if time.monotonic() > deadline:
                return state
            time.sleep(0.1)

    def rss_mb(self) -> tuple[float, list[float]]:
        """RSS of the app's whole process tree, and of each kernel in it (MB)."""
        parent = psutil.Process(self.process.pid)
        total, kernels = 0.0, []
        for process in [parent, *parent.children(recursive=True)]:
            try:
                rss = process.memory_info().rss / 1e6
                if "ipykernel" in " ".join(process.cmdline()):
                    kernels.append(rss)
            except psutil.Error:
                continue
            total += rss
        return total, kernels

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def visit(page: object, app: App, name: str, leave: bool = False) -> float:
    """Seconds from asking for a page to its being ready; ``leave`` goes to a blank page."""
    start = time.perf_counter()
    page.goto(app.url(f"voila/render/{name}"))  # type: ignore[attr-defined]
    page.wait_for_function(READY, timeout=180_000)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    if leave:  # the page's beforeunload asks Voila to shut its kernel down
        page.goto("about:blank")  # type: ignore[attr-defined]
    return elapsed


def leaked(state: dict[str, Any]) -> int:
    """Kernels alive that are not waiting in a pool, once the app has settled."""
    return int(state["kernels"]) - int(state["pool_ready"])


def start_up(browser: Any, base: Path) -> tuple[App, Any, float, float, float]:
    """Start the app and open the overview at once: (app, page, up, landing, first visit).

    The browser tab exists before the app starts (a learner's browser is already running
    when ``make app`` opens the course in it), so starting Chromium is not counted.
    """
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto("about:blank")
    app = App(base)
    try:
        app.wait_up()
        up = time.perf_counter() - app.started
        first = visit(page, app, "index.ipynb", leave=True)
    except BaseException:
        app.stop()
        raise
    return app, page, up, time.perf_counter() - app.started, first


def starts(browser: Any, count: int) -> None:
    """Start the app ``count`` times: landing ready after start, each and the median."""
    landings = []
    for _ in range(count):
        with tempfile.TemporaryDirectory(prefix="bench-app-start-") as folder:
            app, page, up, landing, first = start_up(browser, Path(folder))
            page.context.close()
            app.stop()
        landings.append(landing)
        print(f"  start: Voila answering after {up:.2f} s; landing ready {landing:.2f} s "
              f"after start (visit {first:.2f} s)", flush=True)
    print(f"landing ready after start over {count} starts: median "
          f"{statistics.median(landings):.2f} s, max {max(landings):.2f} s (target 5 s)",
          flush=True)


def reloads(app: App, page: Any, count: int) -> None:
    """Each course page opened, then reloaded at once, ``count`` times; times to ready."""
    names = [e.name for e in course_notebooks(ROOT / "notebooks")]
    opened: dict[str, list[float]] = {name: [] for name in names}
    again: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(count):
        for name in names:
            app.settle()
            opened[name].append(visit(page, app, name))
            start = time.perf_counter()
            page.reload()
            page.wait_for_function(READY, timeout=180_000)
            again[name].append(time.perf_counter() - start)
            page.goto("about:blank")
    print(f"open, then reload at once, {count} times each (s)")
    for name in names:
        print(f"  {name:42s} open median {statistics.median(opened[name]):5.2f}  "
              f"reload median {statistics.median(again[name]):5.2f}  "
              f"max {max(again[name]):5.2f}")
    every = [t for values in again.values() for t in values]
    state = app.settle(timeout=180)
    print(f"reload over all pages: median {statistics.median(every):.2f} s, max "
          f"{max(every):.2f} s; after settling {state['kernels']} live kernels "
          f"({leaked(state)} outside the pools)", flush=True)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rounds", type=int, nargs="?", default=5)
    parser.add_argument("views", type=int, nargs="?", default=100)
    parser.add_argument("--starts", type=int, default=0,
                        help="start the app this many times first, timing the overview")
    parser.add_argument("--reloads", type=int, default=0,
                        help="open each course page and reload it at once, this many times")
    args = parser.parse_args()
    rounds, views = args.rounds, args.views
    from playwright.sync_api import sync_playwright

    if args.starts:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                starts(browser, args.starts)
            finally:
                browser.close()
        if not rounds and not views:
            return

    pages = [EMPTY, "index.ipynb", *(e.name for e in course_notebooks(ROOT / "notebooks"))]
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        app, page, up, landing, first = start_up(browser, Path(folder))
        try:
            state0 = app.settle()
            rss0, kernel_rss = app.rss_mb()
            print(f"Voila answering after {up:.2f} s; landing page ready {landing:.2f} s after "
                  f"start (first visit {first:.2f} s, cold browser cache)")
            print(f"every page heated: {state0['kernels']} kernels "
                  f"({leaked(state0)} outside the pools); app tree {rss0:.0f} MB, of which "
                  f"kernels {sum(kernel_rss):.0f} MB (median {statistics.median(kernel_rss):.0f}"
                  f" MB each)", flush=True)
            if args.reloads:
                reloads(app, page, args.reloads)
            if rounds:
                times: dict[str, list[float]] = {name: [] for name in pages}
                left = 0
                for _ in range(rounds):
                    for name in pages:
                        times[name].append(visit(page, app, name, leave=True))
                        left = max(left, leaked(app.settle()))
                base = statistics.median(times[EMPTY])
                print(f"page ready over {rounds} visits each (s); kernels left behind by a visit: "
                      f"{left}")
                for name, values in times.items():
                    median = statistics.median(values)
                    print(f"  {name:42s} median {median:5.2f}  max {max(values):5.2f}  "
                          f"ratio to {EMPTY}: {median / base:4.2f}")
            if views:
                start = time.perf_counter()
                for index in range(views):
                    visit(page, app, pages[1 + index % (len(pages) - 1)])
                spent = time.perf_counter() - start
                page.goto("about:blank")
                peak = app.status()["kernels"]
                state1 = app.settle()
                rss1, kernel_rss = app.rss_mb()
                print(f"{views} page views in {spent:.0f} s; live kernels just after: {peak}; "
                      f"after settling: {state1['kernels']} (start {state0['kernels']}; "
                      f"{leaked(state1)} outside the pools); app tree memory {rss1:.0f} MB "
                      f"(start {rss0:.0f} MB, {100 * (rss1 - rss0) / rss0:+.1f}%)")
        finally:
            app.stop()
            browser.close()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
