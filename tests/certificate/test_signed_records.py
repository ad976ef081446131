"""Signed completion records: valid as issued, rejected after any change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ketatraining.certificate.eligibility import CompletionRecord
from ketatraining.certificate.signed import (
    RecordError,
    canonical,
    record_data,
    sign,
    verification_code,
    verify,
)
from ketatraining.progress.summary import QuizResult


def record(learner: str = "alice", name: str = "Dr Alice Example") -> CompletionRecord:
    when = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
    return CompletionRecord(
        learner_id=learner, learner_name=name, course_title="Ketamine for PTSD",
        course_version="2.1", completed_at=when, issued_at=when,
        quizzes=[QuizResult(learner, "final", "Final assessment", "assessment", attempts=1,
                            finished=1, in_progress=False, best_percent=85.0,
                            last_percent=85.0, pass_mark=70.0, passed=True,
                            time_spent_seconds=600.0, last_activity=when)],
        required_quizzes=("final",))


KEY = Ed25519PrivateKey.generate()


def test_an_issued_record_verifies_and_says_who_what_when() -> None:
    raw = sign(record_data(record(), signed=True, issuer="test"), KEY)
    verified = verify(raw, [KEY.public_key()])
    summary = verified.summary()
    for fact in ("Dr Alice Example", "(alice)", "Ketamine for PTSD", "version 2.1",
                 "2026-11-30", "Final assessment: best 85%", "passed",
                 verified.record["verification_code"]):
        assert fact in summary


def test_every_single_byte_change_is_rejected() -> None:
    raw = sign(record_data(record(), signed=True), KEY)
    for position in range(len(raw)):
        for replacement in {raw[position] ^ 0x01, ord(" ")} - {raw[position]}:
            changed = raw[:position] + bytes([replacement]) + raw[position + 1:]
            with pytest.raises(RecordError):
                verify(changed, [KEY.public_key()])
    with pytest.raises(RecordError):
        verify(raw + b" ", [KEY.public_key()])


def test_a_code_copied_onto_another_learners_record_is_rejected() -> None:
    alice = json.loads(sign(record_data(record(), signed=True), KEY))
    bob = json.loads(sign(record_data(record("bob", "Bob"), signed=True), KEY))
    bob["record"]["verification_code"] = alice["record"]["verification_code"]
    forged = canonical(bob) + b"\n"
    with pytest.raises(RecordError, match="verification code does not belong"):
        verify(forged, [KEY.public_key()])
    # Re-signing needs the server's key: a learner's own key is not trusted.
    own = Ed25519PrivateKey.generate()
    data = record_data(record("bob", "Bob"), signed=True)
    with pytest.raises(RecordError, match="not signed with the course server's key"):
        verify(sign(data, own), [KEY.public_key()])


def test_codes_are_short_and_bound_to_the_content() -> None:
    data = record_data(record(), signed=True)
    code = data["verification_code"]
    assert len(code) == 14 and code.count("-") == 2
    assert verification_code({**data, "learner_name": "Mallory"}) != code
