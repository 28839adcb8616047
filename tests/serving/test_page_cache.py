"""The anonymous page cache: rendered once, served without touching the database, never to or
from a signed-in user, stale the moment a publish or a catalogue change reaches the page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from archive_collections.models import Item
from archive_collections.signals import catalogue_changed
from archive_site import caching
from media_pipeline.signals import file_processed
from tests.factories import ChapterPageFactory, ItemFactory
from tests.pages import item_block, stream

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter(db):
    public = ItemFactory(identifier="QXS-01-001", title="工程控制论手稿")
    restricted = ItemFactory(
        identifier="QXS-01-002", title="研究人员可见的书信", access_level="researchers"
    )
    return ChapterPageFactory(
        title="归国",
        slug="return",
        body=stream(item_block(public, "手稿"), item_block(restricted, "书信")),
    )


def _state(response) -> str | None:
    return response.get(caching.HIT_HEADER)


def test_second_request_is_served_from_the_cache_without_a_query(
    client, chapter, django_assert_num_queries
):
    first = client.get(chapter.url)
    assert first.status_code == 200 and _state(first) == "miss"
    with django_assert_num_queries(0):
        second = client.get(chapter.url)
    assert second.status_code == 200 and _state(second) == "hit"
    assert "工程控制论手稿" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]
    with django_assert_num_queries(0):
        head = client.head(chapter.url)
    assert head.status_code == 200 and _state(head) == "hit"


def test_every_cached_kind_of_page_is_cached(client, chapter):
    item = Item.objects.get(identifier="QXS-01-001")
    for url in (
        "/",
        chapter.url,
        chapter.get_parent().url,
        "/archive/",
        "/archive/scientists/",
        f"/archive/items/{item.identifier}/",
        f"/archive/series/{item.series.identifier}/",
        f"/archive/fonds/{item.series.fonds.identifier}/",
    ):
        assert _state(client.get(url)) == "miss", url
        assert _state(client.get(url)) == "hit", url


def test_restricted_item_pages_and_query_strings_are_not_stored(client, chapter):
    restricted = "/archive/items/QXS-01-002/"
    assert client.get(restricted).status_code == 403
    again = client.get(restricted)
    assert again.status_code == 403 and _state(again) is None
    for _ in range(2):
        paged = client.get("/archive/scientists/?page=1")
        assert paged.status_code == 200 and _state(paged) is None


def test_a_publish_is_visible_at_once(client, chapter, django_capture_on_commit_callbacks):
    client.get(chapter.url)
    assert _state(client.get(chapter.url)) == "hit"
    chapter.title = "归国之路"
    with django_capture_on_commit_callbacks(execute=True):
        chapter.save_revision().publish()
    response = client.get(chapter.url)
    assert _state(response) == "miss" and "归国之路" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        chapter.unpublish()
    assert client.get(chapter.url).status_code == 404


def test_a_draft_does_not_touch_the_cache(client, chapter):
    client.get(chapter.url)
    chapter.title = "未发布的标题"
    chapter.save_revision()
    response = client.get(chapter.url)
    assert _state(response) == "hit" and "未发布的标题" not in response.content.decode()


def test_a_catalogue_change_on_an_item_the_chapter_shows_reaches_it(client, chapter):
    client.get(chapter.url)
    item = Item.objects.get(identifier="QXS-01-001")
    item.title = "工程控制论（修订稿）"
    item.save()
    response = client.get(chapter.url)
    assert _state(response) == "miss" and "工程控制论（修订稿）" in response.content.decode()


def test_the_importers_bulk_write_and_a_processed_file_invalidate(client, chapter):
    item = Item.objects.get(identifier="QXS-01-001")
    client.get(chapter.url)
    # The importer writes in bulk (no model signals) and announces the change once.
    Item.objects.filter(pk=item.pk).update(title="批量导入的新标题")
    catalogue_changed.send(sender=None, items=[item.pk], scientists=[], fonds=[], series=[])
    assert "批量导入的新标题" in client.get(chapter.url).content.decode()
    assert _state(client.get(chapter.url)) == "hit"
    file_processed.send(sender=None, item_file_id=0, item_id=item.pk, status="done")
    assert _state(client.get(chapter.url)) == "miss"


def test_a_signed_in_user_never_gets_or_leaves_a_cached_page(client, chapter, researcher):
    client.get(chapter.url)
    assert _state(client.get(chapter.url)) == "hit"
    signed_in = Client()
    signed_in.force_login(researcher)
    for _ in range(2):
        theirs = signed_in.get(chapter.url)
        assert _state(theirs) is None
        assert "研究人员可见的书信" in theirs.content.decode()
        assert "private" in theirs["Cache-Control"]
    anonymous = client.get(chapter.url)
    assert _state(anonymous) == "hit"
    assert "研究人员可见的书信" not in anonymous.content.decode()


def test_a_researcher_first_leaves_nothing_for_the_anonymous(client, chapter, researcher):
    signed_in = Client()
    signed_in.force_login(researcher)
    assert "研究人员可见的书信" in signed_in.get(chapter.url).content.decode()
    anonymous = client.get(chapter.url)
    assert _state(anonymous) == "miss"
    assert "研究人员可见的书信" not in anonymous.content.decode()


def test_languages_are_kept_apart(client, chapter):
    client.get(chapter.url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(chapter.url)
    assert _state(english) == "miss" and '<html lang="en">' in english.content.decode()


def test_a_repeat_request_with_its_etag_or_date_gets_304(client, chapter):
    first = client.get(chapter.url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert "max-age=0" in first["Cache-Control"] and "public" not in first["Cache-Control"]
    again = client.get(chapter.url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    dated = client.get(chapter.url, HTTP_IF_MODIFIED_SINCE=modified)
    assert dated.status_code == 304
    assert client.get(chapter.url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200


def test_each_visitor_gets_their_own_working_csrf_token(chapter):
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for visitor in visitors:
        response = visitor.get(chapter.url)
        token = response.content.decode().split('name="csrfmiddlewaretoken" value="')[1][:64]
        assert settings.CSRF_COOKIE_NAME in response.cookies
        tokens.append(token)
    assert _state(visitors[1].get(chapter.url)) == "hit"
    assert tokens[0] != tokens[1]
    for visitor, token in zip(visitors, tokens, strict=True):
        switched = visitor.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302


def test_another_workers_bump_reaches_this_one(client, chapter):
    """Local-memory caches are per process; the generation is a file every worker reads."""
    client.get(chapter.url)
    assert _state(client.get(chapter.url)) == "hit"
    settings.PAGE_CACHE_GENERATION_FILE.write_text("written-by-another-worker")
    assert _state(client.get(chapter.url)) == "miss"


def test_switched_off_with_zero_seconds(client, chapter, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert _state(client.get(chapter.url)) is None
