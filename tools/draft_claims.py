"""Draft the claims register (ketatraining/clinical/data/claims.yaml) from the course.

    python tools/draft_claims.py            # writes the register; review it, then commit

It lists, for every quiz question, every notebook section and every clinical rule a
widget shows, the claim in brief and the reference keys it rests on (the question's own
``references``; for a notebook section, the sources its text names). A section that makes
no clinical statement goes under ``course_text``. A reviewer edits the YAML afterwards;
the register is the data, this script only saves typing. It refuses to overwrite an
existing register unless given --force, so reviewed entries are never lost.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ketatraining.clinical import evidence_data, mechanism, monitoring, pharmacology, screening
from ketatraining.clinical.claims_register import section_units

OUT = ROOT / "ketatraining" / "clinical" / "data" / "claims.yaml"
REVIEWED = "2026-12-01"

# Words in a section that name a source without an author-year citation.
NAMED_SOURCES = [
    (r"SPRAVATO|esketamine label|Esketamine \(the label|esketamine's label", "spravato_pi"),
    (r"\bREMS\b", "spravato_rems"),
    (r"Ketalar label|US Ketalar", "ketalar_pi"),
    (r"SmPC", "ketalar_smpc_uk"),
    (r"Swiss", "ketamine_ch_label"),
    (r"FDA warn|10 October 2023|April 2023", "fda2023"),
    (r"DSM-5", "dsm5"),
    (r"PCL-5", "weathers2013"),
    (r"CAPS-5", "weathers2015"),
    (r"VA/DoD", "schnurr2024"),
    (r"American Psychological Association", "apa2019"),
    (r"consensus statement|Sanacora", "sanacora2017"),
    (r"National Center for PTSD", "ncptsd_current"),
    (r"Nurse Anesthesiology", "aana_ketamine"),
    (r"Society of Anesthesiologists", "asa2025"),
    (r"Schedule III", "dea1999final"),
]
# Sections whose sources the prose does not name in a form the patterns catch, read by hand.
MANUAL = {
    "notebook:00-welcome#summary": ["fda2023"],
    "notebook:01-what-is-ketamine#01-what-is-ketamine": ["fda2023", "spravato_pi"],
    "notebook:01-what-is-ketamine#overview": ["colla2021", "feder2021", "spravato_pi"],
    "notebook:01-what-is-ketamine#explore-a-teaching-model-of-route-and-dose": ["yanagihara2003"],
    "notebook:02-ptsd-and-established-treatments#where-the-guide-and-the-evidence-differ":
        ["schnurr2024", "apa2019", "feder2021"],
    "notebook:03-mechanism#overview": ["li2010", "duman2014"],
    "notebook:03-mechanism#summary":
        ["feder2021", "duman2014", "li2010", "molpsych2018", "abdallah2020", "spravato_pi"],
    "notebook:04-benefits-and-evidence#neuroplasticity-enhancement": ["li2010", "abdallah2020"],
    "notebook:04-benefits-and-evidence#improved-quality-of-life": ["borgogna2024"],
    "notebook:05-risks-and-monitoring#overview": ["spravato_pi", "ketalar_pi"],
    "notebook:05-risks-and-monitoring#drowsiness-and-dizziness": ["spravato_pi"],
    "notebook:05-risks-and-monitoring#pregnancy-and-breastfeeding": ["spravato_pi"],
    "notebook:06-contraindications-and-screening#absolute-contraindications-and-cautions":
        ["spravato_pi"],
    "notebook:07-final-assessment#the-guide-as-a-whole":
        ["feder2021", "schnurr2024", "borgogna2024", "abdallah2022", "spravato_pi", "fda2023"],
    "notebook:07-final-assessment#summary":
        ["schnurr2024", "apa2019", "feder2021", "abdallah2022", "borgogna2024", "fda2023"],
}
COURSE_TEXT_UNITS = {"notebook:07-final-assessment#overview"}
GUIDE_TEXT_PATTERNS = ("what-the-guide-says", "04-benefits-and-evidence#overview")
COURSE_TEXT_HEADINGS = {
    "prerequisites", "what-next", "quiz", "references", "learning-objectives",
    "learning-objectives-of-this-notebook", "how-this-course-works", "try-the-quiz-widget",
    "the-course-at-a-glance", "your-progress", "your-completion-record",
    "monitoring-checklist-exercise", "screening-exercise", "about-this-course",
    "try-a-practice-quiz",
    "what-the-course-is-not", "00-welcome", "the-guide-s-claims-one-by-one",
    "claim-vs-evidence-explorer", "risks-the-guide-leaves-out", "screen-fictional-patients",
    "final-assessment", "03-how-ketamine-is-thought-to-work",
    "04-benefits-and-evidence", "06-contraindications-and-screening", "07-final-assessment",
}


def _first_sentence(text: str, limit: int = 240) -> str:
    """The opening sentence(s), at least 40 characters, never split at 'et al.' or '1.'."""
    text = " ".join(text.replace("**", "").replace("*", "").replace("|", " ").split())
    text = re.sub(r"^(-|\d+\.)\s+", "", text)
    ends = [m.end() for m in re.finditer(r"(?<!\bal)(?<!\d)[.!?](?=\s+[A-Z\"(]|$)", text)]
    cut = next((e for e in ends if e >= 40), len(text))
    sentence = text[:cut]
    return sentence if len(sentence) <= limit else sentence[: limit - 3].rstrip() + "..."


def _cited(text: str, bibliography: dict) -> list[str]:
    keys = []
    for key, entry in bibliography.items():
        names = [a.split()[0] for a in entry.get("authors", []) if a and a[0].isupper()]
        if names and re.search(rf"\b{re.escape(names[0])}\b[^()]{{0,40}}{entry['year']}", text):
            keys.append(key)
    for pattern, key in NAMED_SOURCES:
        if re.search(pattern, text) and key not in keys:
            keys.append(key)
    return keys


def main() -> int:
    if OUT.exists() and "--force" not in sys.argv:
        print(f"{OUT} exists; edit it, or pass --force to redraft it.", file=sys.stderr)
        return 1
    bibliography = yaml.safe_load((ROOT / "quizzes" / "references.yaml").read_text())["references"]
    claims, course_text, guide_text = [], [], []
    for bank in sorted((ROOT / "quizzes").glob("*.yaml")):
        if bank.stem in {"references", "objectives"}:
            continue
        data = yaml.safe_load(bank.read_text())
        for q in data["questions"]:
            if not q.get("references"):
                course_text.append(f"quiz:{bank.stem}/{q['id']}")
                continue
            claims.append({
                "id": f"quiz-{q['id']}",
                "claim": _first_sentence(q["explanation"]),
                "references": list(q.get("references", [])),
                "locations": [f"quiz:{bank.stem}/{q['id']}"],
                "reviewed": REVIEWED,
            })
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for unit, text in section_units(notebook, path.stem):
            slug = unit.split("#", 1)[1]
            body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
            cited = MANUAL.get(unit) or _cited(body, bibliography)
            if any(p in unit for p in GUIDE_TEXT_PATTERNS):
                guide_text.append(unit)
            elif unit in MANUAL:
                pass
            elif (slug in COURSE_TEXT_HEADINGS or unit in COURSE_TEXT_UNITS
                  or slug.startswith("ketamine-for-ptsd") or not body.strip()):
                course_text.append(unit)
            elif not cited:
                print(f"needs a source by hand: {unit}", file=sys.stderr)
                course_text.append(unit)
                continue
            if unit in MANUAL or (cited and unit not in course_text + guide_text):
                claims.append({
                    "id": f"nb-{unit.split(':', 1)[1].replace('#', '-')}",
                    "claim": _first_sentence(body),
                    "references": cited,
                    "locations": [unit],
                    "reviewed": REVIEWED,
                })
    for rule in screening.RULES:
        claims.append({"id": f"rule-{rule.id}", "claim": _first_sentence(rule.why),
                       "references": list(rule.references),
                       "locations": [f"widget:screening/{rule.id}"], "reviewed": REVIEWED})
    for step in monitoring.SESSION:
        for action in step.actions:
            claims.append({"id": f"monitoring-{step.id}-{action.id}",
                           "claim": _first_sentence(action.explanation),
                           "references": [action.reference],
                           "locations": [f"widget:monitoring/{step.id}/{action.id}"],
                           "reviewed": REVIEWED})
    for route in pharmacology.ROUTES.values():
        values = [route.bioavailability, *route.other_estimates]
        claims.append({"id": f"route-{route.key}",
                       "claim": f"{route.label}: bioavailability "
                                + ", ".join(f"{v.value:g}% ({v.note})" for v in values) + ".",
                       "references": sorted({v.reference for v in values}),
                       "locations": [f"widget:routes/{route.key}"], "reviewed": REVIEWED})
    for step in mechanism.PATHWAY:
        claims.append({"id": f"pathway-{step.key}", "claim": _first_sentence(step.detail),
                       "references": list(step.references),
                       "locations": [f"widget:pathway/{step.key}"], "reviewed": REVIEWED})
    for claim in evidence_data.CLAIMS:
        claims.append({"id": f"guide-claim-{claim.key}", "claim": _first_sentence(claim.evidence),
                       "references": list(claim.references),
                       "locations": [f"widget:claims/{claim.key}"], "reviewed": REVIEWED})
    document = {"schema_version": 1, "claims": claims, "course_text": course_text,
                "guide_text": guide_text}
    header = ("# The claims register: every clinical claim the course makes, its reference keys\n"
              "# (quizzes/references.yaml), where it appears and when it was last reviewed.\n"
              "# Drafted by tools/draft_claims.py, then reviewed by hand; edit it directly.\n"
              "# course_text: units that make no clinical claim (navigation, course text).\n"
              "# guide_text: units that report what the patient guide says, not a claim of\n"
              "# the course (each is set against the evidence in a claim unit nearby).\n")
    OUT.write_text(header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True,
                                           width=100), encoding="utf-8")
    print(f"wrote {OUT}: {len(claims)} claims, {len(course_text)} course-text units")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
