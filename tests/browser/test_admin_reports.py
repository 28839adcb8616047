"""Reports and the interview listing in Chromium: the Reports menu opens an archive report, a
filter narrows it in place, a row's link opens the record's editor; the interview listing
shows duration, consent and segment counts and links to the editor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from media_pipeline.models import FileStatus
from tests.browser.shots import keep
from tests.factories import InterviewFactory, ItemFactory, ItemFileFactory, RecordedInterviewFactory

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ADMIN_REPORTS_SHOTS_DIR"


def failed(item, step, error):
    return ItemFileFactory(
        item=item,
        status=FileStatus.FAILED,
        error=f"Step “{step}” failed: {error}",
        technical={"steps": {"fixity": {"status": "done"}, step: {"status": "failed"}}},
    )


def test_reports_filter_and_link_to_the_editor(
    page, live_site, live_url, login, superuser, screenshot
):
    letter = ItemFactory(identifier="QXS-0001", title="致导师的信")
    scan = ItemFactory(identifier="QXS-0002", title="实验记录本")
    failed(letter, "ocr", "识别引擎无响应")
    failed(scan, "iiif", "切片写入失败：磁盘已满")
    public = InterviewFactory(
        item__identifier="QXS-OH-01", item__title="钱学森访谈（一）", consent="none"
    )
    InterviewFactory(
        item__identifier="QXS-OH-02",
        item__title="钱学森访谈（二）",
        item__access_level="researchers",
        consent="pending",
    )

    login(page, superuser)
    # Not the dashboard: its Wagtail upgrade check calls releases.wagtail.org, which the CSP
    # blocks (a console error that is not this test's concern).
    page.goto(live_url(reverse("wagtailsnippets_collections_item:list")))
    page.get_by_role("button", name="报告").click()
    page.get_by_role("link", name="处理失败的文件（按步骤）").click()
    page.wait_for_url("**/file-reports/failed-files/**")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 2
    page.locator("#filters-drilldown .w-slim-header-action-button").click()
    page.locator("button[aria-controls='drilldown-id_step']").click()
    page.select_option("select[name=step]", "iiif")
    expect(rows).to_have_count(1)  # the listing refreshes in place
    assert "切片写入失败" in rows.first.inner_text()
    keep(SHOTS, screenshot(page, "failed-files"), "reports-failed-files.png")

    page.goto(live_url(reverse("archive_reports:interviews_without_consent")))
    assert "QXS-OH-01" in rows.first.inner_text()  # public without release: first
    keep(SHOTS, screenshot(page, "consent"), "reports-interviews-without-consent.png")
    rows.first.locator("a", has_text="QXS-OH-01").click()
    page.wait_for_url(f"**/snippets/collections/interview/edit/{public.pk}/**")
    assert page.problems == []


def test_interview_listing_links_and_shows_duration_consent_segments(
    page, live_site, live_url, login, superuser, screenshot
):
    imported = InterviewFactory(
        item__identifier="QXS-OH-01", item__title="钱学森访谈", duration_ms=None, consent="signed"
    )
    ItemFileFactory(
        item=imported.item,
        mime_type="audio/mp4",
        original_filename="qxs-oh-01.m4a",
        technical={"av": {"duration": 3725.0}},
    )
    RecordedInterviewFactory(
        item__identifier="QXS-OH-02",
        item__title="钱学森访谈（续）",
        item__access_level="researchers",
        consent="pending",
        segments=12,
    )

    login(page, superuser)
    page.goto(live_url(reverse("wagtailsnippets_collections_interview:list")))
    first = page.locator("table.listing tbody tr", has_text="QXS-OH-01")
    assert "01:02:05" in first.inner_text() and "已签署" in first.inner_text()
    second = page.locator("table.listing tbody tr", has_text="QXS-OH-02")
    assert "12" in second.inner_text() and "待签署" in second.inner_text()
    keep(SHOTS, screenshot(page, "interview-listing"), "reports-interview-listing.png")
    first.locator("a", has_text="QXS-OH-01").first.click()
    page.wait_for_url(f"**/snippets/collections/interview/edit/{imported.pk}/**")
    assert page.problems == []
