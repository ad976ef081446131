"""The claims register accounts for every clinical unit of the course, with real sources.

A unit is a quiz question (``quiz:<bank>/<id>``), a headed section of a notebook's prose
(``notebook:<stem>#<slug>``: every sentence belongs to exactly one section), or a rule a
widget shows (``widget:screening/<rule>``, ``widget:monitoring/<step>/<action>``,
``widget:claims/<claim>``). Each must be a claim with reference keys, or be marked as
course text (navigation, instructions) or guide text (what the patient guide says).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from ketatraining.clinical import evidence_data, mechanism, monitoring, pharmacology, screening
from ketatraining.clinical.claims_register import load_register, section_units
from ketatraining.quiz.loading import load_references

ROOT = Path(__file__).resolve().parents[2]
REGISTER = load_register()
BIBLIOGRAPHY = load_references(ROOT / "quizzes")
QUESTIONS = {
    f"quiz:{path.stem}/{q['id']}": q
    for path in sorted((ROOT / "quizzes").glob("*.yaml"))
    if path.stem not in {"references", "objectives"}
    for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
}
SECTIONS = {
    unit: text
    for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
    for unit, text in section_units(nbformat.read(path, as_version=4), path.stem)
}
WIDGET_UNITS = (
    {f"widget:screening/{r.id}" for r in screening.RULES}
    | {f"widget:monitoring/{s.id}/{a.id}" for s in monitoring.SESSION for a in s.actions}
    | {f"widget:claims/{c.key}" for c in evidence_data.CLAIMS}
    | {f"widget:pathway/{s.key}" for s in mechanism.PATHWAY}
    | {f"widget:routes/{key}" for key in pharmacology.ROUTES}
)
ALL_UNITS = set(QUESTIONS) | set(SECTIONS) | WIDGET_UNITS


def test_every_unit_is_a_claim_or_marked_course_or_guide_text() -> None:
    missing = sorted(ALL_UNITS - REGISTER.covered())
    assert not missing, f"not in ketatraining/clinical/data/claims.yaml: {missing}"


def test_no_location_is_stale() -> None:
    stale = sorted(REGISTER.covered() - ALL_UNITS)
    assert not stale, f"the register names units that no longer exist: {stale}"


def test_every_claim_cites_keys_of_the_one_bibliography() -> None:
    for claim in REGISTER.claims:
        unknown = set(claim.references) - set(BIBLIOGRAPHY)
        assert not unknown, (claim.id, unknown)


def test_quiz_claims_carry_the_question_s_own_references() -> None:
    for claim in REGISTER.claims:
        for location in claim.locations:
            if location in QUESTIONS:
                cited = set(QUESTIONS[location].get("references", []))
                assert cited <= set(claim.references), (claim.id, cited - set(claim.references))


CLINICAL_NUMBER = re.compile(r"\d+(\.\d+)?\s?(%|mg/kg|mg\b|mmHg|hours?\b|days\b|weeks\b)")


@pytest.mark.parametrize("unit", sorted(set(REGISTER.course_text) & set(SECTIONS)))
def test_course_text_sections_state_no_clinical_number(unit: str) -> None:
    # A section marked as course text must not hide a clinical figure.
    body = "\n".join(line for line in SECTIONS[unit].splitlines()
                     if not line.startswith("#") and "pass mark" not in line)
    assert not CLINICAL_NUMBER.search(body), (unit, CLINICAL_NUMBER.search(body))


def test_cli_prints_the_reviewer_table_as_csv_and_html(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "ketatraining")
    out = subprocess.run([cli, "claims", "--format", "csv"],
                         capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "Claim,Source,Location,Last reviewed"
    assert len(lines) > len(REGISTER.claims)  # header + one row each (some rows wrap)
    assert "[spravato_pi]" in out.stdout and "quiz:risks/risks-bp-rise-actions" in out.stdout
    target = tmp_path / "claims.html"
    subprocess.run([cli, "claims", "--format", "html", "--output", str(target)],
                   capture_output=True, text=True, check=True)
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<th scope=\"col\">Last reviewed</th>" in page
