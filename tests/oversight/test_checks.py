"""Each content check, on a published chapter: what it finds and where it says it is."""

import inspect
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.rich_text import RichText

from archive_site.oversight.checks import (
    AUDIT_KINDS,
    INSPECTION_KINDS,
    PREPUBLISH_KINDS,
    Checker,
    page_edit_url,
)
from archive_site.oversight.models import Term, TermKind
from archive_site.oversight.terms import TermMatcher
from exhibits.models import ChapterPage
from media_pipeline.models import ItemFile
from tests.factories.catalogue import InterviewFactory, TranscriptSegmentFactory
from tests.pages import item_block

from .builders import chapter_with, good_item, image_block, kinds, text_block

pytestmark = pytest.mark.django_db


def check(page, kinds_=INSPECTION_KINDS):
    terms = TermMatcher.from_terms(Term.objects.all())
    return Checker([Page.objects.get(pk=page.pk).specific], kinds_, terms=terms).issues()


def test_a_clean_page_has_no_findings():
    item = good_item()
    chapter = chapter_with(item_block(item, "手稿"), text_block("<p>钱学森回国。</p>"))
    assert check(chapter) == []


def test_rights_statement_missing_on_an_embedded_record():
    item = good_item(rights_statement="")
    chapter = chapter_with(text_block("<p>引言</p>"), item_block(item))
    (issue,) = check(chapter)
    assert issue.kind == "rights"
    assert issue.where.field == "body" and "block 2" in issue.where.label
    assert issue.fix_url.endswith(f"/{item.pk}/")  # the record's edit view


def test_alt_text_missing_or_a_file_name():
    image = get_image_model().objects.create(title="x", file=get_test_image_file())
    chapter = chapter_with(image_block(image, ""), image_block(image, "IMG_0001.jpg"))
    issues = check(chapter)
    assert kinds(issues) == ["alt_text", "alt_text"]
    assert "alternative text" in issues[0].where.label
    # The body's section of the editor (the tab's id keeps the language of the process's first
    # editor render: see the test below, which checks it against a rendered editor).
    assert re.search(
        rf"/pages/{chapter.pk}/edit/#panel-child-[a-z0-9_]+-body-section$", issues[0].fix_url
    )


def test_recording_without_captions_and_with_a_transcript():
    silent = good_item(item_type="oral_history")
    captioned = good_item(item_type="oral_history")
    for item in (silent, captioned):
        ItemFile.objects.create(
            item=item,
            master=f"a{item.pk}.m4a",
            original_filename="a.m4a",
            sha256=f"{item.pk:064d}",
            size=1,
            mime_type="audio/mp4",
            status="done",
        )
    TranscriptSegmentFactory(interview=InterviewFactory(item=captioned))
    chapter = chapter_with(item_block(silent), item_block(captioned))
    (issue,) = check(chapter)
    assert issue.kind == "captions" and silent.identifier in issue.message


def test_credits_missing_on_the_exhibition_and_on_a_record():
    item = good_item(creators="")
    chapter = chapter_with(item_block(item))
    exhibition = chapter.get_parent().specific
    exhibition.credit_links.all().delete()
    assert kinds(check(chapter)) == ["credits"]
    (issue,) = check(exhibition)
    assert issue.kind == "credits" and issue.where.field == "credit_links"


def test_records_the_public_cannot_see_or_that_are_gone():
    restricted = good_item(access_level="researchers")
    embargoed = good_item(embargo_until=date.today() + timedelta(days=30))
    lapsed = good_item(embargo_until=date.today() - timedelta(days=1))
    deleted = good_item()
    chapter = chapter_with(*(item_block(i) for i in (restricted, embargoed, lapsed, deleted)))
    deleted.delete()
    issues = check(chapter)
    assert kinds(issues) == ["embargoed_record", "hidden_record", "missing_record"]
    assert all("block" in issue.where.label for issue in issues)


def test_links_to_missing_pages_documents_records_and_anchors():
    gone = good_item()
    chapter = chapter_with(text_block("<p>占位</p>"))
    sibling = chapter.get_parent().add_child(instance=type(chapter)(title="另一章", slug="other"))
    sibling.save_revision().publish()
    html = (
        f'<p><a linktype="page" id="{sibling.pk}">好链接</a>'
        '<a linktype="page" id="999999">坏链接</a>'
        '<a linktype="document" id="999999">文件</a>'
        f'<a href="/archive/items/{gone.identifier}/">档案</a>'
        '<a href="/no/such/page/">无此页</a>'
        '<a href="/exhibitions/exhibition/#chapters-heading">锚点</a>'
        '<a href="/exhibitions/exhibition/other/#no-such-anchor">坏锚点</a>'
        '<a href="/search/">搜索</a></p>'
    )
    chapter.body = [("text", RichText(html))]
    chapter.save_revision().publish()
    gone.delete()
    issues = check(chapter)
    assert kinds(issues) == [
        "broken_anchor",
        "broken_link",
        "broken_link",
        "broken_link",
        "missing_record",
    ]
    messages = " ".join(issue.message for issue in issues)
    assert "#no-such-anchor" in messages and "/no/such/page/" in messages


def test_records_changed_since_publishing_and_pages_past_review():
    item = good_item()
    chapter = chapter_with(item_block(item))
    assert check(chapter, AUDIT_KINDS) == []
    item.title = "改过的题名"
    item.save()
    chapter.review_date = timezone.localdate() - timedelta(days=1)
    chapter.save(update_fields=["review_date"])
    assert kinds(check(chapter, AUDIT_KINDS)) == ["record_changed", "review_due"]
    assert check(chapter, PREPUBLISH_KINDS) == []  # neither stops a publication


def test_term_list_hits_in_title_text_and_captions():
    Term.objects.create(term="中科院", preferred="中国科学院", kind=TermKind.INSTITUTION)
    Term.objects.create(term="錢學森", preferred="钱学森", kind=TermKind.VARIANT, note="用简体")
    item = good_item()
    chapter = chapter_with(text_block("<p>他回到中科院。</p>"), item_block(item, "錢學森手稿"))
    issues = check(chapter)
    assert kinds(issues) == ["term", "term"]
    assert {issue.target for issue in issues} == {"中科院", "錢學森"}
    assert any("用简体" in issue.message for issue in issues)
    assert check(chapter, AUDIT_KINDS) == []  # the daily audit leaves the term list out


@pytest.fixture
def fresh_edit_handler():
    """Forget the chapter's cached edit handler before and after: Wagtail builds it once per
    process and keeps the tab identifiers of its first render."""
    cache = inspect.getattr_static(ChapterPage, "get_edit_handler")
    cache.pop(ChapterPage, None)
    yield
    cache.pop(ChapterPage, None)


def test_fix_link_lands_on_the_section_whatever_language_first_rendered_the_editor(
    admin_client, fresh_edit_handler
):
    """Wagtail caches each tab's identifier from its heading in the language of the first
    render: a worker whose first chapter editor was English named the tab `content` while the
    check, in Chinese, linked `u5185u5bb9` (the clean-clone run's PostgreSQL pass)."""
    chapter = chapter_with(text_block("<p>引言</p>"))
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    admin_client.get(reverse("wagtailadmin_pages:edit", args=[chapter.pk]))
    del admin_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    with translation.override("zh-hans"):
        url = page_edit_url(chapter, "body")
    anchor = url.split("#", 1)[1]
    editor = admin_client.get(url.split("#", 1)[0]).content.decode()
    assert 'lang="zh-hans"' in editor.lower()
    assert f'id="{anchor}"' in editor
