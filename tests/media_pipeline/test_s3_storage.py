"""Ingest → process → serve on both storages: the local disk and a real S3 server over HTTP."""

import random

import pytest
from PIL import Image

from media_pipeline.models import FileStatus
from media_pipeline.s3 import iter_span
from media_pipeline.storage import derivative_storage, master_storage
from tests.factories import ItemFactory

from . import av_samples, samples
from .av_samples import needs_ffmpeg
from .storage_backends import stored  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_image_master_and_derivatives_round_trip(ingest, stored, client):  # noqa: F811
    data = samples.image_bytes("PNG", size=(900, 600))
    item_file = ingest(ItemFactory(), data, "手稿.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert stored.read("masters", item_file.master.name) == data
    assert stored.public_grants("masters", item_file.master.name) == []
    thumb_path = item_file.derivatives["thumb.jpg"]["path"]
    assert stored.public_grants("derivatives", thumb_path) == []

    response = client.get(item_file.thumbnail_url)
    assert response.status_code == 200
    body = _body(response)
    assert body == stored.read("derivatives", thumb_path)
    assert Image.open(__import__("io").BytesIO(body)).size == (400, 267)

    whole = client.get(item_file.master_url)
    assert whole.status_code == 200
    assert whole["Content-Length"] == str(len(data))
    assert _body(whole) == data


@pytest.mark.parametrize(
    ("header", "span"),
    [
        ("bytes=100-199", (100, 199)),
        ("bytes=-50", (-50, None)),
        ("bytes=1000-", (1000, None)),
    ],
)
def test_range_requests_on_the_master(ingest, stored, client, header, span):  # noqa: F811
    # Ranges are served alike whatever the file is (serving.py reads spans of the stored
    # bytes): a few kilobytes that no processing step works on, random so that a span read
    # from the wrong offset cannot match. (A 40-page PDF cost a minute or two per case on S3,
    # all of it in rendering pages no assertion looked at.)
    data = random.Random(11).randbytes(5000)
    item_file = ingest(ItemFactory(), data, "a.bin")
    response = client.get(item_file.master_url, HTTP_RANGE=header)
    assert response.status_code == 206
    start, end = span
    expected = data[start:] if end is None else data[start : end + 1]
    assert _body(response) == expected
    first = start % len(data)
    assert response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    assert response["Content-Length"] == str(len(expected))


def test_unsatisfiable_range(ingest, stored, client):  # noqa: F811
    data = random.Random(12).randbytes(3000)
    item_file = ingest(ItemFactory(), data, "a.bin")
    response = client.get(item_file.master_url, HTTP_RANGE=f"bytes={len(data) + 10}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"


@needs_ffmpeg
def test_audio_web_copy_is_made_from_the_stored_master_and_seekable(
    ingest,
    stored,  # noqa: F811
    client,
):
    item_file = ingest(ItemFactory(item_type="audio"), av_samples.flac_bytes(2.0), "访谈.flac")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["av"]["duration_ms"] == pytest.approx(2000, abs=20)
    web_path = item_file.derivatives["web.m4a"]["path"]
    web = stored.read("derivatives", web_path)
    assert web[4:8] == b"ftyp" and len(web) == item_file.derivatives["web.m4a"]["bytes"]
    assert stored.public_grants("derivatives", web_path) == []

    response = client.get(item_file.web_media_url, HTTP_RANGE="bytes=10-2047")
    assert response.status_code == 206
    assert response["Content-Type"] == "audio/mp4"
    assert _body(response) == web[10:2048]


@needs_ffmpeg
def test_video_poster_and_web_copy_on_both_storages(ingest, stored, settings):  # noqa: F811
    settings.MEDIA_WEB_VIDEO_SHORT_SIDE = 120
    item_file = ingest(ItemFactory(item_type="video"), av_samples.avi_mjpeg_bytes(), "cam.avi")
    assert item_file.status == FileStatus.DONE, item_file.error
    poster = stored.read("derivatives", item_file.derivatives["poster.jpg"]["path"])
    assert poster.startswith(b"\xff\xd8\xff")
    assert stored.read("derivatives", item_file.derivatives["web.mp4"]["path"])[4:8] == b"ftyp"


def test_restricted_files_are_never_public(ingest, stored, client, researcher):  # noqa: F811
    item = ItemFactory(access_level="researchers")
    item_file = ingest(item, samples.image_bytes("JPEG"), "内部.jpg")
    for url in (item_file.master_url, item_file.thumbnail_url, item_file.web_url):
        response = client.get(url)
        assert response.status_code == 404  # not a redirect to the bucket either
    assert stored.public_grants("masters", item_file.master.name) == []
    client.force_login(researcher)
    response = client.get(item_file.master_url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_missing_master_is_404_not_500(ingest, stored, client):  # noqa: F811
    item_file = ingest(ItemFactory(), random.Random(13).randbytes(3000), "a.bin")
    stored.delete("masters", item_file.master.name)
    assert client.get(item_file.master_url).status_code == 404


def test_iter_span_reads_exact_spans(ingest, stored):  # noqa: F811
    data = bytes(range(256)) * 4000
    item_file = ingest(ItemFactory(), data, "blob.bin")
    storage, name = master_storage(), item_file.master.name
    assert b"".join(iter_span(storage, name)) == data
    assert b"".join(iter_span(storage, name, 5, 70_000, chunk_bytes=4096)) == data[5:70_001]
    assert b"".join(iter_span(storage, name, 10, 9)) == b""
    assert derivative_storage().exists(name) is False
