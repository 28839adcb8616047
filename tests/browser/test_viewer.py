"""The deep-zoom viewer in Chromium: tiles load, keyboard works, ?page=/?hl= and no-JS fallback."""

import io

import pytest

from media_pipeline.ingest import ingest_fileobj
from tests.factories import ItemFactory
from tests.media_pipeline import imaging_samples as make
from tests.media_pipeline import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOADED = """() => {
  const root = document.querySelector('[data-viewer]');
  const item = root && root.viewer && root.viewer.world.getItemAt(0);
  return Boolean(item && item.getFullyLoaded());
}"""


@pytest.fixture
def item(live_site):
    item = ItemFactory(
        item_type="photograph", access_level="public", identifier="QXS-OSD-1", title="手稿"
    )
    # Files ingested outside a transaction are processed at once (immediate task backend).
    ingest_fileobj(
        item, io.BytesIO(make.encoded("JPEG", (700, 500))), "scan.jpg", sequence=1, label="第1页"
    )
    ingest_fileobj(
        item,
        io.BytesIO(samples.multipage_tiff(((300, 200), (200, 450)))),
        "pages.tif",
        sequence=2,
        label="第2页",
    )
    return item


def _open(page, live_url, item, query=""):
    page.bad_responses = []
    page.on(
        "response", lambda r: r.status >= 400 and page.bad_responses.append(f"{r.status} {r.url}")
    )
    page.goto(live_url(item.get_absolute_url() + query), wait_until="domcontentloaded")
    page.wait_for_function(LOADED, timeout=45_000)  # tiles come from a busy test server


def _problems(page) -> list[str]:
    """Console errors and failed responses, except the favicon the site does not have yet
    (Chromium's console line for a 404 names no URL, so responses are checked instead)."""
    console = [p for p in page.problems if "Failed to load resource" not in p]
    return console + [bad for bad in page.bad_responses if not bad.endswith("/favicon.ico")]


def _zoom(page) -> float:
    return page.evaluate(
        "() => document.querySelector('[data-viewer]').viewer.viewport.getZoom(true)"
    )


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_viewer_loads_tiles_and_passes_axe(page, live_url, item, axe, screenshot):
    _open(page, live_url, item)
    assert page.locator("[data-viewer-fallback]").count() == 0  # replaced by the live viewer
    assert page.locator(".openseadragon-canvas canvas").count() >= 1
    assert _problems(page) == []
    assert axe(page) == []
    screenshot(page, "viewer")


def test_viewer_is_keyboard_operable(page, live_url, item):
    _open(page, live_url, item)
    zoom_in = page.get_by_role("button", name="放大")  # the Chinese UI: "Zoom in"
    zoom_in.focus()
    before = _zoom(page)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.querySelector('[data-viewer]').viewer.viewport.getZoom(true) > {before}"
    )
    page.locator("[data-viewer-next]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(LOADED, timeout=45_000)
    assert "page=2" in page.url
    assert "2" in page.locator("[data-viewer-status]").inner_text()
    canvas = page.get_by_role("application")
    canvas.focus()
    before = _zoom(page)
    page.keyboard.press("+")  # OpenSeadragon's own keys work once the image has focus
    page.wait_for_function(
        f"() => document.querySelector('[data-viewer]').viewer.viewport.getZoom(true) > {before}"
    )
    assert _problems(page) == []


# hl in pixels of the page, hlr as fractions of its 200×450 size (what search results link with).
@pytest.mark.parametrize("highlight", ["hl=20,100,120,40", "hlr=0.1,0.2222,0.6,0.0889"])
def test_page_and_highlight_parameters(page, live_url, item, highlight):
    _open(page, live_url, item, f"?page=3&{highlight}")
    size = page.evaluate("""() => {
      const item = document.querySelector('[data-viewer]').viewer.world.getItemAt(0);
      const s = item.getContentSize(); return [s.x, s.y];
    }""")
    assert size == [200, 450]  # the second page of the TIFF
    highlight = page.locator("[data-viewer-highlight]")
    assert highlight.count() == 1
    box = highlight.bounding_box()
    assert box["width"] > 10 and box["height"] > 3
    assert _problems(page) == []


def test_without_javascript_the_web_image_is_shown(browser, live_url, item):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        plain = context.new_page()
        plain.goto(live_url(item.get_absolute_url() + "?hl=70,50,140,100"))
        image = plain.locator("[data-viewer-fallback] img")
        image.wait_for()
        assert (
            plain.evaluate(
                "() => document.querySelector('[data-viewer-fallback] img').naturalWidth"
            )
            > 0
        )
        assert plain.locator(".viewer__hl").count() == 1
    finally:
        context.close()
