"""Shared timing helpers: medians of interleaved repeats, ratios within the same run."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence


def time_command(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def interleaved(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run every case once per round, in the same order, so noise hits all alike."""
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            results[name].append(case())
    return results


def report(results: dict[str, list[float]], baseline: str) -> None:
    base = results[baseline]
    for name, values in results.items():
        ratios = [v / b for v, b in zip(values, base, strict=True)]
        print(f"{name:48s} median {statistics.median(values):7.3f} s  "
              f"[{min(values):.3f}-{max(values):.3f}]  "
              f"ratio to {baseline}: {statistics.median(ratios):.2f}")
