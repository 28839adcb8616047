"""DOCX transcripts with timestamps (python-docx).

Paragraphs are read like timed plain text (one paragraph or line break per line); a table whose
rows begin with a timestamp cell is read as time | speaker | text. Errors give the paragraph or
table row number as the line.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from django.utils.translation import gettext as _

from .document import Document, FormatError, Line
from .plaintext import _timestamp, read_lines, segment_lines


def _open(data: bytes, name: str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    # A damaged upload fails inside zipfile or the XML parser in several ways: a bad or cut
    # deflate stream (zlib.error, EOFError), a header claiming an unknown zip version
    # (NotImplementedError), mangled XML (XMLSyntaxError). Each is an unreadable file, not a
    # server error.
    unreadable = (
        PackageNotFoundError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
    )
    try:
        return docx.Document(io.BytesIO(data))
    except (*unreadable, XMLSyntaxError, KeyError, ValueError) as exc:
        raise FormatError(
            name, 1, _("not a readable Word (.docx) document: %(error)s") % {"error": exc}
        ) from exc


def _row_line(cells: list[str]) -> str:
    """A table row as a timed line: time | speaker | text, or time | text."""
    cells = [cell.strip() for cell in cells]
    if len(cells) >= 3 and cells[1] and _timestamp(cells[0]):
        return f"{cells[0]} {cells[1]}：{' '.join(cells[2:])}"
    return " ".join(cells)


def read_docx(data: bytes, name: str, duration_ms: int | None = None) -> Document:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = _open(data, name)
    numbered: list[tuple[int, str]] = []
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            number += 1
            numbered.extend((number, line) for line in block.text.splitlines())
        elif isinstance(block, Table):
            for row in block.rows:
                number += 1
                numbered.append((number, _row_line([cell.text for cell in row.cells])))
    return read_lines(numbered, name, duration_ms)


def write_docx(lines: list[Line], title: str, header: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for text in header:
        document.add_paragraph(text)
    for stamp, speaker, text in segment_lines(lines):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{stamp} ")
        if speaker:
            paragraph.add_run(f"{speaker}：").bold = True
        parts = text.split("\n")
        run = paragraph.add_run(parts[0])
        for part in parts[1:]:
            run.add_break()
            run = paragraph.add_run(part)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
