"""Saved course notebook outputs carry no warnings and no machine paths.

A warning saved to stderr (e.g. a figure too small for its labels) names the file path of
the checkout that executed it, so nbval fails in every other checkout; and a learner
should never see one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_saved_stderr_or_checkout_path(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    problems = []
    for number, cell in enumerate(cells, start=1):
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            if output.get("name") == "stderr":
                problems.append(f"cell {number}: saved stderr {''.join(output['text'])[:120]!r}")
            elif "/work/" in text or "site-packages" in text:
                problems.append(f"cell {number}: an output names a path on the machine")
    assert not problems, (f"{path.name}: " + "; ".join(problems)
                          + " (fix the cause, then run make notebooks)")
