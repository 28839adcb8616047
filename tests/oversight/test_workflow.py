"""The pre-publish check as a step of Wagtail's moderation workflow: it stops a page with
problems, passes it once fixed, and lets a moderator override with a reason that is logged."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, TaskState

from archive_site.oversight.demo import install_check_task, seed_terms
from archive_site.oversight.models import PrePublishCheckState
from tests.pages import item_block

from .builders import chapter_with, good_item, in_english, text_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("审核员", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return in_english(user)


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("策展人甲", password="pw")
    user.groups.add(Group.objects.get(name="策展人"))
    return in_english(user)


@pytest.fixture
def task():
    seed_terms()
    return install_check_task()


def problem_body(missing_item) -> str:
    """An image without alt text, a term-list hit and a link to a record since deleted."""
    body = [
        {"type": "text", "value": "<p>1956年，他调入中科院。</p>"},
        {
            "type": "deep_zoom",
            "value": {
                "item": missing_item.pk,
                "page": 1,
                "x": 0,
                "y": 0,
                "width": 50,
                "height": 50,
                "alt": "",
                "caption": "",
            },
        },
    ]
    return json.dumps(body, ensure_ascii=False)


def submit(page, user):
    page.save_revision(user=user)
    page.get_workflow().start(page, user)
    return Page.objects.get(pk=page.pk)


def current_state(page):
    return TaskState.objects.get(pk=page.current_workflow_task_state.pk).specific


def test_the_check_runs_before_the_moderators_step(task):
    workflow = task.workflows.get()
    assert [t.specific.__class__.__name__ for t in workflow.tasks] == [
        "PrePublishCheckTask",
        "GroupApprovalTask",
    ]
    assert install_check_task() == task and workflow.tasks.count() == 2  # idempotent


def test_a_clean_page_passes_the_check_by_itself(task, curator):
    chapter = chapter_with(item_block(good_item()), text_block("<p>他调入中国科学院。</p>"))
    page = submit(chapter, curator)
    state = current_state(page)
    assert state.task.name == "Moderators approval"
    check = PrePublishCheckState.objects.get(workflow_state=state.workflow_state)
    assert check.status == "approved" and check.failures == []


def test_problems_stop_the_page_and_a_recheck_after_fixing_passes(task, curator, moderator, client):
    gone = good_item()
    chapter = chapter_with(text_block("<p>占位</p>"))
    chapter.body = problem_body(gone)
    gone.delete()
    page = submit(chapter, curator)
    state = current_state(page)
    assert isinstance(state, PrePublishCheckState) and state.status == "in_progress"
    assert sorted(f["kind"] for f in state.failures) == ["alt_text", "missing_record", "term"]
    assert all(f["where"] and f["fix_url"] for f in state.failures)

    # The curator sees the same list on the page's check view, with links to fix.
    client.force_login(curator)
    response = client.get(reverse("oversight:page_check", args=[page.pk]))
    assert response.status_code == 200 and "中科院" in response.content.decode()

    fixed = Page.objects.get(pk=page.pk).specific
    fixed.body = json.dumps(
        [{"type": "text", "value": "<p>1956年，他调入中国科学院。</p>"}, item_block(good_item())],
        ensure_ascii=False,
    )
    fixed.save_revision(user=curator)
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "recheck", state.pk])
    assert client.post(url).status_code == 302
    state.refresh_from_db()
    assert state.status == "approved" and state.failures == []
    assert current_state(Page.objects.get(pk=page.pk)).task.name == "Moderators approval"


def test_a_rejected_page_is_checked_again_when_resubmitted(task, curator, moderator):
    gone = good_item()
    chapter = chapter_with(text_block("<p>占位</p>"))
    chapter.body = problem_body(gone)
    gone.delete()
    page = submit(chapter, curator)
    current_state(page).specific.task.specific.on_action(
        current_state(page), moderator, "reject", comment="请修改"
    )
    page = Page.objects.get(pk=page.pk).specific
    assert page.current_workflow_state.status == "needs_changes"
    page.body = json.dumps([{"type": "text", "value": "<p>中国科学院</p>"}], ensure_ascii=False)
    page.save_revision(user=curator)
    page.current_workflow_state.resume(user=curator)
    assert current_state(Page.objects.get(pk=page.pk)).task.name == "Moderators approval"


def test_override_needs_a_reason_and_is_logged(task, curator, moderator, client):
    gone = good_item()
    chapter = chapter_with(text_block("<p>占位</p>"))
    chapter.body = problem_body(gone)
    gone.delete()
    page = submit(chapter, curator)
    state = current_state(page)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "override", state.pk])
    client.force_login(moderator)
    response = client.post(url, {"comment": "   "}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200  # the modal again, with the error
    assert "reason" in json.loads(response.content)["html"]
    state.refresh_from_db()
    assert state.status == "in_progress"
    assert not PageLogEntry.objects.filter(action="oversight.override").exists()

    assert client.post(url, {"comment": "引文原文如此，保留“中科院”"}).status_code == 302
    state.refresh_from_db()
    assert state.status == "approved"
    entry = PageLogEntry.objects.get(action="oversight.override", page=page)
    assert entry.user == moderator
    assert entry.data["reason"] == "引文原文如此，保留“中科院”"
    assert sorted(f["kind"] for f in entry.data["failures"]) == [
        "alt_text",
        "missing_record",
        "term",
    ]
    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert "引文原文如此" in history.content.decode()


def test_a_curator_can_neither_recheck_nor_override(task, curator, client):
    gone = good_item()
    chapter = chapter_with(text_block("<p>占位</p>"))
    chapter.body = problem_body(gone)
    gone.delete()
    page = submit(chapter, curator)
    state = current_state(page)
    client.force_login(curator)
    for action in ("override", "recheck"):
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
        response = client.post(url, {"comment": "我自己放行"})
        # Wagtail's admin answers a refused action by sending the user to the dashboard.
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    state.refresh_from_db()
    assert state.status == "in_progress"
