"""axe-core on every public page type, at phone (390×844) and desktop (1366×900) width: no
violation of any impact (issue #16.7).

The data is demo-like but built with the test builders (tests/factories, tests/pages) rather than
`load_demo`, which generates and ingests the demo's media for minutes and has no switch to leave it
out: a scientist with a fonds and a series, items with an image scan, a PDF, an audio interview
with its transcript and a video interview, a researcher-only record, the exhibition tree with a
story, a teacher resource with a worksheet and a standard page, a rendered-looking micro-video
(the share page's markup; its files are not made) and an access request. The data is made once
and both widths are visited in one test, so a run costs one database flush.

Which page types exist is read from the code, not listed by hand only: every Wagtail page model
and every named route of the public URL modules must be visited here or be named in NOT_PAGES
with the reason (JSON, files, POST-only actions); a new public page type fails
`test_every_public_page_type_is_visited` until it is added to the journey.
"""

from __future__ import annotations

import csv
import io
import mimetypes
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.browser.conftest import AXE_JS, VIEWPORTS
from tests.browser.shots import keep
from tests.media_pipeline.samples import tone_wav

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
AUDIO = "DA-QXS-01-001"  # the demo's audio interview, with its transcript
SHOTS = "A11Y_SHOTS_DIR"  # a folder to copy a few of the pages' screenshots to, when set

# Page types visited, by Wagtail page model and by route name ("namespace:name"); the journey
# below asserts it visited each of them.
PAGE_MODELS = {
    "HomePage",
    "ExhibitionIndexPage",
    "ExhibitionPage",
    "ChapterPage",
    "ScientistStoryPage",
    "TeacherResourcePage",
    "StandardPage",
}
ROUTES = {
    "collections:index",
    "collections:scientists",
    "collections:scientist",
    "collections:fonds",
    "collections:series",
    "collections:item",
    "collections:interview",
    "collections:register",
    "collections:register_sent",
    "collections:verify_email",
    "collections:my_access_requests",
    "search:page",
    "microvideo:share",
    "resources:library",
    "resources:resource",
    "embeds:page",
    "embeds:interview",
}
# Named routes of the public URL modules that answer no HTML page of their own.
NOT_PAGES = {
    "collections:scientist_citation": "a citation file (RIS, BibTeX, CSL-JSON)",
    "collections:item_citation": "a citation file (RIS, BibTeX, CSL-JSON)",
    "collections:request_access": "POST only; its form is on the 403 page visited signed in",
    "collections:withdraw_access_request": "POST only; its button is on my_access_requests",
    "collections:interview_search": "JSON for the interview page's search box",
    "collections:interview_captions": "WebVTT captions",
    "collections:interview_export": "transcript downloads (text, SRT, VTT)",
    "search:api": "JSON",
    "search:autocomplete": "JSON",
    "search:record_matches": "JSON",
    "search:export": "CSV and RIS downloads",
    "microvideo:file": "the video, captions and poster files",
    "microvideo:quote_card": "a PNG",
    "resources:package": "a resource's ZIP package",
    "embeds:oembed": "oEmbed JSON",
}
# The root URLconf's includes: where public HTML pages live, and the rest (no public pages).
PUBLIC_MODULES = {
    "archive_collections.urls",
    "search.urls",
    "media_pipeline.microvideo.urls",
    "archive_site.partners.library.urls",
    "archive_site.partners.embeds.urls",
    "wagtail.urls",  # the page models above
}
OTHER_MODULES = {
    "collections_site_history": "the admin's site history report",
    "collections_site_history_results": "the admin's site history report",
    "wagtail.admin.urls": "the admin",
    "wagtail.documents.urls": "document files",
    "django.conf.urls.i18n": "the language switch (POST, redirects)",
    "archive_collections.oai.urls": "OAI-PMH XML",
    "media_pipeline.urls": "item files and page images",
    "archive_site.analytics.urls": "the page-view beacon",
    "archive_site.api.urls": "the JSON API",
    "archive_site.web.urls": "robots.txt and sitemaps",
    "media_pipeline.iiif.routes": "IIIF images and manifests",
    "wagtailimages_serve": "signed image renditions",
    "archive_site.partners.contribute.urls": (
        "members only; home, case form and submission page axe-checked at both widths in "
        "tests/browser/test_contribute.py"
    ),
}


