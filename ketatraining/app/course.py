"""The app folder: the course notebooks as the app serves them.

The course overview (``index.ipynb`` in the app's links) is no notebook: the app builds
it on the server at each request (``ketatraining.app.overview``, ``voila_main``).

Each course notebook is written as a copy (plain ``json``, no nbformat import) with:

* its kernel-side check cells removed: they exist for the course's tests (nbval) and
  build a second, answered quiz in the kernel; in the app they would only cost time, and
  their widget state would put answer feedback in the page before the learner answered;
* ``metadata.title``: the page title ("04 · Benefits and evidence – Ketamine for PTSD"),
  which the nbconvert template puts in ``<title>``;
* ``metadata.ketatraining``: the previous and next pages, for the template's links;
* its own title as the page's one level-1 heading: a notebook opens with the course's
  name as ``#`` and its own title as ``##``, so every page's only h1 was the course's
  name (a screen-reader user moving by heading heard the same h1 on every page). The
  page's title becomes the h1 and the course's name goes to the page header
  (``metadata.ketatraining.course``), above the links, as plain text;
* no JupyterLab-only instruction (``LAB_ONLY``): in the app the quiz is already there
  and there is nothing to run.

Folders other than trainer ones are linked, so a notebook's own files still resolve.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ketatraining.app.catalog import NotebookEntry, course_notebooks

LANDING_NAME = "index.ipynb"
"""The overview's address in the app (``voila/render/index.ipynb``): no file has it."""
COURSE_NAME = "Ketamine for PTSD"
OVERVIEW_TITLE = "Course overview"
CHECK_PREFIX = "# Check, run by the course's tests"
REMOVE_TAGS = frozenset({"remove-cell", "kt-check"})
LAB_ONLY = ("In JupyterLab, if no quiz shows below, choose *Run → Run All Cells*.",)
"""Sentences of the course text meant for JupyterLab only, left out of the app's pages."""
TRAINER_ONLY = frozenset({"trainer"})
"""Folders of trainer notebooks: never part of what a learner is given."""


def is_check_cell(cell: Any) -> bool:
    """A course test cell: tagged remove-cell/kt-check, or opening with the check comment."""
    if cell.get("cell_type") != "code":
        return False
    tags = set(cell.get("metadata", {}).get("tags", []))
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    return bool(tags & REMOVE_TAGS) or source.lstrip().startswith(CHECK_PREFIX)


def page_title(title: str) -> str:
    return f"{title} – {COURSE_NAME}"


def _link(entry: NotebookEntry | None) -> dict[str, str] | None:
    return None if entry is None else {"href": entry.name, "title": entry.title}


def own_heading(cells: list[Any], title: str) -> tuple[list[Any], str | None]:
    """The cells with ``## title`` as the page's h1 in place of the course's ``#`` heading
    above it, and that course name; unchanged (and None) when the notebook is not so."""
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        lines = ("".join(source) if isinstance(source, list) else source).split("\n")
        heads = [n for n, line in enumerate(lines) if line.startswith("#")]
        own = [n for n in heads if lines[n].startswith("## ") and lines[n][3:].strip() == title]
        if not own or not lines[heads[0]].startswith("# ") or heads[0] > own[0]:
            return cells, None
        course = lines[heads[0]][2:].strip()
        kept = [line for n, line in enumerate(lines) if n != heads[0]]
        kept[own[0] - 1] = "# " + title
        while kept and not kept[0].strip():
            kept.pop(0)
        changed = dict(cell, source="\n".join(kept))
        return [*cells[:index], changed, *cells[index + 1:]], course
    return cells, None


def without_lab_only(cell: Any) -> Any:
    """A markdown cell without the sentences that are true in JupyterLab only."""
    if cell.get("cell_type") != "markdown":
        return cell
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    kept = text
    for sentence in LAB_ONLY:
        kept = kept.replace(sentence + " ", "").replace(sentence, "")
    return cell if kept == text else dict(cell, source=kept)


def _app_notebook(notebook: dict[str, Any], title: str, *, overview: bool,
                  previous: dict[str, str] | None, following: dict[str, str] | None
                  ) -> dict[str, Any]:
    notebook = dict(notebook)
    cells = [without_lab_only(c) for c in notebook.get("cells", []) if not is_check_cell(c)]
    notebook["cells"], course = own_heading(cells, title)
    metadata = dict(notebook.get("metadata", {}))
    metadata["title"] = page_title(title)
    metadata["ketatraining"] = {"overview": overview, "previous": previous, "next": following,
                                "overview_href": LANDING_NAME, "course": course}
    notebook["metadata"] = metadata
    return notebook


def _write(path: Path, notebook: dict[str, Any]) -> None:
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_course(root: Path, notebooks: Path) -> Path:
    """Fill ``root`` with the course notebooks and links to their other files."""
    root.mkdir(parents=True, exist_ok=True)
    entries = course_notebooks(notebooks)
    course = {entry.name for entry in entries}
    for index, entry in enumerate(entries):
        source = notebooks / entry.name
        try:
            notebook = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shutil.copy2(source, root / entry.name)  # Voila shows its own error page
            continue
        previous = entries[index - 1] if index > 0 else None
        following = entries[index + 1] if index + 1 < len(entries) else None
        _write(root / entry.name, _app_notebook(
            notebook, entry.title, overview=False, previous=_link(previous),
            following=_link(following)))
    for child in sorted(notebooks.iterdir()):
        if (child.name.startswith(".") or child.name in course or child.name == LANDING_NAME
                or child.name in TRAINER_ONLY or child.suffix == ".ipynb"):
            continue
        _link_or_copy(child, root / child.name)
    return root


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source.resolve(), target_is_directory=source.is_dir())
    except OSError:  # no symlinks (some Windows set-ups): copy instead
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
