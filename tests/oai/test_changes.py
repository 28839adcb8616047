"""Records that change while harvested: tokens stay valid, withdrawn records come as deleted,
persistently, and come back when public again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive_collections.models import Item, OaiRecord
from archive_collections.signals import catalogue_changed
from tests.factories import ItemFactory
from tests.oai.conftest import NS, PREFIX, error_code, identifiers, token_of

pytestmark = pytest.mark.django_db


def headers(tree):
    return {
        h.findtext("o:identifier", namespaces=NS): h.get("status")
        for h in tree.iterfind(".//o:header", NS)
    }


def harvest_all(oai, first_tree, change=None, verb="ListIdentifiers"):
    """Every header of a list, in order; `change` runs once, after the first page."""
    seen = []
    tree = first_tree
    while True:
        seen += list(headers(tree).items())
        if change is not None:
            change()
            change = None
        token = token_of(tree)
        if token is None or not token.text:
            return seen
        tree = oai(verb=verb, resumptionToken=token.text)


def test_a_record_embargoed_mid_harvest_comes_as_deleted(oai, archive):
    ahead = archive.public[-1]  # last by datestamp: not harvested yet when embargoed
    behind = archive.public[0]  # on the first page

    def embargo() -> None:
        for item in (ahead, behind):
            item.embargo_until = timezone.localdate() + timedelta(days=30)
            item.save()

    seen = harvest_all(oai, oai(verb="ListIdentifiers", metadataPrefix="oai_dc"), embargo)
    assert (PREFIX + ahead.identifier, "deleted") in seen
    assert (PREFIX + ahead.identifier, None) not in seen
    # Sent as live before the embargo, then again as deleted further on.
    assert seen.count((PREFIX + behind.identifier, None)) == 1
    assert (PREFIX + behind.identifier, "deleted") in seen


def test_tokens_stay_valid_while_records_are_added(oai, archive):
    series = archive.public[0].series
    added: list[Item] = []

    def add() -> None:
        added.extend(ItemFactory(series=series, identifier=f"NEW-{n}") for n in range(5))

    seen = harvest_all(oai, oai(verb="ListIdentifiers", metadataPrefix="oai_dc"), add)
    names = [name for name, _status in seen]
    assert len(names) == len(set(names))  # nothing twice: no page shifted under the harvester
    expected = {PREFIX + i.identifier for i in [*archive.public, *added]}
    assert set(names) == expected


def test_deletion_is_persistent_and_a_public_record_comes_back(oai, archive):
    gone, withdrawn = archive.public[0], archive.public[1]
    gone.delete()
    withdrawn.access_level = "researchers"
    withdrawn.save()
    for item in (gone, withdrawn):
        tree = oai(verb="GetRecord", identifier=PREFIX + item.identifier, metadataPrefix="mods")
        assert tree.find(".//o:header", NS).get("status") == "deleted"
        assert tree.find(".//o:metadata", NS) is None
        tree = oai(verb="ListMetadataFormats", identifier=PREFIX + item.identifier)
        assert error_code(tree) is None
    # Persistent: a later full harvest still announces both.
    later = dict(harvest_all(oai, oai(verb="ListIdentifiers", metadataPrefix="oai_dc")))
    assert later[PREFIX + gone.identifier] == "deleted"
    assert later[PREFIX + withdrawn.identifier] == "deleted"
    withdrawn.access_level = "public"
    withdrawn.save()
    tree = oai(verb="GetRecord", identifier=PREFIX + withdrawn.identifier, metadataPrefix="oai_dc")
    assert tree.find(".//o:header", NS).get("status") is None
    assert tree.findtext(".//dc:title", namespaces=NS) == withdrawn.title


def test_never_public_items_leave_no_tombstone(oai, archive):
    hidden = archive.hidden[0]
    hidden.title = "改过的题名"
    hidden.save()
    hidden.delete()
    seen = dict(harvest_all(oai, oai(verb="ListIdentifiers", metadataPrefix="oai_dc")))
    assert PREFIX + hidden.identifier not in seen


def test_changes_without_signals_are_found_when_a_harvest_starts(oai, archive):
    hidden = archive.hidden[-1]  # embargoed: the embargo runs out with no write at all
    live = archive.public[2]
    Item.objects.filter(pk=hidden.pk).update(embargo_until=timezone.localdate())
    Item.objects.filter(pk=live.pk).update(access_level="staff")
    seen = dict(harvest_all(oai, oai(verb="ListIdentifiers", metadataPrefix="oai_dc")))
    assert seen[PREFIX + hidden.identifier] is None
    assert seen[PREFIX + live.identifier] == "deleted"
    assert OaiRecord.objects.get(identifier=live.identifier).deleted


def test_a_live_record_hidden_behind_the_signals_back_is_shown_deleted_at_once(oai, archive):
    live = archive.public[0]
    Item.objects.filter(pk=live.pk).update(access_level="staff")
    tree = oai(verb="GetRecord", identifier=PREFIX + live.identifier, metadataPrefix="oai_dc")
    assert tree.find(".//o:header", NS).get("status") == "deleted"


def test_context_edits_and_imports_give_new_datestamps(oai, archive):
    item = archive.public[0]
    before = OaiRecord.objects.get(identifier=item.identifier).datestamp
    scientist = item.series.fonds.scientist
    scientist.name = "新名字"
    scientist.save()
    after_rename = OaiRecord.objects.get(identifier=item.identifier).datestamp
    assert after_rename > before
    tree = oai(verb="GetRecord", identifier=PREFIX + item.identifier, metadataPrefix="oai_dc")
    assert "新名字" in [e.text for e in tree.iterfind(".//dc:subject", NS)]
    other = archive.public[-1]
    old = OaiRecord.objects.get(identifier=other.identifier).datestamp
    catalogue_changed.send(sender=None, items=[other.pk], scientists=[], fonds=[], series=[])
    assert OaiRecord.objects.get(identifier=other.identifier).datestamp > old


def test_moving_an_item_to_another_fonds_changes_its_sets(oai, archive):
    item = archive.public[0]
    item.series = archive.public[-1].series
    item.save()
    tree = oai(verb="GetRecord", identifier=PREFIX + item.identifier, metadataPrefix="oai_dc")
    specs = [e.text for e in tree.iterfind(".//o:setSpec", NS)]
    assert "fonds:DA-2" in specs and "fonds:DA-0" not in specs


def test_a_renamed_identifier_is_a_new_record_and_the_old_one_is_deleted(oai, archive):
    item = archive.public[0]
    old = item.identifier
    item.identifier = "DA-RENAMED"
    item.save()
    seen = dict(harvest_all(oai, oai(verb="ListIdentifiers", metadataPrefix="oai_dc")))
    assert seen[PREFIX + old] == "deleted"
    assert seen[PREFIX + "DA-RENAMED"] is None


def test_from_and_until_select_by_datestamp_at_both_granularities(oai, archive):
    early = datetime(2020, 5, 1, 8, 30, 15, 500_000, tzinfo=UTC)
    late = datetime(2021, 5, 1, 23, 59, 59, 900_000, tzinfo=UTC)
    first, second = archive.public[0], archive.public[1]
    # As if everything was last edited long ago: a harvest's reconcile then moves nothing.
    Item.objects.update(updated_at=datetime(2019, 1, 1, tzinfo=UTC))
    OaiRecord.objects.update(datestamp=datetime(2022, 1, 1, tzinfo=UTC))
    OaiRecord.objects.filter(identifier=first.identifier).update(datestamp=early)
    OaiRecord.objects.filter(identifier=second.identifier).update(datestamp=late)

    def listed(**dates: str) -> list[str]:
        tree = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        return [] if error_code(tree) == "noRecordsMatch" else identifiers(tree)

    assert listed(until="2020-05-01T08:30:15Z") == [PREFIX + first.identifier]
    assert listed(until="2020-05-01T08:30:14Z") == []
    both = [PREFIX + first.identifier, PREFIX + second.identifier]
    assert listed(**{"from": "2020-05-01", "until": "2021-05-01"}) == both
    assert listed(**{"from": "2020-05-01T08:30:15Z", "until": "2021-05-01T23:59:59Z"}) == both
    assert listed(**{"from": "2020-05-01T08:30:16Z", "until": "2021-05-01T23:59:59Z"}) == both[1:]
    assert listed(**{"from": "2021-05-02", "until": "2021-12-31"}) == []
    tree = oai(verb="GetRecord", identifier=PREFIX + first.identifier, metadataPrefix="oai_dc")
    assert tree.findtext(".//o:datestamp", namespaces=NS) == "2020-05-01T08:30:15Z"


def test_a_page_costs_the_same_queries_whatever_its_size(oai, archive, settings):
    counts = {}
    oai(verb="ListRecords", metadataPrefix="mods")  # the first request reconciles
    for size in (2, 20):
        settings.OAI_PAGE_SIZE = size
        token = token_of(oai(verb="ListRecords", metadataPrefix="mods")).text
        with CaptureQueriesContext(connection) as queries:
            oai(verb="ListRecords", resumptionToken=token)
        counts[size] = len(queries)
    assert counts[2] == counts[20] <= 4
