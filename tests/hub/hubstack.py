"""A real JupyterHub with the course server, started once for the hub tests.

What runs, all on 127.0.0.1 and free ports, in a temporary folder:
- a throwaway PostgreSQL (the fixture of tests/progress), with the service's own role;
- JupyterHub (PyPI), DummyAuthenticator, SimpleLocalProcessSpawner, the proxy from the
  npm registry's configurable-http-proxy (``make proxy`` installs it in tools/chp);
- the hub configured with ``deploy/jupyterhub_config_ketatraining.py``, the file
  docs/deployment.md tells operators to install, plus the test's users and group;
- ``ketatraining serve`` as the hub's external service, as the docs run it.

alice's single-user server is really spawned (her server's environment and files are
checked, and her "kernel" is a Python process with exactly that environment); bob and
carol use API tokens the hub issues them, which is what a learner's or trainer's
token looks like to the service. Missing pieces skip with a clear message; under
CI=true they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from progress.conftest import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
HUB_CONFIG_SNIPPET = ROOT / "deploy" / "jupyterhub_config_ketatraining.py"
CHP = ROOT / "tools" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
VENV_BIN = Path(sys.executable).parent
SERVICE_PASSWORD = "service-" + secrets.token_hex(8)

QUIZ = """\
schema_version: 1
id: final-check
title: Final check
topic: risks
pass_mark: 60
max_attempts: 2
questions:
  - id: bp
    type: true_false
    prompt: Blood pressure rises during a ketamine infusion.
    answer: true
    feedback_true: KEYFEEDBACK-TRUE-7Q
    feedback_false: KEYFEEDBACK-FALSE-7Q
    explanation: KEYEXPLANATION-BP-7Q
    references: [ref1]
    objective: obj1
  - id: dose
    type: numeric
    prompt: 0.5 mg/kg for 80 kg?
    value: 40.25
    units: mg
    tolerance: 0.125
    feedback_correct: KEYFEEDBACK-RIGHT-DOSE-7Q
    feedback_incorrect: KEYFEEDBACK-WRONG-DOSE-7Q
    explanation: KEYEXPLANATION-DOSE-7Q
    references: [ref1]
    objective: obj1
  - id: watch
    type: single_choice
    prompt: What do you monitor?
    explanation: KEYEXPLANATION-WATCH-7Q
    references: [ref1]
    objective: obj1
    options:
      - {id: a, text: Blood pressure, correct: true, feedback: KEYFEEDBACK-A-7Q}
      - {id: b, text: Nothing, feedback: KEYFEEDBACK-B-7Q}
"""
KEY_MARKERS = ("KEYFEEDBACK", "KEYEXPLANATION", "40.25", "0.125", '"correct": true',
               "correct: true", "answer: true")
QUESTION_KEYS = {
    "bp": ("KEYFEEDBACK-TRUE", "KEYFEEDBACK-FALSE", "KEYEXPLANATION-BP"),
    "dose": ("40.25", "0.125", "KEYFEEDBACK-RIGHT-DOSE", "KEYFEEDBACK-WRONG-DOSE",
             "KEYEXPLANATION-DOSE"),
    "watch": ("KEYFEEDBACK-A", "KEYFEEDBACK-B", "KEYEXPLANATION-WATCH", '"correct": true'),
}
"""Each question's key material: none of it may appear before that question is answered."""
RIGHT = {"bp": True, "dose": 40.25, "watch": "a"}
WRONG = {"bp": False, "dose": 1.0, "watch": "b"}
REFERENCES = """\
schema_version: 1
references:
  ref1: {authors: [Doe J], title: A study, journal: J Test, year: 2020, doi: 10.1000/test}
"""
OBJECTIVES = """\
schema_version: 1
objectives:
  obj1: {text: Know the test., topic: risks}
"""
COURSE = """\
schema_version: 1
title: Test course
version: "2.1"
disclaimer: Education, not medical advice.
completion:
  required_quizzes: [final-check]
"""

WELCOME = (ROOT / "quizzes" / "welcome.yaml").read_text(encoding="utf-8")


def _welcome_variant(quiz_id: str, old: str, new: str) -> str:
    """welcome.yaml with one top-level setting line replaced (never a comment's words)."""
    text = WELCOME.replace("\nid: welcome\n", f"\nid: {quiz_id}\n", 1)
    assert f"\nid: {quiz_id}\n" in text and f"\n{old}\n" in text
    return text.replace(f"\n{old}\n", f"\n{new}\n", 1)


