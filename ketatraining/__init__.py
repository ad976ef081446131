"""ketatraining: a Jupyter course on ketamine treatment for PTSD, and its quiz library.

Notebook helpers are imported lazily so that ``import ketatraining`` stays as cheap as
``import ipywidgets``: matplotlib, pydantic and SQLAlchemy load only when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "show_quiz": "ketatraining.widgets.quiz",
    "QuizWidget": "ketatraining.widgets.quiz",
    "show_progress": "ketatraining.widgets.progress",
    "show_references": "ketatraining.widgets.references",
    "show_figure": "ketatraining.widgets.figure",
    "show_completion": "ketatraining.widgets.completion",
    "load_quiz": "ketatraining.quiz.loading",
    "validate_paths": "ketatraining.quiz.loading",
    "open_store": "ketatraining.progress.store",
}

__all__ = [
    "QuizWidget",
    "__version__",
    "load_quiz",
    "open_store",
    "show_figure",
    "show_progress",
    "show_quiz",
    "show_references",
    "validate_paths",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'ketatraining' has no attribute '{name}'"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
