"""The six verbs answer schema-valid XML, GET and POST, with the archive's public items only."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import etree

from tests.oai.conftest import NS, PREFIX, error_code, identifiers, token_of

pytestmark = pytest.mark.django_db


def test_identify_describes_the_repository(oai, archive):
    tree = oai(verb="Identify")
    identify = tree.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://testserver/oai/"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:adminEmail", namespaces=NS) == "archive@example.org"


def test_list_metadata_formats_offers_dc_and_mods(oai, archive):
    tree = oai(verb="ListMetadataFormats")
    prefixes = [e.text for e in tree.iterfind(".//o:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "mods"]
    one = oai(verb="ListMetadataFormats", identifier=PREFIX + archive.public[0].identifier)
    assert len(one.findall(".//o:metadataFormat", NS)) == 2


def test_list_sets_has_fonds_scientists_and_types(oai, archive):
    tree = oai(verb="ListSets")
    specs = [e.text for e in tree.iterfind(".//o:setSpec", NS)]
    assert {"fonds", "fonds:DA-0", "scientist", "scientist:sci-2", "type", "type:letter"} <= set(
        specs
    )


def test_get_record_in_both_formats(oai, archive):
    item = archive.public[0]
    dc = oai(verb="GetRecord", identifier=PREFIX + item.identifier, metadataPrefix="oai_dc")
    assert dc.findtext(".//dc:title", namespaces=NS) == item.title
    assert "http://testserver/archive/items/DA-0-0-000/" in [
        e.text for e in dc.iterfind(".//dc:identifier", NS)
    ]
    assert dc.findtext(".//dc:date", namespaces=NS) == "1956-03"
    specs = [e.text for e in dc.iterfind(".//o:setSpec", NS)]
    assert specs == ["fonds:DA-0", "scientist:sci-0", "type:manuscript"]
    mods = oai(verb="GetRecord", identifier=PREFIX + item.identifier, metadataPrefix="mods")
    assert mods.findtext(".//mods:titleInfo/mods:title", namespaces=NS) == item.title
    hosts = mods.findall(".//mods:relatedItem[@type='host']", NS)
    assert [h.findtext("mods:identifier", namespaces=NS) for h in hosts] == ["DA-0-0", "DA-0"]


def test_list_records_and_identifiers_page_through_every_public_item(oai, archive):
    for verb in ("ListRecords", "ListIdentifiers"):
        seen: list[str] = []
        tree = oai(verb=verb, metadataPrefix="mods")
        while True:
            seen += identifiers(tree)
            token = token_of(tree)
            if token is None or not token.text:
                break
            tree = oai(verb=verb, resumptionToken=token.text)
        assert sorted(seen) == sorted(PREFIX + i.identifier for i in archive.public)
        assert token.get("completeListSize") == str(len(archive.public))


def test_post_is_answered_like_get(oai, archive):
    assert identifiers(oai("post", verb="ListIdentifiers", metadataPrefix="oai_dc")) == (
        identifiers(oai(verb="ListIdentifiers", metadataPrefix="oai_dc"))
    )


def test_harvesters_post_without_a_csrf_token(oai_schema, archive):
    response = Client(enforce_csrf_checks=True).post("/oai/", {"verb": "Identify"})
    assert response.status_code == 200
    assert oai_schema.validate(etree.fromstring(b"".join(response.streaming_content)))


def test_restricted_and_embargoed_items_are_unknown_identifiers(oai, archive):
    for item in archive.hidden:
        tree = oai(verb="GetRecord", identifier=PREFIX + item.identifier, metadataPrefix="oai_dc")
        assert error_code(tree) == "idDoesNotExist"


def test_set_selects_one_fonds_and_its_hierarchy(oai, archive):
    tree = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="fonds:DA-1")
    first = identifiers(tree)
    assert first and all(i.startswith(PREFIX + "DA-1-") for i in first)
    assert token_of(tree).get("completeListSize") == str(
        sum(i.identifier.startswith("DA-1-") for i in archive.public)
    )
    everything = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="fonds")
    assert token_of(everything).get("completeListSize") == str(len(archive.public))
