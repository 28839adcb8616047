"""The search page, the JSON API, incremental indexing and degradation (database engine)."""

import socket

import pytest
from django.core.management import call_command

from search.contract import FACETS
from search.engines import reset_engines
from search.models import IndexedDocument
from search.service import FACET_TITLES

pytestmark = pytest.mark.django_db


def test_page_shows_grouped_hits_with_page_and_time_links(client, db_archive):
    response = client.get("/search/", {"q": "基本概念 OR 火箭推进"})
    assert response.status_code == 200
    html = response.content.decode()
    manuscript = db_archive.manuscript.get_absolute_url()
    # The matched OCR line, box [100, 200, 800, 50] on a 1000×2000 page, as page fractions.
    second = db_archive.manuscript.files.get(sequence=2).pk
    link = f"{manuscript}?file={second}&amp;page=1&amp;hlr=0.1000%2C0.1000%2C0.8000%2C0.0250"
    assert f'href="{link}"' in html
    assert f'href="{db_archive.interview.item.get_absolute_url()}?t=754"' in html
    assert "00:12:34" in html
    assert "<mark>" in html


def test_page_facets_and_filters_are_links(client, db_archive):
    response = client.get("/search/", {"q": "钱学森", "type": "letter"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "钱学森致友人的书信" in html and "工程控制论手稿" not in html
    assert 'aria-current="true"' in html


def test_page_empty_and_bad_queries(client, db_archive):
    assert client.get("/search/").status_code == 200
    for q in ['"', "title:(", "*:*", "😀", "a" * 10240, "\x00"]:
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200
    long = client.get("/search/", {"q": "钱" * 10240}).content.decode()
    assert "only the beginning was used" in long
    odd = client.get("/search/", {"q": "😀"}).content.decode()
    assert "nothing to search for" in odd
    assert client.get("/search/", {"q": "x", "page": "abc", "from": "zz"}).status_code == 200


def test_page_did_you_mean(client, db_archive):
    html = client.get("/search/", {"q": "Tsien Hsue-shen"}).content.decode()
    assert "Did you mean" in html and "钱学森" in html
    html = client.get("/search/", {"q": "錢學森"}).content.decode()
    assert "Did you mean" in html


def test_api_contract(client, db_archive):
    data = client.get("/api/search/", {"q": "钱学森", "per_page": 2}).json()
    assert data["total"] >= 5 and len(data["groups"]) == 2
    assert set(data["facets"]) >= {"type", "scientist", "decade", "has_scan"}
    hits = client.get("/api/search/", {"q": "火箭推进"}).json()["groups"][0]["hits"]
    assert hits[0]["timecode"] == "00:12:34"


def test_api_hides_restricted_for_anonymous_and_shows_staff(client, db_archive, staff_user):
    assert client.get("/api/search/", {"q": "档案内容"}).json()["total"] == 0
    client.force_login(staff_user)
    assert client.get("/api/search/", {"q": "档案内容"}).json()["total"] == 3


def test_autocomplete_api(client, db_archive):
    data = client.get("/api/search/autocomplete/", {"q": "qian"}).json()
    assert data["results"][0]["text"] == "钱学森"
    texts = [
        r["text"]
        for r in client.get("/api/search/autocomplete/", {"q": "钱学森"}).json()["results"]
    ]
    assert "钱学森绝密手稿" not in texts


def test_incremental_indexing_on_save_and_delete(
    client, db_archive, django_capture_on_commit_callbacks
):
    def committed(action):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            action()
        assert callbacks, "a change must schedule reindexing on commit"

    item = db_archive.letter
    item.title = "钱学森致友人的长信"
    committed(item.save)
    assert client.get("/api/search/", {"q": "长信"}).json()["total"] == 1
    item.access_level = "staff"
    committed(item.save)
    assert client.get("/api/search/", {"q": "长信"}).json()["total"] == 0
    segment = db_archive.segment
    segment.text = "我在美国研究喷气推进。"
    committed(segment.save)
    assert client.get("/api/search/", {"q": "喷气"}).json()["total"] == 1
    committed(segment.delete)
    assert client.get("/api/search/", {"q": "喷气"}).json()["total"] == 0
    assert not IndexedDocument.objects.filter(doc_id=f"segment:{segment.pk}").exists()


def test_rebuild_command_prunes_and_keeps_searching(db_archive, capsys):
    IndexedDocument.objects.create(
        doc_id="item:999999", kind="item", group_key="item:999999", data={}, access_level="public"
    )
    call_command("rebuild_search_index", "--no-progress", "--engine", "database")
    assert not IndexedDocument.objects.filter(doc_id="item:999999").exists()
    assert IndexedDocument.objects.filter(kind="page").count() == 5
    assert "database:" in capsys.readouterr().out


def test_admin_status_page(client, db_archive, superuser):
    client.force_login(superuser)
    response = client.get("/admin/search-index/")
    assert response.status_code == 200
    assert b"segment" in response.content


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_elasticsearch_falls_back_to_database(client, db_archive, settings):
    pytest.importorskip("elasticsearch")
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    settings.ELASTICSEARCH_TIMEOUT = 1
    settings.SEARCH_ENGINE = "elasticsearch"
    reset_engines()
    response = client.get("/search/", {"q": "钱学森"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "not reachable" in html and "钱学森致友人的书信" in html
    data = client.get("/api/search/", {"q": "钱学森"}).json()
    assert data["notice"] and data["total"] >= 5 and data["engine"] == "database"
    assert client.get("/api/search/autocomplete/", {"q": "qian"}).status_code == 200


def test_published_exhibit_page_is_searchable(
    client, db_archive, django_capture_on_commit_callbacks
):
    from wagtail.models import Page

    from exhibits.models.exhibitions import ChapterPage

    home = Page.objects.filter(depth=2).first().specific
    chapter = ChapterPage(
        title="向科学进军", slug="march", introduction="一九五六年的十二年科学规划"
    )
    with django_capture_on_commit_callbacks(execute=True):
        home.add_child(instance=chapter)
        chapter.save_revision().publish()
    data = client.get("/api/search/", {"q": "十二年科学规划"}).json()
    assert [g["kind"] for g in data["groups"]] == ["exhibit"]
    assert data["groups"][0]["url"].endswith("/march/")
    with django_capture_on_commit_callbacks(execute=True):
        chapter.unpublish()
    assert client.get("/api/search/", {"q": "十二年科学规划"}).json()["total"] == 0


def test_settings_choose_engines_from_environment(monkeypatch):
    import runpy

    from django.conf import settings as django_settings

    base = str(django_settings.BASE_DIR / "archive_site" / "settings" / "base.py")
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://127.0.0.1:9")
    configured = runpy.run_path(base)
    assert configured["SEARCH_ENGINE"] == "elasticsearch"
    wagtail = configured["WAGTAILSEARCH_BACKENDS"]["default"]
    assert wagtail["BACKEND"] == "search.wagtail_backend"
    assert wagtail["INDEX_PREFIX"] == "archive-wagtail-"
    assert wagtail["URLS"] == ["http://127.0.0.1:9"]
    monkeypatch.delenv("ELASTICSEARCH_URL")
    embedded = runpy.run_path(base)
    assert embedded["SEARCH_ENGINE"] == "database"
    assert embedded["WAGTAILSEARCH_BACKENDS"]["default"]["BACKEND"] == "search.wagtail_db_backend"


def test_every_facet_has_a_heading_on_the_page(client, db_archive):
    assert set(FACET_TITLES) == set(FACETS)
    html = client.get("/search/", {"q": "钱学森"}).content.decode()
    for heading in ("<h2>Type</h2>", "<h2>Scientist</h2>", "<h2>Decade</h2>", "<h2>Scans</h2>"):
        assert heading in html
