"""The learner's own copy of the course, kept up to date without losing their work.

JupyterLab saves a notebook where it is opened. A learner working in the repository
would change the course files (their answers and outputs in ``notebooks/``) and the next
``git pull`` would conflict. So ``make lab`` opens a copy in the learner's data folder
(``platformdirs.user_data_dir("ketatraining")/course``, or ``$KETATRAINING_LEARNER_DIR``),
created on first run and updated on later runs with nbgitpuller's rules, applied per
file (a text merge of two notebooks' JSON can break them, so nothing is merged inside a
file):

1. A course file the learner has not changed is replaced by the course's new version.
2. A file the learner changed is kept as it is. If the course changed it too, the new
   course version is put beside it as ``NAME (course update).ipynb``.
3. A course file the learner deleted is restored.
4. A file of the learner's that is in the way of a new course file of the same name is
   renamed ``NAME_<timestamp>.ipynb`` first (nbgitpuller's rule for untracked files).
5. A file the course no longer has stays in the learner's folder.

"Changed" is judged against the version last copied, whose SHA-256 is kept in the
manifest ``.ketatraining-course.json``. Trainer notebooks are never copied.

In the copy, each hidden helper cell opens with one plain sentence (``HELPER_LINE``):
JupyterLab shows the first line of a collapsed cell, which would otherwise be code.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = ".ketatraining-course.json"
TRAINER_ONLY = frozenset({"trainer"})
UPDATE_SUFFIX = " (course update)"
HELPER_LINE = "# Course helper: it draws this part of the page. Nothing here to read or change."


@dataclass
class SyncReport:
    """What one update did, file by file (paths relative to the learner's folder)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    beside: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Plain sentences for the terminal; nothing when nothing happened to the learner."""
        out = []
        if self.beside:
            out.append("The course has a new version of notebooks you changed; your version "
                       "is kept and the new one is beside it: " + ", ".join(self.beside))
        if self.renamed:
            out.append("Your files that had the name of a new course file were renamed: "
                       + ", ".join(self.renamed))
        if self.restored:
            out.append("Course files you had deleted were restored: " + ", ".join(self.restored))
        return out


def default_learner_dir() -> Path:
    """$KETATRAINING_LEARNER_DIR, else the learner's data folder (platformdirs)."""
    configured = os.environ.get("KETATRAINING_LEARNER_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("ketatraining", appauthor=False)) / "course"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def course_files(source: Path) -> dict[str, Path]:
    """Relative name -> file, for every course file a learner gets (no trainer folders)."""
    files = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if (not path.is_file() or relative.parts[0] in TRAINER_ONLY
                or any(part.startswith(".") for part in relative.parts)):
            continue
        files[relative.as_posix()] = path
    return files


def _read_manifest(target: Path) -> dict[str, str]:
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _write_manifest(target: Path, files: dict[str, str]) -> None:
    temporary = target / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps({"version": 1, "files": files}, indent=1, sort_keys=True),
                         encoding="utf-8")
    temporary.replace(target / MANIFEST)


def _beside_name(relative: str, suffix: str) -> str:
    path = Path(relative)
    return path.with_name(f"{path.stem}{suffix}{path.suffix}").as_posix()


def learner_version(source: Path) -> bytes:
    """The file as the learner gets it: notebooks with their helper cells labelled."""
    data = source.read_bytes()
    if source.suffix != ".ipynb":
        return data
    try:
        notebook = json.loads(data)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError):
        return data
    for cell in cells:
        if (cell.get("cell_type") != "code"
                or not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")):
            continue
        text = "".join(cell.get("source", []))
        if text.startswith(("%%", HELPER_LINE)):  # a cell magic must stay on line one
            continue
        cell["source"] = HELPER_LINE + "\n" + text
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _copy(content: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def sync_course(source: Path, target: Path, now: datetime | None = None) -> SyncReport:
    """Create or update the learner's copy in ``target`` from the course in ``source``."""
    report = SyncReport()
    target.mkdir(parents=True, exist_ok=True)
    base = _read_manifest(target)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    recorded = dict(base)
    for relative, path in course_files(source).items():
        content = learner_version(path)
        course = hashlib.sha256(content).hexdigest()
        mine = target / relative
        last = base.get(relative)
        if not mine.exists():
            _copy(content, mine)
            (report.restored if last is not None else report.added).append(relative)
        elif last is None:  # a file of the learner's, not copied by us
            if digest(mine) != course:
                renamed = _beside_name(relative, f"_{stamp}")
                mine.rename(target / renamed)
                report.renamed.append(f"{relative} -> {renamed}")
                _copy(content, mine)
        elif digest(mine) == last:  # untouched by the learner
            if course != last:
                _copy(content, mine)
                report.updated.append(relative)
        elif course != last:  # both changed: the learner's version wins
            beside = _beside_name(relative, UPDATE_SUFFIX)
            _copy(content, target / beside)
            report.beside.append(beside)
            report.kept.append(relative)
        else:
            report.kept.append(relative)
        recorded[relative] = course
    _write_manifest(target, recorded)
    return report
