"""Find, read and validate quiz files: the only file I/O of the quiz package.

Quizzes live in one folder (``quizzes/`` of the course, or ``KETATRAINING_QUIZ_DIR``)
next to the two catalogue files every question points into: ``references.yaml`` and
``objectives.yaml``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ketatraining.errors import QuizInvalidError, QuizNotFoundError
from ketatraining.quiz.catalog import Bibliography, Objective, Objectives, Reference
from ketatraining.quiz.model import Quiz
from ketatraining.quiz.problems import Problem
from ketatraining.quiz.validation import check_quiz, did_you_mean
from ketatraining.quiz.yamlsource import read_yaml

REFERENCES_FILE = "references.yaml"
OBJECTIVES_FILE = "objectives.yaml"
CATALOG_FILES = (REFERENCES_FILE, OBJECTIVES_FILE)
QUIZ_SUFFIXES = (".yaml", ".yml")

_Model = TypeVar("_Model", bound=BaseModel)


def default_quiz_dir() -> Path:
    """Where the course's quizzes are: $KETATRAINING_QUIZ_DIR, else the course's quizzes/."""
    configured = os.environ.get("KETATRAINING_QUIZ_DIR")
    if configured:
        return Path(configured)
    candidates = [
        Path(__file__).resolve().parents[2] / "quizzes",  # a checkout or editable install
        Path.cwd() / "quizzes",
        Path.cwd().parent / "quizzes",  # a notebook running in notebooks/
    ]
    for candidate in candidates:
        if (candidate / REFERENCES_FILE).is_file():
            return candidate
    return candidates[0]


@dataclass
class Catalog:
    """References and objectives of one quiz folder, with their own problems."""

    references: dict[str, Reference] | None = None
    objectives: dict[str, Objective] | None = None
    problems: list[Problem] = field(default_factory=list)


def _read_bytes(path: Path) -> tuple[bytes | None, list[Problem]]:
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        reason, hint = "The file does not exist (or was removed while reading).", "Check the path."
    except IsADirectoryError:
        reason, hint = "This is a folder, not a file.", "Give a quiz file or a folder of quizzes."
    except PermissionError:
        reason, hint = "Permission denied.", "Check that you may read the file."
    except OSError as error:
        reason, hint = f"The file cannot be read ({error.strerror}).", "Check the file."
    return None, [Problem("KQ001", reason, str(path), hint=hint)]


def _load_catalog_file(path: Path, model: type[_Model]) -> tuple[_Model | None, list[Problem]]:
    raw, problems = _read_bytes(path)
    if raw is None:
        return None, [
            Problem("KQ215", f"'{path.name}' is missing next to the quizzes.", str(path),
                    hint=f"Create {path.name} in this folder (see quizzes/README.md).")
        ]
    document, problems = read_yaml(raw, str(path))
    if document is None or problems:
        return None, problems
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        found = []
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            line, column = document.position(loc)
            entry = ".".join(str(part) for part in loc)
            found.append(Problem("KQ215", f"'{entry}': {item['msg']}.", str(path), line, column,
                                 field=entry, hint=f"Fix this entry of {path.name}."))
        return None, found


_catalog_cache: dict[tuple[str, float, float], Catalog] = {}


def load_catalog(folder: Path) -> Catalog:
    """Read references.yaml and objectives.yaml of a folder (cached until they change)."""
    paths = [folder / name for name in CATALOG_FILES]
    stamps = tuple(p.stat().st_mtime if p.exists() else -1.0 for p in paths)
    key: tuple[str, float, float] = (str(folder.resolve()), stamps[0], stamps[1])
    if key in _catalog_cache:
        return _catalog_cache[key]
    bibliography, ref_problems = _load_catalog_file(paths[0], Bibliography)
    objectives, obj_problems = _load_catalog_file(paths[1], Objectives)
    catalog = Catalog(
        references=dict(bibliography.references) if bibliography else None,
        objectives=dict(objectives.objectives) if objectives else None,
        problems=ref_problems + obj_problems,
    )
    _catalog_cache[key] = catalog
    return catalog


def catalog_for(path: Path) -> Catalog:
    """The catalogue next to a quiz file, else the course's own."""
    folder = path.parent
    if not (folder / REFERENCES_FILE).exists() and not (folder / OBJECTIVES_FILE).exists():
        folder = default_quiz_dir()
    return load_catalog(folder)