def _module_name(entry) -> str:
    if isinstance(entry, URLPattern):
        return entry.name or str(entry.pattern)
    urlconf = entry.urlconf_name
    if isinstance(urlconf, str):
        return urlconf
    if isinstance(urlconf, list):  # an include() of a list: name it by its patterns' module
        return {p.callback.__module__ for p in urlconf if isinstance(p, URLPattern)}.pop()
    return urlconf.__name__


def _public_routes() -> set[str]:
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and _module_name(entry) in PUBLIC_MODULES:
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name and entry.namespace:
                    names.add(f"{entry.namespace}:{pattern.name}")
    return names


def test_every_public_page_type_is_visited():
    from wagtail.models import Page, get_page_models

    modules = {_module_name(entry) for entry in get_resolver().url_patterns}
    unknown = modules - PUBLIC_MODULES - set(OTHER_MODULES)
    assert not unknown, f"URL modules neither public pages nor named in OTHER_MODULES: {unknown}"
    models = {model.__name__ for model in get_page_models() if model is not Page}
    assert models == PAGE_MODELS, f"page models not in the axe journey: {models - PAGE_MODELS}"
    routes = _public_routes()
    assert routes - ROUTES - set(NOT_PAGES) == set(), "public routes not in the axe journey"
    assert ROUTES <= routes and set(NOT_PAGES) <= routes, "stale names in ROUTES or NOT_PAGES"


