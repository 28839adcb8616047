"""The archive's reports (Wagtail report views in the Reports menu): each lists the records it
is about and no others, links each row to the record's edit view, exports CSV and XLSX, shows a
user only what the access policy lets them see, and costs the same queries whatever the page's
length."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from archive_collections.models import Interview, Item
from media_pipeline.models import FileStatus
from tests.factories import InterviewFactory, ItemFactory, ItemFileFactory, ScientistFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def report_url(name: str, namespace: str = "archive_reports") -> str:
    return reverse(f"{namespace}:{name}")


def url_of(name: str) -> str:
    namespace = "file_reports" if name in ("items_without_files", "failed_files") else None
    return report_url(name, namespace or "archive_reports")


def edit_url(model, pk) -> str:
    return reverse(model.snippet_viewset.get_url_name("edit"), args=[pk])


@pytest.fixture
def file_viewer_client(client, django_user_model):
    """Someone who may list files (not staff): the access policy still applies to them."""
    user = django_user_model.objects.create_user("viewer", password="pw")
    user.groups.add(Group.objects.get(name="策展人"))
    user.user_permissions.add(Permission.objects.get(codename="view_itemfile"))
    client.force_login(user)
    return client


def failed_file(item, step="ocr", error="识别引擎崩溃"):
    steps = {"fixity": {"status": "done"}, step: {"status": "failed", "error": error}}
    return ItemFileFactory(
        item=item,
        status=FileStatus.FAILED,
        error=f"Step “{step}” failed: {error}",
        technical={"steps": steps},
    )


@pytest.fixture
def archive():
    """Records each report should list, records it should not, and hidden ones."""
    records = {
        "NOFILE": ItemFactory(identifier="NOFILE"),
        "STAFF-NOFILE": ItemFactory(identifier="STAFF-NOFILE", access_level="staff"),
        "HASFILE": ItemFactory(identifier="HASFILE"),
        "NODATE": ItemFactory(identifier="NODATE", date_text=""),
        "UNKNOWN-DATE": ItemFactory(identifier="UNKNOWN-DATE", date_text="不详"),
        "NORIGHTS": ItemFactory(identifier="NORIGHTS"),
        "EMB-30": ItemFactory(identifier="EMB-30", embargo_until=TODAY + timedelta(30)),
        "EMB-80-RES": ItemFactory(
            identifier="EMB-80-RES",
            embargo_until=TODAY + timedelta(80),
            access_level="researchers",
        ),
        "EMB-200": ItemFactory(identifier="EMB-200", embargo_until=TODAY + timedelta(200)),
        "EMB-PAST": ItemFactory(identifier="EMB-PAST", embargo_until=TODAY - timedelta(5)),
        "STAFF-NODATE": ItemFactory(identifier="STAFF-NODATE", date_text="", access_level="staff"),
    }
    # Bulk writes (an import, a restore) can leave the rights empty; forms cannot.
    Item.objects.filter(identifier="NORIGHTS").update(rights_statement="")
    for key in ("HASFILE", "NODATE", "UNKNOWN-DATE", "NORIGHTS", "EMB-30", "EMB-80-RES"):
        ItemFileFactory(item=records[key], status=FileStatus.DONE)
    for key in ("EMB-200", "EMB-PAST", "STAFF-NODATE"):
        ItemFileFactory(item=records[key], status=FileStatus.DONE)
    records["FAILED-OCR"] = failed_file(records["HASFILE"], "ocr").item
    records["FAILED-IIIF"] = failed_file(records["NODATE"], "iiif", "切片失败").item
    failed_file(records["STAFF-NODATE"], "derivatives", "内部错误")
    interviews = {
        "OH-SIGNED": ("public", "signed"),
        "OH-RESTRICTED": ("public", "restricted"),
        "OH-PUBLIC-NONE": ("public", "none"),  # from before the consent rule
        "OH-RES-PENDING": ("researchers", "pending"),
        "OH-STAFF-PENDING": ("staff", "pending"),
    }
    for identifier, (access, consent) in interviews.items():
        interview = InterviewFactory(
            item__identifier=identifier, item__access_level=access, consent=consent
        )
        ItemFileFactory(item=interview.item, status=FileStatus.DONE)
        records[identifier] = interview.item
    portrait = Image.objects.create(title="肖像", file=get_test_image_file())
    records["SCI-COMPLETE"] = ScientistFactory(
        identifier="sci-complete", biography="<p>生平。</p>", portrait=portrait
    )
    records["SCI-NOBIO"] = ScientistFactory(
        identifier="sci-nobio", biography="<p></p>", portrait=portrait
    )
    records["SCI-NOPORTRAIT"] = ScientistFactory(
        identifier="sci-noportrait", biography="<p>生平。</p>"
    )
    return records


# Keys a report might wrongly list: every identifier in the archive fixture, and the
# scientists' identifiers; checked against each report's rows.
CANDIDATES = [
    "NOFILE",
    "STAFF-NOFILE",
    "HASFILE",
    "NODATE",
    "UNKNOWN-DATE",
    "NORIGHTS",
    "EMB-30",
    "EMB-80-RES",
    "EMB-200",
    "EMB-PAST",
    "STAFF-NODATE",
    "OH-SIGNED",
    "OH-RESTRICTED",
    "OH-PUBLIC-NONE",
    "OH-RES-PENDING",
    "OH-STAFF-PENDING",
    "sci-complete",
    "sci-nobio",
    "sci-noportrait",
]


def rows(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    table = re.search(r'<table class="listing.*?</table>', html, flags=re.S)
    body = table.group() if table else ""
    return re.findall(r"<tr[^>]*>.*?</tr>", body[body.find("<tbody") :], flags=re.S)


def names(key: str, text: str) -> bool:
    """`key` stands alone in `text` (NODATE is not found in STAFF-NODATE)."""
    return re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text) is not None


def listed(response) -> set[str]:
    return {key for row in rows(response) for key in CANDIDATES if names(key, row)}


def row_of(response, key: str) -> str:
    found = [row for row in rows(response) if names(key, row)]
    assert len(found) == 1, found
    return found[0]


EXPECTED = {
    "items_without_files": {"NOFILE", "STAFF-NOFILE"},
    "failed_files": {"HASFILE", "NODATE", "STAFF-NODATE"},
    "missing_rights_or_date": {"NODATE", "UNKNOWN-DATE", "NORIGHTS", "STAFF-NODATE"},
    "embargoes_ending": {"EMB-30", "EMB-80-RES"},
    "interviews_without_consent": {"OH-PUBLIC-NONE", "OH-RES-PENDING", "OH-STAFF-PENDING"},
    "scientists_without_portrait_or_biography": {"sci-nobio", "sci-noportrait"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_report_lists_its_records_and_no_others(admin_client, archive, name):
    response = admin_client.get(url_of(name))
    found = listed(response)
    if name == "scientists_without_portrait_or_biography":
        # Factories make each record's scientist too, none with a portrait: only ours count.
        found &= {"sci-complete", "sci-nobio", "sci-noportrait"}
    assert found == EXPECTED[name]


def test_interviews_without_consent_put_public_ones_first(admin_client, archive):
    response = admin_client.get(url_of("interviews_without_consent"))
    assert "OH-PUBLIC-NONE" in rows(response)[0]


def test_failed_files_name_the_step_and_filter_by_it(admin_client, archive):
    response = admin_client.get(url_of("failed_files"))
    ocr_row = row_of(response, "HASFILE")
    assert "ocr" in ocr_row and "识别引擎崩溃" in ocr_row
    assert "iiif" in row_of(response, "NODATE")
    only_iiif = admin_client.get(url_of("failed_files"), {"step": "iiif"})
    assert listed(only_iiif) == {"NODATE"}


def test_filters_narrow_the_reports(admin_client, archive):
    dates = admin_client.get(url_of("missing_rights_or_date"), {"missing": "rights"})
    assert listed(dates) == {"NORIGHTS"}
    soon = admin_client.get(url_of("embargoes_ending"), {"within": "30"})
    assert listed(soon) == {"EMB-30"}
    public = admin_client.get(url_of("interviews_without_consent"), {"access": "public"})
    assert listed(public) == {"OH-PUBLIC-NONE"}
    portraits = admin_client.get(
        url_of("scientists_without_portrait_or_biography"), {"missing": "biography"}
    )
    assert listed(portraits) & {"sci-complete", "sci-nobio", "sci-noportrait"} == {"sci-nobio"}


LINKS = [
    ("items_without_files", "NOFILE", Item, lambda r: r["NOFILE"].pk),
    ("failed_files", "HASFILE", Item, lambda r: r["HASFILE"].pk),
    ("missing_rights_or_date", "NORIGHTS", Item, lambda r: r["NORIGHTS"].pk),
    ("embargoes_ending", "EMB-30", Item, lambda r: r["EMB-30"].pk),
    (
        "interviews_without_consent",
        "OH-PUBLIC-NONE",
        Interview,
        lambda r: r["OH-PUBLIC-NONE"].interview.pk,
    ),
]


@pytest.mark.parametrize(("name", "key", "model", "pk"), LINKS, ids=[link[0] for link in LINKS])
def test_rows_link_to_the_records_edit_view(admin_client, archive, name, key, model, pk):
    url = edit_url(model, pk(archive))
    assert f'href="{url}"' in row_of(admin_client.get(url_of(name)), key)
    assert admin_client.get(url).status_code == 200


def test_scientist_rows_link_to_the_scientists_edit_view(admin_client, archive):
    scientist = archive["SCI-NOBIO"]
    url = edit_url(type(scientist), scientist.pk)
    response = admin_client.get(url_of("scientists_without_portrait_or_biography"))
    assert f'href="{url}"' in row_of(response, "sci-nobio")
    assert admin_client.get(url).status_code == 200


def csv_keys(response) -> set[str]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    return {cell for row in table[1:] for cell in row if cell in CANDIDATES}


def xlsx_keys(response) -> set[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {c for row in sheet.iter_rows(min_row=2, values_only=True) for c in row}
    return {key for key in CANDIDATES if key in cells}


@pytest.mark.parametrize(
    "name", sorted(set(EXPECTED) - {"scientists_without_portrait_or_biography"})
)
def test_reports_export_csv_and_xlsx(admin_client, archive, name):
    expected = EXPECTED[name]
    assert csv_keys(admin_client.get(url_of(name), {"export": "csv"})) == expected
    assert xlsx_keys(admin_client.get(url_of(name), {"export": "xlsx"})) == expected


def test_scientist_report_exports_what_is_missing(admin_client, archive):
    response = admin_client.get(
        url_of("scientists_without_portrait_or_biography"), {"export": "csv"}
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    [nobio] = [row for row in csv.reader(io.StringIO(text)) if row[0] == "sci-nobio"]
    [noportrait] = [row for row in csv.reader(io.StringIO(text)) if row[0] == "sci-noportrait"]
    assert nobio[-1] != noportrait[-1] and nobio[-1] and noportrait[-1]


def test_a_cell_that_looks_like_a_formula_is_exported_as_text(admin_client, archive):
    Item.objects.filter(identifier="NORIGHTS").update(title="=HYPERLINK(1)")
    response = admin_client.get(url_of("missing_rights_or_date"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


CURATOR_SEES = {
    "items_without_files": {"NOFILE"},
    "missing_rights_or_date": {"NODATE", "UNKNOWN-DATE", "NORIGHTS"},
    "embargoes_ending": set(),  # an embargo hides a record from everyone but staff
    "interviews_without_consent": {"OH-PUBLIC-NONE"},
}


@pytest.mark.parametrize("name", sorted(CURATOR_SEES))
def test_a_curator_sees_only_what_the_policy_shows(curator_client, archive, name):
    assert listed(curator_client.get(url_of(name))) == CURATOR_SEES[name]
    exported = csv_keys(curator_client.get(url_of(name), {"export": "csv"}))
    assert exported == CURATOR_SEES[name]


def test_failed_files_of_hidden_items_are_left_out(file_viewer_client, archive):
    assert listed(file_viewer_client.get(url_of("failed_files"))) == {"HASFILE", "NODATE"}


def test_a_report_on_a_model_the_user_may_not_view_is_refused(curator_client, archive):
    response = curator_client.get(url_of("failed_files"), {"export": "csv"})
    assert response.status_code in (302, 403)
    assert not getattr(response, "streaming", False)


def test_the_reports_menu_lists_the_archive_reports(admin_client, archive):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    for name in EXPECTED:
        assert url_of(name) in html


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_page(admin_client, archive):
    urls = [url_of(name) for name in EXPECTED]
    before = [page_queries(admin_client, url) for url in urls]
    for n in range(6):
        item = ItemFactory(identifier=f"MORE-{n}", date_text="", embargo_until=TODAY + timedelta(9))
        failed_file(item, "av")
        ItemFactory(identifier=f"BARE-{n}")
        InterviewFactory(item__identifier=f"OH-MORE-{n}", consent="pending")
        ScientistFactory(biography="")
    assert [page_queries(admin_client, url) for url in urls] == before
