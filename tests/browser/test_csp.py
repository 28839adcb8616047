"""Every kind of page works in Chromium under the Content-Security-Policy, with no violation.

A violation is caught twice: the page's `securitypolicyviolation` events (listened to from
before any of the page's own scripts run) and Chromium's console lines ("Refused to …"). Each
test also checks that what the page is for still works: the deep-zoom viewer draws, the
player plays and seeks, Mirador draws a canvas, Swagger UI lists the operations, Wagtail's page
and record editors build their forms with JavaScript."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from archive_collections.models import Item
from exhibits.models import ScientistStoryPage
from media_pipeline.ingest import ingest_fileobj
from tests.factories import InterviewFactory, ItemFactory, TranscriptSegmentFactory
from tests.media_pipeline import imaging_samples as make
from tests.media_pipeline.samples import tone_wav
from tests.pages import clip_block, deep_zoom_block, exhibition_tree, item_block, publish, stream

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${where}`);
});
"""
OSD_DRAWN = """() => {
  const canvas = document.querySelector('.openseadragon-canvas canvas');
  return Boolean(canvas && canvas.width > 0 && canvas.height > 0);
}"""


@pytest.fixture
def guarded(page):
    """The page, listening for CSP violations from its first script on."""
    page.csp_console = []
    page.add_init_script(script=LISTEN)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            page.csp_console.append(text)

    page.on("console", on_console)
    return page


def visit(page, url: str, **kwargs) -> dict[str, list[str]]:
    """Opens `url` and returns its policy, directive -> sources."""
    response = page.goto(url, **kwargs)
    assert response is not None and response.status == 200, url
    header = response.headers.get("content-security-policy", "")
    policy = {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }
    assert policy.get("object-src") == ["'none'"], header
    assert policy.get("frame-ancestors") == ["'self'"], header
    assert policy.get("base-uri") == ["'self'"], header
    assert policy.get("connect-src") == ["'self'"], header
    return policy


def violations(page) -> list[str]:
    events = page.evaluate("() => window.__csp || []")
    return [*events, *page.csp_console]


@pytest.fixture
def scan(live_site):
    item = ItemFactory(
        item_type="manuscript", access_level="public", identifier="QXS-CSP-1", title="手稿"
    )
    # Outside a transaction files are processed at once (immediate tasks): derivatives, tiles.
    ingest_fileobj(item, io.BytesIO(make.encoded("JPEG", (900, 600))), "scan.jpg", sequence=1)
    return item


@pytest.fixture
def interview(live_site):
    interview = InterviewFactory(item__identifier="OH-CSP", duration_ms=20_000)
    for n in range(4):
        TranscriptSegmentFactory(
            interview=interview,
            start_ms=n * 5000,
            end_ms=n * 5000 + 5000,
            speaker="钱学森",
            text=f"第{n + 1}段：回国以后。",
        )
    ingest_fileobj(interview.item, io.BytesIO(tone_wav(20.0)), "interview.wav")
    return interview


@pytest.fixture
def chapter(live_site, scan, interview):
    zoom = deep_zoom_block(scan)
    clip = clip_block(interview)
    _index, exhibition, chapters = exhibition_tree(
        [stream(item_block(scan), zoom, clip)], title="党领导下的中国科学家"
    )
    publish(
        exhibition,
        ScientistStoryPage(
            title="钱学森的故事",
            slug="story",
            scientist=interview.interviewee,
            body=stream(item_block(scan)),
        ),
    )
    return chapters[0]


def test_exhibit_pages_with_crop_clip_and_worksheet(guarded, live_url, chapter):
    page = guarded
    visit(page, live_url(chapter.url))
    # The crop is positioned by style="" attributes, which the policy allows (not <style>).
    frame = page.locator(".deep-zoom__frame, .deep-zoom__image").first
    assert frame.bounding_box()["height"] > 0
    page.evaluate("() => document.querySelector('audio.clip__player').play()")
    page.wait_for_function(
        "() => document.querySelector('audio.clip__player').currentTime > 1.2", timeout=15_000
    )
    assert violations(page) == []
    for target in (
        chapter.get_parent(),
        chapter.get_parent().get_parent(),
        chapter.get_site().root_page,
    ):
        visit(page, live_url(target.specific.url))
        assert violations(page) == []


