"""schema.org descriptions of catalogue records, as JSON-LD for the record pages.

Items are `ArchiveComponent`s (schema.org's type for a record held by an archive) that are also
`CreativeWork`s, so generic consumers that know only CreativeWork still read their name, date
and creator; fonds and series are `ArchiveComponent`s that are also `Collection`s; scientists are
`Person`s carrying every form of their name, so a search for 钱学森, Qian Xuesen or Tsien
Hsue-shen finds the same person.

The builders only describe what the page they are rendered on already shows to its visitor:
the record pages refuse hidden records before any of this runs, and an image is only given for
a record anonymous visitors may see, because crawlers fetch it without the visitor's session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse

from archive_collections.access import AccessPolicy
from archive_collections.dates import DateParseError, parse_date
from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from archive_collections.names import pinyin_of, split_names

CONTEXT = "https://schema.org"
# Item types with a more precise schema.org type than CreativeWork.
ITEM_TYPES = {
    "photograph": "Photograph",
    "letter": "Message",
    "publication": "PublicationIssue",
    "audio": "AudioObject",
    "video": "VideoObject",
    "certificate": "DigitalDocument",
}

JsonLd = dict[str, Any]
Absolute = Callable[[str], str]


def schema_date(start: date | None, end: date | None, precision: str) -> str | None:
    """A written date as ISO 8601 at the precision it was written: 1956-03-12, 1956-03, 1956,
    or an interval 1950/1959 for decades and ranges. Unknown dates give None."""
    if start is None:
        return None
    if precision == "day":
        return start.isoformat()
    if precision == "month":
        return start.isoformat()[:7]
    if precision == "year":
        return str(start.year)
    if end is None:
        return str(start.year)
    return f"{_coarse(start, start=True)}/{_coarse(end, start=False)}"


def _coarse(value: date, start: bool) -> str:
    """A range bound without the day or month that merely fill the span out."""
    edge = (1, 1) if start else (12, 31)
    if (value.month, value.day) == edge:
        return str(value.year)
    month_edge = 1 if start else _last_day(value)
    if value.day == month_edge:
        return value.isoformat()[:7]
    return value.isoformat()


def _last_day(value: date) -> int:
    following = date(value.year + value.month // 12, value.month % 12 + 1, 1)
    return (following - date.resolution).day


def _written_date(record: Item | Fonds | Series) -> str | None:
    return schema_date(record.date_start, record.date_end, record.date_precision)


def _life_date(text: str, year: int | None) -> str | None:
    try:
        parsed = parse_date(text) if text else None
    except DateParseError:
        parsed = None
    if parsed is not None and parsed.start is not None and parsed.precision != "range":
        return schema_date(parsed.start, parsed.end, parsed.precision)
    return str(year) if year else None


def compact(data: JsonLd) -> JsonLd:
    """Leave out empty values: schema.org readers treat a missing property as unknown, an empty
    one as a (wrong) value."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def holding_archive(fonds: Fonds) -> JsonLd:
    name = fonds.collecting_institution or settings.WAGTAIL_SITE_NAME
    return {"@type": "ArchiveOrganization", "name": name}


def person_reference(scientist: Scientist, absolute: Absolute) -> JsonLd:
    url = absolute(scientist.get_absolute_url())
    return compact(
        {
            "@type": "Person",
            "@id": url,
            "name": scientist.name,
            "alternateName": scientist.name_pinyin,
            "url": url,
        }
    )


def collection_reference(record: Fonds | Series, absolute: Absolute) -> JsonLd:
    url = absolute(record.get_absolute_url())
    return {
        "@type": ["ArchiveComponent", "Collection"],
        "@id": url,
        "name": record.title,
        "identifier": record.identifier,
        "url": url,
    }


def _creators(item: Item, scientists: Sequence[Scientist], absolute: Absolute) -> list[Any]:
    """Creators as written; a creator who is one of the record's scientists becomes a link to
    their authority record, the others stay names (they may be people or institutions)."""
    by_name = {scientist.name: scientist for scientist in scientists}
    # Split as the citations and OAI-PMH split the same field, so all three name the same people.
    return [
        person_reference(by_name[name], absolute) if name in by_name else name
        for name in split_names(item.creators)
    ]


