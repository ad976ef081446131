"""Where the course teaches and tests each section of the guide.

The course teaches a promotional patient guide (``shared/guide/ketamine-ptsd-guide.txt``
beside the repository). Every section of it (each heading, each benefit and each risk
bullet, the conclusion and the promotional closing paragraph) maps here to the notebook
sections that teach it and the quiz items that test it. ``tests/test_coverage.py``
checks the table against the guide, the notebooks and the quiz files, so CI fails when
a section is left untaught or a mapped heading or item disappears.

The closing paragraph advertises a provider. The course teaches it only as an example
of promotion and never repeats the provider's name; its marker below avoids the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GUIDE_FILE = "ketamine-ptsd-guide.txt"


@dataclass(frozen=True, slots=True)
class NotebookSection:
    """A Markdown heading in one course notebook."""

    notebook: str
    """File name in ``notebooks/``, e.g. ``06-contraindications-and-screening.ipynb``."""
    heading: str
    """The heading text exactly as written, without the leading ``#`` marks."""


@dataclass(frozen=True, slots=True)
class GuideSection:
    """One section of the guide and where the course covers it."""

    key: str
    summary: str
    """What the guide says there, in the course's own words."""
    markers: tuple[str, ...]
    """Short phrases that locate the section in the guide; the first one starts it."""
    notebooks: tuple[NotebookSection, ...]
    quiz_items: tuple[str, ...]
    """Quiz items as ``quiz-id/question-id``."""
    promotional: bool = False
    """Taught as an example of promotion, not as content."""


def _nb(notebook: str, *headings: str) -> tuple[NotebookSection, ...]:
    return tuple(NotebookSection(f"{notebook}.ipynb", h) for h in headings)


NB00 = "00-welcome"
NB01 = "01-what-is-ketamine"
NB02 = "02-ptsd-and-established-treatments"
NB03 = "03-mechanism"
NB04 = "04-benefits-and-evidence"
NB05 = "05-risks-and-monitoring"
NB06 = "06-contraindications-and-screening"
NB07 = "07-final-assessment"

