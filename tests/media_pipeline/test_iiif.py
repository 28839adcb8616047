"""IIIF Image API tiles and info.json, and the Presentation manifest, behind the access policy."""

import datetime
import io
import json
import math
import shutil
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.utils import timezone
from iiif_prezi3 import Manifest
from PIL import Image

from media_pipeline.iiif import image_api, tiles
from media_pipeline.models import FileStatus, ItemFile
from media_pipeline.steps import registry
from media_pipeline.tasks import process_item_file
from tests.factories import IndexSegmentFactory, InterviewFactory, ItemFactory

from . import imaging_samples as make
from . import samples
from .storage_backends import stored  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _item(**fields):
    return ItemFactory(item_type="photograph", **fields)  # photographs skip OCR: fast tests


def _path(url: str) -> str:
    return urlsplit(url).path


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def scan(ingest):
    item = _item(access_level="public", identifier="QXS-001-0001", title="钱学森手稿")
    return ingest(
        item, make.encoded("JPEG", (1001, 701), quality=90), "手稿第1页.jpg", label="第1页"
    )


def _osd_tile_urls(service: str, width: int, height: int, factors: list[int]) -> list[str]:
    """The URLs OpenSeadragon 6 asks a level-0 IIIF 3 service for (IIIFTileSource.getTileUrl)."""
    urls = []
    for factor in factors:
        level_w, level_h = math.ceil(width / factor), math.ceil(height / factor)
        step = 256 * factor
        if level_w < 256 and level_h < 256:
            size = "max" if factor == 1 else f"{level_w},{level_h}"
            urls.append(f"{service}/full/{size}/0/default.jpg")
            continue
        for y in range(math.ceil(height / step)):
            for x in range(math.ceil(width / step)):
                rx, ry = x * step, y * step
                rw, rh = min(step, width - rx), min(step, height - ry)
                region = "full" if (rw, rh) == (width, height) else f"{rx},{ry},{rw},{rh}"
                sw, sh = min(256, level_w - x * 256), min(256, level_h - y * 256)
                size = "max" if (sw, sh) == (width, height) else f"{sw},{sh}"
                urls.append(f"{service}/{region}/{size}/0/default.jpg")
    return urls


def test_info_json_describes_a_level0_service_with_an_absolute_id(client, scan):
    response = client.get(f"/iiif/3/{scan.pk}/info.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    info = json.loads(response.content)
    assert info["id"] == f"http://testserver/iiif/3/{scan.pk}"
    assert info["type"] == "ImageService3" and info["profile"] == "level0"
    assert (info["width"], info["height"]) == (1001, 701)
    assert info["tiles"] == [{"width": 256, "height": 256, "scaleFactors": [1, 2, 4]}]
    assert info["sizes"] == [
        {"width": 251, "height": 176},
        {"width": 501, "height": 351},
        {"width": 1001, "height": 701},
    ]
    ld = client.get(f"/iiif/3/{scan.pk}/info.json", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"].startswith("application/ld+json;profile=")


def test_base_uri_redirects_to_info_json(client, scan):
    response = client.get(f"/iiif/3/{scan.pk}")
    assert response.status_code == 303
    assert response["Location"] == f"/iiif/3/{scan.pk}/info.json"


def test_every_tile_openseadragon_requests_is_served(client, scan):
    info = json.loads(client.get(f"/iiif/3/{scan.pk}/info.json").content)
    urls = _osd_tile_urls(
        info["id"], info["width"], info["height"], info["tiles"][0]["scaleFactors"]
    )
    assert len(urls) == 12 + 4 + 1
    for url in urls:
        response = client.get(_path(url))
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/jpeg"
    corner = client.get(_path(f"{info['id']}/0,0,256,256/256,256/0/default.jpg"))
    with Image.open(_body_io(corner)) as tile:
        assert tile.size == (256, 256)
        assert tile.getpixel((5, 5))[0] > 180  # the red corner of the scan


def _body_io(response):
    return io.BytesIO(_body(response))


@pytest.mark.parametrize("size", ["501,351", "501,", ",351", "pct:50.05", "!501,400"])
def test_listed_sizes_are_served_whatever_the_spelling(client, scan, size):
    response = client.get(f"/iiif/3/{scan.pk}/full/{size}/0/default.jpg")
    assert response.status_code == 200, size
    with Image.open(_body_io(response)) as image:
        assert image.size == (501, 351)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("full/300,210/0/default.jpg", 200),  # not a listed size: rendered (render.py)
        ("0,0,256,256/256,256/90/default.jpg", 400),  # only rotation 0
        ("0,0,256,256/256,256/0/gray.jpg", 400),  # only the default quality
        ("0,0,256,256/256,256/0/default.png", 400),  # only jpg
        ("0,0,256,256/512,512/0/default.jpg", 400),  # upscaling without ^
        ("5000,0,10,10/10,10/0/default.jpg", 400),  # outside the image
        ("nonsense/256,256/0/default.jpg", 400),
        ("0,0,256,256/abc/0/default.jpg", 400),
        ("0,0,300,300/300,300/0/default.jpg", 200),  # a valid region that is not a tile
    ],
)
def test_requests_outside_the_static_set_are_rendered_or_fail_clearly(client, scan, path, status):
    assert client.get(f"/iiif/3/{scan.pk}/{path}").status_code == status


