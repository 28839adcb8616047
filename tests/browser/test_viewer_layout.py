"""The viewer's "Show layout" in Chromium: OCR blocks and table cells outlined on the page.

The page is a generated two-column report; its blocks are the ones the generator drew (the OCR
that finds them is tested in tests/media_pipeline/test_ocr_layout_pages.py), so no OCR runs here.
"""

import io

import pytest

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import PageText, PageTextSource
from tests.browser.shots import keep
from tests.factories import ItemFactory, ocr_pages
from tests.media_pipeline import pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "OCR_LAYOUT_SHOTS_DIR"
LOADED = """() => {
  const root = document.querySelector('[data-viewer]');
  const item = root && root.viewer && root.viewer.world.getItemAt(0);
  return Boolean(item && item.getFullyLoaded());
}"""


@pytest.fixture
def report_item(live_site):
    report = ocr_pages.two_column_report(seed=3, dpi=100, font_pt=14, rows=6)
    item = ItemFactory(
        item_type="photograph", access_level="public", identifier="QSQ-LAYOUT-1", title="工作报告"
    )
    item_file = ingest_fileobj(
        item, io.BytesIO(pages.png_bytes(report.image)), "report.png", sequence=1, label="第1页"
    )
    cells = [
        {
            "row": c.row,
            "column": c.column,
            "row_span": c.row_span,
            "column_span": c.column_span,
            "box": list(c.box),
            "lines": [],
        }
        for c in report.cells
    ]
    blocks = [
        {"kind": "heading", "box": list(report.title_box), "lines": [0]},
        *({"kind": "text", "box": list(box), "lines": []} for box in report.column_boxes),
        {"kind": "table", "box": list(report.table_box), "rows": 4, "columns": 4, "cells": cells},
    ]
    PageText.objects.create(
        item_file=item_file,
        page_number=1,
        text=report.truth,
        source=PageTextSource.OCR,
        engine="rapidocr",
        width=report.image.width,
        height=report.image.height,
        blocks=blocks,
    )
    return item, report


def test_show_layout_outlines_blocks_and_table_cells(page, live_url, report_item, screenshot):
    item, report = report_item
    page.goto(live_url(item.get_absolute_url()), wait_until="domcontentloaded")
    page.wait_for_function(LOADED, timeout=45_000)
    toggle = page.get_by_role("button", name="显示版面")  # "Show layout"
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator("[data-viewer-block]").count() == 0

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    kinds = page.locator("[data-viewer-block]").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-viewer-block'))"
    )
    assert kinds == ["heading", "text", "text", "table"]
    assert page.locator("[data-viewer-cell]").count() == len(report.cells) == 15
    # The outlines sit where the page has them: the table's outline has the table's shape and
    # lies below the columns' outlines.
    table = page.locator(".viewer__block--table").bounding_box()
    column = page.locator(".viewer__block--text").first.bounding_box()
    _x, _y, width, height = report.table_box
    assert table["width"] / table["height"] == pytest.approx(width / height, rel=0.05)
    assert table["y"] > column["y"] + column["height"] - 2
    keep(SHOTS, screenshot(page, "layout-shown", full_page=False), "C1-viewer-layout.png")

    page.get_by_role("button", name="放大").click()  # "Zoom in": outlines follow the image
    page.wait_for_timeout(600)
    keep(SHOTS, screenshot(page, "layout-zoomed", full_page=False), "C1-viewer-layout-zoom.png")

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator("[data-viewer-block], [data-viewer-cell]").count() == 0
