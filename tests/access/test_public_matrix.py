"""The public site's access matrix, generated from the URL resolver.

Every URL pattern of the public site (everything but Wagtail's admin, which issue 11 covers) is
requested as each role — anonymous, a registered user without rights, a researcher (group
研究人员), a curator (group 策展人), an archivist (group 档案员) and a superuser — for records at
each access level: public, researchers, staff, embargoed until next year and an embargo that has
ended. What a role may not see must not appear: no title, description, transcript, caption,
identifier or file bytes of such a record in any answer (record routes answer 403 or 404). What
a role may see must be served: its record routes answer 200 with the record in them, and the
listings and searches find it. So the matrix fails both ways.

A pattern's arguments are filled from ``FILL`` (a route's record arguments) and ``VALUES`` (the
other arguments); a new pattern with an argument neither knows fails ``test_every_pattern_is_
covered``, so a new surface cannot be skipped silently. Zero-argument routes that list or search
records are queried for the records' unique tokens (``QUERIES``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from archive_collections.access import AccessPolicy
from archive_collections.citations.exports import EXPORT_FORMATS
from archive_collections.oral_history.formats import EXPORTS
from archive_site.partners.models import Contribution, Organisation
from archive_site.web.sitemaps import SECTIONS
from exhibits.models import ChapterPage
from media_pipeline.microvideo.models import CardSize, MicroVideo, QuoteCard
from media_pipeline.storage import derivative_storage
from media_pipeline.tasks import process_item_file
from tests.factories import (
    FondsFactory,
    IndexSegmentFactory,
    InterviewFactory,
    ItemFactory,
    ItemFileFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
    small_jpeg,
)
from tests.pages import exhibition_tree, item_block, stream

if TYPE_CHECKING:
    from tests.db_template import TestDatabase

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REPOSITORY = "matrix.example.org"
IIIF_PAGE_SIZE = 2  # so IIIF collections come in parts, and the part routes show items
IIIF_PARTS = 3  # at most five photos are listed to anyone: parts 1-3 hold them all
LEVELS = ("public", "researchers", "staff", "embargoed", "expired")
ROLES = ("anonymous", "registered", "researcher", "curator", "archivist", "superuser")
# The documented policy (docs/ARCHITECTURE.md, Access), written out rather than asked of
# archive_collections.access, so a change to the policy shows here.
SEES: dict[str, set[str]] = {
    "anonymous": {"public", "expired"},
    "registered": {"public", "expired"},
    "researcher": {"public", "researchers", "expired"},
    "curator": {"public", "expired"},
    "archivist": set(LEVELS),
    "superuser": set(LEVELS),
}
ANONYMOUS_ONLY = SEES["anonymous"]
SHARED = "mxsharedtok"  # in every record's title: one search finds them all


@dataclass
class Record:
    """One item at one access level, with what identifies it in an answer."""

    level: str
    kind: str  # "photo" (an image file) or "talk" (an oral-history interview)
    item: Any
    token: str
    file: Any = None
    master: bytes = b""
    video: Any = None  # a talk's micro-video and quote card, with their files stored
    card: Any = None

    @property
    def secrets(self) -> list[bytes]:
        found = [self.token.encode(), self.item.identifier.encode()]
        return found + ([self.master] if self.master else [])


@dataclass
class World:
    records: list[Record]
    scientist: Any
    fonds: Any
    series: Any
    pages: list[Any]
    clients: dict[str, Client] = field(default_factory=dict)

    def of(self, kind: str) -> list[Record]:
        return [record for record in self.records if record.kind == kind]


def _make_records() -> tuple[list[Record], Any, Any, Any]:
    today = timezone.localdate()
    scientist = ScientistFactory(identifier="mx-scientist", name="矩阵科学家")
    fonds = FondsFactory(identifier="MX-F", scientist=scientist, title="矩阵全宗")
    series = SeriesFactory(identifier="MX-S", fonds=fonds, title="矩阵系列")
    embargo = {
        "embargoed": today + datetime.timedelta(days=365),
        "expired": today - datetime.timedelta(days=365),
    }
    records = []
    for number, level in enumerate(LEVELS):
        access = level if level in ("public", "researchers", "staff") else "public"
        for kind in ("photo", "talk"):
            token = f"mx{level}{kind}tok"
            item = ItemFactory(
                identifier=f"MX-{level.upper()}-{kind.upper()}",
                title=f"{SHARED} {token} 档案",
                description=f"{token}描述",
                item_type="photograph" if kind == "photo" else "oral_history",
                series=series,
                access_level=access,
                embargo_until=embargo.get(level),
            )
            item.scientists.add(scientist)
            record = Record(level, kind, item, token)
            if kind == "photo":
                record.master = small_jpeg(900 + number, (96, 80))
                record.file = ItemFileFactory(
                    item=item, data=record.master, original_filename=f"mx-{level}.jpg"
                )
                assert process_item_file.call(record.file.pk) == "done"
            else:
                interview = InterviewFactory(item=item, interviewee=scientist, duration_ms=20_000)
                TranscriptSegmentFactory(interview=interview, start_ms=0, text=f"{token}说话")
                IndexSegmentFactory(interview=interview, start_ms=0, title=f"{token}索引")
                record.video, record.card = _shared_media(interview, token)
            records.append(record)
    return records, scientist, fonds, series


def _shared_media(interview: Any, token: str) -> tuple[Any, Any]:
    """A micro-video and a quote card of the interview, their files stored as a render would
    leave them (bulk_create: saving one would queue a real render or drawing)."""
    storage = derivative_storage()
    stored = {
        name: storage.save(f"mx-share/{token}/{name}", ContentFile(f"{token}{name}".encode()))
        for name in ("video.mp4", "captions.vtt", "poster.jpg", *CardSize.values)
    }
    video = MicroVideo.objects.bulk_create(
        [
            MicroVideo(
                title=f"{token}微视频",
                interview=interview,
                start_ms=0,
                end_ms=10_000,
                status="done",
                video=stored["video.mp4"],
                captions=stored["captions.vtt"],
                poster=stored["poster.jpg"],
                fingerprint="0" * 64,
            )
        ]
    )[0]
    card = QuoteCard.objects.bulk_create(
        [
            QuoteCard(
                interview=interview,
                quote=f"{token}金句",
                images={size: stored[size] for size in CardSize.values},
                fingerprint="0" * 64,
            )
        ]
    )[0]
    return video, card


def _make_users() -> dict[str, Any]:
    users = get_user_model()

    def member(name: str, group: str | None, **extra) -> Any:
        user = users.objects.create_user(username=f"mx-{name}", password="pw", **extra)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "registered": member("registered", None),
        "researcher": member("researcher", "研究人员"),
        "curator": member("curator", "策展人", is_staff=True),
        "archivist": member("archivist", "档案员", is_staff=True),
        "superuser": users.objects.create_superuser("mx-admin", "a@example.org", "pw"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup: TestDatabase, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        django_db_setup.restore()  # a transactional test before may have emptied every table
        oai = override_settings(
            OAI_REPOSITORY_IDENTIFIER=REPOSITORY,
            OAI_PAGE_SIZE=100,
            IIIF_COLLECTION_PAGE_SIZE=IIIF_PAGE_SIZE,
        )
        oai.enable()
        try:
            records, scientist, fonds, series = _make_records()
            photos = [record.item for record in records if record.kind == "photo"]
            body = stream(*(item_block(item, f"{item.title}说明") for item in photos))
            _index, exhibition, chapters = exhibition_tree([body], title="矩阵展览")
            world = World(records, scientist, fonds, series, [exhibition, *chapters])
            users = _make_users()
            world.clients["anonymous"] = Client()
            for role, user in users.items():
                world.clients[role] = Client()
                world.clients[role].force_login(user)
            yield world
        finally:
            oai.disable()
            django_db_setup.restore()


# Patterns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the bare name
    route: str
    arguments: tuple[str, ...]  # keyword names, or "0", "1"… for unnamed groups

    @property
    def id(self) -> str:
        return f"{self.name}[{self.route}]"


def _arguments(pattern: URLPattern) -> tuple[str, ...]:
    regex = pattern.pattern.regex
    named = tuple(regex.groupindex)
    return named or tuple(str(n) for n in range(regex.groups))


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            route = prefix + str(entry.pattern)
            # Arguments captured by an including resolver's own pattern would count too.
            arguments = _arguments(entry) + tuple(re.compile(prefix).groupindex)
            yield Pattern(name, route, arguments)


def public_patterns() -> list[Pattern]:
    """Every pattern but the admin's (issue 11 checks those), from the resolver."""
    return [p for p in _walk(get_resolver().url_patterns) if not p.route.startswith("admin/")]


