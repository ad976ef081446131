"""The claims register accounts for every sentence of the course, with real sources.

Every sentence of every notebook markdown cell, every quiz prompt, option, feedback and
explanation, and the clinical text the widgets and figures show (ketatraining.clinical.
sentences) is listed word for word in data/claims.yaml: under the claim it states, or as
course text or guide text at its location, or among the course phrases ("Correct.").

A unit is a quiz question (``quiz:<bank>/<id>``), a headed section of a notebook's prose
(``notebook:<stem>#<slug>``: every sentence belongs to exactly one section), or a rule a
widget shows (``widget:screening/<rule>``, ``widget:monitoring/<step>/<action>``,
``widget:claims/<claim>``). Each must be a claim with reference keys, or be marked as
course text (navigation, instructions) or guide text (what the patient guide says).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from ketatraining.clinical import evidence_data, mechanism, monitoring, pharmacology, screening
from ketatraining.clinical.claims_register import load_register, section_units, stale, unaccounted
from ketatraining.clinical.sentences import course_sentences
from ketatraining.quiz.loading import load_references
from scripts import tool

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
SENTENCES = course_sentences(ROOT)
WIDGET_UNITS = {s.unit for s in SENTENCES if s.unit.startswith(("widget:", "figure:", "quiz:"))
                and s.unit not in QUESTIONS} | (
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


def test_every_sentence_is_a_claim_s_sentence_or_marked_course_or_guide_text() -> None:
    problems = unaccounted(REGISTER, SENTENCES)
    assert not problems, f"{len(problems)} sentence(s) not in the register:\n" + "\n".join(
        problems[:40])


def test_no_register_sentence_is_stale() -> None:
    problems = stale(REGISTER, SENTENCES)
    assert not problems, "\n".join(problems[:40])


def test_a_new_clinical_sentence_fails_naming_file_place_and_what_to_add(tmp_path: Path) -> None:
    import dataclasses

    first = next(s for s in SENTENCES if s.unit.startswith("notebook:05-risks"))
    planted = dataclasses.replace(first, text="Ketamine cures PTSD in one dose.")
    problems = unaccounted(REGISTER, [first, planted])
    assert len(problems) == 1
    message = problems[0]
    assert message.startswith(first.where)  # the notebook file and its cell
    assert first.unit in message and '"Ketamine cures PTSD in one dose."' in message
    assert "add it to the sentences of claim" in message and "course_text[" in message


def test_no_location_is_stale() -> None:
    stale = sorted(REGISTER.covered() - ALL_UNITS)
    assert not stale, f"the register names units that no longer exist: {stale}"


def test_every_claim_cites_keys_of_the_one_bibliography() -> None:
    for claim in REGISTER.claims:
        unknown = set(claim.references) - set(BIBLIOGRAPHY)
        assert not unknown, (claim.id, unknown)


def test_a_sentence_naming_a_source_lists_it_among_its_claim_s_references() -> None:
    # "Feder et al., 2014", "Li et al. (2010)", "Andrade, 2019": a sentence that names a
    # source by first author and year is filed under a claim that cites that source.
    entries = yaml.safe_load((ROOT / "quizzes" / "references.yaml").read_text(encoding="utf-8"))
    named = {
        key: re.compile(rf"\b{re.escape(entry['authors'][0].split()[0].rstrip(','))}\b"
                        rf"(?: et al\.?)?,? \(?{entry['year']}\b")
        for key, entry in entries["references"].items()
        if entry.get("authors") and entry.get("year")
    }
    problems = [f"claim '{claim.id}' does not cite {key} but its sentence names it: \"{text}\""
                for claim in REGISTER.claims for text in claim.sentences
                for key, pattern in named.items()
                if key not in claim.references and pattern.search(text)]
    assert not problems, ("ketatraining/clinical/data/claims.yaml: add the key to the claim's "
                          "references or move the sentence to the claim that cites it:\n"
                          + "\n".join(problems))


def test_quiz_claims_carry_the_question_s_own_references() -> None:
    for claim in REGISTER.claims:
        for location in claim.locations:
            if location in QUESTIONS:
                cited = set(QUESTIONS[location].get("references", []))
                assert cited <= set(claim.references), (claim.id, cited - set(claim.references))


CLINICAL_NUMBER = re.compile(r"\d+(\.\d+)?\s?(%|mg/kg|mg\b|mmHg|hours?\b|days\b|weeks\b)")
FICTIONAL = ("widget:vignettes/", "widget:pcl5/", "widget:monitoring/")


@pytest.mark.parametrize("unit", sorted(set(REGISTER.course_text)))
def test_course_text_states_no_clinical_number(unit: str) -> None:
    # Sentences marked as course text must not hide a clinical figure (a fictional
    # patient's own readings are the case, not a claim).
    if unit.startswith(FICTIONAL):
        return
    for sentence in REGISTER.course_text[unit]:
        if "pass mark" in sentence:
            continue
        assert not CLINICAL_NUMBER.search(sentence), (unit, sentence)


def test_cli_prints_the_reviewer_table_as_csv_and_html(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "ketatraining")
    out = subprocess.run([cli, "claims", "--format", "csv"],
                         capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "Claim,Sentence,Source,Location,Last reviewed,Sentences checked"
    sentences = sum(len(c.sentences) or 1 for c in REGISTER.claims)
    assert len(lines) > sentences  # header + one row per claim sentence (some rows wrap)
    assert "[spravato_pi]" in out.stdout and "quiz:risks/risks-bp-rise-actions" in out.stdout
    target = tmp_path / "claims.html"
    subprocess.run([cli, "claims", "--format", "html", "--output", str(target)],
                   capture_output=True, text=True, check=True)
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<th scope=\"col\">Last reviewed</th>" in page
    assert "<th scope=\"col\">Sentences checked</th>" in page


def test_every_claim_s_sentences_were_checked_against_its_references() -> None:
    # A claim gets a 'checked' date once a reviewer has read every sentence under it against
    # its references; tools/sync_claims.py --write removes the date when it files a new one.
    unchecked = [c.id for c in REGISTER.claims if c.checked is None]
    assert not unchecked, (
        f"{len(unchecked)} claim(s) in ketatraining/clinical/data/claims.yaml have sentences not "
        "yet read against their references: " + ", ".join(unchecked) + ". Read each sentence "
        "against shared/clinical/evidence.md and the claim's references, fix or move it, then "
        "set checked: 'YYYY-MM-DD' on the claim.")


def test_no_claim_summary_is_cut_off() -> None:
    # The summary is the first column of the reviewer's table; last round's generator cut
    # some off mid-sentence with "...".
    cut = [c.id for c in REGISTER.claims if c.claim.rstrip().endswith(("...", "\u2026"))]
    assert not cut, ("claim summaries cut off with '...' in ketatraining/clinical/data/"
                     "claims.yaml: " + ", ".join(cut) + "; write each as a whole sentence.")


def test_the_table_shows_when_a_claim_s_sentences_were_checked() -> None:
    from ketatraining.clinical.claims_register import Register, rows

    base = {"claim": "A claim of ten characters.", "references": ["spravato_pi"],
            "locations": ["quiz:risks/x"], "reviewed": "2026-11-01"}
    register = Register(schema_version=2, claims=[
        {**base, "id": "read", "checked": "2026-12-01", "sentences": ["One.", "Two."]},
        {**base, "id": "unread", "sentences": ["Three."]},
    ])
    table = rows(register, lambda key: key)
    assert [(r[1], r[-1]) for r in table] == [
        ("One.", "2026-12-01"), ("Two.", "2026-12-01"), ("Three.", "")]
    with pytest.raises(ValueError, match="checked"):
        Register(schema_version=2, claims=[{**base, "id": "bad", "checked": "1 December"}])


def test_sync_unchecks_a_claim_it_files_a_new_sentence_under() -> None:
    from ketatraining.clinical.sentences import Sentence

    def claim(id_: str, unit: str, sentences: list[str]) -> dict:
        return {"id": id_, "claim": "A claim of ten characters.", "references": ["spravato_pi"],
                "locations": [unit], "reviewed": "2026-11-01", "checked": "2026-12-01",
                "sentences": sentences}

    document = {"course_phrases": [], "course_text": {}, "guide_text": {}, "claims": [
        claim("grows", "quiz:risks/a", ["Old."]),
        claim("same", "quiz:risks/b", ["Kept."]),
        claim("shrinks", "quiz:risks/c", ["Kept too.", "Gone."]),
    ]}
    sentences = [Sentence(unit, "quizzes/risks.yaml", text) for unit, text in [
        ("quiz:risks/a", "Old."), ("quiz:risks/a", "New."), ("quiz:risks/b", "Kept."),
        ("quiz:risks/c", "Kept too.")]]
    assert tool("sync_claims").sync(document, sentences, {}) == 2
    grows, same, shrinks = document["claims"]
    assert grows["sentences"] == ["Old.", "New."] and "checked" not in grows
    assert same["checked"] == "2026-12-01"
    assert shrinks["sentences"] == ["Kept too."] and shrinks["checked"] == "2026-12-01"


EVIDENCE = next((p / "shared" / "clinical" / "evidence.md" for p in ROOT.parents
                 if (p / "shared" / "clinical" / "evidence.md").is_file()),
                ROOT.parent / "shared" / "clinical" / "evidence.md")
FIGURE = re.compile(r"(?<![\w./])(\d+(?:\.\d+)?)\s?(%|mg/kg|mmHg|mg\b|minutes?\b|min\b|hours?\b"
                    r"|h\b|days?\b|weeks?\b)")


def test_every_figure_a_claim_sentence_states_is_in_the_evidence_notes() -> None:
    if not EVIDENCE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the evidence notes are missing: {EVIDENCE}")
        pytest.skip("the evidence notes (shared/clinical/evidence.md) are not beside this checkout")
    # A figure with a clinical unit in a claim's sentence must appear in the evidence
    # notes, unless the claim names it as derived (arithmetic) or a fictional reading.
    text = EVIDENCE.read_text(encoding="utf-8").replace(",", "")
    known = set(re.findall(r"(?<![\w.])(\d+(?:\.\d+)?)", text))
    problems = []
    for claim in REGISTER.claims:
        derived = {" ".join(d.split()) for d in claim.derived_numbers}
        for sentence in claim.sentences:
            for match in FIGURE.finditer(sentence.replace(",", "")):
                if match.group(1) not in known and match.group(0) not in derived:
                    problems.append(f"claim '{claim.id}': '{match.group(0)}' in \"{sentence}\" "
                                    "is not in shared/clinical/evidence.md; correct it, or list "
                                    "it under derived_numbers if it is arithmetic or fictional")
    assert not problems, "\n".join(problems)
