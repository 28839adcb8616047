"""The archive's admin listings: they load, filter, search Chinese substrings and export."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archive_collections.models import (
    Discipline,
    Fonds,
    Interview,
    Item,
    Scientist,
    ScientistName,
    Series,
)
from search.engines import get_database_engine
from tests.factories import (
    DisciplineFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
)
from tests.search.conftest import index_all

pytestmark = pytest.mark.django_db


def index_search():
    """The admin searches through the search app's index (search/admin_search.py), which
    follows commits; a test's transaction never commits, so it indexes what it made."""
    index_all(get_database_engine())


def list_url(model):
    return reverse(model.snippet_viewset.get_url_name("list"))


@pytest.fixture
def catalogue():
    qian = ScientistFactory(name="钱学森", identifier="qian-xuesen")
    qian.disciplines.add(DisciplineFactory(name="力学"))
    qian.save()  # a ParentalManyToManyField is written on save
    series = SeriesFactory(fonds__scientist=qian, identifier="QXS-S1")
    return {
        "qian": qian,
        "letter": ItemFactory(
            series=series,
            identifier="QXS-0001",
            item_type="letter",
            title="致导师的信",
            date_text="1956年3月",
        ),
        "photo": ItemFactory(
            series=series,
            identifier="QXS-0002",
            item_type="photograph",
            title="实验室合影",
            date_text="1962",
        ),
        "undated": ItemFactory(
            series=series,
            identifier="QXS-0003",
            item_type="manuscript",
            title="无日期手稿",
            date_text="不详",
        ),
        "interview": InterviewFactory(
            item__series=series, item__identifier="QXS-OH-01", item__date_text="2009年"
        ),
    }


def listed_identifiers(response, candidates):
    content = response.content.decode()
    return {identifier for identifier in candidates if identifier in content}


ITEM_IDS = {"QXS-0001", "QXS-0002", "QXS-0003", "QXS-OH-01"}


@pytest.mark.parametrize("model", [Scientist, Fonds, Series, Item, Interview, Discipline])
def test_every_listing_loads(admin_client, catalogue, model):
    response = admin_client.get(list_url(model))
    assert response.status_code == 200


def test_item_listing_filters_by_type(admin_client, catalogue):
    response = admin_client.get(list_url(Item), {"item_type": "photograph"})
    assert listed_identifiers(response, ITEM_IDS) == {"QXS-0002"}


def test_item_listing_filters_by_decade(admin_client, catalogue):
    response = admin_client.get(list_url(Item), {"decade": "1950"})
    assert listed_identifiers(response, ITEM_IDS) == {"QXS-0001"}


def test_decade_filter_offers_only_decades_in_the_catalogue(admin_client, catalogue):
    response = admin_client.get(list_url(Item))
    decade_field = response.context["filters"].form.fields["decade"]
    assert [value for value, _label in decade_field.choices if value] == ["1950", "1960", "2000"]


def test_item_listing_filters_by_embargo(admin_client, catalogue):
    Item.objects.filter(pk=catalogue["photo"].pk).update(
        embargo_until=timezone.localdate() + timedelta(days=30)
    )
    Item.objects.filter(pk=catalogue["letter"].pk).update(
        embargo_until=timezone.localdate() - timedelta(days=30)
    )
    embargoed = admin_client.get(list_url(Item), {"embargoed": "true"})
    open_items = admin_client.get(list_url(Item), {"embargoed": "false"})
    assert listed_identifiers(embargoed, ITEM_IDS) == {"QXS-0002"}
    assert listed_identifiers(open_items, ITEM_IDS) == ITEM_IDS - {"QXS-0002"}
    assert 'data-embargo-until="' in embargoed.content.decode()


def test_item_listing_filters_by_fonds_and_access(admin_client, catalogue):
    other = ItemFactory(identifier="OTHER-1", access_level="staff")
    by_fonds = admin_client.get(list_url(Item), {"fonds": other.series.fonds_id})
    by_access = admin_client.get(list_url(Item), {"access_level": "staff"})
    assert listed_identifiers(by_fonds, ITEM_IDS | {"OTHER-1"}) == {"OTHER-1"}
    assert listed_identifiers(by_access, ITEM_IDS | {"OTHER-1"}) == {"OTHER-1"}


