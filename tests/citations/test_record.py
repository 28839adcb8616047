"""The CSL-JSON record: types, names and dates read from the catalogue."""

from __future__ import annotations

import datetime

import pytest

from archive_collections.citations.record import (
    CSL_TYPES,
    issued_of,
    item_citable,
    scientist_citable,
)
from archive_collections.models import ItemType
from tests.factories import ItemFactory, ScientistFactory

pytestmark = pytest.mark.django_db

ACCESSED = datetime.date(2026, 11, 3)


@pytest.mark.parametrize(
    "written, issued",
    [
        ("1956年3月12日", {"date-parts": [[1956, 3, 12]]}),
        ("1956年3月", {"date-parts": [[1956, 3]]}),
        ("1956", {"date-parts": [[1956]]}),
        ("约1950年", {"date-parts": [[1950]], "circa": True}),
        ("1950年代", {"date-parts": [[1950], [1959]]}),
        ("1956—1958", {"date-parts": [[1956], [1958]]}),
        ("不详", None),
    ],
)
def test_issued_keeps_the_precision_the_cataloguer_gave(written, issued):
    assert issued_of(ItemFactory(date_text=written)) == issued


CSL_1_0_2_TYPES = {
    "book", "document", "graphic", "interview", "manuscript", "motion_picture",
    "personal_communication", "song", "webpage",
}  # fmt: skip


def test_every_item_type_is_cited_as_a_csl_type(qian):
    """A new item type needs no citation code: it is cited as a CSL "document" until mapped."""
    for code in ItemType.values:
        item = qian["object"]
        item.item_type = code
        assert item_citable(item, "https://example.org/x/", ACCESSED).record["type"] in (
            CSL_1_0_2_TYPES
        )
    assert CSL_TYPES[ItemType.ORAL_HISTORY] == "interview"
    assert CSL_TYPES[ItemType.LETTER] == "personal_communication"


def test_record_fields_come_from_the_catalogue(qian):
    record = item_citable(qian["letter"], "https://example.org/x/", ACCESSED).record
    assert record["type"] == "personal_communication"
    assert record["author"] == [{"literal": "钱学森"}, {"literal": "蒋英"}]
    assert record["archive"] == "上海交通大学钱学森图书馆"
    assert record["archive_location"] == "QXS-002"
    assert record["collection-title"] == "钱学森档案"
    assert record["archive_collection"] == "手稿与书信"
    assert record["accessed"] == {"date-parts": [[2026, 11, 3]]}
    assert record["URL"] == "https://example.org/x/"


def test_an_institution_without_a_name_is_left_out(qian):
    fonds = qian["fonds"]
    fonds.collecting_institution = ""
    fonds.save()
    record = item_citable(qian["object"], "https://example.org/x/", ACCESSED).record
    assert "archive" not in record and "author" not in record and "issued" not in record


def test_a_scientist_without_fonds_or_life_dates_is_cited_to_the_site():
    scientist = ScientistFactory(
        identifier="wu-ming", name="吴明", birth_date_text="", birth_year=None
    )
    record = scientist_citable(
        scientist, "https://example.org/s/", ACCESSED, "档案馆网站", []
    ).record
    assert record["title"] == "吴明"
    assert record["author"] == [{"literal": "档案馆网站"}]
    assert record["type"] == "webpage" and record["container-title"] == "档案馆网站"
