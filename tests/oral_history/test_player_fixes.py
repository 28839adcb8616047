"""The public interview player: time links land on their line, search folds scripts and pinyin."""

import pytest

from search.engines.hits import make_hit
from tests.factories import IndexSegmentFactory, InterviewFactory, TranscriptSegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview():
    interview = InterviewFactory(item__identifier="OH-9", duration_ms=60_000)
    TranscriptSegmentFactory(
        interview=interview, start_ms=10_000, end_ms=16_947, speaker="采访人", text="请您谈谈童年。"
    )
    TranscriptSegmentFactory(
        interview=interview, start_ms=16_947, end_ms=30_000, speaker="钱学森", text="我在上海长大。"
    )
    IndexSegmentFactory(interview=interview, start_ms=10_000, title="童年", keywords="上海；北京")
    return interview


def test_a_site_search_time_hit_links_to_its_segment_start():
    hit = make_hit(
        {"kind": "segment", "url": "/archive/items/OH-9/interview/", "start_ms": 16_947, "id": "s"},
        [],
        1.0,
    )
    assert hit.url == "/archive/items/OH-9/interview/?t=16.947"


def test_a_whole_second_link_highlights_the_line_starting_within_that_second(client, interview):
    html = client.get("/archive/items/OH-9/interview/?t=16").content.decode()
    assert 'id="seg-2" aria-current="true" class="oh-line is-current"' in html
    html = client.get("/archive/items/OH-9/interview/?t=15.5").content.decode()
    assert 'id="seg-1" aria-current="true" class="oh-line is-current"' in html


@pytest.mark.parametrize("query", ["上海", "上海长大", "上海長大", "shanghai", "Shang Hai"])
def test_search_inside_an_interview_matches_traditional_script_and_pinyin(client, interview, query):
    html = client.get("/archive/items/OH-9/interview/", {"q": query}).content.decode()
    assert 'href="?t=16.947&amp;q=' in html, query


def test_the_search_json_gives_the_same_hits_to_the_page_script(client, interview):
    data = client.get("/archive/items/OH-9/interview/search.json", {"q": "上海長大"}).json()
    assert data["hits"] == [
        {
            "kind": "transcript",
            "seconds": "16.947",
            "timecode": "00:00:16",
            "label": "钱学森",
            "text": "我在上海长大。",
            "segment": 2,
        }
    ]
    assert client.get("/archive/items/OH-9/interview/search.json", {"q": "xx"}).json() == {
        "hits": []
    }


def test_index_keywords_are_shown_as_searches(client, interview):
    html = client.get("/archive/items/OH-9/interview/").content.decode()
    assert 'class="oh-keyword" href="?q=%E4%B8%8A%E6%B5%B7#oh-search-results">上海</a>' in html
