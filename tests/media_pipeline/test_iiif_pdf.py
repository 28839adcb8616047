"""PDF pages as IIIF image services, manifest canvases and viewer pages."""

import io
import json
import re
from urllib.parse import urlsplit

import pymupdf
import pytest
from PIL import Image

from media_pipeline.errors import StepError
from media_pipeline.iiif import tiles
from media_pipeline.models import FileStatus, PageText
from tests.factories import ItemFactory

from . import imaging_samples as make
from . import samples
from .test_iiif import _validated

pytestmark = pytest.mark.django_db

# Page sizes in points and how each page is displayed; at 200 dpi a point is 200/72 pixels.
PAGES = (((300, 400), 0), ((400, 300), 0), ((200, 300), 90))
# Upright pixel sizes at 200 dpi: the third page is shown turned, 300×200 points.
EXPECTED = [(833, 1111), (1111, 833), (833, 556)]


def three_page_pdf() -> bytes:
    """Three pages of different sizes, one rotated, each with a text layer (no OCR needed) and a
    red block in its top left quarter."""
    document = pymupdf.open()
    for number, ((width, height), rotation) in enumerate(PAGES, start=1):
        page = document.new_page(width=width, height=height)
        page.draw_rect(pymupdf.Rect(0, 0, width / 2, height / 2), color=None, fill=(1, 0, 0))
        page.insert_text((20, height - 40), f"Sample publication, page {number}", fontsize=12)
        page.set_rotation(rotation)
    data = document.tobytes()
    document.close()
    return data


def _path(url: str) -> str:
    return urlsplit(url).path


def _identifier(file_id: int, number: int) -> str:
    return str(file_id) if number == 1 else f"{file_id}-{number}"


@pytest.fixture
def publication(ingest):
    item = ItemFactory(item_type="publication", access_level="public", identifier="QXS-PDF-1")
    item_file = ingest(item, three_page_pdf(), "论文集.pdf", label="论文集", sequence=2)
    assert item_file.status == FileStatus.DONE, item_file.error
    return item_file


def test_every_pdf_page_is_an_image_service_of_its_200_dpi_size(client, publication):
    for number, size in enumerate(EXPECTED, start=1):
        response = client.get(f"/iiif/3/{_identifier(publication.pk, number)}/info.json")
        assert response.status_code == 200, number
        info = json.loads(response.content)
        assert (info["width"], info["height"]) == size
        # The raster the text-layer (and OCR) line boxes are measured in.
        text = PageText.objects.get(item_file=publication, page_number=number)
        assert (text.width, text.height) == size
    assert client.get(f"/iiif/3/{publication.pk}-4/info.json").status_code == 404
    record = publication.technical["iiif"]
    assert record["source"] == "pdf" and record["page_count"] == 3
    assert "note" not in record


def test_pdf_tiles_are_upright_colour_renderings(client, publication):
    # Page 3 is displayed turned a quarter clockwise: its red block is now top right.
    width, height = EXPECTED[2]
    service = f"/iiif/3/{publication.pk}-3"
    tile = client.get(f"{service}/0,0,256,256/256,256/0/default.jpg")
    assert tile.status_code == 200
    with Image.open(io.BytesIO(b"".join(tile.streaming_content))) as image:
        assert image.getpixel((10, 10))[:3] == pytest.approx((255, 255, 255), abs=8)
    corner = f"{width - width % 256},0,{width % 256},256"
    tile = client.get(f"{service}/{corner}/{width % 256},256/0/default.jpg")
    assert tile.status_code == 200
    with Image.open(io.BytesIO(b"".join(tile.streaming_content))) as image:
        red, green, blue = image.getpixel((image.width - 10, 10))[:3]
        assert red > 200 and green < 60 and blue < 60


def test_manifest_has_a_canvas_per_pdf_page_in_file_order(client, ingest, publication):
    ingest(publication.item, make.encoded("PNG", (400, 300)), "封面.png", sequence=1)
    response = client.get("/iiif/3/manifest/QXS-PDF-1.json")
    assert response.status_code == 200
    manifest = _validated(json.loads(response.content))
    canvases = manifest["items"]
    assert [(c["width"], c["height"]) for c in canvases] == [(400, 300), *EXPECTED]
    # Labels in the site's language: Chinese first.
    assert [c["label"]["none"][0] for c in canvases[1:]] == [
        "论文集，第 1 页",
        "论文集，第 2 页",
        "论文集，第 3 页",
    ]
    for canvas in canvases[1:]:
        (rendering,) = canvas["rendering"]
        assert rendering["format"] == "application/pdf"
        assert client.get(_path(rendering["id"])).status_code == 200
        service = canvas["items"][0]["items"][0]["body"]["service"][0]["id"]
        assert client.get(_path(service) + "/info.json").status_code == 200
        assert client.get(_path(canvas["thumbnail"][0]["id"])).status_code == 200
    assert "rendering" not in manifest  # the PDF is reached from its pages' canvases
    assert "rendering" not in canvases[0]


