"""The head of an archive record page as crawlers and link previews read it: the canonical
address, Open Graph tags and the schema.org description, built from what the page's view has
already put in the template context so that rendering them costs no query the page did not
make (files, scientists, subjects and ancestors are reused).

Images: an item's preview is its first file's web copy (or a video's poster) served through
/files/, which answers anonymous visitors only for public records, so an image is only given
when the record is public. Portraits are Wagtail images, given as the signed serve URL exhibit
pages use for og:image: an address on this site whatever the storage behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.images.views.serve import generate_image_url

from archive_collections.models import Fonds, Interview, Item, Scientist, Series

from . import jsonld
from .jsonld import Absolute, JsonLd

DESCRIPTION_CHARS = 200
PORTRAIT_SPEC = "max-1200x1200"


@dataclass(frozen=True)
class RecordHead:
    canonical: str
    title: str
    description: str
    og_type: str
    jsonld: JsonLd
    image: str | None = None
    image_alt: str = ""
    image_size: tuple[int, int] | None = None


Context = Mapping[str, Any]


def _description(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


class Preview(NamedTuple):
    large: str | None = None
    thumbnail: str | None = None
    size: tuple[int, int] | None = None


def _preview(item: Item, files: Iterable[Any]) -> Preview:
    """The web copy (or video poster) and thumbnail of the first file that has one, with the
    copy's pixel size, for public items only."""
    if not jsonld.anonymous_can_view(item):
        return Preview()
    for item_file in files:
        name = "web.jpg" if item_file.web_url else "poster.jpg"
        details = item_file.derivatives.get(name)
        if details:
            size = (details.get("width"), details.get("height"))
            return Preview(
                item_file.url_for(name),
                item_file.thumbnail_url,
                size if all(size) else None,
            )
    return Preview()


def _absolute_or_none(absolute: Absolute, path: str | None) -> str | None:
    return absolute(path) if path else None


def _item_record(item: Item, context: Context, absolute: Absolute) -> tuple[JsonLd, Preview]:
    files = context.get("files")
    preview = _preview(item, item.files.all() if files is None else files)
    listed = context.get("scientists")
    scientists: Sequence[Scientist] = list(item.scientists.all() if listed is None else listed)
    subjects = context.get("subjects")
    record = jsonld.item_jsonld(
        item,
        absolute,
        scientists=scientists,
        subjects=[s.name for s in (item.subjects.all() if subjects is None else subjects)],
        image=_absolute_or_none(absolute, preview.large),
        thumbnail=_absolute_or_none(absolute, preview.thumbnail),
    )
    return record, preview


def _item_description(item: Item) -> str:
    if item.description:
        return _description(item.description)
    return _description(
        f"{item.get_item_type_display()} {item.identifier} · {item.series.fonds.title}"
    )


def _item_page_head(item: Item, record: JsonLd, preview: Preview, description: str) -> RecordHead:
    """The head of a page showing an item (its own page or its interview's), at the record's
    address, with the item's preview image."""
    return RecordHead(
        canonical=record["url"],
        title=item.title,
        description=description,
        og_type="article",
        jsonld=record,
        image=record.get("image"),
        image_alt=item.title,
        image_size=preview.size,
    )


def item_head(item: Item, context: Context, absolute: Absolute) -> RecordHead:
    record, preview = _item_record(item, context, absolute)
    return _item_page_head(item, record, preview, _item_description(item))


def interview_head(interview: Interview, context: Context, absolute: Absolute) -> RecordHead:
    item = interview.item
    record, preview = _item_record(item, context, absolute)
    record = jsonld.interview_jsonld(interview, record, absolute)
    description = _(
        "Oral-history interview with %(name)s: recording, synchronised transcript and index."
    ) % {"name": interview.interviewee.name}
    return _item_page_head(item, record, preview, _description(description))


def _portrait(scientist: Scientist, absolute: Absolute) -> str | None:
    if not scientist.portrait_id:
        return None
    return absolute(generate_image_url(scientist.portrait, PORTRAIT_SPEC))


def scientist_head(scientist: Scientist, context: Context, absolute: Absolute) -> RecordHead:
    image = _portrait(scientist, absolute)
    lead = f"{scientist.name} {scientist.life_dates}"
    return RecordHead(
        canonical=absolute(scientist.get_absolute_url()),
        title=scientist.name,
        description=_description(f"{lead}. {scientist.summary}" if scientist.summary else lead),
        og_type="profile",
        jsonld=jsonld.scientist_jsonld(scientist, absolute, image),
        image=image,
        image_alt=_("Portrait of %(name)s") % {"name": scientist.name},
    )


def fonds_head(fonds: Fonds, context: Context, absolute: Absolute) -> RecordHead:
    image = _portrait(fonds.scientist, absolute)
    return RecordHead(
        canonical=absolute(fonds.get_absolute_url()),
        title=fonds.title,
        description=_description(fonds.scope_content or f"{fonds.identifier} {fonds.title}"),
        og_type="website",
        jsonld=jsonld.fonds_jsonld(fonds, absolute, image),
        image=image,
        image_alt=_("Portrait of %(name)s") % {"name": fonds.scientist.name},
    )


def series_head(series: Series, context: Context, absolute: Absolute) -> RecordHead:
    ancestors = context.get("ancestors") or ()
    return RecordHead(
        canonical=absolute(series.get_absolute_url()),
        title=f"{series.title} · {series.fonds.title}",
        description=_description(series.scope_content or f"{series.identifier} {series.title}"),
        og_type="website",
        jsonld=jsonld.series_jsonld(series, absolute, ancestors),
    )


HeadBuilder = Callable[[Any, Context, Absolute], RecordHead]
BUILDERS: tuple[tuple[type, HeadBuilder], ...] = (
    (Interview, interview_head),
    (Item, item_head),
    (Scientist, scientist_head),
    (Fonds, fonds_head),
    (Series, series_head),
)


def record_head(record: object, context: Context, absolute: Absolute) -> RecordHead:
    for model, builder in BUILDERS:
        if isinstance(record, model):
            return builder(record, context, absolute)
    raise TypeError(f"No page head for {type(record).__name__}")
