"""Exhibit pages: schema.org JSON-LD next to their Open Graph tags, one type per page role."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from archive_site.web.page_jsonld import page_jsonld
from exhibits.models import (
    ChapterPage,
    ExhibitionIndexPage,
    ExhibitionPage,
    ScientistStoryPage,
    StandardPage,
    TeacherResourcePage,
)
from tests.factories import ChapterPageFactory, ScientistFactory
from tests.pages import ensure_site, publish

from .conftest import head_of

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def hero() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (160, 40, 30)).save(buffer, "PNG")
    return Image.objects.create(title="展览主图", file=ImageFile(buffer, name="hero.png"))


@pytest.fixture
def exhibition():
    home = ensure_site()
    home.save_revision().publish()
    index = publish(home, ExhibitionIndexPage(title="专题展览", slug="exhibitions"))
    image = hero()
    return publish(
        index,
        ExhibitionPage(
            title="科学家的足迹",
            slug="footsteps",
            curators_statement="<p>一次关于科学家成长道路的展览。</p>",
            opening_date=date(2026, 5, 1),
            closing_date=date(2027, 5, 1),
            listing_image=image,
            listing_image_alt="实验室",
        ),
    )


def test_exhibition_is_an_online_exhibition_event(client, exhibition):
    chapter = ChapterPageFactory(parent=exhibition, title="第一章", start_year=1949, end_year=1956)
    head = head_of(client, exhibition.url)
    event = head.record
    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "ExhibitionEvent"
    assert event["name"] == "科学家的足迹"
    # Page addresses are the Wagtail site's, as on the canonical link exhibit pages already had.
    assert event["url"] == exhibition.full_url == head.canonical
    assert event["description"] == "一次关于科学家成长道路的展览。"
    assert (event["startDate"], event["endDate"]) == ("2026-05-01", "2027-05-01")
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["location"] == {"@type": "VirtualLocation", "url": event["url"]}
    assert event["workFeatured"] == [
        {"@type": "Article", "name": "第一章", "url": chapter.full_url}
    ]
    # The same picture as the link preview, served by this site.
    assert event["image"] == head.meta["og:image"]
    assert client.get(event["image"].removeprefix(BASE)).status_code == 200


def test_chapter_is_an_article_within_its_exhibition(client, exhibition):
    chapter = ChapterPageFactory(parent=exhibition, start_year=1949, end_year=1956)
    article = head_of(client, chapter.url).record
    assert article["@type"] == "Article"
    assert article["headline"] == chapter.title
    assert article["temporalCoverage"] == "1949/1956"
    assert article["isPartOf"] == {
        "@type": "WebPage",
        "name": "科学家的足迹",
        "url": exhibition.full_url,
    }
    assert article["datePublished"] and article["dateModified"]


def test_story_is_an_article_about_the_scientist(client, exhibition):
    scientist = ScientistFactory(identifier="deng", name="邓稼先")
    story = publish(
        exhibition,
        ScientistStoryPage(
            title="邓稼先的故事", slug="deng", standfirst="从北平到罗布泊。", scientist=scientist
        ),
    )
    article = head_of(client, story.url).record
    assert article["@type"] == "Article"
    assert article["about"]["@type"] == "Person"
    assert article["about"]["url"] == f"{BASE}/archive/scientists/deng/"
    assert article["description"] == "从北平到罗布泊。"


def test_teacher_resource_and_other_pages(client, exhibition):
    home = ensure_site()
    lesson = publish(
        home,
        TeacherResourcePage(
            title="一堂课", slug="lesson", grade_band="junior", subject="物理", lesson_minutes=45
        ),
    )
    standard = publish(home, StandardPage(title="关于", slug="about"))
    resource = head_of(client, lesson.url).record
    assert resource["@type"] == "LearningResource"
    assert resource["timeRequired"] == "PT45M"
    assert resource["educationalLevel"]
    assert head_of(client, standard.url).record["@type"] == "WebPage"
    assert head_of(client, exhibition.get_parent().url).record["@type"] == "CollectionPage"

    website = head_of(client, "/").record
    assert website["@type"] == "WebSite"
    assert website["potentialAction"]["target"] == f"{BASE}/search/?q={{query}}"


def test_markup_in_a_page_title_stays_inside_the_json(client, exhibition):
    exhibition.title = "</script><script>alert(1)</script>"
    exhibition.save_revision().publish()
    head = head_of(client, exhibition.url)
    assert "<script>alert(1)" not in head.html
    assert head.record["name"] == exhibition.title


def test_a_page_previewed_before_its_first_save_is_described():
    for page in (ExhibitionPage(title="新展览", slug="new"), ChapterPage(title="新章", slug="c")):
        data = page_jsonld(page, lambda path: path)
        assert data["name"] == page.title
        assert "workFeatured" not in data and "isPartOf" not in data
