"""environment.yml (conda, Binder) must name the same packages and pins as pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_pins() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = {}
    for text in data["project"]["dependencies"]:
        requirement = Requirement(text)
        (spec,) = requirement.specifier  # exactly one specifier: an exact pin
        assert spec.operator == "==", f"{text}: runtime dependencies are pinned with =="
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _conda_pins() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert data["channels"] == ["conda-forge"]
    pins = {}
    for entry in data["dependencies"]:
        if isinstance(entry, dict):  # the pip: section
            for item in entry["pip"]:
                if item.strip() not in ("-e .", "."):
                    requirement = Requirement(item)
                    (spec,) = requirement.specifier
                    pins[canonicalize_name(requirement.name)] = spec.version
            continue
        name, _, version = entry.partition("==")
        if name.startswith("python") or name == "pip":
            continue
        pins[canonicalize_name(name)] = version
    return pins


def test_environment_yml_matches_pyproject() -> None:
    assert _conda_pins() == _pyproject_pins()


def test_environment_pins_python_311() -> None:
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in data["dependencies"]
