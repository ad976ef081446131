"""nbval time per course notebook against an empty notebook that imports ipywidgets.

Target: each course notebook costs at most 1.5x the empty one under nbval.

    .venv/bin/python benchmarks/bench_nbval.py [rounds]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat
from _timing import time_command

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def nbval(path: Path, env: dict[str, str]) -> float:
    return time_command([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                         "--nbval-current-env", "--nbval-sanitize-with",
                         str(ROOT / "tests/nbval-sanitize.cfg"), str(path)], env=env)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.ipynb"
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import ipywidgets")])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(notebook, empty)
        env = dict(os.environ, KETATRAINING_DB=f"sqlite:///{tmp}/p.db",
                   KETATRAINING_LEARNER="nbval")
        notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
        times: dict[str, list[float]] = {"empty (import ipywidgets)": []}
        times.update({p.relative_to(ROOT).as_posix(): [] for p in notebooks})
        for _ in range(rounds):
            times["empty (import ipywidgets)"].append(nbval(empty, env))
            for path in notebooks:
                Path(f"{tmp}/p.db").unlink(missing_ok=True)
                times[path.relative_to(ROOT).as_posix()].append(nbval(path, env))
    base = times["empty (import ipywidgets)"]
    print(f"{rounds} rounds; each notebook timed right after the empty one in the same round")
    for name, values in times.items():
        ratios = [v / b for v, b in zip(values, base, strict=True)]
        print(f"{name:52s} median {statistics.median(values):6.2f} s  "
              f"ratio to empty: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