def test_scientist_listing_filters_by_discipline(admin_client, catalogue):
    ScientistFactory(name="华罗庚", identifier="hua-luogeng")
    discipline = Discipline.objects.get(name="力学")
    response = admin_client.get(list_url(Scientist), {"disciplines": discipline.pk})
    content = response.content.decode()
    assert "钱学森" in content
    assert "华罗庚" not in content


def test_search_finds_chinese_substring(admin_client, catalogue):
    ScientistFactory(name="华罗庚", identifier="hua-luogeng")
    index_search()
    response = admin_client.get(list_url(Scientist), {"q": "钱学"})
    content = response.content.decode()
    assert "钱学森" in content
    assert "华罗庚" not in content


def test_scientist_search_matches_name_variants_once(admin_client, catalogue):
    qian = catalogue["qian"]
    ScientistName.objects.create(scientist=qian, name="Tsien Hsue-shen", kind="wade_giles")
    ScientistName.objects.create(scientist=qian, name="Hsue-shen Tsien", kind="english")
    index_search()
    response = admin_client.get(list_url(Scientist), {"q": "Tsien"})
    assert list(response.context["object_list"]) == [qian]


def test_item_search_finds_title_substring(admin_client, catalogue):
    index_search()
    response = admin_client.get(list_url(Item), {"q": "导师"})
    assert listed_identifiers(response, ITEM_IDS) == {"QXS-0001"}


def test_item_export_csv_uses_import_headers_and_neutralises_formulas(admin_client, catalogue):
    Item.objects.filter(pk=catalogue["photo"].pk).update(title="=HYPERLINK(1)")
    response = admin_client.get(list_url(Item), {"export": "csv", "item_type": "photograph"})
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [(row["档号"], row["题名"], row["类型"], row["系列"]) for row in rows] == [
        ("QXS-0002", "'=HYPERLINK(1)", "photograph", "QXS-S1")
    ]


def test_series_export_leaves_an_empty_parent_cell(admin_client, catalogue):
    top = Series.objects.get(identifier="QXS-S1")
    SeriesFactory(fonds=top.fonds, parent=top, identifier="QXS-S1-1")
    response = admin_client.get(list_url(Series), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row[0], row[3]) for row in rows[1:]] == [("QXS-S1", ""), ("QXS-S1-1", "QXS-S1")]


def test_item_export_xlsx(admin_client, catalogue):
    response = admin_client.get(list_url(Item), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('items.xlsx"')


def test_snippet_chooser_searches_identifier_and_title(admin_client, catalogue):
    viewset = Item.snippet_viewset.chooser_viewset
    url = reverse(viewset.get_url_name("choose_results"))
    index_search()
    by_title = admin_client.get(url, {"q": "合影"}).content.decode()
    by_identifier = admin_client.get(url, {"q": "QXS-000"}).content.decode()
    assert "QXS-0002" in by_title and "QXS-0001" not in by_title
    assert {"QXS-0001", "QXS-0002", "QXS-0003"} <= {
        identifier for identifier in ITEM_IDS if identifier in by_identifier
    }


def test_scientist_chooser_finds_chinese_substring(admin_client, catalogue):
    ScientistFactory(name="华罗庚", identifier="hua-luogeng")
    index_search()
    url = reverse(Scientist.snippet_viewset.chooser_viewset.get_url_name("choose_results"))
    content = admin_client.get(url, {"q": "学森"}).content.decode()
    assert "钱学森" in content and "华罗庚" not in content


def test_oral_history_chooser_lists_only_oral_history_items(admin_client, catalogue):
    from archive_collections.admin.choosers import oral_history_item_chooser

    content = admin_client.get(
        reverse(oral_history_item_chooser.get_url_name("choose_results"))
    ).content.decode()
    assert {identifier for identifier in ITEM_IDS if identifier in content} == {"QXS-OH-01"}