def test_region_reaching_past_the_edge_is_cropped_to_the_image():
    assert image_api.parse_region("768,512,300,300", 1001, 701) == (768, 512, 233, 189)


@pytest.fixture
def restricted(ingest):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = make.encoded("PNG", (300, 300))
    return {
        "researchers": ingest(_item(access_level="researchers"), data, "r.png"),
        "staff": ingest(_item(access_level="staff"), data, "s.png"),
        "embargoed": ingest(_item(access_level="public", embargo_until=tomorrow), data, "e.png"),
    }


@pytest.mark.parametrize("key", ["researchers", "staff", "embargoed"])
def test_invisible_items_answer_404_everywhere(client, restricted, key):
    item_file = restricted[key]
    assert client.get(f"/iiif/3/{item_file.pk}").status_code == 404
    assert client.get(f"/iiif/3/{item_file.pk}/info.json").status_code == 404
    assert (
        client.get(f"/iiif/3/{item_file.pk}/0,0,256,256/256,256/0/default.jpg").status_code == 404
    )
    assert client.get(f"/iiif/3/manifest/{item_file.item.identifier}.json").status_code == 404


def test_researchers_see_their_items_privately(client, restricted, researcher):
    client.force_login(researcher)
    item_file = restricted["researchers"]
    info = client.get(f"/iiif/3/{item_file.pk}/info.json")
    assert info.status_code == 200
    assert info["Cache-Control"].startswith("private")
    assert "Access-Control-Allow-Origin" not in info
    tile = client.get(f"/iiif/3/{item_file.pk}/0,0,256,256/256,256/0/default.jpg")
    assert tile.status_code == 200
    assert tile["Cache-Control"].startswith("private")
    manifest = client.get(f"/iiif/3/manifest/{item_file.item.identifier}.json")
    assert manifest.status_code == 200
    assert "Access-Control-Allow-Origin" not in manifest


def test_unknown_and_malformed_identifiers_are_404(client, scan):
    for identifier in (f"{scan.pk}-1", f"{scan.pk}-2", "999999", f"{scan.pk}-x"):
        assert client.get(f"/iiif/3/{identifier}/info.json").status_code == 404


def test_multipage_tiff_pages_are_separate_image_services(client, ingest):
    item_file = ingest(
        _item(access_level="public"), samples.multipage_tiff(((300, 200), (100, 500))), "p.tif"
    )
    first = json.loads(client.get(f"/iiif/3/{item_file.pk}/info.json").content)
    second = json.loads(client.get(f"/iiif/3/{item_file.pk}-2/info.json").content)
    assert (first["width"], first["height"]) == (300, 200)
    assert (second["width"], second["height"]) == (100, 500)
    assert second["id"].endswith(f"/iiif/3/{item_file.pk}-2")


def test_version_bump_rebuilds_the_tree_without_leftovers(ingest, media_root, monkeypatch):
    item_file = ingest(_item(), make.encoded("PNG", (600, 400)), "a.png")
    tree = media_root / "derivatives" / "iiif" / item_file.sha256
    stray = tree / "1" / "stray.jpg"
    stray.write_bytes(b"old")
    before = sorted(p.relative_to(tree) for p in tree.rglob("*") if p != stray)
    monkeypatch.setattr(registry["iiif"], "version", registry.version("iiif") + 1)
    process_item_file.enqueue(item_file.pk)
    assert not stray.exists()
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before
    assert not [p for p in tree.parent.iterdir() if p.name.startswith(".")]


def test_trees_are_uploaded_file_by_file_to_storages_without_paths(tmp_path):
    storage = InMemoryStorage()
    (tmp_path / "1" / "0,0,10,10" / "10,10" / "0").mkdir(parents=True)
    (tmp_path / "1" / "0,0,10,10" / "10,10" / "0" / "default.jpg").write_bytes(b"new")
    (tmp_path / "1" / "info.json").write_text("{}")
    storage.save("iiif/abc/1/old/x.jpg", _content(b"old"))
    tiles.publish_tree(storage, tmp_path, "iiif/abc")
    assert storage.open("iiif/abc/1/0,0,10,10/10,10/0/default.jpg").read() == b"new"
    assert storage.exists("iiif/abc/1/info.json")
    assert not storage.exists("iiif/abc/1/old/x.jpg")


def _content(data: bytes):
    return ContentFile(data)


# --- the Presentation 3 manifest ----------------------------------------------------------------


def _validated(data: dict) -> dict:
    """Load into iiif-prezi3's models and back: a property its schema does not know, or one of
    the wrong type, is lost or refused. (It may add empty defaults, e.g. "items" on a Canvas
    reference inside a Range; those are not ours to check.)"""
    again = json.loads(Manifest(**data).jsonld())
    _assert_kept(data, again, "manifest")
    return data


