"""Every symbol a learner can see is drawn by a font this machine has (no empty boxes).

Debian's default fonts (DejaVu, pulled in by fontconfig) have no "ⓘ" (U+24D8): it showed as
an empty box in the info messages. Every non-ASCII character in the learner-facing text
(notebooks, quizzes, widget and teaching strings, the app template) must be covered by an
installed font, as fontconfig reports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")),
    *sorted((ROOT / "quizzes").glob("*.yaml")),
    *sorted((ROOT / "ketatraining" / "widgets").glob("*.py")),
    *sorted((ROOT / "ketatraining" / "clinical").glob("*.py")),
    ROOT / "ketatraining" / "assessment" / "wording.py",
    *sorted((ROOT / "ketatraining" / "app" / "share").rglob("*.*")),
]


@cache
def _covered(char: str) -> bool:
    found = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"],
                           capture_output=True, text=True, check=True).stdout
    return bool(found.strip())


def _shown(char: str) -> bool:
    """A character that is drawn (not a space, joiner or other format character)."""
    return ord(char) > 127 and unicodedata.category(char) not in ("Zs", "Cf", "Cc", "Mn")


def test_every_symbol_has_a_font() -> None:
    if shutil.which("fc-list") is None:
        message = "fontconfig's fc-list is needed to check fonts (apt-get install fontconfig)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    missing = {}
    for path in SOURCES:
        for char in set(path.read_text(encoding="utf-8", errors="replace")):
            if _shown(char) and not _covered(char):
                missing.setdefault(f"{char} U+{ord(char):04X} {unicodedata.name(char, '?')}",
                                   []).append(path.relative_to(ROOT).as_posix())
    assert not missing, f"symbols no installed font can draw: {missing}"


def test_the_info_symbol_is_one_debian_fonts_have() -> None:
    from ketatraining.widgets.messages import ICONS, message_html

    assert all("\u24d8" not in label for label in ICONS.values())
    assert "ℹ Note:" in message_html("info", "text")
