"""Bad manifests: each problem is reported at its row and column, and nothing is written."""

import csv
import io
import os

import pytest

from archive_collections.importer import run_import
from archive_collections.importer.report import Problem
from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from media_pipeline.models import ItemFile

from .test_import_support import (  # noqa: F401  english: autouse fixture
    INTERVIEWS,
    ITEMS,
    MANIFEST,
    SCIENTISTS,
    csv_manifest,
    english,
    replace_cell,
    write_csv,
    xlsx_manifest,
)

pytestmark = pytest.mark.django_db


def assert_nothing_written():
    for model in (Scientist, Fonds, Series, Item, Interview, ItemFile):
        assert not model.objects.exists(), f"{model.__name__} rows were written"


def only_problem(report) -> Problem:
    assert not report.ok
    assert len(report.problems) == 1, report.as_text()
    return report.problems[0]


def import_with(tmp_path, kind, rows, **kwargs):
    manifest = dict(MANIFEST, **{kind: rows})
    return run_import(csv_manifest(tmp_path / "batch", manifest), **kwargs)


def test_unbalanced_quote(tmp_path):
    path = tmp_path / "scientists.csv"
    path.write_text('identifier,name\nqian-xuesen,钱学森\nguo-yonghuai,"郭永怀\n', encoding="utf-8")
    problem = only_problem(run_import(path))
    assert (problem.kind, problem.row, problem.column) == ("scientists", 3, "")
    assert problem.reason.startswith(
        "malformed CSV in scientists.csv: the record starting on line 3 cannot be read"
    )
    assert "unbalanced quote" in problem.reason
    assert_nothing_written()


def test_row_with_more_cells_than_headers(tmp_path):
    path = tmp_path / "scientists.csv"
    path.write_text(
        "identifier,name\nqian-xuesen,钱学森\nguo-yonghuai,郭永怀,extra\n", encoding="utf-8"
    )
    problem = only_problem(run_import(path))
    assert (problem.row, problem.value) == (3, "extra")
    assert problem.reason.startswith("the row has 3 cells but the header has 2 columns")
    assert_nothing_written()


def test_utf16_file_is_refused_with_position(tmp_path):
    path = tmp_path / "scientists.csv"
    path.write_bytes("identifier,name\nqian-xuesen,钱学森\n".encode("utf-16"))
    problem = only_problem(run_import(path))
    assert problem.reason == (
        "scientists.csv is neither UTF-8 nor GB18030: line 1, byte offset 0 (bytes ff fe 69 00) "
        "cannot be decoded; save the file as UTF-8 CSV"
    )
    assert_nothing_written()


def test_latin1_file_is_refused_at_the_failing_line(tmp_path):
    path = tmp_path / "scientists.csv"
    # é followed by a newline is invalid UTF-8 and an incomplete GB18030 sequence at the end.
    path.write_bytes("identifier,name\nqian-xuesen,钱\nli-na,René\n".encode()[:-3] + b"\xe9\n")
    problem = only_problem(run_import(path))
    assert "line 3, byte offset" in problem.reason
    assert problem.reason.startswith("scientists.csv is neither UTF-8 nor GB18030")
    assert_nothing_written()


def test_missing_required_columns(tmp_path):
    rows = [[cell for i, cell in enumerate(row) if i != 1] for row in SCIENTISTS]  # no 姓名
    report = import_with(tmp_path, "scientists", rows)
    scientist_problems = [p for p in report.problems if p.kind == "scientists"]
    assert [(p.row, p.column, p.reason) for p in scientist_problems] == [
        (1, "", "required column name (姓名) is missing")
    ]
    assert_nothing_written()


def test_unknown_column(tmp_path):
    rows = [row + ["x"] for row in ITEMS]
    rows[0][-1] = "titel"
    problem = only_problem(import_with(tmp_path, "items", rows))
    assert (problem.kind, problem.row, problem.column) == ("items", 1, "titel")
    assert problem.reason.startswith(
        "unknown column “titel”; the items columns are identifier (档号), title (题名)"
    )
    assert_nothing_written()


def test_duplicate_identifiers(tmp_path):
    rows = ITEMS + [ITEMS[1]]
    problem = only_problem(import_with(tmp_path, "items", rows))
    assert (problem.kind, problem.row, problem.column, problem.value) == (
        "items",
        5,
        "identifier",
        "IT-0001",
    )
    assert problem.reason == "duplicate identifier: already used on row 2"
    assert_nothing_written()


def test_unknown_item_type(tmp_path):
    problem = only_problem(import_with(tmp_path, "items", replace_cell(ITEMS, 3, "type", "书本")))
    assert (problem.kind, problem.row, problem.column, problem.value) == (
        "items",
        3,
        "type",
        "书本",
    )
    assert problem.reason.startswith("is not a known item type; use one of audio, certificate")
    assert_nothing_written()


def test_unparseable_date_reports_the_parser_reason(tmp_path):
    problem = only_problem(
        import_with(tmp_path, "items", replace_cell(ITEMS, 4, "date", "1956年13月"))
    )
    assert (problem.row, problem.column, problem.value) == (4, "date", "1956年13月")
    assert problem.reason == "cannot read “1956年13月” as a date: month 13 does not exist"
    assert_nothing_written()


