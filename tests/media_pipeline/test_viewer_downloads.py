"""The viewer's downloads: a page as a JPEG and a page range as a PDF with a stamped cover.

Access (404 for what the visitor may not see), bad ranges (400 naming the last page, never a
500), the cap on long ranges, a PDF item's own pages kept with their text, and the download
counted like the original's.
"""

import io

import pymupdf
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from archive_collections.citations.archival import chinese_citation
from media_pipeline import signals
from media_pipeline.templatetags.iiif_viewer import THUMBS_NEAR, strip
from tests.factories import ItemFactory

from . import imaging_samples as make
from . import samples

pytestmark = pytest.mark.django_db

RIGHTS = "http://rightsstatements.org/vocab/InC-EDU/1.0/"


@pytest.fixture
def scans(ingest):
    item = ItemFactory(
        item_type="manuscript",
        access_level="public",
        identifier="QXS-DL-1",
        title="钱学森手稿下载测试",
        rights_statement=RIGHTS,
    )
    ingest(item, make.encoded("JPEG", (800, 600)), "letter.jpg", sequence=1)
    ingest(item, samples.multipage_tiff(((300, 200), (100, 500))), "pages.tif", sequence=2)
    return item


def _text_pdf(pages: int) -> bytes:
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=200, height=280)
        page.insert_text((20, 40), f"Marker page {number}", fontsize=12)
    return doc.tobytes()


@pytest.fixture
def report(ingest):
    item = ItemFactory(
        item_type="document", access_level="public", identifier="QXS-DL-PDF", title="报告"
    )
    ingest(item, _text_pdf(3), "report.pdf", sequence=1)
    return item


def _pdf_url(item, **params):
    return reverse("media_pipeline:pages_pdf", kwargs={"identifier": item.identifier}), params


def _get_pdf(client, item, **params):
    url, query = _pdf_url(item, **params)
    return client.get(url, query)


def _open(response) -> pymupdf.Document:
    return pymupdf.open(stream=response.content, filetype="pdf")


