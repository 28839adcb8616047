"""Layout analysis of OCR pages on synthetic line boxes and drawn rules: fast, no OCR model.

The boxes are those a detector gives for an A4 page at 300 dpi: body lines ~56 px tall, a
85 px leading, columns ~900 px wide with a ~130 px gutter.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from media_pipeline.ocr import layout, tables
from media_pipeline.ocr.recognise import OcrLine, _blocks_text

LEFT, RIGHT, WIDTH = 270, 1305, 900


def _column(x: int, top: int, count: int, width: int = WIDTH) -> list[list[int]]:
    return [[x, top + i * 85, width, 56] for i in range(count)]


def _order(blocks: list[layout.Group]) -> list[int]:
    return [index for block in blocks for index in block.indices]


def test_two_columns_under_a_title_are_read_one_after_the_other_then_the_table():
    title = [[700, 100, 1000, 80]]
    left, right = _column(LEFT, 300, 6), _column(RIGHT, 300, 4)
    table = [[270, 900, 1940, 400]]
    # Given in the order a row-by-row reading would produce: left/right interleaved.
    boxes = (
        title
        + [box for pair in zip(left, right + [None] * 2, strict=True) for box in pair if box]
        + table
    )
    blocks = layout.reading_blocks(boxes)
    order = [boxes[i] for i in _order(blocks)]
    assert order == title + left + right + table
    assert [b.heading for b in blocks] == [True, False, False, False]
    assert [b.column for b in blocks] == [None, 0, 1, None]


def test_columns_whose_lines_do_not_line_up_and_a_paragraph_across_the_page():
    left = _column(LEFT, 300, 5)
    right = [[RIGHT, 330 + i * 85, WIDTH, 56] for i in range(5)]  # baselines half a line lower
    below = _column(LEFT, 900, 3, width=1940)  # a full-width paragraph after the columns
    order = _order(layout.reading_blocks(below + right + left))
    boxes = below + right + left
    assert [boxes[i] for i in order] == left + right + below


def test_a_column_starting_lower_keeps_its_first_lines_in_order():
    left = _column(LEFT, 300, 6)
    right = _column(RIGHT, 470, 4)  # begins two lines lower (after a picture, say)
    order = _order(layout.reading_blocks(left + right))
    assert order == list(range(10))


def test_label_value_pairs_of_a_form_are_rows_not_columns():
    rows = []
    for i in range(4):
        rows += [[LEFT, 300 + i * 85, 160, 56], [900, 300 + i * 85, 200, 56]]
    assert _order(layout.reading_blocks(rows)) == list(range(8))


def test_fragments_of_one_line_are_read_left_to_right():
    boxes = [[900, 304, 600, 56], [270, 300, 600, 56], [270, 385, 1230, 56]]
    assert _order(layout.reading_blocks(boxes)) == [1, 0, 2]


def test_a_wide_gap_between_lines_starts_a_new_paragraph_block():
    boxes = _column(LEFT, 300, 3, 1900) + _column(LEFT, 700, 2, 1900)
    blocks = layout.reading_blocks(boxes)
    assert [b.indices for b in blocks] == [[0, 1, 2], [3, 4]]


def test_vertical_writing_reads_columns_right_to_left_and_an_upper_band_first():
    page = (2480, 3508)
    upper = [[2000 - i * 120, 300, 56, 1200] for i in range(5)]  # x from right to left
    lower = [[2000 - i * 120, 1800, 56, 1200] for i in range(4)]
    boxes = lower[::-1] + upper[::-1]
    order = _order(layout.reading_blocks(boxes, layout.TOP_TO_BOTTOM_RTL, page))
    assert [boxes[i] for i in order] == upper + lower


def test_upside_down_page_reads_from_the_bottom_right():
    page = (2480, 3508)
    boxes = _column(LEFT, 300, 4, 1900)
    order = _order(layout.reading_blocks(boxes, layout.UPSIDE_DOWN, page))
    assert order == [3, 2, 1, 0]


def _ruled(cells: list[tuple[int, int, int, int]], size=(1200, 900)) -> np.ndarray:
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    for x0, y0, x1, y1 in cells:
        draw.rectangle((x0, y0, x1, y1), outline=0, width=3)
    return np.asarray(page)


def test_ruled_table_gives_its_grid_and_a_merged_cell_once_with_its_span():
    xs, ys = [100, 400, 700, 1000], [100, 200, 300, 400]
    cells = [
        (xs[c], ys[r], xs[c + 1], ys[r + 1]) for r in range(3) for c in range(3) if (r, c) != (2, 2)
    ]
    cells = [c for c in cells if c != (xs[2], ys[1], xs[3], ys[2])]
    cells.append((xs[2], ys[1], xs[3], ys[3]))  # last column: rows 2 and 3 merged
    found = tables.find_tables(_ruled(cells))
    assert len(found) == 1
    table = found[0]
    assert (table.rows, table.columns, len(table.cells)) == (3, 3, 8)
    merged = [c for c in table.cells if c.row_span == 2]
    assert [(c.row, c.column, c.column_span) for c in merged] == [(1, 2, 1)]
    assert abs(table.box[0] - 100) <= 4 and abs(table.box[2] - 900) <= 8


def test_a_frame_around_the_page_and_an_underline_are_not_tables():
    page = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((40, 40, 1160, 860), outline=0, width=6)  # a certificate's border
    draw.line((100, 300, 900, 300), fill=0, width=3)
    assert tables.find_tables(np.asarray(page)) == []
    assert tables.find_tables(np.full((400, 400), 255, np.uint8)) == []


def test_squared_writing_paper_is_not_a_table_when_its_lines_cross_the_squares():
    xs = list(range(100, 1101, 100))
    cells = [(x, y, x + 100, y + 100) for x in xs[:-1] for y in (100, 200, 300)]
    table = tables.find_tables(_ruled(cells))[0]
    across = [[110, 110 + r * 100, 880, 80] for r in range(3)]  # each line spans 9 squares
    inside = [[110 + c * 100, 110, 80, 80] for c in range(9)]
    assert not tables.accept(table, across)
    assert tables.accept(table, inside)


def test_page_text_reads_a_table_row_by_row_with_cells_separated():
    lines = [
        OcrLine(t, [0, 0, 1, 1], 1.0) for t in ["报告", "年份", "经费", "一九五六", "十二", "万元"]
    ]
    blocks = [
        {"kind": "heading", "box": [0, 0, 1, 1], "lines": [0]},
        {
            "kind": "table",
            "box": [0, 0, 1, 1],
            "rows": 2,
            "columns": 2,
            "lines": [1, 2, 3, 4, 5],
            "cells": [
                {"row": 0, "column": 0, "lines": [1]},
                {"row": 0, "column": 1, "lines": [2]},
                {"row": 1, "column": 0, "lines": [3]},
                {"row": 1, "column": 1, "lines": [4, 5]},  # two lines in one cell run on
            ],
        },
    ]
    assert _blocks_text(lines, blocks) == "报告\n年份\t经费\n一九五六\t十二万元"
    assert layout.join_cell(["Wind", "tunnel"]) == "Wind tunnel"