def item_jsonld(
    item: Item,
    absolute: Absolute,
    *,
    scientists: Sequence[Scientist],
    subjects: Iterable[str] = (),
    image: str | None = None,
    thumbnail: str | None = None,
) -> JsonLd:
    fonds = item.series.fonds
    url = absolute(item.get_absolute_url())
    specific = ITEM_TYPES.get(item.item_type, "CreativeWork")
    return compact(
        {
            "@context": CONTEXT,
            "@type": ["ArchiveComponent", specific],
            "@id": url,
            "url": url,
            "name": item.title,
            "identifier": item.identifier,
            "description": item.description,
            "dateCreated": _written_date(item),
            "creator": _creators(item, scientists, absolute),
            "about": [person_reference(s, absolute) for s in scientists],
            "keywords": list(subjects),
            "holdingArchive": holding_archive(fonds),
            "isPartOf": [
                collection_reference(item.series, absolute),
                collection_reference(fonds, absolute),
            ],
            "inLanguage": item.language,
            "license": item.rights_statement,
            "image": image,
            "thumbnailUrl": thumbnail,
        }
    )


def interview_jsonld(interview: Interview, item_record: JsonLd, absolute: Absolute) -> JsonLd:
    """The interview page: the item's record, seen at the player's address, with who spoke,
    who asked, when and for how long."""
    url = absolute(interview_path(interview))
    seconds = (interview.duration_ms or 0) // 1000
    return compact(
        {
            **item_record,
            "@id": url,
            "url": url,
            "mainEntityOfPage": url,
            "sameAs": item_record.get("url"),
            "about": [person_reference(interview.interviewee, absolute)],
            "contributor": interview.interviewers,
            "dateCreated": interview.interview_date.isoformat()
            if interview.interview_date
            else item_record.get("dateCreated"),
            "contentLocation": {"@type": "Place", "name": interview.place}
            if interview.place
            else None,
            "duration": f"PT{seconds}S" if seconds else None,
        }
    )


def interview_path(interview: Interview) -> str:
    return reverse("collections:interview", kwargs={"identifier": interview.item.identifier})


def _alternate_names(scientist: Scientist) -> list[str]:
    names = [scientist.name_pinyin or pinyin_of(scientist.name)]
    names += [variant.name for variant in scientist.names.all()]
    unique: list[str] = []
    for name in names:
        if name and name != scientist.name and name not in unique:
            unique.append(name)
    return unique


def _place(name: str) -> JsonLd | None:
    return {"@type": "Place", "name": name} if name else None


def scientist_jsonld(scientist: Scientist, absolute: Absolute, image: str | None = None) -> JsonLd:
    url = absolute(scientist.get_absolute_url())
    return compact(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "@id": url,
            "url": url,
            "identifier": scientist.identifier,
            "name": scientist.name,
            "alternateName": _alternate_names(scientist),
            "gender": {"male": "Male", "female": "Female"}.get(scientist.gender),
            "birthDate": _life_date(scientist.birth_date_text, scientist.birth_year),
            "deathDate": _life_date(scientist.death_date_text, scientist.death_year),
            "birthPlace": _place(scientist.birth_place),
            "deathPlace": _place(scientist.death_place),
            "description": scientist.summary,
            "knowsAbout": [discipline.name for discipline in scientist.disciplines.all()],
            "affiliation": [
                compact({"@type": "Organization", "name": a.institution, "description": a.role})
                for a in scientist.affiliations.all()
            ],
            "award": [honour.title for honour in scientist.honours.all()],
            "image": image,
        }
    )


def fonds_jsonld(fonds: Fonds, absolute: Absolute, image: str | None = None) -> JsonLd:
    creator = person_reference(fonds.scientist, absolute)
    return compact(
        {
            "@context": CONTEXT,
            **collection_reference(fonds, absolute),
            "description": fonds.scope_content,
            "dateCreated": _written_date(fonds),
            "creator": creator,
            "about": creator,
            "holdingArchive": holding_archive(fonds),
            "materialExtent": fonds.extent,
            "image": image,
        }
    )


def series_jsonld(series: Series, absolute: Absolute, ancestors: Sequence[Series] = ()) -> JsonLd:
    enclosing = [collection_reference(s, absolute) for s in reversed(ancestors)]
    return compact(
        {
            "@context": CONTEXT,
            **collection_reference(series, absolute),
            "description": series.scope_content,
            "dateCreated": _written_date(series),
            "about": person_reference(series.fonds.scientist, absolute),
            "holdingArchive": holding_archive(series.fonds),
            "isPartOf": [*enclosing, collection_reference(series.fonds, absolute)],
        }
    )


def anonymous_can_view(item: Item) -> bool:
    """Whether a crawler, which has no session, may fetch the item and its derivatives."""
    return AccessPolicy.anonymous().can_view(item)