# How each pattern's arguments are filled: per route, a function from the world to one URL per
# (record or None, url). A record-bearing URL is about that record: it must answer it to those
# who may see it and refuse it to the others. None: a URL about no one record (a listing).
Urls = list[tuple[Record | None, str]]


def _for(kind: str, name: str, **extra: Callable[[Record], Any]) -> Callable[[World], Urls]:
    def fill(world: World) -> Urls:
        urls = []
        for record in world.of(kind):
            kwargs = {"identifier": record.item.identifier}
            kwargs.update({key: value(record) for key, value in extra.items()})
            urls.append((record, reverse(name, kwargs=kwargs)))
        return urls

    return fill


def _each(name: str, argument: str, values: list[str], **fixed: str) -> Callable[[World], Urls]:
    def fill(world: World) -> Urls:
        return [(None, reverse(name, kwargs={argument: value, **fixed})) for value in values]

    return fill


def _for_values(kind: str, name: str, argument: str, values: list[str]):
    def fill(world: World) -> Urls:
        return [
            (record, reverse(name, kwargs={"identifier": record.item.identifier, argument: v}))
            for record in world.of(kind)
            for v in values
        ]

    return fill


def _files(name: str, argument: str, values: Callable[[Record], list[str]]):
    def fill(world: World) -> Urls:
        return [
            (record, reverse(name, kwargs={"pk": record.file.pk, argument: value}))
            for record in world.of("photo")
            for value in values(record)
        ]

    return fill


