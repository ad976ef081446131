"""PCL-5 scoring as the National Center for PTSD describes it (reference key ``weathers2013``).

The numbers, clusters and fictional cases live in ``data/pcl5.yaml``. The PCL-5 has 20
self-report items, each rated 0-4 for the past month (total 0-80).
Cluster sub-scores follow DSM-5: B = items 1-5, C = 6-7, D = 8-14, E = 15-20. A total
in the 31-33 range is the suggested cut-point for a provisional diagnosis. A provisional
diagnosis can also be made by treating items rated 2 or more as symptoms present and
applying the DSM-5 rule (at least 1 B, 1 C, 2 D and 2 E). A positive screen needs
confirmation, e.g. with the CAPS-5; this module scores, it does not diagnose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import Field, model_validator

from ketatraining.clinical.datafile import StrictData as _Strict
from ketatraining.clinical.datafile import load_data
from ketatraining.errors import KetaTrainingError


class Cluster(_Strict):
    """A DSM-5 symptom cluster: its items (1-based) and how many symptoms it needs."""

    key: str = Field(pattern=r"^[A-Z]$")
    name: str = Field(min_length=3)
    first_item: int = Field(ge=1)
    last_item: int = Field(ge=1)
    required: int = Field(ge=1)

    @property
    def items(self) -> range:
        return range(self.first_item, self.last_item + 1)


class FictionalPatient(_Strict):
    """A fictional case for the scoring exercise (labelled fictional wherever shown)."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str = Field(pattern=r"\(fictional\)")
    story: str = Field(pattern=r"fictional")
    responses: tuple[int, ...]


class _CutPoint(_Strict):
    low: int
    high: int


class PCL5Data(_Strict):
    schema_version: int = Field(ge=1, le=1)
    reference: str = Field(min_length=1)
    items: int = Field(ge=1)
    min_rating: int
    max_rating: int
    cut_point: _CutPoint
    symptom_threshold: int
    clusters: tuple[Cluster, ...]
    patients: tuple[FictionalPatient, ...]

    @model_validator(mode="after")
    def _consistent(self) -> PCL5Data:
        covered = [i for c in self.clusters for i in c.items]
        if covered != list(range(1, self.items + 1)):
            msg = f"the clusters must cover items 1-{self.items} once each, in order"
            raise ValueError(msg)
        for patient in self.patients:
            if len(patient.responses) != self.items or not all(
                self.min_rating <= r <= self.max_rating for r in patient.responses
            ):
                msg = (f"patient '{patient.id}': give {self.items} ratings from "
                       f"{self.min_rating} to {self.max_rating}")
                raise ValueError(msg)
        return self


DATA = load_data("pcl5.yaml", PCL5Data)
N_ITEMS = DATA.items
MIN_RATING = DATA.min_rating
MAX_RATING = DATA.max_rating
MAX_TOTAL = N_ITEMS * MAX_RATING
CUT_POINT_LOW = DATA.cut_point.low
CUT_POINT_HIGH = DATA.cut_point.high
SYMPTOM_THRESHOLD = DATA.symptom_threshold
"""An item rated 2 ('moderately') or higher counts as a symptom for the DSM-5 rule."""

REFERENCE = DATA.reference
CLUSTERS: tuple[Cluster, ...] = DATA.clusters


class PCL5InputError(KetaTrainingError, ValueError):
    """The responses are not 20 whole numbers from 0 to 4; the message says which."""


@dataclass(frozen=True, slots=True)
class ClusterResult:
    cluster: Cluster
    score: int
    symptoms: int

    @property
    def met(self) -> bool:
        return self.symptoms >= self.cluster.required


@dataclass(frozen=True, slots=True)
class PCL5Result:
    """Everything the exercise asks the learner to work out, computed once."""

    responses: tuple[int, ...]
    total: int
    clusters: tuple[ClusterResult, ...]

    def cluster(self, key: str) -> ClusterResult:
        for result in self.clusters:
            if result.cluster.key == key:
                return result
        msg = f"No PCL-5 cluster '{key}'; the clusters are B, C, D and E."
        raise KeyError(msg)

    @property
    def cut_point_band(self) -> str:
        """'below', 'within' or 'above' the suggested 31-33 cut-point range."""
        if self.total < CUT_POINT_LOW:
            return "below"
        if self.total <= CUT_POINT_HIGH:
            return "within"
        return "above"

    @property
    def meets_dsm5_rule(self) -> bool:
        return all(c.met for c in self.clusters)

    def summary(self) -> str:
        """Plain-text interpretation (what the numbers mean, not a diagnosis)."""
        subs = ", ".join(f"{c.cluster.key} {c.score}" for c in self.clusters)
        band = {
            "below": f"below the suggested cut-point range of {CUT_POINT_LOW}-{CUT_POINT_HIGH}",
            "within": f"within the suggested cut-point range of {CUT_POINT_LOW}-{CUT_POINT_HIGH}",
            "above": f"above the suggested cut-point range of {CUT_POINT_LOW}-{CUT_POINT_HIGH}",
        }[self.cut_point_band]
        counts = ", ".join(
            f"{c.cluster.key} {c.symptoms} (needs {c.cluster.required})" for c in self.clusters
        )
        rule = "meets" if self.meets_dsm5_rule else "does not meet"
        return (
            f"Total {self.total} of {MAX_TOTAL}, {band}. Cluster sub-scores: {subs}. "
            f"Items rated {SYMPTOM_THRESHOLD} or more per cluster: {counts}; the pattern "
            f"{rule} the DSM-5 cluster rule. A screen is provisional: confirm with a "
            "structured clinical interview such as the CAPS-5."
        )


