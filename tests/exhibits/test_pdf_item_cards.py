"""An item whose only scan is a PDF shows its first page as the thumbnail of its cards in item,
gallery and comparison blocks, as an item with an image shows that image's thumbnail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ItemFactory
from tests.pages import exhibition_tree, item_block, stream

from .conftest import scan_file
from .test_deep_zoom_region import images
from .test_pdf_page_detail import pdf_file

pytestmark = pytest.mark.django_db


def gallery(*items) -> dict:
    return {"type": "gallery", "value": {"heading": "手稿", "items": [i.pk for i in items]}}


def comparison(left, right) -> dict:
    side = lambda item: {"item": item.pk, "caption": ""}  # noqa: E731
    value = {"heading": "", "left": side(left), "right": side(right), "commentary": ""}
    return {"type": "comparison", "value": value}


def thumbs(html: str) -> list[str]:
    return [i["src"] for i in images(html) if "item-card__thumb" in i.get("class", "")]


def test_a_pdf_only_item_card_shows_its_first_page(client):
    pdf_item = ItemFactory(title="讲义")
    pdf = pdf_file(pdf_item, sequence=1, pages=3)
    image_item = ItemFactory(title="信")
    scan = scan_file(image_item)
    _index, _exhibition, chapters = exhibition_tree(
        [
            stream(
                item_block(pdf_item),
                gallery(pdf_item, image_item),
                comparison(image_item, pdf_item),
            )
        ]
    )
    html = client.get(chapters[0].url).content.decode()
    first_page = f"/iiif/3/{pdf.pk}/full/400,"  # page 1 of the PDF, 400 px wide
    image_thumb = f"/files/{scan.pk}/derivatives/thumb.jpg"
    found = thumbs(html)
    assert [src.startswith(first_page) for src in found] == [True, True, False, False, True]
    assert found[2] == found[3] == image_thumb


def test_a_pdf_not_tiled_yet_has_the_placeholder(client):
    item = ItemFactory(title="尚未处理的讲义")
    pdf = pdf_file(item, sequence=1, pages=1)
    pdf.technical["steps"]["iiif"]["status"] = "running"
    pdf.save(update_fields=["technical"])
    _index, _exhibition, chapters = exhibition_tree([stream(item_block(item))])
    html = client.get(chapters[0].url).content.decode()
    assert thumbs(html) == [] and "item-card__placeholder" in html


def test_the_gallery_loads_pdf_thumbnails_in_constant_queries(client):
    items = [ItemFactory() for _ in range(4)]
    for item in items:
        pdf_file(item, sequence=1, pages=2)
    _index, _exhibition, chapters = exhibition_tree(
        [stream(gallery(items[0])), stream(gallery(*items))]
    )
    counted = []
    for chapter, count in zip(chapters, (1, 4), strict=True):
        client.get(chapter.url)  # warm the site and page caches that are not per block
        with CaptureQueriesContext(connection) as captured:
            html = client.get(chapter.url).content.decode()
        assert len(thumbs(html)) == count
        counted.append(len(captured))
    assert counted[0] == counted[1], counted


def test_a_pdf_has_its_first_page_as_thumbnail_on_every_surface(client):
    """The public item page's file list and the JSON API read `ItemFile.thumbnail_url`, so a PDF
    shows its first page there too, from the image service that serves it."""
    item = ItemFactory(title="讲义", access_level="public")
    pdf = pdf_file(item, sequence=1, pages=2)
    for page in pdf.technical["iiif"]["pages"]:  # the viewer on the item page reads the sizes
        page["sizes"] = [[850, 1100], [1700, 2200]]
    pdf.save(update_fields=["technical"])
    assert pdf.thumbnail_url == f"/iiif/3/{pdf.pk}/full/400,518/0/default.jpg"
    page = client.get(item.get_absolute_url()).content.decode()
    assert pdf.thumbnail_url in page
    api = client.get(f"/api/v1/items/{item.identifier}").json()
    assert pdf.thumbnail_url in str(api)
