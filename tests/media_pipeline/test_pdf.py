"""PDFs: page count and text layer per page through PyMuPDF; textless pages OCR'd; bad PDFs.

PDFs are made here with PyMuPDF itself: pages with a real (CID-keyed Chinese) text layer, and
scanned pages that are only an image.
"""

import io

import pymupdf
import pytest
from django.urls import reverse

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus, PageText
from media_pipeline.steps import registry
from media_pipeline.tasks import process_item_file
from tests.factories import ItemFactory

from . import pages

pytestmark = pytest.mark.django_db

TEXT_LINES = ["钱学森手稿第一页", "关于火箭发动机的计算"]
SECOND_PAGE = "第二页：致友人书"


def text_pdf(rotate_second: bool = False) -> bytes:
    document = pymupdf.open()
    first = document.new_page(width=595, height=842)
    for number, line in enumerate(TEXT_LINES):
        first.insert_text((72, 100 + number * 30), line, fontname="china-s", fontsize=16)
    second = document.new_page(width=595, height=842)
    second.insert_text((72, 100), SECOND_PAGE, fontname="china-s", fontsize=16)
    if rotate_second:
        second.set_rotation(90)
    return document.tobytes(garbage=3, deflate=True, use_objstms=1)


def scanned_pdf(image_bytes: bytes) -> bytes:
    """One page that is only a picture of text, as scanners produce."""
    document = pymupdf.open()
    page = document.new_page(width=432, height=216)  # 6 × 3 in: the image lands at 200 dpi
    page.insert_image(page.rect, stream=image_bytes)
    return document.tobytes()


def test_text_layer_is_stored_per_page_with_line_boxes(ingest):
    item_file = ingest(ItemFactory(item_type="publication"), text_pdf(), "paper.pdf")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["pdf"]["page_count"] == 2  # object streams: read by PyMuPDF
    assert item_file.technical["pdf_text"]["pages_without_text"] == []
    first, second = item_file.pages.order_by("page_number")
    assert first.source == second.source == "pdf_text"
    assert [line["text"] for line in first.lines] == TEXT_LINES
    assert first.text == "\n".join(TEXT_LINES)
    assert second.text == SECOND_PAGE
    assert (first.width, first.height) == (round(595 * 200 / 72), round(842 * 200 / 72))
    for line in first.lines:
        x, y, w, h = line["box"]
        assert 0 <= x and 0 <= y and x + w <= first.width and y + h <= first.height
    # The first line sits 100 pt from the top: about 278 px at 200 dpi.
    assert abs(first.lines[0]["box"][1] + first.lines[0]["box"][3] - 100 * 200 / 72) < 15
    assert item_file.technical["steps"]["ocr"]["status"] == "done"
    assert item_file.technical["ocr"]["pages"] == 0  # every page had text: nothing to OCR


def test_rotated_page_boxes_are_in_the_upright_page(ingest):
    item_file = ingest(ItemFactory(), text_pdf(rotate_second=True), "rotated.pdf")
    second = item_file.pages.get(page_number=2)
    assert (second.width, second.height) == (round(842 * 200 / 72), round(595 * 200 / 72))
    x, y, w, h = second.lines[0]["box"]
    assert h > w  # the line runs down the turned page
    assert x + w <= second.width and y + h <= second.height


def test_rerun_replaces_page_texts(ingest):
    item_file = ingest(ItemFactory(), text_pdf(), "paper.pdf")
    result = registry["pdf_text"].run(item_file).contribution()
    assert result["pdf_text"]["pages_with_text"] == 2
    assert PageText.objects.filter(item_file=item_file).count() == 2


def test_scanned_page_without_text_layer_is_rendered_and_ocrd(ingest):
    image = pages.horizontal_page(pages.SIMPLIFIED_LINES[:2], size=(1200, 600), font_size=44)
    item_file = ingest(
        ItemFactory(item_type="photograph"), scanned_pdf(pages.png_bytes(image)), "scan.pdf"
    )
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["pdf_text"]["pages_without_text"] == [1]
    page = item_file.pages.get()
    assert (page.source, page.engine) == ("ocr", "rapidocr")
    assert (page.width, page.height) == (1200, 600)
    assert pages.cer(page.text, "".join(pages.SIMPLIFIED_LINES[:2])) <= 0.1
    for line in page.lines:
        x, y, w, h = line["box"]
        assert 0 <= x and 0 <= y and x + w <= page.width and y + h <= page.height


def test_textless_pdf_page_is_not_ocrd_when_ocr_is_off(media_root):
    image = pages.horizontal_page(pages.SIMPLIFIED_LINES[:1], size=(1200, 600))
    # Ingested without running its processing (no on-commit callbacks), switched off, then run.
    item_file = ingest_fileobj(
        ItemFactory(), io.BytesIO(scanned_pdf(pages.png_bytes(image))), "s.pdf"
    )
    item_file.ocr = False
    item_file.save(update_fields=["ocr"])
    process_item_file.call(item_file.pk)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE
    assert item_file.technical["ocr"]["status"] == "skipped"
    assert not item_file.pages.exists()


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    pymupdf.open(stream=text_pdf()).save(
        buffer, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner"
    )
    return buffer.getvalue()


def test_encrypted_pdf_fails_its_text_step_clearly_and_alone(ingest):
    item = ItemFactory()
    good = ingest(item, text_pdf(), "good.pdf")
    locked = ingest(item, encrypted_pdf(), "locked.pdf")
    assert locked.status == FileStatus.FAILED
    assert locked.technical["pdf"]["encrypted"] is True
    assert locked.technical["steps"]["pdf_text"]["status"] == "failed"
    assert "encrypted with a password" in locked.error
    assert "pdf_text" in locked.error
    assert not locked.pages.exists()
    good.refresh_from_db()
    assert good.status == FileStatus.DONE and good.pages.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n" + b"\x00garbage" * 50, id="garbage-after-header"),
        pytest.param(text_pdf()[:120], id="truncated"),
    ],
)
def test_broken_pdf_records_a_clear_error(ingest, data):
    item = ItemFactory()
    broken = ingest(item, data, "broken.pdf")
    assert broken.mime_type == "application/pdf"
    assert broken.status == FileStatus.FAILED
    assert "The PDF" in broken.error and ("damaged" in broken.error)
    assert not broken.pages.exists()


def test_item_page_shows_the_text_without_javascript(ingest, client):
    item = ItemFactory(item_type="publication")
    ingest(item, text_pdf(), "paper.pdf")
    response = client.get(reverse("collections:item", args=[item.identifier]))
    assert response.status_code == 200
    body = response.content.decode()
    assert TEXT_LINES[1] in body and SECOND_PAGE in body
    assert "<details" in body  # a native disclosure: readable with scripts off
