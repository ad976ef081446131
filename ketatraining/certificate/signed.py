"""Completion records anyone can check: Ed25519-signed by the course server, or plainly not.

A quiz's ``attempts`` in a record are its finished attempts (``QuizResult.finished``).

A record file is one line of canonical JSON (sorted keys, no spaces, ASCII) holding the
record and, when a course server issued it, its signature::

    {"record": {...}, "signature": {"alg": "Ed25519", "key_id": "...", "value": "..."}}

:func:`verify` rebuilds the canonical bytes and requires the file to equal them exactly,
so changing any byte (even a space) is detected, then checks the signature with a
trusted public key. The record carries a short verification code derived from its own
content, so a code copied onto another learner's record does not match it. Records made
on a laptop have no signature and say so: they are self-reported.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ketatraining.certificate.eligibility import ISSUED, SELF_REPORTED, CompletionRecord
from ketatraining.errors import KetaTrainingError
from ketatraining.progress.summary import QuizResult

FORMAT = "ketatraining-completion-record/1"
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U


class RecordError(KetaTrainingError):
    """A record file is not a valid, authentic completion record; the message says why."""


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def verification_code(record: dict[str, Any]) -> str:
    """12 characters (about 59 bits) from the record's content, shown as XXXX-XXXX-XXXX."""
    body = {k: v for k, v in record.items() if k != "verification_code"}
    number = int.from_bytes(hashlib.sha256(canonical(body)).digest()[:10], "big")
    chars = []
    for _ in range(12):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    text = "".join(chars)
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def record_data(record: CompletionRecord, *, signed: bool, issuer: str | None = None,
                nonce: str | None = None) -> dict[str, Any]:
    """The facts of a completion record as JSON, with its verification code."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "learner_id": record.learner_id,
        "learner_name": record.learner_name,
        "course_title": record.course_title,
        "course_version": record.course_version,
        "completed_at": record.completed_at.isoformat(),
        "issued_at": record.issued_at.isoformat(),
        "time_spent_seconds": round(record.time_spent_seconds, 1),
        "quizzes": [
            {"quiz_id": q.quiz_id, "title": q.title, "attempts": q.finished,
             "best_percent": round(q.best_percent or 0.0, 2), "pass_mark": q.pass_mark,
             "passed": bool(q.passed), "required": record.is_required(q.quiz_id),
             **({"regraded": True} if q.regraded else {})}
            for q in record.quizzes],
        "signed": signed,
        "issuer": issuer if signed else None,
        "statement": ISSUED if signed else SELF_REPORTED,
        "nonce": nonce or base64.b32encode(os.urandom(10)).decode().rstrip("="),
    }
    data["verification_code"] = verification_code(data)
    return data


def record_from_data(data: dict[str, Any]) -> CompletionRecord:
    """The record a file describes (for rendering it as HTML and PDF)."""
    from datetime import datetime

    completed_at = datetime.fromisoformat(data["completed_at"])
    return CompletionRecord(
        learner_id=data["learner_id"], learner_name=data["learner_name"],
        course_title=data["course_title"], course_version=data["course_version"],
        completed_at=completed_at,
        issued_at=datetime.fromisoformat(data["issued_at"]),
        quizzes=[QuizResult(learner_id=data["learner_id"], quiz_id=q["quiz_id"],
                            title=q["title"], topic="", attempts=q["attempts"],
                            finished=q["attempts"], in_progress=False,
                            best_percent=q["best_percent"], last_percent=None,
                            pass_mark=q["pass_mark"], passed=q["passed"],
                            time_spent_seconds=0.0, last_activity=None,
                            regraded=bool(q.get("regraded", False)))
                 for q in data["quizzes"]],
        time_spent_seconds=data["time_spent_seconds"],
        required_quizzes=tuple(q["quiz_id"] for q in data["quizzes"] if q["required"]),
        verification_code=data["verification_code"] if data.get("signed") else None)


def write_record_file(record: CompletionRecord, folder: Path) -> Path:
    """The unsigned JSON record of a laptop, beside its HTML and PDF (it says so)."""
    from ketatraining.certificate.render import file_stem

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_stem(record)}.json"
    path.write_bytes(unsigned(record_data(record, signed=False)))
    return path


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(text: str | bytes) -> Ed25519PublicKey:
    raw = text.encode() if isinstance(text, str) else text
    try:
        key = serialization.load_pem_public_key(raw)
    except ValueError as error:
        msg = "The public key is not a PEM-encoded Ed25519 key."
        raise RecordError(msg) from error
    if not isinstance(key, Ed25519PublicKey):
        msg = "The public key is not an Ed25519 key."
        raise RecordError(msg)
    return key


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The service's signing key; created (readable by its owner only) on first start."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            msg = f"The signing key {path} is not an Ed25519 private key."
            raise RecordError(msg)
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def sign(data: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The record file's bytes: canonical JSON of the record and its signature."""
    value = base64.b64encode(key.sign(canonical(data))).decode()
    envelope = {"record": data, "signature": {"alg": "Ed25519", "key_id": key_id(key.public_key()),
                                              "value": value}}
    return canonical(envelope) + b"\n"


