"""The one CSL-JSON record per citable thing, built from the catalogue.

Every citation the site offers (the three styles, the Chinese archival form, RIS, BibTeX,
CSL-JSON, Highwire tags, COinS) is written from the record made here, so a correction to how a
field is read from the catalogue shows up everywhere at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from archive_collections.models import Interview, Item, ItemType, Scientist
from archive_collections.models.choices import DatePrecision
from archive_collections.names import pinyin_of, split_names
from archive_collections.oral_history.timecodes import short_timecode

CslRecord = dict[str, Any]

# Item.type → CSL type. Letters are CSL's personal_communication (their "Letter" genre); the
# oral-history item is an interview whose author is the interviewee.
CSL_TYPES: dict[str, str] = {
    ItemType.ORAL_HISTORY: "interview",
    ItemType.MANUSCRIPT: "manuscript",
    ItemType.LETTER: "personal_communication",
    ItemType.PHOTOGRAPH: "graphic",
    ItemType.CERTIFICATE: "document",
    ItemType.PUBLICATION: "book",
    ItemType.OBJECT: "document",
    ItemType.DOCUMENT: "document",
    ItemType.AUDIO: "song",
    ItemType.VIDEO: "motion_picture",
}


@dataclass(frozen=True)
class Citable:
    """A CSL-JSON record plus what only the Chinese archival form needs: the date as written."""

    record: CslRecord
    written_date: str = ""

    @property
    def key(self) -> str:
        return str(self.record["id"])

    @property
    def title(self) -> str:
        return str(self.record.get("title", ""))

    @property
    def author_names(self) -> list[str]:
        return [name["literal"] for name in self.record.get("author", [])]


def literal_names(text: str) -> list[dict[str, str]]:
    """Names as literals: Chinese names have no given/family split the styles could invert or
    initialise (钱学森 must never become "Qian, X.")."""
    return [{"literal": name} for name in split_names(text)]


# A personal name as catalogued: two to four Han characters (钱学森, 欧阳予倩); longer strings are
# institutions or descriptions, which pinyin would only garble.
_PERSONAL_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def romanised(name: str, known: dict[str, str] | None = None) -> str:
    """A name for an English citation: the pinyin recorded for a known scientist ("Qian
    Xuesen"), else the pinyin of a Chinese personal name, else the name as written."""
    if known and name in known:
        return known[name]
    return pinyin_of(name) if _PERSONAL_NAME.match(name) else name


def english_title(title: str, title_en: str) -> str:
    """The title as the record has it, with its English translation in brackets when there is
    one (how Chicago and APA cite a work in another language)."""
    return f"{title} [{title_en}]" if title_en else title


def date_parts(day: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def issued_of(item: Item) -> dict[str, Any] | None:
    """The parsed date range at the precision the cataloguer gave: a month stays a month, a
    decade or a range becomes a year range, and an approximate date is marked circa."""
    start, end, precision = item.date_start, item.date_end, item.date_precision
    if start is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.DAY:
        parts = [[start.year, start.month, start.day]]
    elif precision == DatePrecision.MONTH:
        parts = [[start.year, start.month]]
    elif end is not None and end.year != start.year:
        parts = [[start.year], [end.year]]
    else:
        parts = [[start.year]]
    issued: dict[str, Any] = {"date-parts": parts}
    if item.date_approximate:
        issued["circa"] = True
    return issued


def _holding(item: Item) -> CslRecord:
    fonds = item.series.fonds
    holding: CslRecord = {
        "collection-title": fonds.title,
        "archive_collection": item.series.title,
        "archive_location": item.identifier,
    }
    if fonds.collecting_institution:
        holding["archive"] = fonds.collecting_institution
    return holding


def _interview_fields(interview: Interview) -> CslRecord:
    fields: CslRecord = {"author": [{"literal": interview.interviewee.name}]}
    interviewers = literal_names(interview.interviewers)
    if interviewers:
        fields["interviewer"] = interviewers
    if interview.interview_date:
        fields["issued"] = date_parts(interview.interview_date)
    if interview.duration_ms:
        fields["dimensions"] = interview.duration
    return fields


def item_citable(
    item: Item,
    url: str,
    accessed: date,
    interview: Interview | None = None,
    moment_ms: int | None = None,
    english: bool = False,
) -> Citable:
    """An item's record; an interview's moment (`moment_ms`) is cited as a locator on the title
    and a deep link, since CSL has no field of its own for a time within a recording.

    `english` makes the record the English site cites: names romanised in pinyin (a scientist's
    recorded pinyin first) and the English title in brackets after the title."""
    record: CslRecord = {
        "id": item.identifier,
        "type": CSL_TYPES.get(item.item_type, "document"),
        "title": item.title,
        "URL": url,
        "accessed": date_parts(accessed),
        "language": item.language,
        **_holding(item),
    }
    creators = literal_names(item.creators)
    if creators:
        record["author"] = creators
    issued = issued_of(item)
    if issued:
        record["issued"] = issued
    if item.description:
        record["abstract"] = item.description
    if interview is not None:
        record.update(_interview_fields(interview))
    if english:
        _romanise(record, item, interview)
    if moment_ms is not None:
        record["title"] = f"{record['title']}, {short_timecode(moment_ms)}"
        record["id"] = f"{item.identifier}-t{moment_ms // 1000}"
    return Citable(record, written_date=item.date_text)


def _romanise(record: CslRecord, item: Item, interview: Interview | None) -> None:
    people = list(item.scientists.all())
    if interview is not None:
        people.append(interview.interviewee)
    known = {p.name: p.name_pinyin or pinyin_of(p.name) for p in people}
    for role in ("author", "interviewer"):
        if role in record:
            record[role] = [{"literal": romanised(n["literal"], known)} for n in record[role]]
    record["title"] = english_title(item.title, item.title_en)
    if item.description_en:
        record["abstract"] = item.description_en


def scientist_citable(
    scientist: Scientist,
    url: str,
    accessed: date,
    site: str,
    holders: list[str],
    english: bool = False,
) -> Citable:
    """A scientist is cited as the archive's authority record about them: a web page whose
    authors are the institutions holding the scientist's fonds (or, failing any, the site), so a
    citation points at the record and never claims the scientist wrote it."""
    known_life = scientist.birth_date_text or scientist.birth_year or scientist.death_year
    title = f"{scientist.name}（{scientist.life_dates}）" if known_life else scientist.name
    record: CslRecord = {
        "id": scientist.identifier,
        "type": "webpage",
        "title": title,
        "container-title": site,
        "author": [{"literal": holder} for holder in (holders or [site])],
        "URL": url,
        "accessed": date_parts(accessed),
        "language": "zh-Hans",
    }
    if scientist.summary:
        record["abstract"] = scientist.summary
    if english:
        # "Qian Xuesen (钱学森, 1911–2009)": the romanised name leads, the characters stay.
        years = "–".join(
            str(year) if year else "" for year in (scientist.birth_year, scientist.death_year)
        )
        extra = f"{scientist.name}, {years}" if known_life else scientist.name
        record["title"] = f"{scientist.name_pinyin or pinyin_of(scientist.name)} ({extra})"
        if scientist.summary_en:
            record["abstract"] = scientist.summary_en
    return Citable(record)
