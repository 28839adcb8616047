"""sitemap.xml: an index of paged sections listing exactly what anonymous visitors may open."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from exhibits.models import StandardPage
from tests.factories import (
    ChapterPageFactory,
    FondsFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)
from tests.pages import ensure_site, publish

from .conftest import sitemap_entries

pytestmark = pytest.mark.django_db

SECTIONS = ["pages", "scientists", "fonds", "series", "items", "interviews"]


def paths(client, url: str) -> set[str]:
    return {urlsplit(loc).path for loc, _lastmod in sitemap_entries(client, url)}


def all_paths(client) -> set[str]:
    """Every URL of every page of every section the index lists."""
    found: set[str] = set()
    for loc, _lastmod in sitemap_entries(client, "/sitemap.xml"):
        parts = urlsplit(loc)
        found |= paths(client, f"{parts.path}?{parts.query}" if parts.query else parts.path)
    return found


def test_index_lists_every_section_with_absolute_urls_and_lastmod(client):
    ItemFactory()
    InterviewFactory()
    ensure_site().save_revision().publish()
    entries = sitemap_entries(client, "/sitemap.xml")
    assert [urlsplit(loc).path for loc, _ in entries] == [f"/sitemap-{s}.xml" for s in SECTIONS]
    assert all(loc.startswith("http://testserver/") for loc, _ in entries)
    assert all(lastmod for _, lastmod in entries), entries


def test_only_public_records_are_listed(client, hidden_items):
    public = ItemFactory(title="公开")
    passed = ItemFactory(embargo_until=timezone.localdate() - timedelta(days=1))
    listened = InterviewFactory()
    hidden_interview = InterviewFactory(item=ItemFactory(access_level="researchers"))

    items = paths(client, "/sitemap-items.xml")
    assert items == {
        public.get_absolute_url(),
        passed.get_absolute_url(),
        listened.item.get_absolute_url(),
    }
    for item in [*hidden_items.values(), hidden_interview.item]:
        assert item.get_absolute_url() not in all_paths(client)

    interviews = paths(client, "/sitemap-interviews.xml")
    assert interviews == {f"/archive/items/{listened.item.identifier}/interview/"}


def test_scientists_fonds_and_series_are_listed(client):
    series = SeriesFactory()
    other = ScientistFactory()
    assert paths(client, "/sitemap-scientists.xml") == {
        series.fonds.scientist.get_absolute_url(),
        other.get_absolute_url(),
    }
    assert paths(client, "/sitemap-fonds.xml") == {series.fonds.get_absolute_url()}
    assert paths(client, "/sitemap-series.xml") == {series.get_absolute_url()}


def test_only_live_public_pages_are_listed(client):
    home = ensure_site()
    home.save_revision().publish()
    chapter = ChapterPageFactory()
    draft = StandardPage(title="草稿", slug="draft", live=False)
    home.add_child(instance=draft)
    draft.save_revision()
    private = publish(home, StandardPage(title="内部", slug="private"))
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="pw")
    below_private = publish(private, StandardPage(title="内部子页", slug="inside"))

    listed = paths(client, "/sitemap-pages.xml")
    assert listed == {
        "/",
        chapter.get_parent().get_parent().url,
        chapter.get_parent().url,
        chapter.url,
    }
    for hidden in (draft, private, below_private):
        assert f"/{hidden.slug}/" not in all_paths(client)


def test_every_url_has_a_lastmod(client):
    item = ItemFactory()
    InterviewFactory()
    ChapterPageFactory()
    item.series.fonds.scientist.save_revision()
    for section in SECTIONS:
        entries = sitemap_entries(client, f"/sitemap-{section}.xml")
        assert entries, section
        if section == "pages":
            entries = [entry for entry in entries if urlsplit(entry[0]).path != "/"]
        assert all(lastmod for _loc, lastmod in entries), (section, entries)


def test_lastmod_follows_the_record(client):
    item = ItemFactory()
    earlier = timezone.now() - timedelta(days=400)
    type(item).objects.filter(pk=item.pk).update(updated_at=earlier)
    (entry,) = sitemap_entries(client, "/sitemap-items.xml")
    assert entry[1] == timezone.localtime(earlier).date().isoformat()


def test_sections_are_paged(client, settings):
    settings.SITEMAP_URLS_PER_PAGE = 2
    made = {ItemFactory().get_absolute_url() for _ in range(5)}
    index = [urlsplit(loc) for loc, _ in sitemap_entries(client, "/sitemap.xml")]
    pages = [f"{p.path}?{p.query}" if p.query else p.path for p in index if "items" in p.path]
    assert pages == ["/sitemap-items.xml", "/sitemap-items.xml?p=2", "/sitemap-items.xml?p=3"]
    listed = [paths(client, page) for page in pages]
    assert [len(page) for page in listed] == [2, 2, 1]
    assert set().union(*listed) == made


def test_a_page_of_items_costs_the_same_queries_whatever_its_length(client, settings):
    def queries(count: int) -> int:
        FondsFactory()  # a fresh fonds keeps the counts independent of earlier records
        for _ in range(count):
            ItemFactory()
        with CaptureQueriesContext(connection) as captured:
            client.get("/sitemap-items.xml")
        return len(captured)

    assert queries(2) == queries(30)


def test_unknown_section_and_page_are_not_found(client):
    ItemFactory()
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-items.xml?p=9").status_code == 404


def test_description_pages_change_with_their_public_items_only(client):
    public = ItemFactory()
    hidden = ItemFactory(series=public.series, access_level="staff")
    long_ago = timezone.now() - timedelta(days=400)
    type(public).objects.filter(pk=public.pk).update(updated_at=long_ago)
    assert hidden.updated_at > long_ago
    expected = timezone.localtime(long_ago).date().isoformat()
    for section in ("scientists", "fonds", "series"):
        (entry,) = sitemap_entries(client, f"/sitemap-{section}.xml")
        assert entry[1] == expected, section


def test_the_index_scans_the_catalogue_for_its_newest_item_once(client):
    ItemFactory()
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap.xml")
    newest = 'SELECT MAX("collections_item"."updated_at") AS "latest" FROM "collections_item"'
    assert sum(query["sql"].startswith(newest) for query in captured) == 1
    assert not any("GROUP BY" in query["sql"] for query in captured)
