"""Exhibit pages on the English site: the English fields of a page when a curator wrote them,
the Chinese with lang="zh-Hans" and a 中文 marker when not, one page tree and one URL for both."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from archive_collections.models import Scientist
from archive_site.importing import run_import
from exhibits.demo import load_theme_exhibition
from exhibits.models import ChapterPage, ExhibitionIndexPage, HomePage
from tests.factories import ChapterPageFactory, ItemFactory
from tests.pages import ensure_site, item_block, stream

pytestmark = pytest.mark.django_db

MARKER = '<span class="lang-fallback"><span lang="zh-Hans" aria-hidden="true">中文</span>'


@pytest.fixture
def chapters():
    item = ItemFactory(identifier="QXS-01-001", title="工程控制论手稿", title_en="Manuscript")
    translated = ChapterPageFactory(
        title="归国与奠基",
        title_en="Return and Foundations",
        introduction="新中国成立时……",
        introduction_en="When the People's Republic was founded…",
        body=stream({"type": "text", "value": "<p>中文正文</p>"}, item_block(item)),
        body_en=stream({"type": "text", "value": "<p>English body</p>"}, item_block(item)),
    )
    exhibition = translated.get_parent().specific
    exhibition.title_en = "Chinese Scientists"
    exhibition.save_revision().publish()
    untranslated = ChapterPageFactory(
        parent=exhibition,
        title="向科学进军",
        body=stream({"type": "text", "value": "<p>只有中文</p>"}),
    )
    return exhibition, translated, untranslated


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_translated_chapter_in_english(client, settings, chapters):
    _exhibition, translated, _untranslated = chapters
    english(client, settings)
    html = client.get(translated.url).content.decode()
    assert h1(html) == "Return and Foundations"
    assert "When the People&#x27;s Republic was founded…" in html
    assert "English body" in html and "中文正文" not in html
    # Records embedded in the English body are loaded like the Chinese body's.
    assert '<span class="item-card__title">Manuscript</span>' in html
    article = html[html.index("<article") : html.index("</article>")]
    assert "lang-fallback" not in article  # (the untranslated index in the breadcrumb is marked)
    assert "<title>Return and Foundations · " in html
    # Breadcrumb and the pager name the exhibition in English.
    assert '<a href="' + chapters[0].url + '">Chinese Scientists</a>' in html
    assert re.search(r"Next chapter</span> <span lang=\"zh-Hans\">向科学进军</span> ", html)


def test_untranslated_chapter_is_chinese_marked(client, settings, chapters):
    english(client, settings)
    html = client.get(chapters[2].url).content.decode()
    assert h1(html).startswith(f'<span lang="zh-Hans">向科学进军</span> {MARKER}')
    assert '<div class="exhibit-body" lang="zh-Hans">' in html
    assert "只有中文" in html
    assert "This part has not been translated into English yet" in html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html


def test_chinese_chapter_unchanged(client, chapters):
    html = client.get(chapters[1].url).content.decode()
    assert h1(html) == "归国与奠基"
    assert "中文正文" in html and "English body" not in html
    assert "lang-fallback" not in html and '<div class="exhibit-body">' in html


def test_exhibition_lists_chapters_in_english(client, settings, chapters):
    english(client, settings)
    html = client.get(chapters[0].url).content.decode()
    assert h1(html) == "Chinese Scientists"
    assert '<span class="chapter-nav__title">Return and Foundations</span>' in html
    assert (
        f'<span class="chapter-nav__title"><span lang="zh-Hans">向科学进军</span> {MARKER}' in html
    )


def test_home_intro_in_english(client, settings, chapters):
    home = HomePage.objects.get()
    home.title_en = "Archive and Exhibitions"
    home.introduction = "<p>中文简介</p>"
    home.introduction_en = "<p>An archive of scientists' papers.</p>"
    home.save_revision().publish()
    english(client, settings)
    html = client.get("/").content.decode()
    assert h1(html) == "Archive and Exhibitions"
    assert "An archive of scientists" in html and "中文简介" not in html
    home.introduction_en = ""
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert '<div class="hero__intro prose" lang="zh-Hans"><p>中文简介</p></div>' in html
    assert "This part has not been translated" in html


def test_page_cache_keeps_english_and_chinese_apart(client, settings, chapters, tmp_path):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    cache.clear()
    url = chapters[1].url
    try:
        assert h1(client.get(url).content.decode()) == "归国与奠基"
        english(client, settings)
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss" and h1(first.content.decode()) == (
            "Return and Foundations"
        )
        assert client.get(url)["X-Page-Cache"] == "hit"
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        chinese = client.get(url)
        assert chinese["X-Page-Cache"] == "hit" and h1(chinese.content.decode()) == "归国与奠基"
    finally:
        cache.clear()


def test_demo_exhibition_has_english(client, settings):
    ensure_site()
    exhibition = load_theme_exhibition(log=lambda line: None)
    assert exhibition.title_en.startswith("Chinese Scientists")
    assert exhibition.subtitle_en and exhibition.curators_statement_en
    assert ExhibitionIndexPage.objects.get().introduction_en
    for slug in ("founding", "march-on-science"):
        chapter = ChapterPage.objects.get(slug=slug)
        assert chapter.title_en and chapter.introduction_en
        # The same kinds of blocks as the Chinese body (records the archive lacks left out).
        assert [b.block_type for b in chapter.body_en] == [b.block_type for b in chapter.body]
    english(client, settings)
    html = client.get(ChapterPage.objects.get(slug="founding").url).content.decode()
    assert h1(html) == "Coming Home: Laying the Foundations of Science in the New China"
    assert "Key events" in html and "November 1949" in html


def test_demo_scientists_have_english_summaries(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(Path("fixtures/demo/scientists.csv"), folder / "scientists.csv")
    assert run_import(folder).ok
    summaries = dict(Scientist.objects.values_list("identifier", "summary_en"))
    assert len(summaries) == 13 and all(summaries.values())
