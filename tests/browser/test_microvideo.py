"""A micro-video in Chromium: the curator's edit view with the finished render, the public share
page playing it with its captions track, and a frame with the burned-in Chinese subtitles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from media_pipeline.microvideo.models import MicroVideo, RenderStatus
from tests.factories import InterviewFactory, TranscriptSegmentFactory
from tests.media_pipeline.conftest import media_root  # noqa: F401 (per-test storages, shared)
from tests.media_pipeline.test_microvideo import photograph, recording, speech_wav

from .shots import keep

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = "MICROVIDEO_SHOTS_DIR"


@pytest.fixture
def rendered(settings, media_root, live_site, django_capture_on_commit_callbacks):  # noqa: F811
    settings.MICROVIDEO_SHORT_SIDE = 360
    settings.MICROVIDEO_TITLE_SECONDS = settings.MICROVIDEO_END_SECONDS = 0.5
    interview = InterviewFactory(
        duration_ms=6000, interviewee__name="钱学森", interviewee__death_date_text="2009年"
    )
    TranscriptSegmentFactory(
        interview=interview,
        start_ms=2000,
        end_ms=4500,
        text="我一九三四年从交通大学毕业，第二年到美国留学，后来在加州理工学院学习。",
    )
    recording(interview, speech_wav(), ".wav", "audio/wav")
    with django_capture_on_commit_callbacks(execute=True):
        video = MicroVideo.objects.create(
            interview=interview,
            title="钱学森谈早年求学",
            start_ms=2000,
            end_ms=4500,
            background=photograph(),
        )
    video.refresh_from_db()
    assert video.status == RenderStatus.DONE, video.error
    return video


def test_share_page_plays_the_video_with_captions_and_the_admin_shows_it(
    page, live_url, login, superuser, screenshot, rendered, tmp_path
):
    page.goto(live_url(rendered.get_absolute_url()))
    assert page.locator("h1").inner_text() == "钱学森谈早年求学"
    assert (
        page.locator('meta[property="og:video"]')
        .get_attribute("content")
        .endswith(rendered.video_url)
    )
    player = page.locator("video.micro-video__player")
    # The browser decodes the MP4 and the WebVTT track: seek into the first caption.
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=15_000)
    duration = page.evaluate("() => document.querySelector('video').duration")
    assert duration == pytest.approx(rendered.rendered["seconds"], abs=0.2)
    page.evaluate(
        """() => new Promise(done => {
            const video = document.querySelector('video');
            video.textTracks[0].mode = 'hidden';
            video.addEventListener('seeked', done, {once: true});
            video.currentTime = 1.2;
        })"""
    )
    page.wait_for_function(
        "() => document.querySelector('video').textTracks[0].activeCues?.length > 0"
    )
    cue = page.evaluate("() => document.querySelector('video').textTracks[0].activeCues[0].text")
    assert "交通大学" in cue
    keep(SHOTS, screenshot(page, "share"), "F-share-page.png")
    frame = tmp_path / "frame.png"
    player.screenshot(path=str(frame))
    keep(SHOTS, frame, "F-video-frame.png")
    # A media element drops its range request once it has what it needs (ERR_ABORTED).
    assert [p for p in page.problems if "ERR_ABORTED" not in p] == []

    login(page, superuser)
    page.goto(live_url(reverse("wagtailsnippets_microvideo_microvideo:edit", args=[rendered.pk])))
    assert page.locator(f'video[src="{rendered.video_url}"]').count() == 1
    assert "已渲染" in page.locator("main").inner_text()
    page.locator("video").scroll_into_view_if_needed()
    keep(SHOTS, screenshot(page, "admin", full_page=False), "F-admin-edit.png")
