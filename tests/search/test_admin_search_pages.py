"""Pages of a listing searched by relevance are read by the ranks they hold
(archive_collections.admin.searching.RankedPaginator): every page lists the records, in the
order, that slicing the whole ranked list gives, with and without the listing's filters, on
both engines (the `engine` fixture); a key the listing's queryset leaves out sends the page
back to the whole list."""

from __future__ import annotations

import pytest

from archive_collections.admin.searching import RankedPaginator, ranked
from archive_collections.admin.views import ArchiveIndexView
from archive_collections.models import Item
from tests.factories import ItemFactory
from tests.search import test_admin_search as listings
from tests.search.conftest import index_all
from tests.search.test_admin_search import identifiers, list_url

pytestmark = pytest.mark.django_db

admin_client = listings.admin_client


@pytest.fixture
def many(engine, archive):
    """Eleven more items for 工程控制论, the words repeated 1–3 times (scores differ, some tie)."""
    for number in range(11):
        ItemFactory(
            identifier=f"QXS-07{number:02d}",
            title="工程控制论" * (1 + number % 3) + f"讲义{number}",
            item_type="letter" if number % 2 else "manuscript",
            series=archive.series,
        )
    index_all(engine)
    return archive


def listed(client, params: dict, per_page: int, monkeypatch) -> list[list[str]]:
    """Every page of the item listing for `params` at `per_page` rows a page."""
    monkeypatch.setattr(ArchiveIndexView, "get_paginate_by", lambda self, queryset: per_page)
    pages = []
    for number in range(1, 50):
        response = client.get(list_url(Item), {**params, "p": number})
        found = identifiers(response)
        if pages and found == pages[-1]:  # past the last page: Wagtail shows the last again
            break
        pages.append(found)
    return pages


@pytest.mark.parametrize(
    "params",
    [{"q": "工程控制论"}, {"q": "工程控制论", "item_type": "letter"}, {"q": "钱学森"}],
)
def test_every_page_is_its_slice_of_the_whole_ranking(admin_client, many, monkeypatch, params):
    whole = listed(admin_client, params, 1000, monkeypatch)
    assert len(whole) == 1 and len(whole[0]) >= 3
    for per_page in (1, 2, 5):
        pages = listed(admin_client, params, per_page, monkeypatch)
        expected = [
            whole[0][start : start + per_page] for start in range(0, len(whole[0]), per_page)
        ]
        assert pages == expected, (params, per_page)


def test_a_key_the_queryset_leaves_out_reads_the_page_from_the_whole_list(many):
    items = list(Item.objects.order_by("identifier").values_list("pk", flat=True))
    pks = list(reversed(items))
    base = Item.objects.exclude(pk=pks[1])  # the second best is filtered out of the listing
    object_list = ranked(base, pks)
    paginator = RankedPaginator(object_list, 2, base=base, pks=pks)
    expected = list(object_list)
    assert pks[1] not in [item.pk for item in expected]
    for number in paginator.page_range:
        page = paginator.page(number)
        assert list(page.object_list) == expected[(number - 1) * 2 : number * 2], number
    # With every key in the listing, a page is read by its own keys, not the whole list.
    full = RankedPaginator(ranked(Item.objects.all(), pks), 2, base=Item.objects.all(), pks=pks)
    assert isinstance(full.page(2).object_list, list)
    assert [item.pk for item in full.page(2).object_list] == pks[2:4]
