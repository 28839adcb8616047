"""The export's columns, read off the importer's schema and specs.

The importer is the one source of truth: a column is exported because SCHEMAS lists it, under the
header the importer reads, and its value comes from the same field, reference or child rows the
importer's spec compares against when it decides whether a row changed. That is what makes an
unchanged re-import write nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from django.core.exceptions import ImproperlyConfigured

from archive_collections.importer.schema import (
    KEY_COLUMN,
    RIGHTS_CODES,
    RIGHTS_SHORT_CODES,
    SCHEMAS,
    Column,
    rights,
)
from archive_collections.importer.specs import SPECS, KindSpec

# Paths to files beside a manifest: an export has no files to point at, and a column left out of
# a sheet leaves that part of a record untouched on import, so the files stay as they are.
FILE_COLUMNS = frozenset({"files", "portrait", "transcript", "index"})
LIST_JOIN = "；"  # the first separator schema.LIST_SEPARATOR splits on, as creators are stored
COMPOUND_JOIN = "|"
SHORT_RIGHTS = {RIGHTS_CODES[code.lower()]: code for code in RIGHTS_SHORT_CODES}


class _ParagraphText(HTMLParser):
    """Rich text back to the plain text the importer turns into it: paragraphs separated by a
    blank line, <br> as a line break, markup dropped, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.current.append("\n")
        elif tag == "p":
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.flush()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def flush(self) -> None:
        text = "".join(self.current).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []


def html_to_text(html: str) -> str:
    parser = _ParagraphText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return "\n\n".join(parser.paragraphs)


def scalar_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def entry_text(entry: object) -> str:
    """One list entry; compound entries as `a|b|c`, empty trailing parts dropped because the
    importer pads a short entry with empty parts."""
    if isinstance(entry, tuple):
        return COMPOUND_JOIN.join(scalar_text(part) for part in entry).rstrip(COMPOUND_JOIN)
    return scalar_text(entry)


def list_text(entries: Iterable[object]) -> str:
    return LIST_JOIN.join(entry_text(entry) for entry in entries)


def rights_code(value: object) -> str:
    """The short code (InC) a curator types, not the URI stored; the importer reads both."""
    return SHORT_RIGHTS.get(str(value), scalar_text(value))


def biography_text(value: object) -> str:
    return html_to_text(str(value or ""))


def list_cell(value: object) -> str:
    return list_text(value) if isinstance(value, tuple) else ""


# Stored values the importer would not read back unchanged as plain text, by (kind, column).
SPECIAL_FORMATS: dict[tuple[str, str], Callable[[object], str]] = {
    ("scientists", "biography"): biography_text,  # ScientistSpec turns the text into HTML
}


@dataclass(frozen=True)
class ExportColumn:
    name: str  # the importer's column name
    header: str  # the importer's Chinese alias, the header curators' sheets use
    source: str  # "field", "ref" or "children"
    attr: str  # model field, foreign key or child-row name
    format: Callable[[object], str]


def _source(kind: str, spec: KindSpec, name: str) -> tuple[str, str]:
    refs = {column: field for field, (column, _target) in spec.refs.items()}
    if name in spec.column_fields:
        return "field", spec.column_fields[name]
    if name in refs:
        return "ref", refs[name]
    if name == KEY_COLUMN[kind] and spec.key_lookup == "identifier":
        return "field", "identifier"
    if name in spec.children:
        return "children", name
    # A column added to the import format must say how it is exported, or round trips break.
    raise ImproperlyConfigured(f"the {kind} column {name!r} has no field, reference or rows")


def _format(kind: str, column: Column, source: str) -> Callable[[object], str]:
    if (kind, column.name) in SPECIAL_FORMATS:
        return SPECIAL_FORMATS[(kind, column.name)]
    if source == "children":
        return list_cell
    return rights_code if column.parse is rights else scalar_text


def export_columns(kind: str) -> list[ExportColumn]:
    """The columns of `kind` an export writes, in the importer's order."""
    spec = SPECS[kind]
    columns = []
    for column in SCHEMAS[kind]:
        if column.name in FILE_COLUMNS:
            continue
        source, attr = _source(kind, spec, column.name)
        columns.append(
            ExportColumn(column.name, column.alias, source, attr, _format(kind, column, source))
        )
    return columns
