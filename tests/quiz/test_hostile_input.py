"""Hostile and broken quiz files: each rejected with its exact code, nothing runs.

The text corpus lives in tests/data/hostile/; binary junk and files over the size
limit are generated here at test time. For every file we check: the exact set of
error codes; that no code ran (no marker file, no call to os.system, subprocess,
exec or PyYAML's object-constructing loaders); that memory stayed bounded
(tracemalloc peak); and a generous time bound that only catches a runaway (real
speed is measured in benchmarks/).
"""

from __future__ import annotations

import codecs
import os
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from ketatraining.quiz import yamlsource
from ketatraining.quiz.loading import Catalog, check_file, load_catalog
from ketatraining.quiz.problems import Problem
from ketatraining.quiz.validation import MAX_PROBLEMS

DATA = Path(__file__).resolve().parents[1] / "data"
HOSTILE = DATA / "hostile"
MARKER = Path("/tmp/ketatraining-hostile-marker")  # what the tags in the corpus would create
SECONDS = 5.0
PEAK_BYTES = 96 * 1024 * 1024

EXPECTED: dict[str, set[str]] = {
    # object-constructing and other tags
    "tag-python-object-apply.yaml": {"KQ012"},
    "tag-python-object-new.yaml": {"KQ012"},
    "tag-python-name.yaml": {"KQ012"},
    "tag-python-module.yaml": {"KQ012"},
    "tag-python-object-on-mapping.yaml": {"KQ012"},
    "tag-on-question.yaml": {"KQ012"},
    "tag-local.yaml": {"KQ012"},
    "tag-verbatim.yaml": {"KQ012"},
    "tag-directive.yaml": {"KQ012"},
    "tag-set.yaml": {"KQ012"},
    "tag-binary.yaml": {"KQ012"},
    "tag-timestamp.yaml": {"KQ012"},
    # anchors and aliases (the "billion laughs" bomb needs them)
    "alias-billion-laughs.yaml": {"KQ013"},
    "alias-merge-key.yaml": {"KQ013"},
    "alias-as-key.yaml": {"KQ013"},
    "anchor-alone.yaml": {"KQ013"},
    # nesting
    "nesting-flow-lists.yaml": {"KQ014"},
    "nesting-flow-mappings.yaml": {"KQ014"},
    "nesting-block.yaml": {"KQ014"},
    # not one quiz
    "empty-file.yaml": {"KQ015"},
    "only-comments.yaml": {"KQ015"},
    "plain-text.yaml": {"KQ015"},
    "null-document.yaml": {"KQ015"},
    "a-number.yaml": {"KQ015"},
    "three-documents.yaml": {"KQ015"},
    # YAML syntax
    "unclosed-quote.yaml": {"KQ010"},
    "tab-indentation.yaml": {"KQ010"},
    "unclosed-flow.yaml": {"KQ010"},
    "colon-in-plain-text.yaml": {"KQ010"},
    "duplicate-top-level-key.yaml": {"KQ011"},
    "complex-key.yaml": {"KQ103"},
    # characters that hide or spoof text
    "nul-byte.yaml": {"KQ004"},
    "terminal-escape.yaml": {"KQ004"},
    "backspace-spoof.yaml": {"KQ004"},
    "c1-control.yaml": {"KQ004"},
    "noncharacter.yaml": {"KQ004"},
    "right-to-left-override.yaml": {"KQ005"},
    "right-to-left-isolate.yaml": {"KQ005"},
    "left-to-right-embedding.yaml": {"KQ005"},
    # wrong types and values
    "questions-is-text.yaml": {"KQ103"},
    "question-is-a-list.yaml": {"KQ103"},
    "options-is-a-mapping.yaml": {"KQ103"},
    "huge-integer.yaml": {"KQ017"},
    "nan-pass-mark.yaml": {"KQ103", "KQ210"},
    "infinite-points.yaml": {"KQ103"},
    "id-is-true.yaml": {"KQ103"},
    "id-is-a-number.yaml": {"KQ103"},
    "id-too-long.yaml": {"KQ105"},
    "id-path-traversal.yaml": {"KQ105"},
    "title-is-null.yaml": {"KQ103"},
    "correct-is-yes-string.yaml": {"KQ103", "KQ203"},
}

VALID = (DATA / "bad" / "kq203-two-correct-options.yaml").read_text().replace(
    "        text: That one\n        correct: true\n", "        text: That one\n")


def _valid(stem: str) -> str:
    return VALID.replace("kq203-two-correct-options", stem)


