"""The resource library in Chromium at desktop and phone width: browse, narrow by organisation,
open a resource, download its package, and find it in the site search with its organisation
and licence. Screenshots go to the folder LIBRARY_SHOTS_DIR names, when set."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from search.engines import get_database_engine
from tests.browser.conftest import VIEWPORTS
from tests.browser.shots import keep
from tests.partners.library_world import build
from tests.search.conftest import index_all

pytestmark = pytest.mark.browser

SHOTS = "LIBRARY_SHOTS_DIR"


def test_browse_open_download_and_find_a_resource(browser, page, live_site, live_url, screenshot):
    world = build(get_user_model())
    index_all(get_database_engine())
    page.goto(live_url(reverse("resources:library")))
    cards = page.locator(".resource-card")
    assert cards.count() == 1  # the partner-only one is not for anonymous visitors
    assert "陕西省科协" in cards.first.inner_text()
    assert page.locator(".resource-card__thumb").first.evaluate("i => i.naturalWidth") > 0
    keep(SHOTS, screenshot(page, "library"), "C-library-desktop.png")

    page.get_by_role("link", name="陕西省科协 (1)").click()
    assert f"organisation={world.org.pk}" in page.url
    page.get_by_role("link", name=world.public.title).click()
    assert page.url.endswith(reverse("resources:resource", kwargs={"pk": world.public.pk}))
    assert page.get_by_role("link", name=re.compile(r"^CC BY 4\.0")).get_attribute("href") == (
        "https://creativecommons.org/licenses/by/4.0/"
    )
    keep(SHOTS, screenshot(page, "resource"), "C-resource-desktop.png")
    with page.expect_download() as info:
        page.locator(".resource-download a").click()
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert names == ["README.txt", "LICENCE.txt", "metadata.json", "files/01-lib-0.jpg"]

    page.goto(live_url(reverse("search:page") + "?q=libpubtok"))
    result = page.locator(".search-group").first
    assert "陕西省科协" in result.inner_text() and "CC BY 4.0" in result.inner_text()
    keep(SHOTS, screenshot(page, "search", full_page=False), "C-search-result.png")

    phone = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"])
    try:
        small = phone.new_page()
        small.viewport_name = "phone"
        small.goto(live_url(reverse("resources:library")))
        width = small.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width  # nothing wider than the phone
        keep(SHOTS, screenshot(small, "library"), "C-library-phone.png")
        small.goto(live_url(reverse("resources:resource", kwargs={"pk": world.public.pk})))
        keep(SHOTS, screenshot(small, "resource"), "C-resource-phone.png")
    finally:
        phone.close()
    assert not page.problems, page.problems
