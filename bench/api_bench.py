"""Benchmark the JSON API's item list and detail at 100k items.

    .venv/bin/python bench/api_bench.py [--items 100000] [--requests 300]

A temporary SQLite database is migrated, filled with `--items` items by bulk_create (one
scientist, fonds and series; one item in ten researcher-only, one in fifty embargoed), and the
API is called through Django's test client as an anonymous visitor:

- list, first page (`/api/v1/items?limit=20`) and a deep page (a cursor 90% of the way in);
- detail of random public items.

Printed: p50/p95 latency of each, the ratio deep/first page, CPU seconds per request, the
queries a list page makes for limit 20 and for limit 100 (keyset paging with prefetches: they
must be equal), and the load average (the machine is shared; read the timings with it).
Goals: list p95 ≤ 50 ms, detail p95 ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

GOALS_MS = {"list_first": 50.0, "list_deep": 50.0, "detail": 30.0}
BATCH = 5000


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def generate(count: int) -> list[str]:
    """`count` items under one series; returns the identifiers of the public ones."""
    from archive_collections.models import Fonds, Item, Scientist, Series

    scientist = Scientist.objects.create(identifier="bench-scientist", name="钱学森")
    fonds = Fonds.objects.create(identifier="BENCH", title="基准全宗", scientist=scientist)
    series = Series.objects.create(identifier="BENCH-01", title="手稿", fonds=fonds)
    embargo = date.today() + timedelta(days=3650)
    public: list[str] = []
    for start in range(0, count, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, count)):
            day = date(1930, 1, 1) + timedelta(days=n % 20000)
            level = "researchers" if n % 10 == 3 else "public"
            hidden = n % 50 == 7
            identifier = f"BENCH-01-{n:06d}"
            rows.append(
                Item(
                    identifier=identifier,
                    title=f"工程控制论手稿第{n}号",
                    item_type="manuscript",
                    series=series,
                    position=n,
                    date_text=day.isoformat(),
                    date_start=day,
                    date_end=day,
                    date_precision="day",
                    access_level=level,
                    embargo_until=embargo if hidden else None,
                )
            )
            if level == "public" and not hidden:
                public.append(identifier)
        Item.objects.bulk_create(rows)
    return public


def timed(call: Callable[[], Any], times: int) -> tuple[list[float], float]:
    """Latencies in ms and CPU seconds per call."""
    latencies = []
    cpu = time.process_time()
    for _ in range(times):
        start = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, (time.process_time() - cpu) / times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def deep_cursor(public: list[str]) -> str:
    from archive_site.api.filters import ItemFilters
    from archive_site.api.paging import encode_cursor, listing_scope

    scope = listing_scope("items", ItemFilters().model_dump())
    return encode_cursor(public[int(len(public) * 0.9)], scope)


def queries_per_page(client: Any, limit: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/items", {"limit": limit}).status_code == 200
    return len(captured)


def run(items: int, requests: int) -> dict[str, Any]:
    from django.test import Client

    started = time.perf_counter()
    public = generate(items)
    generated_s = time.perf_counter() - started
    client = Client()
    cursor = deep_cursor(public)
    rng = random.Random(14)

    def ok(path: str, params: dict[str, Any] | None = None) -> None:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code, response.content[:200])

    ok("/api/v1/items")  # warm: URL resolver, schemas, SQLite page cache
    results: dict[str, Any] = {"items": items, "requests": requests, "generate_s": generated_s}
    cases: dict[str, Callable[[], None]] = {
        "list_first": lambda: ok("/api/v1/items", {"limit": 20}),
        "list_deep": lambda: ok("/api/v1/items", {"limit": 20, "cursor": cursor}),
        "detail": lambda: ok(f"/api/v1/items/{rng.choice(public)}"),
    }
    for name, call in cases.items():
        latencies, cpu = timed(call, requests)
        results[name] = {
            "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(percentile(latencies, 0.95), 2),
            "cpu_s_per_request": round(cpu, 5),
            "goal_p95_ms": GOALS_MS[name],
            "met": percentile(latencies, 0.95) <= GOALS_MS[name],
        }
    results["deep_over_first_p50"] = round(
        results["list_deep"]["p50_ms"] / results["list_first"]["p50_ms"], 2
    )
    results["queries_per_list_page"] = {
        "limit_20": queries_per_page(client, 20),
        "limit_100": queries_per_page(client, 100),
    }
    results["queries_equal"] = len(set(results["queries_per_list_page"].values())) == 1
    results["load_average"] = [round(v, 2) for v in os.getloadavg()]
    results["cpus"] = os.cpu_count()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        results = run(args.items, args.requests)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
