"""A number that carries its source, so every figure and widget can cite it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourcedValue:
    """A clinical number with its unit and the bibliography key it comes from.

    ``reference`` is a key in ``quizzes/references.yaml``; ``note`` says in a few words
    what exactly the number is (population, route, range) so it is not over-applied.
    """

    value: float
    unit: str
    reference: str
    note: str = ""

    def __post_init__(self) -> None:
        if not self.reference or not self.reference.strip():
            msg = f"SourcedValue {self.value!r} {self.unit}: a reference key is required"
            raise ValueError(msg)

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number} {self.unit}".strip()

    def cite(self) -> str:
        """Value, unit and short citation, e.g. ``'120 min (Yanagihara et al., ...)'``."""
        from ketatraining.clinical.citations import cite

        return f"{self} {cite(self.reference)}"