def check_file(path: Path, catalog: Catalog | None = None) -> tuple[Quiz | None, list[Problem]]:
    """Read and validate one quiz file: the Quiz (None on any error) and all problems."""
    raw, problems = _read_bytes(path)
    if raw is None:
        return None, problems
    document, problems = read_yaml(raw, str(path))
    if document is None:
        return None, problems
    from ketatraining.quiz.yamlhelp import character_problems

    problems = problems + character_problems(raw.decode("utf-8", "replace"), str(path))
    catalog = catalog if catalog is not None else catalog_for(path)
    quiz, found = check_quiz(
        document,
        str(path),
        references=catalog.references,
        objectives=catalog.objectives,
        expected_id=path.stem,
    )
    # A number refused while reading (KQ017) stays in the data as text; the type error
    # the checker then finds at the same place would only repeat it.
    refused = {(p.line, p.column) for p in problems if p.code == "KQ017"}
    found = [p for p in found if (p.line, p.column) not in refused]
    problems = sorted(problems + found, key=lambda p: (p.line or 0, p.column or 0, p.code))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return quiz, problems


def iter_quiz_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Quiz files named by ``paths`` (folders are searched recursively, sorted)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix in QUIZ_SUFFIXES and child.is_file():
                    yield child
        else:
            yield path


def validate_paths(paths: Iterable[Path]) -> dict[Path, list[Problem]]:
    """Problems per file for files and folders; catalogue files are checked too."""
    results: dict[Path, list[Problem]] = {}
    quizzes: dict[Path, list[Quiz]] = {}
    for path in iter_quiz_files(paths):
        if path.name in CATALOG_FILES:
            catalog = load_catalog(path.parent)
            results[path] = [p for p in catalog.problems if p.path == str(path)]
        else:
            quiz, results[path] = check_file(path)
            if quiz is not None:
                quizzes.setdefault(path.parent.resolve(), []).append(quiz)
            # A broken references.yaml or objectives.yaml means this quiz's keys went
            # unchecked: report it even when only the quiz file was named.
            for problem in catalog_for(path).problems:
                found = results.setdefault(Path(problem.path), [])
                if problem not in found:
                    found.append(problem)
    for path in list(results):
        if path.name == OBJECTIVES_FILE and not results[path]:
            results[path] = _objective_coverage(path, quizzes.get(path.parent.resolve(), []))
    return results


MIN_ITEMS_PER_OBJECTIVE = 2


def _objective_coverage(path: Path, quizzes: list[Quiz]) -> list[Problem]:
    """KQ306 for each objective with fewer than two items among the folder's valid quizzes
    (checked only when the whole folder is validated: one quiz alone says nothing)."""
    objectives = load_catalog(path.parent).objectives or {}
    document, _ = read_yaml(path.read_bytes(), str(path))
    items: dict[str, list[str]] = {key: [] for key in objectives}
    for quiz in quizzes:
        for question in quiz.questions:
            items.setdefault(question.objective, []).append(f"{quiz.id}/{question.id}")
    problems = []
    for key in objectives:
        found = items[key]
        if len(found) >= MIN_ITEMS_PER_OBJECTIVE:
            continue
        line, column = document.position(("objectives", key)) if document else (None, None)
        which = f" ({', '.join(found)})" if found else ""
        problems.append(Problem(
            "KQ306", f"The objective '{key}' is assessed by {len(found)} quiz item(s){which}; "
            f"every objective needs at least {MIN_ITEMS_PER_OBJECTIVE}.", str(path), line,
            column, field=f"objectives.{key}",
            hint="Write another question for it (objective: " + key + "), or merge it "
            "into a related objective.", severity="warning"))
    return problems


def find_quiz_path(name: str | os.PathLike[str], folder: Path | None = None) -> Path:
    """A quiz file from an id ('mechanism') or a path; clear error when there is none."""
    candidate = Path(name)
    if candidate.suffix in QUIZ_SUFFIXES and candidate.is_file():
        return candidate
    folder = folder or default_quiz_dir()
    for suffix in QUIZ_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    known = sorted(p.stem for p in folder.glob("*.yaml") if p.name not in CATALOG_FILES)
    hint = did_you_mean(str(name), known)
    listing = f" Available: {', '.join(known)}." if known else ""
    msg = f"No quiz called '{name}' in {folder}.{hint}{listing}"
    raise QuizNotFoundError(msg)


def load_quiz(name: str | os.PathLike[str], folder: Path | None = None) -> Quiz:
    """Load a valid quiz by id or path; raises QuizInvalidError listing every problem."""
    path = find_quiz_path(name, folder)
    quiz, problems = check_file(path)
    if quiz is None:
        raise QuizInvalidError(str(path), problems)
    return quiz


def load_references(folder: Path | None = None) -> dict[str, Reference]:
    """The course bibliography (empty when it cannot be read)."""
    return load_catalog(folder or default_quiz_dir()).references or {}
