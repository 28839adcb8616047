"""The item chooser in Chromium: Wagtail's own modal, searched in traditional characters, lists
钱学森's items with thumbnail, type, date and access, and a filter narrows the results."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive_collections.models import Interview, Item, ScientistName
from search.engines import get_database_engine
from tests.browser.shots import keep
from tests.factories import ItemFactory, ScientistFactory, SeriesFactory
from tests.search.conftest import index_all

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ADMIN_CHOOSER_SHOTS_DIR"


def test_item_chooser_finds_items_by_a_traditional_name(
    page, live_site, live_url, login, superuser, screenshot
):
    qian = ScientistFactory(identifier="qian-xuesen", name="钱学森")
    ScientistName.objects.create(scientist=qian, name="Tsien Hsue-shen", kind="wade_giles")
    series = SeriesFactory(identifier="S-QXS-1", title="手稿", fonds__scientist=qian)
    for identifier, title, item_type, written in (
        ("QXS-0001", "致友人的书信", "letter", "1956年3月"),
        ("QXS-0002", "工程控制论手稿", "manuscript", "1954年"),
        ("QXS-0003", "实验室合影", "photograph", "1962年"),
    ):
        item = ItemFactory(
            identifier=identifier,
            title=title,
            item_type=item_type,
            date_text=written,
            series=series,
        )
        item.scientists.add(qian)
        item.save()
    ItemFactory(identifier="LSG-0001", title="地质力学讲义")
    index_all(get_database_engine())

    login(page, superuser)
    # A form with a snippet chooser (the interview's recording) loads Wagtail's chooser modal;
    # the item chooser opens in it as it does from an exhibit block.
    page.goto(live_url(reverse(Interview.snippet_viewset.get_url_name("add"))))
    chooser = reverse(Item.snippet_viewset.chooser_viewset.get_url_name("choose"))
    open_modal = """(url) => window.ModalWorkflow({
        url: url, onload: {choose: () => {}}, responses: {chosen: () => {}},
    })"""
    page.wait_for_function("() => typeof window.ModalWorkflow === 'function'")
    page.evaluate(open_modal, chooser + "?q=" + quote("錢學森"))
    modal = page.locator(".modal-content")
    expect(modal.get_by_role("textbox", name="搜索词")).to_have_value("錢學森")
    expect(modal.get_by_text("工程控制论手稿")).to_be_visible()
    expect(modal.get_by_text("致友人的书信")).to_be_visible()
    expect(modal.get_by_text("1956年3月")).to_be_visible()
    expect(modal.get_by_text("地质力学讲义")).to_have_count(0)
    modal.get_by_text("工程控制论手稿").scroll_into_view_if_needed()
    keep(SHOTS, screenshot(page, "chooser-traditional", full_page=False), "chooser-traditional.png")

    page.locator(".modal button.close, .modal [data-dismiss]").first.click()
    page.evaluate(open_modal, chooser + "?item_type=letter&q=" + quote("Tsien Hsue-shen"))
    modal = page.locator(".modal-content")
    expect(modal.get_by_text("致友人的书信")).to_be_visible()
    expect(modal.get_by_text("工程控制论手稿")).to_have_count(0)
    modal.get_by_text("致友人的书信").scroll_into_view_if_needed()
    keep(SHOTS, screenshot(page, "chooser-filtered", full_page=False), "chooser-filtered.png")
