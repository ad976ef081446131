"""Course coverage: the guide is fully taught and tested, and the content stays clean.

These tests read every quiz file and notebook present at run time, so they check all
engineers' content, not a fixed list. Bank sizes are checked for each bank that exists.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ketatraining import coverage
from ketatraining.coverage import GUIDE_SECTIONS, find_guide, section_spans

ROOT = Path(__file__).resolve().parents[1]
QUIZ_DIR = ROOT / "quizzes"
NOTEBOOK_DIR = ROOT / "notebooks"
CATALOG_FILES = {"references.yaml", "objectives.yaml"}

# Providers the course must never name: the one advertised in the guide's closing
# paragraph and the at-home ketamine companies named in the evidence file (section 5).
# SPRAVATO, a drug name, is allowed.
DENY_LIST = {
    "guide's advertised provider": re.compile(r"\bimpact\s*psychedelics?\b", re.IGNORECASE),
    "Mindbloom": re.compile(r"\bmind\s*bloom\b", re.IGNORECASE),
    "Better U": re.compile(r"\bbetter\s?u\b", re.IGNORECASE),
    "Nue Life": re.compile(r"\bnue\s*life\b", re.IGNORECASE),
    "Joyous": re.compile(r"\bJoyous\b"),  # case-sensitive: the ordinary adjective is fine
}
FORBIDDEN_WORD = re.compile(r"unconfirmed", re.IGNORECASE)

BANK_MINIMUMS = {
    "mechanism": 12,
    "benefits": 12,
    "contraindications": 12,
    "ptsd": 8,
    "treatments": 8,
    "risks": 8,
}
FINAL_QUIZ, FINAL_MINIMUM = "final", 15

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
CITING_FUNCTIONS = {"show_references", "references_html", "format_references", "cite"}


# --- loading ---------------------------------------------------------------------------


def quiz_files() -> list[Path]:
    return sorted(p for p in QUIZ_DIR.glob("*.yaml") if p.name not in CATALOG_FILES)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def quizzes() -> dict[str, dict[str, Any]]:
    return {p.stem: load_yaml(p) for p in quiz_files()}


def questions() -> Iterator[tuple[str, dict[str, Any]]]:
    for quiz_id, quiz in quizzes().items():
        for question in quiz.get("questions") or []:
            yield quiz_id, question


def notebook_files() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def notebook(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def headings(path: Path) -> set[str]:
    found = set()
    for cell in notebook(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in cell_source(cell).splitlines():
            match = HEADING.match(line)
            if match:
                found.add(match.group(1).strip())
    return found


def references() -> set[str]:
    return set(load_yaml(QUIZ_DIR / "references.yaml")["references"])


def objectives() -> set[str]:
    return set(load_yaml(QUIZ_DIR / "objectives.yaml")["objectives"])


def cited_in_code(source: str) -> set[str]:
    """Reference keys passed as string literals to a citing function in a code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    keys = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in CITING_FUNCTIONS:
            continue
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            for sub in ast.walk(arg):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    keys.add(sub.value)
    return keys


def content_files() -> list[Path]:
    return [*notebook_files(), *sorted(QUIZ_DIR.glob("*.yaml"))]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the guide and the coverage table --------------------------------------------------


@pytest.fixture(scope="module")
def guide_text() -> str:
    path = find_guide(ROOT)
    if path is None:
        pytest.skip("the guide (shared/guide/) is not beside this checkout")
    return path.read_text(encoding="utf-8")


def test_table_splits_the_guide_into_ordered_sections(guide_text: str) -> None:
    spans = section_spans(guide_text)
    assert list(spans) == [s.key for s in GUIDE_SECTIONS]
    assert len(set(spans)) == len(GUIDE_SECTIONS), "duplicate section keys"


