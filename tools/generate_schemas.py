"""Write the JSON Schemas of the quiz, references and objectives files.

    python tools/generate_schemas.py          # rewrite ketatraining/schemas/*.json
    python tools/generate_schemas.py --check  # fail if they are out of date (used in tests)
"""

from __future__ import annotations

import sys
from pathlib import Path

from ketatraining.quiz.schemas import SCHEMA_FILES, schema_text

OUT = Path(__file__).resolve().parents[1] / "ketatraining" / "schemas"


def main(arguments: list[str]) -> int:
    stale = []
    for name in SCHEMA_FILES:
        path = OUT / name
        text = schema_text(name)
        if "--check" in arguments:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python tools/generate_schemas.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
