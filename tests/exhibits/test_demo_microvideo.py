"""The demo exhibition's page on Qian Xuesen carries the demo's micro-video and quote card."""

from __future__ import annotations

import pytest

from exhibits.demo import load_theme_exhibition
from exhibits.models import ScientistStoryPage
from media_pipeline.microvideo.demo import DEMO_INTERVIEW, SPAN_MS, make_demo_media
from media_pipeline.microvideo.models import MicroVideo, QuoteCard
from tests.factories import InterviewFactory, ScientistFactory, TranscriptSegmentFactory
from tests.pages import ensure_site

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads every page of the exhibition


def test_the_qian_xuesen_page_shows_the_demo_micro_video_and_quote_card():
    ensure_site()
    interview = InterviewFactory(
        item__identifier=DEMO_INTERVIEW, interviewee=ScientistFactory(identifier="qian-xuesen")
    )
    TranscriptSegmentFactory(
        interview=interview, start_ms=SPAN_MS[0], end_ms=SPAN_MS[1], text="我一九三四年毕业。"
    )
    make_demo_media(log=lambda line: None)
    make_demo_media(log=lambda line: None)  # a second load finds them
    video, card = MicroVideo.objects.get(), QuoteCard.objects.get()
    load_theme_exhibition(log=lambda line: None)
    page = ScientistStoryPage.objects.get(slug="qian-xuesen-road-home")
    values = {block["type"]: block["value"] for block in page.body.get_prep_value()}
    assert values["micro_video"]["video"] == video.pk
    assert values["quote_card"] == {"card": card.pk}
