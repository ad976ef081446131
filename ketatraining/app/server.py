"""Lay out the app folder and run Voila on it (``python -m ketatraining.app``).

Voila serves one folder, so the launcher builds a temporary one: ``index.ipynb`` (the
landing page) plus the course notebooks as the app serves them (``course.py``). Voila runs on 127.0.0.1 only, with
a random token unless one is given, the ``ketatraining`` template (no CDN requests) and
``JUPYTER_PATH`` pointing at the template shipped in this package.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
import webbrowser
from collections.abc import Sequence
from pathlib import Path

from ketatraining.app.catalog import default_notebooks_dir
from ketatraining.app.course import LANDING_NAME, build_course
from ketatraining.app.stopping import StopRequested, start_voila, stop_signals, stop_voila

HERE = Path(__file__).resolve().parent
SHARE = HERE / "share"
TEMPLATE = "ketatraining"


def build_root(root: Path, notebooks: Path) -> Path:
    """Fill ``root`` with the landing page and the course as the app serves it."""
    return build_course(root, notebooks)


def app_environment(notebooks: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for Voila and its kernels: template path and the notebooks folder."""
    env = dict(os.environ if base is None else base)
    paths = [str(SHARE)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env["KETATRAINING_NOTEBOOKS_DIR"] = str(notebooks.resolve())
    return env


def voila_command(root: Path, *, port: int, token: str, ip: str = "127.0.0.1") -> list[str]:
    """The Voila command line for the app folder."""
    return [
        sys.executable, "-m", "ketatraining.app.voila_main", str(root), "--no-browser",
        f"--Voila.ip={ip}", f"--port={port}", "--Voila.port_retries=0",
        f"--token={token}", f"--template={TEMPLATE}", "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def app_url(port: int, token: str, ip: str = "127.0.0.1") -> str:
    return f"http://{ip}:{port}/voila/render/{LANDING_NAME}?token={token}"


def wait_until_up(port: int, token: str, process: subprocess.Popen[bytes],
                  timeout: float = 120.0, ip: str = "127.0.0.1") -> None:
    """Return once Voila answers; raise RuntimeError if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"Voila stopped before it was ready (exit code {process.returncode})."
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(f"http://{ip}:{port}/voila/tree?token={token}",
                                        timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    msg = f"Voila did not answer on port {port} within {timeout:.0f} s."
    raise RuntimeError(msg)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ketatraining.app",
        description="Serve the course as a code-free web app on this computer (Voila).")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--token", default=None,
                        help="access token (default: a new random one, shown in the link)")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="folder of course notebooks (default: the course's notebooks/)")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser; just print the link")
    args = parser.parse_args(argv)
    notebooks = (args.notebooks or default_notebooks_dir()).resolve()
    if not any(notebooks.glob("*.ipynb")):
        print(f"ketatraining app: no notebooks found in {notebooks}.", file=sys.stderr)
        return 1
    token = args.token or secrets.token_urlsafe(24)
    # kill, kill -INT, a closed terminal or Ctrl+C: Voila and its kernels stop, then this.
    try:
        with stop_signals():
            return serve(notebooks, args.port, token, open_browser=not args.no_browser)
    except StopRequested:
        return 0


def serve(notebooks: Path, port: int, token: str, *, open_browser: bool) -> int:
    """Run Voila on the app folder until it stops or the launcher is told to stop."""
    with tempfile.TemporaryDirectory(prefix="ketatraining-app-") as folder:
        root = build_root(Path(folder) / "course", notebooks)
        process = start_voila(voila_command(root, port=port, token=token),
                              app_environment(notebooks))
        try:
            wait_until_up(port, token, process)
            url = app_url(port, token)
            print(f"\nThe course is open at:\n\n    {url}\n\nPress Ctrl+C to stop.\n",
                  flush=True)
            if open_browser:
                webbrowser.open(url)
            return process.wait()
        except RuntimeError as error:
            print(f"ketatraining app: {error}", file=sys.stderr)
            return 1
        finally:
            stop_voila(process)