def unsigned(data: dict[str, Any]) -> bytes:
    return canonical({"record": data, "signature": None}) + b"\n"


@dataclass(frozen=True)
class Verified:
    record: dict[str, Any]
    key_id: str

    def summary(self) -> str:
        r = self.record
        quizzes = "; ".join(f"{q['title']}: best {q['best_percent']:.0f}% "
                            f"({'passed' if q['passed'] else 'not passed'}"
                            f"{', regraded' if q.get('regraded') else ''})"
                            for q in r["quizzes"])
        return (f"Valid completion record {r['verification_code']}: {r['learner_name']} "
                f"({r['learner_id']}) completed \"{r['course_title']}\" version "
                f"{r['course_version']} on {r['completed_at'][:10]} (issued "
                f"{r['issued_at'][:19]}Z). Results: {quizzes}.")


def parse(raw: bytes) -> dict[str, Any]:
    """The envelope of a record file, refusing anything not byte-for-byte canonical."""
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        msg = "This file is not a ketatraining completion record (it is not valid JSON)."
        raise RecordError(msg) from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("record"), dict) \
            or envelope["record"].get("format") != FORMAT:
        msg = "This file is not a ketatraining completion record."
        raise RecordError(msg)
    if canonical(envelope) + b"\n" != raw:
        msg = ("This record has been changed since it was issued (its bytes differ from "
               "the issued form); it is not valid.")
        raise RecordError(msg)
    return envelope


def verify(raw: bytes, keys: list[Ed25519PublicKey]) -> Verified:
    """Check a record file against trusted public keys; RecordError says what is wrong."""
    envelope = parse(raw)
    data, signature = envelope["record"], envelope.get("signature")
    if not signature or not data.get("signed"):
        raise RecordError(SELF_REPORTED)
    if set(envelope) != {"record", "signature"} or not isinstance(signature, dict) \
            or set(signature) != {"alg", "key_id", "value"} or signature["alg"] != "Ed25519":
        msg = "The record's signature block has been altered; it is not valid."
        raise RecordError(msg)
    if data.get("verification_code") != verification_code(data):
        msg = "The verification code does not belong to this record; it is not valid."
        raise RecordError(msg)
    try:
        value = base64.b64decode(signature["value"], validate=True)
        if base64.b64encode(value).decode() != signature["value"]:  # unused bits changed
            raise ValueError
    except (KeyError, TypeError, ValueError):
        msg = "The record's signature is malformed; it is not valid."
        raise RecordError(msg) from None
    for key in keys:
        if key_id(key) != signature.get("key_id"):
            continue
        try:
            key.verify(value, canonical(data))
        except InvalidSignature:
            break
        return Verified(data, key_id(key))
    else:
        msg = ("The record was not signed with the course server's key (key "
               f"{signature.get('key_id')!s} is not trusted here).")
        raise RecordError(msg)
    msg = "The record's signature does not match its content: it has been altered."
    raise RecordError(msg)