WIDGET_QUIZZES = {
    "welcome.yaml": WELCOME,
    "welcome-retry.yaml": _welcome_variant("welcome-retry", "shuffle: false", "shuffle: true"),
    "welcome-once.yaml": _welcome_variant("welcome-once", "shuffle: false", "max_attempts: 1"),
}
"""The course's sample quiz and two variants, served too: the quiz widget's own tests run
against both implementations of the seam on these (tests/widgets/test_quiz_widget.py)."""


def _with_course(course_file: str, extra: str) -> str:
    """The course's catalogue file with the test quiz's entries appended to its mapping."""
    text = (ROOT / "quizzes" / course_file).read_text(encoding="utf-8").rstrip("\n")
    entries = [line for line in extra.splitlines() if line.startswith("  ")]
    return text + "\n" + "\n".join(entries) + "\n"


http = httpx.Client(timeout=120)
"""For the tests' own requests: generous timeouts, as the shared test machine is slow."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60,
               ok: tuple[int, ...] = (200,)) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} exited early:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code in ok:
                return
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@dataclass
class ServiceProcess:
    """One replica of ``ketatraining serve``, started with the environment the docs give it."""

    env: dict[str, str]
    port: int
    log: Path
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/services/ketatraining/"

    def start(self) -> None:
        with self.log.open("ab") as handle:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "ketatraining"), "serve", "--port", str(self.port), *self.args],
                env=self.env, stdout=handle, stderr=subprocess.STDOUT)
        _wait_http(self.url + "api/health", self.process, self.log, timeout=180)

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flushing, as a crash or an OOM kill."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class HubStack:
    base: Path
    hub_url: str
    """The proxy's public URL, e.g. http://127.0.0.1:PORT/"""
    admin_token: str
    service: ServiceProcess
    db_url: str
    owner_url: str
    quiz_dir: Path
    keyfree_dir: Path
    homes: Path
    tokens: dict[str, str] = field(default_factory=dict)
    alice_env: dict[str, str] = field(default_factory=dict)
    clients: list[object] = field(default_factory=list)

    @property
    def service_url(self) -> str:
        """What learners' kernels use: the service through the hub's proxy."""
        return self.hub_url + "services/ketatraining/"

    def api(self, method: str, path: str, **kwargs: object) -> object:
        import httpx

        response = httpx.request(method, self.hub_url + "hub/api/" + path, timeout=30,
                                 headers={"Authorization": f"token {self.admin_token}"},
                                 **kwargs)  # type: ignore[arg-type]
        response.raise_for_status()
        return response.json() if response.content else None

    def token_for(self, user: str) -> str:
        if user not in self.tokens:
            reply = self.api("POST", f"users/{user}/tokens", json={"note": "hub tests"})
            self.tokens[user] = reply["token"]  # type: ignore[index]
        return self.tokens[user]

    def assessment(self, user: str) -> object:
        from ketatraining.assessment.hub import HubAssessment

        client = HubAssessment(self.service_url, self.token_for(user))
        self.clients.append(client)  # closed when the stack stops (no stray sockets)
        return client


def _write_course(base: Path, quiz_files: dict[str, str]) -> tuple[Path, Path]:
    quiz_dir = base / "service" / "quizzes"
    quiz_dir.mkdir(parents=True)
    for name, text in quiz_files.items():
        (quiz_dir / name).write_text(text)
    (quiz_dir / "references.yaml").write_text(_with_course("references.yaml", REFERENCES))
    (quiz_dir / "objectives.yaml").write_text(_with_course("objectives.yaml", OBJECTIVES))
    course = base / "service" / "course.yaml"
    course.write_text(COURSE)
    return quiz_dir, course


def _service_database(server: PostgresServer) -> tuple[str, str]:
    """The service's role and database, created with the guide's own SQL."""
    from deployment_sql import setup_as_documented

    name = f"ketatraining_{secrets.token_hex(4)}"
    setup_as_documented(server, name, SERVICE_PASSWORD)
    url = (f"postgresql+psycopg://kt_service:{SERVICE_PASSWORD}@{server.host}:{server.port}/"
           f"{name}")
    return url, server.url(name)


