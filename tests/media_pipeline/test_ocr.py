"""OCR of Chinese page images with RapidOCR (PP-OCRv6 small, bundled in the wheel).

Pages are rendered here with Noto CJK: known text, so recognition is scored by character error
rate. Each page costs seconds on two cores, so the pages are small and few.
"""

import io
import subprocess
import sys
from pathlib import Path

import pytest

from media_pipeline.actions import set_ocr
from media_pipeline.models import FileStatus
from media_pipeline.ocr import engine
from media_pipeline.ocr.recognise import HORIZONTAL, VERTICAL, recognise
from media_pipeline.tasks import process_item_file
from tests.factories import ItemFactory

from . import pages

SIMPLIFIED = "\n".join(pages.SIMPLIFIED_LINES[:3])
ROOT = Path(__file__).resolve().parents[2]


def _inside(line, width, height):
    x, y, w, h = line.box if hasattr(line, "box") else line["box"]
    return 0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= width and y + h <= height


@pytest.mark.django_db
def test_scan_of_a_letter_is_ocrd_into_page_text_with_boxes(
    ingest, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_OCR_ITEM_TYPES = ["letter"]
    image = pages.horizontal_page(pages.SIMPLIFIED_LINES[:3], size=(1200, 420))
    item_file = ingest(ItemFactory(item_type="letter"), pages.png_bytes(image), "letter.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    page = item_file.pages.get()
    assert (page.page_number, page.source, page.engine) == (1, "ocr", "rapidocr")
    assert page.engine_version.startswith("3.10.0")
    assert (page.width, page.height) == (1200, 420)
    assert pages.cer(page.text, SIMPLIFIED) <= 0.1
    assert [
        pages.cer(line["text"], truth) <= 0.1
        for line, truth in zip(page.lines, pages.SIMPLIFIED_LINES, strict=False)
    ] == [True] * 3
    assert all(_inside(line, page.width, page.height) for line in page.lines)
    # Lines are in reading order, top to bottom, and each box holds its own line.
    tops = [line["box"][1] for line in page.lines]
    assert tops == sorted(tops)
    assert 0 < page.lines[0]["confidence"] <= 1
    assert item_file.technical["steps"]["ocr"]["status"] == "done"

    # Switched off by a curator: the file is processed again, the step skipped, its text gone.
    with django_capture_on_commit_callbacks(execute=True):
        set_ocr(item_file, False)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE
    assert item_file.technical["steps"]["ocr"]["status"] == "done"
    assert item_file.technical["ocr"]["status"] == "skipped"
    assert not item_file.pages.exists()


@pytest.mark.django_db
def test_photographs_are_not_ocrd_automatically(ingest, settings):
    settings.MEDIA_OCR_ITEM_TYPES = ["letter"]
    image = pages.horizontal_page(pages.SIMPLIFIED_LINES[:1], size=(1000, 200))
    item_file = ingest(ItemFactory(item_type="photograph"), pages.png_bytes(image), "photo.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["ocr"]["status"] == "skipped"
    assert "item type" in item_file.technical["ocr"]["reason"]
    assert not item_file.pages.exists()


def test_traditional_characters():
    truth = pages.TRADITIONAL_LINES[:2]
    image = pages.horizontal_page(truth, size=(1000, 300), face=pages.TRADITIONAL)
    result = recognise(image)
    assert pages.cer(result.text, "".join(truth)) <= 0.1
    assert result.layout == HORIZONTAL and result.rotation == 0


def test_page_turned_sideways_and_skewed_is_read_upright():
    truth = pages.SIMPLIFIED_LINES[:2]
    upright = pages.horizontal_page(truth, size=(1100, 300))
    turned = upright.rotate(-90, expand=True).rotate(3, expand=True, fillcolor=255)
    result = recognise(turned)
    assert result.rotation == 90
    assert pages.cer(result.text, "".join(truth)) <= 0.1
    assert [line.text[:4] for line in result.lines] == [t[:4] for t in truth]
    assert all(_inside(line, turned.width, turned.height) for line in result.lines)


def test_upside_down_page_is_read_in_order():
    truth = pages.SIMPLIFIED_LINES[:2]
    image = pages.horizontal_page(truth, size=(1100, 300)).rotate(180)
    result = recognise(image)
    assert result.rotation == 180
    assert pages.cer(result.text, "\n".join(truth)) <= 0.1


def test_vertical_columns_are_read_top_down_right_to_left():
    columns = pages.VERTICAL_COLUMNS[:3]
    image = pages.vertical_page(columns, size=(600, 700))
    result = recognise(image)
    assert result.layout == VERTICAL
    assert pages.cer(result.text, "".join(columns)) <= 0.15
    lefts = [line.box[0] for line in result.lines]
    assert lefts == sorted(lefts, reverse=True)
    assert all(line.box[3] > line.box[2] for line in result.lines)


def test_blank_page_has_no_lines():
    result = recognise(pages.horizontal_page([], size=(800, 600)))
    assert result.lines == [] and result.text == ""


def test_engine_uses_only_the_models_inside_the_wheel_and_no_network():
    """A fresh process that forbids every socket loads the engine and reads a line."""
    root = engine.models_dir()
    assert all((root / name).is_file() for name in engine.MODELS.values())
    script = (
        "import os, sys\n"
        "def guard(event, args):\n"
        "    if event in ('socket.connect', 'socket.getaddrinfo', 'urllib.Request'):\n"
        "        raise RuntimeError('network use: ' + event)\n"
        "sys.addaudithook(guard)\n"
        "import django; django.setup()\n"
        "from tests.media_pipeline import pages\n"
        "from media_pipeline.ocr.recognise import recognise\n"
        "image = pages.horizontal_page(['老科学家学术成长'], size=(500, 120))\n"
        "print(recognise(image).text)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "DJANGO_SETTINGS_MODULE": "archive_site.settings.test",
            "PATH": "/usr/bin:/bin",
            "HOME": "/nonexistent",
            "PYTHONPATH": str(ROOT),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "老科学家学术成长"


def _two_page_tiff() -> bytes:
    first = pages.horizontal_page(pages.SIMPLIFIED_LINES[:1], size=(1000, 160), margin=40)
    second = pages.horizontal_page(pages.SIMPLIFIED_LINES[1:2], size=(1000, 160), margin=40)
    buffer = io.BytesIO()
    first.save(buffer, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    return buffer.getvalue()


@pytest.mark.django_db
def test_every_page_of_a_tiff_is_read_and_an_interrupted_run_resumes(ingest, settings):
    settings.MEDIA_OCR_ITEM_TYPES = ["manuscript"]
    item_file = ingest(ItemFactory(item_type="manuscript"), _two_page_tiff(), "pages.tif")
    assert item_file.status == FileStatus.DONE, item_file.error
    first, second = item_file.pages.order_by("page_number")
    assert pages.cer(first.text, pages.SIMPLIFIED_LINES[0]) <= 0.1
    assert pages.cer(second.text, pages.SIMPLIFIED_LINES[1]) <= 0.1
    assert set(item_file.technical["ocr"]["layouts"]) == {"1", "2"}

    # As if the worker had stopped after page 1: only page 2 is read again.
    second.delete()
    item_file.technical["steps"].pop("ocr")
    item_file.save(update_fields=["technical"])
    process_item_file.call(item_file.pk, True)  # the late pass, where the reading happens
    item_file.refresh_from_db()
    assert set(item_file.technical["ocr"]["layouts"]) == {"2"}
    assert item_file.pages.get(page_number=1).pk == first.pk
    assert item_file.technical["ocr"]["pages"] == 2
