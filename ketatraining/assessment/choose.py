"""Which implementation of the seam to use: one function for the widget, demo-data and CLI.

``KETATRAINING_ASSESSMENT`` chooses: ``local`` (grading in this kernel, the progress
store), ``hub`` (the course server), or ``auto`` (the default): hub when both the course
server's address (``KETATRAINING_SERVICE_URL``) and a hub token (``JUPYTERHUB_API_TOKEN``,
set by JupyterHub in every single-user server) are present, local otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ketatraining.assessment.protocol import Assessment, AssessmentError

MODE_VARIABLE = "KETATRAINING_ASSESSMENT"
MODES = ("auto", "local", "hub")


def assessment_mode(environ: Mapping[str, str] | None = None) -> str:
    """'local' or 'hub', from the environment (see the module docstring)."""
    env = os.environ if environ is None else environ
    mode = env.get(MODE_VARIABLE, "auto").strip().lower() or "auto"
    if mode not in MODES:
        msg = (f"{MODE_VARIABLE}={mode!r} is not one of local, hub or auto; unset it to let "
               "the course choose.")
        raise AssessmentError(msg)
    if mode == "auto":
        has_service = bool(env.get("KETATRAINING_SERVICE_URL", "").strip())
        has_token = bool(env.get("JUPYTERHUB_API_TOKEN", "").strip())
        return "hub" if has_service and has_token else "local"
    return mode


def open_assessment(**local_options: Any) -> Assessment:
    """The learner's assessment. ``local_options`` (``store``, ``learner_id``) go to the
    local implementation only; on a hub the learner is whoever the hub says."""
    if assessment_mode() == "hub":
        from ketatraining.assessment.hub import HubAssessment

        return HubAssessment()
    from ketatraining.assessment.local import open_assessment as open_local

    return open_local(**local_options)
