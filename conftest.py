"""Repository-wide pytest hooks: say what to do when saved notebook outputs are stale."""

from __future__ import annotations

from typing import Any

HINT = ("Saved notebook outputs differ from a fresh run. If you changed a quiz, the demo "
        "cohort or the code on purpose, run 'make notebooks' (or 'python "
        "tools/execute_notebooks.py notebooks/trainer/dashboard.ipynb' for one notebook) "
        "and commit the re-executed notebooks; otherwise the diff above shows what broke.")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    failed = terminalreporter.stats.get("failed", [])
    if any(str(getattr(report, "nodeid", "")).split("::")[0].endswith(".ipynb")
           for report in failed):
        terminalreporter.write_sep("-", "how to fix")
        terminalreporter.write_line(HINT)
