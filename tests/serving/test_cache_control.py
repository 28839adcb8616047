"""What a signed-in researcher is shown never goes into a shared cache: every view that answers
according to who asks sends `Cache-Control: private` and `Vary: Cookie` to a session (and
`Vary: Authorization` to a token), whatever the view itself set."""

from __future__ import annotations

import pytest
from django.utils.cache import get_max_age, has_vary_header

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _researcher_views(archive) -> dict[str, str]:
    public, restricted = archive.public, archive.researchers
    rfile = archive.researchers_file
    return {
        "researcher-only item page": f"/archive/items/{restricted.identifier}/",
        "public item page": f"/archive/items/{public.identifier}/",
        "interview page": f"/archive/items/{archive.interview_item.identifier}/interview/",
        "captions": f"/archive/items/{archive.interview_item.identifier}/captions.vtt",
        "citation": f"/archive/items/{restricted.identifier}/cite.ris",
        "archive index": "/archive/",
        "scientist page": "/archive/scientists/qian-xuesen/",
        "fonds page": "/archive/fonds/QXS/",
        "series page": "/archive/series/QXS-01/",
        "chapter page": archive.chapter.url,
        "home page": "/",
        "search page": "/search/?q=书信",
        "search JSON": "/api/search/?q=书信",
        "autocomplete JSON": "/api/search/autocomplete/?q=书",
        "API item list": "/api/v1/items",
        "API item": f"/api/v1/items/{restricted.identifier}",
        "file download": f"/files/{rfile.pk}/{rfile.original_filename}",
        "thumbnail": f"/files/{rfile.pk}/derivatives/thumb.jpg",
        "IIIF info.json": f"/iiif/3/{rfile.pk}/info.json",
        "IIIF tile": f"/iiif/3/{rfile.pk}/full/max/0/default.jpg",
        "IIIF region": f"/iiif/3/{rfile.pk}/0,0,100,100/50,/0/default.jpg",
        "IIIF manifest": f"/iiif/3/manifest/{restricted.identifier}.json",
        "IIIF top collection": "/iiif/3/collection/top",
    }


def _shareable(response, name: str, vary: str) -> list[str]:
    """What would let a shared cache keep this answer, or [] when nothing would."""
    if response.status_code not in (200, 206):
        return [f"{name}: answered {response.status_code}"]
    cache_control = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0] for part in cache_control.split(",")}
    faults = []
    if "private" not in directives or directives & {"public", "s-maxage"}:
        faults.append(f"{name}: Cache-Control {cache_control!r}")
    if not has_vary_header(response, vary):
        faults.append(f"{name}: Vary {response.get('Vary')!r}")
    return faults


def _assert_private(response, name: str, vary: str) -> None:
    assert _shareable(response, name, vary) == []


def test_every_view_a_signed_in_researcher_gets_is_private(client, archive, researcher):
    client.force_login(researcher)
    faults = []
    for name, url in _researcher_views(archive).items():
        faults += _shareable(client.get(url), name, "Cookie")
    assert faults == []


def test_head_requests_are_private_too(client, archive, researcher):
    client.force_login(researcher)
    _assert_private(client.head(archive.chapter.url), "chapter HEAD", "Cookie")


def test_a_researchers_api_token_makes_the_answer_private(client, archive, researcher):
    for url in (
        "/api/v1/items",
        f"/api/v1/items/{archive.researchers.identifier}",
        "/api/v1/search?q=书信",
    ):
        response = client.get(url, **bearer(researcher))
        _assert_private(response, url, "Authorization")


def test_public_answers_to_anonymous_visitors_stay_shareable(client, archive):
    """The policy marks only what depends on the user: a public tile for an anonymous visitor
    may still be kept by a proxy."""
    pfile = archive.public_file
    response = client.get(f"/iiif/3/{pfile.pk}/full/max/0/default.jpg")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert get_max_age(response) and get_max_age(response) > 0
    response = client.get(f"/files/{pfile.pk}/derivatives/thumb.jpg")
    assert "public" in response["Cache-Control"]


def test_public_files_do_not_vary_by_cookie(client, archive):
    """A public record's file is the same for everyone, so its answer must not vary by cookie:
    otherwise a front cache (nginx, a CDN) keeps one copy per visitor's CSRF cookie and can't
    take file traffic off the site. Restricted files still vary."""
    pfile, rfile = archive.public_file, archive.researchers_file
    client.cookies["csrftoken"] = "a" * 32  # a well-formed token of a visitor's own
    for path in (
        f"/files/{pfile.pk}/{pfile.original_filename}",
        f"/files/{pfile.pk}/derivatives/thumb.jpg",
        f"/iiif/3/{pfile.pk}/info.json",
        f"/iiif/3/{pfile.pk}/full/max/0/default.jpg",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not has_vary_header(response, "Cookie"), (path, response.get("Vary"))
    assert client.get(f"/files/{rfile.pk}/derivatives/thumb.jpg").status_code == 404
