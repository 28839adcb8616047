"""robots.txt: the public site open, the endless or private URL spaces closed, the sitemap named."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def rules(client) -> list[tuple[str, str]]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    return [tuple(part.strip() for part in line.split(":", 1)) for line in lines if ":" in line]


def test_robots_txt_rules(client):
    found = rules(client)
    assert found[0] == ("User-agent", "*")
    disallowed = {value for key, value in found if key == "Disallow"}
    assert disallowed == {"/admin/", "/api/", "/oai/", "/search/?", "/files/", "/iiif/", "/i18n/"}
    allowed = {value for key, value in found if key == "Allow"}
    assert "/" in allowed
    # Link previews and image search may fetch the access copies, never a master.
    assert "/files/*/derivatives/web.jpg$" in allowed
    assert not any("master" in value or value == "/files/" for value in allowed)


def test_robots_txt_points_to_the_sitemap_index_with_an_absolute_url(client):
    sitemaps = [value for key, value in rules(client) if key == "Sitemap"]
    assert sitemaps == ["http://testserver/sitemap.xml"]
    assert client.get("/sitemap.xml").status_code == 200


def test_robots_txt_follows_the_host_asked_for(client):
    response = client.get("/robots.txt", HTTP_HOST="127.0.0.1")
    assert "Sitemap: http://127.0.0.1/sitemap.xml" in response.content.decode()


def test_robots_txt_answers_only_reads(client):
    assert client.post("/robots.txt").status_code == 405
