"""The per-organisation report (#13.6) and the impact dashboard's organisation filter (#17): the
numbers from a known set of contributions and counted views, the exports' cells, who may open it."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from archive_site.analytics import dashboard
from archive_site.analytics.aggregate import flush
from archive_site.analytics.models import Hit, Kind
from archive_site.partners import report
from archive_site.partners.models import Contribution, Membership, Organisation, Status
from tests.conftest import _user
from tests.factories import ItemFactory, ItemFileFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# A period with a whole month inside it (read from MonthlyView) and days around it (DailyView).
START = (TODAY.replace(day=1) - datetime.timedelta(days=40)).replace(day=20)
END = TODAY
INSIDE = START + datetime.timedelta(days=15)  # in the whole month
EDGE = START + datetime.timedelta(days=2)  # before the whole month
BEFORE = START - datetime.timedelta(days=3)  # outside the period


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def _contribution(org, kind, status, created, decided=None, title="贡献"):
    item = ItemFactory(access_level="public" if status == Status.APPROVED else "staff")
    contribution = Contribution.objects.create(
        organisation=org,
        kind=kind,
        product_kind="poster" if kind == "product" else "",
        status=status,
        title=title,
        licence="cc-by-4.0",
        source_statement="自藏",
        item=item,
        submitted_at=_at(created),
    )
    Contribution.objects.filter(pk=contribution.pk).update(
        created_at=_at(created), decided_at=_at(decided) if decided else None
    )
    return contribution


def zh(text: str) -> str:
    """A string as the admin shows it (its pages and files are in Chinese, when translated)."""
    with translation.override("zh-hans"):
        return gettext(text)


def _hits(kind, key, day, n):
    return [Hit(day=day, kind=kind, object_id=key) for _ in range(n)]


@pytest.fixture
def world():
    """Two organisations with contributions in every state, a third with none, and counted views
    of their records and files inside and outside the period."""
    shaanxi = Organisation.objects.create(
        name="陕西省科学技术协会", code="sxkx", kind="association", region="61"
    )
    cstam = Organisation.objects.create(
        name="中国力学学会", code="cstam", kind="society", region="00"
    )
    Organisation.objects.create(name="某高校", code="uni", kind="institution", region="11")
    approved = _contribution(shaanxi, "case", Status.APPROVED, INSIDE, INSIDE, "西迁精神案例")
    poster = _contribution(shaanxi, "product", Status.APPROVED, EDGE, INSIDE, "海报")
    _contribution(shaanxi, "material", Status.REJECTED, INSIDE, TODAY, "无关材料")
    _contribution(shaanxi, "material", Status.SUBMITTED, INSIDE, title="待审手稿")
    _contribution(shaanxi, "case", Status.CHANGES, EDGE, title="待修改案例")
    # Submitted and decided before the period: counted in none of its columns.
    old = _contribution(shaanxi, "case", Status.APPROVED, BEFORE, BEFORE, "旧案例")
    other = _contribution(cstam, "material", Status.APPROVED, INSIDE, INSIDE, "力学手稿")
    scan = ItemFileFactory(item=approved.item)
    other_scan = ItemFileFactory(item=other.item)
    unrelated = ItemFactory(title="非合作记录")
    rows = []
    rows += _hits(Kind.ITEM, approved.item_id, INSIDE, 5)
    rows += _hits(Kind.ITEM, approved.item_id, EDGE, 2)
    rows += _hits(Kind.ITEM, approved.item_id, BEFORE, 7)  # outside the period
    rows += _hits(Kind.ITEM, poster.item_id, TODAY, 3)
    rows += _hits(Kind.ITEM, old.item_id, INSIDE, 1)
    rows += _hits(Kind.FILE_VIEW, scan.pk, INSIDE, 4)
    rows += _hits(Kind.DOWNLOAD, scan.pk, EDGE, 2)
    rows += _hits(Kind.ITEM, other.item_id, INSIDE, 6)
    rows += _hits(Kind.DOWNLOAD, other_scan.pk, TODAY, 1)
    # The resource library counts resource pages and packages under the contribution's key.
    rows += _hits(Kind.RESOURCE, poster.pk, INSIDE, 9)
    rows += _hits(Kind.RESOURCE_DOWNLOAD, poster.pk, EDGE, 2)
    rows += _hits(Kind.RESOURCE, other.pk, BEFORE, 9)  # outside the period
    rows += _hits(Kind.ITEM, unrelated.pk, INSIDE, 50)
    Hit.objects.bulk_create(rows)
    flush()
    return {"shaanxi": shaanxi, "cstam": cstam, "approved": approved, "poster": poster}


def _filters(**extra):
    return dashboard.Filters(start=START, end=END, period="custom", **extra)


def test_the_report_counts_each_organisations_contributions_and_views(world):
    built = report.build(_filters())
    rows = {row.name: row for row in built.rows}
    shaanxi = rows["陕西省科学技术协会"]
    assert shaanxi.counts == {
        "submitted": {"case": 2, "product": 1, "material": 2},
        "approved": {"case": 1, "product": 1},
        "rejected": {"material": 1},
        "awaiting": {"material": 1},
        "changes": {"case": 1},
    }
    # 5 + 2 + 3 + 1 (the old case, viewed in the period); not the 7 before it.
    assert shaanxi.views == {
        "record_views": 11,
        "file_views": 4,
        "downloads": 2,
        "resource_views": 9,
        "packages": 2,
    }
    with translation.override("en"):
        assert shaanxi.kind_label == "Local science and technology association"
    assert shaanxi.region_name == "陕西省"
    assert rows["中国力学学会"].views == {"record_views": 6, "downloads": 1}
    assert rows["某高校"].counts == {} and rows["某高校"].views == {}
    assert built.totals.total("submitted") == 6
    assert built.totals.views["record_views"] == 17


def test_the_report_costs_the_same_queries_for_many_organisations(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            report.build(_filters())
        return len(captured)

    few = queries()
    for n in range(40):
        org = Organisation.objects.create(
            name=f"学会{n}", code=f"org{n}", kind="society", region="00"
        )
        contribution = _contribution(org, "case", Status.APPROVED, INSIDE, INSIDE)
        Hit.objects.bulk_create(_hits(Kind.ITEM, contribution.item_id, INSIDE, 1))
    flush()
    assert queries() == few


def test_one_organisations_page_lists_by_status_and_ranks_its_most_viewed(world):
    detail = report.detail(world["shaanxi"], _filters())
    by_status = {
        status: [line.contribution.title for line in lines]
        for status, _l, lines in detail.by_status
    }
    assert set(by_status["approved"]) == {"西迁精神案例", "旧案例", "海报"}
    assert by_status["submitted"] == ["待审手稿"] and by_status["changes"] == ["待修改案例"]
    assert by_status["rejected"] == ["无关材料"]
    top = [
        (line.contribution.title, line.record_views, line.file_views, line.downloads, line.total)
        for line in detail.top
    ]
    assert top == [("海报", 3, 0, 0, 14), ("西迁精神案例", 7, 4, 2, 13), ("旧案例", 1, 0, 0, 1)]
    same = [row for row in report.build(_filters()).rows if row.pk == world["shaanxi"].pk]
    assert detail.row.views == same[0].views and detail.row.counts == same[0].counts
    assert detail.top[0].resource_views == 9 and detail.top[0].packages == 2


@pytest.fixture
def reader(django_user_model):
    return _user(django_user_model, "reader", "access_admin", "view_impact")


def _query():
    return {"period": "custom", "start": START.isoformat(), "end": END.isoformat()}


def test_the_exports_hold_the_tables_cells(client, reader, world):
    client.force_login(reader)
    response = client.get(reverse("partners_report_xlsx"), _query())
    assert response.status_code == 200
    assert f"partners-{START.isoformat()}-{END.isoformat()}.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[2]]
    with translation.override("zh-hans"):
        assert header == report.table(report.build(_filters()))[0]
    assert header[4:6] == [zh("Submitted"), f"{zh('Submitted')}: {zh('Archive material')}"]
    assert header[-5:] == [
        zh("Record views"),
        zh("File views"),
        zh("Downloads"),
        zh("Resource page views"),
        zh("Package downloads"),
    ]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    shaanxi = rows["陕西省科学技术协会"]
    assert shaanxi[1:4] == ("sxkx", zh("Local science and technology association"), "陕西省")
    # Submitted: 5 in all, 2 materials, 2 cases, 1 product; approved: 2 (0, 1, 1).
    assert shaanxi[4:12] == (5, 2, 2, 1, 2, 0, 1, 1)
    assert shaanxi[-5:] == (11, 4, 2, 9, 2)
    assert rows[zh("All organisations")][4] == 6

    response = client.get(reverse("partners_report_csv"), _query())
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == header
    assert [r for r in table if r[0] == "中国力学学会"][0][-5:] == ["6", "0", "1", "0", "0"]


def test_a_name_that_looks_like_a_formula_stays_text(client, reader):
    Organisation.objects.create(name="=HYPERLINK(1)", code="evil", kind="other", region="00")
    client.force_login(reader)
    table = client.get(reverse("partners_report_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in table
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("partners_report_xlsx")).content)
    ).active
    cell = sheet["A3"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_the_pages_show_the_table_and_one_organisation(client, reader, world):
    client.force_login(reader)
    page = client.get(reverse("partners_report"), _query()).content.decode()
    assert "陕西省科学技术协会" in page and "中国力学学会" in page
    url = reverse("partners_report_organisation", args=[world["shaanxi"].pk])
    page = client.get(url, _query()).content.decode()
    assert "西迁精神案例" in page and "待审手稿" not in page  # not a reviewer: staff-only record
    assert zh("Restricted record") in page
    assert client.get(reverse("partners_report"), {"period": "nonsense"}).status_code == 400
    assert client.get(reverse("partners_report_organisation", args=[999999])).status_code == 404


def test_who_may_open_the_report(client, django_user_model, world):
    urls = [
        reverse("partners_report"),
        reverse("partners_report_organisation", args=[world["shaanxi"].pk]),
        reverse("partners_report_xlsx"),
        reverse("partners_report_csv"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    contributor = _user(django_user_model, "contrib")
    Membership.objects.create(user=contributor, organisation=world["shaanxi"], role="editor")
    curator = _user(django_user_model, "curator", "access_admin")
    curator.groups.add(Group.objects.get(name="策展人"))
    for user in (contributor, curator):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert (
                response["Location"] in (reverse("wagtailadmin_home"),)
                or "/login/" in response["Location"]
            )
    reviewer = _user(django_user_model, "reviewer", "access_admin", "view_impact")
    reviewer.groups.add(Group.objects.get(name="策展人"))
    client.force_login(reviewer)
    for url in urls:
        assert client.get(url).status_code == 200, url
    page = client.get(urls[1], _query()).content.decode()
    assert "待审手稿" in page  # a reviewer reads every contribution's title
    assert reverse("partners_report") in client.get(reverse("wagtailadmin_home")).content.decode()


# The impact dashboard's organisation filter (#17) -------------------------------------------------


def test_the_dashboard_counts_only_the_chosen_organisations_records(world, reader):
    everything = dashboard.build(_filters(), reader)
    # Record views: items' and resource pages' (the other's 9 resource views are before it).
    assert everything.totals["record_views"] == 7 + 3 + 1 + 6 + 50 + 9
    chosen = dashboard.build(_filters(organisation=world["shaanxi"]), reader)
    assert chosen.totals["record_views"] == 11 + 9
    assert chosen.totals["file_views"] == 4 and chosen.totals["downloads"] == 2
    assert chosen.totals["page_views"] == 0
    assert [row.value for row in chosen.top["items"]] == [7, 3, 1]
    assert sum(chosen.series["records"]) == 20
    cstam = dashboard.build(_filters(organisation=world["cstam"]), reader)
    assert cstam.totals["record_views"] == 6 and cstam.totals["downloads"] == 1


def test_the_dashboard_filter_reaches_its_exports(client, reader, world):
    client.force_login(reader)
    params = {**_query(), "organisation": str(world["shaanxi"].pk)}
    page = client.get(reverse("analytics_dashboard"), params)
    assert page.status_code == 200
    assert "陕西省科学技术协会" in page.content.decode()
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("analytics_xlsx"), params).content)
    )
    summary = workbook.worksheets[0]
    assert "陕西省科学技术协会" in summary["A1"].value
    totals = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert totals[zh("Record views")] == 20 and totals[zh("Downloads")] == 2
    pdf = client.get(reverse("analytics_pdf"), params)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "sxkx" in pdf["Content-Disposition"]
    bad = client.get(reverse("analytics_dashboard"), {"organisation": "x1"})
    assert bad.status_code == 400
    assert zh("No partner organisation with key “%(key)s”.") % {"key": "x1"} in bad.content.decode()


def test_kept_past_days_follow_a_flush_that_changes_them(world):
    def shaanxi_views() -> int:
        rows = report.build(_filters()).rows
        return next(row for row in rows if row.pk == world["shaanxi"].pk).views["record_views"]

    assert shaanxi_views() == 11
    with CaptureQueriesContext(connection) as kept:
        assert shaanxi_views() == 11
    Hit.objects.bulk_create(_hits(Kind.ITEM, world["approved"].item_id, INSIDE, 2))
    flush()  # a late view of a past day: the kept numbers are stale
    with CaptureQueriesContext(connection) as read:
        assert shaanxi_views() == 13
    assert len(kept) < len(read)
