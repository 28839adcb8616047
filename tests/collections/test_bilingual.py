"""The English site over Chinese records: English fields when written, the Chinese marked 中文
when not, English dates, pinyin in English citations, one cached copy per language."""

from __future__ import annotations

import csv
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from archive_collections import bilingual
from archive_collections.dates import english_date
from archive_collections.models import Item, Scientist, ScientistName
from archive_site.importing import run_import
from tests.factories import FondsFactory, ItemFactory, ScientistFactory, SeriesFactory

pytestmark = pytest.mark.django_db

MARKER = '<span class="lang-fallback"><span lang="zh-Hans" aria-hidden="true">中文</span>'


@pytest.fixture
def qian():
    scientist = ScientistFactory(
        identifier="qian-xuesen",
        name="钱学森",
        name_pinyin="Qian Xuesen",
        birth_date_text="1911年12月11日",
        death_date_text="2009年10月31日",
        birth_year=1911,
        death_year=2009,
        summary="空气动力学家、系统科学家",
        summary_en="Aerodynamicist and systems scientist",
    )
    series = SeriesFactory(
        identifier="QXS-01", title="手稿", fonds=FondsFactory(identifier="QXS", scientist=scientist)
    )
    translated = ItemFactory(
        identifier="QXS-01-001",
        title="工程控制论手稿",
        title_en="Manuscript of Engineering Cybernetics",
        description="钱学森的手稿。",
        description_en="A manuscript in Qian Xuesen's hand.",
        creators="钱学森",
        date_text="1956年3月",
        series=series,
    )
    translated.scientists.add(scientist)
    translated.subjects.add("控制论")
    translated.save()
    untranslated = ItemFactory(
        identifier="QXS-01-002",
        title="致友人的信",
        description="只有中文的著录。",
        date_text="约1950年代",
        series=series,
    )
    return scientist, translated, untranslated


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_pick_follows_the_active_language(qian):
    _scientist, translated, untranslated = qian
    with translation.override("zh-hans"):
        assert bilingual.pick(translated, "title").value == "工程控制论手稿"
        assert not bilingual.pick(untranslated, "title").fallback
    with translation.override("en"):
        assert bilingual.pick(translated, "title").value == "Manuscript of Engineering Cybernetics"
        chosen = bilingual.pick(untranslated, "title")
        assert (chosen.value, chosen.fallback, chosen.lang) == ("致友人的信", True, "zh-Hans")
        # A blank Chinese field is no fallback: there is nothing to mark.
        assert not bilingual.pick(Item(title=""), "title").fallback


def test_english_item_page_shows_english_and_marks_the_chinese(client, settings, qian):
    english(client, settings)
    html = client.get("/archive/items/QXS-01-001/").content.decode()
    assert h1(html) == "Manuscript of Engineering Cybernetics"
    assert "A manuscript in Qian Xuesen&#x27;s hand." in html
    assert '<li class="tag">cybernetics</li>' in html  # the subject heading's English label
    assert "<title>Manuscript of Engineering Cybernetics · Old Scientists" in html
    assert MARKER not in html.split('id="cite"')[0]

    html = client.get("/archive/items/QXS-01-002/").content.decode()
    assert h1(html) == f'<span lang="zh-Hans">致友人的信</span> {MARKER}' + (
        '<span class="visually-hidden">(in Chinese: not yet translated)</span></span>'
    )
    assert '<td lang="zh-Hans"><p>只有中文的著录。</p>' in html


def test_chinese_pages_are_unchanged(client, qian):
    html = client.get("/archive/items/QXS-01-002/").content.decode()
    assert h1(html) == "致友人的信"
    assert "lang-fallback" not in html
    assert "约1950年代" in html
    html = client.get("/archive/scientists/qian-xuesen/").content.decode()
    assert h1(html) == "钱学森"
    assert "1911年12月11日—2009年10月31日" in html


def test_english_scientist_page(client, settings, qian):
    english(client, settings)
    html = client.get("/archive/scientists/qian-xuesen/").content.decode()
    assert h1(html) == "Qian Xuesen"
    assert '<p class="pinyin" lang="zh-Hans">钱学森</p>' in html
    assert "Aerodynamicist and systems scientist" in html
    assert "11 December 1911 – 31 October 2009" in html
    # Without an English summary the Chinese one is shown, marked.
    Scientist.objects.filter(pk=qian[0].pk).update(summary_en="")
    html = client.get("/archive/scientists/qian-xuesen/").content.decode()
    assert f'<p class="lead"><span lang="zh-Hans">空气动力学家、系统科学家</span> {MARKER}' in html


def test_an_english_name_variant_comes_before_the_pinyin(client, settings, qian):
    ScientistName.objects.create(scientist=qian[0], name="Hsue-Shen Tsien", kind="english")
    english(client, settings)
    assert h1(client.get("/archive/scientists/qian-xuesen/").content.decode()) == "Hsue-Shen Tsien"


@pytest.mark.parametrize(
    "written, expected",
    [
        ("1956年3月", "March 1956"),
        ("约1950年代", "c. 1950s"),
        ("1911年12月11日", "11 December 1911"),
        ("民国三十八年", "1949"),
        ("1956年3月—5月", "March–May 1956"),
        ("1953—54", "1953–1954"),
        ("1940年代前后", "c. 1940s"),
        ("不详", ""),
        ("某年某月", ""),
    ],
)
def test_english_dates(written, expected):
    assert english_date(written) == expected


