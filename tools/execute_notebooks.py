"""Re-execute course notebooks in place and save their outputs for nbval to compare.

    python tools/execute_notebooks.py notebooks/            # all, recursively
    python tools/execute_notebooks.py notebooks/00-welcome.ipynb

Each notebook runs in a fresh kernel with a fresh, empty progress store, exactly as
under ``make test``, so the saved outputs are the ones nbval will see. Afterwards:
widget views are removed from outputs (a stale view shows "model not found"), widget
state (``metadata.widgets``) and execution timings are dropped, and a cell that
displayed a widget must carry the ``nbval-ignore-output`` tag or the run fails.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean(notebook: nbformat.NotebookNode, path: Path) -> list[str]:
    problems = []
    notebook.metadata.pop("widgets", None)
    for index, cell in enumerate(notebook.cells, start=1):
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        shows_widget = any(WIDGET_VIEW in out.get("data", {}) for out in cell.outputs)
        if shows_widget and "nbval-ignore-output" not in tags:
            problems.append(f"{path}: cell {index} displays a widget but lacks the "
                            "'nbval-ignore-output' tag")
        if "nbval-ignore-output" in tags:
            cell.outputs = []
    return problems


def execute(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KETATRAINING_DB"] = f"sqlite:///{tmp}/progress.db"
        os.environ["KETATRAINING_LEARNER"] = "nbval"
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    problems = clean(notebook, path)
    nbformat.write(notebook, path)
    return problems


def main(arguments: list[str]) -> int:
    paths: list[Path] = []
    for argument in arguments or ["notebooks"]:
        target = Path(argument)
        if target.is_dir():
            paths.extend(p for p in sorted(target.rglob("*.ipynb"))
                         if ".ipynb_checkpoints" not in p.parts)
        else:
            paths.append(target)
    problems = []
    for path in paths:
        print(f"executing {path}", flush=True)
        problems += execute(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
