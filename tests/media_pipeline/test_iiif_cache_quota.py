"""The IIIF image service's renders are bounded: a per-client limit on renders (429 with
Retry-After; tiles, listed sizes and cached renders never count) and a byte quota on the render
cache, trimmed least recently used first, counted once per tenth of the quota written rather
than on every request. On the local disk and on S3."""

import io

import pytest
from PIL import Image

from media_pipeline.iiif import render_cache, tiles
from media_pipeline.models import FileStatus
from media_pipeline.storage import derivative_storage
from tests.factories import ItemFactory

from .storage_backends import stored  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TILE = "0,0,256,256/256,256/0/default.jpg"


def noisy_png(size=(800, 600)) -> bytes:
    """Detail everywhere, so every region's JPEG has a similar, non-trivial size."""
    image = Image.effect_noise(size, 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def scan(ingest):
    item = ItemFactory(item_type="photograph", access_level="public")
    item_file = ingest(item, noisy_png(), "noise.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    return item_file


def region(n: int) -> str:
    """The n-th distinct 120×90 region, each rendered at 120 px wide."""
    x, y = (n % 6) * 110, (n // 6) * 80
    return f"{x},{y},120,90/120,/0/default.jpg"


def get(client, item_file, path: str, **extra):
    return client.get(f"/iiif/3/{item_file.pk}/{path}", **extra)


def cache_contents(item_file) -> dict[str, int]:
    found = {}
    for name, size, _used in render_cache._entries(derivative_storage()):
        found[name] = size
    return found


@pytest.fixture
def walks(monkeypatch):
    """How many times the cache was counted (the real trim runs each time)."""
    calls = []
    real = render_cache.trim

    def counting(storage, limit=None):
        report = real(storage, limit)
        calls.append(report)
        return report

    monkeypatch.setattr(render_cache, "trim", counting)
    return calls


def test_renders_per_client_are_limited_and_tiles_are_not(client, scan, settings):
    settings.IIIF_RENDER_RATE_LIMIT = 3
    settings.IIIF_RENDER_RATE_WINDOW = 60
    for n in range(3):
        assert get(client, scan, region(n)).status_code == 200
    refused = get(client, scan, region(3))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "try again" in refused.content.decode()
    assert len(cache_contents(scan)) == 3  # the refused request rendered nothing
    # What is already there is served whatever the count: renders, tiles, listed sizes.
    assert get(client, scan, region(0)).status_code == 200
    assert get(client, scan, TILE).status_code == 200
    assert get(client, scan, "full/max/0/default.jpg").status_code == 200
    assert get(client, scan, "info.json").status_code == 200
    # Another address has its own count.
    assert get(client, scan, region(3), REMOTE_ADDR="192.0.2.7").status_code == 200
    assert get(client, scan, region(4)).status_code == 429


def test_the_client_address_can_come_from_the_proxy(client, scan, settings):
    settings.IIIF_RENDER_RATE_LIMIT = 1
    settings.IIIF_CLIENT_ADDRESS_META = "HTTP_X_REAL_IP"
    assert get(client, scan, region(0), HTTP_X_REAL_IP="198.51.100.1").status_code == 200
    assert get(client, scan, region(1), HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert get(client, scan, region(1), HTTP_X_REAL_IP="198.51.100.2").status_code == 200


def quota_run(client, item_file, settings, walks, renders: int = 24):
    """Render `renders` distinct regions, using region 0 again after each; return the quota."""
    settings.IIIF_RENDER_RATE_LIMIT = 0
    assert get(client, item_file, region(0)).status_code == 200
    (one,) = cache_contents(item_file).values()
    quota = one * 6
    settings.IIIF_RENDER_CACHE_MAX_BYTES = quota
    for n in range(1, renders):
        assert get(client, item_file, region(n)).status_code == 200
        assert get(client, item_file, region(0)).status_code == 200
    return one, quota


def test_the_cache_keeps_to_its_quota_dropping_the_least_recently_used(
    client, scan, settings, walks
):
    one, quota = quota_run(client, scan, settings, walks)
    contents = cache_contents(scan)
    # Never more than the quota plus the tenth written between two counts (and one render).
    assert sum(contents.values()) <= quota + quota // 10 + 2 * one
    names = {name.split("/")[-4] for name in contents}
    assert "0,0,120,90" in names  # used after every other render: never the one to go
    assert "110,0,120,90" not in names  # region 1, never used again: gone early
    assert walks and all(w.bytes_after <= quota for w in walks)
    # A count is paid for by a tenth of the quota written, not by each request.
    assert len(walks) <= 24 * one // (quota // 10) + 1
    before = len(walks)
    for _ in range(20):
        assert get(client, scan, region(0)).status_code == 200  # hits: no count
    assert len(walks) == before


def test_quota_and_recency_on_both_storages(ingest, stored, client, settings, walks):  # noqa: F811
    item_file = ingest(
        ItemFactory(item_type="photograph", access_level="public"), noisy_png(), "n.png"
    )
    assert item_file.status == FileStatus.DONE, item_file.error
    one, quota = quota_run(client, item_file, settings, walks, renders=16)
    contents = cache_contents(item_file)
    assert sum(contents.values()) <= quota + quota // 10 + 2 * one
    assert any(name.split("/")[-4] == "0,0,120,90" for name in contents)
    assert walks
    # The static tiles are not the render cache's to trim.
    assert derivative_storage().exists(f"{tiles.page_prefix(item_file.sha256, 1)}/info.json")
