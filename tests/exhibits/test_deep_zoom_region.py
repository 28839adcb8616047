"""The deep-zoom detail block shows its region through the IIIF image service, sharp and checked."""

import html as html_lib
import io
import re

import pytest
from PIL import Image

from media_pipeline.models import FileStatus
from tests.factories import ItemFactory
from tests.media_pipeline.conftest import ingest, media_root  # noqa: F401  (fixtures)
from tests.pages import exhibition_tree, stream

from .conftest import scan_file

pytestmark = pytest.mark.django_db
NOTICE = 'class="restricted-notice"'


def detail(item, x, y, width, height, alt="页边演算"):
    return {
        "type": "deep_zoom",
        "value": {
            "item": item.pk,
            "page": 1,
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "alt": alt,
            "caption": "",
        },
    }


def page_html(client, *blocks) -> str:
    _index, _exhibition, chapters = exhibition_tree([stream(*blocks)])
    response = client.get(chapters[0].url)
    assert response.status_code == 200
    return response.content.decode()


def with_image_service(item_file, width: int, height: int):
    """Record a finished `iiif` step for the file, as the pipeline does."""
    technical = item_file.technical
    technical["steps"] = {"iiif": {"status": "done", "sha256": item_file.sha256, "version": 2}}
    technical["iiif"] = {
        "tile_size": 256,
        "pages": [
            {"number": 1, "width": width, "height": height, "scale_factors": [1], "sizes": []}
        ],
    }
    item_file.save(update_fields=["technical"])
    return item_file


def images(html: str) -> list[dict]:
    found = []
    for tag in re.findall(r"<img [^>]*>", html):
        found.append({k: html_lib.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)})
    return found


def test_the_detail_is_the_iiif_region_at_two_widths(client):
    item = ItemFactory(title="计算手稿")
    scan = with_image_service(scan_file(item, width=2000, height=1000), 4000, 2000)
    html = page_html(client, detail(item, 10, 20, 50, 40))
    # 10 %, 20 %, 50 %, 40 % of a 4000×2000 page, in the canonical pixel form.
    base = f"/iiif/3/{scan.pk}/400,400,2000,800"
    (img,) = [i for i in images(html) if "deep-zoom__image" in i.get("class", "")]
    assert img["src"] == f"{base}/640,256/0/default.jpg"
    assert img["srcset"] == (
        f"{base}/640,256/0/default.jpg 640w, {base}/1280,512/0/default.jpg 1280w"
    )
    assert (img["width"], img["height"]) == ("1280", "512")
    assert img["alt"] == "页边演算" and img["sizes"]
    assert "deep-zoom__image--cropped" not in html and "web.jpg" not in html
    zoom = f"{item.get_absolute_url()}?file={scan.pk}&amp;page=1&amp;hlr=0.1%2C0.2%2C0.5%2C0.4"
    assert f'href="{zoom}"' in html


def test_a_region_narrower_than_the_widths_is_offered_at_its_own_size(client):
    item = ItemFactory(title="签名")
    scan = with_image_service(scan_file(item), 4000, 2000)
    html = page_html(client, detail(item, 0, 0, 5, 5, alt="签名"))
    (img,) = [i for i in images(html) if "deep-zoom__image" in i.get("class", "")]
    assert img["src"] == f"/iiif/3/{scan.pk}/0,0,200,100/max/0/default.jpg"
    assert img["srcset"] == f"{img['src']} 200w"


def test_the_css_crop_remains_while_the_file_is_processing(client):
    item = ItemFactory(title="处理中的手稿")
    scan = scan_file(item, width=2000, height=1000)  # no `iiif` step yet
    html = page_html(client, detail(item, 10, 20, 50, 40))
    assert f"/files/{scan.pk}/derivatives/web.jpg" in html
    assert "deep-zoom__image--cropped" in html and "/iiif/3/" not in html


def test_an_invisible_item_leaks_nothing(client):
    item = ItemFactory(title="保密手稿", access_level="staff")
    with_image_service(scan_file(item), 4000, 2000)
    html = page_html(client, detail(item, 10, 20, 50, 40, alt="保密的细节"))
    assert NOTICE in html
    assert "/iiif/3/" not in html and "保密" not in html


def test_the_detail_url_serves_that_region_of_the_scan(client, ingest):  # noqa: F811
    quadrants = Image.new("RGB", (800, 600), (220, 30, 30))
    quadrants.paste((240, 220, 40), (400, 300, 800, 600))  # yellow bottom right
    buffer = io.BytesIO()
    quadrants.save(buffer, "PNG")
    item = ItemFactory(title="四色图", item_type="photograph", access_level="public")
    item_file = ingest(item, buffer.getvalue(), "quadrants.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    html = page_html(client, detail(item, 50, 50, 50, 50, alt="右下角"))
    (img,) = [i for i in images(html) if "deep-zoom__image" in i.get("class", "")]
    assert img["src"] == f"/iiif/3/{item_file.pk}/400,300,400,300/max/0/default.jpg"
    response = client.get(img["src"])
    assert response.status_code == 200
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as region:
        assert region.size == (400, 300)
        red, green, blue = region.convert("RGB").getpixel((200, 150))
        assert red > 200 and green > 180 and blue < 90  # yellow, the bottom-right quadrant