def _hub_config(base: Path, stack: dict[str, object]) -> Path:
    homes = base / "homes"
    args = ["--allow-root"] if os.geteuid() == 0 else []
    config = base / "jupyterhub_config.py"
    config.write_text(textwrap.dedent(f"""\
        c = get_config()  # noqa
        c.JupyterHub.ip = "127.0.0.1"
        c.JupyterHub.port = {stack['public_port']}
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = {stack['hub_port']}
        c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{stack['proxy_api_port']}"
        c.ConfigurableHTTPProxy.auth_token = {secrets.token_hex(16)!r}
        c.JupyterHub.db_url = "sqlite:///{base / 'jupyterhub.sqlite'}"
        c.JupyterHub.cookie_secret_file = "{base / 'cookie_secret'}"
        c.JupyterHub.pid_file = "{base / 'jupyterhub.pid'}"
        c.JupyterHub.authenticator_class = "dummy"
        c.Authenticator.allowed_users = {{"alice", "bob", "carol"}}
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
        c.Spawner.cmd = [{str(VENV_BIN / 'jupyterhub-singleuser')!r}]
        c.Spawner.args = {args!r}
        c.Spawner.start_timeout = 60
        c.Spawner.http_timeout = 60
        c.Spawner.environment = {{"PATH": {os.environ.get('PATH', '')!r}}}
        c.JupyterHub.load_groups = {{"ketatraining-trainers": {{"users": ["carol"]}}}}
        c.JupyterHub.services = [{{"name": "test-admin", "api_token": {stack['admin_token']!r}}}]
        c.JupyterHub.load_roles = [{{"name": "test-admin", "services": ["test-admin"],
            "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens",
                       "admin:groups"]}}]
        """) + HUB_CONFIG_SNIPPET.read_text())
    return config


class HubMissing(RuntimeError):
    """A component of the stack is not installed; the message says how to get it."""


def missing_components() -> str | None:
    if not CHP.exists():
        return ("the hub tests need configurable-http-proxy from the npm registry; run "
                "'make proxy' (npm ci in tools/chp)")
    if not (VENV_BIN / "jupyterhub").exists():
        return "the hub tests need JupyterHub (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def hub_stack(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[HubStack]:
    missing = missing_components()
    if missing:
        _missing(missing)
    quizzes = {"final-check.yaml": QUIZ, **WIDGET_QUIZZES}
    with running_hub(postgres_server, tmp_path_factory.mktemp("hub"),
                     quiz_files=quizzes) as stack:
        yield stack


@contextlib.contextmanager
def running_hub(postgres_server: PostgresServer, base: Path, *, spawn_alice: bool = True,
                quiz_files: dict[str, str] | None = None, rate: float | None = None,
                processes: int = 1) -> Iterator[HubStack]:
    """The whole stack for as long as the block runs (the tests' fixture, the benchmark).
    ``processes``: the service's worker processes (``serve --processes``)."""
    missing = missing_components()
    if missing:
        raise HubMissing(missing)
    if os.geteuid() == 0:
        base.chmod(0o755)
    quiz_dir, course = _write_course(base, quiz_files or {"final-check.yaml": QUIZ})
    keyfree_dir = base / "image" / "quizzes"
    subprocess.run([str(VENV_BIN / "ketatraining"), "keyfree", str(quiz_dir), "--out",
                    str(keyfree_dir)], check=True, capture_output=True)
    db_url, owner_url = _service_database(postgres_server)
    ports = {"public_port": free_port(), "hub_port": free_port(),
             "proxy_api_port": free_port(), "service_port": free_port()}
    admin_token, service_token = secrets.token_hex(24), secrets.token_hex(24)
    service_bind = f"http://127.0.0.1:{ports['service_port']}"
    public_url = f"http://127.0.0.1:{ports['public_port']}/"
    hub_env = {**os.environ, "KETATRAINING_SERVICE_TOKEN": service_token,
               "KETATRAINING_SERVICE_BIND_URL": service_bind,
               "KETATRAINING_LEARNER_SERVICE_URL": public_url + "services/ketatraining/",
               # inherited by the proxy the hub starts, so a proxy left behind is found
               "KETATRAINING_TEST_STACK": str(base)}
    for variable in ("KETATRAINING_DB", "KETATRAINING_SERVICE_DB", "KETATRAINING_LEARNER"):
        hub_env.pop(variable, None)
    config = _hub_config(base, {**ports, "admin_token": admin_token})
    hub_log = base / "hub.log"
    with hub_log.open("wb") as handle:
        hub = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=base,
                               env=hub_env, stdout=handle, stderr=subprocess.STDOUT)
    service_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KETATRAINING_", "JUPYTERHUB_"))},
        # what JupyterHub gives a service, and the service's own settings (docs/deployment.md)
        "JUPYTERHUB_API_TOKEN": service_token,
        "JUPYTERHUB_API_URL": f"http://127.0.0.1:{ports['hub_port']}/hub/api",
        "JUPYTERHUB_SERVICE_NAME": "ketatraining",
        "JUPYTERHUB_SERVICE_PREFIX": "/services/ketatraining/",
        "JUPYTERHUB_SERVICE_URL": service_bind,
        "KETATRAINING_SERVICE_DB": db_url,
        "KETATRAINING_QUIZ_DIR": str(quiz_dir),
        "KETATRAINING_COURSE": str(course),
        "KETATRAINING_SIGNING_KEY": str(base / "service" / "signing-key.pem"),
    }
    service = ServiceProcess(service_env, ports["service_port"], base / "service.log",
                             args=(["--rate", str(rate)] if rate else [])
                             + (["--processes", str(processes)] if processes > 1 else []))
    stack = HubStack(base=base, hub_url=public_url, admin_token=admin_token, service=service,
                     db_url=db_url, owner_url=owner_url, quiz_dir=quiz_dir,
                     keyfree_dir=keyfree_dir, homes=base / "homes")
    try:
        _wait_http(public_url + "hub/api/", hub, hub_log, timeout=240)
        service.start()
        _wait_http(stack.service_url + "api/health", hub, hub_log)  # routed by the proxy
        if spawn_alice:
            _spawn_alice(stack)
        yield stack
    finally:
        for client in stack.clients:
            client.close()  # type: ignore[attr-defined]
        http.close()
        service.stop()
        with contextlib.suppress(Exception):
            stack.api("DELETE", "users/alice/server")
        hub.terminate()
        try:
            hub.wait(20)
        except subprocess.TimeoutExpired:
            hub.kill()
        _kill_leftovers(base)


