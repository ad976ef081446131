"""environment.yml (conda, Binder) must name the same packages and pins as pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scripts import tool

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


# --- requirements.lock: the whole environment, every package pinned with its hashes ----------

def test_lock_pins_every_pyproject_dependency_at_its_version() -> None:
    assert tool("check_lock").problems() == [], "run `make lock` and commit requirements.lock"


def test_environment_yml_versions_are_the_locked_versions() -> None:
    locked = tool("check_lock").lock_pins(ROOT / "requirements.lock")
    for name, version in _conda_pins().items():
        assert version in locked.get(name, set()), f"{name}: environment.yml {version}, lock {locked.get(name)}"


def test_every_locked_package_carries_a_sha256_hash() -> None:
    entries: list[list[str]] = []
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            entries.append([line])
        elif entries:
            entries[-1].append(line)
    assert len(entries) > 100  # the whole environment, not just the direct dependencies
    for entry in entries:
        assert "==" in entry[0], entry[0]
        assert any("--hash=sha256:" in line for line in entry), entry[0]


def test_a_dependency_added_without_make_lock_is_named(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"fpdf2==2.8.9",', '"fpdf2==2.8.9", "tabulate==0.9.0",'),
                         encoding="utf-8")
    found = tool("check_lock").problems(pyproject, ROOT / "requirements.lock")
    assert found == ["tabulate==0.9.0 is in pyproject.toml but not in requirements.lock"]


def test_a_changed_pin_without_make_lock_is_named(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"PyYAML==6.0.4"', '"PyYAML==6.0.1"'), encoding="utf-8")
    found = tool("check_lock").problems(pyproject, ROOT / "requirements.lock")
    assert found == ["pyyaml is 6.0.1 in pyproject.toml but 6.0.4 in requirements.lock"]


def test_makefile_installs_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(STAMP): pyproject.toml $(LOCK)" in makefile
    assert "pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK)" in makefile
    assert "--no-deps -e ." in makefile
