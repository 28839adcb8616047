"""A small archive at every access level with processed files, and an exhibition showing it."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from archive_collections.models import Item
from exhibits.models import ChapterPage
from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import ItemFile
from tests.factories import (
    ChapterPageFactory,
    FondsFactory,
    ItemFactory,
    RecordedInterviewFactory,
    ScientistFactory,
    SeriesFactory,
    small_jpeg,
)
from tests.media_pipeline.conftest import media_root  # noqa: F401 (per-test storages, shared)
from tests.pages import item_block, stream


@dataclass
class Archive:
    public: Item
    researchers: Item
    interview_item: Item
    public_file: ItemFile
    researchers_file: ItemFile
    chapter: ChapterPage


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    """The page cache on (the test settings switch it off for the rest of the suite), empty,
    with its own generation file."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def archive(db, media_root, django_capture_on_commit_callbacks) -> Archive:  # noqa: F811
    scientist = ScientistFactory(identifier="qian-xuesen", name="钱学森", name_pinyin="Qian Xuesen")
    series = SeriesFactory(
        identifier="QXS-01", fonds=FondsFactory(identifier="QXS", scientist=scientist)
    )
    public = ItemFactory(
        identifier="QXS-01-001", title="工程控制论手稿", series=series, item_type="photograph"
    )
    public.scientists.add(scientist)
    researchers = ItemFactory(
        identifier="QXS-01-002",
        title="研究人员可见的书信",
        series=series,
        item_type="photograph",
        access_level="researchers",
    )
    interview = RecordedInterviewFactory(
        item__identifier="QXS-01-005", item__series=series, interviewee=scientist, segments=4
    )
    files = []
    for seed, item in enumerate((public, researchers)):
        with django_capture_on_commit_callbacks(execute=True):
            item_file = ingest_fileobj(
                item, io.BytesIO(small_jpeg(seed, (600, 400))), f"scan-{seed}.jpg"
            )
        item_file.refresh_from_db()
        files.append(item_file)
    chapter = ChapterPageFactory(
        title="归国",
        slug="return",
        introduction="一九五五年回到祖国。",
        body=stream(item_block(public, "手稿"), item_block(researchers, "书信")),
    )
    return Archive(
        public=public,
        researchers=researchers,
        interview_item=interview.item,
        public_file=files[0],
        researchers_file=files[1],
        chapter=chapter,
    )
