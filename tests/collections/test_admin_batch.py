"""Batch changes to items and scientists: what each action changes, the revisions and log
entries it leaves, dry-run counts, whole-batch refusals, 403 for forged requests, and a batch of
1,000 in one transaction."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry, Revision

from archive_collections.admin.batch import (
    LOG_ACTION,
    BatchForbidden,
    BatchTooLarge,
    Change,
    apply_batch,
    apply_scientist_batch,
)
from archive_collections.models import Item, RightsStatement, Scientist
from archive_collections.signals import catalogue_changed
from tests.factories import (
    DisciplineFactory,
    FondsFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)
NEXT_YEAR = timezone.localdate() + timedelta(days=365)


def editor(django_user_model, *codenames, username="editor"):
    user = django_user_model.objects.create_user(username=username, password="pw")
    for codename in ("access_admin", "change_item", "change_scientist", *codenames):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def series():
    return SeriesFactory(identifier="S-A")


@pytest.fixture
def items(series):
    return [ItemFactory(series=series, identifier=f"B-{n:03d}") for n in range(5)]


def pks(records):
    return [record.pk for record in records]


def revisions_of(records):
    return Revision.objects.filter(
        base_content_type__model=records[0]._meta.model_name, object_id__in=map(str, pks(records))
    )


def batch_logs():
    return ModelLogEntry.objects.filter(action=LOG_ACTION)


@pytest.mark.parametrize(
    ("action", "value", "field", "expected"),
    [
        ("set_access_level", "researchers", "access_level", "researchers"),
        ("set_embargo", NEXT_YEAR, "embargo_until", NEXT_YEAR),
        ("set_rights", RightsStatement.NKC.value, "rights_statement", RightsStatement.NKC.value),
        ("set_language", "en", "language", "en"),
    ],
)
def test_field_actions_change_that_field_only(superuser, items, action, value, field, expected):
    untouched = ItemFactory(identifier="OTHER-1")
    before = {i.pk: (i.title, i.series_id, i.access_level) for i in items}

    result = apply_batch(superuser, pks(items[:3]), Change(action, value))

    assert result.applied and len(result.changed) == 3
    for item in Item.objects.filter(pk__in=pks(items[:3])):
        assert getattr(item, field) == expected
        assert item.title == before[item.pk][0] and item.series_id == before[item.pk][1]
    rest = Item.objects.filter(pk__in=[*pks(items[3:]), untouched.pk])
    assert all(getattr(i, field) != expected for i in rest)


def test_clearing_an_embargo(superuser, items):
    Item.objects.filter(pk__in=pks(items[:2])).update(embargo_until=NEXT_YEAR)

    result = apply_batch(superuser, pks(items), Change("set_embargo", None))

    assert sorted(result.changed) == pks(items[:2]) and result.unchanged == 3
    assert not Item.objects.filter(embargo_until__isnull=False).exists()


def test_each_changed_record_gets_a_revision_and_a_log_entry(superuser, items):
    items[0].access_level = "staff"
    items[0].save()

    result = apply_batch(superuser, pks(items), Change("set_access_level", "staff"))

    changed = items[1:]
    assert sorted(result.changed) == pks(changed)
    assert revisions_of(changed).count() == 4
    assert not revisions_of(items[:1]).exists()
    logs = list(batch_logs())
    assert sorted(int(log.object_id) for log in logs) == pks(changed)
    assert len({log.data["batch"] for log in logs}) == 1  # one batch, named in each entry
    assert all(log.user_id == superuser.pk and log.revision_id for log in logs)
    for item in Item.objects.filter(pk__in=pks(changed)):
        revision = item.latest_revision
        assert revision.content["access_level"] == "staff"
        assert revision.as_object().access_level == "staff"


def test_every_record_shows_the_batch_in_its_history(admin_client, items):
    apply_batch(admin_client.user, pks(items), Change("set_language", "en"))

    for item in items:
        entry = batch_logs().get(object_id=str(item.pk))
        with translation.override("zh-hans"):  # the admin's language
            shown = translation.gettext("Changed in a batch of %(size)s: %(change)s") % {
                "size": 5,
                "change": entry.data["change"],
            }
        url = reverse("wagtailsnippets_collections_item:history", args=[item.pk])
        assert shown in admin_client.get(url).content.decode(), item.identifier


def test_dry_run_counts_and_writes_nothing(superuser, items):
    Item.objects.filter(pk__in=pks(items[:2])).update(language="en")

    result = apply_batch(superuser, pks(items), Change("set_language", "en"), dry_run=True)

    assert result.selected == 5 and len(result.changed) == 3 and result.unchanged == 2
    assert not result.applied
    assert Item.objects.filter(language="en").count() == 2
    assert not Revision.objects.exists() and not batch_logs().exists()


def test_moving_to_a_series_of_the_same_fonds(superuser, items, series):
    sibling = SeriesFactory(fonds=series.fonds, identifier="S-B")

    result = apply_batch(superuser, pks(items[:2]), Change("set_series", sibling.pk))

    assert result.applied
    assert Item.objects.get(pk=items[0].pk).latest_revision.content["series"] == sibling.pk
    assert set(Item.objects.filter(series=sibling).values_list("pk", flat=True)) == set(
        pks(items[:2])
    )


def test_subjects_are_added_and_removed(superuser, items):
    items[0].subjects.add("家书")
    items[0].save()

    added = apply_batch(superuser, pks(items), Change("add_subjects", ["家书", "留学"]))
    assert sorted(added.changed) == pks(items)  # item 0 lacked 留学
    for item in Item.objects.filter(pk__in=pks(items)):
        assert sorted(t.name for t in item.subjects.all()) == ["家书", "留学"]
    again = apply_batch(superuser, pks(items), Change("add_subjects", ["留学"]), dry_run=True)
    assert again.changed == [] and again.unchanged == 5

    removed = apply_batch(superuser, pks(items[:2]), Change("remove_subjects", ["家书"]))
    assert sorted(removed.changed) == pks(items[:2])
    names = {i.pk: sorted(t.name for t in i.subjects.all()) for i in Item.objects.all()}
    assert names[items[0].pk] == ["留学"] and names[items[4].pk] == ["家书", "留学"]
    assert Item.objects.get(pk=items[0].pk).latest_revision.content["tagged_subjects"]


def test_scientists_are_added_and_removed(superuser, items):
    qian, zhao = ScientistFactory(name="钱学森"), ScientistFactory(name="赵忠尧")

    apply_batch(superuser, pks(items), Change("add_scientists", [qian.pk, zhao.pk]))
    assert all(
        set(pks(i.scientists.all())) == {qian.pk, zhao.pk}
        for i in Item.objects.filter(pk__in=pks(items))
    )
    revision = Item.objects.get(pk=items[0].pk).latest_revision
    assert sorted(revision.content["scientists"]) == sorted([qian.pk, zhao.pk])

    result = apply_batch(superuser, pks(items[:3]), Change("remove_scientists", [zhao.pk]))
    assert len(result.changed) == 3
    assert Item.objects.filter(scientists=zhao).count() == 2


def test_disciplines_of_scientists(superuser):
    scientists = [ScientistFactory() for _ in range(3)]
    physics = DisciplineFactory(name="物理学")
    scientists[0].disciplines.add(physics)
    scientists[0].save()

    dry = apply_scientist_batch(
        superuser, pks(scientists), Change("add_discipline", physics.pk), dry_run=True
    )
    assert len(dry.changed) == 2 and dry.unchanged == 1
    apply_scientist_batch(superuser, pks(scientists), Change("add_discipline", physics.pk))
    assert Scientist.objects.filter(disciplines=physics).count() == 3
    assert revisions_of(scientists[1:]).count() == 2
    apply_scientist_batch(superuser, pks(scientists[:1]), Change("remove_discipline", physics.pk))
    assert Scientist.objects.filter(disciplines=physics).count() == 2


def test_catalogue_changed_is_sent_once_after_commit(
    superuser, items, django_capture_on_commit_callbacks
):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs["items"])

    catalogue_changed.connect(listen, dispatch_uid="test-batch-listen")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            apply_batch(superuser, pks(items), Change("set_access_level", "researchers"))
    finally:
        catalogue_changed.disconnect(dispatch_uid="test-batch-listen")
    assert [sorted(h) for h in heard] == [pks(items)]


# -- refusals: the whole batch, nothing written ------------------------------------------------


def assert_nothing_changed(items, before):
    fields = ("access_level", "embargo_until", "rights_statement", "language", "series_id")
    now = {
        i.pk: tuple(getattr(i, f) for f in fields) for i in Item.objects.filter(pk__in=pks(items))
    }
    assert now == before
    assert not Revision.objects.exists() and not batch_logs().exists()


def snapshot(items):
    fields = ("access_level", "embargo_until", "rights_statement", "language", "series_id")
    return {
        i.pk: tuple(getattr(i, f) for f in fields) for i in Item.objects.filter(pk__in=pks(items))
    }


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("set_embargo", timezone.localdate() - timedelta(days=1)),
        ("set_embargo", timezone.localdate()),
        ("set_rights", "https://creativecommons.org/licenses/by/4.0/"),
        ("set_rights", "http://rightsstatements.org/vocab/Made-Up/1.0/"),
        ("set_access_level", "everyone"),
        ("set_language", "xx"),
    ],
)
def test_a_value_that_breaks_a_rule_refuses_every_record(superuser, items, action, value):
    before = snapshot(items)

    result = apply_batch(superuser, pks(items), Change(action, value))

    assert result.refused and not result.applied
    assert sorted(r.pk for r in result.refusals) == pks(items)
    assert all(r.reason for r in result.refusals)
    assert_nothing_changed(items, before)


def test_making_items_public_is_refused_for_an_interview_without_a_signed_release(superuser, items):
    # Item.clean's consent rule holds for batches too: the bulk write never calls clean().
    for item in items:
        Item.objects.filter(pk=item.pk).update(access_level="researchers")
    unsigned = InterviewFactory(item=items[0], consent="pending").item
    InterviewFactory(item=items[1], consent="signed")
    refreshed = list(Item.objects.filter(pk__in=pks(items)))
    before = snapshot(refreshed)

    result = apply_batch(superuser, pks(items), Change("set_access_level", "public"))

    assert [r.pk for r in result.refusals] == [unsigned.pk]
    assert "release" in result.refusals[0].reason or "授权" in result.refusals[0].reason
    assert_nothing_changed(refreshed, before)
    staff = apply_batch(superuser, pks(items), Change("set_access_level", "staff"), dry_run=True)
    assert not staff.refused


def test_a_series_of_another_fonds_refuses_the_batch_naming_the_records(superuser, items, series):
    elsewhere = SeriesFactory(fonds=FondsFactory(identifier="F-OTHER"), identifier="S-OTHER")
    own = SeriesFactory(fonds=series.fonds, identifier="S-OWN")
    strangers = [ItemFactory(series=elsewhere, identifier=f"X-{n}") for n in range(2)]
    batch = [*items, *strangers]
    before = snapshot(batch)

    result = apply_batch(superuser, pks(batch), Change("set_series", own.pk))

    assert sorted(r.pk for r in result.refusals) == pks(strangers)
    assert "F-OTHER" in result.refusals[0].reason
    assert "X-0" in result.refusals[0].record
    assert_nothing_changed(batch, before)


# -- who may ------------------------------------------------------------------------------------


def test_without_change_permission_nothing_changes(django_user_model, items):
    viewer = django_user_model.objects.create_user("viewer", password="pw")
    viewer.user_permissions.add(Permission.objects.get(codename="view_staff_items"))
    viewer = django_user_model.objects.get(pk=viewer.pk)
    before = snapshot(items)

    with pytest.raises(BatchForbidden):
        apply_batch(viewer, pks(items), Change("set_access_level", "staff"))
    assert_nothing_changed(items, before)


def test_a_record_the_user_may_not_see_forbids_the_batch(django_user_model, items):
    curator = editor(django_user_model)  # may change items, sees public records only
    Item.objects.filter(pk=items[-1].pk).update(embargo_until=NEXT_YEAR)
    before = snapshot(items)

    with pytest.raises(BatchForbidden):
        apply_batch(curator, pks(items), Change("set_language", "en"), dry_run=True)
    with pytest.raises(BatchForbidden):
        apply_batch(curator, pks(items), Change("set_language", "en"))
    with pytest.raises(BatchForbidden):
        apply_batch(curator, [*pks(items[:2]), 999_999], Change("set_language", "en"))
    assert_nothing_changed(items, before)
    assert apply_batch(curator, pks(items[:-1]), Change("set_language", "en")).applied


def bulk_url(action="batch_edit", model="item"):
    return reverse("wagtail_bulk_action", args=("collections", model, action))


def selection_url(records, model="item"):
    """The batch screen for these records, as the listing's checkboxes send them."""
    return f"{bulk_url(model=model)}?" + "&".join(f"id={pk}" for pk in pks(records))


