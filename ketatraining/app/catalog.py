"""The course notebooks in order, with their titles and the quizzes they show.

Read with plain ``json`` (no nbformat import, which is slow) from the notebook files,
so the landing page always reflects the notebooks actually present.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

_QUIZ_CALL = re.compile(r"""show_quiz\(\s*["']([A-Za-z0-9][A-Za-z0-9_.-]*)["']""")
_NOTEBOOK_NAME = re.compile(r"^\d\d-.*\.ipynb$")


@dataclass(frozen=True, slots=True)
class NotebookEntry:
    name: str
    """File name, e.g. '00-welcome.ipynb' (also its relative link in the app)."""
    title: str
    quiz_ids: tuple[str, ...]


def default_notebooks_dir() -> Path:
    """$KETATRAINING_NOTEBOOKS_DIR, else the course's notebooks/ folder."""
    configured = os.environ.get("KETATRAINING_NOTEBOOKS_DIR", "").strip()
    if configured:
        return Path(configured)
    candidates = [Path(__file__).resolve().parents[2] / "notebooks", Path.cwd() / "notebooks",
                  Path.cwd()]
    for candidate in candidates:
        if any(candidate.glob("00-*.ipynb")):
            return candidate
    return candidates[0]


def _title(cells: list[dict], fallback: str) -> str:
    """The heading of the first markdown cell that has one."""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            heading = _best_heading("".join(cell.get("source", "")))
            if heading:
                return heading
    return fallback


def _best_heading(text: str) -> str | None:
    """The notebook's own title: its first level-2 heading, else its first heading."""
    lines = [line for line in text.splitlines() if line.startswith("#")]
    for line in lines:
        if line.startswith("## "):
            return line[3:].strip()
    return lines[0].lstrip("#").strip() if lines else None


def course_notebooks(folder: Path | None = None) -> list[NotebookEntry]:
    """Notebooks named 'NN-....ipynb' in order; unreadable files are listed by name."""
    folder = folder or default_notebooks_dir()
    entries = []
    for path in sorted(folder.glob("*.ipynb")):
        if not _NOTEBOOK_NAME.match(path.name):
            continue
        fallback = path.stem.replace("-", " ")
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            entries.append(NotebookEntry(path.name, fallback, ()))
            continue
        code = "".join("".join(c.get("source", "")) for c in cells
                       if c.get("cell_type") == "code")
        quizzes = tuple(dict.fromkeys(_QUIZ_CALL.findall(code)))
        entries.append(NotebookEntry(path.name, _title(cells, fallback), quizzes))
    return entries
