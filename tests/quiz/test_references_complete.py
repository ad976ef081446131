"""Every bibliography entry is complete, or says which fields could not be verified.

An accreditation reviewer reads ``quizzes/references.yaml`` as the course's reference
list. A field is either present (checked against the publisher's or PubMed's record, or
the label's own header) or named under ``unverified`` so that nobody guesses it later.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ketatraining.quiz.catalog import Reference
from ketatraining.quiz.loading import load_references

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = load_references(ROOT / "quizzes")
LABELS = {"spravato_pi", "ketalar_pi", "ketalar_smpc_uk", "ketamine_ch_label"}
NOT_ARTICLES = LABELS | {
    "spravato_rems", "fda2023", "dea1999", "dea1999final", "miller2005", "dsm5",
    "weathers2013", "weathers2015", "ncptsd_current", "ncptsd2020", "asa2025", "aana_ketamine",
}
FIELDS = set(Reference.model_fields)


def _has(reference: Reference, field: str) -> bool:
    value = getattr(reference, field)
    return bool(value) or field in reference.unverified


@pytest.mark.parametrize("key", sorted(REFERENCES))
def test_unverified_names_real_fields_that_are_absent(key: str) -> None:
    reference = REFERENCES[key]
    assert set(reference.unverified) <= FIELDS, (key, set(reference.unverified) - FIELDS)
    for field in reference.unverified:
        assert not getattr(reference, field), f"{key}: {field} is both given and unverified"


@pytest.mark.parametrize("key", sorted(set(REFERENCES) - NOT_ARTICLES))
def test_articles_are_complete(key: str) -> None:
    reference = REFERENCES[key]
    missing = [
        field
        for field in ("authors", "volume", "pages", "doi", "pmid")
        if not _has(reference, field)
    ]
    assert not missing, f"{key}: give {missing} or list them under unverified"


@pytest.mark.parametrize("key", sorted(LABELS))
def test_labels_name_manufacturer_revision_and_set_id(key: str) -> None:
    reference = REFERENCES[key]
    missing = [f for f in ("manufacturer", "revised", "identifier") if not _has(reference, f)]
    assert not missing, f"{key}: give {missing} or list them under unverified"
    # A label is written by its manufacturer, not by the regulator.
    assert "Food and Drug Administration" not in " ".join(reference.authors), key
    assert reference.short, f"{key}: labels need an in-text short label"


def test_spravato_label_is_the_current_spl() -> None:
    label = REFERENCES["spravato_pi"]
    assert label.manufacturer == "Janssen Pharmaceuticals, Inc."
    assert label.identifier and "d81a6a79-a74a-44b7-822c-0dfa3036eaed" in label.identifier
    assert label.revised == "2026-03-13"


def test_rems_is_dated_and_says_what_it_requires() -> None:
    rems = REFERENCES["spravato_rems"]
    assert rems.revised and rems.url
    assert rems.note and "requires" in rems.note and "two hours" in rems.note


def test_dea_cites_the_final_rule_not_only_the_proposal() -> None:
    final = REFERENCES["dea1999final"]
    assert "final rule" in final.title
    assert (final.volume, final.pages) == ("64", "37673-37675")
    assert "proposed" in REFERENCES["dea1999"].title


@pytest.mark.parametrize("key", ["letter2015", "andrade2019", "chan2022", "fda2023"])
def test_entries_named_in_the_review_have_identifiers(key: str) -> None:
    reference = REFERENCES[key]
    assert reference.doi or reference.pmid or reference.url or reference.identifier, key
    assert reference.authors or "authors" in reference.unverified, key


def test_every_key_used_in_the_course_is_in_the_bibliography() -> None:
    import re

    used: set[str] = set()
    for path in (ROOT / "quizzes").glob("*.yaml"):
        for match in re.finditer(r"references: \[([^\]]*)\]", path.read_text(encoding="utf-8")):
            used |= {k.strip() for k in match.group(1).split(",") if k.strip()}
    unknown = used - set(REFERENCES)
    assert not unknown, unknown
