"""OCR of laid-out pages end to end: a two-column report with a ruled table, a vertical letter.

Each page costs seconds of OCR, so there are two; the layout rules themselves are tested on
synthetic boxes in test_ocr_layout.py.
"""

import pytest

from media_pipeline.models import FileStatus, PageText
from media_pipeline.ocr.recognise import VERTICAL, recognise
from media_pipeline.steps.ocr import OcrStep
from media_pipeline.tasks import process_item_file
from tests.factories import ItemFactory, ocr_pages

from . import pages

pytestmark = [pytest.mark.ocr, pytest.mark.slow]

STEP = f"; step {OcrStep.version}"


@pytest.mark.django_db
def test_two_column_report_is_read_column_after_column_and_its_table_cell_by_cell(ingest, settings):
    settings.MEDIA_OCR_ITEM_TYPES = ["document"]
    report = ocr_pages.two_column_report(seed=3, dpi=150, font_pt=14, rows=6)
    item_file = ingest(
        ItemFactory(item_type="document"), pages.png_bytes(report.image), "report.png"
    )
    assert item_file.status == FileStatus.DONE, item_file.error
    page = item_file.pages.get()
    assert page.engine_version.endswith(STEP)
    # Reading order is part of the error rate: interleaved columns score about 0.6.
    assert pages.cer(page.text, report.truth) <= 0.03
    assert [(b["kind"], b.get("column")) for b in page.blocks] == [
        ("heading", None),
        ("text", 0),
        ("text", 1),
        ("table", None),
    ]
    # Every line belongs to exactly one block, and the blocks follow the lines' order.
    assert [i for b in page.blocks for i in b["lines"]] == list(range(len(page.lines)))

    table = page.blocks[3]
    assert (table["rows"], table["columns"], len(table["cells"])) == (4, 4, 15)
    cell_text = {
        (c["row"], c["column"]): "".join(page.lines[i]["text"] for i in c["lines"])
        for c in table["cells"]
    }
    for cell in report.cells:
        assert pages.cer(cell_text[cell.row, cell.column], cell.text) <= 0.34, cell
    merged = next(c for c in table["cells"] if c["row_span"] == 2)
    assert (merged["row"], merged["column"]) == (1, 3)
    assert [page.lines[i]["text"] for i in merged["lines"]] == ["钱学森"]
    # Each line in the table names its cell, so a search hit on it can say where it is.
    assert all(
        page.lines[i]["cell"] == [c["row"], c["column"]] for c in table["cells"] for i in c["lines"]
    )
    assert not any("cell" in page.lines[i] for b in page.blocks[:3] for i in b["lines"])
    # Row by row, a tab between cells; the merged cell's text once, in its first row.
    rows = page.text.splitlines()[-4:]
    assert [row.count("\t") for row in rows] == [3, 3, 2, 3]
    assert rows[1].endswith("\t钱学森") and "钱学森" not in rows[2]
    tx, ty, tw, th = table["box"]
    x, y, w, h = report.table_box
    assert abs(tx - x) <= 6 and abs(ty - y) <= 6 and abs(tw - w) <= 12 and abs(th - h) <= 12


def test_vertical_letter_blocks_hold_its_columns_right_to_left():
    columns = pages.VERTICAL_COLUMNS[:3]
    result = recognise(pages.vertical_page(columns, size=(600, 700)))
    assert result.layout == VERTICAL
    assert pages.cer(result.text, "".join(columns)) <= 0.15
    assert [b["kind"] for b in result.blocks] == ["text"]
    assert result.blocks[0]["lines"] == list(range(len(result.lines)))
    lefts = [result.lines[i].box[0] for i in result.blocks[0]["lines"]]
    assert lefts == sorted(lefts, reverse=True)


@pytest.mark.django_db
def test_pages_read_by_the_previous_ocr_version_are_read_again_and_only_they(ingest, settings):
    settings.MEDIA_OCR_ITEM_TYPES = ["letter"]
    image = pages.horizontal_page(pages.SIMPLIFIED_LINES[:1], size=(1000, 160), margin=40)
    item_file = ingest(ItemFactory(item_type="letter"), pages.png_bytes(image), "letter.png")
    page = item_file.pages.get()
    assert page.blocks and page.engine_version.endswith(STEP)

    # Processing again with the same step version leaves the stored page alone.
    process_item_file.call(item_file.pk)
    assert item_file.pages.get().pk == page.pk

    # A file processed by step 2 (before table cells on lines): its page is read again.
    item_file.refresh_from_db()
    item_file.technical["steps"]["ocr"]["version"] = 2
    item_file.save(update_fields=["technical"])
    PageText.objects.filter(pk=page.pk).update(
        engine_version=page.engine_version.replace(STEP, "; step 2"), blocks=[]
    )
    process_item_file.call(item_file.pk, True)  # the late pass, where the reading happens
    again = item_file.pages.get()
    assert again.pk != page.pk and again.blocks and again.engine_version == page.engine_version