def _image(name: str, **extra: str):
    def fill(world: World) -> Urls:
        return [
            (record, reverse(name, kwargs={"identifier": str(record.file.pk), **extra}))
            for record in world.of("photo")
        ]

    return fill


def _record_collection(name: str, attr: str, parts: int = 0):
    def fill(world: World) -> Urls:
        identifier = getattr(world, attr).identifier
        if not parts:
            return [(None, reverse(name, kwargs={"identifier": identifier}))]
        return [
            (None, reverse(name, kwargs={"identifier": identifier, "part": str(n)}))
            for n in range(1, parts + 1)
        ]

    return fill


def _wagtail_pages(world: World) -> Urls:
    return [(None, page.url) for page in world.pages]


def _fixed(url: str) -> Callable[[World], Urls]:
    return lambda world: [(None, url)]


def _shared(name: str, argument: str | None, values: list[str], attr: str):
    """A talk's micro-video or quote card routes (`attr` "video" or "card")."""

    def fill(world: World) -> Urls:
        urls: Urls = []
        for record in world.of("talk"):
            pk = getattr(record, attr).pk
            for value in values if argument else [None]:
                kwargs = {"pk": pk, **({argument: value} if argument else {})}
                urls.append((record, reverse(name, kwargs=kwargs)))
        return urls

    return fill


