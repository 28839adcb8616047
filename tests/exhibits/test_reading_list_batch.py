"""The item listing's batch action "Add to an exhibition's reading list" (exhibits/reading_list.py):
a new draft of the teacher resource page lists the records, whole-batch refusals change nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from archive_collections.admin.batch import Change, apply_batch
from exhibits.models import TeacherResourcePage
from exhibits.reading_list import ACTION, listed
from tests.factories import ExhibitionPageFactory, ItemFactory
from tests.pages import item_block, publish, stream

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading_list():
    exhibition = ExhibitionPageFactory(title="两弹一星")
    return publish(
        exhibition,
        TeacherResourcePage(
            title="初中物理课",
            slug="physics",
            grade_band="junior",
            subject="物理",
        ),
    )


@pytest.fixture
def items():
    return [ItemFactory(identifier=f"RL-{n}") for n in range(3)]


def pks(records):
    return [r.pk for r in records]


def revision_count(page):
    return page.revisions.count()


def test_records_are_added_to_a_new_draft_once(superuser, reading_list, items):
    draft = reading_list.get_latest_revision_as_object()
    draft.linked_items = stream(item_block(items[0]))
    draft.save_revision(user=superuser)
    revisions = revision_count(reading_list)

    result = apply_batch(superuser, pks(items), Change(ACTION, reading_list.pk))

    assert sorted(result.changed) == pks(items[1:]) and result.unchanged == 1
    page = TeacherResourcePage.objects.get(pk=reading_list.pk)
    assert listed(page.get_latest_revision_as_object()) == set(pks(items))
    assert listed(page) == set()  # the live page waits for publishing
    assert revision_count(page) == revisions + 1
    assert items[1].latest_revision is None  # the records themselves did not change
    again = apply_batch(superuser, pks(items), Change(ACTION, reading_list.pk), dry_run=True)
    assert again.changed == []


def test_a_record_hidden_from_visitors_refuses_the_batch(superuser, reading_list, items):
    ItemFactory._meta.model.objects.filter(pk=items[2].pk).update(access_level="researchers")
    revisions = revision_count(reading_list)

    result = apply_batch(superuser, pks(items), Change(ACTION, reading_list.pk))

    assert [r.pk for r in result.refusals] == [items[2].pk]
    assert revision_count(reading_list) == revisions


def test_a_user_who_may_not_edit_the_page_is_refused(django_user_model, reading_list, items):
    user = django_user_model.objects.create_user("itemsonly", password="pw")
    for codename in ("access_admin", "change_item"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    user = django_user_model.objects.get(pk=user.pk)
    revisions = revision_count(reading_list)

    result = apply_batch(user, pks(items), Change(ACTION, reading_list.pk))

    assert result.refused and len(result.refusals) == 3
    assert revision_count(reading_list) == revisions


def test_the_batch_screen_offers_the_reading_list(client, superuser, reading_list, items):
    client.force_login(superuser)
    url = reverse("wagtail_bulk_action", args=("collections", "item", "batch_edit"))
    query = "&".join(f"id={pk}" for pk in pks(items))

    form = client.get(f"{url}?{query}")
    assert "两弹一星 › 初中物理课" in form.content.decode()
    applied = client.post(
        f"{url}?{query}", {"action": ACTION, ACTION: reading_list.pk, "apply": "1"}
    )

    assert applied.status_code == 302
    page = TeacherResourcePage.objects.get(pk=reading_list.pk)
    assert listed(page.get_latest_revision_as_object()) == set(pks(items))
