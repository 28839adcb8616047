"""The flush: the buffer's new rows added into the daily tables, then ended days closed.

The rows past the watermark are taken in batches of consecutive ids (`ANALYTICS_FLUSH_BATCH`,
a million by default: a batch's sort stays in memory, and on SQLite the write lock is let go
between batches so counting is never held up for long). Each batch is one transaction that
locks the watermark row, adds the batch into every daily table and moves the watermark, so a
flush run twice or by two workers at once counts every row once, and a flush stopped half way
has counted whole batches only.

Within a batch the views are grouped once, by day, kind, key and device, into a temporary
table; the daily, monthly, per-day-total and device tables are added from that (a few thousand
rows) instead of each sorting the batch again. Searches and referrers are grouped from the
buffer (only their rows). Each addition is one INSERT … SELECT … ON CONFLICT DO UPDATE, the
same SQL on SQLite and PostgreSQL.

Closing a day (any day before today): its distinct visitor hashes become a number in
`DailyVisitors`, the day's salt is deleted and its hashes blanked; buffer rows of days before
yesterday that are counted are deleted (yesterday's stay, so a beacon replayed just after
midnight still meets its nonce).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, F, Max, Q
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

#: The temporary table a batch's views are grouped into (one per connection, gone after it).
DELTA = "analytics_flush_delta"
#: From how many buffer rows closing days may empty the table and put back what stays.
EMPTY_WHOLE_FROM = 10_000


@dataclass
class FlushResult:
    rows: int
    closed_days: int


def batch_size() -> int:
    return max(1, int(getattr(settings, "ANALYTICS_FLUSH_BATCH", 1_000_000)))


def _t(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _temp(name: str) -> str:
    """A temporary table's name, qualified so that no ordinary table can be meant."""
    schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
    return f"{schema}.{connection.ops.quote_name(name)}"


def _statements() -> list[str]:
    """One batch's SQL, in order: group its rows into the temporary table, add the views into
    the daily tables from it, then add searches and referrers from the buffer."""
    # Only table names from the models' _meta and integer constants are written into the SQL;
    # the batch's id range goes as parameters.
    hit, read = _t(Hit), ", ".join(str(int(k)) for k in READ_KINDS)
    window = "id > %(start)s AND id <= %(end)s"
    not_search = f"kind <> {int(Kind.SEARCH)}"
    view, search, ref, dev = _t(DailyView), _t(DailySearch), _t(DailyReferrer), _t(DailyDevice)
    month, total, delta = _t(MonthlyView), _t(DailyTotal), connection.ops.quote_name(DELTA)
    postgres = connection.vendor == "postgresql"
    # The first day of the row's month (the two databases the product runs on).
    first_day = (
        "CAST(date_trunc('month', day) AS date)" if postgres else "date(day, 'start of month')"
    )
    # A temporary table lasts as long as the connection (or, on PostgreSQL, to the outermost
    # commit): it is dropped after the batch, and before it in case a batch failed between.
    return [
        f"DROP TABLE IF EXISTS {_temp(DELTA)}",
        f"CREATE TEMPORARY TABLE {delta} (day date NOT NULL, kind integer NOT NULL, "
        "object_id bigint NOT NULL, device integer NOT NULL, views bigint NOT NULL)",
        # Every row of the batch, searches too (one group a day and device): the batch's size
        # and days are read from here.
        f"INSERT INTO {delta} (day, kind, object_id, device, views) "  # noqa: S608
        f"SELECT day, kind, object_id, device, COUNT(*) FROM {hit} "
        f"WHERE {window} GROUP BY day, kind, object_id, device",
        f"INSERT INTO {view} (day, kind, object_id, views) "  # noqa: S608
        f"SELECT day, kind, object_id, SUM(views) FROM {delta} WHERE {not_search} "
        "GROUP BY day, kind, object_id ON CONFLICT (day, kind, object_id) "
        f"DO UPDATE SET views = {view}.views + excluded.views",
        f"INSERT INTO {month} (month, kind, object_id, views) "  # noqa: S608
        f"SELECT {first_day}, kind, object_id, SUM(views) FROM {delta} WHERE {not_search} "
        f"GROUP BY {first_day}, kind, object_id ON CONFLICT (month, kind, object_id) "
        f"DO UPDATE SET views = {month}.views + excluded.views",
        f"INSERT INTO {total} (day, kind, views) "  # noqa: S608
        f"SELECT day, kind, SUM(views) FROM {delta} WHERE {not_search} GROUP BY day, kind "
        f"ON CONFLICT (day, kind) DO UPDATE SET views = {total}.views + excluded.views",
        f"INSERT INTO {dev} (day, device, views) "  # noqa: S608
        f"SELECT day, device, SUM(views) FROM {delta} WHERE kind IN ({read}) "
        "GROUP BY day, device "
        f"ON CONFLICT (day, device) DO UPDATE SET views = {dev}.views + excluded.views",
        f"INSERT INTO {search} (day, query, searches, zero_results) "  # noqa: S608
        "SELECT day, query, COUNT(*), SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) "
        f"FROM {hit} WHERE {window} AND kind = {int(Kind.SEARCH)} AND query <> '' "
        "GROUP BY day, query ON CONFLICT (day, query) "
        f"DO UPDATE SET searches = {search}.searches + excluded.searches, "
        f"zero_results = {search}.zero_results + excluded.zero_results",
        f"INSERT INTO {ref} (day, domain, views) "  # noqa: S608
        f"SELECT day, referrer, COUNT(*) FROM {hit} "
        f"WHERE {window} AND kind IN ({read}) AND referrer <> '' GROUP BY day, referrer "
        f"ON CONFLICT (day, domain) DO UPDATE SET views = {ref}.views + excluded.views",
        # The batch's rows, and whether any is of a day before today (a late view).
        f"SELECT COALESCE(SUM(views), 0), COALESCE(MIN(day) < %(today)s, false) FROM {delta}",  # noqa: S608
    ]


