"""Embeds for partners' sites (#13.5): the embed pages, who may frame them, and the partner
organisations in exhibit pages' credits."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import PageViewRestriction

from archive_site.partners.embeds import framing
from archive_site.partners.models import Contribution, Organisation, Status
from exhibits.models import ScientistStoryPage, TeacherResourcePage
from tests.conftest import choose_english
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.pages import clip_block, exhibition_tree, item_block, publish, stream

pytestmark = pytest.mark.django_db

PARTNER = "https://kx.partner.example.org"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: rest for name, *rest in (p.split() for p in header.split(";") if p.strip())}


def organisation(code: str, name: str, origins: str = "", active: bool = True) -> Organisation:
    return Organisation.objects.create(
        name=name, code=code, kind="association", region="61", embed_origins=origins, active=active
    )


def contributed(org: Organisation, item, status: str = Status.APPROVED) -> Contribution:
    return Contribution.objects.create(
        organisation=org,
        kind="material",
        status=status,
        title=item.title,
        licence="cc-by-4.0",
        source_statement="自采",
        item=item,
        submitted_at="2026-11-01T00:00:00Z",
    )


@pytest.fixture(autouse=True)
def _english_and_fresh_origins(request):
    choose_english(request)  # the reasons are asserted in their English msgids
    cache.delete(framing.CACHE_KEY)


@pytest.fixture
def chapter():
    shown = ItemFactory(title="公开手稿", access_level="public")
    hidden = ItemFactory(title="内部手稿秘", access_level="staff")
    _index, exhibition, chapters = exhibition_tree(
        [stream(item_block(shown, "说明一"), item_block(hidden, "说明二"))]
    )
    chapters[0].shown, chapters[0].hidden = shown, hidden
    return chapters[0]


def test_an_embed_may_be_framed_by_partners_and_other_pages_only_by_the_site(client, chapter):
    organisation("sxkx", "陕西省科协", f"{PARTNER}\nhttp://127.0.0.2:8100")
    organisation("old", "停用单位", "https://gone.example.org", active=False)
    embed = client.get(f"/embed/page/{chapter.pk}/")
    assert embed.status_code == 200
    assert policy(embed)["frame-ancestors"] == ["'self'", PARTNER, "http://127.0.0.2:8100"]
    assert "X-Frame-Options" not in embed
    assert policy(embed)["script-src"] == ["'self'"]  # only framing is widened
    page = client.get(chapter.url)
    assert policy(page)["frame-ancestors"] == ["'self'"]
    assert page["X-Frame-Options"] == "DENY"
    assert client.get("/archive/")["X-Frame-Options"] == "DENY"


def test_the_origin_list_follows_organisations_and_the_setting(client, chapter):
    org = organisation("sxkx", "陕西省科协")
    url = f"/embed/page/{chapter.pk}/"
    assert policy(client.get(url))["frame-ancestors"] == ["'self'"]
    org.embed_origins = PARTNER
    org.save()
    assert policy(client.get(url))["frame-ancestors"] == ["'self'", PARTNER]
    with override_settings(EMBED_FRAME_ORIGINS=["https://portal.example.cn"]):
        assert policy(client.get(url))["frame-ancestors"] == [
            "'self'",
            "https://portal.example.cn",
            PARTNER,
        ]
    org.delete()
    assert policy(client.get(url))["frame-ancestors"] == ["'self'"]


def test_an_embed_shows_what_the_public_sees_whoever_asks(admin_client, chapter):
    html = admin_client.get(f"/embed/page/{chapter.pk}/").content.decode()
    assert "公开手稿" in html and "内部手稿秘" not in html
    assert "restricted-notice" in html
    assert 'class="site-header"' not in html and 'target="_top"' in html
    assert chapter.full_url in html  # 来源 links to the full page


def test_only_live_public_chapters_stories_and_exhibitions_can_be_embedded(client, chapter):
    exhibition = chapter.get_parent()
    story = publish(exhibition, ScientistStoryPage(title="故事", slug="story"))
    lesson = publish(
        exhibition,
        TeacherResourcePage(title="教案", slug="lesson", grade_band="junior", subject="物理"),
    )
    for page in (chapter, story, exhibition):
        assert client.get(f"/embed/page/{page.pk}/").status_code == 200
    assert client.get(f"/embed/page/{lesson.pk}/").status_code == 404
    assert client.get(f"/embed/page/{exhibition.get_parent().pk}/").status_code == 404
    assert client.get("/embed/page/999999/").status_code == 404
    PageViewRestriction.objects.create(page=story, restriction_type="login")
    assert client.get(f"/embed/page/{story.pk}/").status_code == 404
    chapter.unpublish()
    assert client.get(f"/embed/page/{chapter.pk}/").status_code == 404


@pytest.fixture
def interview():
    talk = InterviewFactory(
        item__identifier="QXS-KS-1", item__title="钱学森访谈录", duration_ms=60_000
    )
    for n, text in enumerate(["开头的话", "回国那年", "后来的事"]):
        TranscriptSegmentFactory(
            interview=talk, start_ms=n * 10_000, end_ms=n * 10_000 + 9_000, text=text
        )
    return talk


def test_an_interview_clip_plays_its_span_with_its_lines(client, interview):
    organisation("sxkx", "陕西省科协", PARTNER)
    for query in ("?start=10&end=19", "?t=10-19", "?start=0:10&end=0:19"):
        response = client.get(f"/embed/interview/QXS-KS-1/{query}")
        html = response.content.decode()
        assert response.status_code == 200, query
        assert "回国那年" in html and "开头的话" not in html and "后来的事" not in html
        assert policy(response)["frame-ancestors"] == ["'self'", PARTNER]
    whole = client.get("/embed/interview/QXS-KS-1/").content.decode()
    assert "开头的话" in whole and "后来的事" in whole and "data-oh-player" in whole


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("?start=abc", "start:"),
        ("?start=20&end=10", "end: the clip must end after it starts"),
        ("?start=10&end=2:00", "past the end of the recording"),
        ("?t=1:99", "minutes or seconds above 59"),
    ],
)
def test_a_clip_that_cannot_be_read_is_refused_with_the_reason(client, interview, query, reason):
    response = client.get(f"/embed/interview/QXS-KS-1/{query}")
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_a_hidden_interview_answers_like_an_unknown_one(admin_client, interview):
    hidden = InterviewFactory(item__identifier="QXS-KS-2", item__access_level="researchers")
    TranscriptSegmentFactory(interview=hidden, text="不公开的话")
    for identifier in ("QXS-KS-2", "NO-SUCH"):
        response = admin_client.get(f"/embed/interview/{identifier}/")
        assert response.status_code == 404
        assert "不公开的话" not in response.content.decode()


# Credits ---------------------------------------------------------------------------------------


def test_a_chapter_credits_the_organisations_whose_approved_materials_it_shows(client, chapter):
    sxkx = organisation("sxkx", "陕西省科协")
    sxkx.website = "https://www.sxkx.example.cn"
    sxkx.save()
    contributed(sxkx, chapter.shown)
    contributed(organisation("pending", "待审单位"), ItemFactory(), status=Status.SUBMITTED)
    contributed(organisation("hidden", "隐藏记录单位"), chapter.hidden)
    waiting = organisation("later", "未审单位")
    other = ItemFactory(title="待审图")
    contributed(waiting, other, status=Status.SUBMITTED)
    for url in (chapter.url, f"/embed/page/{chapter.pk}/"):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        credits = html[html.index("partner-credits") :]
        assert "陕西省科协" in credits and 'href="https://www.sxkx.example.cn"' in credits
        assert "隐藏记录单位" not in html and "待审单位" not in html and "未审单位" not in html
        organisation_queries = [q for q in queries if "partners_contribution" in q["sql"]]
        assert len(organisation_queries) == 1, url


def test_a_story_credits_the_organisation_of_an_interview_it_quotes(client, interview):
    _index, exhibition, _chapters = exhibition_tree([])
    story = publish(
        exhibition,
        ScientistStoryPage(
            title="回国", slug="story", body=stream(clip_block(interview, "00:10", "00:19"))
        ),
    )
    contributed(organisation("team", "钱学森采集小组"), interview.item)
    assert "钱学森采集小组" in client.get(story.url).content.decode()
    embed = client.get("/embed/interview/QXS-KS-1/?t=10-19").content.decode()
    assert "钱学森采集小组" in embed


def test_a_page_without_contributed_materials_has_no_partner_section(client, chapter):
    assert "partner-credits" not in client.get(chapter.url).content.decode()


# Discovery -------------------------------------------------------------------------------------


DISCOVERY = re.compile(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"')


def test_chapters_stories_and_interviews_announce_their_oembed(client, chapter, interview):
    story = publish(chapter.get_parent(), ScientistStoryPage(title="故事", slug="story"))
    pages = [chapter.url, story.url, "/archive/items/QXS-KS-1/interview/"]
    for url in pages:
        html = client.get(url).content.decode()
        (href,) = DISCOVERY.findall(html)
        answer = client.get(href.replace("&amp;", "&").removeprefix("http://testserver"))
        assert answer.status_code == 200, url
        assert answer.json()["type"] == "rich"
