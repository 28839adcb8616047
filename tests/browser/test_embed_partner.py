"""A partner's page on another loopback origin frames a chapter's embed when an organisation
lists that origin, and Chromium refuses the frame once it does not (#13.5)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from archive_site.partners.models import Contribution, Organisation, Status
from tests.browser.shots import keep
from tests.factories import ItemFactory
from tests.pages import exhibition_tree, item_block, stream

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "EMBED_SHOTS_DIR"


@pytest.fixture
def partner_site():
    """A one-page site on 127.0.0.2 (another origin than the live server's): its page frames
    whatever `partner_site.frame_src` says."""

    class Partner(BaseHTTPRequestHandler):
        frame_src = ""

        def do_GET(self):  # noqa: N802 — http.server's name
            body = (
                '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
                "<title>陕西省科协 · 科学家精神</title></head><body>"
                "<h1>陕西省科协 · 科学家精神专栏</h1>"
                f'<iframe src="{Partner.frame_src}" width="640" height="760" '
                'title="老科学家展览"></iframe></body></html>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Partner.origin = f"http://127.0.0.2:{server.server_address[1]}"
    yield Partner
    server.shutdown()
    server.server_close()


def test_a_listed_partner_frames_the_chapter_and_an_unlisted_one_is_refused(
    page, live_site, live_url, partner_site, screenshot
):
    item = ItemFactory(access_level="public", title="钱学森手稿")
    _index, _exhibition, (chapter,) = exhibition_tree([stream(item_block(item, "回国前夕的手稿"))])
    partner_site.frame_src = live_url(f"/embed/page/{chapter.pk}/")
    organisation = Organisation.objects.create(
        name="陕西省科协",
        code="sxkx",
        kind="association",
        region="61",
        embed_origins=partner_site.origin,
    )
    Contribution.objects.create(
        organisation=organisation,
        kind="material",
        status=Status.APPROVED,
        title=item.title,
        licence="cc-by-4.0",
        source_statement="自采",
        item=item,
        submitted_at="2026-11-01T00:00:00Z",
    )
    refusals: list[str] = []
    page.on("console", lambda m: "frame-ancestors" in m.text and refusals.append(m.text))

    page.goto(partner_site.origin + "/")
    framed = page.frame_locator("iframe")
    expect(framed.locator("h1")).to_have_text("第1章")
    expect(framed.locator(".embed__source a")).to_have_attribute("href", chapter.full_url)
    expect(framed.locator(".partner-credits")).to_contain_text("陕西省科协")
    assert not refusals
    keep(SHOTS, screenshot(page, "framed"), "D-embed-partner.png")

    organisation.embed_origins = "https://another.example.org"
    organisation.save()
    page.goto(partner_site.origin + "/")
    page.wait_for_timeout(500)
    assert refusals, "Chromium did not refuse the frame"
    frame = page.frames[1]
    assert frame.url.startswith("chrome-error://") or "第1章" not in frame.content()
    keep(SHOTS, screenshot(page, "refused"), "D-embed-refused.png")
