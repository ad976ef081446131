"""The declared public API: every name in a module's ``__all__`` imports, and no layer
(or notebook) reaches into another layer's private modules or names."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ketatraining"
PUBLIC = [
    "ketatraining.quiz", "ketatraining.quiz.model", "ketatraining.quiz.types",
    "ketatraining.quiz.types.base", "ketatraining.quiz.course", "ketatraining.quiz.grading",
    "ketatraining.analysis.tables", "ketatraining.analysis.results", "ketatraining.assessment",
    "ketatraining.certificate", "ketatraining.progress", "ketatraining.progress.summary",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_documented_name_imports(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} declares no __all__"
    for attribute in exported:
        assert hasattr(module, attribute), f"{name}.{attribute} is in __all__ but missing"


def _private_imports(source: str, layer: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith("ketatraining.")):
            continue
        parts = node.module.split(".")
        if parts[1] == layer:
            continue  # a layer may use its own private helpers
        names = [a.name for a in node.names if a.name.startswith("_")]
        if names or any(p.startswith("_") for p in parts[1:]):
            found.append(f"{node.module} {names}".strip())
    return found


def test_no_layer_imports_another_layers_private_parts() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        offenders += [f"{path.relative_to(ROOT)}: {hit}"
                      for hit in _private_imports(path.read_text(encoding="utf-8"), layer)]
    assert offenders == []


def test_notebooks_use_only_public_names() -> None:
    offenders = []
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            offenders += [f"{path.name}: {hit}"
                          for hit in _private_imports("\n".join(lines), "notebook")]
    assert offenders == []
