"""Every course notebook hides its helper cells and protects trainer text in JupyterLab.

JupyterLab ignores the ``hide-input`` tag that Voila and Jupyter Book read, so a tagged
cell must also carry ``metadata.jupyter.source_hidden``; markdown written by trainers is
``editable: false``; and no notebook stores widget state (a stale view shows "model not
found"). Applies to every notebook present when the tests run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1))


def test_there_are_notebooks_to_check() -> None:
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hide_input_cells_are_collapsed_in_jupyterlab(path: Path) -> None:
    bad = [
        index for index, cell in _cells(path)
        if cell["cell_type"] == "code"
        and "hide-input" in cell.get("metadata", {}).get("tags", [])
        and cell.get("metadata", {}).get("jupyter", {}).get("source_hidden") is not True
    ]
    assert not bad, (f"{path.name}: cells {bad} have the 'hide-input' tag but not "
                     "metadata.jupyter.source_hidden = true")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_cells_are_not_editable(path: Path) -> None:
    bad = [index for index, cell in _cells(path)
           if cell["cell_type"] == "markdown"
           and cell.get("metadata", {}).get("editable") is not False]
    assert not bad, f"{path.name}: markdown cells {bad} lack metadata.editable = false"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_widget_state_is_saved(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook.get("metadata", {}), (
        f"{path.name}: metadata.widgets is saved; re-run 'make notebooks' (it drops it)")
    bad = [index for index, cell in _cells(path) if "widgets" in cell.get("metadata", {})]
    assert not bad, f"{path.name}: cells {bad} store widget state in their metadata"
