"""Exhibit pages in Chromium: navigation, a clip, a deep-zoom detail, printing, accessibility."""

import io

import pytest

from exhibits.models import ScientistStoryPage, StandardPage, TeacherResourcePage
from media_pipeline.ingest import ingest_fileobj
from tests.exhibits.conftest import scan_file
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.media_pipeline.samples import tone_wav
from tests.pages import clip_block, deep_zoom_block, exhibition_tree, item_block, publish, stream

pytestmark = pytest.mark.browser


@pytest.fixture
def exhibition(live_site):
    item = ItemFactory(title="致力学研究所筹建组同事的信")
    scan_file(item)
    interview = InterviewFactory()
    ingest_fileobj(interview.item, io.BytesIO(tone_wav(6.0, amplitude=8000)), "interview.wav")
    TranscriptSegmentFactory(interview=interview, start_ms=1000, end_ms=3000, text="回国以后")
    clip = clip_block(interview)
    zoom = deep_zoom_block(item)
    index, exhibition, chapters = exhibition_tree(
        [stream(item_block(item), clip), stream(zoom), stream()], title="党领导下的中国科学家"
    )
    story = publish(
        exhibition,
        ScientistStoryPage(
            title="钱学森的故事",
            slug="story",
            scientist=interview.interviewee,
            body=stream(item_block(item)),
        ),
    )
    resource = publish(
        exhibition,
        TeacherResourcePage(
            title="初中历史学习单",
            slug="resource",
            grade_band="junior",
            subject="历史",
            learning_objectives=stream({"type": "objective", "value": "认识两弹一星"}),
            worksheet_title="学习单",
            worksheet=stream(
                {"type": "question", "value": {"question": "写出日期", "answer_lines": 3}}
            ),
        ),
    )
    standard = publish(
        live_site,
        StandardPage(
            title="关于本站", slug="about", body=stream({"type": "text", "value": "<p>说明</p>"})
        ),
    )
    return {
        "index": index,
        "exhibition": exhibition,
        "chapters": chapters,
        "story": story,
        "resource": resource,
        "standard": standard,
        "home": live_site,
    }


def test_navigate_index_exhibition_chapter_next(page, exhibition, live_url):
    page.goto(live_url(exhibition["index"].url))
    page.get_by_role("link", name="党领导下的中国科学家").first.click()
    page.locator(".chapter-nav a").first.click()
    assert page.locator("h1").inner_text() == "第1章"
    page.locator("a[rel=next]").click()
    assert page.locator("h1").inner_text() == "第2章"
    page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    # The test scans are records without bytes, so their thumbnails 404; scripts must not fail.
    assert [p for p in page.problems if p.startswith("page error")] == []


def test_clip_plays_its_span(page, exhibition, live_url):
    page.goto(live_url(exhibition["chapters"][0].url))
    audio = page.locator("audio.clip__player")
    assert "#t=1,4" in audio.get_attribute("src")
    page.evaluate("() => document.querySelector('audio.clip__player').play()")
    page.wait_for_function(
        "() => document.querySelector('audio.clip__player').currentTime > 1.2", timeout=10_000
    )
    assert "回国以后" in page.locator(".clip__transcript").inner_text()


def test_open_deep_zoom_detail(page, exhibition, live_url):
    page.goto(live_url(exhibition["chapters"][1].url))
    link = page.locator("a.deep-zoom__open")
    assert page.locator(".deep-zoom img").get_attribute("alt") == "信的开头"
    assert "/derivatives/web.jpg" in page.locator(".deep-zoom img").get_attribute("src")
    assert "hlr=" in link.get_attribute("href")
    link.click()
    # The item page opens on that page with the region to outline (the viewer drawing `hlr`
    # rectangles on tiled pages is tested in test_viewer.py).
    page.wait_for_load_state()
    assert "hlr=" in page.url and page.locator("h1").inner_text()


def test_worksheet_print_preview(page, exhibition, live_url, screenshot):
    page.goto(live_url(exhibition["resource"].url))
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".worksheet").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    assert page.pdf(format="A4")[:4] == b"%PDF"
    screenshot(page, "worksheet-print")


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_every_page_type_is_accessible(page, exhibition, live_url, axe, screenshot):
    pages = {
        "home": exhibition["home"],
        "index": exhibition["index"],
        "exhibition": exhibition["exhibition"],
        "chapter": exhibition["chapters"][0],
        "empty-chapter": exhibition["chapters"][2],
        "story": exhibition["story"],
        "resource": exhibition["resource"],
        "standard": exhibition["standard"],
    }
    failures = {}
    for name, target in pages.items():
        response = page.goto(live_url(target.url))
        assert response.status == 200, name
        violations = axe(page)
        if violations:
            failures[name] = violations
        screenshot(page, name)
    assert failures == {}
