"""How the course server holds up: simulated learners answering a quiz every 5 s.

Starts, on 127.0.0.1 and free ports, a throwaway PostgreSQL, a real JupyterHub (the same
configuration as the hub tests and docs/deployment.md) and one or two replicas of
``ketatraining serve``. Each simulated learner is a hub user with their own hub token;
asyncio clients (httpx) warm the service's token cache, then each learner starts the
quiz, answers one question every 5 s (starting at a random offset within the first 5 s)
and finishes. Replicas share the load round-robin by learner, as a Kubernetes Service
would spread them.

Reported per scenario: submissions per second, p50/p95/p99 latency of the answer
requests, errors, and from the database afterwards the answers acknowledged but not
stored (lost) and stored more than once (duplicated). Every run is bounded: one pass
through the quiz (6 questions, 30 s) plus 30 s, after which unfinished learners are
cancelled and their remaining answers reported as not completed; a 10 s client timeout
per request; the script stops its servers when it ends.

    .venv/bin/python benchmarks/bench_service.py                 # 100, 500, 1000 x 1 and 2 replicas
    .venv/bin/python benchmarks/bench_service.py --learners 100 --replicas 1   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

QUESTIONS = 6
INTERVAL = 5.0
DEADLINE_SLACK = 30.0
QUIZ_ID = "bench"


def quiz_yaml() -> str:
    questions = "".join(f"""
  - id: q{n}
    type: single_choice
    prompt: Question {n}?
    explanation: Because.
    references: [ref1]
    objective: obj1
    options:
      - {{id: a, text: Right, correct: true, feedback: Yes.}}
      - {{id: b, text: Wrong, feedback: No.}}
""" for n in range(QUESTIONS))
    return ("schema_version: 1\nid: bench\ntitle: Bench\ntopic: risks\npass_mark: 50\n"
            "questions:" + questions)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def make_users(stack: object, count: int, prefix: str) -> dict[str, str]:
    import httpx

    names = [f"{prefix}{n:04d}" for n in range(count)]
    headers = {"Authorization": f"token {stack.admin_token}"}  # type: ignore[attr-defined]
    api = stack.hub_url + "hub/api/"  # type: ignore[attr-defined]
    tokens: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=120, headers=headers) as client:
        for start in range(0, count, 200):
            reply = await client.post(api + "users", json={"usernames": names[start:start + 200]})
            reply.raise_for_status()
        gate = asyncio.Semaphore(16)

        async def token(name: str) -> None:
            async with gate:
                reply = await client.post(api + f"users/{name}/tokens", json={"note": "bench"})
                reply.raise_for_status()
                tokens[name] = reply.json()["token"]

        await asyncio.gather(*(token(n) for n in names))
    return tokens


async def learner(client: object, base: str, token: str, t0: float,
                  latencies: list[float], acked: list[tuple[str, str]], errors: list[str],
                  name: str, attempted: list[int]) -> None:
    import httpx

    headers = {"Authorization": f"token {token}"}
    try:
        reply = await client.post(base + f"api/quizzes/{QUIZ_ID}/start", json={},  # type: ignore[attr-defined]
                                  headers=headers)
        reply.raise_for_status()
        state = reply.json()
        attempt = state["attempt_id"]
        offset = random.uniform(0, INTERVAL)
        for n, question in enumerate(state["questions"]):
            delay = t0 + offset + n * INTERVAL - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            body = {"attempt_id": attempt, "question_id": question["id"],
                    "response": "a" if random.random() < 0.7 else "b",
                    "submission_id": uuid.uuid4().hex, "seconds": 3.0}
            began = time.perf_counter()
            attempted.append(1)
            try:
                reply = await client.post(base + f"api/quizzes/{QUIZ_ID}/submit",  # type: ignore[attr-defined]
                                          json=body, headers=headers)
            except httpx.HTTPError as error:
                errors.append(type(error).__name__)
                continue
            latencies.append(time.perf_counter() - began)
            if reply.status_code != 200:
                errors.append(f"HTTP {reply.status_code}")
                continue
            data = reply.json()
            if data["save"]["state"] == "saved":
                acked.append((name, question["id"]))
                attempt = data["attempt_id"]
        reply = await client.post(base + f"api/quizzes/{QUIZ_ID}/finish",  # type: ignore[attr-defined]
                                  json={"attempt_id": attempt}, headers=headers)
        if reply.status_code != 200:
            errors.append(f"finish HTTP {reply.status_code}")
    except httpx.HTTPError as error:
        errors.append(type(error).__name__)


async def scenario(stack: object, urls: list[str], count: int, label: str,
                   pids: list[int], pg_port: int) -> dict[str, object]:
    import httpx

    tokens = await make_users(stack, count, f"{label}-")
    names = sorted(tokens)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, pool=10), limits=limits) as client:
        gate = asyncio.Semaphore(50)

        async def warm(name: str, base: str) -> None:  # the service's token cache
            async with gate:
                with contextlib.suppress(httpx.HTTPError):  # a cold token is checked later
                    await client.get(base + "api/me", timeout=120,
                                     headers={"Authorization": f"token {tokens[name]}"})

        await asyncio.gather(*(warm(n, urls[i % len(urls)]) for i, n in enumerate(names)))
        latencies: list[float] = []
        attempted: list[int] = []
        acked: list[tuple[str, str]] = []
        errors: list[str] = []
        t0 = time.monotonic() + 1.0
        began = time.monotonic()
        cpu_before = cpu_seconds(pids, pg_port)
        tasks = [asyncio.create_task(learner(client, urls[i % len(urls)], tokens[n], t0,
                                             latencies, acked, errors, n, attempted))
                 for i, n in enumerate(names)]
        # Bounded: the quiz takes QUESTIONS * INTERVAL; whatever has not finished
        # DEADLINE_SLACK seconds later is cancelled and counted as not completed.
        _, pending = await asyncio.wait(tasks, timeout=QUESTIONS * INTERVAL + DEADLINE_SLACK)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        elapsed = time.monotonic() - began
        cpu_after = cpu_seconds(pids, pg_port)
    stored = stored_answers(stack, f"{label}-")
    lost = len(set(acked) - set(stored))
    duplicated = len(stored) - len(set(stored))
    return {
        "learners": count, "replicas": len(urls), "submissions": len(latencies),
        "submissions_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
        "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "not_completed": count * QUESTIONS - len(attempted),
        "acknowledged": len(acked), "lost": lost, "duplicated": duplicated,
        # CPU per answer request, whatever else the machine runs: the capacity figure
        "service_cpu_ms_per_submission": round(
            1000 * (cpu_after[0] - cpu_before[0]) / max(1, len(latencies)), 2),
        "postgres_cpu_ms_per_submission": round(
            1000 * (cpu_after[1] - cpu_before[1]) / max(1, len(latencies)), 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _stat(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds used) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(service_pids: list[int], pg_port: int) -> tuple[float, float]:
    """CPU seconds used so far by the service replicas and by PostgreSQL's processes."""
    service = 0.0
    for pid in service_pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            service += _stat(pid)[1]
    postmaster = None
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stats[int(entry.name)] = _stat(int(entry.name))
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            if b"postgres" in cmdline and f"-p {pg_port} ".encode() in cmdline:
                postmaster = int(entry.name)
    pg = sum(cpu for pid, (parent, cpu) in stats.items()
             if postmaster is not None and (pid == postmaster or parent == postmaster))
    return service, pg


