"""The interface language comes only from the language switcher's cookie, never from the
browser's Accept-Language (archive_site/middleware.py), so no answer varies on that header: a
front cache keeps one copy of a public file, tile or page, not one per browser language."""

from __future__ import annotations

import pytest
from django.utils.cache import has_vary_header

pytestmark = pytest.mark.django_db


def test_no_answer_varies_on_accept_language(client, archive):
    pfile = archive.public_file
    for path in (
        f"/files/{pfile.pk}/{pfile.original_filename}",
        f"/files/{pfile.pk}/derivatives/thumb.jpg",
        f"/iiif/3/{pfile.pk}/info.json",
        f"/iiif/3/{pfile.pk}/full/max/0/default.jpg",
        archive.chapter.url,
    ):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, path
        assert not has_vary_header(response, "Accept-Language"), (path, response.get("Vary"))
        assert response["Content-Language"] == "zh-hans", path


def test_the_switchers_cookie_is_what_chooses(client, archive):
    client.cookies["django_language"] = "en"
    chosen = client.get(archive.chapter.url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert chosen["Content-Language"] == "en"