def test_deep_zoom_viewer_draws(guarded, live_url, scan):
    page = guarded
    visit(page, live_url(scan.get_absolute_url()), wait_until="domcontentloaded")
    page.wait_for_function(OSD_DRAWN, timeout=45_000)
    # The canvas exists as soon as OpenSeadragon starts; the plain image goes when the tiles
    # have opened (a viewer that failed to open keeps it, and this wait fails).
    page.locator("[data-viewer-fallback]").wait_for(state="detached", timeout=45_000)
    page.get_by_role("button", name="放大").click()
    assert violations(page) == []


def test_mirador_draws_the_manifest(guarded, live_url, scan):
    page = guarded
    manifest = live_url(f"/iiif/3/manifest/{scan.identifier}.json")
    policy = visit(
        page, live_url(f"/iiif/3/mirador/?manifest={manifest}"), wait_until="domcontentloaded"
    )
    # Mirador's run-time <style> elements are the one inline style this page allows.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    page.wait_for_function(OSD_DRAWN, timeout=45_000)
    page.get_by_text("手稿").first.wait_for()
    assert violations(page) == []


def test_interview_player_plays_and_seeks(guarded, live_url, interview):
    page = guarded
    visit(page, live_url("/archive/items/OH-CSP/interview/?t=12"))
    page.wait_for_function(
        "() => Math.abs(document.getElementById('oh-media').currentTime - 12) < 0.5"
    )
    page.locator("#seg-2 a.oh-time").click()
    page.wait_for_function(
        "() => Math.abs(document.getElementById('oh-media').currentTime - 5) < 1.5"
    )
    page.evaluate("() => document.getElementById('oh-media').play()")
    page.wait_for_function("() => document.getElementById('oh-media').currentTime > 6")
    assert violations(page) == []


def test_search_and_autocomplete(guarded, live_url, scan):
    page = guarded
    visit(page, live_url("/search/?q=手稿"))
    assert page.locator("main").inner_text()
    status = page.evaluate(
        "async (q) => (await fetch('/api/search/autocomplete/?q=' + encodeURIComponent(q))).status",
        "手",
    )
    assert status == 200
    assert violations(page) == []


def test_api_docs_list_the_operations(guarded, live_url, live_site):
    page = guarded
    visit(page, live_url("/api/v1/docs"))
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 5
    # An operation opened and tried: its parameters, selects and the request to the API.
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.locator(".swagger-ui .try-out__btn").first.click()
    page.locator(".swagger-ui .execute").first.click()
    page.locator(".swagger-ui .responses-table .response-col_status").first.wait_for()
    assert violations(page) == []


def test_admin_editors_load_their_scripts(guarded, live_url, login, superuser, chapter, scan):
    page = guarded
    login(page, superuser)
    policy = visit(page, live_url(reverse("wagtailadmin_pages:edit", args=[chapter.pk])))
    assert "'unsafe-inline'" in policy["script-src"]  # Wagtail's own inline scripts
    # The StreamField's blocks are built in the browser from their JSON by Wagtail's scripts.
    page.locator("[data-streamfield-child]").first.wait_for(timeout=30_000)
    assert page.evaluate("() => typeof window.wagtail === 'object'")
    assert violations(page) == [], violations(page)

    edit_item = reverse(Item.snippet_viewset.get_url_name("edit"), args=[scan.pk])
    visit(page, live_url(edit_item))
    page.locator("form[method=post] [name=title]").wait_for()
    assert page.evaluate("() => typeof window.wagtail === 'object'")
    assert violations(page) == []

    # Signed in, the public page carries Wagtail's userbar, under the site's strict policy.
    policy = visit(page, live_url(chapter.url))
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    page.locator("wagtail-userbar").wait_for(state="attached")
    page.wait_for_function("() => customElements.get('wagtail-userbar') !== undefined")
    assert violations(page) == []


def test_an_injected_inline_script_is_refused(guarded, live_url, live_site):
    """The policy is enforced, not only sent: a script without the nonce does not run."""
    page = guarded
    visit(page, live_url("/"))
    page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true';
          document.body.append(script);
        }"""
    )
    assert page.evaluate("() => window.__injected") is None
    assert any("script-src" in line for line in violations(page))
