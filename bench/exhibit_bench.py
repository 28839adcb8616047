"""Chapter render cost: 60 blocks with 40 item embeds vs a 5-embed baseline, in the same run.

Measures SQL queries and p95 server render time (Django test client, warm) for both chapters and
prints `ratio vs baseline`; writes bench/results/exhibit_bench.json. Goals: the query count does
not grow with the number of embeds, and p95 <= 80 ms.

    .venv/bin/python bench/exhibit_bench.py [--runs 50]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def measure(client, url: str, runs: int) -> dict:
    from django.db import connections

    for _ in range(3):
        client.get(url)  # warm: templates, site root paths
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # Every database alias: a query routed anywhere counts.
    wrappers = [c.execute_wrapper(count) for c in connections.all()]
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        response = client.get(url)
    finally:
        for wrapper in wrappers:
            wrapper.__exit__(None, None, None)
    if response.status_code != 200 or b"item-card" not in response.content:
        raise SystemExit(f"{url} answered {response.status_code} without the chapter's embeds")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(executed),
        "p95_ms": round(p95(times), 2),
        "median_ms": round(statistics.median(times), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests.exhibits.conftest import scan_file
        from tests.factories import ItemFactory
        from tests.pages import exhibition_tree, item_block, stream

        items = [ItemFactory(title=f"手稿第{n}号") for n in range(40)]
        for item in items:
            scan_file(item)
        text = {"type": "text", "value": "<p>" + "新中国的科学事业。" * 20 + "</p>"}
        many = [item_block(i) for i in items] + [text] * 20  # 60 blocks, 40 embeds
        few = [item_block(i) for i in items[:5]] + [text] * 20
        _index, _exhibition, (baseline_page, target_page) = exhibition_tree(
            [stream(*few), stream(*many)]
        )
        client = Client()
        baseline = measure(client, baseline_page.url, args.runs)
        target = measure(client, target_page.url, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    result = {
        "benchmark": "exhibit_chapter_render",
        "runs": args.runs,
        "baseline_5_embeds": baseline,
        "target_40_embeds_60_blocks": target,
        "query_ratio_vs_baseline": round(target["queries"] / baseline["queries"], 3),
        "p95_ratio_vs_baseline": round(target["p95_ms"] / baseline["p95_ms"], 3),
        "goals": {
            "queries_independent_of_embeds": target["queries"] == baseline["queries"],
            "p95_at_most_80_ms": target["p95_ms"] <= 80,
        },
    }
    print(f"baseline (5 embeds):  {baseline['queries']} queries, p95 {baseline['p95_ms']} ms")
    print(f"target (40 embeds):   {target['queries']} queries, p95 {target['p95_ms']} ms")
    print(
        f"ratio vs baseline: queries {result['query_ratio_vs_baseline']}, "
        f"p95 {result['p95_ratio_vs_baseline']}"
    )
    out = ROOT / "bench" / "results" / "exhibit_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
