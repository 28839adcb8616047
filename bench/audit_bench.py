"""Daily audit of 2,000 published pages embedding 20,000 records, against one page's audit × 2,000.

Builds (in a throw-away test database) an exhibition of `--pages` chapters, each embedding
`--embeds` archive items (every 50th item without a rights statement, so findings are written),
runs the full daily audit once, then audits `--samples` pages one at a time the same way and
scales that to all pages: the baseline an audit that repeated its work per page would cost.
Prints time, queries, CPU seconds, the ratio against the baseline and the load average; writes
bench/results/audit_bench.json.

    .venv/bin/python bench/audit_bench.py [--pages 2000] [--embeds 10] [--samples 50]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measured(function):
    """(result, wall seconds, CPU seconds, queries) of function()."""
    from django.db import connections

    counter = QueryCounter()
    wrappers = [c.execute_wrapper(counter) for c in connections.all()]
    for wrapper in wrappers:
        wrapper.__enter__()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        result = function()
    finally:
        for wrapper in wrappers:
            wrapper.__exit__(None, None, None)
    return result, time.perf_counter() - wall, time.process_time() - cpu, counter.count


def build(pages: int, embeds: int) -> list[int]:
    from django.utils import timezone

    from archive_collections.models import Item
    from exhibits.models import ChapterPage
    from tests.factories import ItemFactory
    from tests.pages import exhibition_tree, stream

    first = ItemFactory(creators="采集小组")
    series = first.series
    Item.objects.bulk_create(
        [
            Item(
                identifier=f"BENCH-{n:06d}",
                title=f"手稿第{n}号",
                item_type="manuscript",
                series=series,
                creators="采集小组",
                rights_statement="" if n % 50 == 0 else first.rights_statement,
                access_level="public",
            )
            for n in range(pages * embeds)
        ],
        batch_size=2000,
    )
    item_pks = list(Item.objects.exclude(pk=first.pk).order_by("pk").values_list("pk", flat=True))
    _index, exhibition, _chapters = exhibition_tree([])
    now = timezone.now()
    chapter_pks = []
    started = time.perf_counter()
    for n in range(pages):
        keys = item_pks[n * embeds : (n + 1) * embeds]
        body = stream(*({"type": "item", "value": {"item": pk, "caption": ""}} for pk in keys))
        chapter = ChapterPage(
            title=f"第{n + 1}章",
            slug=f"chapter-{n}",
            body=body,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        exhibition.add_child(instance=chapter)
        chapter_pks.append(chapter.pk)
        if (n + 1) % 500 == 0:
            print(f"  built {n + 1} pages in {time.perf_counter() - started:.0f} s", flush=True)
    return chapter_pks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--embeds", type=int, default=10)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("django_tasks").setLevel(logging.WARNING)  # one line per task otherwise
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from wagtail.models import Page

        from archive_site.oversight.audit import _save, run_audit
        from archive_site.oversight.checks import AUDIT_KINDS, Checker
        from archive_site.oversight.models import AuditRun

        print(f"building {args.pages} pages with {args.pages * args.embeds} embedded records…")
        chapter_pks = build(args.pages, args.embeds)
        run, full_s, full_cpu, full_q = measured(run_audit)

        sample = chapter_pks[:: max(1, len(chapter_pks) // args.samples)][: args.samples]
        one_run = AuditRun.objects.create(kind=AuditRun.Kind.DAILY, scope_label="baseline")

        def one_page_each():
            for pk in sample:
                pages = list(Page.objects.filter(pk=pk).specific())
                _save(one_run, Checker(pages, AUDIT_KINDS).issues())

        _none, one_s, one_cpu, one_q = measured(one_page_each)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    scale = args.pages / len(sample)
    baseline_s, baseline_q = one_s * scale, one_q * scale
    load = [round(x, 2) for x in os.getloadavg()]
    result = {
        "benchmark": "audit_full_vs_per_page",
        "pages": args.pages,
        "embedded_records": args.pages * args.embeds,
        "database": connection.vendor,
        "full_audit": {
            "pages_checked": run.page_count,
            "findings": run.finding_count,
            "seconds": round(full_s, 2),
            "cpu_seconds": round(full_cpu, 2),
            "queries": full_q,
            "cpu_ms_per_page": round(1000 * full_cpu / args.pages, 3),
        },
        "baseline_one_page_x_pages": {
            "sampled_pages": len(sample),
            "seconds": round(baseline_s, 2),
            "cpu_seconds": round(one_cpu * scale, 2),
            "queries": round(baseline_q),
        },
        "ratio_time_baseline_over_full": round(baseline_s / full_s, 2),
        "ratio_queries_baseline_over_full": round(baseline_q / full_q, 1),
        "load_average": load,
    }
    print(
        f"full audit: {run.page_count} pages, {run.finding_count} findings, {full_s:.2f} s, "
        f"{full_cpu:.2f} CPU s ({result['full_audit']['cpu_ms_per_page']} ms/page), "
        f"{full_q} queries"
    )
    print(
        f"one page × {args.pages} (from {len(sample)} sampled): {baseline_s:.2f} s, "
        f"{round(baseline_q)} queries"
    )
    print(
        f"ratio vs baseline: time ×{result['ratio_time_baseline_over_full']}, "
        f"queries ×{result['ratio_queries_baseline_over_full']}; load average {load}"
    )
    out = ROOT / "bench" / "results" / "audit_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
