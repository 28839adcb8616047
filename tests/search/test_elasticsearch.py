"""What only the Elasticsearch engine does: index generations behind an alias (zero-downtime
rebuild), group maintenance without delete-by-query, failures mapped to EngineUnavailable.
The shared behaviour (matching, access, facets, snippets…) is in test_contract.py, which runs on
this engine too. Needs the real node (see elasticsearch_support)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from archive_collections.access import AccessPolicy
from search.contract import SearchDocument, SearchQuery
from search.engines import EngineUnavailable
from search.engines.elasticsearch import ElasticsearchEngine
from tests.search.elasticsearch_support import new_alias

pytestmark = pytest.mark.elasticsearch

ANYONE = AccessPolicy.anonymous(date(2026, 6, 1))


def item(n: int, title: str, **extra) -> SearchDocument:
    return SearchDocument(
        id=f"item:{n}",
        kind="item",
        group=f"item:{n}",
        url=f"/archive/items/I{n}/",
        group_title=title,
        title=title,
        group_identifier=f"I{n}",
        **extra,
    )


def segment(item_n: int, n: int, text: str) -> SearchDocument:
    return SearchDocument(
        id=f"segment:{item_n}-{n}",
        kind="segment",
        group=f"item:{item_n}",
        url=f"/archive/items/I{item_n}/",
        group_title=f"访谈{item_n}",
        body=text,
        start_ms=n * 1000,
    )


def titles(engine, text: str, policy=ANYONE) -> list[str]:
    return [g.title for g in engine.search(SearchQuery(text=text), policy).groups]


def test_rebuild_swaps_alias_atomically_and_drops_old_index(es_engine):
    es_engine.index_documents([item(1, "钱学森手稿"), item(2, "旧的记录")])
    (old_index,) = es_engine.live_indices()

    stop = threading.Event()
    outcomes: list[object] = []

    def search_continuously():
        # Readers during the rebuild must always get an answer with the old or new contents.
        while not stop.is_set():
            try:
                outcomes.append(set(titles(es_engine, "钱学森")))
            except Exception as error:  # recorded, asserted below
                outcomes.append(error)
            time.sleep(0.01)

    reader = threading.Thread(target=search_continuously)
    reader.start()
    try:
        rebuild = es_engine.start_rebuild()
        for chunk in range(3):
            rebuild.add([item(10 + chunk * 10 + k, f"钱学森书信{chunk}-{k}") for k in range(10)])
            time.sleep(0.05)
        # Not committed yet: searches still see only the old generation.
        assert set(titles(es_engine, "钱学森")) == {"钱学森手稿"}
        rebuild.commit()
        time.sleep(0.1)
    finally:
        stop.set()
        reader.join()

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors
    assert all(o for o in outcomes), "a search during the rebuild found nothing"
    (new_index,) = es_engine.live_indices()
    assert new_index != old_index and new_index.startswith(es_engine.alias + "-")
    assert not es_engine.client.indices.exists(index=old_index)
    results = es_engine.search(SearchQuery(text="钱学森", per_page=50), ANYONE)
    assert results.total == 30
    assert "钱学森手稿" not in {g.title for g in results.groups}
    assert es_engine.status().last_rebuild is not None


def test_aborted_rebuild_leaves_live_index_untouched(es_engine):
    es_engine.index_documents([item(1, "钱学森手稿")])
    live = es_engine.live_indices()
    rebuild = es_engine.start_rebuild()
    rebuild.add([item(2, "别的东西")])
    rebuild.abort()
    assert es_engine.live_indices() == live
    assert not es_engine.client.indices.exists(index=rebuild.index)
    assert titles(es_engine, "手稿") == ["钱学森手稿"]


def test_writes_during_a_rebuild_survive_the_swap(es_engine):
    es_engine.index_documents(
        [item(1, "钱学森手稿 旧题"), item(2, "将被删除的信"), item(3, "原样")]
    )
    rebuild = es_engine.start_rebuild()
    # The rebuild has read item 2 from the archive and written it...
    rebuild.add([item(2, "将被删除的信")])
    # ...then curators work while it runs: item 1 corrected, item 2 deleted, item 4 new,
    # item 3's interview gets segments.
    es_engine.index_documents([item(1, "钱学森手稿 新题")])
    es_engine.delete_groups(["item:2"])
    es_engine.index_documents([item(4, "新入藏的照片")])
    es_engine.replace_group("item:3", [item(3, "原样"), segment(3, 1, "学术成长")])
    # The rebuild's own snapshot of item 1 was taken before the correction and arrives later:
    # it must not overwrite the newer version.
    rebuild.add([item(1, "钱学森手稿 旧题"), item(3, "原样")])
    assert titles(es_engine, "新题") == ["钱学森手稿 新题"]  # live index kept current too
    rebuild.commit()

    assert es_engine.building_indices() == []
    assert titles(es_engine, "新题") == ["钱学森手稿 新题"]
    assert titles(es_engine, "旧题") == []
    assert titles(es_engine, "删除") == []
    assert titles(es_engine, "照片") == ["新入藏的照片"]
    results = es_engine.search(SearchQuery(text="学术成长"), ANYONE)
    assert [(g.key, g.hit_count) for g in results.groups] == [("item:3", 1)]
    assert rebuild.count == 1  # item 2; items 1 and 3 were already written by the curators


def test_a_rebuild_left_unfinished_stops_receiving_writes_at_the_next_one(es_engine):
    es_engine.index_documents([item(1, "钱学森手稿")])
    crashed = es_engine.start_rebuild()  # its process died: neither commit nor abort
    assert es_engine.building_indices() == [crashed.index]
    rebuild = es_engine.start_rebuild()
    assert es_engine.building_indices() == [rebuild.index]
    assert not es_engine.client.indices.exists(index=crashed.index)
    rebuild.add([item(1, "钱学森手稿")])
    rebuild.commit()
    assert titles(es_engine, "手稿") == ["钱学森手稿"]


def test_new_generations_have_the_configured_shards_and_one_segment_each(
    es_engine, elasticsearch_settings
):
    elasticsearch_settings.ELASTICSEARCH_SHARDS = 3
    engine = ElasticsearchEngine()
    rebuild = engine.start_rebuild()
    for chunk in range(3):
        rebuild.add([item(chunk * 20 + k, f"钱学森书信{chunk}-{k}") for k in range(20)])
        # Each refresh writes what came so far as new segments, as a long bulk load does.
        engine.client.indices.refresh(index=rebuild.index)
    rebuild.commit()
    (live,) = engine.live_indices()
    shards = engine.client.indices.segments(index=live)["indices"][live]["shards"]
    assert len(shards) == 3
    assert all(copy["num_search_segments"] == 1 for (copy,) in shards.values())
    assert engine.search(SearchQuery(text="钱学森"), ANYONE).total == 60


def test_a_generation_built_by_an_earlier_version_gets_the_new_fields(es_engine, caplog):
    """An index whose mapping predates group_id (what an upgraded site has until it rebuilds):
    incremental writes still succeed under the strict mapping, and the log asks for a rebuild."""
    from search.engines.es_index import INDEX_SETTINGS, MAPPING

    old_mapping = {
        **MAPPING,
        "properties": {k: v for k, v in MAPPING["properties"].items() if k != "group_id"},
    }
    name = f"{es_engine.alias}-20200101000000000000"
    es_engine.client.indices.create(index=name, settings=INDEX_SETTINGS, mappings=old_mapping)
    es_engine.client.indices.update_aliases(
        actions=[{"add": {"index": name, "alias": es_engine.alias}}]
    )
    with caplog.at_level("WARNING", logger="search.engines.elasticsearch"):
        es_engine.index_documents([item(1, "钱学森手稿")])
    mapping = es_engine.client.indices.get_mapping(index=name)[name]["mappings"]
    assert mapping["properties"]["group_id"] == {"type": "long"}
    assert any("rebuild_search_index" in r.getMessage() for r in caplog.records)
    results = es_engine.search(SearchQuery(text="手稿"), ANYONE)
    assert (results.total, [g.title for g in results.groups]) == (1, ["钱学森手稿"])


def test_an_exact_occurrence_of_a_split_query_ranks_first(es_engine):
    """拉栖第水 unquoted is split into words that may occur apart; the recording that says it
    exactly comes before titles that hold the words apart (title weighs most)."""
    from search.query import parse_query

    assert len(parse_query("拉栖第水").root.phrases) > 1  # really split
    es_engine.index_documents(
        [
            item(1, "拉栖第官司与水稻"),
            item(3, "水利与拉栖第"),
            item(2, "访谈二"),
            segment(2, 1, "他说拉栖第水很深"),
        ]
    )
    results = es_engine.search(SearchQuery(text="拉栖第水"), ANYONE)
    assert results.total == 3
    assert results.groups[0].key == "item:2"


def test_replace_and_delete_large_groups_page_through_all_documents(es_engine):
    # More documents than one listing page (1000): an interview with many segments.
    segments = [segment(1, n, "学术成长") for n in range(1200)]
    es_engine.index_documents([item(1, "访谈一"), *segments])
    es_engine.index_documents([item(2, "另一个学术成长")])
    results = es_engine.search(SearchQuery(text="学术成长"), ANYONE)
    assert results.total == 2
    assert {g.key: g.hit_count for g in results.groups}["item:1"] == 1200

    es_engine.replace_group("item:1", [item(1, "访谈一"), segment(1, 5, "学术成长 新的")])
    results = es_engine.search(SearchQuery(text="学术成长"), ANYONE)
    assert {g.key: g.hit_count for g in results.groups}["item:1"] == 1
    assert results.groups[[g.key for g in results.groups].index("item:1")].hits[0].start_ms == 5000

    es_engine.delete_groups(["item:1"])
    assert titles(es_engine, "学术成长") == ["另一个学术成长"]
    assert es_engine.status().counts["segment"] == 0


def test_clear_empties_the_index(es_engine):
    es_engine.index_documents([item(1, "钱学森手稿")])
    es_engine.clear()
    assert titles(es_engine, "手稿") == []
    assert len(es_engine.live_indices()) == 1


def test_unreachable_node_raises_engine_unavailable():
    # Port 9 (discard) is not an Elasticsearch node on any test machine.
    engine = ElasticsearchEngine(url="http://127.0.0.1:9", alias="nowhere", timeout=2)
    with pytest.raises(EngineUnavailable, match="127.0.0.1:9"):
        engine.search(SearchQuery(text="钱学森"), ANYONE)
    with pytest.raises(EngineUnavailable):
        engine.autocomplete("钱", ANYONE)
    with pytest.raises(EngineUnavailable):
        engine.index_documents([item(1, "钱学森手稿")])
    status = engine.status()
    assert status.available is False and "127.0.0.1:9" in status.detail


def test_unconfigured_engine_raises_engine_unavailable(settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(EngineUnavailable, match="ELASTICSEARCH_URL"):
        ElasticsearchEngine().search(SearchQuery(text="钱学森"), ANYONE)


def test_malformed_url_raises_engine_unavailable():
    engine = ElasticsearchEngine(url="localhost:9200 not a url", alias="nowhere")
    with pytest.raises(EngineUnavailable, match="not a usable URL"):
        engine.search(SearchQuery(text="钱学森"), ANYONE)


def test_index_never_built_is_reported_not_leaked(elasticsearch_url):
    engine = ElasticsearchEngine(url=elasticsearch_url, alias=new_alias())
    with pytest.raises(EngineUnavailable, match="rebuild_search_index"):
        engine.search(SearchQuery(text="钱学森"), ANYONE)
    assert engine.status().available is True and engine.status().counts == {}


@pytest.mark.parametrize(
    "text",
    [
        "钱" * 10_000,  # 10 kB query
        '"钱学森',
        "((手稿",
        "手稿)",
        "title:",
        "OR AND NOT",
        "\x00\x07手稿\x1b",
        '{"query": {"match_all": {}}}',
        "*:*",
        "钱学森~2 AND /.*/",
        "🚀📜 手稿",
        "ＤＮＡ　双螺旋",
    ],
)
def test_hostile_queries_never_reach_elasticsearch_as_syntax(es_engine, text):
    es_engine.index_documents([item(1, "钱学森手稿"), item(2, "DNA 双螺旋结构")])
    results = es_engine.search(SearchQuery(text=text), ANYONE)
    assert results.total >= 0
    if text == "ＤＮＡ　双螺旋":
        assert [g.title for g in results.groups] == ["DNA 双螺旋结构"]
    if text == "*:*":  # no wildcard semantics: it has nothing searchable
        assert results.total == 0


def test_access_filter_is_part_of_the_request(es_engine):
    """Totals and facet counts come from the same request as the hits, with the policy's
    filter in the query itself (not filtered afterwards in Python)."""
    es_engine.index_documents(
        [
            item(1, "公开手稿", item_type="manuscript"),
            item(2, "内部手稿", item_type="letter", access_level="staff"),
            item(3, "封存手稿", item_type="photo", embargo_until=date(2030, 1, 1)),
        ]
    )
    body = es_engine.build_search(SearchQuery(text="手稿"), ANYONE).to_dict()
    filters = body["query"]["bool"]["filter"]
    assert {"terms": {"access_level": ["public"]}} in filters
    results = es_engine.search(SearchQuery(text="手稿"), ANYONE)
    assert results.total == 1
    assert {v.value for v in results.facets["type"]} == {"manuscript"}
    staff = AccessPolicy(frozenset({"public", "researchers", "staff"}), True, date(2026, 6, 1))
    assert es_engine.search(SearchQuery(text="手稿"), staff).total == 3


def test_rebuild_command_swaps_alias_and_keeps_searches_answering(
    es_engine, elasticsearch_settings, archive
):
    from io import StringIO

    from django.core.management import call_command

    from search.engines import reset_engines

    elasticsearch_settings.SEARCH_ENGINE = "elasticsearch"
    reset_engines()
    out = StringIO()
    call_command("rebuild_search_index", "--engine", "elasticsearch", "--no-progress", stdout=out)
    (first,) = es_engine.live_indices()
    assert f"alias {es_engine.alias} → {first}" in out.getvalue()
    assert "钱学森致友人的书信" in titles(es_engine, "致友人")

    stop = threading.Event()
    failures: list[object] = []

    def search_continuously():
        while not stop.is_set():
            try:
                if "钱学森致友人的书信" not in titles(es_engine, "致友人"):
                    failures.append("letter missing during rebuild")
            except Exception as error:  # recorded, asserted below
                failures.append(error)

    reader = threading.Thread(target=search_continuously)
    reader.start()
    try:
        out = StringIO()
        call_command(
            "rebuild_search_index", "--engine", "elasticsearch", "--no-progress", stdout=out
        )
    finally:
        stop.set()
        reader.join()
    assert failures == []
    (second,) = es_engine.live_indices()
    assert second != first and f"deleted {first}" in out.getvalue()
    assert not es_engine.client.indices.exists(index=first)
    assert "钱学森致友人的书信" in titles(es_engine, "致友人")
    counts = es_engine.status().counts
    assert counts["item"] >= 8 and counts["page"] >= 4 and counts["segment"] >= 2
