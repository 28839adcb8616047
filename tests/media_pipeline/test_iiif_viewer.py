"""The viewer partial on the item page: pages, ?page=, ?hl=/?hlr= and the plain-image fallback."""

import json
import re

import pytest

from tests.factories import ItemFactory

from . import imaging_samples as make
from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(ingest):
    item = ItemFactory(item_type="photograph", access_level="public", identifier="QXS-V-1")
    ingest(item, make.encoded("JPEG", (800, 600)), "letter.jpg", sequence=1, label="信封")
    ingest(
        item,
        samples.multipage_tiff(((300, 200), (100, 500))),
        "pages.tif",
        sequence=2,
        label="信笺",
    )
    return item


def _viewer_data(html: str) -> dict:
    match = re.search(
        r'<script id="viewer-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def _fallback_src(html: str) -> str:
    return re.search(r'data-viewer-fallback>.*?<img src="([^"]+)"', html, re.S).group(1)


def test_item_page_offers_every_image_page_to_the_viewer(client, item):
    response = client.get(item.get_absolute_url())
    html = response.content.decode()
    data = _viewer_data(html)
    assert [p["label"] for p in data["pages"]] == ["信封", "信笺 · 1", "信笺 · 2"]
    assert data["start"] == 0
    for page in data["pages"]:
        assert client.get(page["info"]).status_code == 200
    assert "/static/vendor/openseadragon/openseadragon.min.js" in html
    assert "/static/media_pipeline/viewer.js" in html
    assert 'href="/iiif/3/manifest/QXS-V-1.json"' in html
    fallback = _fallback_src(html)
    assert client.get(fallback).status_code == 200  # the no-JS image is a real IIIF size


def test_page_parameter_opens_that_page_and_its_fallback(client, item):
    html = client.get(item.get_absolute_url(), {"page": "3"}).content.decode()
    assert _viewer_data(html)["start"] == 2
    second_tiff_page = _viewer_data(html)["pages"][2]["info"].rsplit("/", 2)[-2]
    assert f"/iiif/3/{second_tiff_page}/full/" in _fallback_src(html)
    assert 'href="?page=2"' in html and 'href="?page=3" aria-disabled="true"' in html


def test_page_can_count_within_one_file(client, item):
    tiff = item.files.get(sequence=2)
    html = client.get(item.get_absolute_url(), {"file": tiff.pk, "page": "2"}).content.decode()
    assert _viewer_data(html)["start"] == 2


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99"])
def test_out_of_range_pages_fall_back_to_a_real_page(client, item, page):
    response = client.get(item.get_absolute_url(), {"page": page})
    assert response.status_code == 200
    assert 0 <= _viewer_data(response.content.decode())["start"] <= 2


def test_highlights_are_drawn_on_the_plain_image_and_passed_to_the_viewer(client, item):
    response = client.get(
        item.get_absolute_url(), {"hl": ["80,60,160,30;400,300,80,60", "9999,1,5,5", "x,1,2,3"]}
    )
    html = response.content.decode()
    assert _viewer_data(html)["highlights"] == [
        {"x": 80.0, "y": 60.0, "w": 160.0, "h": 30.0},
        {"x": 400.0, "y": 300.0, "w": 80.0, "h": 60.0},
    ]
    assert html.count('class="viewer__hl"') == 2
    assert "left: 10.0%; top: 10.0%; width: 20.0%; height: 5.0%;" in html


def test_search_results_highlight_with_page_fractions(client, item):
    # The first page is 800×600 (see the `item` fixture): fractions scale to its pixels.
    response = client.get(item.get_absolute_url(), {"hlr": "0.1,0.1,0.2,0.05"})
    assert _viewer_data(response.content.decode())["highlights"] == [
        {"x": 80.0, "y": 60.0, "w": 160.0, "h": 30.0}
    ]


def test_items_without_tiled_images_have_no_viewer(client, ingest):
    item = ItemFactory(item_type="photograph", access_level="public")
    ingest(item, samples.wav_bytes(), "a.wav")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "data-viewer" not in html
    assert "openseadragon" not in html
