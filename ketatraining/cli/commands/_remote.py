"""``--service URL``: the trainer commands asking the course server instead of a database.

The token is a hub token of the trainer: ``$KETATRAINING_HUB_TOKEN`` (made on the hub's
token page, for a trainer's own computer), else ``$JUPYTERHUB_API_TOKEN`` (set in every
server on the hub). The service checks with the hub that its owner is in the trainers'
group; learners get only their own records.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ketatraining.errors import KetaTrainingError

SERVICE_HELP = ("ask the course server at this address (a hub's ketatraining service, e.g. "
                "https://hub.example.org/services/ketatraining/) with your hub token "
                "($KETATRAINING_HUB_TOKEN or $JUPYTERHUB_API_TOKEN)")


def hub_token() -> str:
    for variable in ("KETATRAINING_HUB_TOKEN", "JUPYTERHUB_API_TOKEN"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    msg = ("--service needs your hub token: create one on the hub's Token page and set "
           "KETATRAINING_HUB_TOKEN to it.")
    raise KetaTrainingError(msg)


def client(url: str) -> Any:
    from ketatraining.assessment.hub import HubAssessment

    return HubAssessment(url, hub_token(), timeout=120, retry_seconds=5)


def report(url: str, command: str, params: dict[str, str | None]) -> str:
    """The text of a trainer report, exactly as the command prints it locally."""
    from ketatraining.assessment.protocol import AssessmentError

    with client(url) as service:
        try:
            response = service.request("GET", f"api/reports/{command}", retry=False,
                                       params={k: v for k, v in params.items() if v})
        except AssessmentError as error:
            raise KetaTrainingError(str(error)) from None
    return str(response.text)


def regrade(url: str, quiz_id: str, *, dry_run: bool, history: bool = False,
            every: bool = False) -> str:
    """Ask the course server to regrade ``quiz_id`` (trainers only), or with ``history``
    to list its past regrades; the report's text."""
    from ketatraining.assessment.protocol import AssessmentError

    with client(url) as service:
        try:
            response = service.request("POST", f"api/regrade/{quiz_id}", retry=False,
                                       json={"dry_run": dry_run, "history": history,
                                             "all": every})
        except AssessmentError as error:
            raise KetaTrainingError(str(error)) from None
    return str(response.text)


def write(text: str, out: Path | None, what: str) -> None:
    import sys

    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    print(f"Wrote {out}: {what} from the course server.")
