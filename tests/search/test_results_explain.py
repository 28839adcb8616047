"""Results that explain themselves (#16.3): a person's own record first for their name in any
form, snippets per named field, and the matches inside one record — on every engine."""

import pytest

from archive_collections.access import AccessPolicy
from archive_collections.models import ScientistName
from search import service
from search.contract import SearchQuery
from tests.factories import ItemFactory
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db

NAME_FORMS = [
    "钱学森",
    "錢學森",
    "qian xuesen",
    "Qian Xuesen",
    "qianxuesen",
    "qián xué sēn",
    "qian2 xue2 sen1",
    "Tsien Hsue-shen",
    "H. S. Tsien",
    "钱学榘之兄",
]


@pytest.fixture
def crowded(engine, archive):
    """钱学森's name in more item titles than his own record holds it: the items outrank him
    on text alone."""
    ScientistName.objects.create(scientist=archive.qian, name="H. S. Tsien", kind="english")
    ScientistName.objects.create(scientist=archive.qian, name="钱学榘之兄", kind="former")
    for n in range(8):
        item = ItemFactory(
            identifier=f"QXS-1{n:03d}",
            title=f"钱学森 钱学森 书信 {n}",
            item_type="letter",
            series=archive.series,
            description="钱学森 钱学森 钱学森",
            creators="钱学森",
        )
        item.scientists.add(archive.qian)
        item.save()
    index_all(engine)
    return archive


@pytest.mark.parametrize("text", NAME_FORMS)
def test_a_persons_own_record_comes_first_for_their_name(engine, crowded, text):
    results = service.search(SearchQuery(text=text), AccessPolicy.anonymous())
    keys = [group.key for group in results.groups]
    assert keys[0] == f"scientist:{crowded.qian.pk}", keys


def test_the_name_inside_a_longer_query_ranks_as_before(engine, crowded):
    """Only a query that IS a name pins the person: 钱学森 书信 asks for letters."""
    results = service.search(SearchQuery(text="钱学森 书信"), AccessPolicy.anonymous())
    assert results.groups[0].kind == "item"


def test_pinning_keeps_filters_sorts_and_totals(engine, crowded):
    policy = AccessPolicy.anonymous()
    plain = engine.search(SearchQuery(text="钱学森"), policy)
    pinned = service.search(SearchQuery(text="钱学森"), policy)
    assert pinned.total == plain.total
    assert sorted(g.key for g in pinned.groups) == sorted(g.key for g in plain.groups)
    only_items = service.search(SearchQuery(text="钱学森", kinds=("item",)), policy)
    assert all(group.kind == "item" for group in only_items.groups)
    by_date = service.search(SearchQuery(text="钱学森", sort="date_asc"), policy)
    assert [g.key for g in by_date.groups] == [
        g.key for g in engine.search(SearchQuery(text="钱学森", sort="date_asc"), policy).groups
    ]
    # The admin's ranking of the same (pinned) query lists what the page lists.
    query = SearchQuery(text="qian xuesen", per_page=100)
    query.pinned = service.pinned_groups(query)
    listed = [g.key for g in engine.search(query, policy).groups]
    assert engine.ranked_groups(query, policy, 100) == listed
    assert listed[0] == f"scientist:{crowded.qian.pk}"


def _fields(results, key):
    group = next(g for g in results.groups if g.key == key)
    return {(f.field, f.label): f.snippet for hit in group.hits for f in hit.fields}


def test_each_hit_names_the_fields_that_matched(engine, indexed):
    """Snippets per field, the field named: a description, a scan's page, a transcript line at
    its time, a biography, another name — not several fields run together."""
    anonymous = AccessPolicy.anonymous()
    letter = _fields(
        service.search(SearchQuery(text="规划"), anonymous), f"item:{indexed.letter.pk}"
    )
    assert list(letter) == [("description", "Description")]
    assert "<mark>规划</mark>" in letter[("description", "Description")]

    manuscript = _fields(
        service.search(SearchQuery(text="工程控制论"), anonymous), f"item:{indexed.manuscript.pk}"
    )
    assert ("title", "Title") in manuscript
    assert manuscript[("page_text", "Page 3")] == "第一章 <mark>工程控制论</mark>的基本概念"

    talk = _fields(
        service.search(SearchQuery(text="火箭推进"), anonymous),
        f"item:{indexed.interview.item.pk}",
    )
    assert "<mark>火箭推进</mark>" in talk[("transcript", "Transcript 00:12:34")]

    person = f"scientist:{indexed.qian.pk}"
    assert list(_fields(service.search(SearchQuery(text="航天"), anonymous), person)) == [
        ("biography", "Biography")
    ]
    other = _fields(service.search(SearchQuery(text="Tsien Hsue-shen"), anonymous), person)
    assert list(other) == [("other_names", "Other names")]
    assert (
        "<mark>Tsien</mark> <mark>Hsue</mark>-<mark>shen</mark>"
        in other[("other_names", "Other names")]
    )


