"""A contributor's batch (#13.2): an items manifest and the files it names, uploaded together;
every row checked first, nothing written if any fails, each row one material contribution; an
identifier that is not this organisation's to use is refused with its row."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from archive_collections.models import Item
from archive_site.partners import submitting
from archive_site.partners.models import Contribution, MemberRole, Membership, Organisation
from tests.factories import ItemFactory, ScientistFactory, small_jpeg

pytestmark = pytest.mark.django_db

HEADER = "档号,题名,类型,日期,相关科学家,描述,文件"
URL = reverse("contribute:batch")


@pytest.fixture
def member(django_user_model):
    ScientistFactory(identifier="qian-xuesen", name="钱学森")
    ScientistFactory(identifier="qian-sanqiang", name="钱三强")
    org = Organisation.objects.create(
        name="陕西省科协", code="sxkx", kind="association", region="61"
    )
    user = django_user_model.objects.create_user("c1", password="pw")
    return Membership.objects.create(user=user, organisation=org, role=MemberRole.CONTRIBUTOR)


def _client(member) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(member.user)
    return client


def _csv(*rows: str, encoding: str = "utf-8", name: str = "batch-items.csv"):
    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _jpeg(name: str, seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, small_jpeg(seed), content_type="image/jpeg")


def _post(member, manifest, files=(), **extra):
    data = {
        "manifest": manifest,
        "files": list(files),
        "licence": "cc-by-nc-4.0",
        "source_statement": "本会馆藏",
        **extra,
    }
    return _client(member).post(URL, data, follow=True)


def _problems(response) -> str:
    return response.content.decode()


def test_a_valid_batch_makes_one_contribution_per_row_with_its_files(member):
    manifest = _csv(
        "SXKX-B-1,手稿一,手稿,1956年,qian-xuesen,两页,p1.jpg；p2.jpg",
        ",照片二,photograph,,qian-xuesen；qian-sanqiang,,photo.jpg；scans/p1.jpg",
    )
    files = [_jpeg("p1.jpg", 6001), _jpeg("p2.jpg", 6002), _jpeg("photo.jpg", 6003)]
    response = _post(member, manifest, files)
    assert response.status_code == 200, _problems(response)
    assert response.redirect_chain == [(URL, 302)]
    made = {c.title: c for c in Contribution.objects.filter(organisation=member.organisation)}
    assert set(made) == {"手稿一", "照片二"}
    first, second = made["手稿一"], made["照片二"]
    assert first.item.identifier == "SXKX-B-1" and first.item.item_type == "manuscript"
    assert first.item.date_text == "1956年" and first.licence == "cc-by-nc-4.0"
    assert list(
        first.item.files.order_by("sequence").values_list("original_filename", flat=True)
    ) == [
        "p1.jpg",
        "p2.jpg",
    ]
    assert second.item.identifier.startswith("GJ-SXKX-")
    # p1.jpg is named by both rows (the second with a folder): each record holds a copy.
    assert second.scientists.count() == 2 and second.item.files.count() == 2
    assert all(c.kind == "material" and c.submitter == member.user for c in made.values())
    assert b"2 contributions submitted" in response.content and b"p2.jpg" in response.content


def test_an_xlsx_workbook_and_a_gb18030_csv_are_read_like_the_importer_reads_them(member):
    book = Workbook()
    sheet = book.active
    sheet.title = "条目"
    sheet.append(["title", "type", "scientists"])
    sheet.append(["工作簿里的信", "letter", "qian-xuesen"])
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = SimpleUploadedFile("batch.xlsx", buffer.getvalue())
    assert _post(member, workbook).status_code == 200
    gbk = _csv(",国标编码的证书,证书,,qian-sanqiang,,", encoding="gb18030")
    assert _post(member, gbk).status_code == 200
    titles = set(Contribution.objects.values_list("title", flat=True))
    assert {"工作簿里的信", "国标编码的证书"} <= titles


def test_any_bad_row_writes_nothing_and_each_problem_names_row_column_value_reason(member):
    manifest = _csv(
        "SXKX-OK-1,好的一行,手稿,,qian-xuesen,,p1.jpg",
        "SXKX-OK-2,,手稿,,qian-xuesen,,",  # no title
        "SXKX-OK-3,类型错,spaceship,,qian-xuesen,,",
        "SXKX-OK-4,无此人,手稿,,nobody-here,,",
        "SXKX-OK-5,缺文件,手稿,,qian-xuesen,,missing.jpg",
        "bad id!,坏档号,手稿,,qian-xuesen,,",
        "SXKX-OK-1,重复,手稿,,qian-xuesen,,",
        "SXKX-OK-8,没有科学家,手稿,,,,",
    )
    response = _post(member, manifest, [_jpeg("p1.jpg", 6101), _jpeg("stray.jpg", 6102)])
    assert response.status_code == 400
    body = _problems(response)
    expected = [
        ("3", "title", "", "a value is required"),
        ("4", "type", "spaceship", "is not a known"),
        ("5", "scientists", "nobody-here", "no scientist has this identifier"),
        ("6", "files", "missing.jpg", "is not among the files uploaded"),
        ("7", "identifier", "bad id!", "is not a valid identifier"),
        ("8", "identifier", "SXKX-OK-1", "duplicate identifier: already used on row 2"),
        ("9", "scientists", "", "a value is required"),
        ("", "files", "stray.jpg", "was uploaded but no row names it"),
    ]
    for row, column, value, reason in expected:
        cells = f"<td>items</td><td>{row}</td><td>{column}</td><td>{value}</td><td>{reason}"
        assert cells in body.replace("&quot;", '"'), (row, column, reason)
    assert not Contribution.objects.exists() and not Item.objects.exists()


def test_columns_the_reviewers_decide_are_refused(member):
    text = "title,type,scientists,access,series\n受限,手稿,qian-xuesen,public,X-1\n"
    response = _post(member, SimpleUploadedFile("items.csv", text.encode()))
    assert response.status_code == 400
    body = _problems(response)
    assert "<td>access</td><td></td><td>is decided by the reviewers" in body
    assert "<td>series</td><td></td><td>is decided by the reviewers" in body
    assert not Contribution.objects.exists()


def test_an_identifier_that_is_not_this_organisations_is_refused_with_its_row(
    member, django_user_model
):
    ItemFactory(identifier="QXS-ARCHIVE-1", title="馆藏记录")
    other = Organisation.objects.create(
        name="中国力学学会", code="cstam", kind="society", region="00"
    )
    stranger = django_user_model.objects.create_user("c2", password="pw")
    theirs = Membership.objects.create(user=stranger, organisation=other)
    scientist = ScientistFactory(identifier="qian-weichang", name="钱伟长")
    submission = submitting.Submission(
        kind="material",
        title="别会的资料",
        licence="cc-by-4.0",
        source_statement="自采",
        scientists=[scientist],
        identifier="CSTAM-1",
    )
    submitting.create(theirs, submission)
    own = submitting.create(
        member, dataclasses.replace(submission, identifier="SXKX-MINE", title="本会旧稿")
    )
    manifest = _csv(
        "CSTAM-1,抢别人的,手稿,,qian-xuesen,,",
        "QXS-ARCHIVE-1,抢馆藏的,手稿,,qian-xuesen,,",
        "SXKX-MINE,重交本会的,手稿,,qian-xuesen,,",
        "SXKX-NEW,新的,手稿,,qian-xuesen,,",
    )
    response = _post(member, manifest)
    assert response.status_code == 400
    body = _problems(response)
    assert (
        "<td>2</td><td>identifier</td><td>CSTAM-1</td><td>belongs to another organisation" in body
    )
    assert "<td>3</td><td>identifier</td><td>QXS-ARCHIVE-1</td><td>belongs to a record" in body
    assert "<td>4</td><td>identifier</td><td>SXKX-MINE</td><td>is already your organisation" in body
    assert "别会的资料" not in body and "馆藏记录" not in body
    assert not Item.objects.filter(identifier="SXKX-NEW").exists()
    assert Contribution.objects.filter(organisation=member.organisation).get() == own


def test_a_file_the_ingest_refuses_undoes_the_whole_batch(member):
    manifest = _csv(
        "SXKX-R-1,好的,手稿,,qian-xuesen,,good.jpg",
        "SXKX-R-2,假图,手稿,,qian-xuesen,,fake.jpg",
    )
    fake = SimpleUploadedFile("fake.jpg", b"<html><script>alert(1)</script></html>")
    response = _post(member, manifest, [_jpeg("good.jpg", 6201), fake])
    assert response.status_code == 400
    assert "<td>3</td><td>files</td><td>fake.jpg</td>" in _problems(response)
    assert not Contribution.objects.exists() and not Item.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.txt", b"title\n", "must be a .csv file or an .xlsx workbook"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "cannot be opened as an XLSX workbook"),
        ("bad-items.csv", b"title,type\n\xff\xfe\xfa,x\n", "neither UTF-8 nor GB18030"),
        ("items.csv", b'title,type,scientists\n"unclosed,letter,qian-xuesen\n', "malformed CSV"),
        ("items.csv", b"title,type,colour\nx,letter,red\n", "unknown column"),
        ("items.csv", b"title,scientists\nx,qian-xuesen\n", "a required column is missing"),
        ("items.csv", b"title,type,scientists\n", "The manifest has no rows"),
    ],
)
def test_an_unreadable_manifest_is_refused_with_a_reason_never_a_500(member, name, data, reason):
    response = _post(member, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert reason in _problems(response)
    assert not Contribution.objects.exists()


def test_a_workbook_with_other_kinds_is_refused(member):
    book = Workbook()
    book.active.title = "科学家"
    book.active.append(["identifier", "name"])
    book.active.append(["new-one", "新人"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _post(member, SimpleUploadedFile("batch.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "holds items only" in _problems(response)


def test_the_batch_form_itself_reports_missing_fields(member):
    response = _client(member).post(URL, {"licence": "nonsense"})
    assert response.status_code == 400
    assert b"access-form__errors" in response.content
