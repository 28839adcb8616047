"""RIS, BibTeX and CSL-JSON downloads: they parse, keep Chinese text, and obey access rules."""

from __future__ import annotations

import datetime
import json

import bibtexparser
import pytest
import rispy

pytestmark = pytest.mark.django_db

URL = "http://testserver/archive/items/QXS-002/"


def _get(client, identifier: str, fmt: str, **params):
    return client.get(f"/archive/items/{identifier}/cite.{fmt}", params)


def test_ris_parses_with_the_record_fields(client, qian):
    response = _get(client, "QXS-002", "ris")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert 'filename="QXS-002.ris"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    [entry] = rispy.loads(response.content.decode("utf-8"))
    assert entry["type_of_reference"] == "PCOMM"
    assert entry["authors"] == ["钱学森", "蒋英"]
    assert entry["title"] == "致周培源的信"
    assert entry["year"] == "1950"
    assert entry["secondary_title"] == "钱学森档案"
    assert entry["name_of_database"] == "上海交通大学钱学森图书馆"
    assert entry["accession_number"] == "QXS-002"
    assert entry["urls"] == [URL]
    assert entry["access_date"] == "2026/11/03/"
    assert entry["notes"] == ["circa"]


def test_bibtex_parses_with_the_record_fields(client, qian):
    response = _get(client, "QXS-001", "bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert 'filename="QXS-001.bib"' in response["Content-Disposition"]
    library = bibtexparser.parse_string(response.content.decode("utf-8"))
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "unpublished" and entry.key == "QXS-001"
    fields = {field.key: field.value for field in entry.fields}
    assert fields["title"] == "《工程控制论》中文译本"
    assert fields["author"] == "{钱学森}"
    assert fields["year"] == "1956" and fields["date"] == "1956-03"
    assert fields["howpublished"] == "钱学森档案"
    assert fields["organization"] == "上海交通大学钱学森图书馆"
    assert fields["number"] == "QXS-001"
    assert fields["url"] == "http://testserver/archive/items/QXS-001/"
    assert fields["urldate"] == "2026-11-03"


def test_bibtex_keeps_several_authors_apart_and_escapes_latex(client, qian):
    letter = qian["letter"]
    letter.title = "50% of {notes} & more"
    letter.save()
    library = bibtexparser.parse_string(_get(client, "QXS-002", "bib").content.decode())
    [entry] = library.entries
    fields = {field.key: field.value for field in entry.fields}
    assert fields["author"] == "{钱学森} and {蒋英}"
    assert fields["title"] == r"50\% of \{notes\} \& more"
    assert entry.entry_type == "misc"


def test_csl_json_is_the_record_itself(client, qian):
    response = _get(client, "QXS-002", "json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert "致周培源的信" in response.content.decode("utf-8")  # not \u-escaped
    [record] = json.loads(response.content)
    assert record["id"] == "QXS-002" and record["type"] == "personal_communication"
    assert record["issued"] == {"date-parts": [[1950]], "circa": True}
    assert record["author"] == [{"literal": "钱学森"}, {"literal": "蒋英"}]


def test_interview_download_with_a_moment(client, qian):
    response = _get(client, "QXS-KS-001", "ris", t="65")
    [entry] = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "SOUND"
    assert entry["title"] == "钱学森口述访谈, 00:01:05"
    assert entry["authors"] == ["钱学森"] and entry["secondary_authors"] == ["张三", "李四"]
    assert entry["urls"] == ["http://testserver/archive/items/QXS-KS-001/interview/?t=65"]
    assert 'filename="QXS-KS-001-t65.ris"' in response["Content-Disposition"]


def test_scientist_downloads(client, qian):
    response = client.get("/archive/scientists/qian-xuesen/cite.ris")
    assert response.status_code == 200
    [entry] = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "ELEC"
    assert entry["authors"] == ["上海交通大学钱学森图书馆"]
    response = client.get("/archive/scientists/qian-xuesen/cite.bib")
    assert bibtexparser.parse_string(response.content.decode()).entries[0].key == "qian-xuesen"
    assert client.get("/archive/scientists/nobody/cite.ris").status_code == 404


def test_unknown_format_and_unknown_record_are_404(client, qian):
    assert _get(client, "QXS-002", "docx").status_code == 404
    assert _get(client, "NOPE-1", "ris").status_code == 404


def _restrict(item, **fields):
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()


@pytest.mark.parametrize("fmt", ["ris", "bib", "json"])
def test_researcher_only_record_is_403_without_metadata(client, qian, fmt):
    _restrict(qian["letter"], access_level="researchers")
    response = _get(client, "QXS-002", fmt)
    assert response.status_code == 403
    body = response.content.decode()
    # Only the address the visitor typed comes back (in the log-in link), none of the record.
    for metadata in ("致周培源的信", "钱学森", "蒋英", "上海交通大学", "1950"):
        assert metadata not in body, metadata
    assert "TY  -" not in body and "@misc" not in body and '"type"' not in body


def test_researcher_gets_the_restricted_record_privately(client, qian, researcher):
    _restrict(qian["letter"], access_level="researchers")
    client.force_login(researcher)
    response = _get(client, "QXS-002", "ris")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    # Every answer to a signed-in session is private, a public record's too; anonymous visitors
    # get the public one, which shared caches may keep.
    assert _get(client, "QXS-001", "ris")["Cache-Control"] == "max-age=300, private"
    client.logout()
    assert _get(client, "QXS-001", "ris")["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize(
    "fields",
    [
        {"access_level": "staff"},
        {"embargo_until": datetime.date(2030, 1, 1)},
        {"access_level": "researchers", "embargo_until": datetime.date(2030, 1, 1)},
    ],
)
def test_staff_only_and_embargoed_records_are_404(client, qian, researcher, fields):
    _restrict(qian["letter"], **fields)
    client.force_login(researcher)
    response = _get(client, "QXS-002", "bib")
    assert response.status_code == 404
    assert "致周培源的信" not in response.content.decode()


def test_staff_may_download_an_embargoed_record(client, qian, staff_user):
    _restrict(qian["letter"], embargo_until=datetime.date(2030, 1, 1))
    client.force_login(staff_user)
    assert _get(client, "QXS-002", "json").status_code == 200
