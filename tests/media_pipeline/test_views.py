import datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.factories import ItemFactory

from . import samples

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def photo():
    # Small: every test ingests it four times through the whole pipeline, and only its bytes matter.
    return samples.image_bytes("JPEG", size=(160, 120))


@pytest.fixture
def files(ingest, photo):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    items = {
        "public": ItemFactory(access_level="public"),
        "researchers": ItemFactory(access_level="researchers"),
        "staff": ItemFactory(access_level="staff"),
        "embargoed": ItemFactory(access_level="public", embargo_until=tomorrow),
    }
    return {key: ingest(item, photo, "手稿 第1页.jpg") for key, item in items.items()}


def test_public_master_is_served_with_safe_headers(client, files, photo):
    response = client.get(files["public"].master_url)
    assert response.status_code == 200
    assert _body(response) == photo
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(photo))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"].startswith("public")
    assert response["Content-Disposition"] == (
        "inline; filename=\"1.jpg\"; filename*=UTF-8''" + quote("手稿 第1页.jpg", safe="")
    )


def test_public_thumbnail_is_served(client, files):
    response = client.get(files["public"].thumbnail_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert _body(response).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("key", ["researchers", "staff", "embargoed"])
def test_anonymous_gets_404_for_restricted_master_and_thumbnail(client, files, key):
    assert client.get(files[key].master_url).status_code == 404
    assert client.get(files[key].thumbnail_url).status_code == 404


def test_researcher_sees_researcher_files_only(client, files, researcher):
    client.force_login(researcher)
    response = client.get(files["researchers"].master_url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert client.get(files["researchers"].thumbnail_url).status_code == 200
    assert client.get(files["staff"].master_url).status_code == 404
    assert client.get(files["embargoed"].thumbnail_url).status_code == 404


def test_staff_sees_everything(client, files, staff_user):
    client.force_login(staff_user)
    for item_file in files.values():
        assert client.get(item_file.master_url).status_code == 200
        assert client.get(item_file.web_url).status_code == 200
    embargoed = client.get(files["embargoed"].master_url)
    assert embargoed["Cache-Control"].startswith("private")


def test_wrong_file_name_or_derivative_is_404(client, files):
    pk = files["public"].pk
    assert client.get(f"/files/{pk}/other.jpg").status_code == 404
    assert client.get(f"/files/{pk}/derivatives/huge.jpg").status_code == 404
    assert client.get(f"/files/{pk + 1000}/x.jpg").status_code == 404


def test_missing_derivative_is_404(client, ingest):
    item_file = ingest(ItemFactory(), samples.pdf_bytes(), "a.pdf")
    assert item_file.derivatives == {}  # a PDF's pages get tiles, not derivatives
    assert client.get(f"/files/{item_file.pk}/derivatives/thumb.jpg").status_code == 404


def test_range_request_returns_the_requested_bytes(client, files, photo):
    url = files["public"].master_url
    response = client.get(url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert _body(response) == photo[100:200]
    assert response["Content-Range"] == f"bytes 100-199/{len(photo)}"
    assert response["Content-Length"] == "100"

    suffix = client.get(url, HTTP_RANGE="bytes=-10")
    assert (suffix.status_code, _body(suffix)) == (206, photo[-10:])
    open_ended = client.get(url, HTTP_RANGE=f"bytes={len(photo) - 5}-")
    assert _body(open_ended) == photo[-5:]


def test_unsatisfiable_range_is_416(client, files, photo):
    response = client.get(files["public"].master_url, HTTP_RANGE=f"bytes={len(photo)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(photo)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "bytes=9-2", "pages=1-2", "bytes=x-"])
def test_ranges_we_do_not_serve_fall_back_to_the_whole_file(client, files, photo, header):
    response = client.get(files["public"].master_url, HTTP_RANGE=header)
    assert response.status_code == 200
    assert _body(response) == photo


def test_if_range_with_a_stale_etag_sends_the_whole_file(client, files, photo):
    url = files["public"].master_url
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert (stale.status_code, _body(stale)) == (200, photo)
    etag = client.get(url)["ETag"]
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert (fresh.status_code, _body(fresh)) == (206, photo[:10])


def test_conditional_get_answers_304(client, files):
    url = files["public"].master_url
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_restricted_file_is_404_even_with_a_range(client, files):
    assert client.get(files["staff"].master_url, HTTP_RANGE="bytes=0-9").status_code == 404


def test_text_master_is_sandboxed_and_has_charset(client, ingest):
    item_file = ingest(ItemFactory(), "<?xml version='1.0'?><a>档案</a>".encode(), "t.xml")
    response = client.get(item_file.master_url)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert "sandbox" in response["Content-Security-Policy"]


def test_post_is_not_allowed(client, files):
    assert client.post(files["public"].master_url).status_code == 405
