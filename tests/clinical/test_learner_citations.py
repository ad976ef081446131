"""Learners see citations, not reviewer notes or bibliography keys.

How an entry was checked (``unverified``, ``review_note``) is the clinical reviewer's
business and appears in ``ketatraining claims --references`` only. Figures, the PK explorer,
the screening and monitoring widgets cite with the short citation derived from
``quizzes/references.yaml``, never with a key such as ``[clements1982]``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ketatraining.assessment.feedback import references_html
from ketatraining.clinical import evidence_data, hemodynamics, monitoring, pharmacology
from ketatraining.clinical import screening as rules
from ketatraining.clinical.citations import author_year, cite, short_citation
from ketatraining.quiz.loading import load_references
from ketatraining.widgets import pk_explorer
from ketatraining.widgets.references import references_section
from ketatraining.widgets.screening import rules_table_html

ROOT = Path(__file__).resolve().parents[2]
BIBLIOGRAPHY = load_references(ROOT / "quizzes")
# Words that say how a source was checked: reviewer wording, not a citation.
REVIEWER_WORDING = re.compile(
    r"could not|not (?:been )?(?:checked|verified|shown|retrieved|rechecked)|unverified|"
    r"read from|checked (?:on|in|against)|evidence notes",
    re.IGNORECASE,
)
KEY = re.compile(r"\b(" + "|".join(map(re.escape, BIBLIOGRAPHY)) + r")\b")


@pytest.mark.parametrize("key", sorted(BIBLIOGRAPHY))
def test_a_learner_citation_carries_no_reviewer_wording(key: str) -> None:
    text = BIBLIOGRAPHY[key].format()
    found = REVIEWER_WORDING.search(text)
    assert not found, (f"quizzes/references.yaml, {key}: the learner's citation says "
                       f"'{found.group(0)}'; move that to review_note")


def test_reviewer_notes_reach_neither_references_section_nor_question_feedback() -> None:
    keys = [k for k, r in BIBLIOGRAPHY.items() if r.review_note or r.unverified]
    assert len(keys) > 10  # the course does have entries with open fields
    for html in (references_section(keys), references_html(keys, BIBLIOGRAPHY)):
        assert not REVIEWER_WORDING.search(html), REVIEWER_WORDING.search(html)
        for key in keys:
            if BIBLIOGRAPHY[key].review_note:
                assert BIBLIOGRAPHY[key].review_note[:40] not in html, key
    abdallah = BIBLIOGRAPHY["abdallah2022"].format()
    assert "Erratum" not in abdallah and "35046508" in abdallah


def test_the_reviewer_report_lists_open_fields_and_notes(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "ketatraining")
    out = subprocess.run([cli, "claims", "--references", "--format", "csv"],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "Key,Citation (as learners see it),For the reviewer"
    # feder2021: each open field with the reason it is open
    assert "Not verified: volume, issue, pages (the publisher's page" in out
    assert "Not verified: pmid (no PubMed or PMC record" in out
    assert "erratum" in out and "could not be retrieved" in out  # abdallah2022
    target = tmp_path / "references.html"
    subprocess.run([cli, "claims", "--references", "--format", "html", "--output",
                    str(target)], capture_output=True, text=True, check=True)
    assert "<th scope=\"col\">For the reviewer</th>" in target.read_text(encoding="utf-8")


def test_short_citations_come_from_the_bibliography() -> None:
    assert short_citation("clements1982") == "Clements et al., J Pharm Sci 1982"
    assert author_year("clements1982") == "Clements et al. 1982"
    assert author_year("spravato_pi") == BIBLIOGRAPHY["spravato_pi"].short
    assert cite(["rolan2014", "rolan2014", "fanta2015"]) == (
        "(Rolan et al., Br J Clin Pharmacol 2014; Fanta et al., Eur J Clin Pharmacol 2015)")


def _learner_texts() -> dict[str, str]:
    curves = [pharmacology.simulate(key, 0.5, 80) for key in pharmacology.ROUTES]
    texts = {
        "bioavailability caption": pharmacology.bioavailability_caption(),
        "bioavailability description": pharmacology.bioavailability_description(),
        "forest caption": evidence_data.forest_caption(),
        "forest description": evidence_data.forest_description(),
        "onset caption": evidence_data.onset_caption(),
        "onset description": evidence_data.onset_description(),
        "blood-pressure caption": hemodynamics.figure_caption(),
        "blood-pressure description": hemodynamics.figure_description(),
        "screening rules table": rules_table_html(),
        "value citation": pharmacology.HALF_LIFE_MIN.cite(),
    }
    for curve in curves:
        texts[f"PK explorer {curve.route.key}"] = " ".join((
            pk_explorer.summary_html([curve]), pk_explorer.caption([curve]),
            pk_explorer.description([curve]), curve.summary()))
    for vignette in rules.VIGNETTES:
        texts[f"screening {vignette.id}"] = " ".join(rules.review_flags(vignette, []).lines())
    texts["monitoring feedback"] = " ".join(
        f.text() for f in monitoring.check({}).findings)
    return texts


@pytest.mark.parametrize("name", sorted(_learner_texts()))
def test_learner_text_cites_without_bibliography_keys(name: str) -> None:
    text = _learner_texts()[name]
    found = KEY.search(text)
    assert not found, f"{name} shows the bibliography key '{found.group(0)}': use cite()"


def test_figure_captions_name_their_sources_from_the_data() -> None:
    forest = evidence_data.forest_caption()
    for item in evidence_data.EFFECT_SIZES:
        assert author_year(item.estimate.reference) in forest
    bp = hemodynamics.figure_caption()
    for value in (hemodynamics.PEAK_MINUTES, hemodynamics.LABEL_PEAK_MINUTES,
                  hemodynamics.RETURN_WITHIN_IV, hemodynamics.POOLED_RISES[0].mean):
        assert author_year(value.reference) in bp


def test_onset_caption_cites_each_row_from_its_references() -> None:
    caption = evidence_data.onset_caption()
    for span in evidence_data.ONSET_SPANS:
        cited = ", ".join(author_year(k) for k in span.references)
        assert f"{span.label} ({cited})" in caption