def test_every_bullet_of_the_guide_is_its_own_section(guide_text: str) -> None:
    markers = {m for s in GUIDE_SECTIONS for m in s.markers}
    bullets = [
        line.strip().lstrip("•").strip().split(":")[0]
        for line in guide_text.splitlines()
        if line.strip().startswith("•")
    ]
    assert bullets, "no bullets found: has the guide's format changed?"
    missing = [b for b in bullets if b not in markers]
    assert not missing, f"guide bullets with no section in ketatraining/coverage.py: {missing}"


def test_section_spans_reject_a_changed_guide(guide_text: str) -> None:
    with pytest.raises(ValueError, match="occurs 0 times"):
        section_spans(guide_text.replace("Neuroplasticity enhancement", "Brain growth"))
    with pytest.raises(ValueError, match="occurs 2 times"):
        section_spans(guide_text + "\nRapid symptom relief")


def test_every_guide_section_maps_to_notebooks_and_quiz_items() -> None:
    uncovered = [
        s.key for s in GUIDE_SECTIONS if not s.notebooks or not s.quiz_items
    ]
    assert not uncovered, (
        "guide sections with no notebook section or no quiz item in "
        f"ketatraining/coverage.py: {uncovered}"
    )


def test_mapped_notebook_headings_exist() -> None:
    problems = []
    for section in GUIDE_SECTIONS:
        for target in section.notebooks:
            path = NOTEBOOK_DIR / target.notebook
            if not path.is_file():
                problems.append(f"{section.key}: notebooks/{target.notebook} does not exist")
            elif target.heading not in headings(path):
                problems.append(
                    f"{section.key}: notebooks/{target.notebook} has no heading "
                    f"{target.heading!r}"
                )
    assert not problems, "\n".join(problems)


def test_mapped_quiz_items_exist() -> None:
    existing = {f"{quiz_id}/{q.get('id')}" for quiz_id, q in questions()}
    missing = [
        f"{s.key}: {item}" for s in GUIDE_SECTIONS for item in s.quiz_items if item not in existing
    ]
    assert not missing, "quiz items in ketatraining/coverage.py that do not exist:\n" + "\n".join(
        missing
    )


def test_promotional_closing_is_marked_and_names_no_provider() -> None:
    (closing,) = [s for s in GUIDE_SECTIONS if s.promotional]
    assert closing.key == "promotional-closing"
    source = Path(coverage.__file__).read_text(encoding="utf-8")
    source += (Path(coverage.__file__).parent / "clinical" / "data" / coverage.COVERAGE_FILE
               ).read_text(encoding="utf-8")
    assert not [name for name, rx in DENY_LIST.items() if rx.search(source)]


# --- objectives, references and item quality -------------------------------------------


def test_every_objective_has_at_least_two_quiz_items() -> None:
    counts = Counter(q.get("objective") for _quiz, q in questions())
    thin = {key: counts[key] for key in sorted(objectives()) if counts[key] < 2}
    assert not thin, f"objectives in quizzes/objectives.yaml with fewer than 2 items: {thin}"


def test_quiz_items_point_at_known_objectives() -> None:
    known = objectives()
    unknown = [f"{quiz}/{q.get('id')}" for quiz, q in questions() if q.get("objective") not in known]
    assert not unknown, f"items whose objective is not in objectives.yaml: {unknown}"


def test_reference_keys_used_in_quizzes_exist() -> None:
    known = references()
    unknown = [
        f"{quiz}/{q.get('id')}: {key}"
        for quiz, q in questions()
        for key in q.get("references") or []
        if key not in known
    ]
    assert not unknown, "reference keys not in quizzes/references.yaml:\n" + "\n".join(unknown)


def test_reference_keys_cited_in_notebooks_exist() -> None:
    known = references()
    unknown = []
    for path in notebook_files():
        for cell in notebook(path)["cells"]:
            if cell["cell_type"] == "code":
                unknown += [f"{rel(path)}: {k}" for k in cited_in_code(cell_source(cell)) - known]
    assert not unknown, "reference keys not in quizzes/references.yaml:\n" + "\n".join(unknown)


