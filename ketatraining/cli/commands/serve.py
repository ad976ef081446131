"""``ketatraining serve``: run the course server, a JupyterHub service (docs/deployment.md)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the course server: a JupyterHub service that grades, stores and signs",
        description="Run the JupyterHub service that holds the keyed quizzes, grades every "
        "answer, stores it in PostgreSQL (it alone has the database credentials), enforces "
        "attempts, keeps an audit trail and signs completion records. Learners are "
        "identified by the hub for every request. Start it from the hub's configuration "
        "(c.JupyterHub.services); see docs/deployment.md.",
        epilog=examples(
            "KETATRAINING_SERVICE_DB=postgresql+psycopg://kt_service@db/ketatraining "
            "ketatraining serve --quizzes /srv/ketatraining/quizzes "
            "--signing-key /srv/ketatraining/signing-key.pem",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("--db", metavar="URL",
                        help="the results database (default: $KETATRAINING_SERVICE_DB)")
    parser.add_argument("--quizzes", metavar="DIR", type=Path,
                        help="the KEYED quiz folder, readable by the service only "
                        "(default: $KETATRAINING_QUIZ_DIR or the course's quizzes/)")
    parser.add_argument("--course", metavar="FILE", type=Path,
                        help="course.yaml (default: $KETATRAINING_COURSE or the course's)")
    parser.add_argument("--signing-key", metavar="FILE", type=Path,
                        help="Ed25519 key that signs completion records; created if missing "
                        "(default: $KETATRAINING_SIGNING_KEY). Every replica needs the same.")
    parser.add_argument("--port", type=int,
                        help="port on 127.0.0.1 (default: from $JUPYTERHUB_SERVICE_URL)")
    parser.add_argument("--ip", default=None,
                        help="address to listen on (default: from $JUPYTERHUB_SERVICE_URL)")
    parser.add_argument("--trainers-group", default=os.environ.get(
        "KETATRAINING_TRAINERS_GROUP", "ketatraining-trainers"),
        help="hub group whose members read every result (default: ketatraining-trainers)")
    parser.add_argument("--rate", type=float, default=10.0,
                        help="requests per second allowed per user (default: 10)")
    parser.add_argument("--burst", type=int, default=40,
                        help="requests a user may make at once before the rate applies")
    parser.add_argument("--threads", type=int, default=16,
                        help="database connections (and worker threads) per process")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="server processes sharing the port (default: 1); give about "
                        "one per CPU core the replica may use: one process is bound to "
                        "one core by Python")
    parser.add_argument("--allow-demo", action="store_true",
                        help="let trainers write a synthetic demo cohort (demo-data "
                        "--service); only for a course server with its own database, never "
                        "one that holds real learners' results")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ketatraining.service.main import serve

    return serve(args)
