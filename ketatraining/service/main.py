"""Start the service: settings from options and the environment the hub gives a service."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path
from urllib.parse import urlparse

from ketatraining.errors import KetaTrainingError
from ketatraining.quiz.model import Quiz

log = logging.getLogger("ketatraining.service")


def load_keyed_quizzes(folder: Path) -> dict[str, Quiz]:
    """Every quiz in the folder; the service refuses to start if one is invalid."""
    from ketatraining.quiz.loading import CATALOG_FILES, check_file, iter_quiz_files

    quizzes: dict[str, Quiz] = {}
    problems: list[str] = []
    for path in iter_quiz_files([folder]):
        if path.name in CATALOG_FILES:
            continue
        quiz, found = check_file(path)
        if quiz is None:
            problems += [p.format() for p in found if p.severity == "error"]
        else:
            quizzes[quiz.id] = quiz
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
    from ketatraining.service.app import Settings, make_app
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
        threads=args.threads)
    from ketatraining.quiz.loading import load_references

    engine = Engine(db_url, load_keyed_quizzes(folder), references=load_references(folder),
                    pool_size=args.threads)

    async def main() -> None:
        app = make_app(settings, engine, prefix)
        server = app.listen(port, ip, xheaders=True)
        log.info("ketatraining course server on http://%s:%d%s (%d quizzes)", ip, port,
                 prefix, len(engine.quizzes))
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
