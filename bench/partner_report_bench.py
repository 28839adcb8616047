"""The per-organisation report and the impact dashboard's organisation filter over a year of data.

500 partner organisations with 3,000 contributed records (six each, in every state) and 1,000 of
their files, under the same year of daily rows the analytics bench builds (pages, 3,000 items,
scientists, file views and downloads of 1,000 files, searches, referrers, devices; its
`_fill_year`), measured in the same run against the dashboard without the filter:

- the impact dashboard for the last 12 months and for this quarter, with one organisation chosen
  (goal: the dashboard's p95 <= 300 ms holds with the filter);
- the per-organisation table for this quarter and for the last 12 months (500 rows), its XLSX,
  and one organisation's page.

Each view's first request is given apart (the dashboard keeps its past days' numbers; the report
keeps nothing, so its first request is like the others). Prints p95s, ratios against the
unfiltered dashboard, CPU seconds per request and the load average; writes
bench/results/partner_report_bench.json. Runs on the test database of DATABASE_URL (PostgreSQL
for the figures that matter; SQLite without it).

    DATABASE_URL=$(scripts/services/postgres.sh start) \
        .venv/bin/python bench/partner_report_bench.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")

ORGANISATIONS = 500
RECORDS = 3000  # the analytics bench's item keys 1..3000
FILES = 1000  # and its file keys 1..1000


def build_partners() -> int:
    """Organisations, their records and files with the keys the year of rows counts."""
    from django.utils import timezone

    from archive_collections.models import Fonds, Item, Scientist, Series
    from archive_site.partners.models import Contribution, Organisation
    from media_pipeline.models import ItemFile

    scientist = Scientist.objects.create(identifier="qian-xuesen", name="钱学森")
    fonds = Fonds.objects.create(identifier="F-BENCH", title="全宗", scientist=scientist)
    series = Series.objects.create(identifier="F-BENCH-GJ", title="共建共享征集", fonds=fonds)
    kinds = ["society", "association", "team", "base", "institution", "other"]
    Organisation.objects.bulk_create(
        Organisation(name=f"合作单位{n:03d}", code=f"org{n:03d}", kind=kinds[n % 6], region="00")
        for n in range(ORGANISATIONS)
    )
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    Item.objects.bulk_create(
        Item(
            pk=n,
            identifier=f"GJ-BENCH-{n:05d}",
            title=f"贡献记录{n}",
            item_type="document",
            series=series,
            access_level="public",
        )
        for n in range(1, RECORDS + 1)
    )
    now = timezone.now()
    statuses = ["approved", "approved", "submitted", "changes", "rejected", "approved"]
    contribution_kinds = ["material", "case", "product"]
    Contribution.objects.bulk_create(
        Contribution(
            organisation_id=organisations[n % ORGANISATIONS],
            kind=contribution_kinds[n % 3],
            product_kind="poster" if n % 3 == 2 else "",
            status=statuses[(n // ORGANISATIONS) % 6],
            title=f"贡献{n}",
            licence="cc-by-4.0",
            source_statement="自藏",
            item_id=n,
            submitted_at=now - datetime.timedelta(days=n % 300),
            decided_at=now - datetime.timedelta(days=n % 200),
        )
        for n in range(1, RECORDS + 1)
    )
    ItemFile.objects.bulk_create(
        ItemFile(
            pk=n,
            item_id=n,
            sequence=1,
            master=f"bench/{n}.jpg",
            original_filename=f"{n}.jpg",
            sha256=f"{n:064d}",
            size=1000,
            mime_type="image/jpeg",
        )
        for n in range(1, FILES + 1)
    )
    return organisations[0]


def measure(client, url: str, params: dict, runs: int) -> dict:
    from analytics_bench import cpu, p95, timed

    cpu_before = cpu()
    first = timed(lambda: client.get(url, params))
    first_cpu = cpu() - cpu_before
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    cpu_before = cpu()
    times = [timed(lambda: client.get(url, params)) for _ in range(runs)]
    return {
        "p95_ms": round(p95(times), 1),
        "median_ms": round(statistics.median(times), 1),
        "cpu_s_per_request": round((cpu() - cpu_before) / runs, 4),
        "first_request_ms": round(first, 1),
        "first_request_cpu_s": round(first_cpu, 3),
    }


def run(runs: int) -> dict:
    from analytics_bench import _fill_year
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from archive_site.analytics.models import FlushMark

    organisation = build_partners()
    rows = _fill_year(datetime.date.today(), [1, 2, 3])
    FlushMark.objects.get_or_create(pk=1)
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "pw")
    client = Client()
    client.force_login(user)
    dashboard = reverse("analytics_dashboard")
    result: dict = {"daily_view_rows": rows, "organisations": ORGANISATIONS, "records": RECORDS}
    chosen = {"organisation": str(organisation)}
    cases = [
        ("dashboard_year", dashboard, {"period": "year"}),
        ("dashboard_year_one_organisation", dashboard, {"period": "year", **chosen}),
        ("dashboard_quarter_one_organisation", dashboard, {"period": "quarter", **chosen}),
        ("report_quarter", reverse("partners_report"), {"period": "quarter"}),
        ("report_year", reverse("partners_report"), {"period": "year"}),
        ("report_year_xlsx", reverse("partners_report_xlsx"), {"period": "year"}),
        (
            "organisation_page_year",
            reverse("partners_report_organisation", args=[organisation]),
            {"period": "year"},
        ),
    ]
    for name, url, params in cases:
        result[name] = measure(client, url, params, runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    # Its own database: other benches and test runs on this server use the default test name.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "test_partner_report_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    load_before = os.getloadavg()
    try:
        result = run(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    baseline = result["dashboard_year"]["p95_ms"]
    print(f"database: {connection.vendor}, {os.cpu_count()} cores")
    print(
        f"{result['organisations']} organisations, {result['records']:,} contributed records, "
        f"{result['daily_view_rows']:,} daily rows"
    )
    for name, row in result.items():
        if not isinstance(row, dict):
            continue
        print(
            f"{name}: p95 {row['p95_ms']} ms (ratio vs unfiltered dashboard "
            f"{row['p95_ms'] / baseline:.2f}, vs 300 ms goal {row['p95_ms'] / 300:.2f}), CPU "
            f"{row['cpu_s_per_request']} s per request; first request {row['first_request_ms']} "
            f"ms, CPU {row['first_request_cpu_s']} s"
        )
    result.update(
        database=connection.vendor,
        cores=os.cpu_count(),
        goals={
            "dashboard_year_one_organisation_p95_ms<=300": result[
                "dashboard_year_one_organisation"
            ]["p95_ms"]
            <= 300
        },
        load_before=[round(x, 2) for x in load_before],
        load_after=[round(x, 2) for x in os.getloadavg()],
    )
    print(f"load average before {result['load_before']}, after {result['load_after']}")
    print("goals:", result["goals"])
    out = ROOT / "bench" / "results" / "partner_report_bench.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
