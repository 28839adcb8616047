"""Images through libvips: every format, pages, bit depth, orientation and bad input."""

import io

import pytest
from PIL import Image

from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from . import imaging_samples as make

pytestmark = pytest.mark.django_db


def _item(**fields):
    # Photographs are not OCR'd by default, which keeps these tests about imaging (and fast).
    return ItemFactory(item_type="photograph", **fields)


def _derivative(media_root, item_file, name):
    return Image.open(media_root / "derivatives" / item_file.derivatives[name]["path"])


def _iiif_tree(media_root, item_file):
    return media_root / "derivatives" / "iiif" / item_file.sha256


@pytest.mark.parametrize(
    ("fmt", "name", "options", "loader"),
    [
        ("JPEG", "scan.jpg", {"quality": 90}, "JPEG"),
        ("PNG", "scan.png", {}, "PNG"),
        ("TIFF", "scan.tif", {"compression": "tiff_lzw"}, "TIFF"),
        ("WEBP", "scan.webp", {}, "WEBP"),
        ("GIF", "scan.gif", {}, "GIF"),
        ("HEIF", "photo.heic", {}, "HEIF"),
        ("JPEG2000", "scan.jp2", {}, "JP2K"),
    ],
)
def test_each_format_gets_derivatives_and_tiles(ingest, media_root, fmt, name, options, loader):
    item_file = ingest(_item(), make.encoded(fmt, (2048, 1536), **options), name)
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["image"]["format"] == loader
    with _derivative(media_root, item_file, "web.jpg") as web:
        assert (web.format, web.size, web.mode) == ("JPEG", (2000, 1500), "RGB")
        red = web.getpixel((20, 20))
        assert red[0] > 180 and red[1] < 80  # the red corner stays top-left and red
    with _derivative(media_root, item_file, "web.webp") as webp:
        assert (webp.format, webp.size) == ("WEBP", (2000, 1500))
    with _derivative(media_root, item_file, "thumb.jpg") as thumb:
        assert thumb.size == (400, 300)
    page = item_file.technical["iiif"]["pages"][0]
    assert (page["width"], page["height"]) == (2048, 1536)
    assert page["scale_factors"] == [1, 2, 4, 8]
    assert (_iiif_tree(media_root, item_file) / "1" / "info.json").is_file()


