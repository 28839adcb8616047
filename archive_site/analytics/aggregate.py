"""The flush: the buffer's new rows added into the daily tables, then ended days closed.

Each daily table gets one INSERT … SELECT … GROUP BY over the rows past the watermark, adding to
what a row of that day already holds (ON CONFLICT … DO UPDATE, the same SQL on SQLite and
PostgreSQL); the watermark moves in the same transaction, under a row lock, so a flush run twice
or by two workers at once counts every row once.

Closing a day (any day before today): its distinct visitor hashes become a number in
`DailyVisitors`, the day's salt is deleted and its hashes blanked; buffer rows of days before
yesterday that are counted are deleted (yesterday's stay, so a beacon replayed just after
midnight still meets its nonce).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from . import buffer
from .models import (
    READ_KINDS,
    DailyDevice,
    DailyReferrer,
    DailySearch,
    DailyTotal,
    DailyView,
    DailyVisitors,
    DaySalt,
    FlushMark,
    Hit,
    Kind,
    MonthlyView,
)


@dataclass
class FlushResult:
    rows: int
    closed_days: int


def _t(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _statements() -> list[str]:
    # Only table names from the models' _meta and integer constants are written into the SQL;
    # the watermark goes as parameters.
    hit, read = _t(Hit), ", ".join(str(int(k)) for k in READ_KINDS)
    window = "id > %(start)s AND id <= %(end)s"
    view, search, ref, dev = _t(DailyView), _t(DailySearch), _t(DailyReferrer), _t(DailyDevice)
    month, total = _t(MonthlyView), _t(DailyTotal)
    # The first day of the row's month (the two databases the product runs on).
    first_day = (
        "CAST(date_trunc('month', day) AS date)"
        if connection.vendor == "postgresql"
        else "date(day, 'start of month')"
    )
    return [
        f"INSERT INTO {view} (day, kind, object_id, views) "  # noqa: S608
        f"SELECT day, kind, object_id, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind <> {int(Kind.SEARCH)} GROUP BY day, kind, object_id "
        f"ON CONFLICT (day, kind, object_id) DO UPDATE SET views = {view}.views + excluded.views",
        f"INSERT INTO {month} (month, kind, object_id, views) "  # noqa: S608
        f"SELECT {first_day}, kind, object_id, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind <> {int(Kind.SEARCH)} GROUP BY {first_day}, kind, object_id "
        f"ON CONFLICT (month, kind, object_id) "
        f"DO UPDATE SET views = {month}.views + excluded.views",
        f"INSERT INTO {total} (day, kind, views) "  # noqa: S608
        f"SELECT day, kind, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind <> {int(Kind.SEARCH)} GROUP BY day, kind "
        f"ON CONFLICT (day, kind) DO UPDATE SET views = {total}.views + excluded.views",
        f"INSERT INTO {search} (day, query, searches, zero_results) "  # noqa: S608
        f"SELECT day, query, COUNT(*), SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) FROM {hit} "
        f"WHERE {window} AND kind = {int(Kind.SEARCH)} AND query <> '' GROUP BY day, query "
        f"ON CONFLICT (day, query) DO UPDATE SET searches = {search}.searches + excluded.searches, "
        f"zero_results = {search}.zero_results + excluded.zero_results",
        f"INSERT INTO {ref} (day, domain, views) "  # noqa: S608
        f"SELECT day, referrer, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind IN ({read}) AND referrer <> '' GROUP BY day, referrer "
        f"ON CONFLICT (day, domain) DO UPDATE SET views = {ref}.views + excluded.views",
        f"INSERT INTO {dev} (day, device, views) "  # noqa: S608
        f"SELECT day, device, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind IN ({read}) GROUP BY day, device "
        f"ON CONFLICT (day, device) DO UPDATE SET views = {dev}.views + excluded.views",
    ]


def flush(today: datetime.date | None = None) -> FlushResult:
    today = today or timezone.localdate()
    buffer.drain()
    with transaction.atomic():
        FlushMark.objects.get_or_create(pk=1)
        mark = FlushMark.objects.select_for_update().get(pk=1)
        start = mark.last_id
        end = Hit.objects.aggregate(end=Max("id"))["end"] or 0
        rows = 0
        late = False
        if end > start:
            batch = Hit.objects.filter(id__gt=start, id__lte=end)
            rows = batch.count()
            late = batch.filter(day__lt=today).exists()
            with connection.cursor() as cursor:
                for sql in _statements():
                    cursor.execute(sql, {"start": start, "end": end})
            mark.last_id = end
        mark.flushed_at = timezone.now()
        mark.save()
    closed = close_days(today)
    if late or closed:  # the dashboard's kept numbers of past days no longer hold
        FlushMark.objects.filter(pk=1).update(history=F("history") + 1)
    return FlushResult(rows=rows, closed_days=closed)


def close_days(today: datetime.date) -> int:
    """Count ended days' distinct visitors, drop their salts and hashes, and the counted buffer
    rows of days before yesterday. One transaction, a few statements whatever the days."""
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
        known = {v.day: v for v in DailyVisitors.objects.filter(day__in=days)}
        for day in days:
            if day in known:  # closed before (a restored salt): add, never replace
                known[day].visitors += counts.get(day, 0)
        DailyVisitors.objects.bulk_update(list(known.values()), ["visitors"])
        DailyVisitors.objects.bulk_create(
            [DailyVisitors(day=d, visitors=counts.get(d, 0)) for d in days if d not in known]
        )
        # Rows of days before yesterday go below; yesterday's stay (their nonces), unnamed.
        Hit.objects.filter(day__in=[d for d in days if d >= yesterday]).exclude(visitor="").update(
            visitor=""
        )
        DaySalt.objects.filter(day__in=days).delete()
        mark = FlushMark.objects.filter(pk=1).values_list("last_id", flat=True).first() or 0
        Hit.objects.filter(day__lt=yesterday, id__lte=mark)._raw_delete(Hit.objects.db)
    return len(days)
