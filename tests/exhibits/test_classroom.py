"""Classroom mode: a page's deck of slides, its QR code, the page cache, and chapter pictures."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from wagtail_factories import ImageFactory

from archive_site import caching
from exhibits.classroom import TEXT_SLIDE_CHARS, chapter_covers, qr_svg, split_rich_text
from exhibits.models import ChapterPage, ScientistStoryPage
from tests.factories import InterviewFactory, ItemFactory, ScientistFactory
from tests.pages import (
    clip_block,
    deep_zoom_block,
    exhibition_tree,
    item_block,
    publish,
    stream,
)

from .conftest import scan_file

pytestmark = pytest.mark.django_db


def _slides(html: str) -> list[str]:
    """The kinds of the deck's slides, in order."""
    return re.findall(r'<section class="slide slide--(\w+)" id="slide-\d+"', html)


def _classroom(client, page):
    response = client.get(page.url + "classroom/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_split_rich_text_cuts_between_elements_and_before_headings():
    paragraph = "<p>" + "字" * 100 + "</p>"
    html = paragraph * 2 + "<h2>第二节</h2>" + paragraph + "<p>" + "长" * 600 + "</p><p>尾</p>"
    parts = split_rich_text(html, budget=TEXT_SLIDE_CHARS)
    assert parts[0] == paragraph * 2  # 200 characters fit one slide
    assert parts[1].startswith("<h2>第二节</h2>") and parts[1].endswith(paragraph)
    assert parts[2] == "<p>" + "长" * 600 + "</p>"  # too long alone: its slide scrolls
    assert parts[3] == "<p>尾</p>"
    assert split_rich_text("") == []


def test_every_block_type_gets_a_slide_and_long_text_is_split(client):
    item = ItemFactory(title="致研究所同事的信")
    scan_file(item)
    other = ItemFactory(title="工作笔记")
    scan_file(other)
    interview = InterviewFactory()
    scientist = ScientistFactory(name="钱学森")
    image = ImageFactory(title="研究所旧址")
    long_text = "".join(f"<p>{'科学' * 50}{n}</p>" for n in range(3))  # 3 × 101 characters
    blocks = [
        {"type": "text", "value": long_text},
        {"type": "image", "value": {"image": image.pk, "alt": "研究所大楼", "caption": "旧址"}},
        {
            "type": "pull_quote",
            "value": {"quote": "我的事业在中国", "speaker": "钱学森", "item": item.pk},
        },
        item_block(item, "手稿"),
        {"type": "gallery", "value": {"heading": "手稿一组", "items": [item.pk, other.pk]}},
        deep_zoom_block(item),
        clip_block(interview),
        {"type": "micro_video", "value": {"video": 987654, "caption": ""}},  # gone: no slide
        {
            "type": "timeline",
            "value": {
                "heading": "大事记",
                "events": [
                    {"label": "回国", "date_text": "1955年", "description": "", "item": None}
                ],
            },
        },
        {
            "type": "comparison",
            "value": {
                "heading": "两份手稿",
                "left": {"item": item.pk, "caption": ""},
                "right": {"item": other.pk, "caption": ""},
                "commentary": "",
            },
        },
        {"type": "scientists", "value": {"heading": "相关科学家", "scientists": [scientist.pk]}},
        {
            "type": "classroom",
            "value": {"heading": "课堂讨论", "text": "<p>说说你的看法</p>", "grade_hint": ""},
        },
    ]
    _index, _exhibition, (chapter,) = exhibition_tree([stream(*blocks)])
    html = _classroom(client, chapter)
    kinds = _slides(html)
    # title, the text cut in two (202 + 101 characters), one slide per shown block, the end
    assert kinds == ["title", "text", "text", *["block"] * 10, "end"]
    for marker in (
        "研究所大楼",
        "我的事业在中国",
        'class="item-card"',
        "item-gallery__list",
        "deep-zoom",
        'class="clip"',
        "大事记",
        "两份手稿",
        "钱学森",
        "说说你的看法",
    ):
        assert marker in html, marker
    # Each slide is named "n of N: what it shows" (in the interface language).
    label = re.search(r'id="slide-1" aria-roledescription="[^"]+" aria-label="([^"]+)"', html)
    assert label and "1" in label[1] and "14" in label[1] and label[1].endswith("第1章")
    assert 'src="/static/exhibits/classroom.js"' in html


def test_qr_code_encodes_the_public_page_url(client):
    _index, _exhibition, (chapter,) = exhibition_tree([stream()])
    html = _classroom(client, chapter)
    chapter.refresh_from_db()
    public_url = chapter.full_url
    assert public_url.startswith("http") and public_url.endswith("/chapter-1/")
    # The SVG in the page is the code segno draws for exactly that address.
    assert str(qr_svg(public_url)) in html
    assert f'<link rel="canonical" href="{public_url}">' in html
    assert public_url + "classroom/" not in html  # the code is for the page pupils read


def test_classroom_entry_on_chapter_exhibition_and_story_pages(client):
    _index, exhibition, (chapter,) = exhibition_tree([stream()])
    story = publish(
        exhibition,
        ScientistStoryPage(title="钱学森的故事", slug="story", scientist=ScientistFactory()),
    )
    for page in (chapter, exhibition, story):
        html = client.get(page.url).content.decode()
        assert f'href="{page.url}classroom/"' in html, page
        assert _classroom(client, page).count('class="slide ') >= 2
    story_html = _classroom(client, story)
    assert _slides(story_html)[:2] == ["title", "scientist"]
    exhibition_html = _classroom(client, exhibition)
    assert _slides(exhibition_html)[-2:] == ["chapters", "end"]
    assert f'href="{chapter.url}classroom/"' in exhibition_html  # chapters open as slides too


def test_classroom_preview_mode(rf, admin_user):
    _index, _exhibition, (chapter,) = exhibition_tree([stream(item_block(ItemFactory()))])
    request = rf.get("/")
    request.user = admin_user
    assert ("classroom", "Classroom mode") in [(m, str(n)) for m, n in chapter.preview_modes]
    response = chapter.serve_preview(request, "classroom")
    response.render()
    assert "data-classroom" in response.content.decode()
    default = chapter.serve_preview(request, "")
    default.render()
    assert "data-classroom" not in default.content.decode()


def test_page_cache_keeps_the_deck_apart_from_the_page(client, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    cache.clear()
    _index, _exhibition, (chapter,) = exhibition_tree([stream()])
    deck_url = chapter.url + "classroom/"
    first = client.get(deck_url)
    assert first[caching.HIT_HEADER] == "miss"
    again = client.get(deck_url)
    assert again[caching.HIT_HEADER] == "hit" and b"data-classroom" in again.content
    page = client.get(chapter.url)
    assert page[caching.HIT_HEADER] == "miss" and b"data-classroom" not in page.content
    # A publish makes the kept deck stale like any page.
    chapter.title = "第一章（修订）"
    chapter.save_revision().publish()
    fresh = client.get(deck_url)
    assert fresh[caching.HIT_HEADER] == "miss" and "第一章（修订）" in fresh.content.decode()
    cache.clear()


def test_chapter_covers_listing_image_else_first_visible_picture(client):
    hidden = ItemFactory(title="限制信件", access_level="staff")
    scan_file(hidden)
    shown = ItemFactory(title="公开手稿")
    scan_file(shown)
    image = ImageFactory(title="封面")
    _index, exhibition, chapters = exhibition_tree(
        [
            stream(item_block(hidden), item_block(shown)),
            stream({"type": "image", "value": {"image": image.pk, "alt": "研究所", "caption": ""}}),
            stream({"type": "text", "value": "<p>只有文字</p>"}),
        ]
    )
    chosen = ImageFactory(title="策展人选的图")
    ChapterPage.objects.filter(pk=chapters[2].pk).update(
        listing_image=chosen, listing_image_alt="策展人的说明"
    )
    covers = chapter_covers(chapters, request=None)
    first = covers[chapters[0].pk]
    assert first.alt == "公开手稿" and first.src.endswith("thumb.jpg")
    assert covers[chapters[1].pk].alt == "研究所"
    assert covers[chapters[2].pk].alt == "策展人的说明"
    html = client.get(exhibition.url).content.decode()
    assert html.count('class="chapter-cover"') == 3
    assert "限制信件" not in html


def test_deck_shows_records_through_the_viewers_access_policy(client, django_user_model):
    staff_only = ItemFactory(title="档案员才能看的信", access_level="staff")
    for_researchers = ItemFactory(title="研究人员可见的手稿", access_level="researchers")
    _index, _exhibition, (chapter,) = exhibition_tree(
        [stream(item_block(staff_only), item_block(for_researchers))]
    )
    html = _classroom(client, chapter)
    assert html.count('class="restricted-notice"') == 2
    assert "档案员才能看的信" not in html and "研究人员可见的手稿" not in html
    researcher = django_user_model.objects.create_user("researcher", password="x")
    researcher.user_permissions.add(Permission.objects.get(codename="view_researcher_items"))
    client.force_login(researcher)
    html = _classroom(client, chapter)
    assert "研究人员可见的手稿" in html and "档案员才能看的信" not in html


def test_english_site_shows_english_titles_and_marks_chinese_slides(client, settings):
    _index, _exhibition, (chapter,) = exhibition_tree(
        [stream({"type": "text", "value": "<p>只有中文的正文</p>"})]
    )
    ChapterPage.objects.filter(pk=chapter.pk).update(title_en="Chapter One")
    chapter.refresh_from_db()
    chapter.save_revision().publish()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _classroom(client, chapter)
    assert '<h1 class="slide-title__heading">Chapter One</h1>' in html
    # The body has no English: its slide says it is Chinese, for screen readers and fonts.
    assert re.search(r'id="slide-2"[^>]+lang="zh-Hans"', html)
