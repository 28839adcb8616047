"""Files answered by the front cache are counted (#17): nginx (deploy/nginx/archive.conf, one start
for the module) reports each /files/ request to Django's counting endpoint, from its cache or
not, and Django's file view does not count it a second time; the endpoint itself is refused from
outside and counts nothing without the secret."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from archive_site.analytics import counting
from archive_site.analytics.models import Hit, Kind
from media_pipeline.storage import derivative_storage
from tests.factories import ItemFileFactory
from tests.media_pipeline.conftest import media_root  # noqa: F401 (per-test storages, shared)
from tests.serving.test_front_cache import SCRIPT, _free_port

pytestmark = [pytest.mark.slow]

SECRET = "front-count-secret-4f1c9a"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


@pytest.fixture(scope="module")
def front(live_server, tmp_path_factory):
    """nginx with the counting secret on a port of its own in front of the live server."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed (scripts/system-deps.sh nginx)")
    env = {
        **os.environ,
        "ARCHIVE_NGINX_PORT": str(_free_port()),
        "ARCHIVE_NGINX_UPSTREAM": urlsplit(live_server.url).netloc,
        "ARCHIVE_NGINX_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "ARCHIVE_NGINX_WORKERS": "1",
        "ANALYTICS_FRONT_SECRET": SECRET,
    }
    started = subprocess.run(
        [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 0, started.stderr
    yield urlsplit(started.stdout.strip().splitlines()[-1]).netloc
    subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=60)


@pytest.fixture(autouse=True)
def _counting(settings):
    settings.ANALYTICS_FRONT_SECRET = SECRET
    settings.ANALYTICS_FLUSH_SECONDS = 0
    settings.ANALYTICS_REDIS_URL = ""
    settings.REDIS_URL = ""
    counting._salts.clear()


def fetch(address: str, path: str, headers: dict[str, str] | None = None):
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path, headers={"User-Agent": DESKTOP, **(headers or {})})
        answer = conn.getresponse()
        return answer, answer.read()
    finally:
        conn.close()


def hits(kind: Kind, object_id: int) -> int:
    return Hit.objects.filter(kind=kind, object_id=object_id).count()


def settled(kind: Kind, object_id: int, expected: int) -> int:
    """The count once the reports sent so far have arrived (nginx sends them beside the answer)."""
    deadline = time.monotonic() + 10
    while hits(kind, object_id) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return hits(kind, object_id)


def test_files_from_the_cache_are_counted_once_each(front, live_server, media_root):  # noqa: F811
    item_file = ItemFileFactory()
    name = derivative_storage().save("tests/web.jpg", ContentFile(b"x" * 2000))
    item_file.technical = {"derivatives": {"web.jpg": {"path": name, "bytes": 2000}}}
    item_file.save()
    web = reverse("media_pipeline:derivative", args=[item_file.pk, "web.jpg"])
    master = reverse("media_pipeline:master", args=[item_file.pk, item_file.original_filename])

    first, whole = fetch(front, web)
    assert first.status == 200 and first.getheader("X-Cache-Status") == "MISS"
    second, again = fetch(front, web)
    assert second.getheader("X-Cache-Status") == "HIT" and again == whole
    assert settled(Kind.FILE_VIEW, item_file.pk, 2) == 2

    # A later piece, cut from the cached copy, is not a view; a download after it settles the
    # reports sent before it.
    piece, _ = fetch(front, web, {"Range": "bytes=100-"})
    assert piece.status == 206 and piece.getheader("X-Cache-Status") == "HIT"
    fetch(front, master)
    fetch(front, master)
    assert settled(Kind.DOWNLOAD, item_file.pk, 2) == 2
    time.sleep(0.3)
    assert hits(Kind.FILE_VIEW, item_file.pk) == 2
    hit = Hit.objects.filter(kind=Kind.FILE_VIEW).first()
    assert hit.visitor == counting.visitor_hash(timezone.localdate(), "127.0.0.1", DESKTOP)

    # The endpoint is nginx's own: refused from outside, and straight to Django without the
    # secret or with a wrong one it counts nothing.
    report = {"X-Count-Uri": master, "X-Count-Method": "GET", "X-Count-Address": "192.0.2.1"}
    refused, _ = fetch(front, "/count/file/", {**report, "X-Count-Secret": SECRET})
    assert refused.status == 403
    django = urlsplit(live_server.url).netloc
    for secret in ({}, {"X-Count-Secret": "front-count-secret-4f1c9b"}):
        answer, _ = fetch(django, "/count/file/", {**report, **secret})
        assert answer.status == 404
    time.sleep(0.3)
    assert hits(Kind.DOWNLOAD, item_file.pk) == 2
    assert Hit.objects.count() == 4
