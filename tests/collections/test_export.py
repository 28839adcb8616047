"""Export → edit in a spreadsheet → re-import: the admin listings' exports in the import format."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import Revision

from archive_collections.exporting import FILE_COLUMNS, export_headers, export_rows
from archive_collections.exporting.columns import html_to_text
from archive_collections.importer import KINDS, ImportReport, run_import
from archive_collections.importer.schema import SCHEMAS, Column, map_header
from archive_collections.importer.specs import plain_text_to_html
from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from search.engines import get_database_engine
from tests.factories import InterviewFactory, ItemFactory, ScientistFactory, SeriesFactory
from tests.search.conftest import index_all

from .test_import_support import csv_manifest

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
MODELS = {
    "scientists": Scientist,
    "fonds": Fonds,
    "series": Series,
    "items": Item,
    "interviews": Interview,
}


def list_url(kind: str) -> str:
    return reverse(MODELS[kind].snippet_viewset.get_url_name("list"))


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.getvalue() if hasattr(response, "getvalue") else response.content


def csv_rows(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding))))


def demo_catalogue(folder: Path) -> None:
    """The demo archive's records, imported as the demo loader does, without its media files."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        rows = csv_rows((DEMO / f"{kind}.csv").read_bytes())
        keep = [i for i, header in enumerate(rows[0]) if header not in FILE_COLUMNS]
        with (folder / f"{kind}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([[row[i] for i in keep] for row in rows])
    report = run_import(folder)
    assert report.committed, report.problems


@pytest.fixture
def demo(tmp_path):
    demo_catalogue(tmp_path / "demo")


def export_all(client, folder: Path, file_format: str = "csv", **params: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        response = client.get(list_url(kind), {"export": file_format, **params})
        assert response.status_code == 200
        path = folder / f"{kind}.{file_format}"
        path.write_bytes(body(response))
        paths.append(path)
    return paths


def assert_nothing_changed(report: ImportReport) -> None:
    assert report.ok, report.problems
    for kind, counts in report.counts.items():
        assert (kind, counts.created, counts.updated) == (kind, 0, 0)


def test_headers_are_the_importers_own():
    for kind in KINDS:
        expected = [c.alias for c in SCHEMAS[kind] if c.name not in FILE_COLUMNS]
        assert export_headers(kind) == expected
        columns, problems = map_header(kind, export_headers(kind))
        assert problems == []
        assert [c.name for c in columns if c] == [
            c.name for c in SCHEMAS[kind] if c.name not in FILE_COLUMNS
        ]


def test_admin_csv_starts_with_bom_and_the_import_headers(admin_client, demo):
    for kind in KINDS:
        data = body(admin_client.get(list_url(kind), {"export": "csv"}))
        assert data.startswith(b"\xef\xbb\xbf")
        assert csv_rows(data)[0] == export_headers(kind)


def test_unchanged_csv_export_reimports_as_no_change(admin_client, demo, tmp_path):
    export_all(admin_client, tmp_path / "export")
    revisions = Revision.objects.count()
    report = run_import(tmp_path / "export")
    assert_nothing_changed(report)
    assert report.counts["items"].unchanged == Item.objects.count() > 80
    assert report.counts["scientists"].unchanged == Scientist.objects.count()
    assert Revision.objects.count() == revisions


def test_unchanged_xlsx_export_reimports_as_no_change(admin_client, demo, tmp_path):
    for path in export_all(admin_client, tmp_path / "export", "xlsx"):
        report = run_import(path)
        assert_nothing_changed(report)
        assert sum(c.unchanged for c in report.counts.values()) > 0


def test_one_edited_cell_changes_exactly_that(admin_client, demo, tmp_path):
    rows = csv_rows(body(admin_client.get(list_url("items"), {"export": "csv"})))
    title = rows[0].index("题名")
    target = rows[5][0]
    rows[5][title] = "改过的题名"
    before = {v["identifier"]: v for v in Item.objects.values()}
    folder = tmp_path / "edited"
    folder.mkdir()
    with (folder / "items.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = run_import(folder)
    assert (report.counts["items"].updated, report.counts["items"].created) == (1, 0)
    after = {v["identifier"]: v for v in Item.objects.values()}
    changed = {
        (key, field)
        for key, values in after.items()
        for field, value in values.items()
        if before[key][field] != value and field not in {"updated_at", "latest_revision_id"}
    }
    assert changed == {(target, "title")}
    assert after[target]["title"] == "改过的题名"


FORMULA_TITLES = ["=1+2", "-减号开头", "+86 电话", "@提及", "'=已带引号", "'普通引号"]


@pytest.fixture
def formula_items():
    series = SeriesFactory(identifier="S-F")
    return [
        ItemFactory(series=series, identifier=f"F-{n}", title=title, position=n)
        for n, title in enumerate(FORMULA_TITLES)
    ]


def test_formula_cells_are_neutralised_in_csv_and_restored_on_import(
    admin_client, formula_items, tmp_path
):
    response = admin_client.get(list_url("items"), {"export": "csv", "ordering": "identifier"})
    rows = csv_rows(body(response))
    titles = [row[1] for row in rows[1:]]
    assert titles == ["'=1+2", "'-减号开头", "'+86 电话", "'@提及", "''=已带引号", "'普通引号"]
    path = tmp_path / "items.csv"
    path.write_bytes(body(admin_client.get(list_url("items"), {"export": "csv"})))
    assert_nothing_changed(run_import(path))
    stored = list(Item.objects.order_by("identifier").values_list("title", flat=True))
    assert stored == FORMULA_TITLES


def test_formula_cells_are_text_in_xlsx_and_restored_on_import(
    admin_client, formula_items, tmp_path
):
    path = tmp_path / "export.xlsx"
    path.write_bytes(body(admin_client.get(list_url("items"), {"export": "xlsx"})))
    sheet = load_workbook(path)["items"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert (cells["F-0"].value, cells["F-0"].data_type) == ("'=1+2", "s")
    assert cells["F-1"].value == "'-减号开头"
    assert_nothing_changed(run_import(path))
    assert Item.objects.get(identifier="F-1").title == "-减号开头"


def test_gb18030_export_decodes_and_reimports(admin_client, demo, tmp_path):
    response = admin_client.get(list_url("scientists"), {"export": "csv", "encoding": "gb18030"})
    data = body(response)
    assert response["Content-Type"] == "text/csv; charset=gb18030"
    assert not data.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "钱学森" in data.decode("gb18030")
    path = tmp_path / "scientists.csv"
    path.write_bytes(data)
    report = run_import(path)
    assert report.encodings["scientists.csv"].lower().startswith("gb18030")
    assert_nothing_changed(report)


def test_unknown_encoding_is_refused(admin_client):
    response = admin_client.get(list_url("items"), {"export": "csv", "encoding": "latin-1"})
    assert response.status_code == 400


@pytest.fixture
def guarded_items():
    series = SeriesFactory(identifier="S-A")
    later = datetime.date.today() + datetime.timedelta(days=30)
    items = {
        "open": ItemFactory(series=series, identifier="A-OPEN", access_level="public"),
        "staff": ItemFactory(series=series, identifier="A-STAFF", access_level="staff"),
        "research": ItemFactory(series=series, identifier="A-RES", access_level="researchers"),
        "embargoed": ItemFactory(
            series=series, identifier="A-EMB", access_level="public", embargo_until=later
        ),
    }
    for key in ("open", "embargoed"):
        items[key].item_type = "oral_history"
        items[key].save()
        InterviewFactory(item=items[key], interviewee=ScientistFactory())
    return items


def exported_keys(client, kind: str) -> set[str]:
    return {row[0] for row in csv_rows(body(client.get(list_url(kind), {"export": "csv"})))[1:]}


def test_curator_export_leaves_out_staff_only_and_embargoed_items(curator_client, guarded_items):
    assert exported_keys(curator_client, "items") == {"A-OPEN"}
    assert exported_keys(curator_client, "interviews") == {"A-OPEN"}
    xlsx = body(curator_client.get(list_url("items"), {"export": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx))["items"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["A-OPEN"]


def test_staff_export_has_every_item(admin_client, guarded_items):
    assert exported_keys(admin_client, "items") == {"A-OPEN", "A-STAFF", "A-RES", "A-EMB"}


def test_export_of_a_model_the_user_may_not_list_is_refused(curator_client, guarded_items):
    for kind in ("fonds", "series"):
        response = curator_client.get(list_url(kind), {"export": "csv"})
        assert response.status_code in (302, 403)
        assert not response.streaming


def test_filtered_and_searched_listing_exports_only_what_it_lists(admin_client, demo):
    letters = Item.objects.filter(item_type="letter").count()
    keys = exported_keys_with(admin_client, {"item_type": "letter"})
    assert len(keys) == letters > 0
    assert keys == set(Item.objects.filter(item_type="letter").values_list("identifier", flat=True))
    # The admin searches the search app's index, which follows commits; this test never commits.
    index_all(get_database_engine())
    searched = exported_keys_with(admin_client, {"q": "钱学森"})
    assert searched and searched < set(Item.objects.values_list("identifier", flat=True))


def exported_keys_with(client, params: dict[str, str]) -> set[str]:
    response = client.get(list_url("items"), {"export": "csv", **params})
    return {row[0] for row in csv_rows(body(response))[1:]}


def test_csv_streams_and_reads_records_in_chunks(admin_client, formula_items):
    response = admin_client.get(list_url("items"), {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].endswith('-items.csv"')
    queryset = Item.objects.order_by("identifier")
    with CaptureQueriesContext(connection) as queries:
        rows = list(export_rows("items", queryset, chunk=2))
    assert [row[0] for row in rows] == [f"F-{n}" for n in range(len(FORMULA_TITLES))]
    item_reads = [
        q for q in queries if 'FROM "collections_item"' in q["sql"] and " IN (" in q["sql"]
    ]
    assert len(item_reads) == 3  # six items, two a chunk


def test_rich_text_made_by_the_importer_reads_back_as_its_plain_text():
    plain = "第一段 <b>不是标签</b> & 符号\n第二行\n\n第二段"
    assert html_to_text(plain_text_to_html(plain)) == plain


def test_listing_offers_the_gb18030_download(admin_client, formula_items):
    content = admin_client.get(list_url("items")).content.decode()
    assert "export=csv&amp;encoding=gb18030" in content


def test_xlsx_export_drops_characters_a_workbook_cannot_hold(admin_client, formula_items):
    Item.objects.filter(identifier="F-0").update(description="页码\x0b缺失")
    data = body(admin_client.get(list_url("items"), {"export": "xlsx"}))
    sheet = load_workbook(io.BytesIO(data))["items"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("描述")
    described = {row[0]: row[column] for row in rows[1:]}
    assert described["F-0"] == "页码缺失"


def test_an_import_column_without_a_source_stops_the_export(monkeypatch):
    extra = Column("shelfmark", "架号", str)
    monkeypatch.setitem(SCHEMAS, "fonds", [*SCHEMAS["fonds"], extra])
    with pytest.raises(ImproperlyConfigured, match="shelfmark"):
        export_headers("fonds")


def test_importer_test_manifest_round_trips(admin_client, tmp_path):
    """Chinese aliases in the source (男, 手稿, 公开), a sub-series before its parent, an
    interview with a date and consent: all come back as codes that compare equal."""
    assert run_import(csv_manifest(tmp_path / "source")).committed
    export_all(admin_client, tmp_path / "export")
    report = run_import(tmp_path / "export")
    assert_nothing_changed(report)
    assert {kind: counts.unchanged for kind, counts in report.counts.items()} == {
        "scientists": 2,
        "fonds": 1,
        "series": 3,
        "items": Item.objects.count(),
        "interviews": 1,
    }


def test_export_keeps_the_listings_order_when_searching(admin_client, demo):
    params = {"export": "csv", "q": "DA-", "ordering": "-series__fonds__identifier"}
    rows = csv_rows(body(admin_client.get(list_url("items"), params)))[1:]
    fonds_of = dict(Item.objects.values_list("identifier", "series__fonds__identifier"))
    order = [fonds_of[row[0]] for row in rows]
    assert len(set(order)) > 1 and order == sorted(order, reverse=True)
    assert len(rows) == len({row[0] for row in rows})  # one row per item despite the search join