def validate_responses(responses: Sequence[object]) -> tuple[int, ...]:
    """The responses as 20 ints 0-4, or a PCL5InputError naming the first bad item."""
    if isinstance(responses, str | bytes) or not isinstance(responses, Sequence):
        msg = f"Give the PCL-5 responses as a list of {N_ITEMS} ratings from 0 to 4."
        raise PCL5InputError(msg)
    if len(responses) != N_ITEMS:
        msg = (
            f"The PCL-5 has {N_ITEMS} items; got {len(responses)} rating(s). "
            f"Rate every item from {MIN_RATING} to {MAX_RATING}."
        )
        raise PCL5InputError(msg)
    clean: list[int] = []
    for number, value in enumerate(responses, start=1):
        if isinstance(value, bool) or not isinstance(value, int | float):
            msg = f"Item {number}: {value!r} is not a rating; use a whole number 0-4."
            raise PCL5InputError(msg)
        if value != int(value):
            msg = f"Item {number}: {value!r} is not a whole number; use 0, 1, 2, 3 or 4."
            raise PCL5InputError(msg)
        if not MIN_RATING <= value <= MAX_RATING:
            msg = f"Item {number}: {value!r} is out of range; ratings go from 0 to 4."
            raise PCL5InputError(msg)
        clean.append(int(value))
    return tuple(clean)


def score(responses: Sequence[object]) -> PCL5Result:
    """Total, cluster sub-scores and symptom counts for 20 PCL-5 ratings."""
    clean = validate_responses(responses)
    clusters = tuple(
        ClusterResult(
            cluster=c,
            score=sum(clean[i - 1] for i in c.items),
            symptoms=sum(1 for i in c.items if clean[i - 1] >= SYMPTOM_THRESHOLD),
        )
        for c in CLUSTERS
    )
    return PCL5Result(responses=clean, total=sum(clean), clusters=clusters)


def cluster_of_item(item: int) -> Cluster:
    """The DSM-5 cluster a PCL-5 item (1-20) belongs to."""
    for c in CLUSTERS:
        if item in c.items:
            return c
    msg = f"PCL-5 items are numbered 1 to {N_ITEMS}; got {item!r}."
    raise PCL5InputError(msg)


PATIENTS: tuple[FictionalPatient, ...] = DATA.patients
"""Sam: total 36, meets the cluster rule. Alex: total 41 but no avoidance item rated 2 or
more, so the cluster rule is not met: the total and the rule can disagree."""

FICTIONAL_PATIENT = {
    "name": PATIENTS[0].name,
    "story": PATIENTS[0].story,
    "responses": PATIENTS[0].responses,
}
"""The exercise's first case (Sam), as a mapping for the notebook's own cells."""


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """One part of the learner's scoring, checked: what was asked, right or not, and why."""

    field: str
    correct: bool
    message: str

    def text(self) -> str:
        mark = "Correct" if self.correct else "Not correct"
        return f"{self.field}: {mark}. {self.message}"


BAND_LABELS = {
    "below": f"below {CUT_POINT_LOW}",
    "within": f"within {CUT_POINT_LOW}-{CUT_POINT_HIGH}",
    "above": f"above {CUT_POINT_HIGH}",
}


def check_answers(
    result: PCL5Result,
    *,
    total: int | None,
    subscores: dict[str, int | None],
    band: str | None,
    meets_rule: bool | None,
) -> list[AnswerCheck]:
    """Compare a learner's scoring with the computed result; explain every part."""
    checks = [
        AnswerCheck(
            "Total",
            total == result.total,
            f"The total is the sum of all 20 ratings: {result.total} of {MAX_TOTAL}."
            if total != result.total
            else f"All 20 ratings add up to {result.total}.",
        )
    ]
    for c in result.clusters:
        given = subscores.get(c.cluster.key)
        items = f"items {c.cluster.first_item}-{c.cluster.last_item}"
        checks.append(
            AnswerCheck(
                f"Cluster {c.cluster.key} ({c.cluster.name})",
                given == c.score,
                f"Sum of {items}: {c.score}.",
            )
        )
    checks.append(
        AnswerCheck(
            "Cut-point",
            band == result.cut_point_band,
            f"A total of {result.total} is {BAND_LABELS[result.cut_point_band]} "
            f"(suggested cut-point {CUT_POINT_LOW}-{CUT_POINT_HIGH}).",
        )
    )
    counts = ", ".join(
        f"{c.cluster.key} {c.symptoms} of {c.cluster.required} needed" for c in result.clusters
    )
    verdict = "met" if result.meets_dsm5_rule else "not met"
    checks.append(
        AnswerCheck(
            "DSM-5 cluster rule",
            meets_rule is result.meets_dsm5_rule,
            f"Items rated {SYMPTOM_THRESHOLD} or more: {counts}; the rule is {verdict}.",
        )
    )
    return checks
