"""Every figure a notebook shows has alt text and a written description (WCAG 1.1.1).

Figures are shown with ``show_figure`` (an <img> with alt text, a caption and a visible
"Text description"); a bare matplotlib PNG output has neither, so it fails here. Checks
the stored outputs of every notebook present when the tests run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def _outputs(path: Path) -> list[tuple[int, dict]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(index, output) for index, cell in enumerate(cells, start=1)
            if cell["cell_type"] == "code" for output in cell.get("outputs", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text_and_a_description(path: Path) -> None:
    problems = []
    for index, output in _outputs(path):
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data:
            problems.append(f"cell {index}: a bare image output (use show_figure with a "
                            "description)")
        html = data.get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        for tag in IMG.findall(html):
            alt = ALT.search(tag)
            if not alt or not alt.group(2).strip():
                problems.append(f"cell {index}: an image without alt text")
        if IMG.search(html) and "kt-figure-description" not in html:
            problems.append(f"cell {index}: a figure without its text description")
    assert not problems, f"{path.name}: " + "; ".join(problems)
