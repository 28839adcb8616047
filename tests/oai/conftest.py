"""OAI-PMH test plumbing: the official schemas, a demo-like archive, a harvesting client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from archive_collections.models import Item
from tests.factories import FondsFactory, ItemFactory, ScientistFactory, SeriesFactory
from tests.oai.schemas import response_schema

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {
    "o": OAI,
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "mods": "http://www.loc.gov/mods/v3",
}
REPOSITORY = "archive.example.org"
PREFIX = f"oai:{REPOSITORY}:"


@pytest.fixture(scope="session")
def oai_schema() -> etree.XMLSchema:
    return response_schema()


@pytest.fixture(autouse=True)
def oai_settings(settings):  # type: ignore[no-untyped-def]
    settings.OAI_REPOSITORY_IDENTIFIER = REPOSITORY
    settings.OAI_ADMIN_EMAILS = ["archive@example.org"]
    settings.OAI_PAGE_SIZE = 4
    return settings


Harvest = Callable[..., etree._Element]


@pytest.fixture
def oai(client: Client, oai_schema: etree.XMLSchema) -> Harvest:
    """GET /oai/ with these arguments; the response must be schema-valid XML."""

    def harvest(method: str = "get", **params: str | list[str]) -> etree._Element:
        response = getattr(client, method)("/oai/", params)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        tree = etree.fromstring(body)
        assert oai_schema.validate(tree), oai_schema.error_log
        return tree

    return harvest


def error_code(tree: etree._Element) -> str | None:
    found = tree.find("o:error", NS)
    return None if found is None else found.get("code")


def identifiers(tree: etree._Element) -> list[str]:
    return [e.text or "" for e in tree.iterfind(".//o:header/o:identifier", NS)]


def token_of(tree: etree._Element) -> etree._Element | None:
    return tree.find(".//o:resumptionToken", NS)


@dataclass
class Archive:
    public: list[Item]
    hidden: list[Item]  # researchers, staff or embargoed: never in a harvest


def build_archive(fonds_count: int = 3, items_per_series: int = 6) -> Archive:
    """A small archive shaped like the demo: scientists with fonds and series, items of several
    types, subjects, linked scientists, and some records that only researchers or staff see."""
    public: list[Item] = []
    hidden: list[Item] = []
    types = ["manuscript", "letter", "photograph", "oral_history", "certificate", "video"]
    embargo = timezone.localdate() + timedelta(days=365)
    for f in range(fonds_count):
        scientist = ScientistFactory(identifier=f"sci-{f}", name=f"科学家{f}", death_year=1999)
        fonds = FondsFactory(identifier=f"DA-{f}", scientist=scientist, title=f"全宗{f}")
        for s in range(2):
            series = SeriesFactory(identifier=f"DA-{f}-{s}", fonds=fonds, title=f"系列{s}")
            for n in range(items_per_series):
                access, embargo_until = "public", None
                if n == 4:
                    access = "researchers"
                if n == 5:
                    embargo_until = embargo
                item = ItemFactory(
                    identifier=f"DA-{f}-{s}-{n:03d}",
                    series=series,
                    item_type=types[n % len(types)],
                    creators="钱学森；蒋英",
                    description="手稿说明",
                    places="北京",
                    extent="2页",
                    access_level=access,
                    embargo_until=embargo_until,
                    date_text=["1956年3月", "约1940年", "1950—1955年", "1962年5月4日"][n % 4],
                )
                item.subjects.add("空气动力学", "力学")
                item.scientists.add(scientist)
                item.save()
                (public if access == "public" and embargo_until is None else hidden).append(item)
    return Archive(public, hidden)


@pytest.fixture
def archive(db) -> Archive:  # type: ignore[no-untyped-def]
    return build_archive()
