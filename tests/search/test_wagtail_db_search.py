"""Wagtail's own admin search on the database (no Elasticsearch): the page chooser, the image
chooser and the admin page search find Chinese words inside longer titles and bodies, in
traditional form too, and Latin words as before (search/wagtail_db_backend.py).

Runs on SQLite (FTS5) and again on PostgreSQL (full text): Wagtail's signal handlers index each
saved page and image, and `update_index` rebuilds the same entries."""

from __future__ import annotations

import io

import pytest
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import connection
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.search.backends import get_search_backend

from exhibits.models import StandardPage
from search.demo import build_search_index
from search.wagtail_db_index import indexed_text, query_phrases
from tests.pages import ensure_site, publish, stream

pytestmark = pytest.mark.django_db

EXHIBIT_TITLE = "两弹一星功勋科学家访谈录"
EXHIBIT_BODY = "本展览收录了风洞实验与火箭推进研究的手稿和照片。"
LATIN_TITLE = "Rocket Propulsion Lectures"
OTHER_TITLE = "地质力学野外考察"
IMAGE_TITLE = "钱学森在风洞实验室"
LATIN_IMAGE = "Wind tunnel model"


def _png(colour: str) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=f"{colour}.png")


@pytest.fixture
def content(settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_db_backend"}}
    home = ensure_site()
    body = stream({"type": "text", "value": f"<p>{EXHIBIT_BODY}</p>"})
    pages = [
        publish(home, StandardPage(title=EXHIBIT_TITLE, slug="exhibit", body=body)),
        publish(home, StandardPage(title=LATIN_TITLE, slug="rocket")),
        publish(home, StandardPage(title=OTHER_TITLE, slug="geology")),
    ]
    images = [
        Image.objects.create(title=IMAGE_TITLE, file=_png("red")),
        Image.objects.create(title=LATIN_IMAGE, file=_png("blue")),
    ]
    return pages, images


def _shown(client, path: str, q: str, titles) -> set[str]:
    response = client.get(path, {"q": q})
    assert response.status_code == 200, (path, q)
    html = response.content.decode()
    return {title for title in titles if title in html}


PAGE_TITLES = (EXHIBIT_TITLE, LATIN_TITLE, OTHER_TITLE)


def test_the_backend_is_the_chinese_one_for_this_database(content):
    expected = {
        "sqlite": "ChineseSQLiteSearchBackend",
        "postgresql": "ChinesePostgresSearchBackend",
    }
    assert type(get_search_backend()).__name__ == expected[connection.vendor]


def test_index_text_and_query_phrases():
    assert indexed_text("錢學森, DNA") == "钱 钱学 学 学森 森 dna"
    assert indexed_text(["风洞", "Qián"]) == "风 风洞 洞 qian"
    assert indexed_text(None) == ""
    assert query_phrases(["科学家", "——", "Rocket"]) == [["科学", "学", "学家"], ["rocket"]]


@pytest.mark.parametrize("path", ["/admin/choose-page/search/", "/admin/pages/search/"])
def test_page_search_finds_chinese_words_inside_title_and_body(client, superuser, content, path):
    client.force_login(superuser)

    def search(q: str) -> set[str]:
        return _shown(client, path, q, PAGE_TITLES)

    assert search("功勋") == {EXHIBIT_TITLE}  # from the middle of the title
    assert search("科学家") == {EXHIBIT_TITLE}
    assert search("風洞") == {EXHIBIT_TITLE}  # from the body, in traditional form
    assert search("火箭 手稿") == {EXHIBIT_TITLE}  # two body words, both required
    assert search("火箭 望远镜") == set()
    assert search("考察") == {OTHER_TITLE}
    assert search("望远镜") == set()
    # Characters that occur, but not next to each other, are not the word.
    assert search("功家") == set()
    # Latin-script search as before, word beginnings included (autocomplete).
    assert search("rocket") == {LATIN_TITLE}
    assert search("PROPULSION lect") == {LATIN_TITLE}


def test_image_chooser_and_listing_find_chinese_words_in_titles(client, superuser, content):
    client.force_login(superuser)
    titles = (IMAGE_TITLE, LATIN_IMAGE)
    chooser = "/admin/images/chooser/results/"
    assert _shown(client, chooser, "风洞", titles) == {IMAGE_TITLE}
    assert _shown(client, chooser, "學森", titles) == {IMAGE_TITLE}
    assert _shown(client, chooser, "tunnel", titles) == {LATIN_IMAGE}
    assert _shown(client, "/admin/images/", "实验室", titles) == {IMAGE_TITLE}


def test_image_tags_are_searchable(client, superuser, content):
    _pages, images = content
    image = images[1]
    image.tags.add("航空航天")
    image.save()
    client.force_login(superuser)
    titles = (IMAGE_TITLE, LATIN_IMAGE)
    assert _shown(client, "/admin/images/chooser/results/", "航天", titles) == {LATIN_IMAGE}


def test_update_index_rebuilds_the_chinese_entries(client, superuser, content):
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    client.force_login(superuser)
    assert _shown(client, "/admin/choose-page/search/", "功勋", PAGE_TITLES) == {EXHIBIT_TITLE}
    assert _shown(client, "/admin/choose-page/search/", "lectures", PAGE_TITLES) == {LATIN_TITLE}


def test_demo_index_build_replaces_entries_of_the_stock_backend(client, superuser, settings):
    """A database indexed by Wagtail's stock backend (before this one) is searchable in Chinese
    once load_demo's index build has run."""
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
    publish(ensure_site(), StandardPage(title=EXHIBIT_TITLE, slug="exhibit"))
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_db_backend"}}
    client.force_login(superuser)
    assert _shown(client, "/admin/choose-page/search/", "功勋", PAGE_TITLES) == set()
    build_search_index(log=lambda line: None)
    assert _shown(client, "/admin/choose-page/search/", "功勋", PAGE_TITLES) == {EXHIBIT_TITLE}