def _huge_questions(size: int) -> bytes:
    block = _valid("x").split("questions:\n", 1)[1]
    head = _valid("x").split("questions:\n", 1)[0] + "questions:\n"
    body = [head]
    total, n = len(head), 0
    while total < size:
        item = block.replace("id: q1", f"id: q{n}")
        body.append(item)
        total += len(item)
        n += 1
    return "".join(body).encode()


# name -> (bytes factory, expected error codes); made in tmp_path at test time
GENERATED: dict[str, tuple[Callable[[str], bytes], set[str]]] = {
    "binary-zip.yaml": (lambda s: b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 8,
                        {"KQ003"}),  # its 0x80 byte fails UTF-8 before any control check
    "binary-png.yaml": (lambda s: b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(4000),
                        {"KQ003"}),
    "binary-elf.yaml": (lambda s: b"\x7fELF\x02\x01\x01" + b"\x00" * 2000, {"KQ004"}),
    "binary-random.yaml": (lambda s: random.Random(2).randbytes(65536), {"KQ003"}),
    "utf16-with-bom.yaml": (lambda s: codecs.BOM_UTF16_LE + _valid(s).encode("utf-16-le"),
                            {"KQ003"}),
    "latin1-accents.yaml": (lambda s: _valid(s).replace("This one", "Café one").encode("latin-1"),
                            {"KQ003"}),
    "utf8-overlong-slash.yaml": (lambda s: _valid(s).encode().replace(b"This", b"\xc0\xafThis"),
                                 {"KQ003"}),
    "utf8-surrogate.yaml": (lambda s: _valid(s).encode().replace(b"This", b"\xed\xa0\x80This"),
                            {"KQ003"}),
    "utf8-truncated-at-end.yaml": (lambda s: _valid(s).encode() + b"# caf\xc3", {"KQ003"}),
    "over-limit-questions.yaml": (lambda s: _huge_questions(yamlsource.MAX_BYTES + 1),
                                  {"KQ002"}),
    "over-limit-one-line.yaml": (lambda s: b"title: " + b"x" * yamlsource.MAX_BYTES,
                                 {"KQ002"}),
    "at-limit-comments.yaml": (lambda s: (b"# " + b"x" * 97 + b"\n") * (yamlsource.MAX_BYTES
                                                                        // 100), {"KQ015"}),
    "many-unknown-keys.yaml": (lambda s: _valid(s).encode() + "".join(
        f"k{i}: v\n" for i in range(5_000)).encode(), {"KQ101"}),
    "many-duplicate-keys.yaml": (lambda s: _valid(s).encode() + b"title: again\n" * 5_000,
                                 {"KQ011"}),
    "key-flood.yaml": (lambda s: _valid(s).encode() + "".join(
        f"k{i}: v\n" for i in range(30_000)).encode(), {"KQ016"}),
    "duplicate-key-flood.yaml": (lambda s: _valid(s).encode() + b"title: again\n" * 30_000,
                                 {"KQ011", "KQ016"}),
    "list-flood.yaml": (lambda s: b"schema_version: 1\nquestions:\n" + b"  - x\n" * 30_000,
                        {"KQ016"}),
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DATA / "bad")


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record any attempt to run a command or construct Python objects from YAML."""
    calls: list[str] = []

    def forbid(name: str) -> Callable[..., object]:
        def called(*args: object, **kwargs: object) -> object:
            calls.append(name)
            raise AssertionError(f"{name} was called while reading a quiz")
        return called

    for module, name in [(os, "system"), (os, "popen"), (subprocess, "Popen"),
                         (yaml, "load"), (yaml, "unsafe_load"), (yaml, "full_load"),
                         (yaml, "load_all"), (yaml, "unsafe_load_all"),
                         (yaml, "full_load_all")]:
        monkeypatch.setattr(module, name, forbid(f"{module.__name__}.{name}"))
    # builtins.exec is not patched: imports use it. The tags that would call exec()
    # write the marker file instead, and the marker is checked.
    MARKER.unlink(missing_ok=True)
    return calls


def guarded_check(path: Path, catalog: Catalog) -> tuple[list[Problem], float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        quiz, problems = check_file(path, catalog)
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert quiz is None
    return problems, elapsed, peak


def assert_rejected(path: Path, expected: set[str], catalog: Catalog,
                    calls: list[str]) -> None:
    problems, elapsed, peak = guarded_check(path, catalog)
    errors = {p.code for p in problems if p.severity == "error"}
    assert errors == expected, [p.format() for p in problems][:5]
    assert calls == []
    assert not MARKER.exists(), "a YAML tag ran code"
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.0f} MiB"
    for problem in problems:
        assert problem.path == str(path)
        assert problem.hint
        assert "\n" not in problem.message


def test_the_corpus_holds_at_least_40_bad_files() -> None:
    on_disk = {p.name for p in HOSTILE.glob("*.yaml")}
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) + len(GENERATED) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_rejected_with_its_code(name: str, catalog: Catalog,
                                                nothing_runs: list[str]) -> None:
    assert_rejected(HOSTILE / name, EXPECTED[name], catalog, nothing_runs)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_junk_is_rejected_with_its_code(name: str, catalog: Catalog,
                                                  nothing_runs: list[str],
                                                  tmp_path: Path) -> None:
    make, expected = GENERATED[name]
    path = tmp_path / name
    path.write_bytes(make(path.stem))
    assert_rejected(path, expected, catalog, nothing_runs)


def test_a_huge_file_is_refused_before_it_is_decoded(tmp_path: Path, catalog: Catalog,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"a" * (yamlsource.MAX_BYTES + 1))
    monkeypatch.setattr(yamlsource, "parse_yaml", lambda *a: pytest.fail("parsed"))
    (problem,) = check_file(path, catalog)[1]
    assert problem.code == "KQ002"
    assert f"{yamlsource.MAX_BYTES:,}" in problem.message


@pytest.mark.parametrize("name", ["many-unknown-keys.yaml", "many-duplicate-keys.yaml"])
def test_a_flood_of_problems_is_cut_short_and_says_so(tmp_path: Path, catalog: Catalog,
                                                      name: str) -> None:
    path = tmp_path / name
    path.write_bytes(GENERATED[name][0](path.stem))
    problems = check_file(path, catalog)[1]
    assert len(problems) == MAX_PROBLEMS + 1
    assert "more problems were found but not listed" in problems[0].message
    assert problems[0].line is None  # a note on the whole file, shown first


@pytest.mark.parametrize("name", ["tag-python-object-apply.yaml", "tag-on-question.yaml"])
def test_the_corpus_is_live_an_unsafe_loader_would_run_it(name: str) -> None:
    """Proves the marker check above can fail: PyYAML's unsafe loader runs these files."""
    MARKER.unlink(missing_ok=True)
    code = f"import yaml; yaml.unsafe_load(open({str(HOSTILE / name)!r}).read())"
    subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    try:
        assert MARKER.exists()
    finally:
        MARKER.unlink(missing_ok=True)


# -- files that must be accepted -----------------------------------------------------
@pytest.mark.parametrize(("name", "encode"), [
    ("with-bom", lambda text: codecs.BOM_UTF8 + text.encode()),
    ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
    ("bom-and-crlf", lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()),
    ("no-final-newline", lambda text: text.rstrip("\n").encode()),
    ("accents-and-emoji", lambda text: text.replace("This one", "Ça va — 🧠 ok").encode()),
])
def test_harmless_variations_are_accepted(name: str, encode: Callable[[str], bytes],
                                          tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(encode(_valid(name)))
    quiz, problems = check_file(path, catalog)
    assert [p.format() for p in problems] == []
    assert quiz is not None
    assert quiz.id == name
    assert quiz.questions[0].prompt == "Which one is right?"  # no stray \r or BOM


def test_crlf_positions_are_still_right(tmp_path: Path, catalog: Catalog) -> None:
    text = (DATA / "bad" / "kq204-no-correct-option.yaml").read_text()
    path = tmp_path / "kq204-no-correct-option.yaml"
    path.write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode())
    (problem,) = check_file(path, catalog)[1]
    assert (problem.code, problem.line, problem.column) == ("KQ204", 10, 5)


# -- the command line over the whole corpus -----------------------------------------
def test_validate_over_the_whole_corpus_names_every_file_without_a_traceback(
        tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name in ("references.yaml", "objectives.yaml"):
        (folder / name).write_bytes((DATA / "bad" / name).read_bytes())
    for path in HOSTILE.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    for name, (make, _codes) in GENERATED.items():
        (folder / name).write_bytes(make(name[:-5]))
    MARKER.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-m", "ketatraining.cli", "validate",
                             "--format", "json", str(folder)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not MARKER.exists()
    import json

    reported = {Path(p["path"]).name for p in json.loads(result.stdout)["problems"]}
    # objectives.yaml: no valid quiz in the corpus assesses its objective (KQ306).
    assert reported == set(EXPECTED) | set(GENERATED) | {"objectives.yaml"}
