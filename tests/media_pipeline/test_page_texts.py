"""Page text is stored in bulk and announced once per replacement, not once per page."""

from __future__ import annotations

import pytest

from media_pipeline import signals
from media_pipeline.models import ItemFile, PageText, PageTextSource
from media_pipeline.page_texts import (
    PageTextRecord,
    delete_page_texts,
    replace_page_texts,
    store_page_texts,
)
from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    received = []

    def on_replaced(**kwargs):
        received.append(kwargs)

    signals.page_texts_replaced.connect(on_replaced, weak=False)
    yield received
    signals.page_texts_replaced.disconnect(on_replaced)


@pytest.fixture
def item_file(ingest):
    return ingest(ItemFactory(item_type="photograph"), samples.pdf_bytes(pages=3), "a.pdf")


def _pages(count: int, word: str) -> list[PageTextRecord]:
    return [
        PageTextRecord(number=n, text=f"{word} {n}", width=100, height=200, lines=[])
        for n in range(1, count + 1)
    ]


def test_replacing_many_pages_sends_one_signal(
    item_file, announced, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    PageText.objects.filter(item_file=item_file).delete()
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_max_num_queries(8):  # bulk: the query count does not grow with pages
            replace_page_texts(item_file, PageTextSource.OCR, _pages(50, "old"), "e", "1")
    assert announced == [
        {
            "signal": signals.page_texts_replaced,
            "sender": ItemFile,
            "item_file_id": item_file.pk,
            "item_id": item_file.item_id,
        }
    ]
    assert PageText.objects.filter(item_file=item_file).count() == 50


def test_replacing_drops_the_sources_other_pages_and_keeps_other_sources(
    item_file, django_capture_on_commit_callbacks
):
    PageText.objects.filter(item_file=item_file).delete()
    store_page_texts(item_file, PageTextSource.PDF_TEXT, _pages(1, "layer"), "pymupdf", "1")
    replace_page_texts(item_file, PageTextSource.OCR, _pages(3, "first")[1:], "e", "1")
    replace_page_texts(item_file, PageTextSource.OCR, _pages(2, "second")[1:], "e", "2")
    rows = PageText.objects.filter(item_file=item_file).order_by("page_number")
    assert [(r.page_number, r.source, r.text) for r in rows] == [
        (1, "pdf_text", "layer 1"),
        (2, "ocr", "second 2"),
    ]


def test_storing_page_by_page_is_silent_until_announced(
    item_file, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for page in _pages(3, "ocr"):
            store_page_texts(item_file, PageTextSource.OCR, [page], "e", "1")
    assert announced == []
    assert delete_page_texts(item_file, PageTextSource.OCR, keep=[1, 2]) == 1
    assert PageText.objects.filter(item_file=item_file).count() == 2
