# ruff: noqa: S608 — the bench writes its SQL from integers, a date and table names it owns
"""Counting without tracking, measured: what counting costs a page, how long the flush takes to
add 10M recorded views into the daily tables, and the impact dashboard's p95 over a year of data.

1. Page cost: a chapter page and a search page rendered with counting on and off, alternating in
   the same run (Django test client, warm, page cache off so every request renders), p95 of
   each and the difference (goal: <= 2 ms at p95). A page's own view is counted by the beacon
   its script sends after it loaded, so the beacon's p95 is given too (not part of the page).
2. Flush: N recorded views (default 10M, over 90 days in time order, made by one INSERT …
   SELECT in the database) added into the daily tables by `aggregate.flush` (batches of --batch
   rows), then the ended days closed (distinct visitors counted, salts and hashes dropped,
   counted rows deleted). Goal: <= 60 s. The baseline, on the same rows made again in the same
   run, is the flush as it was before batching (six passes over every row; --no-baseline skips
   it).
   CPU seconds: this process plus the database backend's (read from /proc on PostgreSQL).
3. Dashboard: a year of daily rows (pages, records, files, searches, referrers, devices), the
   dashboard for "last 12 months" and for one exhibition, p95 (goal: <= 300 ms). The days before
   today are read once and kept until a flush changes one (a late view, a day closed): the
   first request of each filter is given apart ("first request"), the p95 is of the others.

Prints ratios, CPU seconds per million views, and the load average; writes
bench/results/analytics_bench.json. Runs on the test database of DATABASE_URL (PostgreSQL for
the figures that matter; SQLite without it).

    DATABASE_URL=$(scripts/services/postgres.sh start) .venv/bin/python bench/analytics_bench.py
    .venv/bin/python bench/analytics_bench.py --views 1000000 --runs 40
    .venv/bin/python bench/analytics_bench.py --parts dashboard
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_site.settings.test")

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (0 on SQLite, which runs in here)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu() -> float:
    times = os.times()
    return times.user + times.system + backend_cpu()


def page_cost(runs: int) -> dict:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from archive_site.analytics.counting import make_token
    from archive_site.analytics.models import Kind
    from tests.factories import ChapterPageFactory, ItemFactory

    chapter = ChapterPageFactory(title="第一章 求学")
    ItemFactory(title="钱学森致导师的信")
    client = Client(HTTP_USER_AGENT=BROWSER)
    search = reverse("search:page") + "?q=" + "钱学森"
    pages = {"chapter": chapter.url, "search": search}
    samples: dict[str, dict[bool, list[float]]] = {k: {True: [], False: []} for k in pages}
    for _ in range(5):  # warm both ways
        for on in (False, True):
            settings.ANALYTICS_ENABLED = on
            for url in pages.values():
                client.get(url)
    for n in range(runs):
        for on in (n % 2 == 0, n % 2 == 1):  # alternate which goes first
            settings.ANALYTICS_ENABLED = on
            for name, url in pages.items():
                samples[name][on].append(timed(lambda url=url: client.get(url)))
    settings.ANALYTICS_ENABLED = True
    token = make_token(Kind.PAGE, chapter.pk)
    beacon = reverse("analytics:beacon")
    beacons = [
        timed(lambda n=n: client.post(beacon, {"t": token, "n": f"bench-nonce-{n:08d}"}))
        for n in range(runs)
    ]
    result = {}
    for name in pages:
        on, off = p95(samples[name][True]), p95(samples[name][False])
        result[name] = {
            "p95_on_ms": round(on, 2),
            "p95_off_ms": round(off, 2),
            "overhead_ms": round(on - off, 2),
            "ratio_on_vs_off": round(on / off, 3),
        }
    result["beacon_p95_ms"] = round(p95(beacons), 2)
    return result


def _fill_hits(views: int, today: datetime.date) -> None:
    from django.db import connection

    from archive_site.analytics.models import Hit

    table = connection.ops.quote_name(Hit._meta.db_table)
    columns = "(day, kind, object_id, device, referrer, visitor, query, results)"
    # Six in ten are page views, then items, scientists, downloads and searches; 5,000 objects;
    # 40,000 visitors; 500 search terms, some finding nothing.
    values = (
        "CASE WHEN g % 10 < 6 THEN 1 WHEN g % 10 = 6 THEN 2 WHEN g % 10 = 7 THEN 3 "
        "WHEN g % 10 = 8 THEN 7 ELSE 8 END, "
        "CASE WHEN g % 10 = 9 THEN 0 ELSE (g * 7919) % 5000 + 1 END, "
        "1 + g % 3, "
        "CASE WHEN g % 5 = 0 THEN 'baidu.com' WHEN g % 7 = 0 THEN 'weixin.qq.com' ELSE '' END, "
        "{visitor}, "
        "CASE WHEN g % 10 = 9 THEN 'term' || (g % 500) ELSE '' END, "
        "CASE WHEN g % 10 = 9 THEN g % 13 ELSE NULL END"
    )
    # In time order, as counting writes them: the first rows are of 89 days ago, the last of
    # today (each day about 111,000 views by up to 40,000 visitors).
    day_back = f"89 - (g - 1) * 90 / {int(views)}"
    # No parameters: the statements are run as written (a date literal, integers), so their %
    # signs are SQL's modulo.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            visitor = "lpad(to_hex((g * 31) % 40000), 16, '0')"
            cursor.execute(
                f"INSERT INTO {table} {columns} "
                f"SELECT DATE '{today.isoformat()}' - CAST({day_back} AS integer), "
                f"{values.format(visitor=visitor)} "
                f"FROM generate_series(1::bigint, {int(views)}) AS s(g)"
            )
        else:
            visitor = "printf('%016x', (g * 31) % 40000)"
            cursor.execute(
                "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
                f"WHERE g < {int(views)}) "
                f"INSERT INTO {table} {columns} "
                f"SELECT date('{today.isoformat()}', '-' || ({day_back}) || ' days'), "
                f"{values.format(visitor=visitor)} FROM s"
            )


def _baseline_flush(first: datetime.date, today: datetime.date) -> None:
    """The flush as it was before batching (stop 22), kept here as the same run's baseline: six
    passes over every new row, one GROUP BY per daily table, in one transaction; then ended days
    closed with COUNT(DISTINCT …) per day and the counted rows deleted row by row."""
    from django.db import connection, transaction
    from django.db.models import Count, Max

    from archive_site.analytics.models import (
        READ_KINDS,
        DailyDevice,
        DailyReferrer,
        DailySearch,
        DailyTotal,
        DailyView,
        DailyVisitors,
        DaySalt,
        Hit,
        MonthlyView,
    )

    q = connection.ops.quote_name
    hit, read = q(Hit._meta.db_table), ", ".join(str(int(k)) for k in READ_KINDS)
    view, month, total = (q(m._meta.db_table) for m in (DailyView, MonthlyView, DailyTotal))
    search, ref, dev = (q(m._meta.db_table) for m in (DailySearch, DailyReferrer, DailyDevice))
    pg = connection.vendor == "postgresql"
    first_day = "CAST(date_trunc('month', day) AS date)" if pg else "date(day, 'start of month')"
    window = "id > %(start)s AND id <= %(end)s"
    statements = [
        f"INSERT INTO {view} (day, kind, object_id, views) SELECT day, kind, object_id, COUNT(*) "
        f"FROM {hit} WHERE {window} AND kind <> 8 GROUP BY day, kind, object_id "
        f"ON CONFLICT (day, kind, object_id) DO UPDATE SET views = {view}.views + excluded.views",
        f"INSERT INTO {month} (month, kind, object_id, views) SELECT {first_day}, kind, "
        f"object_id, COUNT(*) FROM {hit} WHERE {window} AND kind <> 8 "
        f"GROUP BY {first_day}, kind, object_id ON CONFLICT (month, kind, object_id) "
        f"DO UPDATE SET views = {month}.views + excluded.views",
        f"INSERT INTO {total} (day, kind, views) SELECT day, kind, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind <> 8 GROUP BY day, kind "
        f"ON CONFLICT (day, kind) DO UPDATE SET views = {total}.views + excluded.views",
        f"INSERT INTO {search} (day, query, searches, zero_results) SELECT day, query, COUNT(*), "
        f"SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) FROM {hit} "
        f"WHERE {window} AND kind = 8 AND query <> '' GROUP BY day, query "
        f"ON CONFLICT (day, query) DO UPDATE SET searches = {search}.searches + "
        f"excluded.searches, zero_results = {search}.zero_results + excluded.zero_results",
        f"INSERT INTO {ref} (day, domain, views) SELECT day, referrer, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind IN ({read}) AND referrer <> '' GROUP BY day, referrer "
        f"ON CONFLICT (day, domain) DO UPDATE SET views = {ref}.views + excluded.views",
        f"INSERT INTO {dev} (day, device, views) SELECT day, device, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind IN ({read}) GROUP BY day, device "
        f"ON CONFLICT (day, device) DO UPDATE SET views = {dev}.views + excluded.views",
    ]
    end = Hit.objects.aggregate(end=Max("id"))["end"] or 0
    with transaction.atomic(), connection.cursor() as cursor:
        Hit.objects.filter(id__gt=0, id__lte=end).count()
        Hit.objects.filter(id__gt=0, id__lte=end, day__lt=first).exists()
        for sql in statements:
            cursor.execute(sql, {"start": 0, "end": end})
    days = list(DaySalt.objects.filter(day__lt=today).values_list("day", flat=True))
    yesterday = today - datetime.timedelta(days=1)
    with transaction.atomic():
        counts = dict(
            Hit.objects.filter(day__in=days)
            .exclude(visitor="")
            .values_list("day")
            .annotate(n=Count("visitor", distinct=True))
            .order_by()
        )
        DailyVisitors.objects.bulk_create([DailyVisitors(day=d, visitors=counts[d]) for d in days])
        Hit.objects.filter(day__in=[d for d in days if d >= yesterday]).update(visitor="")
        Hit.objects.filter(day__lt=yesterday, id__lte=end)._raw_delete(Hit.objects.db)


def _reset_counts() -> None:
    from archive_site.analytics import counting
    from archive_site.analytics.models import (
        DailyDevice,
        DailyReferrer,
        DailySearch,
        DailyTotal,
        DailyView,
        DailyVisitors,
        DaySalt,
        FlushMark,
        Hit,
        MonthlyView,
    )

    for model in (
        Hit,
        DailyView,
        DaySalt,
        MonthlyView,
        DailyTotal,
        DailySearch,
        DailyReferrer,
        DailyDevice,
        DailyVisitors,
        FlushMark,
    ):
        model.objects.all()._raw_delete(model.objects.db)
    counting._salts.clear()


def _recorded(views: int, today: datetime.date) -> float:
    """Fill the buffer with `views` recorded views over 90 days and their salts; seconds taken."""
    from django.db import connection

    from archive_site.analytics import counting
    from archive_site.analytics.models import Hit

    _reset_counts()
    start = time.perf_counter()
    _fill_hits(views, today)
    for n in range(90):  # each recorded day has its salt, as counting would have made
        counting.day_salt(today - datetime.timedelta(days=n))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Hit._meta.db_table)}")
            cursor.execute("CHECKPOINT")  # the fill's writes are not the flush's to pay
    return time.perf_counter() - start


def flush_cost(views: int, batch: int | None, baseline: bool) -> dict:
    from archive_site.analytics.aggregate import batch_size, close_days, flush
    from archive_site.analytics.models import DailyView, DailyVisitors, DaySalt, Hit

    today = datetime.date.today()
    first = today - datetime.timedelta(days=89)
    result: dict = {"views": views, "batch": batch or batch_size()}
    if baseline:
        _recorded(views, today)
        cpu_before, start = cpu(), time.perf_counter()
        _baseline_flush(first, today)
        result["baseline_s"] = round(time.perf_counter() - start, 2)
        result["baseline_cpu_s"] = round(cpu() - cpu_before, 1)
        assert sum(DailyView.objects.values_list("views", flat=True)) == views - views // 10
    generated = _recorded(views, today)
    cpu_before, start = cpu(), time.perf_counter()
    added = flush(today=first, batch=batch)  # every row added; no day is closed yet
    aggregated = time.perf_counter() - start
    start = time.perf_counter()
    closed = close_days(today)
    closing = time.perf_counter() - start
    cpu_used = cpu() - cpu_before
    assert sum(DailyView.objects.values_list("views", flat=True)) == views - views // 10
    result.update(
        {
            "generate_s": round(generated, 1),
            "aggregate_s": round(aggregated, 2),
            "close_days_s": round(closing, 2),
            "flush_total_s": round(aggregated + closing, 2),
            "rows_added": added.rows,
            "days_closed": closed,
            "daily_view_rows": DailyView.objects.count(),
            "visitor_days": DailyVisitors.objects.count(),
            "salts_left": DaySalt.objects.count(),
            "buffer_rows_left": Hit.objects.count(),
            "cpu_s": round(cpu_used, 1),
            "cpu_s_per_million_views": round(cpu_used / (views / 1e6), 2),
        }
    )
    if baseline:
        result["ratio_vs_baseline"] = round(result["flush_total_s"] / result["baseline_s"], 3)
        result["baseline_cpu_s_per_million_views"] = round(
            result["baseline_cpu_s"] / (views / 1e6), 2
        )
    return result


def _fill_year(today: datetime.date, page_ids: list[int]) -> int:
    """A year of daily rows, as a busy site's flushes would leave them."""
    from django.db import connection

    from archive_site.analytics.models import (
        DailyDevice,
        DailyReferrer,
        DailySearch,
        DailyTotal,
        DailyView,
        DailyVisitors,
        MonthlyView,
    )

    q = connection.ops.quote_name
    pg = connection.vendor == "postgresql"

    def series(name: str, size: int) -> str:
        if pg:
            return f"generate_series(0, {size - 1}) AS {name}({name})"
        return (
            f"(WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n < {size - 1})"
            f" SELECT n AS {name} FROM r) AS {name}_t"
        )

    # No parameters (a date literal, integers): the statements' % signs are SQL's modulo.
    day = (
        f"DATE '{today.isoformat()}' - d"
        if pg
        else f"date('{today.isoformat()}', '-' || d || ' days')"
    )
    pages = ",".join(str(p) for p in page_ids)
    statements = [
        # kind 1 (pages): the bench's real pages plus 500 others; 2 items (3,000); 3 scientists
        # (200); 6 file views and 7 downloads (1,000 files each).
        (DailyView, "(day, kind, object_id, views)", 1, "o + 1000000", 500, "1 + (o * 7 + d) % 40"),
        (DailyView, "(day, kind, object_id, views)", 2, "o + 1", 3000, "1 + (o + d) % 9"),
        (DailyView, "(day, kind, object_id, views)", 3, "o + 1", 200, "1 + (o * 3 + d) % 25"),
        (DailyView, "(day, kind, object_id, views)", 6, "o + 1", 1000, "1 + (o + d) % 5"),
        (DailyView, "(day, kind, object_id, views)", 7, "o + 1", 1000, "1 + (o + d) % 3"),
    ]
    with connection.cursor() as cursor:
        for model, columns, kind, key, size, views in statements:
            cursor.execute(
                f"INSERT INTO {q(model._meta.db_table)} {columns} "
                f"SELECT {day}, {kind}, {key}, {views} FROM {series('d', 365)}, {series('o', size)}"
            )
        cursor.execute(
            f"INSERT INTO {q(DailyView._meta.db_table)} (day, kind, object_id, views) "
            f"SELECT {day}, 1, p, 20 + (p + d) % 60 FROM {series('d', 365)}, "
            + (
                f"unnest(ARRAY[{pages}]) AS p"
                if pg
                else f"(SELECT value AS p FROM json_each('[{pages}]'))"
            )
        )
        cursor.execute(
            f"INSERT INTO {q(DailySearch._meta.db_table)} (day, query, searches, zero_results) "
            f"SELECT {day}, 'term' || o, 1 + (o + d) % 20, CASE WHEN o % 9 = 0 THEN 1 ELSE 0 END "
            f"FROM {series('d', 365)}, {series('o', 300)}"
        )
        cursor.execute(
            f"INSERT INTO {q(DailyReferrer._meta.db_table)} (day, domain, views) "
            f"SELECT {day}, 'site' || o || '.edu.cn', 1 + (o + d) % 30 "
            f"FROM {series('d', 365)}, {series('o', 60)}"
        )
        cursor.execute(
            f"INSERT INTO {q(DailyDevice._meta.db_table)} (day, device, views) "
            f"SELECT {day}, o + 1, 100 + (o + d) % 50 FROM {series('d', 365)}, {series('o', 3)}"
        )
        cursor.execute(
            f"INSERT INTO {q(DailyVisitors._meta.db_table)} (day, visitors) "
            f"SELECT {day}, 500 + d FROM {series('d', 365)}"
        )
        # The monthly and per-day rollups the flush keeps beside the daily rows.
        first_day = (
            "CAST(date_trunc('month', day) AS date)" if pg else "date(day, 'start of month')"
        )
        cursor.execute(
            f"INSERT INTO {q(MonthlyView._meta.db_table)} (month, kind, object_id, views) "
            f"SELECT {first_day}, kind, object_id, SUM(views) FROM {q(DailyView._meta.db_table)} "
            f"GROUP BY {first_day}, kind, object_id"
        )
        cursor.execute(
            f"INSERT INTO {q(DailyTotal._meta.db_table)} (day, kind, views) "
            f"SELECT day, kind, SUM(views) FROM {q(DailyView._meta.db_table)} GROUP BY day, kind"
        )
        if pg:
            cursor.execute("ANALYZE")
    return DailyView.objects.count()