def stored_answers(stack: object, prefix: str) -> list[tuple[str, str]]:
    import psycopg

    url = stack.db_url.replace("postgresql+psycopg", "postgresql")  # type: ignore[attr-defined]
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT learner_id, question_id FROM kt_responses WHERE "
                                  "learner_id LIKE %s", (prefix + "%",)).fetchall()
    return [(r[0], r[1]) for r in rows]


def main() -> int:
    from hub.hubstack import ServiceProcess, free_port, running_hub
    from progress.conftest import running_postgres

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="*", default=[100, 500, 1000])
    parser.add_argument("--replicas", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as folder, \
            running_postgres() as postgres, \
            running_hub(postgres, Path(folder), spawn_alice=False,
                        quiz_files={"bench.yaml": quiz_yaml()}, rate=50.0) as stack:
        replicas = [stack.service]
        with contextlib.ExitStack() as extra:
            for replica_count in sorted(set(args.replicas)):
                while len(replicas) < replica_count:
                    more = ServiceProcess(dict(stack.service.env), free_port(),
                                          Path(folder) / f"service{len(replicas)}.log",
                                          args=list(stack.service.args))
                    more.start()
                    extra.callback(more.stop)
                    replicas.append(more)
                urls = [r.url for r in replicas[:replica_count]]
                for count in args.learners:
                    label = f"b{count}r{replica_count}"
                    pids = [r.process.pid for r in replicas[:replica_count] if r.process]
                    figures = asyncio.run(scenario(stack, urls, count, label, pids,
                                                   postgres.port))
                    results.append(figures)
                    print(json.dumps(figures), flush=True)
    print()
    print(f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("learners replicas  subm/s   p50 ms   p95 ms   p99 ms  errors  not done  lost  dup"
          "  svc CPU ms  pg CPU ms  load")
    for r in results:
        print(f"{r['learners']:>8} {r['replicas']:>8} {r['submissions_per_s']:>7} "
              f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} {r['errors']:>7} "
              f"{r['not_completed']:>9} {r['lost']:>5} {r['duplicated']:>4} "
              f"{r['service_cpu_ms_per_submission']:>11} "
              f"{r['postgres_cpu_ms_per_submission']:>10} {r['load_average']:>5}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
