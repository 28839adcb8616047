"""The one access policy, on its own: levels, embargo, and the queryset filter agreeing with it."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from archive_collections.access import AccessPolicy
from archive_collections.models import Item
from tests.factories import ItemFactory, SeriesFactory

TODAY = date(2026, 11, 28)


@pytest.fixture
def items(db):
    series = SeriesFactory()
    return {
        "public": ItemFactory(series=series, access_level="public"),
        "researchers": ItemFactory(series=series, access_level="researchers"),
        "staff": ItemFactory(series=series, access_level="staff"),
        "embargoed": ItemFactory(series=series, embargo_until=TODAY + timedelta(days=1)),
        "embargo_over": ItemFactory(series=series, embargo_until=TODAY),
    }


def visible(policy, items):
    by_pk = {v.pk: k for k, v in items.items()}
    return {by_pk[pk] for pk in Item.objects.visible_to(policy).values_list("pk", flat=True)}


def test_anonymous_sees_public_records_whose_embargo_has_passed(items):
    policy = AccessPolicy.for_user(AnonymousUser(), today=TODAY)
    assert visible(policy, items) == {"public", "embargo_over"}
    assert {k for k, item in items.items() if policy.can_view(item)} == {"public", "embargo_over"}


def test_researcher_adds_researcher_records_but_not_embargoed(items, researcher):
    policy = AccessPolicy.for_user(researcher, today=TODAY)
    assert visible(policy, items) == {"public", "embargo_over", "researchers"}
    assert not policy.can_view(items["embargoed"])


def test_staff_see_everything(items, staff_user, superuser):
    for user in (staff_user, superuser):
        policy = AccessPolicy.for_user(user, today=TODAY)
        assert visible(policy, items) == set(items)
        assert all(policy.can_view(item) for item in items.values())


def test_inactive_user_falls_back_to_public(items, researcher):
    researcher.is_active = False
    assert visible(AccessPolicy.for_user(researcher, today=TODAY), items) == {
        "public",
        "embargo_over",
    }


def test_item_q_reaches_items_through_a_relation(items):
    from archive_collections.models import Series

    policy = AccessPolicy.anonymous(today=TODAY)
    series = Series.objects.filter(policy.item_q("items__")).distinct()
    assert list(series) == [items["public"].series]
