"""Admin search at archive scale: the engine ranks only its best ADMIN_SEARCH_LIMIT matches, so
what a listing or chooser filtered on must narrow that ranking itself (engines.within), and the
database engine's shortcut over large match sets (top_groups grouping only its best candidate
documents) must list exactly what grouping the whole match set lists. Both engines (the
`engine` fixture); the limit is made small here instead of matching thousands of items."""

from __future__ import annotations

import pytest
from django.db import connection

from archive_collections.access import AccessPolicy
from archive_collections.models import Item
from search import admin_search
from search.contract import SearchQuery
from search.engines import database
from tests.factories import ItemFactory
from tests.search import test_admin_search as listings
from tests.search.conftest import index_all
from tests.search.test_admin_search import chooser_url, identifiers, list_url

pytestmark = pytest.mark.django_db

admin_client = listings.admin_client
curator_client = listings.curator_client


@pytest.fixture
def crowded(engine, archive, monkeypatch):
    """Five manuscripts that rank above every item of the archive for 钱学森 (the name in
    their title, twice), and an engine that returns only the best two matches."""
    for number in range(5):
        item = ItemFactory(
            identifier=f"QXS-05{number:02d}",
            title=f"钱学森钱学森手稿{number}",
            item_type="manuscript",
            series=archive.other_series,
        )
        item.scientists.add(archive.qian)
        item.save()
    index_all(engine)
    monkeypatch.setattr(admin_search, "ADMIN_SEARCH_LIMIT", 2)
    return archive


def test_listing_filter_finds_what_ranks_below_the_engines_best(admin_client, crowded):
    found = identifiers(admin_client.get(list_url(Item), {"q": "钱学森"}))
    assert len(found) == 2 and all(pk.startswith("QXS-05") for pk in found)
    letters = identifiers(admin_client.get(list_url(Item), {"q": "钱学森", "item_type": "letter"}))
    assert "QXS-0001" in letters


def start_ids_at(model, first: int) -> None:
    """Make the next row of `model` take id `first` (and the rows after it the ids after)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, %s)", [first - 1])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first - 1]
            )


@pytest.fixture(params=[5004, 5037])
def ids_from(request, db):
    start_ids_at(Item, request.param)


def test_ranking_does_not_depend_on_where_the_ids_fall(ids_from, admin_client, crowded):
    """Elasticsearch keeps relevance statistics per shard and routes a document by its id: on
    a test's few documents spread over two shards these ids ranked QXS-0003 above four of the
    five manuscripts (the clean-clone run's PostgreSQL pass, whose ids had moved on)."""
    found = identifiers(admin_client.get(list_url(Item), {"q": "钱学森"}))
    assert len(found) == 2 and all(pk.startswith("QXS-05") for pk in found), found


def test_chooser_filters_the_engine_does_not_know_narrow_its_ranking(admin_client, crowded):
    # The series and "has files" are the chooser's own filters, not the engine's facets.
    url = chooser_url()
    in_series = identifiers(admin_client.get(url, {"q": "钱学森", "series": "S-QXS-1"}))
    assert len(in_series) == 2 and not any(pk.startswith("QXS-05") for pk in in_series)
    with_files = set(identifiers(admin_client.get(url, {"q": "钱学森", "has_files": "on"})))
    assert with_files == {"QXS-0002", "QXS-0100"}


def test_curator_listing_ranks_among_visible_records(curator_client, crowded):
    found = identifiers(curator_client.get(list_url(Item), {"q": "钱学森", "item_type": "letter"}))
    assert "QXS-0001" in found
    assert "QXS-0102" not in found  # embargoed


@pytest.mark.parametrize("text", ["钱学森", "手稿", "工程控制论", "Tsien Hsue-shen"])
def test_top_groups_over_few_candidates_lists_what_the_whole_match_set_lists(
    engine, crowded, staff_user, monkeypatch, text
):
    """One candidate document per wanted group: groups with several matching documents (the
    manuscript's OCR pages) and hidden items among the candidates exercise the exactness
    argument and the fallback to the whole match set. (Elasticsearch has no such shortcut:
    its best `limit` are the first of its longer lists all the same.)"""
    query = SearchQuery(text=text, kinds=("item",), per_page=1)
    for policy in (AccessPolicy.for_user(staff_user), AccessPolicy.anonymous()):
        monkeypatch.setattr(database, "CANDIDATES", 10_000)
        whole = engine.top_groups(query, policy, 100)
        monkeypatch.setattr(database, "CANDIDATES", 1)
        for limit in range(1, len(whole) + 2):
            assert engine.top_groups(query, policy, limit) == whole[:limit], (text, limit)