def _demo_catalogue(folder: Path) -> Path:
    """fixtures/demo's CSV files with the media columns emptied: the media are generated by
    `load_demo` (minutes) and are not in the repository; file records are added afterwards."""
    folder.mkdir()
    for source in DEMO.glob("*.csv"):
        with source.open(encoding="utf-8", newline="") as infile:
            rows = list(csv.DictReader(infile))
            fields = list(rows[0])
        for row in rows:
            for column in ("files", "transcript", "index"):
                if column in row:
                    row[column] = ""
        with (folder / source.name).open("w", encoding="utf-8", newline="") as outfile:
            writer = csv.DictWriter(outfile, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _file_record(item, sequence: int, name: str):
    """An ItemFile as the pipeline leaves it (its bytes are not needed to render the pages)."""
    from media_pipeline.models import ItemFile

    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    derivatives = {"thumb.jpg": {"path": "t.jpg", "width": 400, "height": 300, "bytes": 10}}
    if mime.startswith("image/"):
        derivatives["web.jpg"] = {"path": "w.jpg", "width": 2000, "height": 1500, "bytes": 10}
    if mime.startswith("video/"):
        derivatives = {"poster.jpg": {"path": "p.jpg", "width": 1280, "height": 720, "bytes": 10}}
    return ItemFile.objects.create(
        item=item,
        sequence=sequence,
        master=f"{item.identifier}/{name}",
        original_filename=name,
        sha256=f"{item.pk:032d}{sequence:032d}",
        size=1000,
        mime_type=mime,
        status="done",
        technical={"derivatives": derivatives},
    )


def build_site(home, folder: Path) -> tuple[list[tuple[str, str, str, int]], object]:
    """The demo catalogue and theme exhibition; returns (page type, visitor, path, status) to
    visit and the signed-in visitor without rights."""
    from django.contrib.auth import get_user_model

    from archive_collections.access_requests import verification_tokens
    from archive_collections.importer import run_import
    from archive_collections.models import AccessRequest, Fonds, Interview, Item, Scientist
    from exhibits.demo import load_theme_exhibition
    from exhibits.models import (
        ChapterPage,
        ExhibitionIndexPage,
        ExhibitionPage,
        ScientistStoryPage,
        StandardPage,
        TeacherResourcePage,
    )
    from media_pipeline.ingest import ingest_fileobj
    from media_pipeline.microvideo.models import MicroVideo, QuoteCard, RenderStatus
    from tests.factories import IndexSegmentFactory, InterviewFactory, TranscriptSegmentFactory
    from tests.pages import publish, stream

    report = run_import(_demo_catalogue(folder))
    assert report.ok, report.as_text()
    with (DEMO / "items.csv").open(encoding="utf-8", newline="") as infile:
        listed = {row["identifier"]: row["files"] for row in csv.DictReader(infile)}
    items = {item.identifier: item for item in Item.objects.all()}
    for identifier, files in listed.items():
        for sequence, path in enumerate(filter(None, files.split(";")), start=1):
            if identifier != AUDIO:
                _file_record(items[identifier], sequence, Path(path).name)
    audio = Interview.objects.get(item__identifier=AUDIO)
    for n, text in enumerate(
        ["我一九三五年去美国留学。", "一九五五年回到祖国。", "后来参加导弹研制。"]
    ):
        TranscriptSegmentFactory(
            interview=audio, start_ms=n * 1000, end_ms=n * 1000 + 1000, speaker="钱学森", text=text
        )
    IndexSegmentFactory(interview=audio, start_ms=0, title="留学与回国", synopsis="谈回国的经过。")
    ingest_fileobj(audio.item, io.BytesIO(tone_wav()), "interview.wav")
    # A finished micro-video and quote card as `load_demo` makes them (bulk_create sends no
    # post_save, so nothing is rendered); the exhibition's blocks refer to them.
    (micro,) = MicroVideo.objects.bulk_create(
        [
            MicroVideo(
                interview=audio,
                title="钱学森谈早年求学",
                start_ms=0,
                end_ms=2000,
                status=RenderStatus.DONE,
                video="micro/1/video.mp4",
                captions="micro/1/captions.vtt",
                poster="micro/1/poster.jpg",
                rendered={"seconds": 2.0, "width": 720, "height": 1280},
            )
        ]
    )
    QuoteCard.objects.bulk_create(
        [
            QuoteCard(
                interview=audio,
                start_ms=16947,
                end_ms=33297,
                quote="一九五五年回到祖国。",
                speaker="钱学森",
                images={"alt": "一九五五年回到祖国。 —— 钱学森"},
            )
        ]
    )
    load_theme_exhibition(log=lambda line: None)
    standard = publish(
        home,
        StandardPage(
            title="关于本站", slug="about", body=stream({"type": "text", "value": "<p>说明</p>"})
        ),
    )
    scientist = Scientist.objects.get(identifier="qian-xuesen")
    fonds = Fonds.objects.get(scientist=scientist)
    series = items[AUDIO].series
    restricted = next(item for item in items.values() if item.access_level == "researchers")
    public = [item for item in items.values() if item.access_level == "public"]
    pdf = next(item for item in public if ".pdf" in listed[item.identifier])
    video = next(item for item in public if ".mp4" in listed[item.identifier])
    image = next(item for item in public if ".jpg" in listed[item.identifier])
    # The demo's video is a lecture, not an interview; as one it shows the interview player.
    InterviewFactory(item=video, interviewee=scientist, duration_ms=2000)

    visitor = get_user_model().objects.create_user(
        username="visitor", email="visitor@example.org", password="x-Visitor-2026"
    )
    AccessRequest.objects.create(user=visitor, item=restricted, purpose="研究钱学森的早年书信。")
    uid = urlsafe_base64_encode(force_bytes(visitor.pk))
    token = verification_tokens.make_token(visitor)

    def url(model, **filters) -> str:
        return model.objects.live().filter(**filters).first().url

    # An approved case shared with everyone, over the image record (the resource library).
    from archive_site.partners.models import Contribution, Organisation

    resource = Contribution.objects.create(
        organisation=Organisation.objects.create(
            name="陕西省科协", code="sxkx", kind="association", region="61"
        ),
        kind="case",
        title="钱学森回国的故事",
        summary="一个宣传案例。",
        body="第一段。\n\n第二段。",
        licence="cc-by-4.0",
        source_statement="本会自采。",
        theme="patriotism",
        status="approved",
        item=image,
        submitted_at=image.created_at,
        decided_at=image.created_at,
    )
    resource.scientists.add(scientist)

    anon, signed = "anonymous", "signed-in"
    search = reverse("search:page")
    visits = [
        ("HomePage", anon, home.url, 200),
        ("ExhibitionIndexPage", anon, url(ExhibitionIndexPage), 200),
        ("ExhibitionPage", anon, url(ExhibitionPage), 200),
        *[("ChapterPage", anon, page.url, 200) for page in ChapterPage.objects.live()],
        *[
            ("ScientistStoryPage", anon, page.url, 200)
            for page in ScientistStoryPage.objects.live()
        ],
        *[
            ("TeacherResourcePage", anon, page.url, 200)
            for page in TeacherResourcePage.objects.live()
        ],
        ("StandardPage", anon, standard.url, 200),
        ("collections:index", anon, reverse("collections:index"), 200),
        ("collections:scientists", anon, reverse("collections:scientists"), 200),
        ("collections:scientist", anon, scientist.get_absolute_url(), 200),
        ("collections:fonds", anon, fonds.get_absolute_url(), 200),
        ("collections:series", anon, series.get_absolute_url(), 200),
        ("collections:item", anon, image.get_absolute_url(), 200),
        ("collections:item", anon, pdf.get_absolute_url(), 200),
        ("collections:item", anon, audio.item.get_absolute_url(), 200),
        ("collections:item", anon, video.get_absolute_url(), 200),
        ("collections:item", anon, restricted.get_absolute_url(), 403),
        ("collections:item", signed, restricted.get_absolute_url(), 403),
        ("collections:interview", anon, reverse("collections:interview", args=[AUDIO]), 200),
        (
            "collections:interview",
            anon,
            reverse("collections:interview", args=[video.identifier]),
            200,
        ),
        ("collections:register", anon, reverse("collections:register"), 200),
        ("collections:register_sent", anon, reverse("collections:register_sent"), 200),
        (
            "collections:verify_email",
            anon,
            reverse("collections:verify_email", args=[uid, "x-y"]),
            400,
        ),
        (
            "collections:verify_email",
            anon,
            reverse("collections:verify_email", args=[uid, token]),
            200,
        ),
        (
            "collections:my_access_requests",
            signed,
            reverse("collections:my_access_requests") + "?sent=1",
            200,
        ),
        ("search:page", anon, search + "?q=钱学森", 200),
        ("search:page", anon, search + "?q=手稿&type=manuscript", 200),
        ("search:page", anon, search + "?q=没有这样的记录xyz", 200),
        ("search:page", anon, search, 200),
        ("microvideo:share", anon, micro.get_absolute_url(), 200),
        ("resources:library", anon, reverse("resources:library"), 200),
        ("resources:resource", anon, reverse("resources:resource", args=[resource.pk]), 200),
        ("embeds:page", anon, f"/embed/page/{ChapterPage.objects.live().first().pk}/", 200),
        ("embeds:interview", anon, reverse("embeds:interview", args=[AUDIO]) + "?t=0-2", 200),
        ("404", anon, "/no-such-page/", 404),
    ]
    return visits, visitor


def _axe_all(page, source: str) -> list[dict]:
    """Every axe violation, whatever its impact (the conftest helper keeps serious ones only)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "nodes": [", ".join(node["target"]) for node in violation["nodes"]][:4],
        }
        for violation in results["violations"]
    ]


# A few pages kept at phone width for the closing note: (page type, a path fragment) -> file name.
SCREENSHOTS_KEPT = {
    ("TeacherResourcePage", "junior"): "G-resource-phone.png",
    ("collections:item", AUDIO): "G-item-audio-phone.png",
    ("collections:interview", AUDIO): "G-interview-phone.png",
    ("search:page", "q="): "G-search-phone.png",
}


def test_public_pages_are_axe_clean_on_phone_and_desktop(
    browser, live_site, live_url, login, screenshot, tmp_path
):
    visits, visitor = build_site(live_site, tmp_path / "demo")
    source = AXE_JS.read_text(encoding="utf-8")
    failures: dict[str, list[dict]] = {}
    seen: set[str] = set()
    for viewport in ("phone", "desktop"):
        # The widths and touch of conftest's viewports at one device pixel a CSS pixel: axe reads
        # the DOM and computed styles, which do not depend on the pixel ratio (a third the paint).
        context = browser.new_context(
            locale="zh-CN", **{**VIEWPORTS[viewport], "device_scale_factor": 1}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.viewport_name = viewport
        # Anonymous visits first: the context is signed in from the first signed-in visit on.
        for kind, who, path, status in sorted(visits, key=lambda visit: visit[1] != "anonymous"):
            if who == "signed-in" and not context.cookies():
                login(page, visitor)
            response = page.goto(live_url(path))
            assert response.status == status, (kind, path, response.status)
            violations = _axe_all(page, source)
            if violations:
                failures[f"{viewport} {who} {path}"] = violations
            seen.add(kind)
            for (shot_kind, fragment), name in SCREENSHOTS_KEPT.items():
                if viewport == "phone" and kind == shot_kind and fragment in path:
                    keep(SHOTS, screenshot(page, name.removesuffix(".png")), name)
        context.close()
    assert seen == PAGE_MODELS | ROUTES | {"404"}, seen ^ (PAGE_MODELS | ROUTES | {"404"})
    assert failures == {}
