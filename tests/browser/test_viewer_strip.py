"""The viewer's thumbnail strip, go-to-page box and page download in Chromium, desktop and phone."""

import io

import pymupdf
import pytest

from media_pipeline.ingest import ingest_fileobj
from tests.browser.shots import keep
from tests.factories import ItemFactory
from tests.media_pipeline import imaging_samples as make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "VIEWER_SHOTS"  # a folder to keep the screenshots in for the closing note
LOADED = """() => {
  const root = document.querySelector('[data-viewer]');
  const item = root && root.viewer && root.viewer.world.getItemAt(0);
  return Boolean(item && item.getFullyLoaded());
}"""
PDF_PAGES = 11


def _pdf(pages: int) -> bytes:
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=200, height=280)
        page.insert_text((20, 60), f"Page {number}", fontsize=28)
    return doc.tobytes()


@pytest.fixture
def item(live_site):
    item = ItemFactory(
        item_type="manuscript", access_level="public", identifier="QXS-STRIP-1", title="手稿"
    )
    ingest_fileobj(item, io.BytesIO(make.encoded("JPEG", (700, 500))), "scan.jpg", sequence=1)
    ingest_fileobj(item, io.BytesIO(_pdf(PDF_PAGES)), "letters.pdf", sequence=2)
    return item


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_strip_go_to_page_and_download_follow_the_page(
    page, live_url, item, axe, screenshot, tmp_path
):
    total = PDF_PAGES + 1
    pdf_file = item.files.get(sequence=2)
    page.goto(live_url(item.get_absolute_url()), wait_until="domcontentloaded")
    page.wait_for_function(LOADED, timeout=45_000)
    strip = page.get_by_role("navigation", name="页面缩略图")
    assert strip.get_by_role("link").count() == total

    # A thumbnail, reached with the keyboard, opens its page.
    third = strip.get_by_role("link", name="第 3 页")
    third.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(LOADED, timeout=45_000)
    assert "page=3" in page.url
    assert third.get_attribute("aria-current") == "page"
    assert strip.locator('[aria-current="page"]').count() == 1
    assert "第 3 页" in page.locator("[data-viewer-status]").inner_text()
    download = page.locator("[data-viewer-download]")
    assert download.get_attribute("href") == f"/files/{pdf_file.pk}/pages/2.jpg"
    assert "第 3 页" in download.inner_text()

    # The go-to-page box names a page that does not exist, and opens one that does.
    box = page.get_by_label("转到页码")
    box.fill(str(total + 5))
    box.press("Enter")
    error = page.locator("[data-viewer-error]")
    assert error.is_visible()
    assert f"没有第 {total + 5} 页" in error.inner_text() and f"共 {total} 页" in error.inner_text()
    assert "page=3" in page.url  # nothing moved
    box.fill("9")
    box.press("Enter")
    page.wait_for_function(LOADED, timeout=45_000)
    assert "page=9" in page.url and error.is_hidden()
    assert strip.get_by_role("link", name="第 9 页").get_attribute("aria-current") == "page"
    assert download.get_attribute("href") == f"/files/{pdf_file.pk}/pages/8.jpg"
    response = page.request.get(live_url(download.get_attribute("href")))
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert page.locator("#viewer-pdf-from").input_value() == "9"
    assert axe(page, include="[data-viewer]") == []
    keep(SHOTS, screenshot(page, "strip", full_page=False), "D-viewer-1366x900.png")

    # The PDF form checks the range before asking; the PDF it asks for has the stamped cover.
    page.locator("#viewer-pdf-to").fill(str(total + 1))
    page.get_by_role("button", name="下载 PDF").click()
    pdf_error = page.locator("[data-viewer-pdf-error]")
    assert f"没有第 {total + 1} 页" in pdf_error.inner_text()
    action = page.locator("[data-viewer-pdf]").get_attribute("action")
    answer = page.request.get(live_url(f"{action}?from=1&to=3"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    document = pymupdf.open(stream=answer.body(), filetype="pdf")
    # The cover, the scan as a picture, then the PDF's own first two pages with their text.
    assert document.page_count == 4 and len(document[1].get_images()) == 1
    assert "Page 2" in document[3].get_text()
    assert "QXS-STRIP-1" in document[0].get_text()
    cover = tmp_path / "cover.png"
    document[0].get_pixmap(dpi=110).save(str(cover))
    keep(SHOTS, cover, "D-pdf-cover.png")

    # On a phone the strip scrolls sideways inside itself; the page does not.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_url(item.get_absolute_url() + "?page=10"), wait_until="domcontentloaded")
    page.wait_for_function(LOADED, timeout=45_000)
    sizes = strip.evaluate("s => [s.scrollWidth, s.clientWidth, s.scrollLeft]")
    assert sizes[0] > sizes[1] and sizes[2] > 0  # scrolled to show page 10
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    current = strip.get_by_role("link", name="第 10 页")
    box_of = current.bounding_box()
    assert box_of is not None and 0 <= box_of["x"] and box_of["x"] + box_of["width"] <= 390
    strip.scroll_into_view_if_needed()
    keep(SHOTS, screenshot(page, "strip-phone", full_page=False), "D-viewer-390x844.png")
    # Thumbnails far from page 10 are not fetched until the strip is scrolled to them.
    first_thumb = strip.locator('[data-viewer-thumb="0"] img')
    assert first_thumb.get_attribute("src") is None
    strip.evaluate("s => { s.scrollLeft = 0; }")
    page.wait_for_function(
        "() => document.querySelector('[data-viewer-thumb=\"0\"] img').complete "
        "&& document.querySelector('[data-viewer-thumb=\"0\"] img').naturalWidth > 0"
    )

    # A range past the last page is refused naming it, on a page of its own (not a 500).
    refused = page.goto(live_url(f"{action}?from={total + 1}&to=20"))
    assert refused is not None and refused.status == 400
    assert f"该文件共 {total} 页，无法下载第 {total + 1}–20 页" in page.locator("main").inner_text()
    keep(SHOTS, screenshot(page, "refused", full_page=False), "D-range-refused-390x844.png")
