"""IIIF regions and sizes beyond the static tiles: rendered from the master, cached, access-checked.

Images are made in code with four coloured quadrants, so a region's content can be checked
pixel by pixel after decoding the JPEG the service answers.
"""

import datetime
import io
import json

import pymupdf
import pytest
from django.utils import timezone
from PIL import Image

from media_pipeline.iiif import image_api, render, tiles
from media_pipeline.iiif.image_api import ImageRequest, Limits
from media_pipeline.models import FileStatus
from media_pipeline.steps import registry
from media_pipeline.storage import derivative_storage
from tests.factories import ItemFactory

from .storage_backends import stored  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 190, 60), (30, 60, 220), (240, 220, 40)
MAGENTA = (230, 0, 230)
# Where to look in an answer (fractions of its width and height) and what colour to find there,
# for the region 100,100,400,300 of the 800×600 quadrant image: it spans the four quadrants.
MIXED_REGION = "100,100,400,300"
MIXED_EXPECTED = (((0.1, 0.1), RED), ((0.9, 0.1), GREEN), ((0.1, 0.9), BLUE), ((0.9, 0.9), YELLOW))


def quadrants(size=(800, 600)) -> Image.Image:
    """Red top left, green top right, blue bottom left, yellow bottom right."""
    width, height = size
    image = Image.new("RGB", size, RED)
    image.paste(GREEN, (width // 2, 0, width, height // 2))
    image.paste(BLUE, (0, height // 2, width // 2, height))
    image.paste(YELLOW, (width // 2, height // 2, width, height))
    return image


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def decode(response) -> Image.Image:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(io.BytesIO(body))
    image.load()
    return image.convert("RGB")


def colour_at(image: Image.Image, fx: float, fy: float):
    return image.getpixel((int(fx * (image.width - 1)), int(fy * (image.height - 1))))


def assert_colour(actual, expected, where=""):
    # JPEG at quality 85 moves flat colours by a few levels.
    assert all(abs(a - e) <= 40 for a, e in zip(actual, expected, strict=True)), (
        where,
        actual,
        expected,
    )


def item(**fields):
    fields.setdefault("access_level", "public")
    return ItemFactory(item_type="photograph", **fields)  # photographs skip OCR


@pytest.fixture
def scan(ingest):
    item_file = ingest(item(), encode(quadrants()), "quadrants.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    return item_file


def url(item_file, path: str, page: int = 1) -> str:
    identifier = str(item_file.pk) if page == 1 else f"{item_file.pk}-{page}"
    return f"/iiif/3/{identifier}/{path}"


def cached(item_file, region, size, page: int = 1) -> str:
    wanted = ImageRequest(region, size)
    return render.cache_name(item_file.sha256, registry.version("iiif"), page, wanted)


def test_a_pixel_region_is_exactly_that_part_of_the_image(client, scan):
    green = decode(client.get(url(scan, "400,0,400,300/max/0/default.jpg")))
    assert green.size == (400, 300)
    for fx, fy in ((0.05, 0.05), (0.5, 0.5), (0.95, 0.95)):
        assert_colour(colour_at(green, fx, fy), GREEN, (fx, fy))
    corner = decode(client.get(url(scan, "350,250,100,100/max/0/default.jpg")))
    assert corner.size == (100, 100)
    for (fx, fy), colour in (
        ((0.2, 0.2), RED),
        ((0.8, 0.2), GREEN),
        ((0.2, 0.8), BLUE),
        ((0.8, 0.8), YELLOW),
    ):
        assert_colour(colour_at(corner, fx, fy), colour, (fx, fy))


def test_percent_and_square_regions(client, scan):
    yellow = decode(client.get(url(scan, "pct:50,50,50,50/max/0/default.jpg")))
    assert yellow.size == (400, 300)
    assert_colour(colour_at(yellow, 0.5, 0.5), YELLOW)
    # The centred 600×600 square of the 800×600 image: x from 100 to 700.
    square = decode(client.get(url(scan, "square/max/0/default.jpg")))
    assert square.size == (600, 600)
    assert_colour(colour_at(square, 0.1, 0.1), RED)
    assert_colour(colour_at(square, 0.9, 0.9), YELLOW)
    # A region reaching past the edges is cropped to the image.
    edge = decode(client.get(url(scan, "700,500,400,400/max/0/default.jpg")))
    assert edge.size == (100, 100)
    assert_colour(colour_at(edge, 0.5, 0.5), YELLOW)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("max", (400, 300)),
        ("200,", (200, 150)),
        (",150", (200, 150)),
        ("200,100", (200, 100)),  # w,h may distort
        ("!200,200", (200, 150)),
        ("!2000,2000", (400, 300)),  # confined, never larger than the region
        ("pct:25", (100, 75)),
        ("pct:12.5", (50, 38)),
        ("^200,", (200, 150)),  # ^ without enlarging is the same request
        ("^!200,200", (200, 150)),
    ],
)
def test_every_size_form_renders_the_region_at_that_size(client, scan, size, expected):
    image = decode(client.get(url(scan, f"{MIXED_REGION}/{size}/0/default.jpg")))
    assert image.size == expected
    for (fx, fy), colour in MIXED_EXPECTED:
        assert_colour(colour_at(image, fx, fy), colour, (size, fx, fy))


def test_every_spelling_is_one_cached_file_read_back_from_storage(client, scan):
    storage = derivative_storage()
    first = client.get(url(scan, "100,150,400,300/200,150/0/default.jpg"))
    assert decode(first).size == (200, 150)
    name = cached(scan, (100, 150, 400, 300), (200, 150))
    assert storage.exists(name)
    canonical = f"http://testserver/iiif/3/{scan.pk}/100,150,400,300/200,150/0/default.jpg"
    assert first["Link"] == f'<{canonical}>;rel="canonical"'
    # Replace the stored rendering with a marker: an equivalent request in another spelling
    # must answer the marker, i.e. read storage instead of rendering again.
    storage.delete(name)
    render.store(storage, name, encode(Image.new("RGB", (200, 150), MAGENTA), "JPEG"))
    for path in (
        "pct:12.5,25,50,50/!200,200/0/default.jpg",
        "100,150,400,300/pct:50/0/default.jpg",
        "100,150,400,300/,150/0/default.jpg",
    ):
        again = client.get(url(scan, path))
        assert_colour(colour_at(decode(again), 0.5, 0.5), MAGENTA, path)
        assert again["Link"] == f'<{canonical}>;rel="canonical"'
    full = client.get(url(scan, "0,0,800,600/800,600/0/default.jpg"))
    assert f"/iiif/3/{scan.pk}/full/max/0/default.jpg>" in full["Link"]


def test_static_tiles_stay_the_fast_path_and_retiling_drops_the_cache(client, scan):
    storage = derivative_storage()
    assert decode(client.get(url(scan, "0,0,256,256/256,256/0/default.jpg"))).size == (256, 256)
    assert decode(client.get(url(scan, "full/400,/0/default.jpg"))).size == (400, 300)
    assert not storage.exists(tiles.cache_prefix(scan.sha256))  # both are static files
    decode(client.get(url(scan, f"{MIXED_REGION}/max/0/default.jpg")))
    assert storage.exists(cached(scan, (100, 100, 400, 300), (400, 300)))
    tiles.make_iiif_tiles(scan)
    assert not storage.exists(cached(scan, (100, 100, 400, 300), (400, 300)))
    assert not storage.exists(tiles.cache_prefix(scan.sha256))


def test_info_json_states_the_limits_and_the_extra_features(client, scan, settings):
    settings.MEDIA_IIIF_MAX_WIDTH = 2500
    settings.MEDIA_IIIF_MAX_AREA = 5_000_000
    info = json.loads(client.get(url(scan, "info.json")).content)
    assert info["profile"] == "level0"
    assert (info["maxWidth"], info["maxArea"]) == (2500, 5_000_000)
    assert "maxHeight" not in info  # maxHeight = maxWidth when absent (Image API 3 §5.2)
    assert sorted(info["extraFeatures"]) == sorted(
        [
            "baseUriRedirect",
            "canonicalLinkHeader",
            "jsonldMediaType",
            "regionByPct",
            "regionByPx",
            "regionSquare",
            "sizeByConfinedWh",
            "sizeByH",
            "sizeByPct",
            "sizeByW",
            "sizeByWh",
        ]
    )
    assert "sizeUpscaling" not in info["extraFeatures"]
    assert info["tiles"] and info["sizes"]  # the static description is kept


def test_sizes_above_the_limits_are_refused_or_scaled_for_max():
    limit = Limits(max_width=1024, max_area=1024 * 1024)
    region = (4000, 3000)
    assert image_api.max_size(*region, limit) == (1024, 768)
    assert image_api.parse_size("max", *region, limit)[0] == (1024, 768)
    assert image_api.parse_size("!3000,3000", *region, limit)[0] == (1024, 768)
    assert image_api.parse_size("1024,", *region, limit)[0] == (1024, 768)
    for size in ("1025,", ",1025", "1024,1025", "pct:50"):
        with pytest.raises(image_api.BadRequest, match="limits"):
            image_api.parse_size(size, *region, limit)
    # A tall sliver: maxWidth limits the height too.
    assert image_api.max_size(100, 5000, limit) == (20, 1024)


def test_jpeg_masters_are_shrunk_on_load(client, ingest):
    big = ingest(item(), encode(quadrants((2400, 1800)), "JPEG", quality=95), "large.jpg")
    assert big.status == FileStatus.DONE, big.error
    assert render.jpeg_shrink(ImageRequest((0, 0, 2400, 1800), (300, 225))) == 8
    assert render.jpeg_shrink(ImageRequest((0, 0, 2400, 1800), (2000, 1500))) == 1
    thumb = decode(client.get(url(big, "full/300,/0/default.jpg")))
    assert thumb.size == (300, 225)
    for (fx, fy), colour in (
        ((0.1, 0.1), RED),
        ((0.9, 0.1), GREEN),
        ((0.1, 0.9), BLUE),
        ((0.9, 0.9), YELLOW),
    ):
        assert_colour(colour_at(thumb, fx, fy), colour, (fx, fy))
    detail = decode(client.get(url(big, "1150,850,100,100/max/0/default.jpg")))
    assert detail.size == (100, 100)  # full resolution across the centre, sharp edges
    assert_colour(colour_at(detail, 0.3, 0.3), RED)
    assert_colour(colour_at(detail, 0.7, 0.7), YELLOW)


def test_regions_are_upright_for_exif_rotated_jpegs(client, ingest):
    landscape = Image.new("RGB", (600, 300), RED)
    landscape.paste(BLUE, (300, 0, 600, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display: the left half becomes the top
    item_file = ingest(item(), encode(landscape, "JPEG", quality=95, exif=exif.tobytes()), "r.jpg")
    top = decode(client.get(url(item_file, "0,0,300,300/max/0/default.jpg")))
    assert top.size == (300, 300)
    assert_colour(colour_at(top, 0.5, 0.5), RED)
    bottom = decode(client.get(url(item_file, "0,300,300,300/100,/0/default.jpg")))
    assert bottom.size == (100, 100)
    assert_colour(colour_at(bottom, 0.5, 0.5), BLUE)


def test_the_page_of_a_multipage_tiff(client, ingest):
    first, second = quadrants((400, 300)), Image.new("RGB", (300, 500), BLUE)
    buffer = io.BytesIO()
    first.save(buffer, "TIFF", save_all=True, append_images=[second])
    item_file = ingest(item(), buffer.getvalue(), "pages.tif")
    assert item_file.status == FileStatus.DONE, item_file.error
    page_two = decode(client.get(url(item_file, "0,100,200,200/50,/0/default.jpg", page=2)))
    assert page_two.size == (50, 50)
    assert_colour(colour_at(page_two, 0.5, 0.5), BLUE)
    page_one = decode(client.get(url(item_file, "200,0,200,150/50,/0/default.jpg")))
    assert_colour(colour_at(page_one, 0.5, 0.5), GREEN)
    assert client.get(url(item_file, "300,0,10,10/max/0/default.jpg", page=2)).status_code == 400


def test_pdf_page_regions_are_rendered_in_the_tiles_coordinates(client, ingest):
    document = pymupdf.open()
    page = document.new_page(width=300, height=200)
    for rect, colour in (
        ((0, 0, 150, 100), RED),
        ((150, 0, 300, 100), GREEN),
        ((0, 100, 150, 200), BLUE),
        ((150, 100, 300, 200), YELLOW),
    ):
        page.draw_rect(pymupdf.Rect(*rect), color=None, fill=[c / 255 for c in colour])
    page.insert_text((20, 190), "Quadrant test page", fontsize=10)  # a text layer: no OCR
    page.set_rotation(90)  # shown turned clockwise: red goes to the top right
    data = document.tobytes()
    document.close()
    item_file = ingest(
        ItemFactory(item_type="publication", access_level="public"), data, "quadrants.pdf"
    )
    assert item_file.status == FileStatus.DONE, item_file.error
    # 200×300 points upright at 200 dpi.
    assert client.get(url(item_file, "info.json")).json()["width"] == 556
    for region, colour in (
        ("pct:0,0,50,40", BLUE),
        ("pct:50,0,50,40", RED),
        ("pct:50,60,50,40", GREEN),
        ("pct:0,60,50,40", YELLOW),
    ):
        image = decode(client.get(url(item_file, f"{region}/100,/0/default.jpg")))
        assert image.width == 100
        assert_colour(colour_at(image, 0.5, 0.5), colour, region)
    full = decode(client.get(url(item_file, "full/300,/0/default.jpg")))
    assert full.size == (300, 449)  # 833 × 300 / 556, rounded


@pytest.fixture
def restricted(ingest):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = encode(quadrants())
    return {
        "researchers": ingest(item(access_level="researchers"), data, "r.png"),
        "embargoed": ingest(item(embargo_until=tomorrow), data, "e.png"),
    }


def test_restricted_regions_follow_the_access_policy(client, restricted, researcher):
    storage = derivative_storage()
    item_file = restricted["researchers"]
    path = url(item_file, f"{MIXED_REGION}/200,/0/default.jpg")
    assert client.get(path).status_code == 404  # anonymous: as if it did not exist
    assert client.get(url(item_file, "0,0,0,0/bad/0/default.jpg")).status_code == 404
    assert not storage.exists(tiles.cache_prefix(item_file.sha256))  # nothing was rendered
    client.force_login(researcher)
    response = client.get(path)
    assert decode(response).size == (200, 150)
    assert response["Cache-Control"].startswith("private")
    assert "Access-Control-Allow-Origin" not in response
    # An embargo hides the item from everyone but staff, researchers included.
    embargoed = restricted["embargoed"]
    assert client.get(url(embargoed, f"{MIXED_REGION}/200,/0/default.jpg")).status_code == 404
    client.logout()
    assert client.get(url(embargoed, f"{MIXED_REGION}/200,/0/default.jpg")).status_code == 404


BAD_REQUESTS = [
    # region
    ("900,0,10,10/max/0/default.jpg", "outside"),
    ("0,700,10,10/max/0/default.jpg", "outside"),
    ("pct:100,0,10,10/max/0/default.jpg", "outside"),
    ("0,0,0,10/max/0/default.jpg", "no width"),
    ("0,0,10,0/max/0/default.jpg", "no width"),
    ("pct:0,0,0.01,10/max/0/default.jpg", "no width"),
    ("1,2,3/max/0/default.jpg", "Invalid region"),
    ("1,2,3,x/max/0/default.jpg", "Invalid region"),
    ("-1,0,10,10/max/0/default.jpg", "Invalid region"),
    ("1.5,0,10,10/max/0/default.jpg", "Invalid region"),
    ("pct:1e3,0,1,1/max/0/default.jpg", "Invalid region"),
    ("pct:.5,0,1,1/max/0/default.jpg", "Invalid region"),
    ("whole/max/0/default.jpg", "Invalid region"),
    (f"{'9' * 70},0,1,1/max/0/default.jpg", "longer than"),
    # size
    ("full/0,/0/default.jpg", "less than one pixel"),
    ("full/,0/0/default.jpg", "less than one pixel"),
    ("full/0,0/0/default.jpg", "less than one pixel"),
    ("full/!0,10/0/default.jpg", "less than one pixel"),
    ("full/pct:0/0/default.jpg", "less than one pixel"),
    ("0,0,800,1/400,/0/default.jpg", "less than one pixel"),
    ("full/pct:101/0/default.jpg", "larger than"),
    ("full/801,/0/default.jpg", "larger than"),
    ("full/,601/0/default.jpg", "larger than"),
    ("full/800,601/0/default.jpg", "larger than"),
    ("full/99999999999999999999,/0/default.jpg", "larger than"),
    ("full/!10,/0/default.jpg", "needs both"),
    ("full/,/0/default.jpg", "give a width"),
    ("full/!,/0/default.jpg", "give a width"),
    ("full/abc/0/default.jpg", "Invalid size"),
    ("full/full/0/default.jpg", "Invalid size"),  # Image API 2 spelling, removed in 3
    ("full/-5,/0/default.jpg", "Invalid size"),
    ("full/10.5,/0/default.jpg", "Invalid size"),
    ("full/pct:abc/0/default.jpg", "Invalid size"),
    # rotation, quality, format
    ("full/max/90/default.jpg", "not supported"),
    ("full/max/22.5/default.jpg", "not supported"),
    ("full/max/!0/default.jpg", "not supported"),
    ("full/max/361/default.jpg", "out of range"),
    ("full/max/left/default.jpg", "Invalid rotation"),
    ("full/max/0/gray.jpg", "not supported"),
    ("full/max/0/color.jpg", "not supported"),
    ("full/max/0/bitonal.jpg", "not supported"),
    ("full/max/0/best.jpg", "Invalid quality"),
    ("full/max/0/default.png", "not supported"),
    ("full/max/0/default.webp", "not supported"),
    ("full/max/0/default.JPG", "Invalid format"),
    ("full/max/0/default.bmp", "Invalid format"),
]


def test_every_bad_request_is_a_400_saying_why(client, scan):
    for path, reason in BAD_REQUESTS:
        response = client.get(url(scan, path))
        assert response.status_code == 400, (path, response.status_code)
        assert response["Content-Type"].startswith("text/plain")
        assert reason in response.content.decode(), (path, response.content)
    assert not derivative_storage().exists(tiles.cache_prefix(scan.sha256))


@pytest.mark.parametrize("size", ["^801,", "^,601", "^pct:150", "^!1000,1000", "^900,700", "^max"])
def test_upscaling_is_not_implemented(client, scan, size):
    response = client.get(url(scan, f"full/{size}/0/default.jpg"))
    assert response.status_code == 501
    assert "upscaling is not supported" in response.content.decode()


def test_regions_beyond_the_sequential_budget_are_read_with_random_access(
    client, scan, monkeypatch
):
    # A region near the bottom of a large scan is not read row by row from the top (which would
    # hold every row above it); a zero budget sends this small page down that path too.
    monkeypatch.setattr(render, "SEQUENTIAL_BUDGET", 0)
    image = decode(client.get(url(scan, f"{MIXED_REGION}/200,/0/default.jpg")))
    assert image.size == (200, 150)
    for (fx, fy), colour in MIXED_EXPECTED:
        assert_colour(colour_at(image, fx, fy), colour, (fx, fy))


def test_renderings_are_cached_on_both_storages(ingest, stored, client):  # noqa: F811
    item_file = ingest(item(), encode(quadrants()), "quadrants.png")
    assert item_file.status == FileStatus.DONE, item_file.error
    path = url(item_file, f"{MIXED_REGION}/200,/0/default.jpg")
    first = client.get(path)
    body = b"".join(first.streaming_content)
    name = cached(item_file, (100, 100, 400, 300), (200, 150))
    assert stored.read("derivatives", name) == body
    assert stored.public_grants("derivatives", name) == []
    # Stored again (two requests rendering at once): still one object, at the same name.
    render.store(derivative_storage(), name, body)
    folder = name.rsplit("/", 1)[0]
    assert derivative_storage().listdir(folder)[1] == ["default.jpg"]
    assert b"".join(client.get(path).streaming_content) == body
    tiles.make_iiif_tiles(item_file)
    assert not derivative_storage().exists(name)
