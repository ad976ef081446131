"""``ketatraining verify FILE``: is this completion record authentic, and whose is it?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check a completion record's signature and show who completed what, when",
        description="Check that a completion record file (.json) was issued and signed by "
        "a course server and has not been changed by a single byte. With --service the "
        "course server also confirms that it issued a record under this verification "
        "code; with --key the check runs offline against the server's public key. "
        "Records made on a laptop are self-reported and unsigned: they never verify.",
        epilog=examples(
            "ketatraining verify record.json --service https://hub.example.org/services/ketatraining/",
            "ketatraining verify record.json --key course-server-public-key.pem",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("file", type=Path, help="the completion record (.json)")
    parser.add_argument("--service", metavar="URL", help="the course server that issued it")
    parser.add_argument("--key", type=Path, metavar="PEM",
                        help="the course server's public key (from its api/key page)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ketatraining.certificate.signed import RecordError, load_public_key, verify
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from ketatraining.errors import KetaTrainingError

    if (args.service is None) == (args.key is None):
        print("ketatraining verify: give the issuing course server (--service URL) or its "
              "public key (--key FILE).", file=sys.stderr)
        return EXIT_USAGE
    raw = args.file.read_bytes()
    if args.key is not None:
        try:
            verified = verify(raw, [load_public_key(args.key.read_bytes())])
        except RecordError as error:
            print(f"NOT VALID: {error}")
            return EXIT_PROBLEMS
        print(verified.summary())
        return EXIT_OK
    import httpx

    try:
        reply = httpx.post(args.service.rstrip("/") + "/api/verify", content=raw, timeout=30)
        data = reply.json()
    except (httpx.HTTPError, ValueError):
        msg = f"The course server {args.service} cannot be reached or did not answer."
        raise KetaTrainingError(msg) from None
    if not data.get("valid"):
        print(f"NOT VALID: {data.get('reason') or data.get('error')}")
        return EXIT_PROBLEMS
    print(data["summary"])
    return EXIT_OK
