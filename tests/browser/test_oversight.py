"""Publishing oversight in Chromium: a page with an image without alt text, a term-list hit and a
link to a deleted record is stopped by the pre-publish check, passes once fixed in the editor,
and a special inspection over the exhibition lists what is left."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from archive_site.oversight.audit import run_audit
from archive_site.oversight.demo import install_check_task, seed_terms
from archive_site.oversight.models import AuditRun
from exhibits.models import ChapterPage
from tests.browser.shots import keep
from tests.oversight.builders import chapter_with, good_item
from tests.pages import item_block, publish, stream

pytestmark = pytest.mark.browser

#: Where the screenshots are copied for the issue's closing note.
SHOTS = "OVERSIGHT_SHOTS_DIR"


def moderation_workflow(home) -> Workflow:
    """The default workflow as wagtailcore's migration makes it (the live-server flush took it),
    with the pre-publish check put first as the demo does."""
    workflow = Workflow.objects.filter(name="Moderators approval").first()
    if workflow is None:
        moderators, _ = Group.objects.get_or_create(name="Moderators")
        workflow = Workflow.objects.create(name="Moderators approval")
        approval = GroupApprovalTask.objects.create(name="Moderators approval")
        approval.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=approval, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=Page.get_first_root_node())
    install_check_task(workflow.name)
    return workflow


def test_prepublish_check_stops_then_passes_and_an_inspection_lists_findings(
    page, live_site, live_url, login, superuser, screenshot
):
    workflow = moderation_workflow(live_site)
    seed_terms()
    image = get_image_model().objects.create(title="工作照", file=get_test_image_file())
    gone = good_item(identifier="QXS-0099", title="致友人的信")
    chapter = chapter_with(item_block(good_item(title="力学所筹建报告")))
    chapter.body = json.dumps(
        [
            {
                "type": "text",
                "value": '<p>1956年，他调入中科院。<a href="/archive/items/QXS-0099/">原信</a></p>',
            },
            {"type": "image", "value": {"image": image.pk, "alt": "", "caption": "工作照"}},
        ],
        ensure_ascii=False,
    )
    gone.delete()
    chapter.save_revision(user=superuser)
    workflow.start(chapter, superuser)

    login(page, superuser)
    check_url = live_url(reverse("oversight:page_check", args=[chapter.pk]))
    page.goto(check_url)
    rows = page.locator("table.oversight-issues tbody tr")
    expect(rows).to_have_count(3)
    text = rows.all_inner_texts()
    assert any("中科院" in row for row in text)
    assert any("QXS-0099" in row for row in text)
    keep(SHOTS, screenshot(page, "stopped"), "E-1-prepublish-stopped.png")

    # Fix in the editor: describe the image, rewrite the sentence without the term and the link.
    fix = rows.first.get_by_role("link")
    anchor = fix.get_attribute("href").split("#", 1)[1]
    fix.click()
    page.wait_for_url(f"**/pages/{chapter.pk}/edit/**")
    expect(page.locator(f"#{anchor}")).to_have_count(1)  # the link lands on the body's section
    page.locator("input[name$='-value-alt']").fill("钱学森在力学所的工作照")
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("1956年，他调入中国科学院。")
    # Draftail writes the block's value into its hidden input on change: wait for it to be there.
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[type=hidden]')]"
        ".some(i => i.value.includes('中国科学院') && !i.value.includes('QXS-0099'))"
    )
    keep(SHOTS, screenshot(page, "fixing"), "E-2-editor-fixing.png")
    page.locator("footer .w-dropdown__toggle").last.click()
    with page.expect_navigation():
        page.locator("[data-workflow-action-name='recheck']").click()

    chapter = ChapterPage.objects.get(pk=chapter.pk)
    assert chapter.current_workflow_task.name == "Moderators approval"
    page.goto(check_url)
    expect(page.locator("table.oversight-issues")).to_have_count(0)
    expect(page.locator(".oversight-verdict")).to_be_visible()
    keep(SHOTS, screenshot(page, "passes"), "E-3-prepublish-passes.png")

    # A special inspection over the exhibition finds what the other chapter still has.
    exhibition = chapter.get_parent()
    publish(
        exhibition,
        ChapterPage(
            title="第二章",
            slug="second",
            body=stream(
                item_block(good_item(title="未注明版权的照片", rights_statement="")),
                {"type": "text", "value": "<p>錢學森回国。</p>"},
            ),
        ),
    )
    page.goto(live_url(reverse("oversight:inspect")))
    page.locator("input[name=exhibition]").evaluate("(el, pk) => { el.value = pk }", exhibition.pk)
    page.locator("form.oversight-inspect button[type=submit]").click()
    page.wait_for_url("**/oversight/findings/?run=*")
    run = AuditRun.objects.get(kind="special")
    assert sorted(run.findings.values_list("kind", flat=True)) == ["rights", "term"]
    expect(page.locator("table.oversight-counts tbody tr")).to_have_count(2)
    assert "錢學森" in page.locator("table.listing").last.inner_text()
    keep(SHOTS, screenshot(page, "inspection"), "E-4-special-inspection.png")

    # The daily audit's worst findings on the dashboard.
    run_audit()
    page.goto(live_url(reverse("wagtailadmin_home")))
    expect(page.locator("#oversight-findings-section")).to_contain_text("未注明版权的照片")
    keep(SHOTS, screenshot(page, "dashboard"), "E-5-dashboard-worst-findings.png")
    # Leaving the editor cancels its autosave request (ERR_ABORTED), and leaving any admin page
    # may cancel its favicon's load; the dashboard's upgrade check calls releases.wagtail.org,
    # which the CSP blocks. None is this feature's concern.
    ignored = ("releases.wagtail.org", "/edit/ net::ERR_ABORTED", "favicon.ico")
    assert [p for p in page.problems if not any(i in p for i in ignored)] == []
