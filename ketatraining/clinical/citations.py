"""In-text citations for learner-visible text, derived from the one bibliography.

Learners see a short citation ("Clements et al., J Pharm Sci 1982"), never a bibliography
key such as ``clements1982``: keys are for authors and reviewers (the claims register).
A key the bibliography lacks is shown as it is, so a typo shows on the page instead of
disappearing (and the references tests name it).
"""

from __future__ import annotations

from collections.abc import Iterable

from ketatraining.quiz.loading import load_references


def short_citation(key: str) -> str:
    """'Clements et al., J Pharm Sci 1982' for ``clements1982``."""
    reference = load_references().get(key)
    return reference.short_citation() if reference else key


def author_year(key: str) -> str:
    """The compact label a figure annotation has room for: 'Clements et al. 1982'."""
    reference = load_references().get(key)
    return reference.author_year() if reference else key


def cite(keys: str | Iterable[str]) -> str:
    """'(Clements et al., J Pharm Sci 1982; Rolan et al., Br J Clin Pharmacol 2014)'."""
    listed = [keys] if isinstance(keys, str) else list(dict.fromkeys(keys))
    return "(" + "; ".join(short_citation(k) for k in listed) + ")"