def test_the_json_api_carries_fields_and_the_record_link(client, engine, indexed):
    data = client.get("/api/search/", {"q": "工程控制论"}).json()
    group = next(g for g in data["groups"] if g["key"] == f"item:{indexed.manuscript.pk}")
    page = next(h for h in group["hits"] if h["kind"] == "page")
    assert page["fields"] == [{"field": "page_text", "label": "Page 3", "snippet": page["snippet"]}]
    assert page["snippet"] and page["url"].startswith(group["url"] + "?file=")
    assert group["matches_url"] == (
        f"{group['url']}?q=%E5%B7%A5%E7%A8%8B%E6%8E%A7%E5%88%B6%E8%AE%BA#search-matches"
    )


def test_a_record_lists_every_match_of_the_query(client, engine, indexed, staff_user):
    """ "N matches in this record" opens the record keeping the query; the record page asks
    for its matches: every one, in reading order, each opening the viewer or the player."""
    manuscript = f"item:{indexed.manuscript.pk}"
    data = client.get("/api/search/record/", {"record": manuscript, "q": "工程控制论"}).json()
    assert data["total"] == 2
    head, page = data["matches"]
    assert head["kind"] == "item" and head["fields"][0]["field"] == "title"
    assert page["page_number"] == 3 and "page=1" in page["url"] and "hlr=" in page["url"]

    talk = f"item:{indexed.interview.item.pk}"
    data = client.get("/api/search/record/", {"record": talk, "q": "火箭 OR 北京"}).json()
    assert [m["timecode"] for m in data["matches"]] == ["00:00:10", "00:12:34"]
    assert data["matches"][1]["url"].endswith("?t=754")

    hidden = f"item:{indexed.staff_only.pk}"
    assert client.get("/api/search/record/", {"record": hidden, "q": "内部"}).json()["total"] == 0
    client.force_login(staff_user)
    assert client.get("/api/search/record/", {"record": hidden, "q": "内部"}).json()["total"] == 1


def test_a_record_key_or_query_that_cannot_be_read_is_refused(client, engine, indexed):
    bad = client.get("/api/search/record/", {"record": "items:1", "q": "手稿"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "record"
    nested = client.get(
        "/api/search/record/", {"record": f"item:{indexed.letter.pk}", "q": "(" * 40 + "x"}
    )
    assert nested.status_code == 400 and nested.json()["parameter"] == "q"


def test_the_record_page_opened_from_a_result_keeps_the_query(client, engine, indexed):
    item = client.get(indexed.letter.get_absolute_url(), {"q": "规划"})
    html = item.content.decode()
    assert item.status_code == 200
    assert 'id="search-matches"' in html and f'data-record="item:{indexed.letter.pk}"' in html
    assert 'data-q="规划"' in html and "search/record_matches" in html
    plain = client.get(indexed.letter.get_absolute_url()).content.decode()
    assert 'id="search-matches"' not in plain


@pytest.mark.parametrize("text", ["钱学森", "工程控制论"])
def test_a_results_match_count_adds_up_on_the_record_page(client, engine, indexed, text):
    """The result's "N matches in this record" counts every document of the record the query
    matched; the record page lists those matching in their own text and says how many more
    matched only through what every page carries of the record (its people's names): the
    two add up. (For 钱学森 the result says 5 and the page lists the record itself: its four
    OCR pages match only through the name they carry, which the page did not mention.)"""
    data = client.get("/api/search/", {"q": text}).json()
    group = next(g for g in data["groups"] if g["key"] == f"item:{indexed.manuscript.pk}")
    record = f"item:{indexed.manuscript.pk}"
    listed = client.get("/api/search/record/", {"record": record, "q": text}).json()
    assert listed["total"] + listed["through_record"] == group["hit_count"]
    assert listed["total"] >= 1
    if text == "钱学森":
        assert (group["hit_count"], listed["total"]) == (5, 1)
