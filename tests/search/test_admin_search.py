"""The archive admin's listings and choosers search through the product's search engines (both
of them: the `engine` fixture), so a name in any form, an identifier or the text of an OCR page
finds records, only those the user may see, with the listing's filters kept and a constant
number of queries per page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from tests.conftest import _user
from tests.factories import ItemFactory
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db

QIAN_ITEMS = {"QXS-0001", "QXS-0002", "QXS-0003"}
# Item identifiers as listed (not the series S-QXS-1, nor the query echoed in the search box).
IDENTIFIER = re.compile(r"(?<![\w-])(?:QXS|LSG)-(?:\d{4}|OH-\d{2})(?![\w-])")


def chooser_url(model=Item) -> str:
    return reverse(model.snippet_viewset.chooser_viewset.get_url_name("choose_results"))


def list_url(model) -> str:
    return reverse(model.snippet_viewset.get_url_name("list_results"))


def identifiers(response) -> list[str]:
    assert response.status_code == 200
    return list(dict.fromkeys(IDENTIFIER.findall(response.content.decode())))


@pytest.fixture
def indexed(engine, archive):
    index_all(engine)
    return archive


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def curator_client(client, django_user_model):
    """A curator: admin access and view rights on items, no researcher or staff rights."""
    user = _user(django_user_model, "curator", "access_admin", "view_item", "change_item")
    client.force_login(user)
    return client


@pytest.mark.parametrize("query", ["錢學森", "qian xuesen", "Tsien Hsue-shen", "钱学森"])
def test_item_chooser_finds_a_scientists_items_by_every_form_of_the_name(
    admin_client, indexed, query
):
    found = set(identifiers(admin_client.get(chooser_url(), {"q": query})))
    assert found >= QIAN_ITEMS
    assert "LSG-0001" not in found


def test_item_chooser_ranks_the_best_match_first(admin_client, indexed):
    assert identifiers(admin_client.get(chooser_url(), {"q": "工程控制论手稿"}))[0] == "QXS-0002"


def test_item_listing_finds_ocr_text_and_identifiers(admin_client, indexed):
    assert identifiers(admin_client.get(list_url(Item), {"q": "基本概念"})) == ["QXS-0002"]
    by_identifier = identifiers(admin_client.get(list_url(Item), {"q": "QXS-000"}))
    assert set(by_identifier) == QIAN_ITEMS
    assert identifiers(admin_client.get(list_url(Item), {"q": "LSG-0001"})) == ["LSG-0001"]


def test_item_listing_search_keeps_the_listing_filters(admin_client, indexed):
    found = identifiers(admin_client.get(list_url(Item), {"q": "钱学森", "item_type": "letter"}))
    assert "QXS-0001" in found
    assert not {"QXS-0002", "QXS-0003"} & set(found)


def test_explicit_ordering_wins_over_relevance(admin_client, indexed):
    found = identifiers(
        admin_client.get(list_url(Item), {"q": "钱学森", "ordering": "-identifier"})
    )
    assert found == sorted(found, reverse=True) and set(found) >= QIAN_ITEMS


def test_search_hides_what_the_policy_hides(curator_client, indexed):
    found = set(identifiers(curator_client.get(chooser_url(), {"q": "钱学森"})))
    assert found >= QIAN_ITEMS
    assert not {"QXS-0100", "QXS-0101", "QXS-0102"} & found
    by_identifier = set(identifiers(curator_client.get(list_url(Item), {"q": "QXS-010"})))
    assert by_identifier == {"QXS-0103"}


def test_item_chooser_filters(admin_client, indexed):
    url = chooser_url()
    letters = set(identifiers(admin_client.get(url, {"q": "钱学森", "item_type": "letter"})))
    assert "QXS-0001" in letters
    assert not letters & {"QXS-0002", "QXS-0003", "QXS-0100", "QXS-0101"}
    with_files = set(identifiers(admin_client.get(url, {"q": "钱学森", "has_files": "on"})))
    assert with_files == {"QXS-0002", "QXS-0100"}
    in_years = set(identifiers(admin_client.get(url, {"year_from": 1955, "year_to": 1957})))
    assert "QXS-0001" in in_years
    assert not in_years & {"QXS-0002", "QXS-0003", "LSG-0001"}
    by_scientist = set(
        identifiers(admin_client.get(url, {"scientist": indexed.other.pk, "q": "讲座"}))
    )
    assert by_scientist == {"LSG-0001"}
    by_fonds = set(identifiers(admin_client.get(url, {"fonds": indexed.other_fonds.pk})))
    assert by_fonds == {"LSG-0001"}
    by_series = set(identifiers(admin_client.get(url, {"series": "S-LSG-1"})))
    assert by_series == {"LSG-0001"}


def test_item_chooser_shows_type_date_and_access(admin_client, indexed):
    content = admin_client.get(chooser_url(), {"q": "QXS-0001"}).content.decode()
    assert "1956年" in content and "Letter" in content and "Public" in content


def test_scientist_fonds_series_and_interview_listings_find_variant_names(admin_client, indexed):
    for model, expected in (
        (Scientist, "钱学森"),
        (Fonds, "F-QXS"),
        (Series, "S-QXS-1"),
        (Interview, "QXS-OH-01"),
    ):
        content = admin_client.get(list_url(model), {"q": "Tsien Hsue-shen"}).content.decode()
        assert expected in content, model
        assert "李四光" not in content and "S-LSG-1" not in content, model


def test_queries_per_listing_page_do_not_grow_with_the_rows(admin_client, indexed, engine):
    def count(query):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(list_url(Item), {"q": query}).status_code == 200
            assert admin_client.get(chooser_url(), {"q": query}).status_code == 200
        return len(queries)

    count("工程控制论")  # warm: a user's first admin page also looks for jobs to announce
    few = count("工程控制论")
    for number in range(30):
        ItemFactory(
            identifier=f"QXS-9{number:03d}", title=f"工程控制论讲义{number}", series=indexed.series
        )
    index_all(engine)
    assert count("工程控制论") <= few  # the same, or one fewer when the engine needs no fallback
