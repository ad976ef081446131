"""Run Voila for the app with the course's settings (``python -m ketatraining.app.voila_main``).

Three things Voila 0.5 does not do on its own, and why the app needs them:

* **Preheated kernels.** Each page has one kernel that already ran the notebook before the
  learner asks for it (``preheat_kernel``, ``default_pool_size=1``), so a page is ready in
  well under a second instead of 3-10 s. Voila refills the pool after a page is taken.
  Widgets that show the learner's progress refresh themselves when their page is
  requested (``ketatraining.widgets.live``), so a kernel that ran early still shows
  current progress.
* **Leaving a page frees its kernel.** Voila's page posts ``voila/api/shutdown/<id>``
  from ``beforeunload`` with the ``_xsrf`` cookie's value, but Voila's render handler never
  sets that cookie, so the request was refused (``403 '_xsrf' argument missing``) and every
  page view left a kernel behind. ``CourseRenderHandler`` sets the cookie before the page
  is written. Voila registers that beacon only once its widget manager has loaded, so a
  page left sooner (a learner clicking on at once, a page without widgets) kept its
  kernel until the culler; the course template sends the beacon from the page's start,
  and ``CourseShutdownHandler`` answers the second one for a kernel already gone. It is
  sent on ``pagehide`` too, so closing the tab frees the kernel at once.
* **A page gone without a word frees its kernel** (a closed window, a browser that died):
  once the page's last connection has been closed for 10 s (``free_closed_pages``).
* **The course overview needs no kernel.** The app's handler builds it on the server
  (``ketatraining.app.overview``, template ``overview.html``) at each request, so it is
  ready as soon as Voila answers after ``make app`` (a kernel of its own took 4-7 s to
  start and run on 2 cores) and always shows the learner's progress as it is now.
* **A reload gets the page's own kernel back** (``keep_for_reload``): when a page is
  left (its shutdown beacon) while the preheated kernel that replaces it is still being
  heated, the page's kernel goes back into the pool instead of being shut down, so a
  reload, a second tab or a quick return opens at once instead of waiting 10-30 s for the
  replacement to run the whole notebook. The kernel is told of each new page request
  (``ketatraining.widgets.live``), so its quizzes and progress show the store as it is
  now. It is shut down as soon as the fresh replacement is ready: a page keeps at most
  one kernel beyond its pool, for those seconds only.
* **The first request waits for its page's first preheated kernel** instead of starting
  another one beside it (``first_heating``).
* **The course pages are heated one at a time in course order**, so the first page is
  ready soonest instead of eight kernels competing for 2 cores.
* **Idle kernels are culled** as a backstop (a browser that crashed never says goodbye);
  pooled kernels are never culled (Voila's kernel manager skips them), and neither is a
  kernel whose page is still open.

Check cells (kernel-side tests of the course) are removed when the app folder is built
(``ketatraining.app.course``): Voila refuses a prelaunch hook together with preheating.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ketatraining.app.course import LANDING_NAME

log = logging.getLogger("ketatraining")

POOL_SIZE = 1
"""Preheated kernels per page: one is enough for one learner clicking through."""
PREHEAT_ENV = "KETATRAINING_PREHEAT"
"""Which pages keep a preheated kernel: ``all`` (the default: every page, about 120 MB
each) or ``next`` (the page being read and the one after it: two kernels whatever the
course's length; a page reached another way opens the slow way, 2-10 s)."""
PREHEAT_MODES = ("all", "next")


def preheat_mode() -> str:
    mode = os.environ.get(PREHEAT_ENV, "all").strip().lower() or "all"
    if mode not in PREHEAT_MODES:
        log.warning("ketatraining: %s=%r is not one of %s; preheating every page",
                    PREHEAT_ENV, mode, ", ".join(PREHEAT_MODES))
        return "all"
    return mode
CULL_IDLE_SECONDS = 600
"""A kernel nobody is connected to and that did nothing for 10 minutes is shut down."""
CULL_INTERVAL_SECONDS = 60
FIRST_VISIT_SECONDS = 5.0
"""At start, how long the pages wait to be heated for the first visit of the overview."""
CLOSED_GRACE_SECONDS = 10.0
"""A page's kernel whose last connection closed (the tab or the browser was closed, or
the browser died) is shut down if the page has not reconnected after this long: a short
network drop is survived, a closed tab costs nothing after 10 s."""
BEACON_WAIT_SECONDS = 1.5
"""A request for a page that is open elsewhere, with no ready kernel in its pool, waits
this long for the left page's beacon: a reload's new request may reach the server before
the old page's beacon, and would otherwise wait for the heating replacement (10-30 s)."""
FILL_DELAY_SECONDS = 3.0
"""Wait after a page is taken before heating its replacement: on 2 cores, a kernel
starting while the page connects to its own kernel doubles the time to ready."""
HEAT_LATER = r"."
"""A preheat_denylist pattern matching every notebook: Voila heats none at start, and
``heat_course`` heats them one after another."""


def course_config() -> Any:
    """The traitlets configuration the app runs Voila with (command-line options win)."""
    from traitlets.config import Config

    config = Config()
    config.VoilaConfiguration.preheat_kernel = True
    config.VoilaConfiguration.default_pool_size = POOL_SIZE
    config.VoilaKernelManager.fill_delay = FILL_DELAY_SECONDS
    config.MappingKernelManager.cull_idle_timeout = CULL_IDLE_SECONDS
    config.MappingKernelManager.cull_interval = CULL_INTERVAL_SECONDS
    config.MappingKernelManager.cull_connected = False
    # Nothing is heated at start; CourseVoila heats the pages one after another.
    config.VoilaKernelManager.preheat_denylist = [HEAT_LATER]
    return config


def _render_handler() -> type:
    from voila.tornado.handler import TornadoVoilaHandler

    class CourseRenderHandler(TornadoVoilaHandler):
        """Voila's page handler, plus the ``_xsrf`` cookie its shutdown beacon sends back."""

        async def prepare(self, *args: Any, **kwargs: Any) -> None:
            await super().prepare(*args, **kwargs)
            _ = self.xsrf_token  # tornado sets the _xsrf cookie on first access

        async def get_generator(self, path: str | None = None) -> Any:
            name = self.notebook_path or path
            if name == LANDING_NAME:
                yield await self.overview_page()
                return
            root = self.settings.get("ketatraining_root")
            if preheat_mode() == "next" and name and root:
                await heat_around(self.kernel_manager, Path(root), name)
            await first_heating(self.kernel_manager, name)
            await reload_beacon(self.kernel_manager, name)
            async for html in super().get_generator(path=path):
                yield html

        async def overview_page(self) -> str:
            """The course overview, built here at each request (no kernel)."""
            loop = asyncio.get_running_loop()
            parts = await loop.run_in_executor(None, overview_parts)
            page = str(self.render_template("overview.html", base_url=self.base_url,
                                            **parts))
            served = self.settings.get("ketatraining_overview_served")
            if served is not None:
                served.set()
            return page

    return CourseRenderHandler


def overview_parts() -> dict[str, Any]:
    """What the overview template shows, read now; a failure is a message, never a traceback."""
    from ketatraining.app.catalog import course_notebooks
    from ketatraining.app.course import OVERVIEW_TITLE, page_title
    from ketatraining.app.overview import current_landing_html, front_matter_section
    from ketatraining.boxes import message_html

    parts: dict[str, Any] = {"title": page_title(OVERVIEW_TITLE), "first": None}
    try:
        entries = course_notebooks()
        if entries:
            parts["first"] = {"href": entries[0].name, "title": entries[0].title}
        parts["overview"] = current_landing_html()
    except Exception:
        log.exception("ketatraining: the course overview could not be built")
        parts["overview"] = message_html(
            "error", "The course contents and your progress cannot be shown right now. "
            "Reload the page; if it stays like this, tell your trainer (the app's log "
            "says why).")
    try:
        parts["front_matter"] = front_matter_section()
    except Exception:
        log.exception("ketatraining: the course's front matter could not be shown")
        parts["front_matter"] = ""
    return parts


async def first_heating(manager: Any, name: str | None, timeout: float = 60.0) -> None:
    """Wait for a page's first preheated kernel if it is on its way.

    Until that kernel has started, Voila does not know the page is preheated and starts
    a second kernel for the request, which on 2 cores doubles the wait for both (the
    landing page right after ``make app``).
    """
    pool = getattr(manager, "_pools", {}).get(name) if name else None
    if not pool or name in getattr(manager, "notebook_data", {}) or pool[0].done():
        return
    try:
        await asyncio.wait_for(asyncio.shield(pool[0]), timeout)
    except Exception:  # noqa: BLE001  Voila logs a failed heat and renders the page the slow way
        return


STATUS_PATH = "voila/ketatraining/status"
"""JSON for tests and benchmarks: live kernels, and whether every page has been heated."""


def _shutdown_handler() -> type:
    from jupyter_core.utils import ensure_async
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    class CourseShutdownHandler(VoilaShutdownKernelHandler):
        """Voila's shutdown beacon, answered 204 for a kernel that is already gone.

        The course page sends its own beacon as soon as it starts (see the template), and
        Voila's widget manager sends one more once it has loaded: the second must not be
        a server error.
        """

        async def post(self, kernel_id: str) -> None:
            manager = self.kernel_manager
            if kernel_id in manager and not give_back(manager, kernel_id):
                await ensure_async(manager.shutdown_kernel(kernel_id))
            self.set_status(204)
            self.finish()

    return CourseShutdownHandler


def is_pooled(manager: Any, kernel_id: str) -> bool:
    """Whether ``kernel_id`` waits in a preheated pool (no page has it yet)."""
    for pool in getattr(manager, "_pools", {}).values():  # Voila 0.5's pools of tasks
        for item in pool:
            if (item.done() and not item.cancelled() and item.exception() is None
                    and item.result().get("kernel_id") == kernel_id):
                return True
    return False


def _ready(item: Any) -> bool:
    """A pool entry whose kernel has run its whole notebook."""
    return (item.done() and not item.cancelled() and item.exception() is None
            and item.result()["task"].done())


def keep_for_reload(manager: Any) -> None:
    """Remember each fully heated kernel handed to a page, so ``give_back`` can return it
    to its page's pool when that page is left (the whole page is in its renderer's cache:
    Voila serves it again from there)."""
    import time

    handed = manager.get_rendered_notebook
    manager.ketatraining_given = {}
    manager.ketatraining_handed_at = {}

    async def get_rendered_notebook(notebook_name: str, *args: Any, **kwargs: Any) -> Any:
        pool = manager._pools.get(notebook_name) or []  # Voila 0.5's pool of tasks
        first = pool[0] if pool else None
        content = first.result() if first is not None and _ready(first) else None
        render_task, cache, kernel_id = await handed(notebook_name, *args, **kwargs)
        given = manager.ketatraining_given
        for gone in [k for k in given if k not in manager]:  # culled, or its tab closed
            del given[gone]  # (each holds its page's whole rendered notebook)
        handed_at = manager.ketatraining_handed_at
        for gone in [k for k in handed_at if k not in manager]:
            del handed_at[gone]
        handed_at[kernel_id] = time.monotonic()
        if content is not None and content.get("kernel_id") == kernel_id:
            manager.ketatraining_given[kernel_id] = (notebook_name, content)
        return render_task, cache, kernel_id

    manager.get_rendered_notebook = get_rendered_notebook


def give_back(manager: Any, kernel_id: str) -> bool:
    """Put a left page's kernel back into its page's pool if no fresh one is ready there
    (True: do not shut it down). A beacon for a kernel already waiting in its pool is
    stale (no page has it) and frees nothing. Each page sends one beacon: the template
    drops Voila's own second one, so a reload after a reload keeps the kernel too."""
    if is_pooled(manager, kernel_id):
        return True
    given = getattr(manager, "ketatraining_given", {})
    name, content = given.pop(kernel_id, (None, None))
    if name is None:
        return False
    pool = manager._pools.setdefault(name, [])
    size = manager.kernel_pools_config.get(name, {}).get("pool_size", POOL_SIZE)
    leaves = _left_pages(manager)
    if size < 1 or any(_ready(item) for item in pool):
        leaves["fresh_ready"] += 1
        return False  # a fresh kernel waits (or none is kept): this one is freed
    leaves["kept"] += 1
    loop = asyncio.get_running_loop()
    kept = loop.create_future()
    kept.set_result(content)
    pool.insert(0, kept)
    _kept(manager).add(kept)
    for waiting in getattr(manager, "ketatraining_waiting", {}).get(name, ()):
        waiting.set()
    log.info("ketatraining: kernel %s kept for a reload of %s", kernel_id, name)
    task = loop.create_task(_free_when_replaced(manager, name, kept))
    _background.add(task)
    task.add_done_callback(_background.discard)
    return True


_background: set[Any] = set()


def _left_pages(manager: Any) -> dict[str, int]:
    """How often a left page's kernel was kept for a reload, and how often a fresh one was
    ready already (the status endpoint reports both: a reload waits in neither case)."""
    if not hasattr(manager, "ketatraining_left"):
        manager.ketatraining_left = {"kept": 0, "fresh_ready": 0}
    counts: dict[str, int] = manager.ketatraining_left
    return counts


async def reload_beacon(manager: Any, name: str | None,
                        timeout: float = BEACON_WAIT_SECONDS) -> None:
    """If a page of ``name`` is open and its pool has no ready kernel, wait a moment for
    that page's beacon to give its kernel back (a reload whose request came first)."""
    pool = getattr(manager, "_pools", {}).get(name) if name else None
    if not pool or any(_ready(item) for item in pool):
        return
    given = getattr(manager, "ketatraining_given", {})
    if not any(page == name and kernel_id in manager
               for kernel_id, (page, _) in given.items()):
        return
    if not hasattr(manager, "ketatraining_waiting"):
        manager.ketatraining_waiting = {}
    event = asyncio.Event()
    waiting = manager.ketatraining_waiting.setdefault(name, set())
    waiting.add(event)
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except TimeoutError:
        pass  # a second tab, not a reload: the page opens the usual way
    finally:
        waiting.discard(event)


def _kept(manager: Any) -> set[Any]:
    """The pool entries that are a left page's kernel kept for a reload."""
    if not hasattr(manager, "ketatraining_kept"):
        manager.ketatraining_kept = set()
    return manager.ketatraining_kept


async def _free_when_replaced(manager: Any, name: str, kept: Any) -> None:
    """Once a fresh kernel of ``name`` is ready, shut the kept one down if nobody took it."""
    try:
        await _wait_and_free(manager, name, kept)
    finally:
        _kept(manager).discard(kept)


async def _wait_and_free(manager: Any, name: str, kept: Any) -> None:
    while True:
        pool = manager._pools.get(name, [])
        if kept not in pool:
            return  # a page took it (or it was shut down)
        others = [item for item in pool if item is not kept]
        if not others:
            await asyncio.sleep(1.0)  # the refill has not been scheduled yet
            continue
        if any(_ready(item) for item in others):
            break
        await _settle_items(others)
    if kept in manager._pools.get(name, []):
        manager._pools[name].remove(kept)
        kernel_id = kept.result()["kernel_id"]
        log.info("ketatraining: a fresh kernel of %s is ready; kernel %s is freed",
                 name, kernel_id)
        with contextlib.suppress(Exception):
            await manager.shutdown_kernel(kernel_id)


async def _settle_items(items: list[Any]) -> None:
    for pending in items:
        try:
            content = await pending
            await content["task"]
        except Exception:  # noqa: BLE001  a failed heat: the kept kernel stays instead
            await asyncio.sleep(1.0)


def free_closed_pages(manager: Any, grace: float = CLOSED_GRACE_SECONDS) -> None:
    """Shut a page's kernel down once its page is gone without saying goodbye.

    A closed tab or window, or a browser that died, sends no shutdown beacon (Playwright's
    ``page.close()`` and ``context.close()`` show it): the page's websocket just closes.
    jupyter_server counts each kernel's connections (``notify_disconnect``); when the
    count falls to 0 and the page has not reconnected ``grace`` seconds later, the
    kernel is shut down. Pooled kernels have no connection and are never touched.
    """
    from tornado.ioloop import IOLoop

    counted = manager.notify_disconnect

    def notify_disconnect(kernel_id: str) -> None:
        counted(kernel_id)
        if manager._kernel_connections.get(kernel_id) == 0:
            IOLoop.current().call_later(grace, _shutdown_if_closed, manager, kernel_id,
                                        grace)

    manager.notify_disconnect = notify_disconnect


async def _shutdown_if_closed(manager: Any, kernel_id: str,
                              grace: float = CLOSED_GRACE_SECONDS) -> None:
    if (kernel_id not in manager or manager._kernel_connections.get(kernel_id, 0) > 0
            or is_pooled(manager, kernel_id)):
        return
    import time

    handed = getattr(manager, "ketatraining_handed_at", {}).get(kernel_id)
    if handed is not None and time.monotonic() - handed < grace:
        # Given back and handed to a new page (a reload) that has not connected yet:
        # look again later instead of shutting the new page's kernel down.
        from tornado.ioloop import IOLoop

        IOLoop.current().call_later(grace, _shutdown_if_closed, manager, kernel_id, grace)
        return
    log.info("ketatraining: the page of kernel %s was closed; shutting it down", kernel_id)
    try:
        await manager.shutdown_kernel(kernel_id)
    except Exception:  # already gone (its beacon came first): nothing to free
        log.debug("ketatraining: kernel %s was already shut down", kernel_id, exc_info=True)


def pool_status(manager: Any) -> dict[str, Any]:
    """Live kernels, and how many of them wait in a preheated pool: ready, heating, or
    kept for a reload of the page just left (not counted as ready: the app has settled
    once its replacement is ready and it is freed)."""
    pools = getattr(manager, "_pools", {})  # Voila 0.5's pools of pending tasks
    ready = heating = kept = 0
    pooled: dict[str, int] = {}
    keeping: set[Any] = getattr(manager, "ketatraining_kept", set())
    for name, pool in pools.items():
        pooled[str(name)] = len(pool)
        for item in pool:
            if item in keeping:  # a left page's kernel, until its replacement is ready
                kept += 1
            elif item.done() and not item.cancelled() and item.exception() is None:
                ready += 1 if item.result()["task"].done() else 0
                heating += 0 if item.result()["task"].done() else 1
            else:
                heating += 1
    ids = sorted(manager.list_kernel_ids())
    return {"kernels": len(ids), "kernel_ids": ids, "pooled": pooled,
            "pool_ready": ready, "pool_heating": heating, "pool_kept": kept,
            "left_pages": dict(_left_pages(manager))}


def _status_handler() -> type:
    import json

    import tornado.web
    from jupyter_server.base.handlers import APIHandler

    class CourseStatusHandler(APIHandler):
        @tornado.web.authenticated
        def get(self) -> None:
            self.set_header("Content-Type", "application/json")
            state = pool_status(self.kernel_manager)
            state["heated"] = bool(self.settings.get("ketatraining_heated"))
            self.finish(json.dumps(state))

    return CourseStatusHandler


def _request_info_handler() -> type:
    from voila.request_info_handler import RequestInfoSocketHandler

    class CourseRequestInfoHandler(RequestInfoSocketHandler):
        """Voila's page-request channel, with each request told to its kernel once.

        Voila keeps a request that arrived before its kernel listened and sends it on
        every later connection; a kernel given back for a reload listens again after
        each request (``ketatraining.widgets.live``), so it would hear the old one again.
        """

        def open(self, kernel_id: str) -> None:
            super().open(kernel_id)
            RequestInfoSocketHandler._cache.pop(kernel_id, None)

    return CourseRequestInfoHandler


def _app_class() -> Any:
    from jupyter_server.utils import url_path_join
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.tornado.handler import TornadoVoilaHandler

    handler = _render_handler()
    status = _status_handler()
    shutdown = _shutdown_handler()
    request_info = _request_info_handler()

    class CourseVoila(Voila):
        def init_handlers(self) -> list[Any]:
            handlers = super().init_handlers()
            from tornado.ioloop import IOLoop

            IOLoop.current().add_callback(self._heat)
            free_closed_pages(self.kernel_manager)
            keep_for_reload(self.kernel_manager)
            ours = {TornadoVoilaHandler: handler, VoilaShutdownKernelHandler: shutdown,
                    RequestInfoSocketHandler: request_info}
            course = [(spec[0], ours[spec[1]], *spec[2:]) if len(spec) > 1
                      and spec[1] in ours else spec for spec in handlers]
            return [(url_path_join(self.server_url, STATUS_PATH), status), *course]

        async def _heat(self) -> None:
            self.app.settings["ketatraining_root"] = self.root_dir
            served = self.app.settings["ketatraining_overview_served"] = asyncio.Event()
            # Build the overview once before any kernel starts: its first build imports
            # the store and reads every quiz (1-2 s), which the first visit need not wait for.
            await asyncio.get_running_loop().run_in_executor(None, overview_parts)
            # make app opens the overview at once: let it be served before the first
            # kernel starts competing for the 2 cores (or start anyway after a while).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(served.wait(), FIRST_VISIT_SECONDS)
            await heat_course(self.kernel_manager, Path(self.root_dir))
            self.app.settings["ketatraining_heated"] = True

    return CourseVoila


async def _settle(manager: Any, name: str) -> None:
    """Wait until the pooled kernels of ``name`` have run its notebook."""
    for pending in list(manager._pools.get(name, [])):  # Voila 0.5's pool of tasks
        try:
            content = await pending
            await content["task"]
        except Exception:  # Voila logs it and renders the page the slow way
            log.warning("ketatraining: preheating %s failed", name, exc_info=True)


def pages_to_heat(root: Path, current: str | None) -> list[str]:
    """In ``next`` mode: the page being read and the page after it (the first page from
    the overview)."""
    pages = sorted(p.name for p in root.glob("*.ipynb") if p.name != LANDING_NAME)
    wanted: list[str] = []
    if current is None or current == LANDING_NAME:
        wanted += pages[:1]
    elif current in pages:
        wanted += pages[pages.index(current):pages.index(current) + 2]
    else:
        wanted.append(current)
    return wanted


async def heat_around(manager: Any, root: Path, current: str) -> None:
    """Keep preheated kernels for ``pages_to_heat`` only: fill theirs, stop the others'."""
    if not hasattr(manager, "fill_if_needed"):
        return
    wanted = set(pages_to_heat(root, current))
    for name in sorted({*manager._pools, *wanted}):
        manager.kernel_pools_config[name] = {"pool_size": POOL_SIZE if name in wanted else 0}
        if name in wanted:
            if name != current:  # the current page's own kernel is taken, then refilled
                manager.fill_if_needed(notebook_name=name)
            continue
        for item in list(manager._pools.get(name, [])):
            if item.done() and not item.cancelled() and item.exception() is None:
                manager._pools[name].remove(item)
                await manager.shutdown_kernel(item.result()["kernel_id"])


async def heat_course(manager: Any, root: Path) -> None:
    """Heat the course pages one after another, in course order (in ``next`` mode only
    the first page)."""
    if not hasattr(manager, "fill_if_needed"):
        return
    wanted = pages_to_heat(root, None) if preheat_mode() == "next" else None
    for path in sorted(root.glob("*.ipynb")):
        if path.name == LANDING_NAME:
            continue
        if wanted is not None and path.name not in wanted:
            manager.kernel_pools_config[path.name] = {"pool_size": 0}
            continue
        manager.fill_if_needed(delay=0, notebook_name=path.name)
        await _settle(manager, path.name)
        await asyncio.sleep(0)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    _app_class().launch_instance(argv=args, config=course_config())

if __name__ == "__main__":
    main()
