"""The schema check is not vacuous: it rejects what the standards forbid, down into metadata."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import etree

from tests.oai.conftest import NS, PREFIX

pytestmark = pytest.mark.django_db


def fetched(client: Client, **params: str) -> etree._Element:
    response = client.get("/oai/", params)
    return etree.fromstring(b"".join(response.streaming_content))


def test_the_schema_rejects_broken_envelopes_and_metadata(client, oai_schema, archive):
    identifier = PREFIX + archive.public[0].identifier
    dc = fetched(client, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
    assert oai_schema.validate(dc)
    etree.SubElement(dc.find(".//oai_dc:dc", NS), "{http://purl.org/dc/elements/1.1/}colour")
    assert not oai_schema.validate(dc)

    mods = fetched(client, verb="GetRecord", identifier=identifier, metadataPrefix="mods")
    assert oai_schema.validate(mods)
    mods.find(".//mods:typeOfResource", NS).text = "hologram"
    assert not oai_schema.validate(mods)

    envelope = fetched(client, verb="Identify")
    envelope.remove(envelope.find("o:responseDate", NS))
    assert not oai_schema.validate(envelope)
