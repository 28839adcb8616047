"""Mirador 4 (vendored from npm) in Chromium opens an item's manifest and its image tiles load."""

from __future__ import annotations

import io
import re

import pytest

from media_pipeline.ingest import ingest_fileobj
from tests.factories import ItemFactory
from tests.media_pipeline import imaging_samples as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# An image request of the Image API under /iiif/3/<image id>/<region>/<size>/<rotation>/...
TILE = re.compile(r"/iiif/3/\d+(?:-\d+)?/[^/]+/[^/]+/[^/]+/default\.jpg$")
# The canvas OpenSeadragon draws into, inside Mirador's window, once it has an image.
DRAWN = """() => {
  const canvas = document.querySelector('.openseadragon-canvas canvas');
  return Boolean(canvas && canvas.width > 0 && canvas.height > 0);
}"""


@pytest.fixture
def item(live_site):
    item = ItemFactory(
        item_type="photograph",
        access_level="public",
        identifier="QXS-MIR-1",
        title="钱学森在加州理工学院",
    )
    # Outside a transaction the file is processed at once (immediate task backend): tiles exist.
    ingest_fileobj(
        item, io.BytesIO(make.encoded("JPEG", (1200, 800))), "photo.jpg", sequence=1, label="正面"
    )
    return item


def test_mirador_opens_the_manifest_and_loads_tiles(page, live_url, item, screenshot):
    responses: list[tuple[int, str]] = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    manifest = live_url(f"/iiif/3/manifest/{item.identifier}.json")
    with page.expect_response(lambda r: bool(TILE.search(r.url)), timeout=45_000) as first_tile:
        page.goto(live_url(f"/iiif/3/mirador/?manifest={manifest}"), wait_until="domcontentloaded")
    assert first_tile.value.status == 200
    page.wait_for_function(DRAWN, timeout=45_000)
    page.get_by_text("钱学森在加州理工学院").first.wait_for()
    screenshot(page, "mirador")

    assert (200, manifest) in responses
    assert any(status == 200 and url.endswith("/info.json") for status, url in responses)
    # Everything the page loaded came from this site: Mirador is vendored, not from a CDN.
    assert all(url.startswith(live_url("/")) for _, url in responses if url.startswith("http"))
    bad = [f"{status} {url}" for status, url in responses if status >= 400]
    assert bad == []
    assert page.problems == []


def test_mirador_walks_a_fonds_collection_to_an_item(page, live_url, item, screenshot):
    fonds = live_url(f"/iiif/3/collection/fonds/{item.series.fonds.identifier}")
    page.goto(live_url(f"/iiif/3/mirador/?manifest={fonds}"), wait_until="domcontentloaded")
    entry = page.get_by_text("钱学森在加州理工学院").first
    entry.wait_for(timeout=45_000)
    screenshot(page, "collection")
    with page.expect_response(lambda r: bool(TILE.search(r.url)), timeout=45_000) as tile:
        entry.click()
    assert tile.value.status == 200
    page.wait_for_function(DRAWN, timeout=45_000)
    assert page.problems == []
