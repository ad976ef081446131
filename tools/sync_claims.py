"""Bring the claims register's sentences in step with the course (a reviewer's aid).

    python tools/sync_claims.py            # report what is missing or stale; change nothing
    python tools/sync_claims.py --write    # also add missing sentences and drop stale ones

The register (ketatraining/clinical/data/claims.yaml) lists every sentence of the course
under the claim it states, as course text, or as guide text. When text changes, the test
tests/clinical/test_claims_register.py names each sentence that is not accounted for.
``--write`` files a new sentence under the claim of its location (or as course text when
the location is course text, or under a new draft claim for a new figure), and removes
sentences that are gone. It prints every change: read each one against the evidence
(shared/clinical/evidence.md) and its references, and edit the YAML where it is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ketatraining.clinical import evidence_data, hemodynamics, mechanism, pharmacology
from ketatraining.clinical.sentences import course_sentences

OUT = ROOT / "ketatraining" / "clinical" / "data" / "claims.yaml"
REVIEWED = "2026-12-01"
HEADER = """\
# The claims register: every clinical claim the course makes, its reference keys
# (quizzes/references.yaml), where it appears, when it was last reviewed, and the
# course's sentences that state it, word for word as the learner reads them.
# Edit it directly; tools/sync_claims.py reports (and with --write files) sentences
# that are new or gone, for review.
# checked: every sentence under the claim was read against its references on that date
#   (--write removes it from a claim that gets a new sentence).
# course_phrases: short phrases that are course text wherever they appear.
# course_text: per location, sentences that make no clinical statement (navigation,
#   instructions, fictional case narratives).
# guide_text: per location, sentences that report what the patient guide says, not a
#   claim of the course (each is set against the evidence in a claim nearby).
"""
# Course text wherever it appears: answers' openings, labels, standing instructions.
PHRASES = [
    "No.", "Yes.", "Correct.", "Right.", "Not so.", "Not quite.", "Fictional case.",
    "Select all that apply.", "Please read first.", "Helpful", "Concept", "Importance",
    "Notes", "Necessary", "Source", "-", "The guide says",
    "This notebook is education, not medical advice.", "All patients are fictional.",
    "All patients in this notebook are fictional.", "What do you tell her?",
    "What do you tell him?",
]
FICTIONAL_UNITS = ("widget:vignettes/", "widget:pcl5/", "quiz:")


def figure_references() -> dict[str, list[str]]:
    def keys(values: object) -> list[str]:
        return sorted(set(values))  # type: ignore[call-overload]

    routes = [v for r in pharmacology.ROUTES.values()
              for v in (r.bioavailability, *r.other_estimates)]
    return {
        "figure:bioavailability": keys(v.reference for v in routes),
        "figure:pk-explorer": keys([v.reference for v in routes]
                                   + [pharmacology.HALF_LIFE_MIN.reference]),
        "figure:forest": keys(e.estimate.reference for e in evidence_data.EFFECT_SIZES),
        "figure:onset": keys(k for s in evidence_data.ONSET_SPANS for k in s.references),
        "figure:blood-pressure": keys([v.reference for v in hemodynamics.DATA.values.values()]
                                      + [p.reference for p in hemodynamics.DATA.pooled_rises]),
        "figure:pathway": keys([k for s in mechanism.PATHWAY for k in s.references]
                               + list(mechanism.DATA.caption_sources)),
    }


def question_references() -> dict[str, list[str]]:
    """``quiz:<bank>/<id>`` -> the question's own reference keys (for a new item's claim)."""
    out = {}
    for path in sorted((ROOT / "quizzes").glob("*.yaml")):
        if path.stem in {"references", "objectives"}:
            continue
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if question.get("references"):
                out[f"quiz:{path.stem}/{question['id']}"] = list(question["references"])
    return out


def _upgrade(document: dict) -> dict:
    """Schema 1 (locations only) to schema 2 (sentences per entry)."""
    if document.get("schema_version") == 2:
        return document
    return {
        "schema_version": 2,
        "claims": [{**c, "sentences": c.get("sentences", [])} for c in document["claims"]],
        "course_phrases": list(PHRASES),
        "course_text": {unit: [] for unit in document.get("course_text", [])},
        "guide_text": {unit: [] for unit in document.get("guide_text", [])},
    }


def sync(document: dict, sentences: list, figures: dict[str, list[str]]) -> int:
    """Drop the register's gone sentences and file the new ones; return how many changes.

    A claim that gets a new sentence loses ``checked``: the new sentence has not been read
    against the claim's references yet.
    """
    present: dict[str, list[str]] = {}
    for s in sentences:
        if s.text not in present.setdefault(s.unit, []):
            present[s.unit].append(s.text)
    phrases = set(document["course_phrases"])
    claim_at = {loc: c for c in document["claims"] for loc in c["locations"]}
    changes = 0
    # Drop what is gone.
    for claim in document["claims"]:
        units = set(claim["locations"])
        kept = [t for t in claim["sentences"] if any(t in present.get(u, []) for u in units)]
        for text in set(claim["sentences"]) - set(kept):
            print(f"gone from {claim['id']}: {text}")
            changes += 1
        claim["sentences"] = kept
    for table in ("course_text", "guide_text"):
        for unit, listed in document[table].items():
            kept = [t for t in listed if t in present.get(unit, [])]
            for text in set(listed) - set(kept):
                print(f"gone from {table}[{unit}]: {text}")
                changes += 1
            document[table][unit] = kept
    # File what is new.
    for unit, texts in present.items():
        for text in texts:
            if text in phrases:
                continue
            owner = claim_at.get(unit)
            if owner is not None and text in owner["sentences"]:
                continue
            if text in document["course_text"].get(unit, []) or text in document[
                    "guide_text"].get(unit, []):
                continue
            changes += 1
            if owner is not None:
                owner["sentences"].append(text)
                if owner.pop("checked", None) is not None:
                    print(f"claim {owner['id']} is no longer checked (a new sentence)")
                print(f"new in claim {owner['id']} ({unit}): {text}")
            elif unit in document["guide_text"]:
                document["guide_text"][unit].append(text)
                print(f"new guide text ({unit}): {text}")
            elif unit in figures:
                name = unit.split("/", 1)[-1] if unit.startswith("quiz:") else unit
                owner = {"id": ("quiz-" + name if unit.startswith("quiz:")
                                else unit.replace(":", "-")),
                         "claim": text,
                         "references": figures[unit], "locations": [unit],
                         "reviewed": REVIEWED, "sentences": [text]}
                document["claims"].append(owner)
                claim_at[unit] = owner
                print(f"new claim {owner['id']}: {text}")
            else:
                document["course_text"].setdefault(unit, []).append(text)
                print(f"new course text ({unit}): {text}")
    return changes


def main(argv: list[str]) -> int:
    write = "--write" in argv
    document = _upgrade(yaml.safe_load(OUT.read_text(encoding="utf-8")))
    sentences = course_sentences(ROOT)
    changes = sync(document, sentences, figure_references() | question_references())
    print(f"{changes} change(s); {len(sentences)} sentences in the course.")
    if write and changes:
        OUT.write_text(HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True,
                                               width=100), encoding="utf-8")
        print(f"wrote {OUT}")
    return 1 if changes and not write else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
