"""Run Voila for the app with the course's prelaunch hook (``python -m ketatraining.app.voila_main``).

The hook drops the notebooks' kernel-side check cells before Voila executes a page. They
exist for the course's tests (nbval): they build a second, answered quiz in the kernel to
prove the widget works. In the app they would only cost time, and the widget state they
create is sent to the browser even though it is never displayed, which would put answer
feedback in the page before the learner has answered.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

CHECK_PREFIX = "# Check, run by the course's tests"
REMOVE_TAGS = frozenset({"remove-cell", "kt-check"})


def is_check_cell(cell: Any) -> bool:
    """A course test cell: tagged remove-cell/kt-check, or opening with the check comment."""
    if cell.get("cell_type") != "code":
        return False
    tags = set(cell.get("metadata", {}).get("tags", []))
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    return bool(tags & REMOVE_TAGS) or source.lstrip().startswith(CHECK_PREFIX)


def drop_check_cells(_request: Any, notebook: Any, cwd: str | None = None) -> Any:
    """Voila prelaunch hook: the notebook without its check cells."""
    notebook.cells = [cell for cell in notebook.cells if not is_check_cell(cell)]
    return notebook


def main(argv: Sequence[str] | None = None) -> None:
    from traitlets.config import Config
    from voila.app import Voila

    config = Config()
    config.VoilaConfiguration.prelaunch_hook = drop_check_cells
    Voila.launch_instance(argv=list(sys.argv[1:] if argv is None else argv), config=config)


if __name__ == "__main__":
    main()
