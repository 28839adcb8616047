"""The pages OCR reads from a PDF keep their colour, so a scanned letter's seal is told from its
writing by hue (issue 18: PDF pages reached OCR in grey, where red and blue ink look black)."""

import io

import numpy as np
import pymupdf
import pytest
from PIL import Image, ImageDraw

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.ocr import pages as ocr_pages
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _scanned_letter() -> bytes:
    scan = Image.new("RGB", (1200, 600), (248, 246, 240))
    draw = ImageDraw.Draw(scan)
    draw.rectangle([100, 250, 500, 300], fill=(15, 15, 15))  # a line of writing
    draw.ellipse([700, 100, 1100, 500], outline=(214, 40, 40), width=20)  # a red seal's ring
    draw.ellipse([120, 400, 300, 580], outline=(40, 70, 200), width=12)  # a blue stamp's ring
    data = io.BytesIO()
    scan.save(data, "PNG")
    document = pymupdf.open()
    page = document.new_page(width=432, height=216)  # 6 × 3 in: the scan lands at 200 dpi
    page.insert_image(page.rect, stream=data.getvalue())
    return document.tobytes()


def test_a_scanned_pdf_page_reaches_ocr_in_colour(media_root):
    item_file = ingest_fileobj(ItemFactory(), io.BytesIO(_scanned_letter()), "letter.pdf")
    with ocr_pages.pdf_pages(item_file) as (numbers, load):
        assert numbers == [1]
        image = load(1)
    assert image.mode == "RGB" and image.size == (1200, 600)
    pixels = np.asarray(image).astype(int)
    red, green, blue = pixels[300, 710]  # on the red ring
    assert red > 150 and green < 100 and blue < 100
    red, green, blue = pixels[490, 126]  # on the blue ring
    assert blue > 150 and red < 100
    assert pixels[275, 300].max() < 60  # the writing stays black
