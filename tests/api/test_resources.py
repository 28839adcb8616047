"""Golden shapes per resource (tests/api/shapes.py), and what each carries from its models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from wagtail_factories import ImageFactory

from media_pipeline.models import ItemFile
from tests.factories import ChapterPageFactory

from . import shapes

pytestmark = pytest.mark.django_db


def _assert_shape(data: Any, shape: Any) -> None:
    assert shapes.mismatches(data, shape) == []


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/v1/scientists", shapes.page_of(shapes.SCIENTIST)),
        ("/api/v1/scientists/qian-xuesen", shapes.SCIENTIST_DETAIL),
        ("/api/v1/fonds", shapes.page_of(shapes.FONDS)),
        ("/api/v1/fonds/QXS", shapes.FONDS),
        ("/api/v1/series", shapes.page_of(shapes.SERIES)),
        ("/api/v1/series/QXS-01", shapes.SERIES),
        ("/api/v1/items", shapes.page_of(shapes.ITEM)),
        ("/api/v1/items/QXS-01-001", shapes.ITEM_DETAIL),
        ("/api/v1/interviews", shapes.page_of(shapes.INTERVIEW)),
        ("/api/v1/interviews/QXS-01-005", shapes.INTERVIEW_DETAIL),
        ("/api/v1/exhibitions", shapes.page_of(shapes.EXHIBITION)),
        ("/api/v1/search?q=工程控制论", shapes.SEARCH),
    ],
)
def test_golden_shapes(client, archive, path, shape):
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    _assert_shape(response.json(), shape)


def test_exhibition_with_its_chapters(client, archive):
    data = client.get(f"/api/v1/exhibitions/{archive.exhibition.pk}").json()
    _assert_shape(data, shapes.EXHIBITION_DETAIL)
    assert data["intro"] == "策展说明"
    assert [(c["title"], c["intro"]) for c in data["chapters"]] == [
        ("归国", "一九五五年回到祖国。")
    ]
    assert data["chapters"][0]["url"].endswith("/")


def test_scientist_carries_its_name_variants_and_fonds(client, archive):
    data = client.get("/api/v1/scientists/qian-xuesen").json()
    assert data["name_variants"] == [{"name": "Tsien Hsue-shen", "kind": "wade_giles", "note": ""}]
    assert data["fonds"] == ["QXS"]
    assert data["url"].endswith("/archive/scientists/qian-xuesen/")


def test_item_carries_files_and_links(client, archive):
    ItemFile.objects.filter(pk=archive.file.pk).update(
        status="done",
        technical={
            "image": {"width": 64, "height": 48, "pages": []},
            "derivatives": {"thumb.jpg": {"path": "x/thumb.jpg", "width": 32, "height": 24}},
            "steps": {"iiif": {"status": "done", "sha256": archive.file.sha256, "version": 1}},
            "iiif": {
                "pages": [
                    {
                        "number": 1,
                        "width": 64,
                        "height": 48,
                        "scale_factors": [1],
                        "sizes": [[64, 48]],
                    }
                ]
            },
        },
    )
    data = client.get("/api/v1/items/QXS-01-001").json()
    _assert_shape(data, shapes.ITEM_DETAIL)
    (entry,) = data["files"]
    assert (entry["kind"], entry["mime_type"], entry["status"]) == ("image", "image/jpeg", "done")
    assert entry["page_count"] == 1
    assert entry["iiif_info"] == [f"http://testserver/iiif/3/{archive.file.pk}/info.json"]
    assert data["iiif_manifest"] == "http://testserver/iiif/3/manifest/QXS-01-001.json"
    assert data["thumbnail"] == entry["thumbnail"] and entry["thumbnail"].endswith("thumb.jpg")
    assert data["scientists"] == ["qian-xuesen"] and data["interview"] is None
    listed = client.get("/api/v1/items", {"fonds": "QXS", "type": "manuscript"}).json()
    assert listed["results"][0]["thumbnail"] == data["thumbnail"]


def test_interview_has_transcript_and_index_in_time_order(client, archive):
    item = client.get("/api/v1/items/QXS-01-005").json()
    assert item["interview"] == "http://testserver/api/v1/interviews/QXS-01-005"
    data = client.get(item["interview"]).json()
    assert [s["start_ms"] for s in data["transcript"]] == [0, 5000, 10000, 15000]
    assert [s["title"] for s in data["index"]] == ["第1部分", "第2部分"]
    assert data["interviewee"] == "qian-xuesen"


def test_search_is_the_search_pages_contract(client, archive, django_capture_on_commit_callbacks):
    params = {"q": "工程控制论", "type": "manuscript", "per_page": 5}
    v1 = client.get("/api/v1/search", params).json()
    legacy = client.get("/api/search/", params).json()
    assert v1 == legacy
    assert v1["query"]["filters"] == {"type": ["manuscript"]}


def test_item_filters(client, archive):
    def ids(**params: Any) -> list[str]:
        return [r["id"] for r in client.get("/api/v1/items", params).json()["results"]]

    assert ids() == ["QXS-01-001", "QXS-01-005"]
    assert ids(type="oral_history") == ["QXS-01-005"]
    assert ids(scientist="qian-xuesen", series="QXS-01") == ["QXS-01-001", "QXS-01-005"]
    assert ids(date_from="1956-03-15", date_to="1956-03-20") == ["QXS-01-001", "QXS-01-005"]
    assert ids(date_from="1957-01-01") == []
    assert ids(access="researchers") == []  # not among what anonymous callers see
    assert ids(updated_since="2999-01-01T00:00:00Z") == []


def test_chapter_image_is_its_first_image_block(client, archive):
    image = ImageFactory(title="归国照片")
    chapter = ChapterPageFactory(
        parent=archive.exhibition,
        title="在力学所",
        body=json.dumps(
            [
                {"type": "text", "value": "<p>一九五六年</p>"},
                {"type": "image", "value": {"image": image.pk, "alt": "照片", "caption": ""}},
            ]
        ),
    )
    data = client.get(f"/api/v1/exhibitions/{archive.exhibition.pk}").json()
    card = next(c for c in data["chapters"] if c["id"] == chapter.pk)
    assert card["image"].startswith("http://testserver/images/")
    assert f"/{image.pk}/max-1200x1200/" in card["image"]
    assert client.get(card["image"]).status_code == 200
