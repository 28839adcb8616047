"""The archive tree (档案目录): content, links, and a query count independent of its size."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from archive_collections.admin.tree import ITEMS_PER_SERIES, build_tree
from archive_collections.models import Item, Series
from tests.factories import FondsFactory, ItemFactory, ScientistFactory, SeriesFactory

pytestmark = pytest.mark.django_db

TREE_URL = "collections_archive_tree"


def make_archive(scientists=1, items_per_series=2):
    """Each scientist: one fonds with a series holding a sub-series; items in both."""
    made = []
    for n in range(scientists):
        fonds = FondsFactory(scientist=ScientistFactory(name=f"科学家甲{n}"))
        top = SeriesFactory(fonds=fonds, title="手稿")
        sub = SeriesFactory(fonds=fonds, parent=top, title="讲义", level="subseries")
        for series in (top, sub):
            for _i in range(items_per_series):
                ItemFactory(series=series)
        made.append((fonds, top, sub))
    return made


def test_tree_nests_sub_series_and_rolls_up_counts():
    [(fonds, top, sub)] = make_archive(items_per_series=2)
    [node] = build_tree([fonds.scientist])
    [fonds_node] = node.fonds
    [top_node] = fonds_node.series
    assert top_node.series == top
    assert [child.series for child in top_node.children] == [sub]
    assert (top_node.direct_items, top_node.total_items, node.total_items) == (2, 4, 4)


def test_tree_is_built_from_a_fixed_number_of_queries(django_assert_num_queries):
    scientists = [fonds.scientist for fonds, _top, _sub in make_archive(scientists=3)]
    with django_assert_num_queries(3):  # fonds, series with counts, first items
        build_tree(scientists)


def test_tree_lists_a_limited_number_of_items_per_series():
    [(fonds, top, _sub)] = make_archive(items_per_series=0)
    Item.objects.bulk_create(
        [
            Item(identifier=f"BULK-{n:04d}", title="照片", item_type="photograph", series=top)
            for n in range(ITEMS_PER_SERIES + 5)
        ]
    )
    [node] = build_tree([fonds.scientist])
    top_node = node.fonds[0].series[0]
    assert len(top_node.items) == ITEMS_PER_SERIES
    assert top_node.hidden_items == 5
    assert top_node.items[0].identifier == "BULK-0000"


def test_tree_page_shows_records_with_edit_and_add_links(admin_client):
    [(fonds, top, sub)] = make_archive()
    item = sub.items.first()
    response = admin_client.get(reverse(TREE_URL))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<details") == 4  # scientist, fonds, series, sub-series
    for model, obj in [
        (type(fonds.scientist), fonds.scientist),
        (type(fonds), fonds),
        (Series, sub),
        (Item, item),
    ]:
        assert reverse(model.snippet_viewset.get_url_name("edit"), args=[obj.pk]) in content
    assert f"?parent={top.pk}" in content and f"?series={sub.pk}" in content
    assert f"?fonds={fonds.pk}" in content


def test_tree_page_query_count_does_not_grow_with_the_archive(
    admin_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_archive(scientists=1, items_per_series=1)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(reverse(TREE_URL))
    make_archive(scientists=6, items_per_series=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(reverse(TREE_URL))
    assert response.content.decode().count("<details") == 7 * 4


def test_tree_search_narrows_to_a_scientist(admin_client):
    make_archive(scientists=2)
    content = admin_client.get(reverse(TREE_URL), {"q": "甲1"}).content.decode()
    assert "科学家甲1" in content and "科学家甲0" not in content


def test_tree_is_for_staff_only(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(reverse(TREE_URL))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
