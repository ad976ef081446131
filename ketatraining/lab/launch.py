"""Create or update the learner's copy, then run JupyterLab on it with the course settings.

The settings (``settings/overrides.json`` and ``settings/page_config.json``) are the
JupyterLab application settings of learner mode: JupyterLab reads them from
``--LabApp.app_settings_dir``. They switch off the news pop-up and update checks
(``fetchNews``, ``checkForUpdates``, the announcements plugin), so nothing is fetched from
the internet and nothing asks the learner a question before the course opens.

``settings/custom/custom.css`` underlines the links in the course text (JupyterLab marks
them by colour alone); it is served as JupyterLab's custom CSS (``--LabApp.custom_css``
with the server's ``static_custom_path`` pointed at it, which replaces any
``tornado_settings`` of the learner's own Jupyter configuration while the course runs).

The learner's first layout is ``settings/workspace.json``, JupyterLab's default workspace
for the copy (in its hidden ``.workspaces`` folder): the side panels start closed, so
the notebook has the width of the window (JupyterLab's own default gives the file
browser a quarter of it at 1280 px and more once the window was narrowed). Their icons
stay on the edge, one click away; after that JupyterLab keeps the learner's own layout.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ketatraining.app.catalog import default_notebooks_dir
from ketatraining.lab.learner_copy import default_learner_dir, sync_course
from ketatraining.quiz.loading import default_quiz_dir

SETTINGS = Path(__file__).resolve().parent / "settings"
CUSTOM_CSS = SETTINGS / "custom"
"""JupyterLab's custom CSS folder in learner mode (``custom.css``)."""
WORKSPACE = SETTINGS / "workspace.json"
WORKSPACES = ".workspaces"
"""The copy's JupyterLab workspaces (hidden: the file browser does not list it)."""
FIRST_PAGE = "00-welcome.ipynb"


def lab_command(folder: Path, extra: Sequence[str] = ()) -> list[str]:
    """JupyterLab on the learner's folder, with learner-mode settings, nothing fetched."""
    command = [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
        f"--LabApp.app_settings_dir={SETTINGS}", "--LabApp.news_url=None",
        f"--LabApp.workspaces_dir={folder / WORKSPACES}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.custom_css=True",
        "--ServerApp.tornado_settings=" + json.dumps({"static_custom_path": [str(CUSTOM_CSS)]}),
        *extra,
    ]
    if (folder / FIRST_PAGE).exists():
        command.append(str(folder / FIRST_PAGE))  # a path JupyterLab opens at start
    return command


def lab_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The course's quizzes are found from the learner's folder too."""
    env = dict(os.environ if base is None else base)
    env.setdefault("KETATRAINING_QUIZ_DIR", str(default_quiz_dir()))
    return env


def seed_workspace(workspaces: Path, *, replace: bool = False) -> bool:
    """Give JupyterLab the course's first layout, unless the learner already has one
    (``replace``: start again from it); True when it was written."""
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    manager = WorkspacesManager(str(workspaces))
    if not replace and manager.load("default").get("data"):  # the learner's layout stays
        return False
    manager.save("default", WORKSPACE.read_text(encoding="utf-8"))
    return True


def prepare(folder: Path | None = None, course: Path | None = None) -> Path:
    """Create or update the learner's copy and say what happened; return its folder."""
    folder = (folder or default_learner_dir()).resolve()
    report = sync_course((course or default_notebooks_dir()).resolve(), folder)
    seed_workspace(folder / WORKSPACES)
    print(f"Your copy of the course is in {folder}", flush=True)
    for line in report.lines():
        print(line, flush=True)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ketatraining.lab",
        description="Open your own copy of the course in JupyterLab.")
    parser.add_argument("--folder", type=Path, default=None,
                        help="your course folder (default: $KETATRAINING_LEARNER_DIR or your "
                             "data folder)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="create or update the copy, then stop (no JupyterLab)")
    args, extra = parser.parse_known_args(argv)
    folder = prepare(args.folder)
    if args.prepare_only:
        return 0
    return run_lab(lab_command(folder, extra), lab_environment())


def run_lab(command: Sequence[str], env: dict[str, str] | None) -> int:
    """Run JupyterLab until it stops; a SIGTERM or SIGHUP to this launcher stops it too.

    A service manager or a closed terminal signals the launcher only: without passing the
    signal on, JupyterLab and its kernels would go on running with nobody to stop them.
    Ctrl+C reaches both (the terminal signals the whole group).
    """
    process = subprocess.Popen(list(command), env=env)

    def stop(signum: int, _frame: object) -> None:
        if process.poll() is None:
            process.terminate()  # JupyterLab shuts its kernels down on SIGTERM

    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
