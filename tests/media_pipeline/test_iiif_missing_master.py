"""A file whose master is gone answers 404 from the whole IIIF image service, as /files/ does for
the master itself, on the local disk and on S3; a master that is there but cannot be decoded
stays a logged server error."""

import io

import pytest
from PIL import Image

from media_pipeline.iiif import tiles
from media_pipeline.models import FileStatus
from media_pipeline.storage import derivative_storage, master_storage
from tests.factories import ItemFactory

from .storage_backends import stored  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TILE = "0,0,256,256/256,256/0/default.jpg"
REGION = "100,100,400,300/200,/0/default.jpg"


def png(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def scan(ingest):
    item = ItemFactory(item_type="photograph", access_level="public")
    item_file = ingest(item, png(), "scan.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    return item_file


def iiif(client, item_file, path: str = ""):
    return client.get(f"/iiif/3/{item_file.pk}/{path}")


def test_every_image_request_of_a_lost_master_is_404_like_files(client, scan):
    master_url = f"/files/{scan.pk}/{scan.original_filename}"
    assert client.get(master_url).status_code == 200
    assert iiif(client, scan, "info.json").status_code == 200
    master_storage().delete(scan.master.name)
    assert client.get(master_url).status_code == 404
    for path in ("info.json", TILE, "full/max/0/default.jpg", REGION):
        response = iiif(client, scan, path)
        assert response.status_code == 404, (path, response.status_code)
    assert client.get(f"/iiif/3/{scan.pk}").status_code == 404
    # Nothing was rendered or cached for the lost master.
    assert not derivative_storage().exists(tiles.cache_prefix(scan.sha256))


def test_a_master_lost_after_its_region_was_cached_is_404_too(client, scan):
    assert iiif(client, scan, REGION).status_code == 200
    master_storage().delete(scan.master.name)
    assert iiif(client, scan, REGION).status_code == 404


def test_lost_masters_are_404_on_s3_as_well(ingest, stored, client, settings):  # noqa: F811
    # On S3 the answer "the master is there" is kept for IIIF_MASTER_CHECK_SECONDS (asking is a
    # request per tile); 0 asks every time, as the local disk always does.
    settings.IIIF_MASTER_CHECK_SECONDS = 0
    item_file = ingest(ItemFactory(item_type="photograph", access_level="public"), png(), "s.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert iiif(client, item_file, TILE).status_code == 200
    stored.delete("masters", item_file.master.name)
    for path in ("info.json", TILE, REGION):
        assert iiif(client, item_file, path).status_code == 404, path


def test_a_damaged_master_is_still_a_logged_server_error(client, scan, caplog):
    path = master_storage().path(scan.master.name)
    with open(path, "r+b") as master:
        master.truncate(200)
    response = iiif(client, scan, REGION)
    assert response.status_code == 500
    assert "IIIF rendering" in caplog.text
    assert scan.master.name not in response.content.decode()
