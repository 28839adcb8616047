"""The Content-Security-Policy header (settings CONTENT_SECURITY_POLICY, archive_site/security.py)
without a browser: what each kind of path gets, and the nonce of an inline <style> matches it."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from archive_site.security import media_origins
from media_pipeline.ingest import ingest_fileobj
from tests.factories import ItemFactory
from tests.media_pipeline import imaging_samples as make

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


def test_public_pages_allow_only_the_sites_own_assets(client):
    site = policy(client.get("/archive/"))
    assert site["default-src"] == ["'self'"]
    assert site["script-src"] == ["'self'"]  # no nonce asked for, none offered
    assert site["object-src"] == ["'none'"]
    assert site["base-uri"] == ["'self'"]
    assert site["frame-ancestors"] == ["'self'"]
    assert site["connect-src"] == ["'self'"]
    assert site["img-src"] == ["'self'"]
    assert "'unsafe-inline'" not in site["style-src"]
    assert "'unsafe-eval'" not in " ".join(sum(site.values(), []))


def test_the_json_api_and_errors_carry_it_too(client):
    assert policy(client.get("/api/v1/items"))["object-src"] == ["'none'"]
    assert policy(client.get("/no/such/page/"))["object-src"] == ["'none'"]


def test_an_inline_style_carries_the_nonce_its_header_names(
    client, django_capture_on_commit_callbacks
):
    item = ItemFactory(access_level="public", identifier="QXS-NONCE")
    with django_capture_on_commit_callbacks(execute=True):  # processed: tiles, so a viewer
        ingest_fileobj(item, BytesIO(make.encoded("JPEG", (300, 200))), "scan.jpg", sequence=1)
    response = client.get(item.get_absolute_url())
    html = response.content.decode()
    nonces = set(re.findall(r'<style nonce="([^"]+)"', html))
    assert len(nonces) == 1
    (nonce,) = nonces
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]
    assert "data-viewer" in html
    assert client.get(item.get_absolute_url()).content.decode().count(nonce) == 0  # per request


def test_only_the_admin_mirador_and_api_docs_are_widened(admin_client):
    admin = policy(admin_client.get("/admin/"))
    assert "'unsafe-inline'" in admin["script-src"]
    assert admin["object-src"] == ["'none'"] and admin["frame-ancestors"] == ["'self'"]
    mirador = policy(admin_client.get("/iiif/3/mirador/"))
    assert mirador["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in mirador["script-src"]
    assert policy(admin_client.get("/api/v1/docs"))["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in policy(admin_client.get("/archive/"))["script-src"]


@pytest.mark.parametrize(
    ("endpoint", "style", "expected"),
    [
        (None, None, ["https://b.s3.amazonaws.com", "https://b.s3.eu-west-1.amazonaws.com"]),
        ("http://127.0.0.1:9000", "path", ["http://127.0.0.1:9000"]),
        ("https://oss.example.cn/", None, ["https://oss.example.cn", "https://b.oss.example.cn"]),
    ],
)
def test_files_on_s3_are_allowed_from_the_buckets_origin(endpoint, style, expected):
    assert media_origins("b", endpoint, style, "eu-west-1") == expected