def test_webp_derivative_is_served_as_webp(client, ingest):
    item_file = ingest(_item(access_level="public"), make.encoded("PNG"), "a.png")
    response = client.get(item_file.url_for("web.webp"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content)[8:12] == b"WEBP"


def test_sixteen_bit_rgb_is_scaled_to_eight_bits(ingest, media_root):
    item_file = ingest(_item(), make.sixteen_bit_tiff(value=40000), "deep.tif")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["image"]["bits"] == 16
    assert item_file.technical["image"]["mode"] == "RGB;16"
    with _derivative(media_root, item_file, "web.jpg") as web:
        assert all(abs(v - 40000 / 257) <= 2 for v in web.getpixel((150, 100)))


def test_multipage_tiff_gives_one_iiif_page_per_tiff_page(ingest, media_root):
    item_file = ingest(_item(), make.multipage_tiff(((300, 200), (100, 500))), "p.tif")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["image"]["frames"] == 2
    pages = item_file.technical["iiif"]["pages"]
    assert [(p["number"], p["width"], p["height"]) for p in pages] == [(1, 300, 200), (2, 100, 500)]
    tree = _iiif_tree(media_root, item_file)
    assert (tree / "2" / "0,0,100,500" / "50,250" / "0" / "default.jpg").is_file()
    with Image.open(tree / "2" / "0,0,100,256" / "100,256" / "0" / "default.jpg") as tile:
        assert tile.getpixel((5, 5))[2] > 200  # page 2 is the blue one
    with _derivative(media_root, item_file, "thumb.jpg") as thumb:
        assert thumb.size == (300, 200)  # file-level derivatives show the first page


def test_stored_pyramid_levels_are_not_pages(ingest):
    item_file = ingest(_item(), make.pyramid_tiff((1024, 768)), "pyramid.tif")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["image"]["frames"] == 3
    assert [p["number"] for p in item_file.technical["iiif"]["pages"]] == [1]


def test_exif_orientation_turns_tiles_and_canvas_upright(ingest, media_root):
    item_file = ingest(_item(), make.rotated_jpeg((600, 300), 6), "r.jpg")
    assert item_file.status == FileStatus.DONE, item_file.error
    page = item_file.technical["iiif"]["pages"][0]
    assert (page["width"], page["height"]) == (300, 600)
    assert item_file.technical["image"]["pages"][0]["width"] == 300
    tree = _iiif_tree(media_root, item_file) / "1"
    with Image.open(tree / "0,0,256,256" / "256,256" / "0" / "default.jpg") as tile:
        assert tile.size == (256, 256)


# --- bad input ---------------------------------------------------------------------------------


def _assert_failed_cleanly(item_file, media_root, step: str, words: tuple[str, ...]):
    assert item_file.status == FileStatus.FAILED
    assert f"“{step}”" in item_file.error
    for word in words:
        assert word in item_file.error
    assert item_file.technical["steps"][step]["status"] == "failed"
    assert item_file.thumbnail_url is None
    assert not _iiif_tree(media_root, item_file).exists()


def test_truncated_tiff_fails_and_publishes_nothing(ingest, media_root):
    whole = make.encoded("TIFF", (800, 600))
    item = _item()
    good = ingest(item, whole, "good.tif")
    broken = ingest(item, make.truncated(whole, 0.4), "broken.tif")
    _assert_failed_cleanly(broken, media_root, "derivatives", ("truncated or damaged",))
    good.refresh_from_db()
    assert good.status == FileStatus.DONE
    assert _iiif_tree(media_root, good).is_dir()


def test_truncated_jpeg_fails_in_libvips_too(ingest, media_root):
    whole = make.encoded("JPEG", (800, 600), quality=95)
    broken = ingest(_item(), make.truncated(whole, 0.5), "broken.jpg")
    _assert_failed_cleanly(broken, media_root, "derivatives", ("truncated",))


def test_tiff_declaring_huge_dimensions_is_refused_before_decoding(ingest, media_root):
    bomb = ingest(_item(), make.tiff_declaring(100_000, 100_000), "bomb.tif")
    _assert_failed_cleanly(bomb, media_root, "technical", ("100000×100000", "decompression bomb"))
    assert "derivatives" not in bomb.technical["steps"]


def test_pixel_limit_applies_to_every_page(ingest, media_root, settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 60_000
    pages = make.multipage_tiff(((200, 200), (300, 400)))
    item_file = ingest(_item(), pages, "pages.tif")
    _assert_failed_cleanly(item_file, media_root, "technical", ("300×400", "60,000"))


def test_png_named_jpg_is_processed_as_png(ingest):
    item_file = ingest(_item(), make.encoded("PNG"), "scan.jpg")
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.mime_type == "image/png"
    assert item_file.technical["image"]["format"] == "PNG"
    assert item_file.technical["warnings"]


def test_image_header_on_garbage_fails_without_crashing_the_worker(ingest, media_root):
    fake = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 200
    item_file = ingest(_item(), fake, "fake.png")
    _assert_failed_cleanly(item_file, media_root, "technical", ("could not be decoded",))


@pytest.mark.parametrize(
    "hostile",
    [
        "../../../etc/cron.d/x.jpg",
        "a\x00b\x1b[31m.jpg",
        "雪" * 300 + ".jpg",
        b"\xff\xfe\xb2\xe2.jpg",
    ],
)
def test_hostile_file_names_cannot_steer_derivatives_or_tiles(ingest, media_root, hostile):
    item_file = ingest(_item(), make.encoded("JPEG"), hostile)
    assert item_file.status == FileStatus.DONE, item_file.error
    written = [p for p in media_root.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(media_root) for p in written)
    derivative_files = {
        p.relative_to(media_root / "derivatives").parts[:2]
        for p in (media_root / "derivatives").rglob("*")
        if p.is_file()
    }
    assert derivative_files <= {("derivatives", item_file.sha256), ("iiif", item_file.sha256)}


def test_a_failed_image_leaves_the_items_other_files_untouched(ingest, media_root):
    item = _item()
    good = ingest(item, make.encoded("PNG"), "good.png")
    before = (good.technical, sorted(_iiif_tree(media_root, good).rglob("*")))
    ingest(item, make.truncated(make.encoded("PNG", (900, 700)), 0.3), "bad.png")
    good.refresh_from_db()
    assert (good.technical, sorted(_iiif_tree(media_root, good).rglob("*"))) == before
    assert ItemFile.objects.filter(item=item, status=FileStatus.FAILED).count() == 1


def test_zero_byte_image_never_becomes_a_file(media_root):
    from media_pipeline.ingest import EmptyFileError, ingest_fileobj

    with pytest.raises(EmptyFileError):
        ingest_fileobj(_item(), io.BytesIO(b""), "empty.jpg")
    assert not ItemFile.objects.exists()
