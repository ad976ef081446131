"""Learner mode: the learner's copy of the course is made, updated, and never loses work."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ketatraining.lab.launch import SETTINGS, WORKSPACES, lab_command, prepare, seed_workspace
from ketatraining.lab.learner_copy import (
    HELPER_LINE,
    MANIFEST,
    default_learner_dir,
    sync_course,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def _course(folder: Path) -> Path:
    (folder / "trainer").mkdir(parents=True)
    (folder / "trainer" / "dashboard.ipynb").write_text("trainer")
    (folder / "00-a.ipynb").write_text("a1")
    (folder / "01-b.ipynb").write_text("b1")
    (folder / "02-c.ipynb").write_text("c1")
    return folder


def test_first_run_copies_the_course_without_trainer_notebooks(tmp_path: Path) -> None:
    course, mine = _course(tmp_path / "course"), tmp_path / "mine"
    report = sync_course(course, mine)
    assert sorted(report.added) == ["00-a.ipynb", "01-b.ipynb", "02-c.ipynb"]
    assert sorted(p.name for p in mine.iterdir()) == [MANIFEST, "00-a.ipynb", "01-b.ipynb",
                                                      "02-c.ipynb"]
    assert (mine / "01-b.ipynb").read_text() == "b1"


def test_updates_follow_nbgitpullers_rules(tmp_path: Path) -> None:
    course, mine = _course(tmp_path / "course"), tmp_path / "mine"
    sync_course(course, mine)
    (mine / "00-a.ipynb").write_text("a1 + my answers")  # the learner worked in 00
    (mine / "02-c.ipynb").unlink()  # and deleted 02
    (course / "00-a.ipynb").write_text("a2")  # the course changed 00 and 01
    (course / "01-b.ipynb").write_text("b2")
    (course / "03-d.ipynb").write_text("d1")  # and added 03, which the learner also made
    (mine / "03-d.ipynb").write_text("my own notes")
    report = sync_course(course, mine, now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert (mine / "00-a.ipynb").read_text() == "a1 + my answers"  # the learner's work wins
    assert (mine / "00-a (course update).ipynb").read_text() == "a2"  # the update is beside it
    assert (mine / "01-b.ipynb").read_text() == "b2"  # untouched: updated
    assert (mine / "02-c.ipynb").read_text() == "c1"  # deleted: restored
    assert (mine / "03-d.ipynb").read_text() == "d1"
    assert (mine / "03-d_20261201090000.ipynb").read_text() == "my own notes"  # renamed
    assert report.updated == ["01-b.ipynb"] and report.restored == ["02-c.ipynb"]
    assert report.beside == ["00-a (course update).ipynb"]
    assert any("renamed" in line for line in report.lines())
    again = sync_course(course, mine)  # nothing new: nothing moves, the work stays
    assert again.beside == [] and again.updated == [] and again.renamed == []
    assert (mine / "00-a.ipynb").read_text() == "a1 + my answers"


def test_the_folder_is_the_data_folder_unless_named(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.delenv("KETATRAINING_LEARNER_DIR", raising=False)
    assert default_learner_dir().parts[-2:] == ("ketatraining", "course")
    monkeypatch.setenv("KETATRAINING_LEARNER_DIR", str(tmp_path / "here"))
    assert default_learner_dir() == tmp_path / "here"


def test_lab_uses_the_shipped_settings_and_opens_notebook_00(tmp_path: Path) -> None:
    (tmp_path / "00-welcome.ipynb").write_text("{}")
    command = lab_command(tmp_path, ["--no-browser"])
    assert f"--LabApp.app_settings_dir={SETTINGS}" in command
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert command[-1] == str(tmp_path / "00-welcome.ipynb") and "--no-browser" in command
    assert "--LabApp.custom_css=True" in command  # links underlined (settings/custom)
    (tornado,) = [a for a in command if a.startswith("--ServerApp.tornado_settings=")]
    (folder,) = json.loads(tornado.split("=", 1)[1])["static_custom_path"]
    assert "text-decoration: underline" in (Path(folder) / "custom.css").read_text()
    overrides = json.loads((SETTINGS / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    page = json.loads((SETTINGS / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"] is True
    # No extension manager asking a clinician to fetch from the internet and install code.
    assert page["disabledExtensions"]["@jupyterlab/extensionmanager-extension"] is True


def test_the_first_layout_has_the_side_panels_closed_and_the_learners_own_stays(
        tmp_path: Path) -> None:
    folder = prepare(tmp_path / "learner")
    assert f"--LabApp.workspaces_dir={folder / WORKSPACES}" in lab_command(folder)
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    manager = WorkspacesManager(str(folder / WORKSPACES))
    layout = manager.load("default")["data"]["layout-restorer:data"]
    # JupyterLab expands a side panel that names a current widget, whatever "collapsed" says
    assert layout["left"]["collapsed"] is True and "current" not in layout["left"]
    assert layout["right"]["collapsed"] is True and "current" not in layout["right"]
    assert "filebrowser" in layout["left"]["widgets"]  # one click away on the edge
    layout["left"]["collapsed"] = False  # the learner opens the file browser ...
    manager.save("default", json.dumps({"data": {"layout-restorer:data": layout},
                                        "metadata": {"id": "default"}}))
    prepare(folder)  # ... and the next make lab keeps it
    assert manager.load("default")["data"]["layout-restorer:data"]["left"]["collapsed"] is False
    assert seed_workspace(folder / WORKSPACES) is False
    assert not (folder / WORKSPACES).is_relative_to(ROOT)


def test_settings_match_jupyterlabs_own_schemas() -> None:
    """A misspelt setting would be ignored silently: every key must exist in the schema."""
    import jupyterlab

    schemas = Path(jupyterlab.__file__).parent / "schemas"
    overrides = json.loads((SETTINGS / "overrides.json").read_text())
    for plugin, values in overrides.items():
        package, name = plugin.rsplit(":", 1)
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        assert set(values) <= set(schema["properties"]), plugin


def test_make_lab_twice_keeps_the_learners_edit(tmp_path: Path) -> None:
    folder = tmp_path / "learner"
    command = [sys.executable, "-m", "ketatraining.lab", "--prepare-only", "--folder",
               str(folder)]
    first = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    assert str(folder) in first.stdout
    assert not (folder / "trainer").exists()
    welcome = folder / "00-welcome.ipynb"
    notebook = json.loads(welcome.read_text())
    course = json.loads((NOTEBOOKS / "00-welcome.ipynb").read_text())
    assert len(notebook["cells"]) == len(course["cells"])
    for mine, theirs in zip(notebook["cells"], course["cells"], strict=True):
        hidden = theirs["metadata"].get("jupyter", {}).get("source_hidden")
        expected = "".join(theirs["source"])
        if hidden and theirs["cell_type"] == "code":
            expected = HELPER_LINE + "\n" + expected  # what JupyterLab shows of a hidden cell
        assert "".join(mine["source"]) == expected
    notebook["cells"].append({"cell_type": "markdown", "id": "mine", "metadata": {},
                              "source": "My own note"})
    welcome.write_text(json.dumps(notebook))
    subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    assert "My own note" in welcome.read_text()


def test_stopping_the_launcher_stops_jupyterlab(tmp_path: Path) -> None:
    """kill <launcher> (a service manager, a closed terminal) must not orphan JupyterLab."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "child.pid"
    child = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    launcher = subprocess.Popen([sys.executable, "-c", (
        "import sys; from ketatraining.lab.launch import run_lab; "
        f"sys.exit(run_lab([sys.executable, '-c', {child!r}], None))")])
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the launcher never started its child"
            time.sleep(0.05)
        pid = int(pid_file.read_text())
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=30)
        deadline = time.monotonic() + 30
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "JupyterLab (the child) is still running"
            time.sleep(0.05)
    finally:
        launcher.kill()
