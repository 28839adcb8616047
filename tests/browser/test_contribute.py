"""The contribution area in Chromium (#13.2): a 地方科协 contributor signs in with the site's
login, submits a case with one scan and sees it awaiting review, on a desktop and on a phone;
the pages are axe-clean at both widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from archive_site.partners.models import Contribution, Membership, Organisation
from tests.browser.conftest import VIEWPORTS
from tests.browser.shots import keep
from tests.factories import ScientistFactory, small_jpeg

pytestmark = pytest.mark.browser

#: Where the screenshots for the issue's closing note are copied, when the variable is set.
SHOTS = "CONTRIBUTE_SHOTS_DIR"


def test_a_local_association_contributor_submits_a_case_with_a_scan(
    browser, page, live_site, live_url, screenshot, axe, django_user_model, tmp_path
):
    scientist = ScientistFactory(identifier="qian-xuesen", name="钱学森")
    org = Organisation.objects.create(
        name="陕西省科学技术协会", code="sxkx", kind="association", region="61"
    )
    user = django_user_model.objects.create_user("sxkx-li", password="pw-contribute-1")
    Membership.objects.create(user=user, organisation=org)
    scan = tmp_path / "归国照片.jpg"
    scan.write_bytes(small_jpeg(7001, (320, 240)))

    page.goto(live_url("/contribute/"))
    page.fill("#id_username", "sxkx-li")
    page.fill("#id_password", "pw-contribute-1")
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/contribute/")
    expect(page.get_by_text("陕西省科学技术协会")).to_be_visible()

    page.locator("a[href='/contribute/new/case/']").first.click()
    page.fill("#id_title", "钱学森归国的故事")
    page.fill("#id_summary", "1955年钱学森冲破阻挠回到祖国。")
    page.fill("#id_body", "第一段。\n\n第二段。")
    page.fill("[data-filter-for='id_scientists']", "钱学")
    page.select_option("#id_scientists", str(scientist.pk))
    page.fill("#id_source_statement", "本会采访整理，本会持有版权。")
    page.select_option("#id_licence", "cc-by-4.0")
    page.set_input_files("#id_files", str(scan))
    assert axe(page) == []
    keep(SHOTS, screenshot(page, "form"), "A-contribute-case-form-1366.png")
    page.locator("form.contribute-form button[type=submit]").click()

    status = page.locator("[data-status]").first
    expect(status).to_have_attribute("data-status", "submitted")
    expect(page.get_by_text("归国照片.jpg").first).to_be_visible()
    assert axe(page) == []
    keep(SHOTS, screenshot(page, "submitted"), "A-contribute-case-submitted-1366.png")
    contribution = Contribution.objects.get(title="钱学森归国的故事")
    assert contribution.organisation == org and contribution.item.files.count() == 1

    phone = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"])
    try:
        phone_page = phone.new_page()
        phone_page.viewport_name = "phone"
        phone_page.context.add_cookies(page.context.cookies())
        phone_page.goto(live_url("/contribute/"))
        card = phone_page.locator(".contribute-card").filter(has_text="钱学森归国的故事")
        expect(card.locator("[data-status]")).to_have_attribute("data-status", "submitted")
        assert axe(phone_page) == []
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the home page scrolls sideways on a phone ({width}px)"
        keep(SHOTS, screenshot(phone_page, "home"), "A-contribute-home-390.png")
        phone_page.goto(live_url(f"/contribute/{contribution.pk}/"))
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
        keep(SHOTS, screenshot(phone_page, "detail"), "A-contribute-case-submitted-390.png")
        phone_page.goto(live_url("/contribute/new/case/"))
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
        keep(SHOTS, screenshot(phone_page, "form"), "A-contribute-case-form-390.png")
    finally:
        phone.close()
    assert page.problems == []
