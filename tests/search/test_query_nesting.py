"""Brackets nested past the parser's limit are refused with a reason, on every search surface
and every engine; nesting up to the limit is searched. (190 nested brackets used to exhaust
Python's recursion limit and answer 500.)"""

import pytest

from search.query import MAX_NESTING, MAX_QUERY_CHARS, QueryTooNested, parse_query
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db

TOO_DEEP = "(" * 190 + "钱学森"
SURFACES_JSON = ("/api/search/", "/api/v1/search")


def alternating(depth: int) -> str:
    """The deepest shape the parser keeps (nothing flattens it): bracket levels alternate
    between OR and AND-with-an-exclusion, and the whole matches what 钱学森 matches:
    笔记3 OR (-秘密2 (笔记1 OR (-秘密0 (钱学森))))."""
    text = "钱学森"
    for level in range(depth):
        text = f"笔记{level} OR ({text})" if level % 2 else f"-秘密{level} ({text})"
    return text


@pytest.fixture
def indexed(engine, archive):
    index_all(engine)
    return engine


def test_parser_refuses_brackets_nested_past_the_limit():
    parse_query("(" * MAX_NESTING + "钱学森")
    with pytest.raises(QueryTooNested) as refused:
        parse_query("(" * (MAX_NESTING + 1) + "钱学森")
    assert str(MAX_NESTING) in refused.value.message
    # Field groups nest too; closing brackets end a level.
    with pytest.raises(QueryTooNested):
        parse_query("title:(" * (MAX_NESTING + 1) + "x")
    parse_query("(a) " * (MAX_NESTING + 5))
    # Every bracket the cap lets through, and exclusions chained as long as the cap allows.
    with pytest.raises(QueryTooNested):
        parse_query("(" * MAX_QUERY_CHARS)
    assert parse_query("a " + "-" * 490 + "b").root is not None
    assert parse_query("a " + "NOT " * 120 + "b").root == parse_query("a b").root


@pytest.mark.parametrize("url", SURFACES_JSON)
def test_json_apis_answer_400_with_the_reason(client, indexed, url):
    response = client.get(url, {"q": TOO_DEEP})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "q"
    assert "brackets" in body["detail"] and str(MAX_NESTING) in body["detail"]


def test_search_page_explains_and_keeps_the_query(client, indexed):
    response = client.get("/search/", {"q": TOO_DEEP})
    assert response.status_code == 400
    html = response.content.decode()
    assert "brackets" in html and str(MAX_NESTING) in html
    assert 'value="' + "(" * 190 in html  # the form keeps the query to correct it


def test_deepest_allowed_query_is_searched(client, indexed):
    query = alternating(MAX_NESTING)
    assert len(query) <= MAX_QUERY_CHARS
    for url in SURFACES_JSON:
        response = client.get(url, {"q": query})
        assert response.status_code == 200, response.content
        assert response.json()["total"] >= 1
    assert client.get("/search/", {"q": query}).status_code == 200
