"""Batch edit in Chromium: select items in the listing, open "Batch edit", preview the count,
see a refusal naming the records, apply, and find the change in the listing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from archive_collections.models import Item
from tests.browser.shots import keep
from tests.factories import ItemFactory, SeriesFactory

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ADMIN_BATCH_SHOTS_DIR"


def test_batch_edit_previews_refuses_and_applies(
    page, live_site, live_url, login, superuser, screenshot
):
    series = SeriesFactory(identifier="QXS-S1", fonds__identifier="QXS")
    for n in range(6):
        ItemFactory(series=series, identifier=f"QXS-{n:04d}", title=f"钱学森家书第{n + 1}封")
    Item.objects.filter(identifier="QXS-0000").update(access_level="researchers")

    login(page, superuser)
    page.goto(live_url(reverse("wagtailsnippets_collections_item:list")))
    page.locator("input[data-bulk-action-select-all-checkbox]").first.check()
    keep(SHOTS, screenshot(page, "selected", full_page=False), "batch-listing.png")
    page.locator("a[href*='/batch_edit/']").first.click()
    page.wait_for_url("**/batch_edit/**")

    page.select_option("select[name=action]", "set_access_level")
    assert page.locator("input[name=embargo_until]").is_hidden()  # only the action's field shows
    page.select_option("select[name=access_level]", "researchers")
    page.locator("button[name=preview]").click()
    preview = page.locator(".batch-preview")
    assert "6" in preview.inner_text() and "5" in preview.inner_text()
    keep(SHOTS, screenshot(page, "preview"), "batch-preview.png")

    page.select_option("select[name=action]", "set_embargo")
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    # Typed without focusing the field: Wagtail's date picker, opened by focus, lies over the
    # buttons and made the click on Apply time out (what is checked here is the refusal).
    page.locator("input[name=embargo_until]").evaluate(
        "(el, value) => { el.value = value;"
        " el.dispatchEvent(new Event('change', {bubbles: true})); }",
        past,
    )
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    page.locator("button[name=apply]").click()
    refused = page.locator(".batch-refused")
    assert "QXS-0005" in refused.inner_text()
    keep(SHOTS, screenshot(page, "refused"), "batch-refused.png")
    assert not Item.objects.filter(embargo_until__isnull=False).exists()

    page.select_option("select[name=action]", "set_access_level")
    page.select_option("select[name=access_level]", "researchers")
    page.locator("button[name=apply]").click()
    page.wait_for_url("**/snippets/collections/item/**")
    assert Item.objects.filter(access_level="researchers").count() == 6
    keep(SHOTS, screenshot(page, "applied"), "batch-applied.png")

    changed = Item.objects.get(identifier="QXS-0003")
    page.goto(live_url(reverse("wagtailsnippets_collections_item:history", args=[changed.pk])))
    assert "QXS-0003" in page.content() and page.locator("table tbody tr").count() >= 1
    keep(SHOTS, screenshot(page, "history"), "batch-history.png")
    # A request the next form submission cut short (an icon still loading) is no fault.
    assert [p for p in page.problems if "ERR_ABORTED" not in p] == []
