"""How the course server holds up: simulated learners answering a quiz every 5 s.

Starts, on 127.0.0.1 and free ports, a throwaway PostgreSQL, a real JupyterHub (the same
configuration as the hub tests and docs/deployment.md) and one or two replicas of
``ketatraining serve``, each with ``--processes`` worker processes. Each simulated
learner is a hub user with their own hub token; asyncio clients (httpx) warm the
service's token cache, then each learner starts the quiz at a random moment within the
first 5 s, answers one question every 5 s after that and finishes. Every scenario has
its own quiz (so the same hub users serve all scenarios). Replicas share the load
round-robin by learner, as a Kubernetes Service would spread them.

Reported per scenario: submissions per second, p50/p95/p99 latency of the answer
requests (and the p95 of the start requests), errors, and from the database afterwards
the answers acknowledged but not stored (lost) and stored more than once (duplicated).
CPU per answer is given for the service (all its processes), PostgreSQL, the hub and
the benchmark's own clients, which share this machine's cores with the service. Every run is bounded: one pass
through the quiz (6 questions, 30 s) plus 30 s, after which unfinished learners are
cancelled and their remaining answers reported as not completed; a 10 s client timeout
per request; the script stops its servers when it ends.

    .venv/bin/python benchmarks/bench_service.py                 # 100, 500, 1000 x 1 and 2 replicas
    .venv/bin/python benchmarks/bench_service.py --learners 100 --replicas 1   # a quick look
    .venv/bin/python benchmarks/bench_service.py --processes 1   # one process per replica
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


def quiz_yaml(quiz_id: str = QUIZ_ID) -> str:
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
    return (f"schema_version: 1\nid: {quiz_id}\ntitle: Bench\ntopic: risks\npass_mark: 50\n"
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


async def post(session: object, url: str, body: dict[str, object],
               headers: dict[str, str]) -> tuple[int, object]:
    """One POST with aiohttp (a lighter client than httpx: the clients share the cores)."""
    async with session.post(url, json=body, headers=headers) as reply:  # type: ignore[attr-defined]
        data = await reply.json(content_type=None)
        return reply.status, data


async def learner(session: object, base: str, token: str, t0: float, quiz_id: str,
                  latencies: list[float], acked: list[tuple[str, str]], errors: list[str],
                  name: str, attempted: list[int], starts: list[float]) -> None:
    import aiohttp

    failures = (aiohttp.ClientError, asyncio.TimeoutError)
    headers = {"Authorization": f"token {token}"}
    try:
        offset = random.uniform(0, INTERVAL)  # learners open the quiz at different moments
        await asyncio.sleep(max(0.0, t0 + offset - time.monotonic()))
        began = time.perf_counter()
        status, state = await post(session, base + f"api/quizzes/{quiz_id}/start", {}, headers)
        if status != 200:
            errors.append(f"start HTTP {status}")
            return
        starts.append(time.perf_counter() - began)
        attempt = state["attempt_id"]  # type: ignore[index]
        for n, question in enumerate(state["questions"], start=1):  # type: ignore[index]
            delay = t0 + offset + n * INTERVAL - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            body = {"attempt_id": attempt, "question_id": question["id"],
                    "response": "a" if random.random() < 0.7 else "b",
                    "submission_id": uuid.uuid4().hex, "seconds": 3.0}
            began = time.perf_counter()
            attempted.append(1)
            try:
                status, data = await post(session, base + f"api/quizzes/{quiz_id}/submit",
                                          body, headers)
            except failures as error:
                errors.append(type(error).__name__)
                continue
            latencies.append(time.perf_counter() - began)
            if status != 200:
                errors.append(f"HTTP {status}")
                continue
            if data["save"]["state"] == "saved":  # type: ignore[index]
                acked.append((name, question["id"]))
                attempt = data["attempt_id"]  # type: ignore[index]
        status, _ = await post(session, base + f"api/quizzes/{quiz_id}/finish",
                               {"attempt_id": attempt}, headers)
        if status != 200:
            errors.append(f"finish HTTP {status}")
    except failures as error:
        errors.append(type(error).__name__)


async def scenario(stack: object, urls: list[str], all_tokens: dict[str, str], count: int,
                   quiz_id: str, pids: list[int], pg_port: int) -> dict[str, object]:
    import aiohttp

    names = sorted(all_tokens)[:count]
    tokens = {n: all_tokens[n] for n in names}
    connector = aiohttp.TCPConnector(limit=400)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=10)) as client:
        gate = asyncio.Semaphore(50)

        async def warm(name: str, base: str) -> None:  # the service's token cache
            async with gate:
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    # every worker process keeps its own cache: ask a few times
                    for _ in range(3):
                        async with client.get(base + "api/me", headers={
                                "Authorization": f"token {tokens[name]}"},
                                timeout=aiohttp.ClientTimeout(total=120)) as reply:
                            await reply.read()

        await asyncio.gather(*(warm(n, urls[i % len(urls)]) for i, n in enumerate(names)))
        latencies: list[float] = []
        starts: list[float] = []
        attempted: list[int] = []
        acked: list[tuple[str, str]] = []
        errors: list[str] = []
        t0 = time.monotonic() + 1.0
        began = time.monotonic()
        cpu_before = cpu_seconds(pids, pg_port, stack.base)  # type: ignore[attr-defined]
        client_before = time.process_time()
        tasks = [asyncio.create_task(learner(client, urls[i % len(urls)], tokens[n], t0,
                                             quiz_id, latencies, acked, errors, n, attempted,
                                             starts))
                 for i, n in enumerate(names)]
        # Bounded: the quiz takes (QUESTIONS + 1) * INTERVAL; whatever has not finished
        # DEADLINE_SLACK seconds later is cancelled and counted as not completed.
        _, pending = await asyncio.wait(tasks, timeout=(QUESTIONS + 1) * INTERVAL
                                        + DEADLINE_SLACK)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        elapsed = time.monotonic() - began
        cpu_after = cpu_seconds(pids, pg_port, stack.base)  # type: ignore[attr-defined]
        client_cpu = time.process_time() - client_before
    stored = stored_answers(stack, quiz_id)
    lost = len(set(acked) - set(stored))
    duplicated = len(stored) - len(set(stored))
    per = max(1, len(latencies))
    return {
        "learners": count, "replicas": len(urls), "processes_per_replica": 0,
        "submissions": len(latencies),
        "submissions_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "start_p95_ms": round(1000 * percentile(starts, 0.95), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
        "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "not_completed": count * QUESTIONS - len(attempted),
        "acknowledged": len(acked), "lost": lost, "duplicated": duplicated,
        # CPU per answer request, whatever else the machine runs: the capacity figure
        # (each learner's start and finish are in these figures too: 8 requests per 6 answers)
        "service_cpu_ms_per_submission": round(1000 * (cpu_after[0] - cpu_before[0]) / per, 2),
        "postgres_cpu_ms_per_submission": round(1000 * (cpu_after[1] - cpu_before[1]) / per, 2),
        "hub_cpu_ms_per_submission": round(1000 * (cpu_after[2] - cpu_before[2]) / per, 2),
        "client_cpu_ms_per_submission": round(1000 * client_cpu / per, 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _stat(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds used) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(service_pids: list[int], pg_port: int,
                base: Path) -> tuple[float, float, float]:
    """CPU seconds used so far by the service replicas (with their worker processes), by
    PostgreSQL's processes and by the hub (the one started in ``base``)."""
    postmaster = None
    hubs: set[int] = set()
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stats[int(entry.name)] = _stat(int(entry.name))
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            if b"postgres" in cmdline and f"-p {pg_port} ".encode() in cmdline:
                postmaster = int(entry.name)
            if b"jupyterhub -f " in cmdline and str(base).encode() in cmdline:
                hubs.add(int(entry.name))

    def tree(roots: set[int]) -> float:
        return sum(cpu for pid, (parent, cpu) in stats.items()
                   if pid in roots or parent in roots)

    return tree(set(service_pids)), tree({postmaster} if postmaster else set()), tree(hubs)


