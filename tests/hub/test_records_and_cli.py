"""Signed completion records from the course server, and the CLI's --service mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub.hubstack import RIGHT, HubStack, audit_rows, http

from ketatraining.cli import main

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
QUIZ = "final-check"


def pass_course(stack: HubStack, user: str, name: str) -> None:
    stack.api("POST", f"users/{user}")
    learner = stack.assessment(user)
    state = learner.start(QUIZ)  # type: ignore[attr-defined]
    attempt = state.attempt_id
    for question in state.questions:
        attempt = learner.submit(QUIZ, attempt, question.id, RIGHT[question.id]).attempt_id  # type: ignore[attr-defined]
    assert learner.finish(QUIZ, attempt).passed  # type: ignore[attr-defined]
    learner.set_display_name(name)  # type: ignore[attr-defined]


def test_signed_record_verifies_and_forgeries_do_not(hub_stack: HubStack, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pass_course(hub_stack, "gwen", "Dr Gwen Example")
    pass_course(hub_stack, "hal", "Hal Example")
    monkeypatch.setenv("KETATRAINING_COURSE", str(hub_stack.quiz_dir.parent / "course.yaml"))
    url = hub_stack.service_url
    monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("gwen"))
    assert main(["certificate", "--service", url, "--out", str(tmp_path / "gwen")]) == 0
    record = next((tmp_path / "gwen").glob("*.json"))
    assert "Verification code" in next((tmp_path / "gwen").glob("*.html")).read_text()
    capsys.readouterr()
    assert main(["verify", str(record), "--service", url]) == 0
    shown = capsys.readouterr().out
    assert "Dr Gwen Example (gwen)" in shown and "Test course" in shown and "2.1" in shown
    assert "Final check: best 100% (passed)" in shown
    key = tmp_path / "key.pem"
    key.write_text(http.get(url + "api/key").json()["public_key"])
    assert main(["verify", str(record), "--key", str(key)]) == 0
    raw = record.read_bytes()
    # one byte changed: the name
    changed = tmp_path / "changed.json"
    changed.write_bytes(raw.replace(b"Dr Gwen", b"Dr Gwan"))
    capsys.readouterr()
    assert main(["verify", str(changed), "--service", url]) == 1
    assert "NOT VALID" in capsys.readouterr().out
    assert main(["verify", str(changed), "--key", str(key)]) == 1
    # gwen's code copied onto a record issued to hal
    monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("hal"))
    assert main(["certificate", "--service", url, "--out", str(tmp_path / "hal")]) == 0
    hal = json.loads(next((tmp_path / "hal").glob("*.json")).read_bytes())
    gwen_code = json.loads(raw)["record"]["verification_code"]
    hal["record"]["verification_code"] = gwen_code
    copied = tmp_path / "copied.json"
    copied.write_bytes(json.dumps(hal, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    assert main(["verify", str(copied), "--service", url]) == 1
    assert main(["verify", str(copied), "--key", str(key)]) == 1
    # the service's verification page: the code shows gwen's record, not hal's
    page = http.get(url + f"api/verify/{gwen_code}").json()
    assert page["record"]["learner_id"] == "gwen"
    # a learner cannot have a record issued for somebody else
    other = http.post(url + "api/records", json={"learner": "gwen"},
                       headers={"Authorization": f"token {hub_stack.token_for('hal')}"})
    assert other.status_code == 403


def test_learner_without_a_pass_gets_no_record(hub_stack: HubStack) -> None:
    hub_stack.api("POST", "users/ivy")
    reply = http.post(hub_stack.service_url + "api/records", json={},
                       headers={"Authorization": f"token {hub_stack.token_for('ivy')}"})
    assert reply.status_code == 409
    assert "Take and pass the quiz" in reply.json()["error"]


def test_trainer_cli_reads_everyone_through_the_service(hub_stack: HubStack,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    pass_course(hub_stack, "jo", "Jo Example")
    url = hub_stack.service_url
    monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("carol"))
    capsys.readouterr()
    assert main(["results", "--service", url, "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    assert "jo,final-check" in csv_text
    assert main(["stats", QUIZ, "--service", url]) == 0
    assert "facility" in capsys.readouterr().out
    assert main(["export", "--format", "csv", "--service", url]) == 0
    assert "jo" in capsys.readouterr().out
    # A learner's token gets only their own rows, and no item analysis.
    monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("jo"))
    assert main(["results", "--service", url, "--format", "csv"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines()[1:] if line]
    assert rows and all(line.startswith("jo,") for line in rows)
    assert main(["stats", QUIZ, "--service", url]) == 1
    assert "Only trainers" in capsys.readouterr().err


def test_a_trainer_regrades_through_the_service(hub_stack: HubStack,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """regrade --service: trainers only, a dry run first, then one audited regrade."""
    import psycopg

    def runs() -> list[tuple[object, ...]]:
        with psycopg.connect(hub_stack.db_url.replace("postgresql+psycopg", "postgresql")) as c:
            return list(c.execute("SELECT regraded_by, answers_changed FROM kt_regrade_runs "
                                  "WHERE quiz_id = 'final-check' ORDER BY id").fetchall())

    pass_course(hub_stack, "rey", "Rey Example")  # bp answered true, as the key says
    url = hub_stack.service_url
    path = hub_stack.quiz_dir / f"{QUIZ}.yaml"
    original = path.read_text()
    before = runs()
    path.write_text(original.replace("    answer: true\n", "    answer: false\n"))  # "fix"
    try:
        monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("rey"))
        capsys.readouterr()
        assert main(["regrade", QUIZ, "--service", url]) == 1
        assert "Only trainers may regrade" in capsys.readouterr().err
        monkeypatch.setenv("KETATRAINING_HUB_TOKEN", hub_stack.token_for("carol"))
        assert main(["regrade", QUIZ, "--dry-run", "--service", url]) == 0
        out = capsys.readouterr().out
        # rey: 3 of 3 -> 2 of 3 (bp now wrong), still above the 60 % pass mark
        rey = next(line for line in out.splitlines() if line.startswith("rey ") and "%" in line)
        assert rey.split()[2:4] == ["100.0%", "66.7%"]
        assert "Dry run" in out
        assert runs() == before, "a dry run writes nothing"
        assert main(["regrade", QUIZ, "--service", url]) == 0
        out = capsys.readouterr().out
        assert "Regraded in" in out and "restart it" in out  # the service holds the old key
        assert runs()[len(before):][0][0] == "carol"
        assert main(["regrade", QUIZ, "--history", "--service", url]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert listed[0].startswith(f"Regrades of the quiz '{QUIZ}'")
        assert listed[-1].split()[3] == "carol"  # the newest run: this trainer's
        actions = [(r["actor"], r["action"]) for r in audit_rows(hub_stack)]
        assert ("rey", "denied") in actions and ("carol", "regrade-dry-run") in actions
        assert ("carol", "regrade") in actions and ("carol", "regrade-history") in actions
        assert main(["results", "--by-attempt", "--learner", "rey", "--service", url]) == 0
        assert "*" in capsys.readouterr().out  # rey's attempt is marked as regraded
    finally:  # put the key back and regrade back, for the other tests on this hub
        path.write_text(original)
        assert main(["regrade", QUIZ, "--service", url]) == 0
        assert "restart it" not in capsys.readouterr().out
