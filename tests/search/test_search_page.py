"""The search page's own interface (#16.2/3): results labelled by type with an icon, snippets
under the field they come from, applied filters as removable chips, the filter drawer, the
autocomplete boxes, the search landmarks' names, and queries made only of operators or
punctuation explained. The layout on a phone is measured in tests/browser/test_search_phone.py."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _results(html: str) -> list[str]:
    return re.findall(
        r'<li class="search-group .*?</li>\s*(?=<li class="search-group|</ol>)', html, re.S
    )


def _title(result: str) -> str:
    """A result's title as text (on the English site a Chinese title carries its 中文 marker)."""
    link = re.search(r"<h2><a [^>]*>(.*?)</a>", result).group(1)
    link = re.sub(r'<span class="lang-fallback">.*', "", link)
    return re.sub(r"<[^>]+>", "", link).strip()


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(unescape(url)).query)


def test_each_result_and_hit_names_its_type_beside_an_icon(client, db_archive):
    html = client.get("/search/", {"q": "钱学森"}).content.decode()
    results = {_title(r): r for r in _results(html)}
    letter = results["钱学森致友人的书信"]
    assert '<use href="#icon-letter">' in letter and "<span>Letter</span>" in letter
    assert '<use href="#icon-manuscript">' in results["工程控制论手稿"]
    assert "<span>Manuscript</span>" in results["工程控制论手稿"]
    person = results["Qian Xuesen"]  # the English site names the scientist in pinyin
    assert '<use href="#icon-scientist">' in person and "<span>Scientist</span>" in person
    # The icons are the page's own inline SVG symbols: nothing fetched, no icon font.
    assert '<symbol id="icon-letter"' in html and "font-awesome" not in html

    inside = client.get("/search/", {"q": "基本概念 OR 火箭推进"}).content.decode()
    assert '<use href="#icon-page"></use></svg>Page of a scan' in inside
    assert '<use href="#icon-moment"></use></svg>Interview moment' in inside


def test_snippets_are_shown_under_the_field_they_come_from(client, db_archive):
    html = client.get("/search/", {"q": "加州理工学院"}).content.decode()
    manuscript = next(r for r in _results(html) if "工程控制论手稿" in r)
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', manuscript, re.S).group(1)
    assert re.match(r'<span class="search-snippet__field">Description:</span> .*<mark>', snippet)

    title = client.get("/search/", {"q": "工程控制论"}).content.decode()
    assert re.search(r'search-snippet__field">Title:</span> <mark>工程控制论</mark>', title)


def test_applied_filters_are_chips_that_each_remove_one_filter(client, db_archive):
    response = client.get(
        "/search/", {"q": "钱学森", "type": ["letter", "manuscript"], "from": "1950", "to": "1960"}
    )
    html = response.content.decode()
    chips = dict(
        (unescape(name), href)
        for href, name in re.findall(
            r'<a class="search-chip" href="([^"]+)"[^>]*aria-label="([^"]+)"', html
        )
    )
    assert set(chips) == {
        "Remove filter: Letter",
        "Remove filter: Manuscript",
        "Remove filter: 1950–1960",
    }
    without_letter = _params(chips["Remove filter: Letter"])
    assert without_letter["type"] == ["manuscript"] and without_letter["from"] == ["1950"]
    without_years = _params(chips["Remove filter: 1950–1960"])
    assert "from" not in without_years and "to" not in without_years
    assert without_years["type"] == ["letter", "manuscript"]
    clear = re.search(r'<a class="search-chips__clear" href="([^"]+)"', html).group(1)
    assert _params(clear) == {"q": ["钱学森"]}
    # The filters wait in a drawer that is closed until opened (search.js opens it on a
    # desktop); the chips and results come before nothing but the toolbar.
    drawer = re.search(r"<details class=\"search-drawer\"[^>]*>", html).group(0)
    assert " open" not in drawer
    assert html.index('class="search-chips"') < html.index('class="search-groups"')
    assert html.index("search-drawer") < html.index('class="search-facets"')


def test_the_search_landmarks_have_unique_names_and_boxes_autocomplete(client, db_archive):
    html = client.get("/search/", {"q": "钱学森"}).content.decode()
    names = re.findall(r'<form [^>]*role="search" aria-label="([^"]+)"', html)
    assert names == ["Site search", "Search the archive"]
    boxes = re.findall(r'<input id="([^"]+)" type="search"[^>]*data-autocomplete="([^"]+)"', html)
    assert boxes == [
        ("site-search-q", "/api/search/autocomplete/"),
        ("search-q", "/api/search/autocomplete/"),
    ]
    assert "search/autocomplete.js" in html and "search/search.js" in html
    # Every public page loads the suggestions script for the header's box.
    elsewhere = client.get("/archive/").content.decode()
    assert "search/autocomplete.js" in elsewhere and 'aria-label="Site search"' in elsewhere


def test_autocomplete_suggests_nothing_for_an_empty_box(client, db_archive):
    for text in ("", "   "):
        data = client.get("/api/search/autocomplete/", {"q": text}).json()
        assert data["results"] == []
    assert client.get("/api/search/autocomplete/", {"q": "钱"}).json()["results"]


