"""Bad input is a 400 naming the parameter: unknown parameters, oversized limits, bad dates and
identifiers, forged cursors. Never a 500, never a restricted record."""

from __future__ import annotations

import pytest

from archive_site.api.paging import MAX_LIMIT, encode_cursor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("parameter", ["page_size", "limit"])
def test_the_old_search_api_refuses_parameters_it_used_to_ignore(client, archive, parameter):
    response = client.get("/api/search/", {"q": "钱学森", parameter: "5"})
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert client.get("/api/search/", {"q": "钱学森", "per_page": "5"}).status_code == 200


def test_autocomplete_refuses_unknown_parameters(client, archive):
    response = client.get("/api/search/autocomplete/", {"q": "qian", "size": "3"})
    assert (response.status_code, response.json()["parameter"]) == (400, "size")


@pytest.mark.parametrize(
    "path", ["/api/v1/items", "/api/v1/items/QXS-01-001", "/api/v1/search", "/api/v1/scientists"]
)
def test_unknown_parameters_are_named(client, archive, path):
    response = client.get(path, {"page_size": "5"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "page_size"


def test_oversized_limit_names_the_maximum(client, archive):
    response = client.get("/api/v1/items", {"limit": MAX_LIMIT + 1})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "limit" and str(MAX_LIMIT) in body["detail"]
    assert client.get("/api/v1/search", {"per_page": 101}).json()["parameter"] == "per_page"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"date_from": "1956-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "1960-01-01", "date_to": "1950-01-01"}, "date_to"),
        ({"updated_since": "not a time"}, "updated_since"),
        ({"type": "poem"}, "type"),
        ({"access": "secret"}, "access"),
        ({"scientist": "no-such-person"}, "scientist"),
        ({"fonds": "a/b"}, "fonds"),
        ({"series": "NOPE"}, "series"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_filters_are_named(client, archive, params, parameter):
    response = client.get("/api/v1/items", params)
    assert response.status_code == 400, response.content
    assert response.json()["parameter"] == parameter


def test_bad_path_ids(client, archive):
    assert client.get("/api/v1/exhibitions/abc").json()["parameter"] == "identifier"
    assert client.get("/api/v1/exhibitions/999999").status_code == 404


FORGED = {
    "garbage": lambda: "garbage",
    "other listing": lambda: encode_cursor("QXS-01-001", "some-other-listing"),
    "tampered": lambda: encode_cursor("QXS-01-001", "x")[:-2] + "AA",
}


@pytest.mark.parametrize("kind", list(FORGED))
def test_bad_or_forged_cursor_is_400_naming_cursor(client, archive, kind):
    cursor = FORGED[kind]()
    response = client.get("/api/v1/items", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"


def test_cursor_is_bound_to_its_filters(client, archive):
    first = client.get("/api/v1/items", {"limit": 1}).json()
    response = client.get(
        "/api/v1/items", {"limit": 1, "type": "manuscript", "cursor": first["next_cursor"]}
    )
    assert (response.status_code, response.json()["parameter"]) == (400, "cursor")
    # The limit is not part of the listing: a client may change its page size as it goes.
    assert (
        client.get("/api/v1/items", {"limit": 5, "cursor": first["next_cursor"]}).status_code == 200
    )


def test_page_id_past_the_integer_range_is_400(client, archive):
    # Found by schemathesis: SQLite cannot bind an integer this large.
    response = client.get("/api/v1/exhibitions/10018849120650535108608")
    assert (response.status_code, response.json()["parameter"]) == (400, "identifier")
