"""The item page hands the viewer each page's OCR blocks, scaled to the tiled page's pixels."""

import json
import re

import pytest

from media_pipeline.models import PageText, PageTextSource
from tests.factories import ItemFactory

from . import imaging_samples as make

pytestmark = pytest.mark.django_db


def _viewer_data(html: str) -> dict:
    match = re.search(
        r'<script id="viewer-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_blocks_and_cells_reach_the_viewer_in_the_pages_pixels(client, ingest):
    item = ItemFactory(item_type="photograph", access_level="public", identifier="QXS-L-1")
    scan = ingest(item, make.encoded("JPEG", (800, 600)), "scan.jpg", sequence=1)
    ingest(item, make.encoded("JPEG", (400, 300)), "back.jpg", sequence=2)
    # OCR read the page at half the size the viewer shows (a PDF rendered at another dpi, say).
    PageText.objects.create(
        item_file=scan,
        page_number=1,
        source=PageTextSource.OCR,
        engine="rapidocr",
        width=400,
        height=300,
        blocks=[
            {"kind": "heading", "box": [10, 10, 200, 20], "lines": [0]},
            {
                "kind": "table",
                "box": [10, 100, 300, 100],
                "rows": 2,
                "columns": 1,
                "lines": [1, 2],
                "cells": [
                    {"row": 0, "column": 0, "box": [10, 100, 300, 50], "lines": [1]},
                    {"row": 1, "column": 0, "box": [10, 150, 300, 50], "lines": [2]},
                ],
            },
        ],
    )
    html = client.get(item.get_absolute_url()).content.decode()
    data = _viewer_data(html)
    first, second = data["pages"]
    assert first["blocks"] == [
        {"kind": "heading", "box": [20, 20, 400, 40], "cells": []},
        {
            "kind": "table",
            "box": [20, 200, 600, 200],
            "cells": [[20, 200, 600, 100], [20, 300, 600, 100]],
        },
    ]
    assert second["blocks"] == []  # not OCR'd: nothing to outline
    assert "data-viewer-layout" in html


def test_no_layout_button_without_blocks(client, ingest):
    item = ItemFactory(item_type="photograph", access_level="public", identifier="QXS-L-2")
    ingest(item, make.encoded("JPEG", (800, 600)), "scan.jpg", sequence=1)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "data-viewer-layout" not in html
    assert _viewer_data(html)["pages"][0]["blocks"] == []
