"""Fixtures of the hub tests (see hubstack.py): a real JupyterHub with the course server."""

from hub.hubstack import hub_assessment, hub_stack  # noqa: F401
from progress.conftest import postgres_server  # noqa: F401
