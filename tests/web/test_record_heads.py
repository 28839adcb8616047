"""Archive record pages: canonical link, Open Graph and schema.org JSON-LD in the head."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from archive_collections.citations.record import literal_names
from archive_collections.models import ScientistAffiliation, ScientistHonour, ScientistName
from tests.factories import (
    DisciplineFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)

from .conftest import head_of, scan_with_derivatives

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
XSS = "</script><script>alert(1)</script>"


def portrait() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 400), (90, 90, 90)).save(buffer, "PNG")
    return Image.objects.create(title="肖像", file=ImageFile(buffer, name="portrait.png"))


@pytest.fixture
def qian():
    scientist = ScientistFactory(
        identifier="qian-xuesen",
        name="钱学森",
        birth_date_text="1911年12月11日",
        birth_year=1911,
        death_date_text="2009年10月31日",
        death_year=2009,
        birth_place="上海",
        summary="力学家",
        portrait=portrait(),
    )
    for kind, name in [
        ("wade_giles", "Tsien Hsue-shen"),
        ("english", "H. S. Tsien"),
        ("former", "钱学榘"),
        ("courtesy", "字某"),
        ("art", "号某"),
    ]:
        ScientistName.objects.create(scientist=scientist, kind=kind, name=name)
    ScientistHonour.objects.create(scientist=scientist, title="两弹一星功勋奖章", year=1999)
    ScientistAffiliation.objects.create(scientist=scientist, institution="中国科学院力学研究所")
    scientist.disciplines.add(DisciplineFactory(name="力学"))
    scientist.save()  # parental relations reach the database on save
    return scientist


@pytest.fixture
def letter(qian):
    series = SeriesFactory(fonds__scientist=qian, fonds__collecting_institution="中国科学技术馆")
    item = ItemFactory(
        series=series,
        identifier="QXS-SG-001",
        title="致友人的信",
        item_type="letter",
        date_text="1956年3月12日",
        creators="钱学森；某研究所",
        description="谈研究所筹建。",
        language="zh-Hans",
        rights_statement="http://rightsstatements.org/vocab/NoC-NC/1.0/",
    )
    item.scientists.add(qian)
    item.subjects.add("力学")
    item.save()
    scan_with_derivatives(item)
    return item


def test_item_page_head(client, letter, qian):
    head = head_of(client, "/archive/items/QXS-SG-001/?file=1&page=2")
    url = f"{BASE}/archive/items/QXS-SG-001/"
    assert head.canonical == url
    assert head.meta["og:url"] == url
    assert head.meta["og:title"] == "致友人的信"
    assert head.meta["og:description"] == "谈研究所筹建。"
    assert head.meta["og:type"] == "article"
    image = head.meta["og:image"]
    assert image.startswith(BASE) and image.endswith("/derivatives/web.jpg")
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("400", "300")
    assert head.meta["og:image:alt"] == "致友人的信"

    record = head.record
    assert record["@context"] == "https://schema.org"
    assert record["@type"] == ["ArchiveComponent", "Message"]
    assert (record["name"], record["identifier"], record["url"]) == (
        "致友人的信",
        "QXS-SG-001",
        url,
    )
    assert record["dateCreated"] == "1956-03-12"
    assert record["creator"][0]["name"] == "钱学森" and record["creator"][1] == "某研究所"
    assert [person["name"] for person in record["about"]] == ["钱学森"]
    assert record["about"][0]["url"] == f"{BASE}/archive/scientists/qian-xuesen/"
    assert record["holdingArchive"] == {"@type": "ArchiveOrganization", "name": "中国科学技术馆"}
    assert [part["url"] for part in record["isPartOf"]] == [
        f"{BASE}{letter.series.get_absolute_url()}",
        f"{BASE}{letter.series.fonds.get_absolute_url()}",
    ]
    assert record["inLanguage"] == "zh-Hans"
    assert record["license"] == "http://rightsstatements.org/vocab/NoC-NC/1.0/"
    assert record["keywords"] == ["力学"]
    assert record["image"] == image
    assert record["thumbnailUrl"].endswith("/derivatives/thumb.jpg")
    # The image is one the site serves anonymous visitors.
    served = client.get(urlsplit(image).path)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_scientist_page_head(client, qian):
    head = head_of(client, "/archive/scientists/qian-xuesen/?type=letter")
    url = f"{BASE}/archive/scientists/qian-xuesen/"
    assert head.canonical == url == head.meta["og:url"]
    assert head.meta["og:type"] == "profile"
    person = head.record
    assert person["@type"] == "Person"
    assert person["name"] == "钱学森"
    assert set(person["alternateName"]) == {
        "Qian Xuesen",
        "Tsien Hsue-shen",
        "H. S. Tsien",
        "钱学榘",
        "字某",
        "号某",
    }
    assert (person["birthDate"], person["deathDate"]) == ("1911-12-11", "2009-10-31")
    assert person["birthPlace"] == {"@type": "Place", "name": "上海"}
    assert person["affiliation"] == [{"@type": "Organization", "name": "中国科学院力学研究所"}]
    assert person["award"] == ["两弹一星功勋奖章"]
    assert person["knowsAbout"] == ["力学"]
    # The portrait is Wagtail's signed rendition URL, served by this site to anyone.
    assert person["image"] == head.meta["og:image"]
    served = client.get(urlsplit(person["image"]).path)
    assert served.status_code == 200 and served["Content-Type"].startswith("image/")


def test_life_dates_fall_back_to_the_years(client):
    ScientistFactory(identifier="li", birth_date_text="清末", birth_year=1905, death_year=1990)
    person = head_of(client, "/archive/scientists/li/").record
    assert (person["birthDate"], person["deathDate"]) == ("1905", "1990")


def test_fonds_and_series_page_heads(client, letter, qian):
    series, fonds = letter.series, letter.series.fonds
    fonds_head = head_of(client, fonds.get_absolute_url())
    assert fonds_head.canonical == f"{BASE}{fonds.get_absolute_url()}"
    collection = fonds_head.record
    assert collection["@type"] == ["ArchiveComponent", "Collection"]
    assert collection["identifier"] == fonds.identifier
    assert collection["creator"]["name"] == "钱学森"
    assert collection["dateCreated"] == "1930/2000"
    assert fonds_head.meta["og:image"].startswith(f"{BASE}/images/")

    series_head = head_of(client, series.get_absolute_url() + "?page=2")
    assert series_head.canonical == f"{BASE}{series.get_absolute_url()}"
    part = series_head.record
    assert part["@type"] == ["ArchiveComponent", "Collection"]
    assert part["isPartOf"][-1]["identifier"] == fonds.identifier
    assert series_head.meta["og:title"].startswith(series.title)


def test_interview_page_head(client):
    interview = InterviewFactory(interview_date=date(2012, 5, 4), place="北京")
    url = f"{BASE}/archive/items/{interview.item.identifier}/interview/"
    head = head_of(client, url.removeprefix(BASE))
    assert head.canonical == url == head.meta["og:url"]
    record = head.record
    assert record["url"] == url
    assert record["sameAs"] == f"{BASE}{interview.item.get_absolute_url()}"
    assert record["about"][0]["name"] == interview.interviewee.name
    assert record["dateCreated"] == "2012-05-04"
    assert record["duration"] == "PT60S"
    assert record["contentLocation"]["name"] == "北京"
    # The page's own description, in the site's language.
    assert (
        head.meta["og:description"]
        == f"{interview.interviewee.name}口述访谈：录音、同步文字稿和索引。"
    )


def test_markup_in_a_title_cannot_leave_the_script(client):
    item = ItemFactory(title=XSS, description=f"说明{XSS}")
    head = head_of(client, item.get_absolute_url())
    assert head.html.count("<script>alert(1)") == 0
    assert head.record["name"] == XSS
    assert head.meta["og:title"] == XSS


@pytest.mark.parametrize("level", ["researchers", "staff", "embargoed"])
def test_hidden_records_render_no_head_at_all(client, hidden_items, level):
    item = hidden_items[level]
    scan_with_derivatives(item)
    for url in (item.get_absolute_url(), f"/archive/items/{item.identifier}/interview/"):
        response = client.get(url)
        assert response.status_code in (403, 404)
        body = response.content.decode()
        assert "ld+json" not in body and "og:" not in body and item.title not in body


def test_a_researcher_sees_the_record_but_no_image_a_crawler_could_not_fetch(
    client, researcher, hidden_items
):
    item = hidden_items["researchers"]
    scan_with_derivatives(item)
    client.force_login(researcher)
    head = head_of(client, item.get_absolute_url())
    assert head.record["name"] == item.title
    assert "image" not in head.record and "thumbnailUrl" not in head.record
    assert "og:image" not in head.meta


def test_creators_are_split_as_the_citations_split_them(client, letter):
    """One creators field, one reading: the JSON-LD names the same people as the citation."""
    letter.creators = "钱学森、蒋英；某研究所"
    letter.save()
    creators = head_of(client, "/archive/items/QXS-SG-001/").record["creator"]
    names = [c["name"] if isinstance(c, dict) else c for c in creators]
    assert names == ["钱学森", "蒋英", "某研究所"]
    assert [a["literal"] for a in literal_names(letter.creators)] == names
