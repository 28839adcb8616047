"""The interview player in Chromium: a cited moment opens at its second, clicks seek, the
highlight follows playback."""

import io
import wave

import pytest

from media_pipeline.ingest import ingest_fileobj
from tests.factories import InterviewFactory, TranscriptSegmentFactory

pytestmark = pytest.mark.browser


def silent_wav(seconds: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(b"\x80" * 8000 * seconds)
    return out.getvalue()


@pytest.fixture
def interview(live_site, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "masters": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "masters"), "base_url": None},
        },
        "derivatives": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "derivatives"), "base_url": None},
        },
    }
    interview = InterviewFactory(item__identifier="OH-B1", duration_ms=60_000)
    for n in range(6):
        TranscriptSegmentFactory(
            interview=interview,
            start_ms=n * 10_000,
            end_ms=n * 10_000 + 10_000,
            speaker="钱学森",
            text=f"第{n + 1}段：我在上海读书。",
        )
    ingest_fileobj(interview.item, io.BytesIO(silent_wav(60)), "interview.wav")
    return interview


def current_time(page) -> float:
    return page.evaluate("() => document.getElementById('oh-media').currentTime")


def test_cited_moment_click_to_seek_and_highlight(page, live_url, interview):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(live_url("/archive/items/OH-B1/interview/?t=42"))
    page.wait_for_function(
        "() => Math.abs(document.getElementById('oh-media').currentTime - 42) < 0.5"
    )
    assert abs(current_time(page) - 42) < 0.5
    assert page.locator(".oh-line.is-current").get_attribute("id") == "seg-5"

    page.locator("#seg-2 a.oh-time").click()
    page.wait_for_function(
        "() => Math.abs(document.getElementById('oh-media').currentTime - 10) < 1.5"
    )
    page.evaluate("() => document.getElementById('oh-media').pause()")

    page.evaluate("() => { document.getElementById('oh-media').currentTime = 31; }")
    page.wait_for_function("() => document.querySelector('.oh-line.is-current')?.id === 'seg-4'")
    assert page.locator("#seg-4").get_attribute("aria-current") == "true"

    page.goto(live_url("/archive/items/OH-B1/interview/#t=25"))
    page.wait_for_function(
        "() => Math.abs(document.getElementById('oh-media').currentTime - 25) < 0.5"
    )

    page.fill("#oh-q", "第3段")
    page.wait_for_function("() => document.querySelector('[data-oh-hits] ol li')")
    assert "第3段" in page.locator("[data-oh-hits]").inner_text()
    # Seeking and navigating abort in-flight media range requests; that is not a failure.
    problems = [p for p in page.problems if "ERR_ABORTED" not in p and "404" not in p]
    assert not problems, problems
    assert all(url.endswith("/favicon.ico") for url in missing), missing
