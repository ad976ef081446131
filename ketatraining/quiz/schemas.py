"""JSON Schemas generated from the models, shipped so editors can check quiz files.

Each quiz file starts with ``# yaml-language-server: $schema=...quiz.schema.json``,
which editors with the YAML language server (VS Code, JupyterLab LSP) use to
autocomplete keys and flag mistakes while the trainer types.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ketatraining.quiz.catalog import Bibliography, Objectives
from ketatraining.quiz.model import Quiz

SCHEMA_FILES: dict[str, tuple[type[BaseModel], str]] = {
    "quiz.schema.json": (Quiz, "ketatraining quiz file (schema_version 1)"),
    "references.schema.json": (Bibliography, "ketatraining bibliography (references.yaml)"),
    "objectives.schema.json": (Objectives, "ketatraining learning objectives (objectives.yaml)"),
}


def schema_for(name: str) -> dict[str, Any]:
    model, title = SCHEMA_FILES[name]
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **{
        k: v for k, v in schema.items() if k != "title"}}


def schema_text(name: str) -> str:
    return json.dumps(schema_for(name), indent=2, ensure_ascii=False) + "\n"
