"""Counting and the impact dashboard in Chromium: a visitor's browser counts a chapter through the
beacon with no cookie; a week of demo traffic shows in the dashboard's ECharts charts under the
site's Content-Security-Policy; the quarter exports as an XLSX workbook and a PDF report."""

from __future__ import annotations

import io
import time

import openpyxl
import pymupdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from archive_site.analytics.models import Hit, Kind
from tests.browser.shots import keep
from tests.factories import ChapterPageFactory, ItemFactory, ScientistFactory

pytestmark = pytest.mark.browser

#: Where screenshots are copied for the issue's closing note.
SHOTS = "ANALYTICS_SHOTS_DIR"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def test_counting_and_the_impact_dashboard(
    browser, page, live_site, live_url, login, superuser, screenshot, settings, tmp_path
):
    settings.ANALYTICS_FLUSH_SECONDS = 0
    chapter = ChapterPageFactory(title="第一章 求学与报国")
    ItemFactory(identifier="QXS-0001", title="致导师的信")
    ScientistFactory(name="钱学森")

    # A visitor (not the headless marker in the user agent, which is left out as a robot).
    visitor = browser.new_context(user_agent=DESKTOP, locale="zh-CN")
    reader = visitor.new_page()
    reader.goto(live_url(chapter.url))
    deadline = time.monotonic() + 10
    while not Hit.objects.filter(kind=Kind.PAGE, object_id=chapter.pk).exists():
        assert time.monotonic() < deadline, "the chapter's beacon was not counted"
        time.sleep(0.1)
    assert not [c for c in visitor.cookies() if c["name"] == "sessionid"]
    visitor.close()

    call_command("generate_demo_traffic", days=7, views_per_day=400, stdout=io.StringIO())
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Refused" in message.text else None,
    )
    login(page, superuser)
    page.goto(live_url(reverse("analytics_dashboard") + "?period=7d"))
    days = page.locator("[data-impact-chart=days] svg")
    days.wait_for()
    assert page.locator("[data-impact-chart=chapters] svg path").count() > 0
    assert "第一章 求学与报国" in page.locator("[data-impact-chart=chapters]").inner_html()
    assert not violations
    keep(SHOTS, screenshot(page, "dashboard"), "D-dashboard.png")

    with page.expect_download() as xlsx_download:
        page.locator("a[href*='report.xlsx']").click()
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    assert workbook.worksheets[0]["B2"].value > 0  # page views of the week
    with page.expect_download() as pdf_download:
        page.locator("a[href*='report.pdf']").click()
    document = pymupdf.open(pdf_download.value.path())
    assert document.page_count >= 2 and "第一章 求学与报国" in document[0].get_text()
    shot = tmp_path / "report-page-1.png"
    document[0].get_pixmap(dpi=80).save(str(shot))
    keep(SHOTS, shot, "D-report-pdf.png")
