"""OAI-PMH harvest at scale: a full ListRecords of 100k generated items through resumption tokens.

Items are bulk-created in a file-backed SQLite database in a temporary folder (the test
settings), their OAI record state is built, then the whole list is harvested through Django's
test client, following every resumption token. Prints records/s, CPU seconds per 1,000 records,
the load average, and the latency of the last page against the first, measured in the same run
(the first keyset page and the last one, re-requested alternately with their still-valid tokens,
so both are warm). Writes bench/results/oai_bench.json. Goals: last page <= 1.5x the first,
>= 2,000 records/s on two cores.

    .venv/bin/python bench/oai_bench.py [--items 100000] [--prefix oai_dc] [--page-size 100]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
TYPES = ["manuscript", "letter", "photograph", "oral_history", "certificate", "document"]


def generate(count: int) -> int:
    """Scientists, fonds, series and `count` items with scientists and subjects, in bulk.
    Returns how many items are public (the harvest must list exactly those)."""
    # Imported here, not at the top: models load only after main() has called django.setup().
    from taggit.models import Tag

    from archive_collections.models import Fonds, Item, ItemSubject, Scientist, Series

    people = Scientist.objects.bulk_create(
        Scientist(identifier=f"sci-{n}", name=f"科学家{n}", name_pinyin=f"Kexuejia {n}")
        for n in range(20)
    )
    fonds = Fonds.objects.bulk_create(
        Fonds(identifier=f"DA-{n:02d}", title=f"全宗{n}", scientist=people[n]) for n in range(20)
    )
    series = Series.objects.bulk_create(
        Series(identifier=f"DA-{n // 10:02d}-{n % 10}", title=f"系列{n}", fonds=fonds[n // 10])
        for n in range(200)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"主题{n}", slug=f"subject-{n}") for n in range(30))
    public = 0
    for start in range(0, count, 5000):
        batch = []
        for n in range(start, min(start + 5000, count)):
            hidden = n % 50 == 7  # 2% for researchers only: never harvested
            public += not hidden
            batch.append(
                Item(
                    identifier=f"IT-{n:06d}",
                    title=f"手稿第{n}号：关于空气动力学计算的说明",
                    item_type=TYPES[n % len(TYPES)],
                    series=series[n % 200],
                    creators="钱学森；蒋英",
                    description="钢笔书写的计算草稿，页边有多处演算、删改和日期记号。" * 2,
                    places="北京",
                    extent="2页",
                    date_text="1956年3月",
                    date_start=date(1956, 3, 1),
                    date_end=date(1956, 3, 31),
                    date_precision="month",
                    access_level="researchers" if hidden else "public",
                )
            )
        items = Item.objects.bulk_create(batch)
        Item.scientists.through.objects.bulk_create(
            Item.scientists.through(item_id=i.pk, scientist_id=people[k % 20].pk)
            for k, i in enumerate(items)
        )
        ItemSubject.objects.bulk_create(
            ItemSubject(content_object_id=i.pk, tag=tags[k % 30]) for k, i in enumerate(items)
        )
    return public


def timed_get(client, params: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = client.get("/oai/", params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200 or b"<error" in body:
        raise SystemExit(f"harvest failed: {body[:500]!r}")
    return elapsed, body


def harvest(client, prefix: str) -> dict:
    """Follow every token; returns per-page latencies, tokens and the record count."""
    records, pages, tokens = 0, [], []
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    cpu, wall = time.process_time(), time.perf_counter()
    while True:
        elapsed, body = timed_get(client, params)
        pages.append(elapsed)
        records += body.count(b"<record>")
        found = TOKEN.search(body)
        token = found.group(1).decode() if found else ""
        if not token:
            break
        tokens.append(token)
        params = {"verb": "ListRecords", "resumptionToken": token}
    return {
        "records": records,
        "pages": pages,
        "tokens": tokens,
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
    }


def first_vs_last(client, tokens: list[str], rounds: int) -> tuple[float, float]:
    """Median latency of the first keyset page and of the last page, requested alternately."""
    first, last = [], []
    for _ in range(rounds):
        first.append(timed_get(client, {"verb": "ListRecords", "resumptionToken": tokens[0]})[0])
        last.append(timed_get(client, {"verb": "ListRecords", "resumptionToken": tokens[-1]})[0])
    return statistics.median(first), statistics.median(last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--prefix", default="oai_dc", choices=["oai_dc", "mods"])
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    # Everything below needs the apps loaded by django.setup().
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from archive_collections.models import OaiRecord

    setup_test_environment()
    settings.OAI_PAGE_SIZE = args.page_size
    settings.OAI_REPOSITORY_IDENTIFIER = "archive.example.org"
    load_before = os.getloadavg()
    connection.creation.create_test_db(verbosity=0)
    started = time.perf_counter()
    public = generate(args.items)
    generated_s = time.perf_counter() - started
    started = time.perf_counter()
    OaiRecord.objects.reconcile()  # what the first harvest (or the signals) would do
    records_s = time.perf_counter() - started

    client = Client()
    timed_get(client, {"verb": "Identify"})  # warm: URL resolver, translations, lxml
    run = harvest(client, args.prefix)
    if run["records"] != public:
        raise SystemExit(f"harvested {run['records']} records, expected {public}")
    first_ms, last_ms = first_vs_last(client, run["tokens"], args.rounds)
    load_after = os.getloadavg()
    result = {
        "items": args.items,
        "public_records": public,
        "prefix": args.prefix,
        "page_size": args.page_size,
        "pages": len(run["pages"]),
        "generate_s": round(generated_s, 1),
        "record_state_s": round(records_s, 1),
        "harvest_wall_s": round(run["wall_s"], 1),
        "records_per_s": round(run["records"] / run["wall_s"]),
        "cpu_s_per_1000_records": round(run["cpu_s"] / run["records"] * 1000, 3),
        "page1_ms_with_count_and_reconcile": round(run["pages"][0], 1),
        "first_keyset_page_ms": round(first_ms, 1),
        "last_page_ms": round(last_ms, 1),
        "last_vs_first_ratio": round(last_ms / first_ms, 2),
        "median_page_ms": round(statistics.median(run["pages"]), 1),
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }
    for key, value in result.items():
        print(f"{key:36} {value}")
    out = ROOT / "bench" / "results" / "oai_bench.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
