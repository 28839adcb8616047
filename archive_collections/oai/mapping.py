"""What both metadata formats read from an item the same way: types and dates."""

from __future__ import annotations

from datetime import date

from archive_collections.models import DatePrecision, ItemType

from .listing import ItemView

# DCMI Type Vocabulary term, MODS typeOfResource, and whether MODS calls it a manuscript.
TYPES: dict[str, tuple[str, str, bool]] = {
    ItemType.ORAL_HISTORY: ("Sound", "sound recording-nonmusical", False),
    ItemType.MANUSCRIPT: ("Text", "text", True),
    ItemType.LETTER: ("Text", "text", True),
    ItemType.PHOTOGRAPH: ("StillImage", "still image", False),
    ItemType.CERTIFICATE: ("Text", "text", False),
    ItemType.PUBLICATION: ("Text", "text", False),
    ItemType.OBJECT: ("PhysicalObject", "three dimensional object", False),
    ItemType.DOCUMENT: ("Text", "text", False),
    ItemType.AUDIO: ("Sound", "sound recording", False),
    ItemType.VIDEO: ("MovingImage", "moving image", False),
}
FALLBACK_TYPE = ("Text", "mixed material", False)


def type_terms(item_type: str) -> tuple[str, str, bool]:
    return TYPES.get(item_type, FALLBACK_TYPE)


def w3cdtf(item: ItemView) -> str | None:
    """The parsed date as W3CDTF at the precision it was written with; a range as start/end."""
    start, end = item.date_start, item.date_end
    if start is None:
        return None
    if item.date_precision == DatePrecision.DAY:
        return start.isoformat()
    if item.date_precision == DatePrecision.MONTH:
        return f"{start:%Y-%m}"
    if item.date_precision == DatePrecision.YEAR or end is None or end == start:
        return f"{start:%Y}"
    return f"{_bound(start, first=True)}/{_bound(end, first=False)}"


def _bound(day: date, *, first: bool) -> str:
    whole_year = (day.month, day.day) == ((1, 1) if first else (12, 31))
    return f"{day:%Y}" if whole_year else day.isoformat()


def scientist_dates(birth: int | None, death: int | None) -> str:
    if birth is None and death is None:
        return ""
    return f"{birth or ''}-{death or ''}"
