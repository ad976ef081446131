"""Learner pages on a hub: progress, course overview and completion record come from the
course server through the seam (a learner's server has no store and no keyed quizzes)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from hub.hubstack import RIGHT, HubStack, http, run_as_alice

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ALICE_TAKES_WELCOME = """
import json
from ketatraining.widgets.quiz import make_quiz
quiz = make_quiz("welcome")
for qid, answer in (("welcome-off-label", False), ("welcome-dose", "40"),
                    ("welcome-largest-trial", "a"), ("welcome-how-to", ["a", "b"])):
    quiz.answer(qid, answer, seconds=4, attempt_seconds=90)
from ketatraining.widgets.landing import current_landing_html
from ketatraining.widgets.progress import progress_html
print(json.dumps({"result": quiz.result, "progress": progress_html(),
                  "landing": current_landing_html()}))
"""


def test_alice_sees_her_own_results_from_the_course_server(hub_stack: HubStack) -> None:
    other = f"o{secrets.token_hex(4)}"  # another learner passes it with full marks
    hub_stack.api("POST", f"users/{other}")
    bob = hub_stack.assessment(other)
    state = bob.start("welcome")  # type: ignore[attr-defined]
    attempt = state.attempt_id
    for qid, answer in (("welcome-off-label", False), ("welcome-dose", 40),
                        ("welcome-largest-trial", "b"), ("welcome-how-to", ["a", "b"])):
        attempt = bob.submit("welcome", attempt, qid, answer).attempt_id  # type: ignore[attr-defined]
    assert bob.finish("welcome", attempt).percent == 100  # type: ignore[attr-defined]

    result = run_as_alice(hub_stack, ALICE_TAKES_WELCOME, KETATRAINING_LEARNER="bob")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert "You scored 75% (3 of 4 points)" in out["result"]
    progress = out["progress"]
    assert "Practice quiz: how the quizzes work (assessment): best 75% against a pass mark " \
           "of 50%, passed" in progress  # the figure's text description
    assert ">75%</td>" in progress and "100%</td>" not in progress  # hers, not theirs
    assert "cannot be shown" not in progress
    assert "✓ Quiz passed (best score 75%)" in out["landing"]
    assert "cannot be shown" not in out["landing"]
    home = Path(hub_stack.alice_env["_HOME"])
    assert not [p for p in home.rglob("*.db")]  # no progress store on her server


def test_completion_widget_on_a_hub_gets_the_signed_record(
        hub_stack: HubStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketatraining.certificate.signed import load_public_key, verify
    from ketatraining.widgets.completion import CREATED, NOT_YET, CompletionWidget

    user = f"c{secrets.token_hex(4)}"
    hub_stack.api("POST", f"users/{user}")
    local_db = tmp_path / "never" / "progress.db"
    for name, value in {"KETATRAINING_ASSESSMENT": "hub",
                        "KETATRAINING_SERVICE_URL": hub_stack.service_url,
                        "JUPYTERHUB_API_TOKEN": hub_stack.token_for(user),
                        "KETATRAINING_DB": f"sqlite:///{local_db}",
                        "KETATRAINING_COURSE": str(hub_stack.quiz_dir.parent / "course.yaml"),
                        }.items():
        monkeypatch.setenv(name, value)
    panel = CompletionWidget(folder=tmp_path / "records")
    assert panel.learner_id == user and panel.name.value == ""
    panel._create()
    assert NOT_YET in panel.result.value
    assert "Final check" in panel.result.value  # the server's list of what is still to do

    learner = hub_stack.assessment(user)
    state = learner.start("final-check")  # type: ignore[attr-defined]
    attempt = state.attempt_id
    for question in state.questions:
        attempt = learner.submit("final-check", attempt, question.id,  # type: ignore[attr-defined]
                                 RIGHT[question.id]).attempt_id
    assert learner.finish("final-check", attempt).passed  # type: ignore[attr-defined]

    panel.name.value = "Dr Dora Example"
    panel._create()
    assert CREATED in panel.result.value and "Dr Dora Example" in panel.result.value
    (record,) = (tmp_path / "records").glob("*.json")
    key = load_public_key(http.get(hub_stack.service_url + "api/key").json()["public_key"])
    verified = verify(record.read_bytes(), [key])
    assert verified.record["learner_id"] == user
    assert verified.record["learner_name"] == "Dr Dora Example"
    assert CompletionWidget().name.value == "Dr Dora Example"  # the name is kept by the server
    assert not local_db.parent.exists()  # nothing went to a local store
