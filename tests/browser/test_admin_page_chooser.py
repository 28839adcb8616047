"""The page chooser in Chromium on the database search backend: a Chinese word from the middle
of an exhibit page's body, typed into Wagtail's own modal, lists that page
(search/wagtail_db_backend.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exhibits.models import StandardPage
from tests.browser.shots import keep
from tests.pages import publish, stream

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ADMIN_CHOOSER_SHOTS_DIR"


def test_page_chooser_finds_a_chinese_word_inside_a_page_body(
    page, live_site, live_url, login, superuser, screenshot, settings
):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_db_backend"}}
    body = stream({"type": "text", "value": "<p>本展览收录了风洞实验与火箭推进研究的手稿。</p>"})
    exhibit = publish(
        live_site, StandardPage(title="两弹一星功勋科学家访谈录", slug="a", body=body)
    )
    publish(live_site, StandardPage(title="地质力学野外考察", slug="b"))

    login(page, superuser)
    page.goto(live_url(reverse("wagtailadmin_pages:edit", args=[exhibit.pk])))
    page.wait_for_function("() => typeof window.PAGE_CHOOSER_MODAL_ONLOAD_HANDLERS === 'object'")
    page.evaluate(
        """(url) => window.ModalWorkflow({
            url: url, onload: window.PAGE_CHOOSER_MODAL_ONLOAD_HANDLERS,
            responses: {pageChosen: () => {}},
        })""",
        reverse("wagtailadmin_choose_page"),
    )
    modal = page.locator(".modal-content")
    expect(modal.locator("#id_q")).to_be_visible()
    modal.locator("#id_q").fill("風洞")  # traditional form of a word inside the body
    results = modal.locator(".page-results")
    expect(results.get_by_text("两弹一星功勋科学家访谈录")).to_be_visible()
    expect(results.get_by_text("地质力学野外考察")).to_have_count(0)
    keep(SHOTS, screenshot(page, "pagechooser-body", full_page=False), "pagechooser-body.png")

    modal.locator("#id_q").fill("功勋")  # from the middle of the title
    expect(results.get_by_text("两弹一星功勋科学家访谈录")).to_be_visible()
    expect(results.get_by_text("地质力学野外考察")).to_have_count(0)
    keep(SHOTS, screenshot(page, "pagechooser-title", full_page=False), "pagechooser-title.png")
