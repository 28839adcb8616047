"""oEmbed 1.0 for chapters, stories, exhibitions and interview clips (#13.5): the answer, the
bounds, and every error the specification names."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from wagtail.models import PageViewRestriction

from exhibits.models import ChapterPage
from tests.conftest import choose_english
from tests.factories import InterviewFactory, ItemFactory
from tests.pages import exhibition_tree, item_block, publish, stream

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


@pytest.fixture(autouse=True)
def _english(request):
    choose_english(request)


@pytest.fixture
def chapter():
    _index, _exhibition, chapters = exhibition_tree([stream(item_block(ItemFactory()))])
    return chapters[0]


def ask(client, url: str, **params):
    return client.get("/oembed/?" + urlencode({"url": url, **params}))


def test_a_chapter_answers_a_rich_item_with_its_embed_in_an_iframe(client, chapter):
    response = ask(client, SITE + chapter.url, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["type"] == "rich" and answer["version"] == "1.0"
    assert answer["title"] == chapter.title
    assert answer["provider_url"] == SITE + "/"
    assert answer["provider_name"] and answer["cache_age"] > 0
    (src,) = re.findall(r'<iframe src="([^"]+)"', answer["html"])
    assert src == f"{SITE}/embed/page/{chapter.pk}/"
    assert f'width="{answer["width"]}"' in answer["html"]
    assert client.get(src.removeprefix(SITE)).status_code == 200


def test_the_iframe_keeps_within_maxwidth_and_maxheight(client, chapter):
    answer = ask(client, SITE + chapter.url, maxwidth="300", maxheight="200").json()
    assert (answer["width"], answer["height"]) == (300, 200)
    assert 'width="300" height="200"' in answer["html"]
    roomy = ask(client, SITE + chapter.url, maxwidth="5000").json()
    assert roomy["width"] == 640  # never wider than the embed is made for


def test_an_interview_clip_names_its_narrator_and_span(client):
    interview = InterviewFactory(item__identifier="QXS-OE-1")
    answer = ask(client, f"{SITE}/archive/items/QXS-OE-1/interview/?t=10-19").json()
    assert answer["author_name"] == interview.interviewee.name
    assert answer["author_url"] == SITE + interview.interviewee.get_absolute_url()
    assert "00:00:10" in answer["title"]
    (src,) = re.findall(r'<iframe src="([^"]+)"', answer["html"])
    assert src.replace("&amp;", "&") == f"{SITE}/embed/interview/QXS-OE-1/?start=10&end=19"


def test_only_json_is_offered(client, chapter):
    response = ask(client, SITE + chapter.url, format="xml")
    assert response.status_code == 501
    assert "format=json" in response.json()["error"]


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({}, "url: give the address"),
        ({"url": "ftp://testserver/x/"}, "not an absolute http or https address"),
        ({"url": "/exhibitions/"}, "not an absolute http or https address"),
        ({"url": SITE + "/", "maxwidth": "wide"}, "maxwidth: “wide” is not a whole number"),
        ({"url": SITE + "/", "maxheight": "0"}, "maxheight: “0” is not a whole number"),
        ({"url": f"{SITE}/archive/items/QXS-OE-2/interview/?start=9&end=3"}, "end: the clip"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(client, params, reason):
    InterviewFactory(item__identifier="QXS-OE-2")
    response = client.get("/oembed/?" + urlencode(params))
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_foreign_unknown_and_hidden_addresses_answer_404(admin_client, chapter):
    InterviewFactory(item__identifier="QXS-OE-3", item__access_level="staff", item__title="秘访")
    restricted = publish(chapter.get_parent(), ChapterPage(title="受限", slug="restricted"))
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    for url in (
        "https://elsewhere.example.org" + chapter.url,
        SITE + "/no/such/page/",
        SITE + "/archive/items/QXS-OE-3/interview/",
        SITE + "/archive/items/NO-SUCH/interview/",
        SITE + "/archive/",
        SITE + restricted.url,
        SITE + chapter.get_parent().get_parent().url,  # the exhibition index: not embeddable
    ):
        response = ask(admin_client, url)
        assert response.status_code == 404, url
        assert "秘访" not in response.content.decode()
    chapter.unpublish()
    assert ask(admin_client, SITE + chapter.url).status_code == 404
