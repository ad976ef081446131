"""Validate every course bank's QTI 3.0 package against 1EdTech's own XSDs.

A developer's check, not part of ``make test``: the XSDs are 1EdTech's files, which no
PyPI, npm or Debian package ships, so the project cannot carry them (the test suite
checks the packages element by element against the schema's rules instead, in
tests/interop/test_qti.py). Point ``--xsd`` at a folder holding 1EdTech's QTI 3.0 XSD
set (``imsqtiv3p0_imscpv1p2_v1p0.xsd`` for the manifest, ``imsqti_asiv3p0_v1p0.xsd`` for
items and tests, and the files they import, under their own names). Needs ``lxml``
(``pip install lxml`` in any environment with this project installed). Usage::

    python scripts/check_qti_xsd.py --xsd ~/src/qti3-xsd

Each file the package holds is validated against the schema for its kind; a kind whose
XSD is not in the folder is reported as not checked. Exit 0 when every checked file is
valid and every kind was checked, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import zipfile
from pathlib import Path

from ketatraining.interop.qti import write_qti_package
from ketatraining.quiz.loading import CATALOG_FILES, check_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = {"manifest": "imsqtiv3p0_imscpv1p2_v1p0.xsd", "item": "imsqti_asiv3p0_v1p0.xsd",
           "test": "imsqti_asiv3p0_v1p0.xsd"}


def kind(name: str) -> str:
    if name == "imsmanifest.xml":
        return "manifest"
    return "item" if name.startswith("items/") else "test"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xsd", type=Path, required=True, help="folder of 1EdTech's XSDs")
    args = parser.parse_args(argv)
    try:
        from lxml import etree
    except ImportError:
        parser.error("this check needs lxml: pip install lxml")
    schemas = {}
    for what, name in SCHEMAS.items():
        if (args.xsd / name).is_file():
            schemas[what] = etree.XMLSchema(etree.parse(str(args.xsd / name)))
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in SCHEMAS}  # valid, invalid, unchecked
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="qti-xsd-") as scratch:
        for path in sorted((ROOT / "quizzes").glob("*.yaml")):
            if path.name in CATALOG_FILES:
                continue
            quiz, _ = check_file(path)
            if quiz is None:
                failures.append(f"{path.name}: not a valid quiz")
                continue
            target = Path(scratch) / f"{quiz.id}.zip"
            write_qti_package(quiz, target)
            with zipfile.ZipFile(target) as archive:
                for name in archive.namelist():
                    what = kind(name)
                    schema = schemas.get(what)
                    if schema is None:
                        counts[what][2] += 1
                        continue
                    document = etree.parse(io.BytesIO(archive.read(name)))
                    if schema.validate(document):
                        counts[what][0] += 1
                    else:
                        counts[what][1] += 1
                        failures += [f"{quiz.id}.zip/{name}:{e.line}: {e.message}"
                                     for e in schema.error_log]
    for what, (valid, invalid, unchecked) in counts.items():
        schema = SCHEMAS[what]
        note = f", {unchecked} NOT checked ({schema} is not in {args.xsd})" if unchecked else ""
        print(f"{what}: {valid} valid, {invalid} invalid against {schema}{note}")
    for line in failures:
        print("  " + line)
    return 1 if failures or any(c[1] or c[2] for c in counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
