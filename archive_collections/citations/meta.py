"""What Zotero's connector reads off an item page: Highwire Press `citation_*` meta tags and a
COinS span (an OpenURL 1.0 ContextObject in a `Z3988` span's title)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from .record import Citable

COINS_VERSION = "Z39.88-2004"
# Zotero reads `rft.type` of the Dublin Core format to choose its item type.
_DC_TYPES = {
    "interview": "interview",
    "manuscript": "manuscript",
    "personal_communication": "letter",
    "graphic": "image",
    "song": "sound",
    "motion_picture": "movingimage",
    "webpage": "webpage",
}


def _highwire_date(parts: list[int]) -> str:
    return "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))


def highwire_tags(citable: Citable, pdf_urls: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(name, content) pairs; citation_pdf_url only for PDFs the visitor may download, which is
    what the caller passes."""
    record = citable.record
    tags = [("citation_title", record["title"])]
    tags += [("citation_author", name) for name in citable.author_names]
    issued = record.get("issued")
    if issued:
        tags.append(("citation_date", _highwire_date(issued["date-parts"][0])))
    for name, variable in (
        ("citation_publisher", "archive"),
        ("citation_archive_id", "archive_location"),
        ("citation_series_title", "collection-title"),
        ("citation_language", "language"),
        ("citation_public_url", "URL"),
        ("citation_abstract_html_url", "URL"),
    ):
        if record.get(variable):
            tags.append((name, str(record[variable])))
    tags += [("citation_pdf_url", url) for url in pdf_urls]
    return tags


def _present(record: dict, *keys: tuple[str, str]) -> list[tuple[str, str]]:
    return [(key, str(record[variable])) for key, variable in keys if record.get(variable)]


def coins_title(citable: Citable) -> str:
    """The ContextObject as a query string; books use the book format, the rest Dublin Core."""
    record = citable.record
    pairs: list[tuple[str, str]] = [("ctx_ver", COINS_VERSION), ("rfr_id", "info:sid/archive")]
    issued = record.get("issued")
    date = "-".join(f"{p:02d}" for p in issued["date-parts"][0]) if issued else ""
    if record["type"] == "book":
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "book")]
        pairs += [("rft.btitle", record["title"])]
        pairs += [("rft.au", name) for name in citable.author_names]
        pairs += _present(record, ("rft.pub", "archive"))
    else:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"), ("rft.title", record["title"])]
        pairs += [("rft.creator", name) for name in citable.author_names]
        pairs += [("rft.type", _DC_TYPES.get(record["type"], "text"))]
        pairs += _present(
            record,
            ("rft.source", "collection-title"),
            ("rft.publisher", "archive"),
            ("rft.language", "language"),
        )
    pairs += [("rft.date", date)] if date else []
    pairs += [("rft_id", record["URL"]), ("rft.identifier", record["URL"])]
    return urlencode(pairs)
