"""An exhibit page's public search document holds no caption, alt text or other words of a block
whose record the public may not see, and follows the record when its access changes.

Runs on every engine (the `engine` fixture: the database engine, and Elasticsearch when its
node is there)."""

from datetime import date, timedelta

import pytest

from archive_collections.access import AccessPolicy
from search.contract import SearchQuery
from search.documents import exhibit_documents
from tests.factories import ChapterPageFactory, InterviewFactory, ItemFactory
from tests.pages import stream
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db


def exhibit_hits(engine, text: str) -> list[str]:
    results = engine.search(SearchQuery(text=text), AccessPolicy.anonymous())
    return [g.key for g in results.groups if g.kind == "exhibit"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def chapter(db, commit):
    public = ItemFactory(title="公开的手稿", access_level="public")
    secret = ItemFactory(title="内部手稿", access_level="researchers")
    sealed = ItemFactory(
        title="封存书信", access_level="public", embargo_until=date.today() + timedelta(days=30)
    )
    interview = InterviewFactory(item=ItemFactory(item_type="oral_history", access_level="staff"))
    body = stream(
        {"type": "text", "value": "<p>章节正文讲述火箭试验</p>"},
        {"type": "item", "value": {"item": public.pk, "caption": "公开说明文字"}},
        {"type": "item", "value": {"item": secret.pk, "caption": "绝密导弹图纸说明"}},
        {
            "type": "deep_zoom",
            "value": {
                "item": sealed.pk,
                "page": 1,
                "x": 0,
                "y": 0,
                "width": 50,
                "height": 50,
                "alt": "封存信件的签名细节",
                "caption": "签名局部放大",
            },
        },
        {
            "type": "clip",
            "value": {
                "interview": interview.pk,
                "start": "00:01",
                "end": "00:05",
                "caption": "口述中的保密往事",
            },
        },
        {
            "type": "gallery",
            "value": {"heading": "手稿对照图集", "items": [public.pk, secret.pk]},
        },
        {
            "type": "timeline",
            "value": {
                "heading": "研制年表",
                "events": [
                    {"date_text": "1956年", "label": "规划会议", "item": public.pk},
                    {"date_text": "1960年", "label": "秘密发射场选址", "item": secret.pk},
                ],
            },
        },
    )
    with commit():
        page = ChapterPageFactory(body=body)
    page.records = {"public": public, "secret": secret, "sealed": sealed, "interview": interview}
    return page


HIDDEN_WORDS = ("绝密导弹图纸说明", "封存信件的签名细节", "签名局部放大", "口述中的保密往事")


def test_the_document_leaves_out_blocks_of_records_the_public_cannot_see(chapter):
    (document,) = exhibit_documents(chapter)
    for words in ("章节正文讲述火箭试验", "公开说明文字", "规划会议", "研制年表"):
        assert words in document.body
    for words in (*HIDDEN_WORDS, "手稿对照图集", "秘密发射场选址"):
        assert words not in document.body


def test_anonymous_search_finds_no_hidden_caption(engine, chapter):
    index_all(engine)
    group = f"exhibit:{chapter.pk}"
    assert exhibit_hits(engine, "章节正文讲述火箭试验") == [group]
    assert exhibit_hits(engine, "公开说明文字") == [group]
    for words in HIDDEN_WORDS:
        assert exhibit_hits(engine, words) == [], words


def test_a_record_opened_or_closed_reindexes_the_pages_showing_it(engine, chapter, commit):
    """The record's save requests the exhibit groups of the pages showing it (found through
    Wagtail's reference index); the drain rewrites them in every engine on commit."""
    index_all(engine)
    group = f"exhibit:{chapter.pk}"
    secret, public = chapter.records["secret"], chapter.records["public"]
    with commit():
        secret.access_level = "public"
        secret.save()
    refresh(engine)
    assert exhibit_hits(engine, "绝密导弹图纸说明") == [group]
    with commit():
        public.access_level = "staff"
        public.save()
    refresh(engine)
    assert exhibit_hits(engine, "公开说明文字") == []
    assert exhibit_hits(engine, "绝密导弹图纸说明") == [group]


def refresh(engine) -> None:
    if hasattr(engine, "refresh"):
        engine.refresh()
