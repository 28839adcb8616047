"""The importer's happy paths: every kind from CSV and XLSX, re-runs, dry runs, encodings."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Revision

from archive_collections.models import (
    Fonds,
    IndexSegment,
    Interview,
    Item,
    Scientist,
    ScientistRelation,
    Series,
    TranscriptSegment,
)
from archive_site.importing import run_import
from media_pipeline.models import ItemFile

from .test_import_support import (  # noqa: F401  english: autouse fixture
    ITEMS,
    MANIFEST,
    csv_manifest,
    english,
    replace_cell,
    write_csv,
    xlsx_manifest,
)

pytestmark = pytest.mark.django_db


def record_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Scientist,
            Fonds,
            Series,
            Item,
            Interview,
            TranscriptSegment,
            IndexSegment,
            ScientistRelation,
            Revision,
            ItemFile,
        )
    }


def assert_manifest_imported():
    qian = Scientist.objects.get(identifier="qian-xuesen")
    assert qian.name_pinyin == "Qian Xuesen"
    assert (qian.gender, qian.birth_year, qian.death_year) == ("male", 1911, 2009)
    assert qian.biography == "<p>生于上海。</p><p>1935年赴美留学。</p>"
    assert sorted(qian.disciplines.values_list("name", flat=True)) == ["力学", "航天"]
    assert list(qian.names.values_list("name", "kind")) == [("Tsien Hsue-shen", "wade_giles")]
    assert list(qian.honours.values_list("title", "year")) == [
        ("中国科学院学部委员", 1957),
        ("两弹一星功勋奖章", 1999),
    ]
    assert list(qian.affiliations.values_list("institution", "start_year", "end_year"))[1] == (
        "中国科学院力学研究所",
        1956,
        1968,
    )
    assert list(qian.relations.values_list("other__identifier", "kind")) == [
        ("guo-yonghuai", "collaborator")
    ]
    assert Scientist.objects.get(identifier="guo-yonghuai").name_pinyin == "Guo Yonghuai"

    fonds = Fonds.objects.get(identifier="F001")
    assert fonds.scientist == qian
    assert (fonds.date_start, fonds.date_end) == (
        datetime.date(1930, 1, 1),
        datetime.date(2009, 12, 31),
    )
    sub = Series.objects.get(identifier="S001.1")
    assert (sub.parent.identifier, sub.level, sub.fonds) == ("S001", "subseries", fonds)

    manuscript = Item.objects.get(identifier="IT-0001")
    assert (manuscript.item_type, manuscript.series.identifier) == ("manuscript", "S001.1")
    assert manuscript.date_precision == "year"
    assert manuscript.date_start == datetime.date(1954, 1, 1)
    assert sorted(manuscript.subjects.names()) == ["工程", "控制论"]
    assert list(manuscript.scientists.all()) == [qian]
    letter = Item.objects.get(identifier="IT-0002")
    assert letter.creators == "钱学森；蒋英"
    assert letter.date_approximate is True
    assert letter.rights_statement == "http://rightsstatements.org/vocab/NoC-US/1.0/"
    assert (letter.access_level, letter.embargo_until) == ("researchers", datetime.date(2030, 1, 1))
    assert letter.scientists.count() == 2

    interview = Interview.objects.get(item__identifier="OH-0001")
    assert (interview.interviewee, interview.consent) == (qian, "signed")
    assert interview.interview_date == datetime.date(1989, 5, 4)
    assert list(interview.transcript.values_list("start_ms", "end_ms", "speaker", "text")) == [
        (1000, 4500, "采访者", "请您谈谈童年。"),
        (5000, 9000, "钱学森", "我小时候在北京读书。"),
    ]
    assert list(interview.index_segments.values_list("start_ms", "title", "synopsis")) == [
        (0, "童年与求学", "谈到在北京师范大学附中读书的经历。"),
        (60000, "赴美留学", ""),
    ]


def test_csv_folder_imports_every_kind(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(csv_manifest(tmp_path / "batch"))
    assert report.ok, report.as_text()
    assert {kind: c.created for kind, c in report.counts.items()} == {
        "scientists": 2,
        "fonds": 1,
        "series": 3,
        "items": 3,
        "interviews": 1,
    }
    assert report.encodings == {f"{kind}.csv": "UTF-8" for kind in MANIFEST}
    assert_manifest_imported()
    files = ItemFile.objects.filter(item__identifier="IT-0001").order_by("sequence")
    assert [(f.sequence, f.label, f.original_filename) for f in files] == [
        (1, "p1", "p1.png"),
        (2, "p2", "p2.png"),
    ]
    assert report.files == 2
    assert Revision.objects.for_instance(Item.objects.get(identifier="IT-0001")).count() == 1


def test_xlsx_workbook_imports_every_kind(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(xlsx_manifest(tmp_path / "batch"))
    assert report.ok, report.as_text()
    assert report.encodings == {"manifest.xlsx": "XLSX"}
    assert_manifest_imported()
    assert ItemFile.objects.count() == 2


def test_rerun_reports_unchanged_and_writes_nothing(tmp_path, django_capture_on_commit_callbacks):
    folder = csv_manifest(tmp_path / "batch")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(folder)
    before = record_counts()
    stamps = dict(Item.objects.values_list("identifier", "updated_at"))
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(folder)
    assert report.ok
    assert {kind: (c.created, c.updated) for kind, c in report.counts.items()} == {
        kind: (0, 0) for kind in MANIFEST
    }
    assert report.counts["items"].unchanged == 3
    assert record_counts() == before
    assert dict(Item.objects.values_list("identifier", "updated_at")) == stamps


def test_changed_row_updates_only_that_record(tmp_path):
    folder = csv_manifest(tmp_path / "batch")
    run_import(folder)
    write_csv(folder / "items.csv", replace_cell(ITEMS, 3, "date", "1956年3月"))
    revisions = Revision.objects.count()
    report = run_import(folder)
    assert (report.counts["items"].updated, report.counts["items"].unchanged) == (1, 2)
    letter = Item.objects.get(identifier="IT-0002")
    assert (letter.date_text, letter.date_end) == ("1956年3月", datetime.date(1956, 3, 31))
    assert letter.date_approximate is False
    assert Revision.objects.count() == revisions + 1
    assert letter.latest_revision.content["date_text"] == "1956年3月"


def test_changed_children_are_replaced(tmp_path):
    folder = csv_manifest(tmp_path / "batch")
    run_import(folder)
    write_csv(folder / "items.csv", replace_cell(ITEMS, 2, "subjects", "火箭"))
    report = run_import(folder)
    assert report.counts["items"].updated == 1
    assert list(Item.objects.get(identifier="IT-0001").subjects.names()) == ["火箭"]


def test_dry_run_writes_nothing_but_reports_the_plan(tmp_path):
    report = run_import(csv_manifest(tmp_path / "batch"), dry_run=True)
    assert report.ok and report.dry_run
    assert report.counts["items"].created == 3
    assert report.files == 2
    assert all(count == 0 for count in record_counts().values())
    assert "Dry run" in report.as_text() or "试运行" in report.as_text()


def test_gb18030_csv_imports(tmp_path):
    folder = csv_manifest(tmp_path / "batch", {"scientists": MANIFEST["scientists"]})
    write_csv(folder / "scientists.csv", MANIFEST["scientists"], encoding="gb18030")
    report = run_import(folder / "scientists.csv")
    assert report.ok, report.as_text()
    assert report.encodings == {"scientists.csv": "GB18030"}
    assert Scientist.objects.get(identifier="qian-xuesen").birth_place == "上海"


def test_utf8_bom_csv_imports(tmp_path):
    path = write_csv(tmp_path / "scientists.csv", MANIFEST["scientists"], encoding="utf-8-sig")
    report = run_import(path)
    assert report.ok, report.as_text()
    assert report.encodings == {"scientists.csv": "UTF-8 (BOM)"}
    assert Scientist.objects.filter(identifier="guo-yonghuai").exists()


def test_single_csv_kind_from_name_or_option(tmp_path):
    path = write_csv(tmp_path / "2024-batch-scientists.csv", MANIFEST["scientists"])
    assert run_import(path).counts["scientists"].created == 2
    other = write_csv(tmp_path / "people.csv", MANIFEST["scientists"])
    assert run_import(other, kind="scientists").counts["scientists"].unchanged == 2


def test_xss_title_is_stored_verbatim(tmp_path):
    payload = '<script>alert("档案")</script><img src=x onerror=alert(1)>'
    manifest = dict(MANIFEST, items=replace_cell(ITEMS, 2, "title", payload))
    assert run_import(csv_manifest(tmp_path / "batch", manifest)).ok
    assert Item.objects.get(identifier="IT-0001").title == payload


def test_empty_pinyin_column_is_filled(tmp_path):
    rows = [["identifier", "name"], ["ouyang-zi", "欧阳自远"]]
    path = write_csv(tmp_path / "scientists.csv", rows)
    run_import(path)
    assert Scientist.objects.get(identifier="ouyang-zi").name_pinyin == "Ouyang Ziyuan"


def test_command_prints_summary(tmp_path, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_archive", str(csv_manifest(tmp_path / "batch")))
    out = capsys.readouterr()
    assert "items" in out.out and "3" in out.out
    assert Item.objects.count() == 3


def test_command_dry_run(tmp_path, capsys):
    call_command("import_archive", str(csv_manifest(tmp_path / "batch")), "--dry-run")
    assert Item.objects.count() == 0
    assert "items" in capsys.readouterr().out


def test_absent_columns_leave_fields_alone(tmp_path):
    run_import(csv_manifest(tmp_path / "batch"))
    rows = [
        ["档号", "题名", "类型", "系列", "开放级别"],
        ["IT-0001", "工程控制论手稿", "手稿", "S001.1", "工作人员"],
    ]
    path = write_csv(tmp_path / "more-items.csv", rows)
    report = run_import(path)
    assert report.ok, report.as_text()
    assert report.counts["items"].updated == 1
    item = Item.objects.get(identifier="IT-0001")
    assert (item.access_level, item.title, item.date_text) == ("staff", "工程控制论手稿", "1954年")
    assert item.subjects.count() == 2


def test_existing_series_moves_under_a_new_series(tmp_path):
    run_import(csv_manifest(tmp_path / "batch"))
    rows = [
        ["identifier", "title", "fonds", "parent", "level"],
        ["S001", "手稿", "F001", "S100", "subseries"],
        ["S100", "新系列", "F001", "", "series"],
    ]
    report = run_import(write_csv(tmp_path / "series.csv", rows))
    assert report.ok, report.as_text()
    assert (report.counts["series"].created, report.counts["series"].updated) == (1, 1)
    assert Series.objects.get(identifier="S001").parent.identifier == "S100"


def test_a_file_the_pipeline_refuses_is_reported_and_the_records_kept(
    tmp_path, django_capture_on_commit_callbacks
):
    folder = csv_manifest(tmp_path / "batch")
    (folder / "scans" / "p2.png").write_bytes(b"")
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(folder)
    assert report.committed and report.files == 1
    assert len(report.file_errors) == 1 and "IT-0001, file p2.png" in report.file_errors[0]
    assert Item.objects.count() == 3
    assert "could not be ingested" in report.as_text()


@pytest.mark.django_db(transaction=True)
def test_command_fails_when_a_file_could_not_be_ingested(tmp_path, capsys):
    # A real commit: the files are handed over before the command reads the report.
    folder = csv_manifest(tmp_path / "batch")
    (folder / "scans" / "p2.png").write_bytes(b"")
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_archive", str(folder), verbosity=0)
    assert "p2.png" in capsys.readouterr().out
    assert Item.objects.count() == 3
