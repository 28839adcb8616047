"""The citation section, Highwire tags and COinS on the item, interview and scientist pages."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest
from django.core.files.base import ContentFile

from media_pipeline.models import ItemFile

pytestmark = pytest.mark.django_db


class CitationMarkup(HTMLParser):
    """The parts of a page a reference manager reads: meta tags, COinS spans, citations."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.coins: list[str] = []
        self.styles: list[str] = []
        self.copy_buttons: list[str] = []
        self.labels: list[str] = []
        self._in_dt = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("name", "").startswith("citation_"):
            self.meta.append((a["name"], a["content"]))
        if tag == "span" and "Z3988" in a.get("class", "").split():
            self.coins.append(a["title"])
        if tag == "p" and "data-style" in a:
            self.styles.append(a["data-style"])
        if tag == "button" and "data-cite-copy" in a:
            self.copy_buttons.append(a["data-cite-copy"])
        self._in_dt = tag == "dt"

    def handle_data(self, data: str) -> None:
        if self._in_dt and data.strip():
            self.labels.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        self._in_dt = False


def _markup(client, url: str) -> tuple[CitationMarkup, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    parser = CitationMarkup()
    parser.feed(html)
    return parser, html


def test_item_page_carries_highwire_tags(client, qian):
    page, _html = _markup(client, "/archive/items/QXS-002/")
    assert page.meta == [
        ("citation_title", "致周培源的信"),
        ("citation_author", "钱学森"),
        ("citation_author", "蒋英"),
        ("citation_date", "1950"),
        ("citation_publisher", "上海交通大学钱学森图书馆"),
        ("citation_archive_id", "QXS-002"),
        ("citation_series_title", "钱学森档案"),
        ("citation_language", "zh-Hans"),
        ("citation_public_url", "http://testserver/archive/items/QXS-002/"),
        ("citation_abstract_html_url", "http://testserver/archive/items/QXS-002/"),
    ]


def test_highwire_date_keeps_month_and_day(client, qian):
    page, _html = _markup(client, "/archive/items/QXS-003/")
    assert ("citation_date", "1955/10/08") in page.meta


def test_pdf_the_visitor_may_download_is_offered_as_citation_pdf_url(client, qian):
    pdf = ItemFile(
        item=qian["manuscript"],
        sequence=1,
        original_filename="translation.pdf",
        sha256="b" * 64,
        size=8,
        mime_type="application/pdf",
    )
    pdf.master.save("bb/translation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    page, _html = _markup(client, "/archive/items/QXS-001/")
    [pdf_url] = [content for name, content in page.meta if name == "citation_pdf_url"]
    assert pdf_url == f"http://testserver{pdf.master_url}"


def test_item_page_has_a_coins_span_zotero_can_read(client, qian):
    page, _html = _markup(client, "/archive/items/QXS-002/")
    [title] = page.coins
    context = parse_qs(title)
    assert context["ctx_ver"] == ["Z39.88-2004"]
    assert context["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
    assert context["rft.title"] == ["致周培源的信"]
    assert context["rft.creator"] == ["钱学森", "蒋英"]
    assert context["rft.type"] == ["letter"]
    assert context["rft.date"] == ["1950"]
    assert context["rft.source"] == ["钱学森档案"]
    assert context["rft_id"] == ["http://testserver/archive/items/QXS-002/"]


def test_a_publication_uses_the_book_format_in_coins(client, qian):
    page, _html = _markup(client, "/archive/items/QXS-005/")
    context = parse_qs(page.coins[0])
    assert context["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"]
    assert context["rft.btitle"] == ["工程控制论"] and context["rft.au"] == ["钱学森"]


def test_cite_section_shows_three_labelled_styles_gb_t_first_with_copy_and_downloads(client, qian):
    page, html = _markup(client, "/archive/items/QXS-001/")
    assert page.styles == ["gb-t-7714", "chicago", "apa", "archival"]
    assert page.copy_buttons == ["cite-gb-t-7714", "cite-chicago", "cite-apa"]
    assert page.labels.index("GB/T 7714-2015") < page.labels.index("Chicago (18th ed.)")
    assert "钱学森. 《工程控制论》中文译本: QXS-001[A/OL]." in html
    assert "钱学森：《工程控制论》中文译本，1956年3月" in html
    assert "《《" not in html
    for fmt in ("ris", "bib", "json"):
        assert f'href="/archive/items/QXS-001/cite.{fmt}"' in html
    # The copy button is the site's own script, not a third party's.
    assert '<script src="/static/collections/cite.js" defer></script>' in html


def test_labels_in_english(client, qian, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page, html = _markup(client, "/archive/items/QXS-001/")
    assert "Cite this record" in html
    for label in ("Stable URL", "GB/T 7714-2015", "Chicago (18th ed.)", "APA (7th ed.)"):
        assert label in page.labels
    assert "Chinese archival citation" in page.labels
    assert "Download the citation" in page.labels
    assert "Copy the APA (7th ed.) citation" in html


def test_labels_in_chinese(client, qian):
    page, html = _markup(client, "/archive/items/QXS-001/")
    assert "引用本记录" in html
    assert "下载引文" in page.labels and "中文档案引文格式" in page.labels


def test_interview_page_cites_the_moment(client, qian):
    page, html = _markup(client, "/archive/items/QXS-KS-001/interview/?t=65")
    assert page.styles == ["gb-t-7714", "chicago", "apa", "archival"]
    assert "钱学森. 钱学森口述访谈, 00:01:05[A/OL]." in html
    assert 'href="/archive/items/QXS-KS-001/cite.ris?t=65"' in html
    assert 'href="http://testserver/archive/items/QXS-KS-001/interview/?t=65"' in html
    assert 'href="#cite"' in html  # the player points at the citations of its moment


def test_interview_page_without_a_moment_cites_the_record(client, qian):
    _page, html = _markup(client, "/archive/items/QXS-KS-001/interview/")
    assert "钱学森. 钱学森口述访谈[A/OL]." in html
    assert 'href="/archive/items/QXS-KS-001/cite.ris"' in html


def test_scientist_page_offers_styles_and_downloads(client, qian):
    page, html = _markup(client, "/archive/scientists/qian-xuesen/")
    assert page.styles == ["gb-t-7714", "chicago", "apa"]
    assert "上海交通大学钱学森图书馆. 钱学森（" in html and "[EB/OL]" in html
    assert 'href="/archive/scientists/qian-xuesen/cite.bib"' in html
    assert len(page.coins) == 1


def test_restricted_item_page_still_refuses_without_citation_markup(client, qian):
    letter = qian["letter"]
    letter.access_level = "researchers"
    letter.save()
    response = client.get("/archive/items/QXS-002/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "citation_" not in html and "Z3988" not in html


def test_interview_page_carries_highwire_tags_of_the_moment(client, qian):
    page, _html = _markup(client, "/archive/items/QXS-KS-001/interview/?t=65")
    meta = dict(page.meta)
    assert meta["citation_title"] == "钱学森口述访谈, 00:01:05"
    assert meta["citation_author"] == "钱学森"
    assert meta["citation_date"] == "1990/05/03"
    assert meta["citation_public_url"] == (
        "http://testserver/archive/items/QXS-KS-001/interview/?t=65"
    )
