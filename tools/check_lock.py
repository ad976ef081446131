"""Check that requirements.lock pins every dependency of pyproject.toml at the same version.

Runs with only the standard library (the Makefile calls it before .venv exists), so that a
dependency added to pyproject.toml without `make lock` stops the set-up with one sentence
instead of installing an environment that lacks it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;\\#]+)")


def canonical(name: str) -> str:
    """PEP 503 normal form, so `PyYAML` and `pyyaml` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins(path: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """Every exact pin in [project] dependencies and the optional groups."""
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    texts = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        texts.extend(group)
    pins = {}
    for text in texts:
        match = _PIN.match(text)
        if match is None:
            msg = f"pyproject.toml: {text!r} is not pinned exactly (name==version)"
            raise SystemExit(msg)
        pins[canonical(match.group(1))] = match.group(2)
    return pins


def lock_pins(path: Path = ROOT / "requirements.lock") -> dict[str, set[str]]:
    """The versions of each package in a requirements file (more than one where a marker
    splits them, e.g. one for Python 3.11 and one for 3.12+); hash lines are skipped."""
    pins: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match is not None:
            pins.setdefault(canonical(match.group(1)), set()).add(match.group(2))
    return pins


def problems(pyproject: Path = ROOT / "pyproject.toml",
             lock: Path = ROOT / "requirements.lock") -> list[str]:
    """One sentence per pyproject pin that the lock lacks or pins differently."""
    if not lock.exists():
        return [f"{lock.name} is missing: run `make lock`."]
    locked = lock_pins(lock)
    out = []
    for name, version in sorted(pyproject_pins(pyproject).items()):
        if name not in locked:
            out.append(f"{name}=={version} is in pyproject.toml but not in {lock.name}")
        elif version not in locked[name]:
            have = ", ".join(sorted(locked[name]))
            out.append(f"{name} is {version} in pyproject.toml but {have} in {lock.name}")
    return out


def main() -> int:
    found = problems()
    for line in found:
        print(f"check_lock: {line}", file=sys.stderr)
    if found:
        print("check_lock: run `make lock` to update requirements.lock, then commit it.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
