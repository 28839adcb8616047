"""A fonds access grant (an archivist's answer to an access request) opens that fonds'
researcher-level records to one user in search too, on both engines: the finding was that a
grant holder could open a granted record but never found it in the search or its suggestions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from archive_collections.access import AccessPolicy
from archive_collections.models import FondsAccessGrant
from search.contract import SearchQuery
from tests.factories import ItemFactory
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db


def found(engine, text: str, policy: AccessPolicy) -> set[str]:
    results = engine.search(SearchQuery(text=text, per_page=50), policy)
    return {group.identifier for group in results.groups}


def test_a_grant_opens_its_fonds_researcher_records_and_nothing_else(
    engine, archive, django_user_model
):
    elsewhere = ItemFactory(
        identifier="LSG-0100",
        title="李四光研究手稿",
        item_type="manuscript",
        series=archive.other_series,
        access_level="researchers",
    )
    index_all(engine)
    visitor = django_user_model.objects.create_user("visitor", password="x")
    today = timezone.localdate()
    before = found(engine, "手稿", AccessPolicy.for_user(visitor))
    assert "QXS-0100" not in before

    grant = FondsAccessGrant.objects.create(
        user=visitor, fonds=archive.fonds, valid_until=today + datetime.timedelta(days=30)
    )
    visitor = django_user_model.objects.get(pk=visitor.pk)  # no grants kept from before
    policy = AccessPolicy.for_user(visitor)
    granted = found(engine, "手稿", policy)
    assert "QXS-0100" in granted  # researcher-level, in the granted fonds
    assert granted - before == {"QXS-0100"}
    assert {"QXS-0101", "QXS-0102", elsewhere.identifier}.isdisjoint(granted)
    keys = engine.ranked_groups(SearchQuery(text="绝密", per_page=10), policy, 10)
    assert len(keys) == 1

    grant.valid_until = today - datetime.timedelta(days=1)
    grant.save()
    expired = AccessPolicy.for_user(django_user_model.objects.get(pk=visitor.pk))
    assert "QXS-0100" not in found(engine, "手稿", expired)
    assert found(engine, "手稿", AccessPolicy.anonymous()) == before
