"""Classroom mode and the wide-screen layout in Chromium: a teacher projects a chapter at
1920×1080 with the keyboard (a clicker sends PageUp/PageDown), pupils get a QR code, Escape leaves;
a 1366 screen shows records beside their words; a phone keeps its one column."""

from __future__ import annotations

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from wagtail.images import get_image_model

from exhibits.models import ChapterPage
from media_pipeline.ingest import ingest_fileobj
from tests.browser.shots import keep
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.media_pipeline.conftest import media_root  # noqa: F401 (per-test storages)
from tests.pages import clip_block, deep_zoom_block, exhibition_tree, item_block, stream

pytestmark = pytest.mark.browser
SHOTS = "CLASSROOM_SHOTS_DIR"  # e.g. /tmp/shots23: the pictures for the note


def scan_bytes(seed: int, size=(1600, 1100)) -> bytes:
    """A letter-like page: paper, ruled lines, a seal; different per seed."""
    image = Image.new("RGB", size, (236 - seed * 9, 226 - seed * 5, 204))
    draw = ImageDraw.Draw(image)
    for y in range(140, size[1] - 120, 64):
        draw.line([(120, y), (size[0] - 120, y)], fill=(120, 110, 96), width=3)
        draw.rectangle(
            [(140, y - 40), (140 + (y * 7 + seed * 131) % 1100, y - 14)], fill=(60, 52, 48)
        )
    draw.ellipse(
        [(size[0] - 330, size[1] - 330), (size[0] - 150, size[1] - 150)],
        outline=(180, 30, 30),
        width=12,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def wagtail_image(title: str):
    buffer = io.BytesIO()
    picture = Image.new("RGB", (1200, 800), (52, 86, 120))
    ImageDraw.Draw(picture).rectangle([(200, 300), (1000, 700)], fill=(200, 190, 170))
    picture.save(buffer, format="JPEG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.jpg")
    )


@pytest.fixture
def chapter_pages(live_site, media_root):  # noqa: F811
    letter = ItemFactory(title="致力学研究所筹建组同事的信", date_text="1956年2月")
    ingest_fileobj(letter, io.BytesIO(scan_bytes(1)), "letter.jpg")
    notes = ItemFactory(title="工程控制论讲义手稿", date_text="1954年")
    ingest_fileobj(notes, io.BytesIO(scan_bytes(3)), "notes.jpg")
    interview = InterviewFactory()
    TranscriptSegmentFactory(interview=interview, start_ms=1000, end_ms=3000, text="回国以后")
    image = wagtail_image("研究所旧址")
    text = "".join(
        f"<p>{'一九五五年，钱学森冲破重重阻挠回到祖国，随即投入力学研究所的筹建工作。' * 3}</p>"
        for _ in range(3)
    )
    first = stream(
        {"type": "text", "value": "<h2>归国</h2>" + text},
        item_block(letter, "信中谈到研究所的分组与人员。"),
        {
            "type": "image",
            "value": {"image": image.pk, "alt": "研究所大楼", "caption": "研究所旧址"},
        },
        deep_zoom_block(letter),
        clip_block(interview),
        {
            "type": "pull_quote",
            "value": {"quote": "我的事业在中国。", "speaker": "钱学森", "item": letter.pk},
        },
        # One paragraph longer than a screen: its slide scrolls before the deck moves on.
        {"type": "text", "value": "<p>" + "力学研究所的第一批研究生来自全国各地。" * 70 + "</p>"},
    )
    _index, exhibition, chapters = exhibition_tree(
        [first, stream(item_block(notes))], title="党领导下的中国科学家"
    )
    return {"exhibition": exhibition, "chapters": chapters, "letter": letter}


def _new_page(browser, live_server, width: int, height: int, **options):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": height}, **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.viewport_name = f"{width}x{height}"
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda m: (
            page.problems.append(m.text) if m.type == "error" and "404" not in m.text else None
        ),
    )
    return page


def _counter(page) -> str:
    return page.locator("[data-counter]").inner_text().replace(" ", "")


def _visible_slides(page) -> list[str]:
    return page.eval_on_selector_all("[data-slide]", "s => s.filter(e => !e.hidden).map(e => e.id)")