def _resources(name: str):
    """The resource library (#13.4): each record carried by an approved case shared with
    everyone (made in the asking test's transaction), so the library, each resource's page and
    its package show the record exactly to those who may see it. Partner-only, pending and
    rejected resources have their own role table: tests/partners/test_library_access.py."""

    def fill(world: World) -> Urls:
        organisation, _created = Organisation.objects.get_or_create(
            code="mx", defaults={"name": "矩阵学会", "kind": "society", "region": "00"}
        )
        now = timezone.now()
        urls: Urls = []
        for record in world.records:
            resource, _created = Contribution.objects.get_or_create(
                item=record.item,
                defaults={
                    "organisation": organisation,
                    "kind": "case",
                    "title": record.item.title,
                    "licence": "cc-by-4.0",
                    "source_statement": "矩阵来源",
                    "status": "approved",
                    "audience": "public",
                    "submitted_at": now,
                    "decided_at": now,
                },
            )
            if name != "resources:library":
                urls.append((record, reverse(name, kwargs={"pk": resource.pk})))
        if name == "resources:library":
            return [(None, reverse(name)), (None, f"{reverse(name)}?q={SHARED}")]
        return urls

    return fill


IMAGE_REQUEST = {"region": "full", "size": "max", "rotation": "0", "quality": "default"}
FILL: dict[str, Callable[[World], Urls]] = {
    "collections:scientist": _record_collection("collections:scientist", "scientist"),
    "collections:scientist_citation": lambda world: [
        (None, reverse("collections:scientist_citation", args=[world.scientist.identifier, fmt]))
        for fmt in EXPORT_FORMATS
    ],
    "collections:fonds": _record_collection("collections:fonds", "fonds"),
    "collections:series": _record_collection("collections:series", "series"),
    "collections:item": lambda world: (
        _for("photo", "collections:item")(world) + _for("talk", "collections:item")(world)
    ),
    "collections:item_citation": _for_values(
        "photo", "collections:item_citation", "fmt", list(EXPORT_FORMATS)
    ),
    "collections:interview": _for("talk", "collections:interview"),
    "collections:interview_captions": _for("talk", "collections:interview_captions"),
    "collections:interview_export": _for_values(
        "talk", "collections:interview_export", "filename", list(EXPORTS)
    ),
    "media_pipeline:master": _files(
        "media_pipeline:master", "filename", lambda r: [r.file.original_filename]
    ),
    "media_pipeline:derivative": _files(
        "media_pipeline:derivative", "name", lambda r: ["thumb.jpg", "web.jpg"]
    ),
    "media_pipeline:page_image": _files("media_pipeline:page_image", "number", lambda r: ["1"]),
    "media_pipeline:pages_pdf": _for("photo", "media_pipeline:pages_pdf"),
    "api-v1:scientist": _record_collection("api-v1:scientist", "scientist"),
    "api-v1:fonds": _record_collection("api-v1:fonds", "fonds"),
    "api-v1:series": _record_collection("api-v1:series", "series"),
    "api-v1:item": lambda world: (
        _for("photo", "api-v1:item")(world) + _for("talk", "api-v1:item")(world)
    ),
    "api-v1:interview": _for("talk", "api-v1:interview"),
    "api-v1:exhibition": lambda world: [
        (None, reverse("api-v1:exhibition", kwargs={"identifier": world.pages[0].pk}))
    ],
    "web:sitemap-section": _each("web:sitemap-section", "section", sorted(SECTIONS)),
    "iiif:manifest": _for("photo", "iiif:manifest"),
    "iiif:collection-fonds": _record_collection("iiif:collection-fonds", "fonds"),
    "iiif:collection-fonds-part": _record_collection(
        "iiif:collection-fonds-part", "fonds", IIIF_PARTS
    ),
    "iiif:collection-scientist": _record_collection("iiif:collection-scientist", "scientist"),
    "iiif:collection-scientist-part": _record_collection(
        "iiif:collection-scientist-part", "scientist", IIIF_PARTS
    ),
    "iiif:image": _image("iiif:image"),
    "iiif:info": _image("iiif:info"),
    "iiif:image-request": _image("iiif:image-request", **IMAGE_REQUEST, fmt="jpg"),
    "collections:interview_search": lambda world: [
        (record, url + query)
        for record, url in _for("talk", "collections:interview_search")(world)
        for query in ("", f"?q={record.token}", f"?q={SHARED}")
    ],
    "microvideo:share": _shared("microvideo:share", None, [], "video"),
    "microvideo:file": _shared(
        "microvideo:file", "name", ["video.mp4", "captions.vtt", "poster.jpg"], "video"
    ),
    "microvideo:quote_card": _shared(
        "microvideo:quote_card", "size", list(CardSize.values), "card"
    ),
    "wagtail_serve": _wagtail_pages,
    # Search results as files (issue 16.3): every record's token and the word all records share.
    "search:export": lambda world: [
        (record, f"{reverse('search:export', kwargs={'fmt': fmt})}?q={query}")
        for fmt in ("csv", "ris")
        for record, query in [(None, SHARED), *((r, r.token) for r in world.records)]
    ],
    # A record's matches for a query (the item page's list when opened from a result).
    "search:record_matches": lambda world: [
        (record, f"{reverse('search:record_matches')}?record=item:{record.item.pk}&q={query}")
        for record in world.records
        for query in (record.token, SHARED)
    ],
    # Access requests (issue 16.5): the request route is POST-only (a GET answers 405 and must
    # show nothing); a verification link with a bad token and a withdrawal of no one's request.
    "collections:request_access": lambda world: [
        (None, reverse("collections:request_access", kwargs={"identifier": r.item.identifier}))
        for r in world.records
    ],
    "collections:verify_email": _fixed("/archive/researchers/verify/MQ/0-forged/"),
    "collections:withdraw_access_request": _fixed("/archive/access-requests/999999/withdraw/"),
    # The contribution area (#13.2) is for members of partner organisations, which no role here
    # is: every page answers the login redirect or 403 (tests/partners/test_contribute.py has
    # the members' side). A contribution number naming nothing, and each kind's form.
    "contribute:new": _each("contribute:new", "kind", ["material", "case", "product"]),
    "contribute:detail": _fixed("/contribute/999999/"),
    "contribute:edit": _fixed("/contribute/999999/edit/"),
    "contribute:add_files": _fixed("/contribute/999999/files/"),
    "resources:library": _resources("resources:library"),
    "resources:resource": _resources("resources:resource"),
    "resources:package": _resources("resources:package"),
    # Wagtail's own documents, image renditions and password forms show no archive record; they
    # are requested with arguments naming nothing, and must still not show any record.
    "wagtaildocs_serve": _fixed("/documents/999999/none.pdf"),
    "wagtaildocs_authenticate_with_password": _fixed(
        "/documents/authenticate_with_password/999999/"
    ),
    "wagtailimages_serve": _fixed("/images/bad-signature/999999/fill-10x10/none.jpg"),
    "wagtailcore_authenticate_with_password": _fixed("/_util/authenticate_with_password/1/1/"),
    # Embeds for partners' sites (#13.5): each exhibit page, each interview whole and as a clip.
    "embeds:page": lambda world: [(None, f"/embed/page/{page.pk}/") for page in world.pages],
    "embeds:interview": lambda world: [
        *_for("talk", "embeds:interview")(world),
        *((record, url + "?t=0-10") for record, url in _for("talk", "embeds:interview")(world)),
    ],
}

