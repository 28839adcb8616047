"""The per-organisation report and the dashboard's organisation filter in Chromium, on the partner
demo's organisations and contributions with a few counted views: the table, one organisation's
page, and the impact dashboard counting only that organisation's records."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive_site.analytics.aggregate import flush
from archive_site.analytics.models import Hit, Kind
from archive_site.partners import demo
from archive_site.partners.models import Contribution, Organisation, Status
from tests.browser.shots import keep
from tests.factories import ItemFactory, ScientistFactory

pytestmark = pytest.mark.browser

#: Where screenshots are copied for the issue's closing note.
SHOTS = "PARTNER_SHOTS_DIR"
# The demo's files are queued, not processed: these pages show counts, not thumbnails.
QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_the_partner_report_and_the_filtered_dashboard(
    page, live_site, live_url, login, superuser, screenshot, settings
):
    settings.TASKS = QUEUED_ONLY
    for identifier in ("deng-jiaxian", "qian-xuesen", "hua-luogeng", "yuan-longping"):
        ScientistFactory(identifier=identifier)
    demo.load(None, log=lambda line: None, say=lambda line: None)
    case = Contribution.objects.get(kind="case", status=Status.APPROVED)
    poster = Contribution.objects.get(product_kind="poster")
    today = timezone.localdate()
    hits = []
    for n in range(7):
        day = today - datetime.timedelta(days=n)
        hits += [Hit(day=day, kind=Kind.ITEM, object_id=case.item_id) for _ in range(3 + n)]
        hits += [Hit(day=day, kind=Kind.RESOURCE, object_id=case.pk) for _ in range(2)]
        hits += [Hit(day=day, kind=Kind.ITEM, object_id=poster.item_id) for _ in range(n)]
        hits += [Hit(day=day, kind=Kind.DOWNLOAD, object_id=f.pk) for f in case.item.files.all()]
    other = ItemFactory(title="非合作记录")
    hits += [Hit(day=today, kind=Kind.ITEM, object_id=other.pk) for _ in range(40)]
    Hit.objects.bulk_create(hits)
    flush()

    login(page, superuser)
    page.goto(live_url(reverse("partners_report")))
    table = page.locator(".partner-report__table")
    assert table.locator("tbody tr").count() == 6
    assert "陕西省科学技术协会" in table.inner_text()
    keep(SHOTS, screenshot(page, "table"), "E-partner-report.png")

    page.get_by_role("link", name="陕西省科学技术协会").click()
    page.wait_for_url("**/partner-report/*/**")
    text = page.locator("main").inner_text()
    assert case.title in text and "来源不明" not in text  # titles, not reviewers' comments
    keep(SHOTS, screenshot(page, "organisation"), "E-partner-organisation.png")

    sxkx = Organisation.objects.get(code="sxkx")
    page.goto(live_url(reverse("analytics_dashboard") + "?period=7d"))
    page.locator("select[name=organisation]").select_option(str(sxkx.pk))
    page.locator(".impact-filters button[type=submit]").click()
    page.wait_for_url(f"**organisation={sxkx.pk}**")
    page.locator("[data-impact-chart=days] svg").wait_for()
    totals = page.locator(".impact-totals").inner_text()
    # 3+4+…+9 item views and 14 resource page views of its case; nothing of the other record.
    assert str(sum(range(3, 10)) + 14) in totals
    assert "非合作记录" not in page.locator(".impact-grid").inner_html()
    keep(SHOTS, screenshot(page, "dashboard"), "E-dashboard-filtered.png")
