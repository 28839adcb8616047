"""Every error code of the protocol, from malformed requests: an in-band error, never a 500."""

from __future__ import annotations

import pytest
from django.core import signing

from archive_collections.oai import tokens
from tests.oai.conftest import NS, PREFIX, error_code, token_of

pytestmark = pytest.mark.django_db


def request_element(tree):
    return tree.find("o:request", NS)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"verb": "Harvest"},
        {"verb": ["Identify", "Identify"]},
        {"verb": ["Identify", "ListSets"]},
    ],
)
def test_bad_verb(oai, params):
    tree = oai(**params)
    assert error_code(tree) == "badVerb"
    assert request_element(tree).attrib == {}  # arguments not understood are not echoed


@pytest.mark.parametrize(
    "params",
    [
        {"verb": "Identify", "metadataPrefix": "oai_dc"},  # an argument the verb does not take
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "colour": "blue"},  # unknown
        {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "mods"]},  # repeated
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": ["fonds", "type"]},
        {"verb": "ListRecords"},  # metadataPrefix missing
        {"verb": "GetRecord", "metadataPrefix": "oai_dc"},  # identifier missing
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-13-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2026-01-01T10:00Z"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2026-01-01T10:00:00"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": ""},
        # mixed granularity
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2026-01-01",
            "until": "2026-02-01T00:00:00Z",
        },
        {
            "verb": "ListRecords",
            "metadataPrefix": "oai_dc",
            "from": "2026-02-01",
            "until": "2026-01-01",
        },  # from after until
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "fonds:a b"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
        {"verb": "ListSets", "resumptionToken": "x", "set": "fonds"},
    ],
)
def test_bad_argument(oai, archive, params):
    tree = oai(**params)
    assert error_code(tree) == "badArgument"
    assert request_element(tree).attrib == {}


def test_bad_resumption_token_forged_tampered_foreign_and_expired(oai, archive, settings):
    first = oai(verb="ListRecords", metadataPrefix="oai_dc")
    token = token_of(first).text
    forged = signing.dumps({"v": "ListRecords", "p": "oai_dc", "k": 0}, salt="other")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ("nonsense", forged, tampered, token.replace(":", "", 1)):
        tree = oai(verb="ListRecords", resumptionToken=bad)
        assert error_code(tree) == "badResumptionToken", bad
    # A token of ours for another verb.
    assert error_code(oai(verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"
    # Signed by us but not a position: the signature alone does not make it usable.
    wrong_shape = signing.dumps({"v": "ListRecords"}, salt=tokens.SALT, compress=True)
    assert error_code(oai(verb="ListRecords", resumptionToken=wrong_shape)) == (
        "badResumptionToken"
    )
    settings.OAI_TOKEN_MAX_AGE = -1
    assert error_code(oai(verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    assert error_code(oai(verb="ListSets", resumptionToken=token)) == "badResumptionToken"


def test_cannot_disseminate_format(oai, archive):
    item = PREFIX + archive.public[0].identifier
    for params in (
        {"verb": "ListRecords", "metadataPrefix": "marc21"},
        {"verb": "ListIdentifiers", "metadataPrefix": "ead"},
        {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": item},
    ):
        tree = oai(**params)
        assert error_code(tree) == "cannotDisseminateFormat"
        assert request_element(tree).get("verb") == params["verb"]  # understood, so echoed


def test_id_does_not_exist(oai, archive):
    for identifier in (
        PREFIX + "NO-SUCH-ITEM",
        "oai:elsewhere.org:" + archive.public[0].identifier,
        archive.public[0].identifier,
        PREFIX,
    ):
        tree = oai(verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
        assert error_code(tree) == "idDoesNotExist"
    tree = oai(verb="ListMetadataFormats", identifier=PREFIX + "NO-SUCH-ITEM")
    assert error_code(tree) == "idDoesNotExist"


def test_no_records_match(oai, archive):
    for params in (
        {"from": "2100-01-01"},
        {"until": "2000-01-01T00:00:00Z"},
        {"set": "fonds:NOPE"},
        {"set": "shelf:3"},
    ):
        tree = oai(verb="ListRecords", metadataPrefix="oai_dc", **params)
        assert error_code(tree) == "noRecordsMatch", params


def test_no_records_match_in_an_empty_repository(oai, db):
    assert error_code(oai(verb="ListIdentifiers", metadataPrefix="oai_dc")) == "noRecordsMatch"


def test_no_metadata_formats_when_none_is_offered(oai, archive, settings):
    settings.OAI_METADATA_FORMATS = []
    tree = oai(verb="ListMetadataFormats", identifier=PREFIX + archive.public[0].identifier)
    assert error_code(tree) == "noMetadataFormats"
    assert error_code(oai(verb="ListMetadataFormats")) == "noMetadataFormats"


def test_no_set_hierarchy_when_sets_are_off(oai, archive, settings):
    settings.OAI_SET_KINDS = []
    assert error_code(oai(verb="ListSets")) == "noSetHierarchy"
    tree = oai(verb="ListRecords", metadataPrefix="oai_dc", set="fonds")
    assert error_code(tree) == "noSetHierarchy"
    # Headers no longer list sets a harvester could not ask for.
    assert oai(verb="ListIdentifiers", metadataPrefix="oai_dc").find(".//o:setSpec", NS) is None


def test_methods_other_than_get_and_post_are_refused(client, db):
    assert client.put("/oai/?verb=Identify").status_code == 405
