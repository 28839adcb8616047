"""A search hit on a line of an OCR'd table names the table cell it matched (issue 18)."""

from media_pipeline.models import PageText
from search.documents import _lines
from search.engines.hits import make_hit


def test_a_page_hit_names_the_table_cells_its_match_lies_in():
    page = PageText(
        width=1000,
        height=2000,
        lines=[
            {"text": "科研经费报告", "box": [100, 100, 800, 50]},
            {"text": "一九五六年", "box": [100, 300, 300, 40], "cell": [1, 0]},
            {"text": "风洞试验经费", "box": [400, 300, 300, 40], "cell": [1, 1]},
            {"text": "风洞试验设备", "box": [400, 400, 300, 40], "cell": [2, 1]},
            {"text": "风洞", "box": [400, 440, 300, 40], "cell": [2, 1]},
        ],
    )
    lines = _lines(page)
    assert [line.get("cell") for line in lines] == [None, [1, 0], [1, 1], [2, 1], [2, 1]]
    document = {"id": "page:1:1", "kind": "page", "url": "/items/1/", "page_number": 1}
    hit = make_hit({**document, "body": "风洞试验", "lines": lines}, ["风洞"], 1.0)
    assert hit.cells == [[1, 1], [2, 1]]  # each cell once, in reading order
    assert len(hit.line_boxes) == 3
    plain = make_hit({**document, "body": "报告", "lines": lines}, ["报告"], 1.0)
    assert plain.cells == []  # a match outside the table names no cell
