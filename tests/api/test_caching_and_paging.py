"""ETags with If-None-Match on lists and details, and cursor paging that neither repeats nor
skips a record while records are inserted between pages."""

from __future__ import annotations

import pytest

from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/items", "/api/v1/items/QXS-01-001", "/api/v1/scientists/qian-xuesen"]
)
def test_etag_answers_304_until_the_record_changes(client, archive, path):
    first = client.get(path)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    archive.public.title = "工程控制论（修订）"
    archive.public.save()
    archive.scientist.summary = "修订后的简介"
    archive.scientist.save()
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_etag_differs_by_who_asks(client, archive, researcher_token):
    assert (
        client.get("/api/v1/items")["ETag"]
        != client.get("/api/v1/items", **researcher_token)["ETag"]
    )


def test_cursor_paging_with_inserts_between_pages(client, archive):
    series = archive.public.series
    existing = [ItemFactory(identifier=f"P-{n:03d}", series=series) for n in range(0, 120, 2)]
    seen: list[str] = []
    cursor = None
    inserted = 0
    while True:
        params = {"limit": 7, "fonds": "QXS", **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/items", params)
        assert response.status_code == 200
        data = response.json()
        seen += [r["id"] for r in data["results"]]
        # Insert before and after the reader's position: odd numbers fill gaps everywhere.
        ItemFactory(identifier=f"P-{inserted * 2 + 1:03d}", series=series)
        ItemFactory(identifier=f"P-{119 - inserted * 2:03d}", series=series)
        inserted += 1
        cursor = data["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a record was served twice"
    assert {i.identifier for i in existing} <= set(seen), "a record present throughout was skipped"
    assert seen == sorted(seen)
    assert {"QXS-01-001", "QXS-01-005"} <= set(seen)
