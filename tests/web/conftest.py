"""Helpers for reading what crawlers read: a page's head and a sitemap's URLs."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from media_pipeline.models import ItemFile
from media_pipeline.storage import derivative_storage
from tests.factories import ItemFactory, small_jpeg

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class Head:
    """The canonical link, Open Graph/Twitter tags and JSON-LD blocks of a page."""

    def __init__(self, html: str) -> None:
        soup = BeautifulSoup(html, "html.parser")
        assert soup.head is not None
        self.html = html
        canonical = soup.head.find_all("link", rel="canonical")
        self.canonicals = [link["href"] for link in canonical]
        self.meta = {
            tag.get("property") or tag.get("name"): tag.get("content", "")
            for tag in soup.head.find_all("meta")
        }
        scripts = soup.find_all("script", type="application/ld+json")
        self.jsonld: list[dict[str, Any]] = [json.loads(script.string) for script in scripts]

    @property
    def canonical(self) -> str:
        assert len(self.canonicals) == 1, self.canonicals
        return self.canonicals[0]

    @property
    def record(self) -> dict[str, Any]:
        assert len(self.jsonld) == 1, self.jsonld
        return self.jsonld[0]


def head_of(client: Client, url: str) -> Head:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Head(response.content.decode())


def sitemap_entries(client: Client, url: str) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of every <url> or <sitemap> in a sitemap or sitemap index."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    root = ElementTree.fromstring(response.content)
    entries = root.findall("sm:url", SITEMAP_NS) + root.findall("sm:sitemap", SITEMAP_NS)
    return [
        (
            entry.findtext("sm:loc", namespaces=SITEMAP_NS) or "",
            entry.findtext("sm:lastmod", namespaces=SITEMAP_NS),
        )
        for entry in entries
    ]


def scan_with_derivatives(item, sequence: int = 1) -> ItemFile:
    """A processed image file whose web copy and thumbnail are stored and recorded as made."""
    stored = {
        name: derivative_storage().save(
            f"web-tests/{item.pk}-{sequence}-{name}", ContentFile(small_jpeg(item.pk + sequence))
        )
        for name in ("thumb.jpg", "web.jpg")
    }
    return ItemFile.objects.create(
        item=item,
        sequence=sequence,
        master=f"scan-{item.pk}-{sequence}.jpg",
        original_filename=f"scan-{sequence}.jpg",
        sha256=f"{item.pk:032d}{sequence:032d}",
        size=100,
        mime_type="image/jpeg",
        status="done",
        technical={
            "derivatives": {
                name: {"path": path, "width": 400, "height": 300, "bytes": 10}
                for name, path in stored.items()
            }
        },
    )


@pytest.fixture
def hidden_items(db):
    """One record for each way an item is kept from anonymous visitors."""
    future = timezone.localdate() + timedelta(days=30)
    return {
        "researchers": ItemFactory(access_level="researchers", title="研究人员可见"),
        "staff": ItemFactory(access_level="staff", title="仅馆员可见"),
        "embargoed": ItemFactory(access_level="public", embargo_until=future, title="封存中"),
    }