OPERATOR_QUERIES = {
    # query: (what the page says it searched, the phrase offered or None)
    "-v": ("was read as an exclusion", '"-v"'),
    "--help": ("so the search was for: help.", '"--help"'),
    "()": ("holds only search operators and punctuation", None),
    '"': ("holds only search operators and punctuation", None),
    "+": ("holds only search operators and punctuation", None),
    "|": ("holds only search operators and punctuation", None),
}


@pytest.mark.parametrize("text", list(OPERATOR_QUERIES))
def test_a_query_of_only_operators_is_explained(client, db_archive, text):
    explanation, phrase = OPERATOR_QUERIES[text]
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    reading = re.search(r'<div class="notice search-message search-reading".*?</div>', html, re.S)
    assert reading, html
    said = " ".join(reading.group(0).split())
    assert f"“{text}”" in said and explanation in said
    # The generic sentences said nothing true about these queries.
    assert "only of exclusions" not in html and "nothing to search for" not in html
    assert "Nothing found" not in html
    offered = re.search(r'<a href="([^"]+)">Search for the exact text (.*?) instead</a>', said)
    if phrase is None:
        assert offered is None
        return
    assert offered.group(2) == phrase
    assert _params(offered.group(1))["q"] == [phrase]
    # The phrase searches the literal text and is no longer read as operators.
    literal = client.get("/search/", {"q": phrase}).content.decode()
    assert "search-reading" not in literal


def test_a_query_with_words_is_not_explained_as_operators(client, db_archive):
    for text in ("钱学森 -书信", "手稿 OR 书信", "title:手稿"):
        html = client.get("/search/", {"q": text}).content.decode()
        assert "search-reading" not in html, text


def test_autocomplete_suggests_places_and_subjects_the_caller_may_see(client, db_archive):
    public = ItemFactory(
        identifier="QXS-9100", series=db_archive.series, places="加州帕萨迪纳；北京"
    )
    public.subjects.add("空气动力学")
    public.save()
    hidden = ItemFactory(
        identifier="QXS-9101",
        series=db_archive.series,
        access_level="researchers",
        places="酒泉",
    )
    hidden.subjects.add("空气动力试验")
    hidden.save()

    def suggested(text):
        data = client.get("/api/search/autocomplete/", {"q": text}).json()
        return [(r["text"], r["kind"]) for r in data["results"]]

    assert suggested("空气") == [("空气动力学", "subject")]
    assert ("加州帕萨迪纳", "place") in suggested("帕萨")
    assert suggested("酒泉") == []
    # People come before subjects and places, titles after them.
    kinds = [kind for _text, kind in suggested("钱学森")]
    order = ["scientist", "subject", "place", "item"]
    assert kinds[0] == "scientist" and kinds == sorted(kinds, key=order.index)


def test_results_offer_their_export_and_a_permalink_with_every_filter(client, db_archive):
    """The page gives the CSV and RIS of the same search and a link that reopens it; a search
    with nothing found offers neither."""
    html = client.get("/search/", {"q": "钱学森", "type": "letter", "page": "1"}).content.decode()
    csv = re.search(r'<a href="([^"]+)">CSV</a>', html).group(1)
    ris = re.search(r'<a href="([^"]+)">RIS</a>', html).group(1)
    assert urlsplit(unescape(csv)).path.endswith("export.csv")
    assert urlsplit(unescape(ris)).path.endswith("export.ris")
    assert _params(csv) == _params(ris) and _params(csv)["type"] == ["letter"]
    permalink = re.search(r'id="search-permalink" type="url" readonly value="([^"]+)"', html)
    assert permalink and _params(permalink.group(1)) == {
        "q": ["钱学森"],
        "type": ["letter"],
        "sort": ["relevance"],
    }
    assert urlsplit(unescape(permalink.group(1))).scheme in ("http", "https")
    exported = b"".join(client.get(unescape(csv)).streaming_content)
    rows = exported.decode("utf-8-sig").splitlines()
    assert len(rows) >= 2  # the header and the letter
    nothing = client.get("/search/", {"q": "不存在的词语组合"}).content.decode()
    assert "search-permalink" not in nothing and ">CSV</a>" not in nothing


def test_on_the_english_site_results_are_titled_in_english(client, db_archive, settings):
    """The finding (F's part of #16): the English search page listed every title in Chinese.
    An item with an English title shows it; a scientist shows the English name or the pinyin;
    an item without one keeps its Chinese title, marked as Chinese."""
    db_archive.letter.title_en = "Qian Xuesen's letter to a friend"
    db_archive.letter.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/search/", {"q": "钱学森"}).content.decode()
    titles = [unescape(t) for t in re.findall(r"<h2><a href=\"[^\"]+\">(.*?)</a></h2>", html)]
    assert "Qian Xuesen's letter to a friend" in titles
    assert any(
        t.startswith("Qian Xuesen") and "lang=" not in t for t in titles if "letter" not in t
    )
    assert " · <span>1956</span>" in html and " · <span>1956年</span>" not in html
    manuscript = next(t for t in titles if "工程控制论手稿" in t)
    assert 'lang="zh-Hans"' in manuscript and "中文" in manuscript
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    chinese = client.get("/search/", {"q": "钱学森"}).content.decode()
    assert "钱学森致友人的书信" in chinese and "Qian Xuesen's letter" not in chinese
