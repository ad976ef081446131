"""The throwaway PostgreSQL of the progress tests, for the service's database tests."""

from progress.conftest import postgres_server  # noqa: F401
