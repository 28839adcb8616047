"""Latency figures shared by the request benchmarks: a percentile and a timed loop giving p50,
p95 and CPU seconds per request."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(call: Callable[[], Any], times: int, *, warm: bool = True) -> dict[str, float]:
    """Call `times` times (after one warming call unless `warm` is False)."""
    if warm:
        call()
    latencies = []
    cpu = time.process_time()
    for _ in range(times):
        start = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "cpu_s_per_request": round((time.process_time() - cpu) / times, 4),
    }
