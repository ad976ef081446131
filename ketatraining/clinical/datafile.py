"""Read a clinical data file (YAML) safely and validate it with a pydantic model.

Clinical content (rules, vignettes, the claims register) lives in YAML under
``ketatraining/clinical/data/`` so a clinical reviewer edits text, not code. The files are
read with the project's safe YAML reader (no tags, no aliases, size and depth limits) and
every problem names the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ketatraining.clinical.sourced import SourcedValue
from ketatraining.errors import KetaTrainingError
from ketatraining.quiz.yamlsource import read_yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

_Model = TypeVar("_Model", bound=BaseModel)


class StrictData(BaseModel):
    """A clinical data entry: unknown fields are errors (a misspelt key is not ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ValueData(StrictData):
    """A number with its unit and bibliography key, as the data files write it."""

    value: float
    unit: str
    reference: str = Field(min_length=1)
    note: str = ""

    def sourced(self) -> SourcedValue:
        return SourcedValue(self.value, self.unit, self.reference, self.note)


class ClinicalDataError(KetaTrainingError):
    """A clinical data file is missing or invalid; the message names file, line and field."""


def load_data(name: str, model: type[_Model], folder: Path | None = None) -> _Model:
    """The validated contents of ``data/<name>``; ClinicalDataError lists every problem."""
    path = (folder or DATA_DIR) / name
    try:
        raw = path.read_bytes()
    except OSError as error:
        msg = f"The clinical data file {path} cannot be read ({error.strerror or error})."
        raise ClinicalDataError(msg) from error
    document, problems = read_yaml(raw, str(path))
    if document is None or problems:
        msg = "; ".join(p.format() for p in problems) or f"{path} is empty."
        raise ClinicalDataError(msg)
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        found = []
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            line, _ = document.position(loc)
            where = f"{path}:{line}" if line else str(path)
            found.append(f"{where}: '{'.'.join(str(p) for p in loc)}': {item['msg']}")
        raise ClinicalDataError(f"{path.name} has problems: " + "; ".join(found)) from None


def value_lookup(values: Mapping[str, ValueData], name: str) -> Callable[[str], SourcedValue]:
    """``lookup(key)``: the entry ``key`` of the ``values:`` of data file ``name``, as a
    SourcedValue. A module reads its constants with it, so a key the file lacks stops the
    import with the file and the key named, not a bare KeyError."""

    def lookup(key: str) -> SourcedValue:
        try:
            return values[key].sourced()
        except KeyError:
            msg = (f"The clinical data file {DATA_DIR / name} has no entry '{key}' under "
                   "'values:'; add it (value, unit, reference) or restore its name.")
            raise ClinicalDataError(msg) from None

    return lookup