GUIDE_SECTIONS: tuple[GuideSection, ...] = (
    GuideSection(
        key="introduction",
        summary=(
            "Title and opening: PTSD is common and disabling, standard treatments do not help "
            "everyone, and ketamine is presented as a novel approach."
        ),
        markers=("Understanding Ketamine Treatment for PTSD: A Comprehensive Guide",),
        notebooks=_nb(NB00, "Overview") + _nb(NB07, "The guide as a whole"),
        quiz_items=(
            "welcome/welcome-off-label",
            "treatments/treat-guide-omissions",
            "final/fin-new-diagnosis",
        ),
    ),
    GuideSection(
        key="what-is-ketamine",
        summary=(
            "Ketamine as an anaesthetic and analgesic first made in the 1960s, with lower "
            "doses explored for depression and PTSD."
        ),
        markers=("But first",),
        notebooks=_nb(
            NB01,
            "What the guide says about ketamine",
            "1. A short history",
            "2. Anesthetic and sub-anesthetic doses",
            "6. Schedule III and off-label use for PTSD",
            "Where the guide and the evidence differ",
        )
        + _nb(NB07, "The guide as a whole"),
        quiz_items=(
            "pharmacology/pharm-history-timeline",
            "pharmacology/pharm-dose-class",
            "pharmacology/pharm-offlabel-ptsd",
            "pharmacology/pharm-esketamine-indications",
        ),
    ),
    GuideSection(
        key="ptsd",
        summary="What PTSD is: the traumatic events behind it and its symptoms.",
        markers=("Understanding PTSD and Traditional Treatment Options",),
        notebooks=_nb(
            NB02,
            "What the guide says about PTSD and its treatment",
            "1. DSM-5 criteria and the four symptom clusters",
            "3. Measuring PTSD: the PCL-5 and the CAPS-5",
        )
        + _nb(NB07, "The guide as a whole"),
        quiz_items=(
            "ptsd/ptsd-clusters-classify",
            "ptsd/ptsd-criterion-a",
            "ptsd/ptsd-duration",
            "final/fin-dsm5-two-weeks",
            "final/fin-pcl5-next-step",
        ),
    ),
    GuideSection(
        key="traditional-treatments",
        summary=(
            "Established treatments: CBT, EMDR and exposure therapy; SSRIs and SNRIs; not "
            "effective for everyone."
        ),
        markers=("Before ketamine therapy for PTSD",),
        notebooks=_nb(
            NB02,
            "4. First-line psychotherapies",
            "5. Medications",
            '6. Which "APA"? The guidelines side by side',
            "Where the guide and the evidence differ",
        )
        + _nb(NB07, "The guide as a whole"),
        quiz_items=(
            "treatments/treat-strong-psychotherapies",
            "treatments/treat-fda-approved",
            "treatments/treat-vadod-first-line",
            "treatments/treat-guide-omissions",
            "final/fin-new-diagnosis",
            "final/fin-both-guidelines",
        ),
    ),
    GuideSection(
        key="how-it-works",
        summary=(
            "Mechanism: unlike SSRIs and SNRIs, ketamine acts on the glutamate system, the "
            "main excitatory transmitter."
        ),
        markers=("How Does Ketamine Treatment for PTSD Work?",),
        notebooks=_nb(
            NB03,
            "What the guide says about how ketamine works",
            "1. Glutamate and the NMDA receptor",
            "2. The proposed pathway, step by step",
            "3. How this differs from SSRIs and SNRIs",
        )
        + _nb(NB07, "The guide as a whole"),
        quiz_items=(
            "mechanism/mech-nmda-antagonist",
            "mechanism/mech-ssri-contrast",
            "final/fin-rewire-brain",
        ),
    ),
    GuideSection(
        key="benefits-overview",
        summary="Benefits are presented as most relevant for people not helped by standard care.",
        markers=("Potential Benefits of Ketamine for Trauma Relief",),
        notebooks=_nb(NB04, "The guide's claims, one by one"),
        quiz_items=(
            "benefits/benefits-no-source-claims",
            "benefits/benefits-treatment-resistant",
        ),
    ),
    GuideSection(
        key="benefit-rapid-relief",
        summary="Claim: relief within hours or days, faster than standard medications.",
        markers=("Rapid symptom relief",),
        notebooks=_nb(NB04, "Rapid symptom relief", "Effect sizes at a glance"),
        quiz_items=(
            "benefits/benefits-active-control",
            "benefits/benefits-midazolam-response",
            "benefits/benefits-onset-vs-ssri",
            "final/fin-rapid-relief-question",
        ),
    ),
    GuideSection(
        key="benefit-shorter-duration",
        summary="Claim: a course of infusions over several weeks, shorter than other treatments.",
        markers=("Shorter treatment duration",),
        notebooks=_nb(NB04, "Shorter treatment course"),
        quiz_items=(
            "benefits/benefits-loss-of-response",
            "final/fin-claim-durability",
        ),
    ),
    GuideSection(
        key="benefit-reduced-medication",
        summary="Claim: lasting relief that reduces the need for ongoing medication.",
        markers=("Reduced reliance on medication",),
        notebooks=_nb(NB04, "Reduced reliance on medication"),
        quiz_items=(
            "benefits/benefits-reduced-medication",
            "benefits/benefits-no-source-claims",
        ),
    ),
    GuideSection(
        key="benefit-treatment-resistant",
        summary="Claim: promise in treatment-resistant PTSD.",
        markers=("Treatment-resistant PTSD",),
        notebooks=_nb(NB04, "Treatment-resistant PTSD"),
        quiz_items=(
            "benefits/benefits-treatment-resistant",
            "benefits/benefits-abdallah-design",
            "final/fin-veteran-resistant",
        ),
    ),
    GuideSection(
        key="benefit-neuroplasticity",
        summary="Claim: ketamine promotes neuroplasticity that addresses PTSD's neural changes.",
        markers=("Neuroplasticity enhancement",),
        notebooks=_nb(NB04, "Neuroplasticity enhancement")
        + _nb(NB03, "4. How sure are we? The rodent and depression caveat"),
        quiz_items=(
            "benefits/benefits-neuroplasticity",
            "mechanism/mech-neuroplasticity-claim",
            "mechanism/mech-evidence-source",
            "final/fin-rewire-brain",
        ),
    ),
    GuideSection(
        key="benefit-complementary",
        summary="Claim: combining ketamine with other therapies may enhance outcomes.",
        markers=("Complementary treatment",),
        notebooks=_nb(NB04, "Complementary to psychotherapy"),
        quiz_items=(
            "benefits/benefits-complementary",
        ),
    ),
    GuideSection(
        key="benefit-quality-of-life",
        summary="Claim: improved anxiety, sleep, social functioning and well-being.",
        markers=("Improved quality of life",),
        notebooks=_nb(NB04, "Improved quality of life"),
        quiz_items=(
            "benefits/benefits-no-source-claims",
        ),
    ),
    GuideSection(
        key="risk-dissociation",
        summary="Risk: temporary dissociation, hallucinations or perceptual disturbances.",
        markers=("Risks and Side Effects of Ketamine Treatment for PTSD", "Dissociative effects"),
        notebooks=_nb(NB05, "What the guide says", "Dissociation and sedation"),
        quiz_items=(
            "risks/risks-dissociation",
            "risks/risks-guide-omits",
        ),
    ),
    GuideSection(
        key="risk-blood-pressure",
        summary="Risk: a temporary rise in blood pressure and heart rate.",
        markers=("Increased blood pressure and heart rate",),
        notebooks=_nb(NB05, "Blood pressure and heart rate", "Monitoring in practice"),
        quiz_items=(
            "risks/risks-bp-pooled",
            "risks/risks-bp-time-course",
            "risks/risks-predose-bp",
            "final/fin-leave-at-one-hour",
        ),
    ),
    GuideSection(
        key="risk-drowsiness-dizziness",
        summary="Risk: drowsiness or dizziness after treatment, resolving within hours.",
        markers=("Drowsiness and dizziness",),
        notebooks=_nb(NB05, "Drowsiness and dizziness"),
        quiz_items=(
            "risks/risks-driving",
        ),
    ),
    GuideSection(
        key="contraindications",
        summary=(
            "Contraindications: uncontrolled high blood pressure, heart disease, a history of "
            "substance abuse."
        ),
        markers=("Contraindications",),
        notebooks=_nb(
            NB06,
            "What the guide says",
            "What the labels say",
            "Absolute contraindications and cautions",
            "Screen fictional patients",
        ),
        quiz_items=(
            "contraindications/ci-omitted-by-guide",
            "contraindications/ci-substance-use-level",
            "contraindications/ci-guide-substance-level",
            "contraindications/ci-bp-176-104",
            "contraindications/ci-aneurysm-case",
            "contraindications/ci-guide-list-complete",
            "final/fin-aneurysm-decision",
            "final/fin-substance-use-history",
        ),
    ),
    GuideSection(
        key="conclusion",
        summary=(
            "Conclusion: a promising alternative with some risks; rapid relief and a short "
            "course make it appealing; consult a mental health professional."
        ),
        markers=("Ketamine for PTSD treatment is a promising alternative",),
        notebooks=_nb(NB07, "The guide's conclusion, checked"),
        quiz_items=(
            "final/fin-rapid-relief-question",
            "final/fin-claim-durability",
        ),
    ),
    GuideSection(
        key="promotional-closing",
        summary=(
            "A closing advertisement for one provider's at-home oral ketamine programme, and "
            "a slogan. Taught as an example of promotion; the provider is never named."
        ),
        markers=("If you are considering ketamine treatment for PTSD in",),
        notebooks=_nb(NB07, "The closing advertisement: an example of promotion")
        + _nb(NB05, "At-home oral compounded ketamine"),
        quiz_items=(
            "final/fin-home-oral-offer",
            "risks/risks-fda-warning",
        ),
        promotional=True,
    ),
)
"""Every section of the guide, in the guide's order."""