SET_ENGLISH = {"action": "set_language", "language": "en", "apply": "1"}


def test_forged_post_for_hidden_records_is_403(client, django_user_model, items):
    curator = editor(django_user_model)
    Item.objects.filter(pk=items[0].pk).update(access_level="staff")
    client.force_login(curator)
    before = snapshot(items)

    response = client.post(selection_url(items), SET_ENGLISH)

    assert response.status_code == 403
    assert_nothing_changed(items, before)


def test_forged_post_without_change_permission_is_403(client, django_user_model, items):
    user = django_user_model.objects.create_user("looker", password="pw")
    for codename in ("access_admin", "view_item", "view_staff_items"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    before = snapshot(items)

    response = client.post(selection_url(items), SET_ENGLISH)

    assert response.status_code == 403
    assert_nothing_changed(items, before)


# -- the view -------------------------------------------------------------------------------------


def test_preview_shows_the_count_and_apply_writes(admin_client, items):
    Item.objects.filter(pk=items[0].pk).update(language="en")

    preview = admin_client.post(
        selection_url(items), {"action": "set_language", "language": "en", "preview": "1"}
    )
    assert preview.status_code == 200
    assert preview.context["result"].selected == 5
    assert len(preview.context["result"].changed) == 4
    assert Item.objects.filter(language="en").count() == 1

    applied = admin_client.post(selection_url(items), SET_ENGLISH)
    assert applied.status_code == 302
    assert Item.objects.filter(language="en").count() == 5


def test_refusal_is_shown_with_the_records(admin_client, items):
    response = admin_client.post(
        selection_url(items),
        {
            "action": "set_embargo",
            "embargo_until": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "apply": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["result"].refused
    assert items[0].identifier in response.content.decode()
    assert not Item.objects.filter(embargo_until__isnull=False).exists()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    client.user = superuser
    return client


# -- a thousand ----------------------------------------------------------------------------------


def thousand(series):
    return Item.objects.bulk_create(
        [
            Item(series=series, identifier=f"K-{n:04d}", title=f"件{n}", item_type="letter")
            for n in range(1000)
        ]
    )


@pytest.mark.slow
def test_a_batch_of_1000_costs_a_constant_number_of_queries(superuser, series):
    records = thousand(series)

    with CaptureQueriesContext(connection) as queries:
        result = apply_batch(superuser, pks(records), Change("set_access_level", "researchers"))

    assert len(result.changed) == 1000
    assert len(queries) < 40
    assert Item.objects.filter(access_level="researchers").count() == 1000
    assert revisions_of(records).count() == 1000 and batch_logs().count() == 1000


@pytest.mark.slow
def test_a_rule_broken_by_the_last_of_1000_leaves_all_unchanged(superuser, series):
    records = thousand(series)
    own = SeriesFactory(fonds=series.fonds, identifier="S-NEW")
    last = records[-1]
    Item.objects.filter(pk=last.pk).update(
        series=SeriesFactory(fonds=FondsFactory(identifier="F-LAST"), identifier="S-LAST")
    )

    result = apply_batch(superuser, pks(records), Change("set_series", own.pk))

    assert [r.pk for r in result.refusals] == [last.pk]
    assert not Item.objects.filter(series=own).exists()
    assert not Revision.objects.exists() and not batch_logs().exists()


def test_the_listings_offer_batch_edit(admin_client, items):
    for model in (Item, Scientist):
        listing = admin_client.get(reverse(model.snippet_viewset.get_url_name("list")))
        assert bulk_url(model=model._meta.model_name) in listing.content.decode()


def test_scientist_batch_screen_adds_a_discipline(admin_client):
    scientists = [ScientistFactory() for _ in range(2)]
    physics = DisciplineFactory(name="物理学")
    url = selection_url(scientists, model="scientist")

    preview = admin_client.post(
        url, {"action": "add_discipline", "discipline": physics.pk, "preview": "1"}
    )
    assert len(preview.context["result"].changed) == 2
    applied = admin_client.post(
        url, {"action": "add_discipline", "discipline": physics.pk, "apply": "1"}
    )
    assert applied.status_code == 302
    assert Scientist.objects.filter(disciplines=physics).count() == 2


def test_select_all_in_listing_takes_the_listings_filters(admin_client, items):
    letters = [ItemFactory(item_type="letter", identifier=f"L-{n}") for n in range(3)]

    response = admin_client.post(f"{bulk_url()}?item_type=letter&id=all", SET_ENGLISH)

    assert response.status_code == 302
    assert set(Item.objects.filter(language="en").values_list("pk", flat=True)) == set(pks(letters))


def test_select_all_leaves_out_what_the_user_may_not_see(client, django_user_model, items):
    curator = editor(django_user_model)
    Item.objects.filter(pk=items[0].pk).update(access_level="staff")
    client.force_login(curator)

    response = client.post(f"{bulk_url()}?id=all", SET_ENGLISH)

    assert response.status_code == 302
    assert Item.objects.filter(language="en").count() == 4
    assert Item.objects.get(pk=items[0].pk).language != "en"


def test_a_batch_over_the_limit_is_refused_before_reading(superuser, items, monkeypatch):
    monkeypatch.setattr("archive_collections.admin.batch.MAX_BATCH", 4)
    before = snapshot(items)

    with pytest.raises(BatchTooLarge):
        apply_batch(superuser, pks(items), Change("set_language", "en"))
    assert_nothing_changed(items, before)