def test_a_range_of_scans_is_a_pdf_with_the_stamp_on_its_first_page(client, scans):
    response = _get_pdf(client, scans, **{"from": "2", "to": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "QXS-DL-1-p2-3.pdf" in response["Content-Disposition"]
    doc = _open(response)
    assert doc.page_count == 3  # the cover and pages 2 and 3
    cover = doc[0].get_text()
    for expected in (
        "钱学森手稿下载测试",
        "QXS-DL-1",
        RIGHTS,
        "2–3",
        timezone.localdate().isoformat(),
        "/archive/items/QXS-DL-1/",
    ):
        assert expected in cover, expected
    # The citation is the item page's own, whole (wrapped over lines on the page).
    url = "http://testserver" + scans.get_absolute_url()
    citation = chinese_citation(scans, url, timezone.localdate())
    assert citation in cover.replace("\n", "")
    # Image pages carry one picture each, with the page's proportions (300×200, then 100×500).
    for number, ratio in ((1, 300 / 200), (2, 100 / 500)):
        page = doc[number]
        assert len(page.get_images()) == 1
        assert page.rect.width / page.rect.height == pytest.approx(ratio, rel=0.02)


def test_a_pdf_items_range_keeps_its_own_pages_and_their_text(client, report):
    response = _get_pdf(client, report, **{"from": "2", "to": "3"})
    assert response.status_code == 200
    doc = _open(response)
    assert doc.page_count == 3
    assert "Marker page 2" in doc[1].get_text()
    assert "Marker page 3" in doc[2].get_text()
    assert doc[1].rect.width == pytest.approx(200)  # the page itself, not a picture of it
    assert doc[1].get_images() == []


def test_without_a_range_the_whole_document_comes(client, report):
    assert _open(_get_pdf(client, report)).page_count == 4


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"from": "4", "to": "20"}, "4–20"),
        ({"from": "2", "to": "9"}, "4–9"),
        ({"from": "13"}, "13–13"),
    ],
)
def test_a_range_past_the_last_page_is_refused_naming_it(client, report, params, named):
    response = _get_pdf(client, report, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "该文件共 3 页" in html
    assert f"无法下载第 {named} 页" in html
    assert report.get_absolute_url() in html  # a way back


@pytest.mark.parametrize(
    "params",
    [
        {"from": "abc", "to": "2"},
        {"from": "0", "to": "2"},
        {"from": "3", "to": "1"},
        {"from": "-1", "to": "2"},
        {"from": "２", "to": "3"},
        {"from": "1" * 400, "to": "2"},
    ],
)
def test_bad_ranges_get_a_clear_400(client, report, params):
    response = _get_pdf(client, report, **params)
    assert response.status_code == 400
    assert "data-download-refused" in response.content.decode()


def test_a_long_range_is_capped_and_the_cover_says_so(client, report, settings):
    settings.MEDIA_PDF_MAX_PAGES = 2
    response = _get_pdf(client, report, **{"from": "1", "to": "3"})
    assert response.status_code == 200
    doc = _open(response)
    assert doc.page_count == 3  # the cover and the first two pages
    cover = doc[0].get_text().replace("\n", "")
    assert "1–3" in cover and "2" in cover
    assert "Marker page 2" in doc[2].get_text()
    assert "QXS-DL-PDF-p1-2.pdf" in response["Content-Disposition"]


def test_the_page_image_is_a_jpeg_download_of_that_page(client, scans):
    tiff = scans.files.get(sequence=2)
    url = reverse("media_pipeline:page_image", kwargs={"pk": tiff.pk, "number": 2})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "QXS-DL-1-p2.jpg" in response["Content-Disposition"]
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (100, 500)  # smaller than the download size: the page as it is
    missing = reverse("media_pipeline:page_image", kwargs={"pk": tiff.pk, "number": 3})
    assert client.get(missing).status_code == 404


def test_a_pdf_page_image_is_rendered_at_the_download_size(client, report):
    pdf_file = report.files.get()
    url = reverse("media_pipeline:page_image", kwargs={"pk": pdf_file.pk, "number": 3})
    response = client.get(url)
    assert response.status_code == 200
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    # 200×280 pt at the tiles' 200 dpi: 556×778 px, under the 2000 px download size.
    assert image.size == (556, 778)


@pytest.mark.parametrize("level", ["researchers", "staff"])
def test_downloads_follow_the_access_policy(client, ingest, level):
    item = ItemFactory(item_type="photograph", access_level=level, identifier=f"QXS-DL-{level}")
    item_file = ingest(item, make.encoded("JPEG", (400, 300)), "a.jpg")
    pdf_url = reverse("media_pipeline:pages_pdf", kwargs={"identifier": item.identifier})
    page_url = reverse("media_pipeline:page_image", kwargs={"pk": item_file.pk, "number": 1})
    assert client.get(pdf_url).status_code == 404
    assert client.get(page_url).status_code == 404
    researcher = get_user_model().objects.create_user("dl-researcher", password="x")
    researcher.groups.add(Group.objects.get(name="研究人员"))
    client.force_login(researcher)
    expected = 200 if level == "researchers" else 404
    assert client.get(pdf_url).status_code == expected
    page = client.get(page_url)
    assert page.status_code == expected
    if expected == 200:
        assert page["Cache-Control"].startswith("private")


def test_unknown_items_answer_404(client):
    url = reverse("media_pipeline:pages_pdf", kwargs={"identifier": "NO-SUCH"})
    assert client.get(url).status_code == 404


def test_downloads_are_counted_as_downloads(client, scans):
    heard = []

    def listen(sender, **kwargs):
        heard.append((kwargs["item_file_id"], kwargs["download"]))

    signals.file_served.connect(listen)
    try:
        jpeg, tiff = scans.files.order_by("sequence")
        _get_pdf(client, scans, **{"from": "1", "to": "3"})
        client.get(reverse("media_pipeline:page_image", kwargs={"pk": jpeg.pk, "number": 1}))
    finally:
        signals.file_served.disconnect(listen)
    assert heard == [(jpeg.pk, True), (tiff.pk, True), (jpeg.pk, True)]


# The viewer's part ----------------------------------------------------------------------------


def test_the_viewer_offers_strip_go_to_page_and_downloads(client, scans):
    html = client.get(scans.get_absolute_url(), {"page": "2"}).content.decode()
    tiff = scans.files.get(sequence=2)
    assert 'href="?page=2" data-viewer-thumb="1" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1 or 'aria-current="page"' in html
    assert 'name="page" type="number"' in html and 'max="3"' in html
    page_url = reverse("media_pipeline:page_image", kwargs={"pk": tiff.pk, "number": 1})
    assert f'href="{page_url}" download' in html
    assert 'action="/files/items/QXS-DL-1/pages.pdf"' in html


@pytest.mark.parametrize("page", ["9", "0", "abc"])
def test_a_page_that_does_not_exist_is_named_not_silently_replaced(client, scans, page):
    response = client.get(scans.get_absolute_url(), {"page": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"没有第 {page} 页" in html
    assert 'role="alert" data-viewer-error>' in html  # shown, not hidden


def test_a_long_document_puts_only_the_thumbnails_near_the_current_page_in_the_html():
    pages = [
        {"label": f"p{n}", "thumb": f"/t/{n}", "thumb_width": 100, "thumb_height": 150}
        for n in range(500)
    ]
    found = strip(pages, 250)
    assert len(found) == 500
    eager = [entry["number"] for entry in found if entry["eager"]]
    assert eager == list(range(251 - THUMBS_NEAR, 252 + THUMBS_NEAR))


def test_past_the_render_limit_the_pdf_waits_and_says_so(client, ingest, settings):
    item = ItemFactory(item_type="photograph", access_level="public", identifier="QXS-DL-BIG")
    for number in (1, 2):  # larger than every static size: each page is rendered
        ingest(item, make.encoded("JPEG", (1500 + number, 1100)), f"{number}.jpg", sequence=number)
    settings.IIIF_RENDER_RATE_LIMIT = 1
    refused = _get_pdf(client, item)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "data-download-refused" in refused.content.decode()
    settings.IIIF_RENDER_RATE_LIMIT = 0
    assert _open(_get_pdf(client, item)).page_count == 3
