"""One function chooses the implementation of the seam: local, hub, or auto."""

from __future__ import annotations

import pytest

from ketatraining.assessment.choose import assessment_mode, open_assessment
from ketatraining.assessment.hub import HubAssessment
from ketatraining.assessment.local import LocalAssessment
from ketatraining.assessment.protocol import Assessment, AssessmentError

HUB = {"KETATRAINING_SERVICE_URL": "http://127.0.0.1:9/services/ketatraining/",
       "JUPYTERHUB_API_TOKEN": "t"}


@pytest.mark.parametrize(("env", "mode"), [
    ({}, "local"),
    (HUB, "hub"),
    ({"KETATRAINING_SERVICE_URL": HUB["KETATRAINING_SERVICE_URL"]}, "local"),  # no token
    ({"JUPYTERHUB_API_TOKEN": "t"}, "local"),  # a hub without the course server
    ({**HUB, "KETATRAINING_ASSESSMENT": "local"}, "local"),
    ({"KETATRAINING_ASSESSMENT": "HUB"}, "hub"),
    ({**HUB, "KETATRAINING_ASSESSMENT": "auto"}, "hub"),
])
def test_mode_from_the_environment(env: dict[str, str], mode: str) -> None:
    assert assessment_mode(env) == mode


def test_unknown_mode_is_one_sentence() -> None:
    with pytest.raises(AssessmentError, match="not one of local, hub or auto"):
        assessment_mode({"KETATRAINING_ASSESSMENT": "cloud"})


def test_open_assessment_builds_the_chosen_implementation(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: object) -> None:
    for name in ("KETATRAINING_ASSESSMENT", *HUB):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{tmp_path}/p.db")
    local = open_assessment(learner_id="ann")
    assert isinstance(local, LocalAssessment) and isinstance(local, Assessment)
    for name, value in HUB.items():
        monkeypatch.setenv(name, value)
    hub = open_assessment(learner_id="ignored")
    assert isinstance(hub, HubAssessment) and isinstance(hub, Assessment)
    with pytest.raises(AssessmentError, match="course server cannot be reached"):
        HubAssessment(HUB["KETATRAINING_SERVICE_URL"], "t", retry_seconds=0).start("welcome")
    hub.close()
