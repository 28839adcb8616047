"""What a manifest says about its item (metadata, rights, attribution, provider, links), the
transcript of an interview as supplementing annotations, and the Mirador viewer page."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.factories import (
    FondsFactory,
    IndexSegmentFactory,
    InterviewFactory,
    ItemFactory,
    ScientistFactory,
    SeriesFactory,
    TranscriptSegmentFactory,
)

from . import samples
from .test_iiif import _validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    scientist = ScientistFactory(name="钱学森")
    fonds = FondsFactory(
        identifier="F-QXS",
        title="钱学森学术成长资料",
        scientist=scientist,
        collecting_institution="上海交通大学钱学森图书馆",
    )
    item = ItemFactory(
        series=SeriesFactory(fonds=fonds, title="书信"),
        identifier="QXS-L-0001",
        title="致导师的信",
        creators="钱学森",
        extent="3页",
        rights_statement="http://rightsstatements.org/vocab/InC-EDU/1.0/",
    )
    item.scientists.add(scientist)
    item.save()
    return item


def _manifest(client, identifier: str) -> dict:
    response = client.get(f"/iiif/3/manifest/{identifier}.json")
    assert response.status_code == 200
    return _validated(json.loads(response.content))


def test_metadata_rows_describe_the_item(client, item):
    manifest = _manifest(client, item.identifier)
    rows = {row["label"]["en"][0]: row["value"] for row in manifest["metadata"]}
    assert rows["Title"] == {"zh-Hans": ["致导师的信"]}
    assert rows["Date (as written)"] == {"zh-Hans": ["1956年3月"]}
    assert rows["Creators"] == {"zh-Hans": ["钱学森"]}
    assert rows["Scientists"] == {"zh-Hans": ["钱学森"]}
    assert rows["Type"]["en"] == ["Manuscript"]
    assert rows["Reference code"] == {"none": ["QXS-L-0001"]}
    assert rows["Fonds"] == {"zh-Hans": ["钱学森学术成长资料"]}
    assert rows["Series"] == {"zh-Hans": ["书信"]}
    assert rows["Extent"] == {"zh-Hans": ["3页"]}
    assert "Language" in rows
    assert all(set(row["label"]) == {"zh-Hans", "en"} for row in manifest["metadata"])


def test_rights_attribution_and_provider(client, item, settings):
    settings.IIIF_PROVIDER_LABEL = "老科学家学术成长资料采集工程"
    manifest = _manifest(client, item.identifier)
    assert manifest["rights"] == "http://rightsstatements.org/vocab/InC-EDU/1.0/"
    statement = manifest["requiredStatement"]
    assert statement["label"]["en"] == ["Attribution"]
    english = statement["value"]["en"][0]
    assert english.startswith("上海交通大学钱学森图书馆; ")
    assert "Educational Use Permitted" in english
    assert statement["value"]["zh-Hans"][0].startswith("上海交通大学钱学森图书馆；")
    (agent,) = manifest["provider"]
    assert agent["type"] == "Agent" and agent["id"] == "http://testserver/"
    assert agent["label"] == {"zh-Hans": ["老科学家学术成长资料采集工程"]}


def test_homepage_and_see_also_link_the_page_and_the_api_record(client, item):
    manifest = _manifest(client, item.identifier)
    assert manifest["homepage"][0]["id"] == "http://testserver/archive/items/QXS-L-0001/"
    (record,) = manifest["seeAlso"]
    assert record["id"] == "http://testserver/api/v1/items/QXS-L-0001"
    assert record["format"] == "application/json" and record["type"] == "Dataset"
    # The link leads to a record the API serves (its shape is the API's tests' business).
    assert client.get("/api/v1/items/QXS-L-0001").status_code == 200


@pytest.mark.parametrize("route", ["", "no-such-api:item"])
def test_without_a_routed_api_the_manifest_has_no_see_also(client, item, settings, route):
    settings.IIIF_API_ITEM_ROUTE = route
    assert "seeAlso" not in _manifest(client, item.identifier)


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (scripts/system-deps.sh)")
def test_interview_transcript_is_supplementing_annotations_on_the_recording(client, ingest):
    interview = InterviewFactory(item__access_level="public")
    IndexSegmentFactory(interview=interview, start_ms=0, title="童年与求学")
    TranscriptSegmentFactory(
        interview=interview, start_ms=0, end_ms=1200, speaker="钱学森", text="我小时候在北京。"
    )
    TranscriptSegmentFactory(
        interview=interview, start_ms=1200, end_ms=1900, speaker="", text="嗯。"
    )
    ingest(interview.item, samples.wav_bytes(seconds=2.0), "访谈.wav")
    manifest = _manifest(client, interview.item.identifier)
    (canvas,) = manifest["items"]
    index, transcript = canvas["annotations"]
    assert index["items"][0]["motivation"] == "describing"  # the index stays as it was
    assert transcript["label"]["en"] == ["Transcript"]
    first, second = transcript["items"]
    assert first["motivation"] == "supplementing"
    assert first["body"] == {
        "type": "TextualBody",
        "value": "钱学森：我小时候在北京。",
        "format": "text/plain",
        "language": "zh-Hans",
    }
    assert first["target"] == f"{canvas['id']}#t=0,1.2"
    assert second["body"]["value"] == "嗯。"
    assert second["target"] == f"{canvas['id']}#t=1.2,1.9"


def test_an_interview_without_transcript_has_no_transcript_page(client, ingest):
    interview = InterviewFactory(item__access_level="public")
    ingest(interview.item, samples.wav_bytes(seconds=1.0), "访谈.wav")
    (canvas,) = _manifest(client, interview.item.identifier)["items"]
    assert "annotations" not in canvas


# --- the Mirador page ---------------------------------------------------------------------------


def _config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="mirador-config" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_mirador_page_opens_a_manifest_of_this_site_from_local_static_files(client, item):
    response = client.get("/iiif/3/mirador/", {"manifest": "/iiif/3/manifest/QXS-L-0001.json"})
    assert response.status_code == 200
    config = _config(response)
    assert config["windows"] == [
        {"manifestId": "http://testserver/iiif/3/manifest/QXS-L-0001.json"}
    ]
    assert {"manifestId": "http://testserver/iiif/3/collection/top"} in config["catalog"]
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert '<script src="/static/vendor/mirador/mirador.min.js">' in html
    assert "://" not in html.split("<body>", 1)[1].split("mirador-config", 1)[0]


def test_mirador_page_accepts_absolute_urls_of_this_host_and_collections(client, item):
    absolute = "http://testserver/iiif/3/collection/fonds/F-QXS"
    response = client.get("/iiif/3/mirador/", {"manifest": absolute})
    assert response.status_code == 200
    assert _config(response)["windows"] == [{"manifestId": absolute}]
    assert _config(client.get("/iiif/3/mirador/"))["windows"] == []


@pytest.mark.parametrize(
    "wanted",
    [
        "https://elsewhere.example/iiif/3/manifest/QXS-L-0001.json",
        "/archive/items/QXS-L-0001/",
        "/iiif/3/1/info.json",
        "javascript:alert(1)",
        "//elsewhere.example/iiif/3/collection/top",
    ],
)
def test_mirador_page_refuses_other_addresses(client, item, wanted):
    response = client.get("/iiif/3/mirador/", {"manifest": wanted})
    assert response.status_code == 400
    assert b"manifest" in response.content