def _spawn_alice(stack: HubStack) -> None:
    """Start alice's real single-user server, with the key-free quizzes in her home."""
    home = stack.homes / "alice"
    (home / "course").mkdir(parents=True)
    shutil.copytree(stack.keyfree_dir, home / "course" / "quizzes")
    stack.api("POST", "users/alice/server")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        model = stack.api("GET", "users/alice")
        server = model["servers"].get("")  # type: ignore[index]
        if server and server.get("ready"):
            pid = int(server["state"]["pid"])
            raw = Path(f"/proc/{pid}/environ").read_bytes()
            stack.alice_env = dict(item.split("=", 1) for item in
                                   raw.decode().split("\0") if "=" in item)
            stack.alice_env["_HOME"] = str(home)
            return
        time.sleep(0.5)
    pytest.fail("alice's server did not start:\n" + (stack.base / "hub.log").read_text()[-3000:])


def _kill_leftovers(base: Path) -> None:
    """Stop any single-user server or proxy this stack started that outlived the hub."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            environ = (proc / "environ").read_bytes().decode(errors="replace")
            if str(base) in cmdline or str(base) in environ:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(proc.name), signal.SIGKILL)


def run_as_alice(stack: HubStack, code: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run Python in alice's kernel: a process with exactly her server's environment."""
    env = {k: v for k, v in stack.alice_env.items() if k != "_HOME"}
    env.update(extra_env)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=stack.alice_env["_HOME"],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def hub_assessment(hub_stack: HubStack) -> Iterator[object]:
    """A HubAssessment for a fresh hub user against the running course server.

    For the widget tests: parametrise over this and a LocalAssessment to run the same
    tests against both implementations of the seam. The quiz is ``final-check`` (three
    questions, max_attempts 2; right answers in ``RIGHT``).
    """
    user = f"w{secrets.token_hex(4)}"
    hub_stack.api("POST", f"users/{user}")
    assessment = hub_stack.assessment(user)
    try:
        yield assessment
    finally:
        assessment.close()  # type: ignore[attr-defined]


def scan_for_keys(text: str) -> list[str]:
    """Key material of the test quiz found in ``text``."""
    return [marker for marker in KEY_MARKERS if marker in text]


def audit_rows(stack: HubStack) -> list[dict[str, object]]:
    import psycopg

    with psycopg.connect(stack.db_url.replace("postgresql+psycopg", "postgresql")) as c:
        rows = c.execute("SELECT actor, action, learner_id, quiz_id, detail FROM kt_audit "
                         "ORDER BY id").fetchall()
    return [{"actor": r[0], "action": r[1], "learner": r[2], "quiz": r[3],
             "detail": json.loads(r[4])} for r in rows]
