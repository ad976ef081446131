"""A course notebook's prose never states how many questions its quiz has.

Bank sizes change (new items land); a count written by hand goes stale ("Twelve
questions" over a bank of 13). The quiz itself shows its length.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
NUMBER = (r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
          r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)")
COUNT = re.compile(rf"\b{NUMBER}\s+(?:short\s+)?questions\b(?!\s+ask for)", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_states_no_question_count(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    found = [(number, m.group(0)) for number, cell in enumerate(notebook.cells, start=1)
             if cell.cell_type == "markdown" for m in COUNT.finditer(cell.source)]
    assert not found, f"{path.name}: a question count written by hand {found}; drop the number"
