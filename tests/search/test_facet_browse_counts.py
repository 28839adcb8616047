"""A browse by facets alone (no text) counts its records exactly, on every engine as on the
database engine: the total, every facet's counts under the other facets' selections, and a
selected facet's own counts ignoring its selection. (Elasticsearch answers a browse with a
request of its own — documents counted rather than distinct groups, selections in the query,
a ``global`` aggregation for the selected facets — see search/engines/es_query.py.)"""

import pytest

from archive_collections.access import AccessPolicy
from search.contract import FACETS, SearchDocument, SearchQuery
from search.engines import get_database_engine
from tests.search.conftest import index_all

BROWSES = [
    {"decade": ["1950"]},
    {"decade": ["1950"], "has_scan": ["true"]},
    {"type": ["letter", "manuscript"], "language": ["zh-Hans"]},
    {"scientist": ["qian-xuesen"], "fonds": ["F-QXS"], "has_transcript": ["false"]},
]


def counts(results):
    return results.total, {
        name: {(v.value, v.count, v.selected) for v in results.facets[name]} for name in FACETS
    }


@pytest.mark.parametrize("filters", BROWSES, ids=lambda f: "+".join(sorted(f)))
@pytest.mark.parametrize("policy", ["anonymous", "staff"])
def test_browse_counts_match_the_database_engine(engine, indexed, staff_user, filters, policy):
    access = (
        AccessPolicy.anonymous() if policy == "anonymous" else AccessPolicy.for_user(staff_user)
    )
    query = SearchQuery(text="", filters=filters, per_page=100)
    database = get_database_engine()
    if engine.name != database.name:
        index_all(database)  # the reference engine, over the same archive
    results = engine.search(query, access)
    expected = database.search(query, access)
    assert expected.total >= 1 or filters.get("has_transcript")
    assert counts(results) == counts(expected)
    assert {g.key for g in results.groups} == {g.key for g in expected.groups}


def _letter(n: int) -> SearchDocument:
    return SearchDocument(
        id=f"item:{n}",
        kind="item",
        group=f"item:{n}",
        url=f"/archive/items/I{n}/",
        group_title=f"信{n}",
        title=f"信{n}",
        item_type="letter",
    )


@pytest.mark.elasticsearch
def test_a_browse_is_served_from_the_request_cache_and_still_sees_every_write(
    es_engine, monkeypatch
):
    anyone = AccessPolicy.anonymous()
    query = SearchQuery(text="", filters={"type": ["letter"]})
    client = es_engine.client
    asked: list[object] = []
    search = client.search

    def recording_search(*args, **kwargs):
        if "collapse" in kwargs.get("body", {}) or "track_total_hits" in kwargs.get("body", {}):
            asked.append(kwargs.get("request_cache"))
        return search(*args, **kwargs)

    monkeypatch.setattr(client, "search", recording_search)
    es_engine.index_documents([_letter(1)])
    assert es_engine.search(query, anyone).total == 1
    assert es_engine.search(query, anyone).total == 1
    es_engine.search(SearchQuery(text="信"), anyone)
    # the browse asks each shard's cache; a text search (rarely repeated) does not
    assert asked == [True, True, None]
    es_engine.index_documents([_letter(2)])
    results = es_engine.search(query, anyone)
    assert results.total == 2 and len(results.groups) == 2
    assert {v.value: v.count for v in results.facets["type"]} == {"letter": 2}
    es_engine.delete_groups(["item:1"])
    assert [g.key for g in es_engine.search(query, anyone).groups] == ["item:2"]
