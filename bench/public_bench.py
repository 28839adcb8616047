"""Benchmark the public site's search as a visitor meets it: the search page and the search box's
autocomplete on the database engine (the embedded default), against baselines measured in the
same run.

    .venv/bin/python bench/public_bench.py [--items 20000] [--requests 40] [--db FILE]

The archive is admin_bench's (a temporary SQLite database migrated and filled by bulk_create:
20 scientists, 钱学森 with his Wade–Giles name among them, `--items` items with Chinese titles
and descriptions from a fixed word list, seeded), indexed by the database engine. An anonymous
visitor calls the site through Django's test client (the view runs in this process):

- the search page (/search/) for a name (钱学森), its pinyin, a common two-character word and a
  two-word query, cycled; its baseline is the engine call alone (search.service.search) for the
  same queries, so the ratio is what the page adds (template, facets, permalink, export links);
- autocomplete (/api/search/autocomplete/) for prefixes a visitor types (钱, 钱学, qian, 手);
  baseline: the series page listing its items (a plain catalogue page, no search);
- the export of a result set as CSV (all pages, at most search.exporting.EXPORT_LIMIT records)
  and a record's matches (/api/search/record/), for information.

Printed: p50/p95 per case, its ratio against its baseline, CPU seconds per request (this
process) and the load average before and after (the machine is shared: read timings with it).
Goals: autocomplete p95 <= 50 ms, search page p95 <= 200 ms. Writes
bench/results/public_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from itertools import cycle
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from admin_bench import generate, index, setup_django, timed  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "public_bench.json"
SEARCHES = ["钱学森", "qian xuesen", "手稿", "科学 研究"]
PREFIXES = ["钱", "钱学", "qian", "手"]
GOALS = {"search_page": 200.0, "autocomplete": 50.0}


def _cycled(values: list[str], call) -> Any:
    source = cycle(values)
    return lambda: call(next(source))


def run(items: int, requests: int) -> dict[str, Any]:
    from django.test import Client

    from archive_collections.access import AccessPolicy
    from archive_collections.models import Item, Series
    from search import service
    from search.contract import SearchQuery

    load_before = os.getloadavg()
    generate(items)
    indexing_s = index()
    client = Client()
    anonymous = AccessPolicy.anonymous()
    series = Series.objects.order_by("pk")[0]
    item = Item.objects.filter(access_level="public").order_by("pk")[0]

    def page(q: str) -> None:
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200, response.status_code

    def engine_call(q: str) -> None:
        service.search(SearchQuery(text=q), anonymous)

    def complete(prefix: str) -> None:
        response = client.get("/api/search/autocomplete/", {"q": prefix})
        assert response.status_code == 200 and response.json()["results"], prefix

    def listing() -> None:
        response = client.get(series.get_absolute_url())
        assert response.status_code == 200, response.status_code

    def export() -> None:
        response = client.get("/search/export.csv", {"q": "手稿"})
        assert response.status_code == 200
        b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def matches() -> None:
        response = client.get(
            "/api/search/record/", {"record": f"item:{item.pk}", "q": item.title[:2]}
        )
        assert response.status_code == 200

    cases: dict[str, dict[str, Any]] = {
        "search_page": timed(_cycled(SEARCHES, page), requests),
        "search_engine_call": timed(_cycled(SEARCHES, engine_call), requests),
        "autocomplete": timed(_cycled(PREFIXES, complete), requests),
        "series_listing": timed(listing, requests),
        "export_csv": timed(export, max(3, requests // 10)),
        "record_matches": timed(matches, requests),
    }
    baselines = {
        "search_page": "search_engine_call",
        "autocomplete": "series_listing",
        "export_csv": "search_engine_call",
        "record_matches": "search_engine_call",
    }
    for name, baseline in baselines.items():
        cases[name]["baseline"] = baseline
        cases[name]["ratio_vs_baseline"] = round(
            cases[name]["p95_ms"] / max(cases[baseline]["p95_ms"], 0.001), 2
        )
    for name, goal in GOALS.items():
        cases[name]["goal_p95_ms"] = goal
        cases[name]["met"] = cases[name]["p95_ms"] <= goal
    return {
        "items": items,
        "requests": requests,
        "engine": "database (SQLite FTS5)",
        "indexing_s": round(indexing_s, 1),
        "searches": SEARCHES,
        "prefixes": PREFIXES,
        "cases": cases,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
    }


def report(result: dict[str, Any]) -> None:
    print(f"public search bench: {result['items']} items, {result['requests']} requests a case")
    print(f"{'case':<22}{'p50 ms':>9}{'p95 ms':>9}{'cpu s/req':>11}  ratio (baseline)  goal")
    for name, case in result["cases"].items():
        ratio = f"{case['ratio_vs_baseline']:>5} ({case['baseline']})" if "baseline" in case else ""
        goal = ""
        if "goal_p95_ms" in case:
            goal = f"<= {case['goal_p95_ms']:g} ms {'met' if case['met'] else 'MISSED'}"
        print(
            f"{name:<22}{case['p50_ms']:>9}{case['p95_ms']:>9}{case['cpu_s_per_request']:>11}"
            f"  {ratio:<30}{goal}"
        )
    print(
        f"load average before {result['load_average_before']}, after {result['load_average_after']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--db", type=Path, help="SQLite file to build the archive in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="public-bench-") as folder:
        setup_django(args.db or Path(folder) / "bench.sqlite3")
        result = run(args.items, args.requests)
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    report(result)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
