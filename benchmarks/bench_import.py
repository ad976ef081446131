"""How much `import ketatraining` costs next to `import ipywidgets` (target: <= 1.2x).

    .venv/bin/python benchmarks/bench_import.py [rounds]
"""

from __future__ import annotations

import sys

from _timing import interleaved, report, time_command

PY = sys.executable


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    cases = {
        "python -c pass": lambda: time_command([PY, "-c", "pass"]),
        "import ipywidgets": lambda: time_command([PY, "-c", "import ipywidgets"]),
        "import ketatraining": lambda: time_command([PY, "-c", "import ketatraining"]),
        "from ketatraining import show_quiz (first use)": lambda: time_command(
            [PY, "-c", "from ketatraining import show_quiz"]),
    }
    print(f"{rounds} interleaved rounds")
    report(interleaved(cases, rounds), baseline="import ipywidgets")


if __name__ == "__main__":
    main()