def test_citation_finder_reads_show_references_calls() -> None:
    source = 'import ketatraining\nketatraining.show_references(["feder2014", "no_such"])'
    assert cited_in_code(source) == {"feder2014", "no_such"}
    assert cited_in_code("show_references(keys=['a'])") == {"a"}
    assert cited_in_code("print('feder2014')") == set()


def item_problems(quiz_id: str, q: dict[str, Any]) -> list[str]:
    where = f"{quiz_id}/{q.get('id')}"
    problems = []
    if not str(q.get("explanation") or "").strip():
        problems.append(f"{where}: no explanation")
    if not q.get("references") and "non-clinical" not in (q.get("tags") or []):
        problems.append(f"{where}: no reference")
    kind = q.get("type")
    if kind in ("single_choice", "multiple_choice"):
        for option in q.get("options") or []:
            if not str(option.get("feedback") or "").strip():
                problems.append(f"{where}: option {option.get('id')} has no feedback")
    elif kind == "true_false":
        for key in ("feedback_true", "feedback_false"):
            if not str(q.get(key) or "").strip():
                problems.append(f"{where}: no {key}")
    elif kind == "numeric":
        for key in ("feedback_correct", "feedback_incorrect"):
            if not str(q.get(key) or "").strip():
                problems.append(f"{where}: no {key}")
    return problems


def test_every_item_has_explanation_reference_and_feedback() -> None:
    problems = [p for quiz, q in questions() for p in item_problems(quiz, q)]
    assert not problems, "\n".join(problems)


def test_item_checker_catches_missing_parts() -> None:
    bad = {
        "id": "x",
        "type": "single_choice",
        "explanation": " ",
        "references": [],
        "options": [{"id": "a", "text": "t"}],
    }
    assert item_problems("q", bad) == [
        "q/x: no explanation",
        "q/x: no reference",
        "q/x: option a has no feedback",
    ]
    assert item_problems("q", {"id": "y", "type": "true_false", "explanation": "e",
                               "references": ["k"], "feedback_true": "t"}) == [
        "q/y: no feedback_false"
    ]


@pytest.mark.parametrize(("topic", "minimum"), sorted(BANK_MINIMUMS.items()))
def test_topic_bank_size(topic: str, minimum: int) -> None:
    banks = {qid: q for qid, q in quizzes().items() if q.get("topic") == topic}
    if not banks:
        pytest.skip(f"no quiz with topic '{topic}' yet")
    count = sum(len(q.get("questions") or []) for q in banks.values())
    assert count >= minimum, f"topic '{topic}' has {count} items in {sorted(banks)}; needs {minimum}"


def test_final_assessment_size() -> None:
    final = quizzes().get(FINAL_QUIZ)
    if final is None:
        pytest.skip("quizzes/final.yaml does not exist yet")
    assert len(final["questions"]) >= FINAL_MINIMUM


# --- clean content ---------------------------------------------------------------------


def deny_list_hits(text: str) -> list[str]:
    return [name for name, rx in DENY_LIST.items() if rx.search(text)]


def test_no_notebook_or_quiz_names_a_provider() -> None:
    hits = {rel(p): deny_list_hits(p.read_text(encoding="utf-8")) for p in content_files()}
    hits = {path: names for path, names in hits.items() if names}
    assert not hits, f"clinic or company names found (name none; describe instead): {hits}"


def test_deny_list_matches_names_but_not_ordinary_words() -> None:
    assert deny_list_hits("sponsored by MindBloom") == ["Mindbloom"]
    assert deny_list_hits("Better U and Nue Life") == ["Better U", "Nue Life"]
    assert deny_list_hits("the IMPACT PSYCHEDELICS programme") == ["guide's advertised provider"]
    assert deny_list_hits("a better understanding; a joyous day; the impact of PTSD") == []


def test_no_notebook_or_quiz_contains_the_forbidden_marker_word() -> None:
    found = [rel(p) for p in content_files() if FORBIDDEN_WORD.search(p.read_text("utf-8"))]
    assert not found, f"say 'not established' instead of the evidence file's marker word: {found}"
