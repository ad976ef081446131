"""Run the course notebooks as JupyterLab would and read what the browser would receive.

nbclient records every widget state the kernel sends (``metadata.widgets``), exactly what
a browser gets. Hidden check cells answer quizzes and exercises in the kernel; none of
the feedback, explanations or keys they produce may reach that state. Only what a
learner's own clicks reveal may.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ketatraining.quiz.loading import CATALOG_FILES, load_quiz

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def revealing_texts() -> set[str]:
    texts: set[str] = set()
    for path in (ROOT / "quizzes").glob("*.yaml"):
        if path.name in CATALOG_FILES:
            continue
        for question in load_quiz(path).questions:
            texts.add(question.explanation)
            for option in getattr(question, "options", []):
                texts.add(option.feedback)
            for name in ("feedback_true", "feedback_false", "feedback_correct",
                         "feedback_incorrect"):
                if hasattr(question, name):
                    texts.add(getattr(question, name))
    return {t for t in texts if len(t) > 30}  # short generic phrases may legitimately recur


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_widget_state_sent_to_the_browser_holds_no_answer(path: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETATRAINING_DB", f"sqlite:///{tmp_path}/p.db")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    state = json.dumps(notebook.metadata.get("widgets", {}), ensure_ascii=False)
    assert '"kt-' in state  # the notebook's own widgets were recorded
    leaked = [t[:60] for t in revealing_texts() if json.dumps(t, ensure_ascii=False)[1:-1] in state]
    assert leaked == []


def test_unseen_widgets_draw_no_figures_and_restore_everything() -> None:
    import comm

    from ketatraining.widgets.checks import drawing_wanted, unseen_widgets
    from ketatraining.widgets.pk_explorer import PKExplorer

    original = comm.create_comm
    seen = PKExplorer(route="oral")
    assert "<img" in seen.figure.value
    with unseen_widgets():
        assert not drawing_wanted()
        unseen = PKExplorer(route="oral")
        unseen.dose.value = 1.0
        assert "reaches the circulation" in unseen.summary.value  # numbers and text: yes
        assert "<img" not in unseen.figure.value  # a figure nobody sees: no
    assert drawing_wanted() and comm.create_comm is original