def stored_answers(stack: object, quiz_id: str) -> list[tuple[str, str]]:
    import psycopg

    url = stack.db_url.replace("postgresql+psycopg", "postgresql")  # type: ignore[attr-defined]
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT learner_id, question_id FROM kt_responses WHERE "
                                  "quiz_id = %s", (quiz_id,)).fetchall()
    return [(r[0], r[1]) for r in rows]


def main() -> int:
    from hub.hubstack import ServiceProcess, free_port, running_hub
    from progress.conftest import running_postgres

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="*", default=[100, 500, 1000])
    parser.add_argument("--replicas", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--processes", type=int, default=2, metavar="N",
                        help="worker processes per replica (serve --processes; default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = []
    plan = [(r, n) for r in sorted(set(args.replicas)) for n in args.learners]
    quizzes = {f"{QUIZ_ID}{k}.yaml": quiz_yaml(f"{QUIZ_ID}{k}") for k in range(len(plan))}
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as folder, \
            running_postgres() as postgres, \
            running_hub(postgres, Path(folder), spawn_alice=False, quiz_files=quizzes,
                        rate=50.0, processes=args.processes) as stack:
        replicas = [stack.service]
        tokens = asyncio.run(make_users(stack, max(args.learners), "l"))
        with contextlib.ExitStack() as extra:
            for k, (replica_count, count) in enumerate(plan):
                while len(replicas) < replica_count:
                    more = ServiceProcess(dict(stack.service.env), free_port(),
                                          Path(folder) / f"service{len(replicas)}.log",
                                          args=list(stack.service.args))
                    more.start()
                    extra.callback(more.stop)
                    replicas.append(more)
                urls = [r.url for r in replicas[:replica_count]]
                pids = [r.process.pid for r in replicas[:replica_count] if r.process]
                figures = asyncio.run(scenario(stack, urls, tokens, count, f"{QUIZ_ID}{k}",
                                               pids, postgres.port))
                figures["processes_per_replica"] = args.processes
                results.append(figures)
                print(json.dumps(figures), flush=True)
    print()
    print(f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("CPU columns: ms per answer (start and finish included) of the service, "
          "PostgreSQL, the hub and the benchmark's own clients")
    print("learners replicas procs  subm/s   p50 ms   p95 ms   p99 ms start p95  errors  "
          "not done  lost  dup   svc    pg   hub client  load")
    for r in results:
        print(f"{r['learners']:>8} {r['replicas']:>8} {r['processes_per_replica']:>5} "
              f"{r['submissions_per_s']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8} "
              f"{r['p99_ms']:>8} {r['start_p95_ms']:>9} {r['errors']:>7} "
              f"{r['not_completed']:>9} {r['lost']:>5} {r['duplicated']:>4} "
              f"{r['service_cpu_ms_per_submission']:>5} "
              f"{r['postgres_cpu_ms_per_submission']:>5} "
              f"{r['hub_cpu_ms_per_submission']:>5} {r['client_cpu_ms_per_submission']:>6} "
              f"{r['load_average']:>5}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
