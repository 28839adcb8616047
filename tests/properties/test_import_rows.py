"""Import rows (CSV and XLSX manifests): every cell parser returns a value or a CellError, cells
the exporter writes read back as written, and a generated item row survives export → import."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from archive_collections.exporting.columns import export_columns
from archive_collections.exporting.writers import CSV_ENCODINGS, csv_chunks, write_xlsx
from archive_collections.importer import run_import
from archive_collections.importer.paths import PathRefused, resolve_manifest_path
from archive_collections.importer.readers import decode, parse_csv, read_xlsx
from archive_collections.importer.report import ImportReport
from archive_collections.importer.schema import (
    MAX_POSITION,
    SCHEMAS,
    CellError,
    map_header,
    unguard_formula,
)
from archive_collections.importer.validate import Validator
from archive_collections.models import AccessLevel, ItemType, RightsStatement
from archive_collections.models.choices import LANGUAGE_CHOICES

from . import bounded

COLUMNS = [(kind, column) for kind, columns in SCHEMAS.items() for column in columns]
# Cells as curators type them: the characters the parsers look at, in any order, and anything.
CELL_ALPHABET = "0123456789²①١１abcXYZ-_.|;；:,/ 年月日约代民国十一二公开研究人员男女InCNoC=+@'\t"
cells = st.one_of(
    st.text(alphabet=CELL_ALPHABET, min_size=1, max_size=24),
    st.text(min_size=1, max_size=40),
)


@bounded(300)
@given(cells)
@example("²")  # position: str.isdigit() let it through to int(), and ValueError escaped the row
@example("①")
def test_every_cell_parser_returns_a_value_or_a_cell_error(raw):
    value = raw.strip()
    if not value:
        return
    for kind, column in COLUMNS:
        try:
            column.parse(value)
        except CellError as exc:
            assert str(exc), (kind, column.name, value)


# Cell text an export can hold: anything but NUL, surrogates and the control characters XLSX
# cannot store (the XLSX writer drops those, by design).
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
    max_size=30,
) | st.text(alphabet="=+-@'\"，,；;\n\r\t 钱学森 abc", max_size=12)
sheet_rows = st.lists(
    st.lists(cell_text, min_size=3, max_size=3).filter(lambda row: row[0].strip()),
    min_size=1,
    max_size=8,
)
HEADER = ["档号", "题名", "描述"]


@bounded(150)
@given(sheet_rows, st.sampled_from(sorted(CSV_ENCODINGS)))
@example([["=SUM(1)", "'=x", "-1"]], "utf-8")
@example([["钱", "\r\n", ""]], "gb18030")
def test_csv_cells_the_exporter_writes_read_back_as_written(rows, encoding):
    data = b"".join(csv_chunks(HEADER, rows, encoding))
    text, _label = decode(data, "items.csv")
    report = ImportReport("items.csv")
    sheet = parse_csv(text, "items", "items.csv", report)
    assert report.ok, report.as_text()
    assert sheet is not None and sheet.header == HEADER
    assert [[unguard_formula(cell) for cell in cells] for _row, cells in sheet.rows] == rows


xlsx_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20
) | st.text(alphabet="=+-@'钱学森 abc1", max_size=8)


@bounded(25)
@given(
    st.lists(
        st.lists(xlsx_text, min_size=3, max_size=3).filter(lambda row: row[0].strip()),
        min_size=1,
        max_size=4,
    )
)
def test_xlsx_cells_the_exporter_writes_read_back_as_written(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "items.xlsx"
        with path.open("wb") as handle:
            write_xlsx("items", HEADER, rows, handle)
        report = ImportReport("items.xlsx")
        (sheet,) = read_xlsx(path, report, [0])
    assert report.ok, report.as_text()
    assert [[unguard_formula(cell) for cell in cells] for _row, cells in sheet.rows] == rows


# A valid item row, field by field, as the catalogue stores it.
def _stripped(alphabet: str, max_size: int, min_size: int = 0):
    return (
        st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda v: len(v) >= min_size)
    )


PROSE = "钱学森手稿关于火箭的笔记第页 abcXYZ0123456789，。、（）()-=+@'\"\n"
identifiers = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,30}\Z")
scientist_ids = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}\Z")
entries = _stripped("钱学森郭永怀力学所abc ", 20, 1)
written_dates = st.sampled_from(
    ["", "1956", "1956年3月5日", "约1950年", "1950年代", "1956—1958", "民国三十八年", "不详"]
)


@st.composite
def item_values(draw) -> dict:
    return {
        "identifier": draw(identifiers),
        "title": draw(_stripped(PROSE, 60, 1)),
        "title_en": draw(_stripped("Qian Xuesen's letter, 1956: (notes) =+-@'\"", 60)),
        "type": draw(st.sampled_from(ItemType.values)),
        "series": draw(identifiers),
        "date": draw(written_dates),
        "creators": "；".join(draw(st.lists(entries, max_size=3))),
        "scientists": tuple(draw(st.lists(scientist_ids, max_size=3))),
        "description": draw(_stripped(PROSE, 80)),
        "description_en": draw(_stripped("Lecture notes on rockets, 1950s =+-@'\"\n", 80)),
        "subjects": tuple(draw(st.lists(entries, max_size=3))),
        "places": draw(_stripped("上海北京 ", 20)),
        "language": draw(st.sampled_from([code for code, _label in LANGUAGE_CHOICES])),
        "extent": draw(_stripped("3页1件 ", 10)),
        "provenance": draw(_stripped(PROSE, 30)),
        "rights": draw(st.sampled_from(RightsStatement.values)),
        "access": draw(st.sampled_from(AccessLevel.values)),
        "embargo_until": draw(st.none() | st.dates(date(1900, 1, 1), date(2100, 12, 31))),
        "position": draw(st.integers(0, MAX_POSITION)),
    }


@bounded(100)
@given(item_values(), st.sampled_from(sorted(CSV_ENCODINGS)))
def test_an_exported_item_row_imports_to_the_same_values(values, encoding):
    columns = export_columns("items")
    header = [column.header for column in columns]
    row = [column.format(values[column.name]) for column in columns]
    data = b"".join(csv_chunks(header, [row], encoding))
    report = ImportReport("items.csv")
    sheet = parse_csv(decode(data, "items.csv")[0], "items", "items.csv", report)
    mapped, problems = map_header("items", sheet.header)
    assert not problems
    with translation.override("en"):
        validator = Validator([sheet], Path(tempfile.gettempdir()), report, None)
        ((row_number, cells),) = sheet.rows
        record = validator.read_row("items", row_number, mapped, cells)
    assert report.ok, report.as_text()
    assert record is not None
    read = {name: record.values[name] for name in values}
    assert read == values


path_cells = st.one_of(
    st.text(alphabet="abc./\\\\:~- \x00钱", max_size=20),
    st.text(max_size=30),
    st.integers(250, 5000).map(lambda n: "x" * n),
)


@bounded(200)
@given(path_cells)
@example("scan\x00.jpg")  # a NUL byte in a files cell: ValueError escaped the whole import
@example("x" * 300)  # longer than a file name may be: OSError (ENAMETOOLONG) escaped it
@example("a/" * 3000 + "b")
def test_a_file_cell_names_a_file_inside_the_roots_or_is_refused(raw):
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder).resolve()
        (base / "scan.jpg").write_bytes(b"\xff\xd8")
        try:
            path = resolve_manifest_path(raw, base, [base])
        except PathRefused as exc:
            assert str(exc)
            return
        assert path.is_file() and path.is_relative_to(base)


csv_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(['"', ",", "\n", "\r", "档号", "题名", "a", "\x00", " ", '""']), max_size=40
    ).map("".join),
)


@bounded(300)
@given(csv_text)
# A trailing comma kept a blank third cell under a two-column header, and the validator's strict
# pairing of cells with columns raised ValueError out of the import.
@example("identifier,name\nqian-xuesen,钱学森,\n")
def test_any_csv_text_is_a_sheet_or_problems_in_the_report(text):
    report = ImportReport("items.csv")
    sheet = parse_csv(text, "items", "items.csv", report)
    if sheet is None:
        assert not report.ok
        return
    for row, cells in sheet.rows:
        assert row >= 2 and len(cells) == len(sheet.header)


@pytest.mark.django_db
def test_a_row_with_a_trailing_comma_imports(tmp_path):
    """The example above, through the whole importer: it raised ValueError before."""
    manifest = tmp_path / "scientists.csv"
    manifest.write_text("identifier,name\nqian-xuesen,钱学森,\n", encoding="utf-8")
    report = run_import(manifest, dry_run=True)
    assert report.ok, report.as_text()
    assert report.count("scientists").created == 1
