"""Start the service: settings from options and the environment the hub gives a service."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ketatraining.errors import KetaTrainingError
from ketatraining.quiz.model import Quiz

log = logging.getLogger("ketatraining.service")


def load_keyed_quizzes(folder: Path) -> dict[str, Quiz]:
    """Every quiz in the folder; the service refuses to start if one is invalid."""
    from ketatraining.quiz.course import check_course

    quizzes, found = check_course(folder)
    problems = [p.format() for p in found if p.severity == "error"]
    if problems:
        msg = "The course server did not start; fix these quiz files first: " + "; ".join(
            problems[:5])
        raise KetaTrainingError(msg)
    if not quizzes:
        msg = f"The course server found no quizzes in {folder}; give --quizzes DIR."
        raise KetaTrainingError(msg)
    return quizzes


def serve(args: argparse.Namespace) -> int:
    from ketatraining.certificate.signed import load_or_create_signing_key
    from ketatraining.quiz.loading import default_quiz_dir
    from ketatraining.service.app import Settings
    from ketatraining.service.engine import Engine

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    db_url = args.db or os.environ.get("KETATRAINING_SERVICE_DB", "").strip()
    if not db_url:
        msg = ("The course server needs its results database: set KETATRAINING_SERVICE_DB "
               "(or --db) to postgresql+psycopg://kt_service@HOST/DATABASE.")
        raise KetaTrainingError(msg)
    folder = (args.quizzes or default_quiz_dir()).resolve()
    os.environ["KETATRAINING_QUIZ_DIR"] = str(folder)  # objectives and titles come from here
    key_path = args.signing_key or os.environ.get("KETATRAINING_SIGNING_KEY")
    if not key_path:
        msg = "The course server needs a signing key file: --signing-key FILE."
        raise KetaTrainingError(msg)
    service_url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    port = args.port or service_url.port or 10101
    ip = args.ip or service_url.hostname or "127.0.0.1"
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/ketatraining/")
    settings = Settings(
        db_url=db_url, quiz_dir=str(folder), signing_key=load_or_create_signing_key(
            Path(key_path)),
        course_path=str(args.course) if args.course else os.environ.get("KETATRAINING_COURSE"),
        trainers_group=args.trainers_group, rate=args.rate, burst=args.burst,
        threads=args.threads, allow_demo=bool(getattr(args, "allow_demo", False)))
    from ketatraining.quiz.loading import load_references

    quizzes = load_keyed_quizzes(folder)
    references = load_references(folder)
    processes = max(1, int(getattr(args, "processes", 1) or 1))
    if processes == 1:
        return _serve_one(settings, Engine(db_url, quizzes, references=references,
                                           pool_size=args.threads), prefix, port, ip)
    from tornado.netutil import bind_sockets

    # The parent creates or migrates the tables once, then listens; each worker process
    # opens its own connections after the fork (a connection cannot cross a fork).
    Engine(db_url, quizzes, references=references, pool_size=1).close()
    sockets = bind_sockets(port, ip)
    log.info("ketatraining course server: %d processes sharing port %d", processes, port)

    def worker(_index: int) -> int:
        engine = Engine(db_url, quizzes, references=references, pool_size=args.threads)
        return _serve_one(settings, engine, prefix, port, ip, sockets)

    return run_workers(processes, worker)


def _serve_one(settings: Any, engine: Any, prefix: str, port: int, ip: str,
               sockets: list[Any] | None = None) -> int:
    """One process's event loop: serve until SIGTERM or SIGINT."""
    from tornado.httpserver import HTTPServer

    from ketatraining.service.app import make_app

    engine.fill_pool()

    async def main() -> None:
        server = HTTPServer(make_app(settings, engine, prefix), xheaders=True)
        if sockets is None:
            server.listen(port, ip)
        else:
            server.add_sockets(sockets)
        log.info("ketatraining course server on http://%s:%d%s (%d quizzes, pid %d)", ip,
                 port, prefix, len(engine.quizzes), os.getpid())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()
        await server.close_all_connections()

    try:
        asyncio.run(main())
    finally:
        engine.close()
    return 0


QUICK_EXIT_SECONDS = 10.0
"""A worker that stops sooner than this after its start is not restarted (a crash loop)."""


def run_workers(count: int, work: Callable[[int], int]) -> int:
    """Run ``work(i)`` in ``count`` forked processes until SIGTERM/SIGINT, restarting one
    that dies (unless it died at start); the workers die with this process, even on
    SIGKILL, so a killed server never leaves workers holding its port."""
    children: dict[int, tuple[int, float]] = {}
    stopping = False

    def spawn(index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _die_with_parent()
                code = work(index)
            except BaseException:  # logged, then this process ends
                log.exception("course server process %d stopped", os.getpid())
            finally:
                os._exit(code)
        children[pid] = (index, time.monotonic())

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for index in range(count):
        spawn(index)
    failed = False
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid not in children:
            continue
        index, started = children.pop(pid)
        if stopping:
            continue
        log.warning("course server process %d ended (status %d)", pid, status)
        if time.monotonic() - started < QUICK_EXIT_SECONDS:
            failed = True
            stop(signal.SIGTERM, None)  # it cannot start: stop them all, say so below
            continue
        spawn(index)
    if failed:
        msg = ("A course server process stopped right after it started; the log above says "
               "why (often the database: check KETATRAINING_SERVICE_DB).")
        raise KetaTrainingError(msg)
    return 0


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
