"""Storing the text of a file's pages (PDF text layer, OCR) in bulk, and announcing it once.

Rows are written with `bulk_create` in one transaction, so no per-page model signal fires;
`signals.page_texts_replaced` is sent once per call instead (after commit), and search reindexes
the item once rather than once per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from . import signals
from .models import ItemFile, PageText


@dataclass(frozen=True)
class PageTextRecord:
    """One page's text, its lines with boxes, the pixel size the boxes refer to, and (OCR) the
    page's blocks: columns, headings, tables with their cells (see PageText.blocks)."""

    number: int
    text: str
    width: int
    height: int
    lines: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)


def replace_page_texts(
    item_file: ItemFile, source: str, pages: Sequence[PageTextRecord], engine: str, version: str
) -> None:
    """Make `pages` the file's only rows of `source`; any row on the same page is replaced."""
    with transaction.atomic():
        PageText.objects.filter(item_file=item_file, source=source).delete()
        _write(item_file, source, pages, engine, version)
    announce(item_file)


def store_page_texts(
    item_file: ItemFile, source: str, pages: Sequence[PageTextRecord], engine: str, version: str
) -> None:
    """Replace the rows on these pages only, without announcing: for a step storing page by page
    (OCR resumes where it stopped), which calls `announce` once when it has finished."""
    with transaction.atomic():
        _write(item_file, source, pages, engine, version)


def delete_page_texts(item_file: ItemFile, source: str, *, keep: Iterable[int] = ()) -> int:
    """Delete the file's rows of `source` except on pages `keep`; returns how many went."""
    deleted, _by_model = (
        PageText.objects.filter(item_file=item_file, source=source)
        .exclude(page_number__in=list(keep))
        .delete()
    )
    return deleted


def announce(item_file: ItemFile) -> None:
    """Send `page_texts_replaced` for the file once the current transaction has committed."""
    file_id, item_id = item_file.pk, item_file.item_id
    transaction.on_commit(
        lambda: signals.page_texts_replaced.send(
            sender=ItemFile, item_file_id=file_id, item_id=item_id
        )
    )


def _write(
    item_file: ItemFile, source: str, pages: Sequence[PageTextRecord], engine: str, version: str
) -> None:
    numbers = [page.number for page in pages]
    PageText.objects.filter(item_file=item_file, page_number__in=numbers).delete()
    PageText.objects.bulk_create(
        PageText(
            item_file=item_file,
            page_number=page.number,
            text=page.text,
            lines=page.lines,
            blocks=page.blocks,
            source=source,
            engine=engine,
            engine_version=version,
            width=page.width,
            height=page.height,
        )
        for page in pages
    )
