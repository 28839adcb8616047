"""Each factory builds an object that passes the model's validation and works where it is used."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from archive_collections.models import IndexSegment, TranscriptSegment
from exhibits.models import ChapterPage, ExhibitionPage
from media_pipeline.models import FileStatus
from tests.factories import (
    ChapterPageFactory,
    ExhibitionPageFactory,
    ItemFileFactory,
    PageTextFactory,
    RecordedInterviewFactory,
)
from tests.factories.files import small_jpeg
from tests.pages import item_block, stream

pytestmark = pytest.mark.django_db


def test_item_file_has_its_master_stored_under_its_content_address():
    item_file = ItemFileFactory.create()
    item_file.full_clean()
    with item_file.master.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == item_file.sha256
    assert len(data) == item_file.size
    assert item_file.master.name.endswith(f"{item_file.sha256}.jpg")
    assert data[:3] == b"\xff\xd8\xff"  # a JPEG
    assert item_file.status == FileStatus.PENDING


def test_two_item_files_never_share_a_master():
    first, second = ItemFileFactory.create(), ItemFileFactory.create()
    assert first.sha256 != second.sha256
    assert first.master.name != second.master.name


def test_page_text_belongs_to_a_processed_file_with_a_line_box():
    page = PageTextFactory.create(text="钱学森的手稿")
    page.full_clean()
    assert page.item_file.status == FileStatus.DONE
    assert page.lines == [{"text": "钱学森的手稿", "box": [40, 60, 900, 48], "confidence": 91.5}]
    assert list(page.item_file.pages.all()) == [page]


def test_recorded_interview_has_a_timed_transcript_and_an_index():
    interview = RecordedInterviewFactory.create(segments=4)
    interview.full_clean()
    starts = list(
        TranscriptSegment.objects.filter(interview=interview)
        .order_by("start_ms")
        .values_list("start_ms", flat=True)
    )
    assert starts == [0, 5000, 10000, 15000]
    index = IndexSegment.objects.filter(interview=interview).order_by("start_ms")
    assert [(s.start_ms, s.title) for s in index] == [(0, "第1部分"), (15000, "第2部分")]
    assert interview.duration_ms >= 20000
    assert interview.item.item_type == "oral_history"


def test_chapter_is_published_inside_an_exhibition_and_shows_its_items():
    item_file = ItemFileFactory.create(item__title="力学研究所筹建计划")
    chapter = ChapterPageFactory.create(body=stream(item_block(item_file.item, caption="筹建计划")))
    chapter.full_clean()
    assert chapter.live and chapter.get_latest_revision() is not None
    assert isinstance(chapter.get_parent().specific, ExhibitionPage)
    response = Client().get(chapter.url)
    assert response.status_code == 200
    assert "力学研究所筹建计划" in response.content.decode()


def test_chapters_can_share_one_exhibition():
    exhibition = ExhibitionPageFactory.create()
    ChapterPageFactory.create(parent=exhibition)
    ChapterPageFactory.create(parent=exhibition)
    assert ChapterPage.objects.child_of(exhibition).live().count() == 2
    assert Client().get(exhibition.url).status_code == 200


def test_factory_masters_stay_distinct_past_256_files():
    # The drawn colour repeats every 256 seeds; a long test session made the 257th file's
    # master a copy of the first one's, and the storage renamed it away from its content address.
    hashes = {hashlib.sha256(small_jpeg(seed)).hexdigest() for seed in (1, 257, 513, 65, 321)}
    assert len(hashes) == 5