def _viewer_data(html: str) -> dict:
    match = re.search(
        r'<script id="viewer-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_item_page_opens_the_pdf_page_a_search_hit_names(client, publication):
    # A search hit links with ?page= and the matched line as fractions of its page (hlr).
    line = PageText.objects.get(item_file=publication, page_number=3).lines[0]
    x, y, w, h = line["box"]
    width, height = EXPECTED[2]
    fractions = f"{x / width:.6f},{y / height:.6f},{w / width:.6f},{h / height:.6f}"
    response = client.get(publication.item.get_absolute_url(), {"page": "3", "hlr": fractions})
    assert response.status_code == 200
    data = _viewer_data(response.content.decode())
    assert len(data["pages"]) == 3
    assert data["start"] == 2
    assert data["pages"][2]["info"] == f"/iiif/3/{publication.pk}-3/info.json"
    assert (data["pages"][2]["width"], data["pages"][2]["height"]) == EXPECTED[2]
    (box,) = data["highlights"]
    assert [box[k] for k in "xywh"] == pytest.approx([x, y, w, h], abs=0.01)


@pytest.mark.parametrize("access", [{"access_level": "researchers"}, {"access_level": "staff"}])
def test_restricted_pdf_pages_answer_404_to_anonymous_users(client, ingest, researcher, access):
    item_file = ingest(ItemFactory(item_type="publication", **access), three_page_pdf(), "r.pdf")
    assert item_file.status == FileStatus.DONE, item_file.error
    urls = [
        f"/iiif/3/{item_file.pk}/info.json",
        f"/iiif/3/{item_file.pk}-3/info.json",
        f"/iiif/3/{item_file.pk}-2/0,0,256,256/256,256/0/default.jpg",
        f"/iiif/3/manifest/{item_file.item.identifier}.json",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(researcher)
    allowed = access["access_level"] == "researchers"
    for url in urls:
        assert client.get(url).status_code == (200 if allowed else 404), url


def test_pages_beyond_the_cap_are_reported_and_not_tiled(client, ingest, settings):
    settings.MEDIA_IIIF_MAX_PDF_PAGES = 2
    item = ItemFactory(item_type="publication", access_level="public")
    item_file = ingest(item, three_page_pdf(), "long.pdf")
    assert item_file.status == FileStatus.DONE, item_file.error
    record = item_file.technical["iiif"]
    assert [p["number"] for p in record["pages"]] == [1, 2]
    assert record["page_count"] == 3 and record["pages_not_tiled"] == [3, 3]
    assert "first 2 of the PDF's 3 pages" in record["note"]
    assert "MEDIA_IIIF_MAX_PDF_PAGES" in record["note"]
    assert client.get(f"/iiif/3/{item_file.pk}-2/info.json").status_code == 200
    assert client.get(f"/iiif/3/{item_file.pk}-3/info.json").status_code == 404
    manifest = json.loads(client.get(f"/iiif/3/manifest/{item.identifier}.json").content)
    assert len(manifest["items"]) == 2
    assert manifest["items"][0]["rendering"][0]["format"] == "application/pdf"


def test_a_pdf_without_pages_fails_cleanly_and_stays_a_download(client, ingest, media_root):
    item = ItemFactory(item_type="publication", access_level="public")
    item_file = ingest(item, samples.pdf_bytes(pages=0), "empty.pdf")
    assert item_file.status == FileStatus.FAILED
    with pytest.raises(StepError, match="no readable pages"):
        tiles.make_iiif_tiles(item_file)
    assert not (media_root / "derivatives" / "iiif" / item_file.sha256).exists()
    manifest = json.loads(client.get(f"/iiif/3/manifest/{item.identifier}.json").content)
    assert manifest["items"] == []
    assert manifest["rendering"][0]["format"] == "application/pdf"
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200
    assert "data-viewer" not in page.content.decode()


def _encrypted(user_password: str) -> bytes:
    buffer = io.BytesIO()
    pymupdf.open(stream=three_page_pdf()).save(
        buffer, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=user_password, owner_pw="owner"
    )
    return buffer.getvalue()


def test_encrypted_pdf_gets_no_tiles_and_its_text_step_says_why(ingest):
    item_file = ingest(ItemFactory(item_type="publication"), _encrypted("secret"), "locked.pdf")
    assert item_file.technical["steps"]["iiif"]["status"] == "done"
    assert item_file.technical["iiif"]["pages"] == []
    assert "encrypted" in item_file.technical["iiif"]["note"]
    assert item_file.status == FileStatus.FAILED
    assert "pdf_text" in item_file.error and "encrypted with a password" in item_file.error


def test_a_pdf_with_only_an_owner_password_is_tiled(client, ingest):
    # Readable without a password; the owner password only restricts editing and printing.
    item = ItemFactory(item_type="publication", access_level="public")
    item_file = ingest(item, _encrypted(""), "restricted-editing.pdf")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert [p["number"] for p in item_file.technical["iiif"]["pages"]] == [1, 2, 3]
    assert client.get(f"/iiif/3/{item_file.pk}-3/info.json").status_code == 200
