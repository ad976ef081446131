"""`import ketatraining` must stay cheap: heavy libraries load only when used.

(The speed itself is measured in benchmarks/bench_import.py; this checks the cause.)
"""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout
    return set(json.loads(output))


def test_import_ketatraining_loads_no_heavy_library() -> None:
    loaded = _modules_after("import ketatraining")
    for heavy in ("matplotlib", "ipywidgets", "pydantic", "sqlalchemy", "numpy", "yaml"):
        assert heavy not in loaded, f"import ketatraining imported {heavy}"


def test_data_layers_do_not_import_ui_libraries() -> None:
    loaded = _modules_after(
        "import ketatraining.quiz, ketatraining.progress, ketatraining.cli;"
        "from ketatraining.cli import build_parser; build_parser()"
    )
    for ui in ("matplotlib", "ipywidgets", "IPython"):
        assert ui not in loaded, f"the data layers or CLI imported {ui}"


def test_lazy_names_resolve() -> None:
    import ketatraining

    for name in ketatraining.__all__:
        assert getattr(ketatraining, name) is not None