def test_classroom_journey_and_wide_layouts(
    browser, live_server, live_url, chapter_pages, axe, screenshot
):
    chapter = chapter_pages["chapters"][0]
    exhibition = chapter_pages["exhibition"]
    page = _new_page(browser, live_server, 1920, 1080)

    # The landing page shows every chapter with its picture (the first record's scan here).
    page.goto(live_url(exhibition.url))
    covers = page.locator("img.chapter-cover")
    assert covers.count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.chapter-cover')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    keep(SHOTS, screenshot(page, "landing"), "B-landing-chapter-images-1920.png")

    # A chapter at 1920: no 680 px column, larger type.
    page.goto(live_url(chapter.url))
    assert page.locator(".site-main").bounding_box()["width"] > 1400
    assert (
        page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") > 20
    )

    # Into classroom mode by the visible button.
    entry = page.locator("a.classroom-entry__link")
    assert entry.is_visible() and entry.inner_text() == "课堂模式"
    entry.click()
    page.wait_for_selector("[data-classroom][data-ready=true]")
    assert page.url.endswith(chapter.url + "classroom/")
    total = int(_counter(page).split("/")[1])
    # title, the text in two parts, five blocks, the long paragraph, the end
    assert total == 10
    assert _visible_slides(page) == ["slide-1"] and _counter(page) == f"1/{total}"
    assert page.evaluate("() => document.activeElement.id") == "slide-1"
    assert page.locator("#slide-1 h1").inner_text() == chapter.title
    heading_size = page.locator("#slide-1 h1").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert heading_size >= 60  # readable from the back of a classroom
    assert axe(page) == []
    keep(
        SHOTS,
        screenshot(page, "classroom-title", full_page=False),
        "B-classroom-title-1920x1080.png",
    )

    # The QR code is for the page pupils read, shown as an SVG with the address beside it.
    chapter.refresh_from_db()
    assert page.locator("#slide-1 .classroom-qr svg").is_visible()
    assert page.locator("#slide-1 .classroom-qr__url").inner_text() == chapter.full_url

    # A clicker's PageDown, the arrows, space: forward and back, announced and in the address.
    page.keyboard.press("PageDown")
    assert _counter(page) == f"2/{total}" and page.url.endswith("#slide-2")
    assert "2" in page.locator("[data-announce]").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "slide-2"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    assert _counter(page) == f"4/{total}"
    item_slide = page.locator("#slide-4")
    assert item_slide.locator(".item-card").is_visible()
    thumb = item_slide.locator(".item-card__thumb").bounding_box()
    title = item_slide.locator(".item-card__title").bounding_box()
    assert thumb["x"] + thumb["width"] <= title["x"]  # the record beside its words
    page.wait_for_function(
        "() => document.querySelector('#slide-4 .item-card__thumb').naturalWidth > 0"
    )
    keep(
        SHOTS,
        screenshot(page, "classroom-record", full_page=False),
        "B-classroom-record-1920x1080.png",
    )
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("PageUp")
    assert _counter(page) == f"2/{total}" and _visible_slides(page) == ["slide-2"]

    # The on-screen buttons keep focus on themselves; End reaches the closing slide.
    page.get_by_role("button", name="下一张").click()
    assert _counter(page) == f"3/{total}"
    assert page.evaluate("() => document.activeElement.dataset.action") == "next"
    page.keyboard.press("End")
    assert _counter(page) == f"{total}/{total}"

    # The long paragraph's slide: PageDown scrolls it to its end before leaving it.
    page.keyboard.press("ArrowLeft")
    long_body = page.locator(f"#slide-{total - 1} [data-slide-body]")
    assert long_body.evaluate("e => e.scrollHeight > e.clientHeight + 10")
    page.keyboard.press("PageDown")
    assert _counter(page) == f"{total - 1}/{total}"
    assert long_body.evaluate("e => e.scrollTop") > 0
    for _ in range(20):
        if _counter(page) == f"{total}/{total}":
            break
        page.keyboard.press("PageDown")
    assert _counter(page) == f"{total}/{total}"
    assert page.locator(f"#slide-{total} .classroom-qr svg").is_visible()

    # A reload keeps the slide; the QR panel opens and Escape closes it, then Escape leaves.
    page.reload()
    page.wait_for_selector("[data-classroom][data-ready=true]")
    assert _counter(page) == f"{total}/{total}"
    page.get_by_role("button", name="二维码").click()
    assert page.locator("#classroom-qr").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#classroom-qr").is_visible()
    page.keyboard.press("Escape")
    page.wait_for_url(live_url(chapter.url))
    assert page.locator("h1").inner_text() == chapter.title
    assert page.problems == []
    page.context.close()

    # 1366×900: records and images stand beside their words; type a little larger.
    wide = _new_page(browser, live_server, 1366, 900)
    wide.goto(live_url(chapter.url))
    card = wide.locator(".exhibit-block--item").first
    thumb = card.locator(".item-card__thumb").bounding_box()
    title = card.locator(".item-card__title").bounding_box()
    assert thumb["x"] + thumb["width"] <= title["x"]
    figure = wide.locator(".exhibit-figure")
    image_box = figure.locator("img").bounding_box()
    caption_box = figure.locator("figcaption").bounding_box()
    assert image_box["x"] + image_box["width"] <= caption_box["x"]
    assert wide.locator(".exhibit-body").bounding_box()["width"] > 1000
    wide.wait_for_function("() => document.querySelector('.item-card__thumb').naturalWidth > 0")
    keep(SHOTS, screenshot(wide, "chapter-1366"), "B-chapter-1366x900.png")
    wide.context.close()

    # 390×844: the phone's single column as before: 16 px type, picture above its title, no
    # sideways scrolling; the classroom button is there too.
    phone = _new_page(
        browser, live_server, 390, 844, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    phone.goto(live_url(chapter.url))
    assert phone.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "16px"
    thumb = phone.locator(".item-card__thumb").first.bounding_box()
    title = phone.locator(".item-card__title").first.bounding_box()
    assert thumb["y"] + thumb["height"] <= title["y"] + 1
    caption_box = phone.locator(".exhibit-figure figcaption").bounding_box()
    image_box = phone.locator(".exhibit-figure img").bounding_box()
    assert image_box["y"] + image_box["height"] <= caption_box["y"] + 1
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert phone.locator("a.classroom-entry__link").is_visible()
    keep(SHOTS, screenshot(phone, "chapter-390"), "B-chapter-390x844.png")
    phone.context.close()
    assert ChapterPage.objects.live().count() == 2
