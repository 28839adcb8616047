"""The interview player page, captions and exports, and who may fetch them."""

import datetime

import pytest
from django.urls import reverse

from archive_collections.oral_history.formats import EXPORTS
from archive_collections.oral_history.iiif import interview_iiif_structures
from tests.factories import IndexSegmentFactory, InterviewFactory, TranscriptSegmentFactory

pytestmark = pytest.mark.django_db


def make_interview(**item):
    interview = InterviewFactory(
        item__identifier="OH-1", duration_ms=120_000, **{f"item__{k}": v for k, v in item.items()}
    )
    TranscriptSegmentFactory(
        interview=interview, start_ms=0, end_ms=40_000, speaker="采访人", text="请您谈谈童年。"
    )
    TranscriptSegmentFactory(
        interview=interview,
        start_ms=40_000,
        end_ms=50_000,
        speaker="钱学森",
        text="我在上海长大，后来去北京读书。",
    )
    IndexSegmentFactory(
        interview=interview,
        start_ms=40_000,
        title="童年与求学",
        synopsis="上海的小学",
        keywords="上海；北京",
    )
    return interview


def urls(identifier="OH-1"):
    found = [
        reverse("collections:interview", args=[identifier]),
        reverse("collections:interview_captions", args=[identifier]),
    ]
    found += [reverse("collections:interview_export", args=[identifier, name]) for name in EXPORTS]
    return found


def test_player_page_renders_transcript_index_and_time_links_without_js(client):
    make_interview()
    html = client.get("/archive/items/OH-1/interview/?t=42").content.decode()
    assert 'data-start-at="42"' in html
    assert '<a class="oh-time" href="?t=40#seg-2">00:00:40</a>' in html
    # the segment playing at 42 s is marked for readers without JavaScript too
    assert 'id="seg-2" aria-current="true" class="oh-line is-current"' in html
    assert '<span class="oh-speaker">钱学森</span>' in html
    assert "童年与求学" in html and '>上海</a>、<a class="oh-keyword"' in html
    assert reverse("collections:interview_export", args=["OH-1", "ohms.xml"]) in html


def test_search_finds_chinese_substrings_in_transcript_and_index(client):
    make_interview()
    html = client.get("/archive/items/OH-1/interview/", {"q": "上海"}).content.decode()
    assert "2 matches" in html or "2 match" in html
    assert 'href="?t=40&amp;q=%E4%B8%8A%E6%B5%B7#player"' in html
    assert (
        "No matches" in client.get("/archive/items/OH-1/interview/", {"q": "南京"}).content.decode()
    )


def test_captions_and_exports_download(client):
    make_interview()
    vtt = client.get(reverse("collections:interview_captions", args=["OH-1"]))
    assert vtt["Content-Type"] == "text/vtt; charset=utf-8"
    assert "<v 钱学森>我在上海长大" in vtt.content.decode()
    for name in EXPORTS:
        response = client.get(reverse("collections:interview_export", args=["OH-1", name]))
        assert response.status_code == 200, name
        assert "attachment" in response["Content-Disposition"]
    assert (
        client.get(reverse("collections:interview_export", args=["OH-1", "x.pdf"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "item",
    [
        {"access_level": "staff"},
        {"access_level": "researchers"},
        {"access_level": "public", "embargo_until": datetime.date(2999, 1, 1)},
    ],
)
def test_restricted_interviews_refuse_player_captions_and_exports(client, item):
    make_interview(**item)
    for url in urls()[1:]:
        assert client.get(url).status_code == 404, url
    page = client.get(urls()[0])
    assert page.status_code in (403, 404)
    assert "钱学森" not in page.content.decode() and "童年" not in page.content.decode()


def test_researchers_see_researcher_interviews(client, researcher):
    make_interview(access_level="researchers")
    client.force_login(researcher)
    for url in urls():
        assert client.get(url).status_code == 200, url


def test_staff_see_embargoed_interviews(client, staff_user):
    make_interview(embargo_until=datetime.date(2999, 1, 1))
    client.force_login(staff_user)
    for url in urls():
        assert client.get(url).status_code == 200, url
    assert client.get(urls()[1])["Cache-Control"] == "private, no-store"


def test_iiif_structures_are_ranges_and_annotations():
    interview = make_interview()
    IndexSegmentFactory(interview=interview, start_ms=0, title="开场")
    result = interview_iiif_structures(interview, "https://x.org/iiif/OH-1/canvas/1")
    top = result["structures"][0]
    assert top["type"] == "Range"
    assert [r["items"][0]["id"] for r in top["items"]] == [
        "https://x.org/iiif/OH-1/canvas/1#t=0,40",
        "https://x.org/iiif/OH-1/canvas/1#t=40,120",
    ]
    assert top["items"][1]["label"] == {"zh-Hans": ["童年与求学"]}
    annotation = result["annotations"][0]["items"][1]
    assert annotation["motivation"] == "describing"
    assert "关键词：上海；北京" in annotation["body"]["value"]


def test_item_page_embeds_the_player_with_one_transcript_query(
    client, django_assert_max_num_queries
):
    make_interview()
    with django_assert_max_num_queries(15):
        html = client.get("/archive/items/OH-1/").content.decode()
    assert "data-oh-player" in html and "collections/oral_history/player.js" in html