@contextlib.contextmanager
def _tuned() -> Iterator[None]:
    """SQLite: sorts and the temporary table in memory and a larger page cache for the flush's
    connection, put back as they were after it (the connection may serve pages too). Not
    inside a caller's transaction, where SQLite refuses to move temporary storage."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    pragmas = {"temp_store": "2", "cache_size": "-131072"}  # memory; 128 MiB
    with connection.cursor() as cursor:
        before = {}
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def _session_settings(cursor: Any) -> None:
    """PostgreSQL, for this transaction only: room to group a batch in memory (the server's
    default 4 MB sends a million rows' sort to disk), and no JIT compiling (it costs more than
    it saves on these short scans)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")


def flush(today: datetime.date | None = None, *, batch: int | None = None) -> FlushResult:
    today = today or timezone.localdate()
    size = batch or batch_size()
    buffer.drain()
    FlushMark.objects.get_or_create(pk=1)
    rows = 0
    late = False
    with _tuned():
        while True:
            added, batch_late, more = _flush_batch(today, size)
            rows += added
            late = late or batch_late
            if not more:
                break
    closed = close_days(today)
    if late or closed:  # the dashboard's kept numbers of past days no longer hold
        FlushMark.objects.filter(pk=1).update(history=F("history") + 1)
    return FlushResult(rows=rows, closed_days=closed)


def _flush_batch(today: datetime.date, size: int) -> tuple[int, bool, bool]:
    """Add the next batch past the watermark and move the watermark, in one transaction.
    Returns the rows added, whether any was of a day before today, and whether more wait."""
    with transaction.atomic():
        mark = FlushMark.objects.select_for_update().get(pk=1)
        start = mark.last_id
        # Two index look-ups (one aggregate of both would scan the new rows on SQLite).
        first = Hit.objects.filter(id__gt=start).order_by("id").values_list("id", flat=True)[:1]
        last = Hit.objects.aggregate(last=Max("id"))["last"] or 0
        mark.flushed_at = timezone.now()
        if not first:
            mark.save(update_fields=["flushed_at"])
            return 0, False, False
        # Ids are consecutive but for gaps (rolled-back inserts, refused replays): the batch
        # starts at the first new row and holds at most `size` rows.
        end = min(first[0] - 1 + size, last)
        params = {"start": start, "end": end, "today": today}
        with connection.cursor() as cursor:
            _session_settings(cursor)
            for sql in _statements():
                cursor.execute(sql, params if "%(" in sql else None)
            rows, late = cursor.fetchone()
            cursor.execute(f"DROP TABLE {_temp(DELTA)}")
        mark.last_id = end
        mark.save(update_fields=["last_id", "flushed_at"])
    return int(rows), bool(late), end < last