def _assert_kept(ours, theirs, where: str) -> None:
    if isinstance(ours, dict):
        assert isinstance(theirs, dict), where
        for key, value in ours.items():
            assert key in theirs, f"{where}.{key} dropped by iiif-prezi3"
            _assert_kept(value, theirs[key], f"{where}.{key}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(theirs) == len(ours), where
        for n, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            _assert_kept(mine, other, f"{where}[{n}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} became {theirs!r}"


def test_manifest_has_one_canvas_per_page_and_resolvable_services(client, scan, ingest):
    ingest(scan.item, samples.multipage_tiff(((300, 200), (100, 500))), "pages.tif", sequence=2)
    ingest(scan.item, samples.pdf_bytes(), "report.pdf", sequence=3)
    response = client.get(f"/iiif/3/manifest/{scan.item.identifier}.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    manifest = _validated(json.loads(response.content))
    assert manifest["id"] == f"http://testserver/iiif/3/manifest/{scan.item.identifier}.json"
    assert manifest["label"] == {"zh-Hans": ["钱学森手稿"]}
    assert manifest["rights"] == scan.item.rights_statement
    assert manifest["homepage"][0]["id"] == "http://testserver/archive/items/QXS-001-0001/"
    # The PDF's two A4 pages are canvases too, rendered at 200 dpi (tests/.../test_iiif_pdf.py).
    assert [c["width"] for c in manifest["items"]] == [1001, 300, 100, 1653, 1653]
    assert manifest["items"][0]["label"] == {"none": ["第1页"]}
    assert manifest["items"][3]["rendering"][0]["format"] == "application/pdf"
    for canvas in manifest["items"]:
        body = canvas["items"][0]["items"][0]["body"]
        assert canvas["items"][0]["items"][0]["target"] == canvas["id"]
        service = body["service"][0]["id"]
        info = json.loads(client.get(_path(service) + "/info.json").content)
        assert (info["width"], info["height"]) == (canvas["width"], canvas["height"])
        assert client.get(_path(body["id"])).status_code == 200
        assert client.get(_path(canvas["thumbnail"][0]["id"])).status_code == 200
    labels = {row["label"]["en"][0]: row["value"] for row in manifest["metadata"]}
    assert labels["Reference code"] == {"none": ["QXS-001-0001"]}


def test_failed_files_have_no_canvas(client, ingest, scan):
    ingest(scan.item, make.truncated(make.encoded("PNG", (800, 600)), 0.3), "bad.png", sequence=5)
    manifest = json.loads(client.get(f"/iiif/3/manifest/{scan.item.identifier}.json").content)
    assert len(manifest["items"]) == 1


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (scripts/system-deps.sh)")
def test_audio_canvas_has_the_recordings_duration_and_index_ranges(client, ingest):
    interview = InterviewFactory(item__access_level="public")
    IndexSegmentFactory(interview=interview, start_ms=0, title="童年与求学")
    IndexSegmentFactory(interview=interview, start_ms=1000, title="留学")
    ingest(interview.item, samples.wav_bytes(seconds=2.0), "访谈.wav")
    manifest = _validated(
        json.loads(client.get(f"/iiif/3/manifest/{interview.item.identifier}.json").content)
    )
    (canvas,) = manifest["items"]
    assert canvas["duration"] == pytest.approx(2.0, abs=0.05)
    body = canvas["items"][0]["items"][0]["body"]
    assert body["type"] == "Sound" and body["duration"] == canvas["duration"]
    assert client.get(_path(body["id"])).status_code == 200
    (contents,) = manifest["structures"]
    assert [r["label"] for r in contents["items"]] == [
        {"zh-Hans": ["童年与求学"]},
        {"zh-Hans": ["留学"]},
    ]
    assert contents["items"][1]["items"][0]["id"].startswith(canvas["id"] + "#t=1")
    assert canvas["annotations"][0]["items"][0]["motivation"] == "describing"


def test_tiles_round_trip_on_both_storages(ingest, stored, client):  # noqa: F811
    item_file = ingest(_item(access_level="public"), make.encoded("PNG", (600, 400)), "a.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    prefix = f"iiif/{item_file.sha256}/1"
    info = json.loads(client.get(f"/iiif/3/{item_file.pk}/info.json").content)
    assert info["id"].endswith(f"/iiif/3/{item_file.pk}")
    tile = client.get(f"/iiif/3/{item_file.pk}/0,0,256,256/256,256/0/default.jpg")
    assert tile.status_code == 200
    assert _body(tile) == stored.read("derivatives", f"{prefix}/0,0,256,256/256,256/0/default.jpg")
    assert stored.public_grants("derivatives", f"{prefix}/info.json") == []
    # Reprocessing replaces the tree in place: same names, no renamed copies beside them.
    tasks_before = stored.read("derivatives", f"{prefix}/info.json")
    ItemFile.objects.filter(pk=item_file.pk).update(technical={})
    process_item_file.enqueue(item_file.pk)
    assert stored.read("derivatives", f"{prefix}/info.json") == tasks_before
    assert (
        client.get(f"/iiif/3/{item_file.pk}/0,0,256,256/256,256/0/default.jpg").status_code == 200
    )
