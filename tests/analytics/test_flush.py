"""The flush in batches: each batch counted once with its watermark, a failed batch leaves the
ones before it counted and the rest for the next run; closing days keeps what must stay (the
nonces of yesterday, rows not yet counted) whether the counted rows are deleted or the buffer
is emptied whole and refilled; the hashes of a closed day go even from rows not yet counted."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive_site.analytics import aggregate, buffer
from archive_site.analytics.aggregate import close_days, flush
from archive_site.analytics.models import (
    DailyDevice,
    DailySearch,
    DailyTotal,
    DailyView,
    DailyVisitors,
    DaySalt,
    Device,
    FlushMark,
    Hit,
    Kind,
    MonthlyView,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_automatic_flush(settings):
    settings.ANALYTICS_FLUSH_SECONDS = 0


def _rows(first: datetime.date, count: int) -> list[Hit]:
    kinds = [Kind.PAGE, Kind.ITEM, Kind.DOWNLOAD, Kind.SEARCH]
    rows = []
    for n in range(count):
        kind = kinds[n % 4]
        rows.append(
            Hit(
                day=first + datetime.timedelta(days=n % 3),
                kind=kind,
                object_id=0 if kind == Kind.SEARCH else n % 5 + 1,
                device=[Device.DESKTOP, Device.PHONE][n % 2],
                query="手稿" if kind == Kind.SEARCH else "",
                results=n % 2 if kind == Kind.SEARCH else None,
            )
        )
    return rows


def _counted() -> dict[str, Counter]:
    return {
        "views": Counter({(r.day, r.kind, r.object_id): r.views for r in DailyView.objects.all()}),
        "months": Counter(
            {(r.month, r.kind, r.object_id): r.views for r in MonthlyView.objects.all()}
        ),
        "totals": Counter({(r.day, r.kind): r.views for r in DailyTotal.objects.all()}),
        "devices": Counter({(r.day, r.device): r.views for r in DailyDevice.objects.all()}),
        "searches": Counter({(r.day, r.query): r.searches for r in DailySearch.objects.all()}),
    }


def test_batches_count_each_row_once_and_a_failed_batch_leaves_the_rest_for_the_next_run(
    monkeypatch,
):
    # Flushed as of the first recorded day, so that closing days deletes nothing here.
    today = timezone.localdate() - datetime.timedelta(days=2)
    Hit.objects.bulk_create(_rows(today, 47))
    ids = sorted(Hit.objects.values_list("id", flat=True))
    expected = _one_pass(today)

    # The third batch fails: the first two are counted and the watermark stands after them.
    real, calls = aggregate._session_settings, []

    def failing_third(cursor):
        calls.append(1)
        if len(calls) == 3:
            raise DatabaseError("the database went away")
        real(cursor)

    monkeypatch.setattr(aggregate, "_session_settings", failing_third)
    with pytest.raises(DatabaseError):
        flush(today=today, batch=10)
    assert FlushMark.objects.get().last_id == ids[19]
    assert sum(_counted()["totals"].values()) + sum(_counted()["searches"].values()) == 20

    monkeypatch.setattr(aggregate, "_session_settings", real)
    result = flush(today=today, batch=10)
    assert result.rows == 27
    assert FlushMark.objects.get().last_id == ids[-1]
    assert flush(today=today, batch=10).rows == 0  # nothing is counted twice
    assert _counted() == expected


def _one_pass(today: datetime.date) -> dict[str, Counter]:
    """What one flush of the whole buffer in one batch writes (the reference)."""
    flush(today=today, batch=10**9)
    counted = _counted()
    for model in (DailyView, MonthlyView, DailyTotal, DailyDevice, DailySearch, FlushMark):
        model.objects.all().delete()
    return counted


@pytest.mark.parametrize("empty_whole_from", [1, 10**9], ids=["emptied-whole", "deleted"])
def test_closing_days_keeps_yesterdays_nonces_and_uncounted_rows_either_way(
    monkeypatch, empty_whole_from
):
    monkeypatch.setattr(aggregate, "EMPTY_WHOLE_FROM", empty_whole_from)
    today = timezone.localdate()
    yesterday, old = today - datetime.timedelta(days=1), today - datetime.timedelta(days=5)
    for day in (old, yesterday):
        DaySalt.objects.create(day=day, salt="s" * 64)
    # A backlog: many counted rows of an old day (three visitors), a few of yesterday's.
    Hit.objects.bulk_create(
        [
            Hit(day=old, kind=Kind.PAGE, object_id=1, visitor=f"{n % 3:016x}", nonce=f"old-{n:04d}")
            for n in range(30)
        ]
        + [
            Hit(day=yesterday, kind=Kind.PAGE, object_id=1, visitor=f"{n:016x}", nonce=f"y-{n}")
            for n in range(4)
        ]
    )
    flush(today=today)
    last = Hit.objects.order_by("-id").values_list("id", flat=True)[0]

    assert {v.day: v.visitors for v in DailyVisitors.objects.all()} == {old: 3, yesterday: 4}
    staying = Hit.objects.order_by("id")
    assert [h.nonce for h in staying] == [f"y-{n}" for n in range(4)]
    assert {h.visitor for h in staying} == {""}
    assert DailyView.objects.get(day=old).views == 30
    # Yesterday's nonces still refuse a replay; new rows go on from the ids already used.
    buffer.record(Hit(day=today, kind=Kind.PAGE, object_id=1, nonce="y-2"), nonce_seconds=60)
    buffer.record(Hit(day=today, kind=Kind.PAGE, object_id=1, nonce="fresh"), nonce_seconds=60)
    assert Hit.objects.count() == 5
    assert Hit.objects.get(nonce="fresh").id > last
    assert flush(today=today).rows == 1


def test_a_closed_days_hashes_go_from_rows_not_yet_counted_too():
    today = timezone.localdate()
    old = today - datetime.timedelta(days=3)
    DaySalt.objects.create(day=old, salt="s" * 64)
    flush(today=today - datetime.timedelta(days=10))  # an earlier flush, nothing to count
    # A row of that day that reaches the buffer after the flush read its rows (a slow
    # process, or Redis drained late): not counted yet, so it stays, but unnamed.
    Hit.objects.create(day=old, kind=Kind.PAGE, object_id=1, visitor="0123456789abcdef")
    close_days(today)
    assert list(Hit.objects.values_list("visitor", flat=True)) == [""]
    assert DailyVisitors.objects.get(day=old).visitors == 1


def test_closing_a_day_counts_its_visitors_off_the_day_and_visitor_index():
    """Counting a day's distinct visitors read the day's rows from the table and sorted their
    hashes: half of a 10M-view flush on SQLite. The index on (day, visitor) answers it alone."""
    table = Hit._meta.db_table
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, table)
    assert {"columns": ["day", "visitor"], "index": True}.items() <= indexes[
        "analytics_hit_day_visitor"
    ].items()
    day = timezone.localdate() - datetime.timedelta(days=2)
    Hit.objects.bulk_create(
        Hit(day=day, kind=Kind.PAGE, object_id=1, visitor=f"{n % 3:016x}") for n in range(7)
    )
    with CaptureQueriesContext(connection) as queries:
        assert aggregate._distinct_visitors([day]) == {day: 3}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + queries[-1]["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "COVERING INDEX analytics_hit_day_visitor" in plan, plan
