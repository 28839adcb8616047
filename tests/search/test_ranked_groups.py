"""ranked_groups, the admin's search (listings, choosers), answers what search() would list: the
same groups in the same order, with the same filters, sorts and access, cut at `limit` — on
every engine. The database engine sorts and cuts in SQL (a common two-character word matches
tens of thousands of items; grouping all of them in Python cost the admin a third of a second),
so its order is checked here against search()'s, which sorts in Python."""

import pytest

from archive_collections.access import AccessPolicy
from search.contract import SearchQuery

pytestmark = pytest.mark.django_db

CASES = [
    {"text": "钱学森"},
    {"text": "钱学森", "kinds": ("item",)},
    {"text": "钱学森", "sort": "date_asc"},
    {"text": "钱学森", "sort": "date_desc", "kinds": ("item",)},
    {"text": "手稿 OR 书信"},
    {"text": "学"},
    {"text": "qian xuesen"},
    {"text": "", "filters": {"type": ["letter"]}},
    {"text": "", "filters": {"scientist": ["qian-xuesen", "li-siguang"]}},
    {"text": "钱学森", "filters": {"type": ["letter", "manuscript"], "decade": ["1950"]}},
    {"text": "", "filters": {"decade": ["1950"]}, "sort": "date_desc"},
    {"text": "", "year_from": 1950, "year_to": 1959},
    {"text": "钱学森", "year_from": 1955, "kinds": ("item",), "sort": "date_asc"},
]


def listed(engine, policy, case):
    results = engine.search(SearchQuery(per_page=100, **case), policy)
    return [group.key for group in results.groups]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_ranked_groups_lists_what_search_lists(engine, indexed, staff_user, case):
    for policy in (AccessPolicy.anonymous(), AccessPolicy.for_user(staff_user)):
        expected = listed(engine, policy, case)
        assert engine.ranked_groups(SearchQuery(**case), policy, 100) == expected
        assert engine.ranked_groups(SearchQuery(**case), policy, 2) == expected[:2]


def test_ranked_groups_keeps_hidden_items_out(engine, indexed):
    public = AccessPolicy.anonymous()
    keys = engine.ranked_groups(SearchQuery(text="钱学森"), public, 1000)
    hidden = [indexed.staff_only, indexed.embargoed]
    assert keys and not {f"item:{item.pk}" for item in hidden} & set(keys)
