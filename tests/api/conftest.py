"""A small archive at every access level, an exhibition, and API tokens for the users of
tests/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser
from wagtail.models import APIToken

from archive_collections.models import Item, Scientist, ScientistName
from exhibits.models import ExhibitionPage
from media_pipeline.models import ItemFile
from tests.factories import (
    ChapterPageFactory,
    FondsFactory,
    ItemFactory,
    ItemFileFactory,
    RecordedInterviewFactory,
    ScientistFactory,
    SeriesFactory,
)


@dataclass
class Archive:
    scientist: Scientist
    public: Item
    researchers: Item
    staff: Item
    embargoed: Item
    interview_item: Item
    file: ItemFile
    exhibition: ExhibitionPage


@pytest.fixture
def archive(db) -> Archive:
    scientist = ScientistFactory(identifier="qian-xuesen", name="钱学森", name_pinyin="Qian Xuesen")
    ScientistName.objects.create(scientist=scientist, name="Tsien Hsue-shen", kind="wade_giles")
    series = SeriesFactory(
        identifier="QXS-01", fonds=FondsFactory(identifier="QXS", scientist=scientist)
    )
    public = ItemFactory(identifier="QXS-01-001", title="工程控制论手稿", series=series)
    public.scientists.add(scientist)
    public.save()
    researchers = ItemFactory(
        identifier="QXS-01-002",
        title="研究人员可见的书信",
        series=series,
        access_level="researchers",
    )
    staff = ItemFactory(
        identifier="QXS-01-003", title="仅限馆员的档案", series=series, access_level="staff"
    )
    embargoed = ItemFactory(
        identifier="QXS-01-004",
        title="封存中的日记",
        series=series,
        embargo_until=date.today() + timedelta(days=365),
    )
    interview = RecordedInterviewFactory(
        item__identifier="QXS-01-005", item__series=series, interviewee=scientist, segments=4
    )
    item_file = ItemFileFactory(item=public, label="第1页")
    chapter = ChapterPageFactory(title="归国", introduction="一九五五年回到祖国。")
    return Archive(
        scientist=scientist,
        public=public,
        researchers=researchers,
        staff=staff,
        embargoed=embargoed,
        interview_item=interview.item,
        file=item_file,
        exhibition=chapter.get_parent().specific,
    )


def bearer(user: AbstractBaseUser) -> dict[str, str]:
    _token, secret = APIToken.create_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def researcher_token(researcher) -> dict[str, str]:
    return bearer(researcher)


@pytest.fixture
def staff_token(staff_user) -> dict[str, str]:
    return bearer(staff_user)
