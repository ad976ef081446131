"""A stale notebook output fails nbval with a line that says to run 'make notebooks'."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def test_a_stale_output_says_run_make_notebooks(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(len([1, 2, 3]))", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]  # stale
    notebook.cells = [cell]
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(notebook, folder / "stale.ipynb")
    (tmp_path / "conftest.py").write_text((ROOT / "conftest.py").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--nbval", "--nbval-current-env", "-p",
         "no:cacheprovider", "-p", "no:xdist", str(folder)],
        cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 1, result.stdout
    assert "run 'make notebooks'" in result.stdout
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    nbformat.write(notebook, folder / "stale.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--nbval", "--nbval-current-env", "-p",
         "no:cacheprovider", "-p", "no:xdist", str(folder)],
        cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout
    assert "make notebooks" not in result.stdout


def test_the_dashboard_demo_uses_a_fixed_list_of_existing_quizzes() -> None:
    import ast
    import json

    notebook = json.loads((ROOT / "notebooks" / "trainer" / "dashboard.ipynb").read_text())
    source = "".join(notebook["cells"][1]["source"])
    tree = ast.parse(source)
    (listed,) = [ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and node.targets[0].id == "DEMO_QUIZZES"]  # type: ignore[attr-defined]
    present = {p.stem for p in (ROOT / "quizzes").glob("*.yaml")}
    assert set(listed) <= present, "a quiz of DEMO_QUIZZES was renamed or removed"
    assert "quiz.id in DEMO_QUIZZES" in "".join(notebook["cells"][2]["source"])
