"""IIIF Presentation 3 Collections (top, fonds, scientist): validity, access, parts and 404s."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from iiif_prezi3 import Collection

from tests.factories import FondsFactory, ItemFactory, ScientistFactory, SeriesFactory

from . import imaging_samples as make
from .test_iiif import _assert_kept

pytestmark = pytest.mark.django_db


def _collection(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    data = json.loads(response.content)
    again = json.loads(Collection(**data).jsonld())
    _assert_kept(data, again, "collection")
    return data


def _manifest_ids(collection: dict) -> list[str]:
    return [
        ref["id"].removeprefix("http://testserver/iiif/3/manifest/").removesuffix(".json")
        for ref in collection["items"]
        if ref["type"] == "Manifest"
    ]


@pytest.fixture
def archive():
    """A fonds with one item of each access case, and a fonds whose only item is staff-only."""
    scientist = ScientistFactory(identifier="qian-xuesen", name="钱学森", name_pinyin="Qian Xuesen")
    series = SeriesFactory(fonds=FondsFactory(identifier="F-QXS", scientist=scientist))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    items = {
        "public": ItemFactory(series=series, identifier="QXS-1", position=1),
        "researchers": ItemFactory(
            series=series, identifier="QXS-2", position=2, access_level="researchers"
        ),
        "staff": ItemFactory(series=series, identifier="QXS-3", position=3, access_level="staff"),
        "embargoed": ItemFactory(
            series=series, identifier="QXS-4", position=4, embargo_until=tomorrow
        ),
    }
    closed = FondsFactory(identifier="F-CLOSED")
    ItemFactory(series=SeriesFactory(fonds=closed), identifier="CL-1", access_level="staff")
    return {"scientist": scientist, "items": items, "closed": closed}


def test_top_collection_lists_fonds_with_something_to_show(client, archive):
    top = _collection(client, "/iiif/3/collection/top")
    assert top["id"] == "http://testserver/iiif/3/collection/top"
    assert [ref["id"] for ref in top["items"]] == [
        "http://testserver/iiif/3/collection/fonds/F-QXS"
    ]
    assert top["items"][0]["type"] == "Collection"
    assert top["provider"][0]["type"] == "Agent"


def test_anonymous_visitors_are_listed_public_items_only(client, archive):
    fonds = _collection(client, "/iiif/3/collection/fonds/F-QXS")
    assert _manifest_ids(fonds) == ["QXS-1"]
    assert fonds["homepage"][0]["id"] == "http://testserver/archive/fonds/F-QXS/"
    assert fonds["partOf"] == [
        {"id": "http://testserver/iiif/3/collection/top", "type": "Collection"}
    ]
    scientist = _collection(client, "/iiif/3/collection/scientist/qian-xuesen")
    assert _manifest_ids(scientist) == ["QXS-1"]
    assert scientist["label"] == {"zh-Hans": ["钱学森"], "en": ["Qian Xuesen"]}


def test_researchers_are_listed_their_items_but_never_embargoed_ones(client, archive, researcher):
    client.force_login(researcher)
    fonds = client.get("/iiif/3/collection/fonds/F-QXS")
    assert _manifest_ids(json.loads(fonds.content)) == ["QXS-1", "QXS-2"]
    assert fonds["Cache-Control"].startswith("private")
    assert "Access-Control-Allow-Origin" not in fonds
    scientist = _collection(client, "/iiif/3/collection/scientist/qian-xuesen")
    assert _manifest_ids(scientist) == ["QXS-1", "QXS-2"]


def test_staff_only_and_embargoed_items_are_never_listed_even_to_staff(client, archive, staff_user):
    client.force_login(staff_user)
    assert _manifest_ids(_collection(client, "/iiif/3/collection/fonds/F-QXS")) == [
        "QXS-1",
        "QXS-2",
    ]
    # Staff still open those manifests directly; collections just do not advertise them.
    assert client.get("/iiif/3/manifest/QXS-3.json").status_code == 200
    top = _collection(client, "/iiif/3/collection/top")
    assert "F-CLOSED" not in json.dumps(top)


def test_anonymous_collections_are_public_and_shareable(client, archive):
    response = client.get("/iiif/3/collection/fonds/F-QXS")
    assert response["Cache-Control"].startswith("public")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Cookie" in response["Vary"]


def test_a_fonds_with_nothing_visible_is_an_empty_collection(client, archive):
    closed = _collection(client, "/iiif/3/collection/fonds/F-CLOSED")
    assert closed["items"] == []
    assert "CL-1" not in json.dumps(closed)


@pytest.mark.parametrize(
    "path",
    [
        "/iiif/3/collection/fonds/NO-SUCH-FONDS",
        "/iiif/3/collection/scientist/no-such-person",
        "/iiif/3/collection/fonds/F-QXS/part/1",  # small enough to have no parts
        "/iiif/3/collection/fonds/F-QXS/part/0",
        "/iiif/3/collection/nothing",
        "/iiif/3/collection/fonds/",
    ],
)
def test_unknown_collections_and_parts_are_404(client, archive, path):
    # (Django's APPEND_SLASH may first redirect a path it does not know to its slashed form.)
    assert client.get(path, follow=True).status_code == 404


def test_large_fonds_are_split_into_parts_of_the_page_size(client, settings):
    settings.IIIF_COLLECTION_PAGE_SIZE = 2
    series = SeriesFactory(fonds=FondsFactory(identifier="F-BIG"))
    for n in range(5):
        ItemFactory(series=series, identifier=f"BIG-{n}", position=n)
    ItemFactory(series=series, identifier="BIG-hidden", position=9, access_level="researchers")
    fonds = _collection(client, "/iiif/3/collection/fonds/F-BIG")
    parts = [ref["id"] for ref in fonds["items"]]
    assert parts == [f"http://testserver/iiif/3/collection/fonds/F-BIG/part/{n}" for n in (1, 2, 3)]
    assert fonds["items"][2]["label"]["en"][0].endswith("(part 3 of 3)")
    listed = []
    for part in parts:
        data = _collection(client, part.removeprefix("http://testserver"))
        assert data["partOf"][0]["id"] == "http://testserver/iiif/3/collection/fonds/F-BIG"
        listed += _manifest_ids(data)
    assert listed == [f"BIG-{n}" for n in range(5)]
    assert client.get("/iiif/3/collection/fonds/F-BIG/part/4").status_code == 404


def test_scientist_collections_hold_their_fonds_and_items_about_them(client):
    person = ScientistFactory(identifier="zhou-peiyuan")
    own = ItemFactory(series=SeriesFactory(fonds=FondsFactory(scientist=person)), identifier="Z-1")
    about = ItemFactory(identifier="OTHER-7")
    about.scientists.add(person)
    about.save()  # a ParentalManyToManyField is written on save
    ItemFactory(identifier="UNRELATED-1")
    collection = _collection(client, "/iiif/3/collection/scientist/zhou-peiyuan")
    assert sorted(_manifest_ids(collection)) == sorted([own.identifier, about.identifier])


def test_manifest_references_carry_a_thumbnail_that_loads(client, ingest):
    item = ItemFactory(item_type="photograph", identifier="PH-1", title="合影")
    ingest(item, make.encoded("JPEG", (900, 600)), "photo.jpg")
    ItemFactory(series=item.series, identifier="PH-2", item_type="photograph")  # no file yet
    fonds = _collection(client, f"/iiif/3/collection/fonds/{item.series.fonds.identifier}")
    with_file, without = fonds["items"]
    assert with_file["label"] == {"zh-Hans": ["合影"]}
    (thumbnail,) = with_file["thumbnail"]
    assert max(thumbnail["width"], thumbnail["height"]) <= 400
    assert client.get(thumbnail["id"].removeprefix("http://testserver")).status_code == 200
    assert "thumbnail" not in without
    manifest = client.get(with_file["id"].removeprefix("http://testserver"))
    assert manifest.status_code == 200


def test_the_fonds_page_links_its_collection_and_the_viewer_on_it(client, archive):
    html = client.get("/archive/fonds/F-QXS/").content.decode()
    assert 'href="/iiif/3/collection/fonds/F-QXS"' in html
    assert 'href="/iiif/3/mirador/?manifest=%2Fiiif%2F3%2Fcollection%2Ffonds%2FF-QXS"' in html


def test_the_top_collection_is_named_after_the_provider(client, archive, settings):
    settings.IIIF_PROVIDER_LABEL = "采集工程"
    top = _collection(client, "/iiif/3/collection/top")
    assert top["label"] == {"zh-Hans": ["全部全宗 · 采集工程"], "en": ["All fonds · 采集工程"]}
    assert top["homepage"][0]["id"] == "http://testserver/archive/"


def test_the_scientist_page_links_their_collection_when_records_are_open(client, archive):
    html = client.get("/archive/scientists/qian-xuesen/").content.decode()
    assert 'href="/iiif/3/collection/scientist/qian-xuesen"' in html
    assert "?manifest=%2Fiiif%2F3%2Fcollection%2Fscientist%2Fqian-xuesen" in html
    nobody = ScientistFactory(identifier="no-records")
    assert "/iiif/3/collection/" not in client.get(nobody.get_absolute_url()).content.decode()


def test_a_fonds_open_only_to_researchers_is_in_their_top_collection_only(client, researcher):
    series = SeriesFactory(fonds=FondsFactory(identifier="F-RES"))
    ItemFactory(series=series, identifier="RES-1", access_level="researchers")
    assert "F-RES" not in json.dumps(_collection(client, "/iiif/3/collection/top"))
    client.force_login(researcher)
    top = _collection(client, "/iiif/3/collection/top")
    assert [ref["id"] for ref in top["items"]] == [
        "http://testserver/iiif/3/collection/fonds/F-RES"
    ]