# Listings and searches: the query strings that make them show the records (added to the plain
# URL, which is requested too). "{token}" is replaced by each record's token in turn.
OAI_LIST = "?verb=ListRecords&metadataPrefix=oai_dc"
QUERIES: dict[str, list[str]] = {
    "search:page": [f"?q={SHARED}", "?q={token}"],
    "search:api": [f"?q={SHARED}", "?q={token}"],
    "search-api": [f"?q={SHARED}", "?q={token}"],
    "search:autocomplete": ["?q={token}"],
    "search-autocomplete": ["?q={token}"],
    "api-v1:search": [f"?q={SHARED}", "?q={token}"],
    "api-v1:items": ["?limit=100"],
    "api-v1:interviews": ["?limit=100"],
    "embeds:oembed": ["?url=http://testserver/archive/items/{identifier}/interview/"],
    "oai:endpoint": [
        OAI_LIST,
        "?verb=ListIdentifiers&metadataPrefix=oai_dc",
        "?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:" + REPOSITORY + ":{identifier}",
    ],
}
# Listings that must show every record the role may see (the positive half of the matrix), with
# the kinds of record each holds (interviews have no IIIF manifest).
LISTS: dict[str, set[str]] = {
    "search:page": {"photo", "talk"},
    "search:api": {"photo", "talk"},
    "search-api": {"photo", "talk"},
    "search:export": {"photo", "talk"},
    "api-v1:search": {"photo", "talk"},
    "api-v1:items": {"photo", "talk"},
    "api-v1:interviews": {"talk"},
    "collections:fonds": {"photo", "talk"},
    "collections:series": {"photo", "talk"},
    "collections:scientist": {"photo", "talk"},
    # Two manifests a part (IIIF_PAGE_SIZE): the fonds and scientist list parts, the parts items.
    "iiif:collection-fonds-part": {"photo"},
    "iiif:collection-scientist-part": {"photo"},
    "oai:endpoint": {"photo", "talk"},
    "web:sitemap-section": {"photo", "talk"},
    "wagtail_serve": {"photo"},  # the chapter shows each photo it embeds to those who may see it
    "resources:library": {"photo", "talk"},
    "embeds:page": {"photo"},  # and so does its embed, to everyone what the public sees
}
# Surfaces that never show some levels, whoever asks, by design: crawlers' (OAI-PMH, sitemaps)
# show what anonymous visitors see; IIIF collections never list staff-only or embargoed items,
# even to staff (media_pipeline/iiif/collections.py: they are copied into viewers and caches).
CAPS: dict[str, set[str]] = {
    "oai:endpoint": ANONYMOUS_ONLY,
    "web:sitemap-section": ANONYMOUS_ONLY,
    "web:sitemap": ANONYMOUS_ONLY,
    # An embed shows partners' visitors what anonymous visitors see, whoever's browser asks.
    "embeds:page": ANONYMOUS_ONLY,
    "embeds:interview": ANONYMOUS_ONLY,
    "embeds:oembed": ANONYMOUS_ONLY,
    **{
        f"iiif:collection-{name}": {"public", "researchers", "expired"}
        for name in ("top", "fonds", "fonds-part", "scientist", "scientist-part")
    },
}


