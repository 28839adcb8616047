"""CSV and XLSX files a curator edits and gives back to the importer unchanged in form.

CSV is UTF-8 with a byte order mark by default (Excel on Windows needs it to read UTF-8) or
GB18030 for older spreadsheet programs; the importer detects both. An XLSX workbook has one sheet
named after the kind, so it is itself a manifest. Cells a spreadsheet would run as formulas get
the importer's guard, which the importer takes off again.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from archive_collections.importer.schema import guard_formula

# The encoding a curator asks for → the codec and the bytes a file starts with.
CSV_ENCODINGS: dict[str, tuple[str, bytes]] = {
    "utf-8": ("utf-8", codecs.BOM_UTF8),
    "gb18030": ("gb18030", b""),
}
DEFAULT_ENCODING = "utf-8"
ROWS_PER_CHUNK = 200  # rows per streamed piece: fewer, larger writes than one per row


class _Line:
    """csv.writer writes into this and gets the line back, so rows can be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(
    header: list[str], rows: Iterable[list[str]], encoding: str = DEFAULT_ENCODING
) -> Iterator[bytes]:
    codec, prefix = CSV_ENCODINGS[encoding]
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield prefix + writer.writerow(header).encode(codec)
    pending: list[str] = []
    for row in rows:
        pending.append(writer.writerow([guard_formula(cell) for cell in row]))
        if len(pending) == ROWS_PER_CHUNK:
            yield "".join(pending).encode(codec)
            pending = []
    if pending:
        yield "".join(pending).encode(codec)


def _text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    # XLSX cannot hold most ASCII control characters; openpyxl would refuse the whole file.
    cell = WriteOnlyCell(sheet, guard_formula(ILLEGAL_CHARACTERS_RE.sub("", value)))
    cell.data_type = "s"  # never a formula or a number: the importer reads text as written
    return cell


def write_xlsx(kind: str, header: list[str], rows: Iterable[list[str]], output: IO[bytes]) -> None:
    """Rows go to disk as they come (openpyxl's write-only mode), not into a workbook in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=kind)
    sheet.append(header)
    for row in rows:
        sheet.append([_text_cell(sheet, cell) for cell in row])
    workbook.save(output)
