"""The front cache's file reports (`/count/file/`, archive_site/analytics/views.front_file): with
the shared secret a public file's reading is counted as the file view counts it; a missing or
wrong secret, another route, a restricted file, a later piece, a probe, HEAD or a robot count
nothing; a file view told the front counts does not count a public file again."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from archive_site.analytics import counting
from archive_site.analytics.models import Hit, Kind
from media_pipeline.signals import FRONT_COUNTS_HEADER
from media_pipeline.storage import derivative_storage
from tests.factories import ItemFactory, ItemFileFactory, small_jpeg
from tests.media_pipeline.conftest import ingest, media_root  # noqa: F401 (processing, storages)

pytestmark = pytest.mark.django_db

SECRET = "front-secret-0123456789"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
ADDRESS = "203.0.113.77"
ENDPOINT = "/count/file/"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ANALYTICS_FLUSH_SECONDS = 0
    settings.ANALYTICS_FRONT_SECRET = SECRET
    settings.ANALYTICS_REDIS_URL = ""
    settings.REDIS_URL = ""
    counting._salts.clear()


def with_web_copy(item_file):
    name = derivative_storage().save(f"tests/{item_file.pk}/web.jpg", ContentFile(b"x" * 2000))
    item_file.technical = {"derivatives": {"web.jpg": {"path": name, "bytes": 2000}}}
    item_file.save()
    return item_file


def report(client, uri: str, *, secret: str | None = SECRET, method="GET", **extra):
    headers = {
        "HTTP_X_COUNT_URI": uri,
        "HTTP_X_COUNT_METHOD": method,
        "HTTP_X_COUNT_ADDRESS": ADDRESS,
        "HTTP_USER_AGENT": DESKTOP,
        **extra,
    }
    if secret is not None:
        headers["HTTP_X_COUNT_SECRET"] = secret
    return client.get(ENDPOINT, **headers)


def hits(kind: Kind, object_id: int) -> int:
    return Hit.objects.filter(kind=kind, object_id=object_id).count()


def test_a_report_counts_a_public_reading_as_the_file_view_would(client):
    item_file = with_web_copy(ItemFileFactory())
    master = reverse("media_pipeline:master", args=[item_file.pk, item_file.original_filename])
    web = reverse("media_pipeline:derivative", args=[item_file.pk, "web.jpg"])
    assert report(client, master).status_code == 204
    assert report(client, web, HTTP_X_COUNT_RANGE="bytes=0-").status_code == 204
    # Not readings: a later piece, Safari's probe, HEAD, a robot, a thumbnail, a wrong name.
    report(client, web, HTTP_X_COUNT_RANGE="bytes=100-")
    report(client, web, HTTP_X_COUNT_RANGE="bytes=0-1")
    report(client, master, method="HEAD")
    report(client, master, HTTP_USER_AGENT=BOT)
    report(client, reverse("media_pipeline:derivative", args=[item_file.pk, "thumb.jpg"]))
    report(client, reverse("media_pipeline:master", args=[item_file.pk, "other.jpg"]))
    assert hits(Kind.DOWNLOAD, item_file.pk) == 1
    assert hits(Kind.FILE_VIEW, item_file.pk) == 1
    # The visitor is the address nginx passed, never the endpoint's caller; no address is stored.
    hit = Hit.objects.get(kind=Kind.DOWNLOAD, object_id=item_file.pk)
    day = timezone.localdate()
    assert hit.visitor == counting.visitor_hash(day, ADDRESS, DESKTOP)
    assert ADDRESS not in repr(Hit.objects.values().get(pk=hit.pk))


@pytest.mark.parametrize("secret", [None, "", "front-secret-012345678X", SECRET + "0"])
def test_a_missing_or_wrong_secret_counts_nothing(client, secret):
    item_file = ItemFileFactory()
    master = reverse("media_pipeline:master", args=[item_file.pk, item_file.original_filename])
    assert report(client, master, secret=secret).status_code == 404
    assert not Hit.objects.exists()


def test_without_a_configured_secret_every_report_is_refused(client, settings):
    settings.ANALYTICS_FRONT_SECRET = ""
    item_file = ItemFileFactory()
    master = reverse("media_pipeline:master", args=[item_file.pk, item_file.original_filename])
    assert report(client, master, secret="").status_code == 404
    assert report(client, master).status_code == 404
    assert not Hit.objects.exists()


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "/nowhere/",
        "/files/999999/scan.jpg",
        "/files/99999999999999999999999/scan.jpg",
        "/files/items/NOPE/pages.pdf",
        "/files/items/%ZZ/pages.pdf?from=x",
        "/search/?q=x",
        "/count/file/",
        "http://[::1/files/1/x",
    ],
)
def test_unknown_uris_and_other_routes_count_nothing_and_never_fail(client, uri):
    answer = report(client, uri)
    assert answer.status_code == 204
    assert not Hit.objects.exists()


def test_a_restricted_file_is_left_to_its_view(client):
    restricted = ItemFileFactory(item=ItemFactory(access_level="researchers"))
    master = reverse("media_pipeline:master", args=[restricted.pk, restricted.original_filename])
    assert report(client, master).status_code == 204
    assert not Hit.objects.exists()


def test_a_file_view_told_the_front_counts_leaves_public_files_to_it(client, admin_user):
    public = ItemFileFactory()
    restricted = ItemFileFactory(item=ItemFactory(access_level="researchers"))
    client.force_login(admin_user)
    told = {
        "HTTP_USER_AGENT": DESKTOP,
        f"HTTP_{FRONT_COUNTS_HEADER.upper().replace('-', '_')}": "1",
    }
    for item_file in (public, restricted):
        url = reverse("media_pipeline:master", args=[item_file.pk, item_file.original_filename])
        assert client.get(url, **told).status_code == 200
    assert hits(Kind.DOWNLOAD, public.pk) == 0  # the front's report counts it
    assert hits(Kind.DOWNLOAD, restricted.pk) == 1  # the front does not report restricted files
    # Without the header the view counts as before.
    url = reverse("media_pipeline:master", args=[public.pk, public.original_filename])
    client.get(url, HTTP_USER_AGENT=DESKTOP)
    assert hits(Kind.DOWNLOAD, public.pk) == 1


def test_page_images_and_page_pdfs_are_counted_as_their_views_count_them(client, ingest):  # noqa: F811
    item = ItemFactory(item_type="photograph")
    item_file = ingest(item, small_jpeg(3, (300, 200)), "scan.jpg")
    pdf = reverse("media_pipeline:pages_pdf", args=[item.identifier])
    page = reverse("media_pipeline:page_image", args=[item_file.pk, 1])
    report(client, page)
    report(client, reverse("media_pipeline:page_image", args=[item_file.pk, 2]))  # no such page
    report(client, f"{pdf}?from=1&to=1")
    report(client, f"{pdf}?from=2&to=3")  # refused by the view (400): not served
    report(client, f"{pdf}?from=x")
    assert hits(Kind.DOWNLOAD, item_file.pk) == 2