def test_dates_on_the_english_pages(client, settings, qian):
    english(client, settings)
    html = client.get("/archive/items/QXS-01-001/").content.decode()
    assert '<span class="identifier">QXS-01-001</span> · March 1956</p>' in html
    # The date as written stays in the table, marked as Chinese.
    assert '<td><span lang="zh-Hans">1956年3月</span></td>' in html
    Item.objects.filter(identifier="QXS-01-001").update(date_text="不详")
    # Saving refuses a date it cannot read; one written before the parser knew better remains.
    ItemFactory(identifier="QXS-01-003", series=qian[1].series)
    Item.objects.filter(identifier="QXS-01-003").update(date_text="某年某月")
    listing = client.get("/archive/series/QXS-01/").content.decode()
    assert '<span class="item-row__date">c. 1950s</span>' in listing
    assert '<span class="item-row__date">Undated</span>' in listing
    # A date the parser cannot read stays as written, marked as Chinese.
    assert '<span class="item-row__date"><span lang="zh-Hans">某年某月</span></span>' in listing


def test_english_citation_romanises_names_and_brackets_the_english_title(client, settings, qian):
    english(client, settings)
    html = client.get("/archive/items/QXS-01-001/").content.decode()
    chicago = re.search(r'id="cite-chicago"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert chicago.startswith("Qian Xuesen.")
    assert "工程控制论手稿 [Manuscript of Engineering Cybernetics]" in chicago
    assert "钱学森" not in chicago.split("”")[0]  # the fonds keeps its catalogued title
    # The Chinese archival form keeps the characters.
    assert (
        '<p class="citation" lang="zh-Hans" data-style="archival">钱学森：《工程控制论手稿》'
        in html
    )

    html = client.get("/archive/scientists/qian-xuesen/").content.decode()
    apa = re.search(r'id="cite-apa"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "Qian Xuesen (钱学森, 1911–2009)" in apa


def test_chinese_citation_is_unchanged(client, qian):
    html = client.get("/archive/items/QXS-01-001/").content.decode()
    chicago = re.search(r'id="cite-chicago"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert chicago.startswith("钱学森.") and "[Manuscript" not in chicago


def test_site_name_in_english(client, settings, qian):
    english(client, settings)
    html = client.get("/archive/").content.decode()
    assert f'<a class="site-name" href="/">{escape(settings.SITE_NAME_EN)}</a>' in html
    assert settings.WAGTAIL_SITE_NAME not in html


def test_page_cache_keeps_each_language_apart(client, settings, qian, tmp_path):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    cache.clear()
    url = "/archive/items/QXS-01-001/"
    try:
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss" and h1(first.content.decode()) == "工程控制论手稿"
        english(client, settings)
        in_english = client.get(url)
        assert in_english["X-Page-Cache"] == "miss"
        assert h1(in_english.content.decode()) == "Manuscript of Engineering Cybernetics"
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit" and h1(again.content.decode()).startswith("Manu")
        assert again["Content-Language"] == "en"
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        chinese = client.get(url)
        assert chinese["X-Page-Cache"] == "hit" and h1(chinese.content.decode()) == "工程控制论手稿"
    finally:
        cache.clear()


def test_importer_reads_the_english_columns(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    tables = {
        "scientists": [
            ["identifier", "name", "summary", "英文简介"],
            ["hua-luogeng", "华罗庚", "数学家", "Mathematician"],
        ],
        "fonds": [["identifier", "title", "scientist"], ["HLG", "华罗庚资料", "hua-luogeng"]],
        "series": [["identifier", "title", "fonds"], ["HLG-01", "手稿", "HLG"]],
        "items": [
            ["identifier", "title", "title_en", "type", "series", "description", "description_en"],
            [
                "HLG-01-001",
                "堆垒素数论",
                "Additive Theory of Prime Numbers",
                "manuscript",
                "HLG-01",
                "手稿",
                "The manuscript",
            ],
        ],
    }
    for kind, rows in tables.items():
        with open(folder / f"{kind}.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    report = run_import(folder)
    assert report.ok, report
    assert Scientist.objects.get(identifier="hua-luogeng").summary_en == "Mathematician"
    item = Item.objects.get(identifier="HLG-01-001")
    assert (item.title_en, item.description_en) == (
        "Additive Theory of Prime Numbers",
        "The manuscript",
    )


@pytest.mark.parametrize("url", ["/archive/scientists/", "/"])
def test_english_scientist_cards_do_not_query_per_card(client, settings, url):
    """A scientist card on the English site shows the English name variant: it is read with
    the list, not with one query per card (the scientist list and the home page's featured
    scientists asked once per card)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.PAGE_CACHE_SECONDS = 0

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    ScientistFactory(name="钱学森")
    queries()  # the first request of a test sets up what every later one reuses
    few = queries()
    for name in ("华罗庚", "屠呦呦", "袁隆平", "邓稼先"):
        ScientistName.objects.create(
            scientist=ScientistFactory(name=name), name="X", kind="english"
        )
    assert queries() == few
