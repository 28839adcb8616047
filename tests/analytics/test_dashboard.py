"""The impact dashboard and the quarter's exports: who may see them, what they show, the files."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pymupdf
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive_site.analytics.aggregate import flush
from archive_site.analytics.dashboard import Filters, build, quarter_of
from archive_site.analytics.models import DailyView, Hit, Kind
from tests.conftest import _user
from tests.factories import ChapterPageFactory, ItemFactory, ScientistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def impact_user(django_user_model):
    return _user(django_user_model, "impact", "access_admin", "view_impact")


@pytest.fixture
def curator(django_user_model):
    return _user(django_user_model, "curator", "access_admin")


@pytest.fixture
def traffic():
    """Two chapters of one exhibition, another exhibition, a scientist and two items, with views
    on three days, searches with and without results."""
    today = timezone.localdate()
    first = ChapterPageFactory(title="第一章 求学")
    second = ChapterPageFactory(title="第二章 归国", parent=first.get_parent().specific)
    elsewhere = ChapterPageFactory(title="另一展览的章节")
    scientist = ScientistFactory(name="钱学森")
    item = ItemFactory(identifier="QXS-0001", title="致导师的信")
    hidden = ItemFactory(identifier="QXS-0002", title="内部档案", access_level="staff")
    rows = []
    for n, (kind, key, times) in enumerate(
        [
            (Kind.PAGE, first.pk, 30),
            (Kind.PAGE, second.pk, 12),
            (Kind.PAGE, elsewhere.pk, 5),
            (Kind.SCIENTIST, scientist.pk, 9),
            (Kind.ITEM, item.pk, 7),
            (Kind.ITEM, hidden.pk, 3),
        ]
    ):
        for t in range(times):
            day = today - datetime.timedelta(days=(n + t) % 3)
            rows.append(
                Hit(day=day, kind=kind, object_id=key, referrer="baidu.com", device=1 + t % 3)
            )
    rows += [Hit(day=today, kind=Kind.SEARCH, query="钱学森", results=8) for _ in range(4)]
    rows += [Hit(day=today, kind=Kind.SEARCH, query="茅以升", results=0) for _ in range(2)]
    Hit.objects.bulk_create(rows)
    flush()
    return {"first": first, "second": second, "elsewhere": elsewhere, "item": item}


def test_anonymous_and_curators_without_the_permission_are_refused(client, curator):
    for name in ("analytics_dashboard", "analytics_xlsx", "analytics_pdf"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(curator)
    for name in ("analytics_dashboard", "analytics_xlsx", "analytics_pdf"):
        # Wagtail's admin answers a refused permission with its home page and a message.
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert "/admin/impact/" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_dashboard_shows_totals_tops_and_chart_data(client, impact_user, traffic):
    client.force_login(impact_user)
    response = client.get(reverse("analytics_dashboard"), {"period": "7d"})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.totals["page_views"] == 47
    assert report.totals["record_views"] == 19
    assert report.totals["searches"] == 6 and report.totals["zero_results"] == 2
    assert [(r.label, r.value) for r in report.top["chapters"]][:2] == [
        ("第一章 求学", 30),
        ("第二章 归国", 12),
    ]
    assert [(r.label, r.value) for r in report.top["zero"]] == [("茅以升", 2)]
    assert sum(report.series["pages"]) == 47 and len(report.days) == 7
    html = response.content.decode()
    assert 'id="impact-data"' in html and "echarts.min.js" in html
    # A staff-only record is counted but, for a user without staff rights, listed untitled.
    labels = [r.label for r in report.top["items"]]
    assert "内部档案" not in html and "QXS-0001 致导师的信" in labels and len(labels) == 2


def test_the_exhibition_filter_keeps_its_pages_and_their_records(client, impact_user, traffic):
    client.force_login(impact_user)
    exhibition = traffic["first"].get_parent()
    response = client.get(
        reverse("analytics_dashboard"), {"period": "7d", "exhibition": str(exhibition.pk)}
    )
    report = response.context["report"]
    assert report.totals["page_views"] == 42  # the other exhibition's chapter is left out
    assert report.totals["record_views"] == 0  # no record is embedded in these chapters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"period": "custom", "start": "2026-13-01", "end": "2026-12-01"},
            ("is not a date", "不是日期"),
        ),
        (
            {"period": "custom", "start": "2026-12-01", "end": "2026-11-01"},
            ("after the end date", "开始日期晚于结束日期"),
        ),
        ({"period": "fortnight"}, ("Unknown period “fortnight”", "未知的时期“fortnight”")),
        ({"exhibition": "999999"}, ("No exhibition with key “999999”", "没有编号为“999999”的展览")),
    ],
)
def test_bad_filters_are_named_not_500(client, impact_user, params, message):
    client.force_login(impact_user)
    response = client.get(reverse("analytics_dashboard"), params)
    assert response.status_code == 400
    # The admin speaks Chinese once the catalogue is compiled, English without it.
    assert any(m in response.context["error"] for m in message)
    export = client.get(reverse("analytics_xlsx"), params)
    assert export.status_code == 400 and any(m in export.content.decode() for m in message)


def test_the_quarter_exports_as_xlsx_and_pdf(client, impact_user, traffic):
    client.force_login(impact_user)
    response = client.get(reverse("analytics_xlsx"), {"period": "quarter"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 11
    per_day = workbook.worksheets[1]
    assert sum(row[1] for row in per_day.iter_rows(min_row=2, values_only=True)) == 47
    searches = [ws for ws in workbook.worksheets if any(c.value == "茅以升" for c in ws["A"])]
    assert searches  # the search terms' sheets carry the visitors' text as text
    response = client.get(reverse("analytics_pdf"), {"period": "quarter"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pymupdf.open(stream=response.content, filetype="pdf")
    assert document.page_count >= 2
    text = "".join(page.get_text() for page in document)
    assert "第一章 求学" in text and "茅以升" in text
    assert document[0].get_drawings()  # the charts are drawn, not only written


def test_a_formula_typed_into_search_stays_text_in_the_workbook(impact_user):
    Hit.objects.create(day=timezone.localdate(), kind=Kind.SEARCH, query="=1+2", results=0)
    flush()
    from archive_site.analytics import exports

    start, end = quarter_of(timezone.localdate())
    report = build(Filters(start=start, end=end), impact_user)
    workbook = openpyxl.load_workbook(io.BytesIO(exports.xlsx(report)))
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    typed = [c for c in cells if c.value == "=1+2"]
    assert typed and all(c.data_type == "s" for c in typed)


def test_quarters():
    assert quarter_of(datetime.date(2026, 12, 3)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert quarter_of(datetime.date(2026, 2, 28)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )


def test_demo_traffic_is_bounded_and_not_doubled(traffic):
    with pytest.raises(CommandError, match="--days"):
        call_command("generate_demo_traffic", days=400)
    before = DailyView.objects.count()
    call_command("generate_demo_traffic", days=7, views_per_day=50, stdout=io.StringIO())
    assert DailyView.objects.count() > before
    days = set(DailyView.objects.values_list("day", flat=True))
    assert len(days) == 7
    again = DailyView.objects.values_list("views", flat=True)
    total = sum(again)
    out = io.StringIO()
    call_command("generate_demo_traffic", days=7, views_per_day=50, stdout=out)
    assert sum(DailyView.objects.values_list("views", flat=True)) == total
    assert "0 day(s) to write" in out.getvalue()


def test_whole_months_and_edge_days_add_up_to_the_daily_rows(impact_user):
    """A period cut mid-month: top lists read whole months from the monthly rows and the days
    around them from the daily rows; both must agree with the days one by one."""
    today = timezone.localdate()
    rows = [
        Hit(day=today - datetime.timedelta(days=n), kind=Kind.ITEM, object_id=1 + (n * 7) % 5)
        for n in range(100)
        for _ in range(1 + n % 3)
    ]
    Hit.objects.bulk_create(rows)
    flush(today=today - datetime.timedelta(days=120))  # nothing closes, every row stays
    start, end = today - datetime.timedelta(days=75), today - datetime.timedelta(days=3)
    report = build(Filters(start=start, end=end, period="custom"), impact_user)
    expected: dict[int, int] = {}
    for row in DailyView.objects.filter(day__gte=start, day__lte=end, kind=Kind.ITEM):
        expected[row.object_id] = expected.get(row.object_id, 0) + row.views
    assert sorted(r.value for r in report.top["items"]) == sorted(expected.values())
    assert report.totals["record_views"] == sum(expected.values())


def test_the_flush_command_adds_the_buffer_once():
    Hit.objects.create(day=timezone.localdate(), kind=Kind.ITEM, object_id=3)
    out = io.StringIO()
    call_command("flush_counts", stdout=out)
    call_command("flush_counts", stdout=out)
    assert "1 view(s) added" in out.getvalue() and "0 view(s) added" in out.getvalue()
    assert DailyView.objects.get(kind=Kind.ITEM, object_id=3).views == 1


def _year(user):
    return build(
        Filters(
            start=timezone.localdate() - datetime.timedelta(days=364),
            end=timezone.localdate(),
            period="year",
        ),
        user,
    )


def test_past_days_are_read_once_until_a_flush_changes_one(impact_user, traffic):
    """A year of daily rows is read once; later requests read today's rows and names only.
    Views of today count at the next flush; a late view of yesterday (or a day closing) makes
    the kept numbers of past days stale."""
    item = traffic["item"]
    first = _year(impact_user)
    cache_key_reads = CaptureQueriesContext(connection)
    with cache_key_reads:
        again = _year(impact_user)
    assert again.totals == first.totals and again.top == first.top
    past_tables = [q["sql"] for q in cache_key_reads.captured_queries if "monthlyview" in q["sql"]]
    assert past_tables == []  # the whole months were not read again

    Hit.objects.create(day=timezone.localdate(), kind=Kind.ITEM, object_id=item.pk)
    flush()
    today = _year(impact_user)
    assert today.totals["record_views"] == first.totals["record_views"] + 1

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Hit.objects.bulk_create(
        [Hit(day=yesterday, kind=Kind.ITEM, object_id=item.pk) for _ in range(5)]
    )
    flush()
    late = _year(impact_user)
    assert late.totals["record_views"] == today.totals["record_views"] + 5
    assert dict((r.label, r.value) for r in late.top["items"])[
        f"{item.identifier} {item.title}"
    ] == (
        dict((r.label, r.value) for r in first.top["items"])[f"{item.identifier} {item.title}"] + 6
    )