def dashboard_cost(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from archive_site.analytics.models import (
        DailyDevice,
        DailyReferrer,
        DailySearch,
        DailyTotal,
        DailyView,
        DailyVisitors,
        FlushMark,
        Hit,
        MonthlyView,
    )
    from tests.factories import ChapterPageFactory

    for model in (
        Hit,
        DailyView,
        DailySearch,
        DailyReferrer,
        DailyDevice,
        DailyVisitors,
        MonthlyView,
        DailyTotal,
    ):
        model.objects.all()._raw_delete(model.objects.db)
    chapters = [ChapterPageFactory() for _ in range(3)]
    exhibition = chapters[0].get_parent()
    chapters += [ChapterPageFactory(parent=exhibition.specific) for _ in range(5)]
    ids = sorted({c.pk for c in chapters} | {c.get_parent().pk for c in chapters})
    rows = _fill_year(datetime.date.today(), ids)
    FlushMark.objects.get_or_create(pk=1)  # as the flushes that wrote these rows leave it
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "pw")
    client = Client()
    client.force_login(user)
    url = reverse("analytics_dashboard")
    result = {"daily_view_rows": rows}
    for name, params in (
        ("year", {"period": "year"}),
        ("year_one_exhibition", {"period": "year", "exhibition": str(exhibition.pk)}),
        ("quarter", {"period": "quarter"}),
    ):
        cpu_before = cpu()
        cold = timed(lambda params=params: client.get(url, params))
        cold_cpu = cpu() - cpu_before
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        cpu_before = cpu()
        times = [timed(lambda params=params: client.get(url, params)) for _ in range(runs)]
        result[name] = {
            "p95_ms": round(p95(times), 1),
            "median_ms": round(statistics.median(times), 1),
            "cpu_s_per_request": round((cpu() - cpu_before) / runs, 4),
            # The first request of the day (or after a flush changed a past day) reads the
            # period's past days; the others read today's rows and the names.
            "first_request_ms": round(cold, 1),
            "first_request_cpu_s": round(cold_cpu, 3),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--views", type=int, default=10_000_000)
    parser.add_argument("--batch", type=int, help="the flush's batch (ANALYTICS_FLUSH_BATCH)")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the flush as it was before (it costs a second fill of the buffer)",
    )
    parser.add_argument(
        "--parts",
        default="page,flush,dashboard",
        help="which measurements to run, comma-separated (page, flush, dashboard)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ANALYTICS_FLUSH_SECONDS = 0  # the bench flushes itself
    settings.ALLOWED_HOSTS = ["*"]
    old_name = connection.creation.create_test_db(verbosity=0)
    load_before = os.getloadavg()
    try:
        pages = page_cost(args.runs) if "page" in parts else None
        flushing = (
            flush_cost(args.views, args.batch, not args.no_baseline) if "flush" in parts else None
        )
        dashboard = dashboard_cost(max(20, args.runs // 2)) if "dashboard" in parts else None
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    goals: dict[str, bool] = {}
    print(f"database: {connection.vendor}, {os.cpu_count()} cores")
    if pages:
        chapter, search = pages["chapter"], pages["search"]
        goals["page_overhead_p95_ms<=2"] = chapter["overhead_ms"] <= 2
        goals["search_overhead_p95_ms<=2"] = search["overhead_ms"] <= 2
        print(
            f"chapter page p95: on {chapter['p95_on_ms']} ms, off {chapter['p95_off_ms']} ms, "
            f"overhead {chapter['overhead_ms']} ms, ratio on vs off {chapter['ratio_on_vs_off']}"
        )
        print(
            f"search page p95: on {search['p95_on_ms']} ms, off {search['p95_off_ms']} ms, "
            f"overhead {search['overhead_ms']} ms, ratio on vs off {search['ratio_on_vs_off']}"
        )
        print(f"beacon p95 (sent after the page loaded): {pages['beacon_p95_ms']} ms")
    if flushing:
        goals["flush_10M_s<=60"] = flushing["flush_total_s"] <= 60 * flushing["views"] / 10_000_000
        print(
            f"flush of {flushing['views']:,} views (batches of {flushing['batch']:,}): aggregate "
            f"{flushing['aggregate_s']} s + close days {flushing['close_days_s']} s = "
            f"{flushing['flush_total_s']} s (ratio vs 60 s goal "
            f"{flushing['flush_total_s'] / 60 / (flushing['views'] / 10_000_000):.2f}); CPU "
            f"{flushing['cpu_s']} s, {flushing['cpu_s_per_million_views']} s per million views; "
            f"generating them took {flushing['generate_s']} s"
        )
        if "baseline_s" in flushing:
            print(
                f"  baseline (the flush before batching, same rows, same run): "
                f"{flushing['baseline_s']} s, CPU {flushing['baseline_cpu_s']} s "
                f"({flushing['baseline_cpu_s_per_million_views']} s per million views); "
                f"ratio new vs baseline {flushing['ratio_vs_baseline']}"
            )
    if dashboard:
        goals["dashboard_year_p95_ms<=300"] = dashboard["year"]["p95_ms"] <= 300
        for name in ("year", "year_one_exhibition", "quarter"):
            row = dashboard[name]
            print(
                f"dashboard {name} ({dashboard['daily_view_rows']:,} daily rows): p95 "
                f"{row['p95_ms']} ms (ratio vs 300 ms goal {row['p95_ms'] / 300:.2f}), "
                f"CPU {row['cpu_s_per_request']} s per request; first request "
                f"{row['first_request_ms']} ms, CPU {row['first_request_cpu_s']} s"
            )
    result = {
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "page": pages,
        "flush": flushing,
        "dashboard": dashboard,
        "goals": goals,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"load average before {result['load_before']}, after {result['load_after']}")
    print("goals:", goals)
    out = ROOT / "bench" / "results" / "analytics_bench.json"
    if parts != {"page", "flush", "dashboard"} and out.exists():
        # One part measured: the other parts' last figures stay, with their own load averages.
        kept = json.loads(out.read_text())
        for name in ("page", "flush", "dashboard"):
            if result[name] is None and kept.get(name) is not None:
                result[name] = kept[name]
                result.setdefault("kept_from_earlier_run", []).append(name)
        result["goals"] = {**kept.get("goals", {}), **goals}
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