def close_days(today: datetime.date) -> int:
    """Count ended days' distinct visitors, drop their salts and hashes, and the counted buffer
    rows of days before yesterday. One transaction, a few statements whatever the days."""
    days = list(DaySalt.objects.filter(day__lt=today).values_list("day", flat=True))
    yesterday = today - datetime.timedelta(days=1)
    with _tuned(), transaction.atomic():
        counts = _distinct_visitors(days)
        known = {v.day: v for v in DailyVisitors.objects.filter(day__in=days)}
        for day in days:
            if day in known:  # closed before (a restored salt): add, never replace
                known[day].visitors += counts.get(day, 0)
        DailyVisitors.objects.bulk_update(list(known.values()), ["visitors"])
        DailyVisitors.objects.bulk_create(
            [DailyVisitors(day=d, visitors=counts.get(d, 0)) for d in days if d not in known]
        )
        DaySalt.objects.filter(day__in=days).delete()
        mark = FlushMark.objects.filter(pk=1).values_list("last_id", flat=True).first() or 0
        _delete_counted(yesterday, mark)
        # What stays of the closed days (yesterday's rows for their nonces, rows not yet
        # counted) stays unnamed.
        Hit.objects.filter(day__in=days).exclude(visitor="").update(visitor="")
    return len(days)


def _distinct_visitors(days: list[datetime.date]) -> dict[datetime.date, int]:
    if not days:
        return {}
    rows = Hit.objects.filter(day__in=days).exclude(visitor="")
    if connection.vendor != "postgresql":
        # SQLite counts each day's hashes off the (day, visitor) index, in order, without
        # reading the table.
        return dict(rows.values_list("day").annotate(n=Count("visitor", distinct=True)).order_by())
    # PostgreSQL would do the same for COUNT(DISTINCT …), fetching the rows of each day from
    # all over the table; one hashed pass over the (day, visitor) pairs is many times faster.
    sql, params = rows.values_list("day", "visitor").distinct().query.sql_with_params()
    with connection.cursor() as cursor:
        _session_settings(cursor)
        cursor.execute(f"SELECT day, COUNT(*) FROM ({sql}) AS pairs GROUP BY day", params)  # noqa: S608
        return dict(cursor.fetchall())


def _delete_counted(yesterday: datetime.date, mark: int) -> None:
    """Delete the counted rows of days before yesterday. When they are most of the buffer (a
    backlog flushed at once), the rows that stay are copied aside and the table emptied
    whole, which costs a fraction of deleting millions of rows one by one (and their index
    entries); the table is locked against writers first, so no view arrives in between."""
    counted = Hit.objects.filter(day__lt=yesterday, id__lte=mark)
    staying = Q(day__gte=yesterday) | Q(id__gt=mark)
    total = Hit.objects.count()
    if total < EMPTY_WHOLE_FROM or Hit.objects.filter(staying).count() * 2 > total:
        counted._raw_delete(Hit.objects.db)
        return
    hit, keep, quote = _t(Hit), "analytics_flush_keep", connection.ops.quote_name
    columns = [str(f.column) for f in Hit._meta.concrete_fields]
    sql, params = Hit.objects.filter(staying).values_list(*columns).query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # SQLite's transaction holds its write lock
            cursor.execute(f"LOCK TABLE {hit} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"DROP TABLE IF EXISTS {_temp(keep)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(keep)} AS {sql}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {hit}")
        else:
            cursor.execute(f"DELETE FROM {hit}")  # noqa: S608 — no WHERE: SQLite empties it whole
        cursor.execute(f"INSERT INTO {hit} ({names}) SELECT {names} FROM {_temp(keep)}")  # noqa: S608
        cursor.execute(f"DROP TABLE {_temp(keep)}")
