"""An access request in Chromium, both sides (issue 16.5): the visitor meets the 403 of a
researcher-only record, signs in, asks for access with a purpose; the archivist finds it under
"访问申请" in the admin and approves it for the record's fonds; the visitor then reads it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS
from tests.browser.shots import keep
from tests.conftest import _user
from tests.factories import ItemFactory

pytestmark = pytest.mark.browser

#: The environment variable naming where screenshots are copied for the issue's closing note.
SHOTS = "ACCESS_REQUEST_SHOTS_DIR"
PURPOSE = "撰写钱学森早年科研经历的博士论文，需要核对这份手稿中的计算草稿。"


def test_a_visitor_asks_and_the_archivist_approves(
    browser, page, live_site, live_url, login, screenshot, axe, django_user_model
):
    item = ItemFactory(identifier="QXS-AR-1", title="钱学森计算草稿", access_level="researchers")
    visitor = django_user_model.objects.create_user("visitor", password="pw", email="v@x.org")
    archivist = _user(
        django_user_model,
        "archivist",
        "view_researcher_items",
        "view_staff_items",
        "access_admin",
    )
    record_url = live_url(item.get_absolute_url())

    response = page.goto(record_url)
    assert response is not None and response.status == 403
    expect(page.get_by_role("link", name="注册成为研究人员")).to_be_visible()
    assert "钱学森计算草稿" not in page.content()
    keep(SHOTS, screenshot(page, "anonymous"), "E-visitor-403-anonymous-1366.png")
    page.get_by_role("link", name="注册成为研究人员").click()
    expect(page.get_by_label("研究目的")).to_be_visible()
    assert axe(page) == []
    keep(SHOTS, screenshot(page, "register"), "E-visitor-register-1366.png")

    login(page, visitor)
    page.goto(record_url)
    purpose = page.get_by_label("申请用途")
    expect(purpose).to_be_visible()
    assert axe(page) == []
    keep(SHOTS, screenshot(page, "form"), "E-visitor-403-form-1366.png")

    phone = browser.new_context(locale="zh-CN", **VIEWPORTS["phone"])
    try:
        phone_page = phone.new_page()
        login(phone_page, visitor)
        phone_page.goto(record_url)
        expect(phone_page.get_by_role("button", name="申请访问")).to_be_visible()
        path = screenshot(phone_page, "form-phone")
        keep(SHOTS, path, "E-visitor-403-form-390.png")
    finally:
        phone.close()

    purpose.fill(PURPOSE)
    page.get_by_role("button", name="申请访问").click()
    expect(page.get_by_text("您的申请已提交给档案员")).to_be_visible()
    keep(SHOTS, screenshot(page, "sent"), "E-visitor-sent.png")

    desk = browser.new_context(locale="zh-CN", **VIEWPORTS["desktop"])
    try:
        admin = desk.new_page()
        login(admin, archivist)
        admin.goto(live_url(reverse("collections_access_requests")))
        expect(admin.get_by_role("heading", name="访问申请")).to_be_visible()
        row = admin.get_by_role("row").filter(has_text="QXS-AR-1")
        expect(row).to_contain_text("visitor")
        keep(SHOTS, screenshot(admin, "queue"), "E-archivist-queue.png")
        row.get_by_role("link").click()
        expect(admin.get_by_text(PURPOSE)).to_be_visible()
        admin.get_by_label("批准：开放此记录所在全宗，至结束日期").check()
        keep(SHOTS, screenshot(admin, "approval"), "E-archivist-approval.png")
        admin.get_by_role("button", name="保存决定").click()
        expect(admin.get_by_text("已作出决定")).to_be_visible()
        admin.goto(live_url(reverse("collections_access_requests") + "?status=approved"))
        expect(admin.get_by_role("row").filter(has_text="QXS-AR-1")).to_contain_text("已批准")
        keep(SHOTS, screenshot(admin, "approved"), "E-archivist-approved.png")
    finally:
        desk.close()

    assert mail.outbox[-1].to == ["v@x.org"] and "访问申请已批准" in mail.outbox[-1].subject
    response = page.goto(record_url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="钱学森计算草稿")).to_be_visible()
    keep(SHOTS, screenshot(page, "opened"), "E-visitor-record-open.png")