def _urls(pattern: Pattern, world: World) -> Urls:
    if pattern.name in FILL:
        return FILL[pattern.name](world)
    if pattern.arguments:
        pytest.fail(
            f"{pattern.id} takes {pattern.arguments}, which the access matrix cannot fill: add "
            "the route to FILL in tests/access/test_public_matrix.py"
        )
    base = reverse(pattern.name)
    urls: Urls = [(None, base)]
    for query in QUERIES.get(pattern.name, []):
        if "{" not in query:
            urls.append((None, base + query))
            continue
        # Only the records someone may not see: what the others show is checked by the
        # listings' positive half.
        for record in (r for r in world.records if r.level not in ANONYMOUS_ONLY):
            filled = query.format(token=record.token, identifier=record.item.identifier)
            urls.append((record, base + filled))
    return urls


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _located(body: bytes, secret: bytes) -> str:
    at = body.find(secret)
    return body[max(0, at - 120) : at + 120].decode("utf-8", "replace")


PATTERNS = public_patterns()


def test_every_pattern_is_covered() -> None:
    """A pattern with arguments nobody fills is a surface the matrix would skip."""
    unfilled = [p.id for p in PATTERNS if p.arguments and p.name not in FILL]
    assert not unfilled, f"add these routes to FILL: {unfilled}"
    assert len(PATTERNS) > 40  # the resolver was walked, not one include


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.id for p in PATTERNS])
def test_no_role_sees_what_it_may_not_and_each_sees_what_it_may(
    pattern: Pattern, world: World
) -> None:
    urls = _urls(pattern, world)
    problems: list[str] = []
    for role in ROLES:
        client = world.clients[role]
        visible = SEES[role] & CAPS.get(pattern.name, set(LEVELS))
        for about, url in urls:
            response = client.get(url, follow=False)
            body = _body(response)
            hidden = [r for r in world.records if r.level not in visible]
            typed = url.encode()
            for record in hidden:
                for secret in record.secrets:
                    # What the visitor typed (an identifier in the path, a search term) comes
                    # back in forms and "no results for …"; that is not the record showing.
                    if secret in body and secret not in typed:
                        problems.append(
                            f"LEAK {role} {url} ({response.status_code}) shows {record.level} "
                            f"{record.kind} {secret[:40]!r}: …{_located(body, secret)}…"
                        )
            if about is None or "?" in url:
                continue
            if about.level in visible:
                problems += _served(pattern, role, url, response, body, about)
            elif response.status_code not in (403, 404):
                problems.append(
                    f"SERVED {role} {url}: {response.status_code} for a {about.level} record"
                )
        problems += _missing_from_listing(pattern, world, role, visible, urls)
    assert not problems, "\n".join(problems)