def find_guide(start: Path | None = None) -> Path | None:
    """The guide text beside the repository (``../shared/guide/``), if present."""
    root = (start or Path(__file__)).resolve()
    for parent in root.parents:
        candidate = parent / "shared" / "guide" / GUIDE_FILE
        if candidate.is_file():
            return candidate
    return None


def section_spans(guide: str) -> dict[str, tuple[int, int]]:
    """Character span of each section in the guide text: from its first marker to the next.

    Raises ValueError when a marker is missing, repeated or out of order, so a changed
    guide is noticed instead of silently mis-mapped.
    """
    starts: list[tuple[str, int]] = []
    for section in GUIDE_SECTIONS:
        for marker in section.markers:
            count = guide.count(marker)
            if count != 1:
                msg = f"guide section '{section.key}': marker {marker!r} occurs {count} times"
                raise ValueError(msg)
        starts.append((section.key, guide.index(section.markers[0])))
    positions = [pos for _key, pos in starts]
    if positions != sorted(positions):
        msg = "guide sections are not in the guide's order"
        raise ValueError(msg)
    if positions[0] != guide.index(guide.strip()[:20]):
        msg = "the first guide section does not start at the beginning of the guide"
        raise ValueError(msg)
    ends = [*positions[1:], len(guide)]
    spans = {key: (start, end) for (key, start), end in zip(starts, ends, strict=True)}
    for section in GUIDE_SECTIONS:
        start, end = spans[section.key]
        for marker in section.markers[1:]:
            if not start <= guide.index(marker) < end:
                msg = f"guide section '{section.key}': marker {marker!r} lies outside it"
                raise ValueError(msg)
    return spans
