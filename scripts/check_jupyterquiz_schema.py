"""Validate every course bank's jupyterquiz export against jupyterquiz's own JSON Schemas.

A developer's check, not part of ``make test``: jupyterquiz's repository ships a JSON
Schema per question kind (``schema/mc_schema.json``, ``num_schema.json``,
``string_schema.json``), which its PyPI package does not include, so the project cannot
carry them. Point ``--schemas`` at that folder of a local copy of jupyterquiz's public
repository (``git clone``). Usage::

    .venv/bin/python scripts/check_jupyterquiz_schema.py --schemas ~/src/jupyterquiz/schema

Exit status 0 when every exported question is valid against its kind's schema.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from jsonschema import Draft202012Validator

from ketatraining.interop.jupyterquiz_export import jupyterquiz_export
from ketatraining.quiz.loading import CATALOG_FILES, check_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_OF = {"multiple_choice": "mc_schema.json", "many_choice": "mc_schema.json",
             "numeric": "num_schema.json", "string": "string_schema.json"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", type=Path, required=True,
                        help="jupyterquiz's schema/ folder")
    args = parser.parse_args(argv)
    validators = {}
    for kind, name in SCHEMA_OF.items():
        path = args.schemas / name
        if not path.is_file():
            parser.error(f"{path} is missing: point --schemas at jupyterquiz's schema/ folder")
        validators[kind] = Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        if path.name in CATALOG_FILES:
            continue
        quiz, _ = check_file(path)
        if quiz is None:
            failures.append(f"{path.name}: not a valid quiz")
            continue
        for index, item in enumerate(json.loads(jupyterquiz_export(quiz)[0])):
            kind = item.get("type", "?")
            validator = validators.get(kind)
            if validator is None:
                failures.append(f"{quiz.id}[{index}]: no schema for type {kind!r}")
                continue
            errors = sorted(validator.iter_errors(item), key=lambda e: list(e.path))
            counts[("valid " if not errors else "invalid ") + kind] += 1
            failures += [f"{quiz.id}[{index}] {'/'.join(map(str, e.path))}: {e.message}"
                         for e in errors]
    for what, number in sorted(counts.items()):
        print(f"{what}: {number}")
    for line in failures:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