TEXT_TYPES = ("text/", "application/json", "application/ld+json", "application/xml")
# Record routes whose text answers carry the record's own words (an image's info.json, a
# citation's escaped title and the Word export do not).
NAMES_THE_RECORD = {
    "collections:item",
    "collections:interview",
    "collections:interview_captions",
    "collections:interview_export",
    "resources:resource",
    "embeds:interview",
    "api-v1:item",
    "api-v1:interview",
    "iiif:manifest",
}


def _served(
    pattern: Pattern, role: str, url: str, response: Any, body: bytes, record: Record
) -> list[str]:
    """A record the role may see, on one of its own routes: answered, and with the record."""
    if response.status_code == 303:  # the image service's base URI points at its info.json
        return []
    if response.status_code != 200:
        return [f"REFUSED {role} {url}: {response.status_code} for a {record.level} record"]
    content_type = response.get("Content-Type", "")
    if record.master and url == record.file.master_url and body != record.master:
        return [f"CHANGED {role} {url}: the master's bytes are not the file's"]
    textual = content_type.startswith(TEXT_TYPES) or "+json" in content_type
    if textual and pattern.name in NAMES_THE_RECORD and record.token.encode() not in body:
        return [f"EMPTY {role} {url}: the {record.level} record's {record.token} is not in it"]
    return []


def _missing_from_listing(
    pattern: Pattern, world: World, role: str, visible: set[str], urls: Urls
) -> list[str]:
    """The positive half for listings: each record the role may see is in the answer."""
    if pattern.name not in LISTS:
        return []
    kinds = LISTS[pattern.name]
    wanted = [r for r in world.records if r.level in visible and r.kind in kinds]
    listing = [url for about, url in urls if about is None]
    client = world.clients[role]
    bodies = b"".join(_body(client.get(url)) for url in listing)
    return [
        f"MISSING {role} {listing}: no {record.level} {record.kind} ({record.token})"
        for record in wanted
        if record.token.encode() not in bodies and record.item.identifier.encode() not in bodies
    ]


def test_the_policy_agrees_with_the_matrix(world: World) -> None:
    """One record per level and kind, and the access policy shows each role what SEES says:
    if the policy changes, SEES (and so the whole matrix) must be changed with it."""
    assert {(r.level, r.kind) for r in world.records} == {
        (level, kind) for level in LEVELS for kind in ("photo", "talk")
    }
    for role, client in world.clients.items():
        user_id = client.session.get("_auth_user_id")
        user = get_user_model().objects.get(pk=user_id) if user_id else None
        policy = AccessPolicy.for_user(user)
        assert {r.level for r in world.records if policy.can_view(r.item)} == SEES[role], role
    assert ChapterPage.objects.live().count() == 1
