"""The curators' visual tools in Chromium, one short journey each: a region drawn on a PDF page,
a clip marked by ear, a transcript edited while listening (split, merge, shift, save)."""

from __future__ import annotations

import io
import json
import math
import struct
import wave

import pymupdf
import pytest

from archive_collections.models import TranscriptSegment
from exhibits.models import ChapterPage
from media_pipeline.ingest import ingest_fileobj
from tests.browser.shots import keep
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.pages import exhibition_tree, stream

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "CURATOR_TOOLS_SHOTS_DIR"  # e.g. /tmp/shots22: the pictures for the note


def tone_wav(seconds: float, rate: int = 8000) -> bytes:
    """A synthesised recording: a tone whose pitch steps up every two seconds."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        frames = bytearray()
        for n in range(int(seconds * rate)):
            pitch = 330 + 110 * int(n / rate / 2)
            frames += struct.pack("<h", int(8000 * math.sin(2 * math.pi * pitch * n / rate)))
        wav.writeframes(bytes(frames))
    return out.getvalue()


def lecture_pdf() -> bytes:
    document = pymupdf.open()
    for number, words in enumerate(("第一页：讲义封面", "第二页：火箭推进计算草稿"), start=1):
        page = document.new_page(width=420, height=595)
        page.insert_text((40, 80), words, fontname="china-s", fontsize=22)
        page.draw_rect(pymupdf.Rect(40, 120 + number * 20, 380, 400), color=(0.6, 0.1, 0.1))
    return document.tobytes()


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        **{
            name: {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / name), "base_url": None},
            }
            for name in ("masters", "derivatives")
        },
    }


def block_value(chapter, kind: str) -> dict:
    body = ChapterPage.objects.get(pk=chapter.pk).get_latest_revision_as_object().body
    return next(dict(block.value) for block in body if block.block_type == kind)


def test_a_region_drawn_on_a_pdf_page(
    page, live_site, live_url, login, superuser, storage, screenshot
):
    item = ItemFactory(access_level="public", identifier="PDF-R1", title="火箭讲义")
    ingest_fileobj(item, io.BytesIO(lecture_pdf()), "lecture.pdf", sequence=1)
    value = {"item": item.pk, "page": 2, "x": 0, "y": 0, "width": 50, "height": 50}
    _i, _e, (chapter,) = exhibition_tree(
        [stream({"type": "deep_zoom", "value": {**value, "alt": "计算草稿", "caption": ""}})]
    )
    login(page, superuser)
    page.goto(live_url(f"/admin/pages/{chapter.pk}/edit/"))
    page.locator(".deep-zoom-block .picker > button").click()
    page.wait_for_function(
        "() => { const v = document.querySelector('.picker__stage')?.viewer;"
        " const i = v && v.world.getItemAt(0); return Boolean(i && i.getFullyLoaded()); }",
        timeout=45_000,
    )
    assert page.locator(".picker__tools select").input_value() == "2"
    page.locator(".picker__stage").scroll_into_view_if_needed()
    box = page.locator(".picker__stage").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=8)
    page.mouse.up()
    region = {
        name: float(page.locator(f".deep-zoom-block input[name$='-{name}']").input_value())
        for name in ("x", "y", "width", "height")
    }
    assert 1 < region["width"] < 100 and 1 < region["height"] < 100, region
    assert region["x"] > 0 and region["y"] > 0, region
    pdf = item.files.get()
    preview = page.locator(".picker__preview img")
    assert f"/iiif/3/{pdf.pk}-2/pct:" in preview.get_attribute("src")
    page.wait_for_function(
        "() => document.querySelector('.picker__preview img').naturalWidth > 0", timeout=30_000
    )
    keep(SHOTS, screenshot(page, "region", full_page=False), "G-region-picker.png")

    page.locator("button.action-save").first.click()
    page.wait_for_load_state("domcontentloaded")
    saved = block_value(chapter, "deep_zoom")
    assert saved["page"] == 2 and abs(saved["width"] - region["width"]) < 0.01
    ChapterPage.objects.get(pk=chapter.pk).get_latest_revision().publish()
    html = page.goto(live_url(chapter.url)).text()
    assert "该局部的扫描图像暂不可用" not in html
    assert f"/iiif/3/{pdf.pk}-2/" in html


def recorded_interview(identifier: str, texts: list[str], seconds: float):
    interview = InterviewFactory(item__identifier=identifier, duration_ms=int(seconds * 1000))
    step = int(seconds * 1000) // len(texts)
    for n, text in enumerate(texts):
        TranscriptSegmentFactory(
            interview=interview, start_ms=n * step, end_ms=(n + 1) * step, text=text
        )
    ingest_fileobj(interview.item, io.BytesIO(tone_wav(seconds)), "interview.wav")
    return interview


def media_time(page, selector: str) -> float:
    return page.evaluate(f"() => document.querySelector('{selector}').currentTime")


def test_a_clip_marked_by_ear(page, live_site, live_url, login, superuser, storage, screenshot):
    interview = recorded_interview(
        "OH-CLIP", ["开场白。", "我回到祖国。", "开始研究火箭。", "结束。"], 8
    )
    value = {"interview": interview.pk, "start": "0:00", "end": "0:01", "caption": ""}
    _i, _e, (chapter,) = exhibition_tree([stream({"type": "clip", "value": value})])
    login(page, superuser)
    page.goto(live_url(f"/admin/pages/{chapter.pk}/edit/"))
    page.locator(".clip-block .picker > button").click()
    player = ".clip-picker__player"
    page.wait_for_function(f"() => document.querySelector('{player}')?.readyState >= 1")
    # Scrub into the second line, mark in with the key; into the third, mark out by button.
    page.evaluate(f"() => {{ document.querySelector('{player}').currentTime = 2.6; }}")
    page.locator(".clip-picker").focus()
    page.keyboard.press("i")
    page.evaluate(f"() => {{ document.querySelector('{player}').currentTime = 5.1; }}")
    page.locator(".clip-picker button[aria-keyshortcuts=O]").click()
    start = page.locator(".clip-block input[name$='-start']")
    end = page.locator(".clip-block input[name$='-end']")
    assert (start.input_value(), end.input_value()) == ("0:00:02", "0:00:06")  # snapped
    quote = page.locator(".clip-picker__quote").inner_text()
    assert "我回到祖国。" in quote and "开始研究火箭。" in quote and "开场白" not in quote
    page.locator(".clip-picker button[aria-keyshortcuts=P]").click()
    page.wait_for_function(
        f"() => {{ const m = document.querySelector('{player}'); "
        "return m.paused && m.currentTime >= 5.9; }",
        timeout=20_000,
    )
    assert media_time(page, player) < 6.6  # stopped at the out point
    keep(SHOTS, screenshot(page, "clip", full_page=False), "G-clip-picker.png")
    # Bad input: an out point before the in point is shown at once, and refused on save.
    end.fill("0:00:01")
    end.dispatch_event("change")
    assert "after the in point" in page.locator(".clip-picker__span").inner_text() or (
        "之后" in page.locator(".clip-picker__span").inner_text()
    )
    end.fill("0:00:06")
    end.dispatch_event("change")
    page.locator("button.action-save").first.click()
    page.wait_for_load_state("domcontentloaded")
    saved = block_value(chapter, "clip")
    assert (saved["start"], saved["end"]) == ("0:00:02", "0:00:06")


def test_a_transcript_edited_while_listening(
    page, live_site, live_url, login, superuser, storage, screenshot
):
    interview = recorded_interview("OH-EDIT", ["一二三四", "五六七八九十", "甲乙"], 9)
    login(page, superuser)
    page.goto(live_url(f"/admin/archive/interviews/{interview.pk}/transcript-editor/"))
    media = "[data-editor-media]"
    page.wait_for_function(f"() => document.querySelector('{media}').readyState >= 1")
    rows = page.locator("[data-editor-rows] tr")
    assert rows.count() == 3
    # Keyboard: Esc plays, Esc again pauses; the playing segment is highlighted.
    page.locator("body").press("Escape")
    page.wait_for_function(f"() => !document.querySelector('{media}').paused")
    page.locator("body").press("Escape")
    page.evaluate(f"() => {{ document.querySelector('{media}').currentTime = 4.5; }}")
    page.wait_for_function("() => document.querySelector('tr.is-current')?.dataset.index === '1'")
    rows.nth(1).locator("button").nth(1).click()  # split at the playhead
    assert rows.count() == 4
    assert rows.nth(2).locator("input").first.input_value() == "00:00:04.500"
    rows.nth(2).locator("button").nth(2).click()  # merge with the next
    assert rows.count() == 3
    assert rows.nth(2).locator("textarea").input_value().endswith("甲乙")
    # Shift everything 0.5 s later: the last segment now runs past the end; save is refused.
    page.fill("[data-editor-offset]", "0.5")
    page.click("[data-editor-shift]")
    page.click("[data-editor-save]")
    status = page.locator("[data-editor-status]")
    page.wait_for_function("() => document.querySelector('[data-editor-status] li')")
    assert "3" in status.inner_text() and "00:00:09.000" in status.inner_text()
    assert page.locator("tr.is-problem").count() == 1
    keep(SHOTS, screenshot(page, "refused", full_page=False), "G-transcript-editor-refused.png")
    page.fill("[data-editor-offset]", "-0.5")
    page.click("[data-editor-shift]")
    page.click("[data-editor-save]")
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-editor-status]');"
        " return s.textContent && !s.classList.contains('is-error') && !/…/.test(s.textContent); }"
    )
    keep(SHOTS, screenshot(page, "editor", full_page=False), "G-transcript-editor.png")
    saved = list(
        TranscriptSegment.objects.filter(interview=interview)
        .order_by("start_ms")
        .values_list("start_ms", "end_ms")
    )
    assert saved == [(0, 3000), (3000, 4500), (4500, 9000)]
    (revision,) = interview.revisions.all()
    assert len(revision.content["transcript"]) == 3
    assert json.dumps(revision.content["transcript"][2]["text"], ensure_ascii=False).endswith(
        '甲乙"'
    )


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_public_player_on_a_phone(page, live_site, live_url, storage, screenshot):
    lines = [f"第{n + 1}段：我在上海读书，后来去北京。" * 3 for n in range(12)]
    interview = recorded_interview("OH-PHONE", lines, 12)
    interview.transcript.filter(start_ms=4000).update(start_ms=3947)  # starts within second 3
    page.goto(live_url("/archive/items/OH-PHONE/interview/?t=3"))
    media = "#oh-media"
    page.wait_for_function(f"() => document.querySelector('{media}').readyState >= 1")
    # A whole-second link lands on the line starting within that second.
    assert page.locator(".oh-line.is-current").get_attribute("id") == "seg-5"
    # Clicking a line's text (not only its time) seeks there.
    page.locator("#seg-9 .oh-text").click()
    page.wait_for_function(
        f"() => Math.abs(document.querySelector('{media}').currentTime - 8) < 0.6"
    )
    page.evaluate(f"() => document.querySelector('{media}').pause()")
    # The recording stays in view while the reader scrolls down to the transcript.
    page.locator("#seg-12").scroll_into_view_if_needed()
    top = page.evaluate(f"() => document.querySelector('{media}').getBoundingClientRect().top")
    assert 0 <= top < 5, top
    # Search inside the interview finds traditional script.
    page.fill("#oh-q", "讀書")
    page.wait_for_function("() => document.querySelectorAll('[data-oh-hits] ol li').length >= 12")
    keep(SHOTS, screenshot(page, "player", full_page=False), "G-player-phone.png")
