"""A reviewer's journey in Chromium (desktop): the menu's count, the queue, a contribution's
review page with its scans rendered, and sending it back for changes. Screenshots go to the
folder REVIEW_SHOTS_DIR names, when set."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from archive_collections.models import Scientist
from archive_site.partners import submitting
from archive_site.partners.models import Membership, Organisation, Status
from tests.browser.shots import keep
from tests.conftest import _user

pytestmark = pytest.mark.browser

SHOTS = "REVIEW_SHOTS_DIR"


def _scan(number: int) -> SimpleUploadedFile:
    """A small page scan: grey lines on white, its number in a corner."""
    image = Image.new("L", (620, 877), 250)
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.rectangle(
            (60, 90 + row * 60, 560 - (row * 37 + number * 50) % 200, 110 + row * 60), 40
        )
    draw.text((560, 840), str(number), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"scan-{number}.jpg", buffer.getvalue())


def test_a_reviewer_opens_the_queue_and_sends_a_contribution_back(
    django_user_model, live_site, page, live_url, login, screenshot
):
    scientist = Scientist.objects.create(name="钱学森")
    org = Organisation.objects.create(
        name="陕西省科协", code="sxkx", kind="association", region="61"
    )
    contributor = django_user_model.objects.create_user("contrib", first_name="王")
    membership = Membership.objects.create(user=contributor, organisation=org)
    material = submitting.create(
        membership,
        submitting.Submission(
            kind="material",
            title="钱学森在西安的讲演记录",
            licence="cc-by-nc-4.0",
            source_statement="陕西省科协档案室藏原件，本会扫描。",
            scientists=[scientist],
            item={"item_type": "document", "date_text": "1956年"},
        ),
    )
    submitting.add_files(material, [_scan(n) for n in range(1, 4)])  # processed at once here
    submitting.create(
        membership,
        submitting.Submission(
            kind="case",
            title="科学家精神进校园案例",
            licence="cc-by-4.0",
            source_statement="本会自采",
            scientists=[scientist],
            summary="西安市中学生走进钱学森图书馆。",
        ),
    )
    reviewer = _user(django_user_model, "curator", "access_admin", "review_contribution")
    login(page, reviewer)

    page.goto(live_url(reverse("wagtailadmin_home")))
    assert page.locator("[data-side-panel], nav").count()  # the admin loaded
    page.goto(live_url(reverse("partners_review:index")))
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 2
    assert "钱学森在西安的讲演记录" in rows.first.inner_text()  # oldest first
    assert "陕西省" in rows.first.inner_text()
    keep(SHOTS, screenshot(page, "queue"), "B-queue-desktop.png")

    rows.first.locator("a").first.click()
    page.wait_for_url(f"**{reverse('partners_review:review', args=[material.pk])}")
    thumbs = page.locator(".partners-review__files img")
    assert thumbs.count() == 3
    thumbs.first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.partners-review__files img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    keep(SHOTS, screenshot(page, "review"), "B-review-desktop.png")
    page.locator(".partners-review__decisions").scroll_into_view_if_needed()
    keep(SHOTS, screenshot(page, "decisions", full_page=False), "B-review-decisions-desktop.png")

    form = page.locator("form:has(input[name=decision][value=changes])")
    form.locator("textarea").fill("请补充讲演的具体日期。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    material.refresh_from_db()
    assert material.status == Status.CHANGES
    assert "请补充讲演的具体日期。" in page.locator("main").inner_text()
    assert page.locator("form:has(input[name=decision][value=approve])").count() == 0
    assert not page.problems, page.problems