def test_error_in_last_row_leaves_everything_unwritten(tmp_path):
    rows = replace_cell(ITEMS, len(ITEMS), "embargo_until", "2030-02-30")
    problem = only_problem(import_with(tmp_path, "items", rows))
    assert (problem.kind, problem.row, problem.column) == ("items", 4, "embargo_until")
    assert problem.reason == "is not a date in the form YYYY-MM-DD"
    assert_nothing_written()


def test_last_row_of_xlsx_failing_writes_nothing(tmp_path):
    rows = replace_cell(INTERVIEWS, 2, "consent", "maybe")
    report = run_import(xlsx_manifest(tmp_path / "batch", dict(MANIFEST, interviews=rows)))
    problem = only_problem(report)
    assert (problem.kind, problem.row, problem.column) == ("interviews", 2, "consent")
    assert_nothing_written()


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "scans/..\\..\\x.png"])
def test_file_paths_outside_the_import_folder(tmp_path, path):
    problem = only_problem(import_with(tmp_path, "items", replace_cell(ITEMS, 2, "files", path)))
    assert (problem.kind, problem.row, problem.column, problem.value) == ("items", 2, "files", path)
    assert "“..” is not allowed" in problem.reason or problem.reason.startswith(
        "is outside the import folders"
    )
    assert_nothing_written()


def test_symlink_escaping_the_import_folder(tmp_path):
    folder = csv_manifest(tmp_path / "batch")
    os.symlink("/etc/passwd", folder / "scans" / "p3.png")
    write_csv(folder / "items.csv", replace_cell(ITEMS, 2, "files", "scans/p3.png"))
    problem = only_problem(run_import(folder))
    assert (problem.row, problem.column, problem.value) == (2, "files", "scans/p3.png")
    assert problem.reason.startswith("is outside the import folders (ARCHIVE_IMPORT_ROOTS)")
    assert_nothing_written()


def test_missing_file(tmp_path):
    problem = only_problem(
        import_with(tmp_path, "items", replace_cell(ITEMS, 2, "files", "scans/p9.png"))
    )
    assert problem.reason.startswith("file not found:")
    assert_nothing_written()


def test_unknown_references(tmp_path):
    items = replace_cell(ITEMS, 3, "series", "S999")
    items = replace_cell(items, 2, "scientists", "qian-xuesen；nobody")
    report = import_with(tmp_path, "items", items)
    assert sorted((p.row, p.column, p.reason) for p in report.problems) == [
        (2, "scientists", "no scientists with identifier “nobody” in this manifest or the archive"),
        (3, "series", "no series with identifier “S999” in this manifest or the archive"),
    ]
    assert_nothing_written()


def test_interview_of_an_item_that_is_not_oral_history(tmp_path):
    rows = replace_cell(INTERVIEWS, 2, "item", "IT-0001")
    problem = only_problem(import_with(tmp_path, "interviews", rows))
    assert (problem.row, problem.column) == (2, "item")
    assert problem.reason == (
        "item IT-0001 is of type manuscript; interviews belong to oral_history items"
    )
    assert_nothing_written()


def test_bad_transcript_fails_the_whole_import(tmp_path):
    folder = csv_manifest(tmp_path / "batch")
    (folder / "oh1.vtt").write_text(
        "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n甲\n\n00:00:01.000 --> 00:00:02.000\n乙\n",
        encoding="utf-8",
    )
    problem = only_problem(run_import(folder))
    assert (problem.kind, problem.row, problem.column) == ("interviews", 2, "transcript")
    assert problem.reason == (
        "oh1.vtt, line 6: timecodes go backwards: this cue starts before the cue on line 3"
    )
    assert_nothing_written()


def test_invalid_identifier_and_rights_and_relation(tmp_path):
    rows = replace_cell(SCIENTISTS, 3, "标识", "Guo Yonghuai")
    rows = replace_cell(rows, 2, "关系", "guo-yonghuai")
    report = run_import(write_csv(tmp_path / "scientists.csv", rows))
    assert sorted((p.row, p.column) for p in report.problems) == [
        (2, "relations"),
        (3, "identifier"),
    ]
    assert_nothing_written()


def test_row_limit(tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_ROWS = 2
    problem = only_problem(run_import(write_csv(tmp_path / "items.csv", ITEMS)))
    assert problem.reason.startswith("the manifest has 3 rows, more than the limit of 2")
    assert_nothing_written()


def test_byte_limit(tmp_path, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 100
    problem = only_problem(run_import(write_csv(tmp_path / "items.csv", ITEMS)))
    assert problem.reason.startswith("the manifest is larger than the limit of 100 bytes")
    assert_nothing_written()


def test_error_export_neutralises_formulas(tmp_path):
    payload = "=cmd|' /C calc'!A0"
    report = import_with(tmp_path, "items", replace_cell(ITEMS, 2, "type", payload))
    exported = report.problems_csv()
    assert exported.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows[1][:4] == ["items", "2", "type", "'" + payload]
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    assert_nothing_written()


def test_command_fails_with_the_report(tmp_path):
    from django.core.management import CommandError, call_command

    path = write_csv(tmp_path / "items.csv", replace_cell(ITEMS, 3, "type", "书本"))
    with pytest.raises(CommandError) as caught:
        call_command("import_archive", str(path), "--dry-run")
    assert "items, row 3, column type “书本”: is not a known item type" in str(caught.value)
    assert_nothing_written()
