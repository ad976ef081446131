"""``ketatraining certificate``: write a learner's completion record (HTML and PDF)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ketatraining.cli.util import EXAMPLES_FORMATTER, examples


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "certificate",
        help="write a learner's completion record as HTML and PDF",
        description="Write the completion record of a learner who has passed the course's "
        "required quizzes (course.yaml, 'completion'). A learner who has not gets a list of "
        "what is still missing instead. The name on the record is asked once and stored with "
        "the learner's progress; --name sets or corrects it. Provider, accreditation and "
        "credit statements come only from course.yaml.",
        epilog=examples(
            'ketatraining certificate --name "Dr Jane Doe"',
            "ketatraining certificate --learner jdoe --out records/",
            "ketatraining certificate --db postgresql+psycopg://kt@db/course --learner jdoe",
            "ketatraining certificate --check-course",
            "ketatraining certificate --service https://hub.example.org/services/ketatraining/",
        ),
        formatter_class=EXAMPLES_FORMATTER,
    )
    parser.add_argument("--learner", metavar="L",
                        help="learner id (default: $KETATRAINING_LEARNER, the hub user, "
                        "or your login name)")
    parser.add_argument("--name", metavar="NAME",
                        help="the learner's name as it should appear on the record; stored")
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path(),
                        help="folder for the files (default: the current folder)")
    parser.add_argument("--db", metavar="URL",
                        help="progress store URL (default: $KETATRAINING_DB or the learner's "
                        "own store)")
    parser.add_argument("--service", metavar="URL",
                        help="have the course server issue and sign the record (on a hub; "
                        "trainers may name any --learner) with your hub token")
    parser.add_argument("--course", metavar="FILE", type=Path,
                        help="course description (default: the course's course.yaml)")
    parser.add_argument("--check-course", action="store_true",
                        help="only check course.yaml and list the statements still unset")
    parser.set_defaults(func=run)


def _check_course(course: Any) -> int:
    unset = [name for name, value in [
        ("provider.name", course.provider.name),
        ("accreditation_statement", course.accreditation_statement),
        ("credit_statements", course.credit_statements),
        ("disclosures", course.disclosures),
        ("release_date", course.release_date),
        ("review_date", course.review_date),
    ] if not value]
    print(f"course.yaml is valid: \"{course.title}\" version {course.version}.")
    if unset:
        print("Not yet supplied (the record says so, and claims no accreditation or credit): "
              + ", ".join(unset) + ".")
    return 0


def run(args: argparse.Namespace) -> int:
    from ketatraining.certificate import NotEligible, completion_record, load_course
    from ketatraining.certificate.eligibility import clean_name
    from ketatraining.certificate.render import write_record
    from ketatraining.certificate.signed import write_record_file
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
    from ketatraining.progress.records import current_learner
    from ketatraining.progress.store import open_store

    course = load_course(args.course)
    if args.check_course:
        return _check_course(course)
    if args.service:
        return _from_service(args, course)
    learner = args.learner or current_learner()
    with open_store(args.db) as store:
        if args.name is not None:
            try:
                name = clean_name(args.name)
            except ValueError as error:
                print(f"ketatraining certificate: {error}", file=sys.stderr)
                return EXIT_USAGE
            store.set_display_name(learner, name)
        try:
            record = completion_record(store, learner, course)
        except NotEligible as missing:
            print(f"No completion record for '{learner}' yet. Still to do:", file=sys.stderr)
            for item in missing.missing:
                print(f"  - {item}", file=sys.stderr)
            return EXIT_PROBLEMS
    html_path, pdf_path = write_record(record, course, args.out)
    json_path = write_record_file(record, args.out)
    print(f"Completion record for {record.learner_name} ({learner}) written:")
    print(f"  {html_path}")
    print(f"  {pdf_path}")
    print(f"  {json_path} (self-reported and unsigned: made on this computer, not issued by "
          "a course server)")
    if not course.accredited:
        print("Note: course.yaml supplies no accreditation statement, so the record claims no "
              "continuing-education credit.")
    return EXIT_OK


def _from_service(args: argparse.Namespace, course: Any) -> int:
    """Ask the course server to issue and sign the record; write it beside HTML and PDF."""
    from ketatraining.assessment.protocol import AssessmentError
    from ketatraining.certificate.render import write_record
    from ketatraining.certificate.signed import parse, record_from_data
    from ketatraining.cli import EXIT_OK, EXIT_PROBLEMS
    from ketatraining.cli.commands import _remote

    with _remote.client(args.service) as service:
        try:
            if args.name is not None:
                service.set_display_name(args.name)
            raw = service.completion_record(args.learner)
        except AssessmentError as error:
            print(f"ketatraining certificate: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
    data = parse(raw)["record"]
    record = record_from_data(data)
    html_path, pdf_path = write_record(record, course, args.out)
    json_path = args.out / (html_path.stem + ".json")
    json_path.write_bytes(raw)
    print(f"Completion record {data['verification_code']} for {record.learner_name} "
          f"({record.learner_id}), issued and signed by the course server:")
    for path in (json_path, html_path, pdf_path):
        print(f"  {path}")
    return EXIT_OK
