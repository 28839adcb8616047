"""From the catalogue's, the pipeline's and the exhibits' models to the API's schemas. Callers
have already applied the access policy; nothing here queries beyond what they prefetched."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from wagtail.images.models import AbstractImage
from wagtail.images.views.serve import generate_image_url

from archive_collections.importer.schema import split_list
from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from exhibits.models.base import BasePage
from exhibits.models.exhibitions import ExhibitionPage
from media_pipeline.iiif.urls import service_url, tiled_pages
from media_pipeline.models import ItemFile
from media_pipeline.results import TechnicalResult

from . import schemas

# The size exhibit images are offered at: signed URLs the site itself serves, made on request.
CARD_IMAGE = "max-1200x1200"


def _absolute(request: HttpRequest, path: str | None) -> str | None:
    return request.build_absolute_uri(path) if path else None


_PLACEHOLDER = "__identifier__"


@lru_cache(maxsize=64)
def _route(name: str, urlconf: str | None, script_prefix: str) -> tuple[str, str]:
    """A route's path around its identifier, reversed once: a listing links every record
    twice, and reversing forty URLs cost more than reading the page from the database."""
    head, _, tail = reverse(name, urlconf, kwargs={"identifier": _PLACEHOLDER}).partition(
        _PLACEHOLDER
    )
    return head, tail


def _link(request: HttpRequest, name: str, identifier: str) -> str:
    head, tail = _route(name, get_urlconf(), get_script_prefix())
    return request.build_absolute_uri(head + quote(identifier, safe="") + tail)


def _api(request: HttpRequest, name: str, identifier: str) -> str:
    return _link(request, f"api-v1:{name}", identifier)


def scientist(request: HttpRequest, record: Scientist) -> schemas.ScientistOut:
    return schemas.ScientistOut(**_scientist_fields(request, record))


def scientist_detail(request: HttpRequest, record: Scientist) -> schemas.ScientistDetailOut:
    return schemas.ScientistDetailOut(
        **_scientist_fields(request, record),
        birth_place=record.birth_place,
        death_place=record.death_place,
        fonds=[f.identifier for f in record.fonds.all()],
    )


def _scientist_fields(request: HttpRequest, record: Scientist) -> dict[str, Any]:
    return {
        "id": record.identifier,
        "name": record.name,
        "name_pinyin": record.name_pinyin,
        "name_variants": [
            schemas.NameVariantOut(name=n.name, kind=n.kind, note=n.note)
            for n in record.names.all()
        ],
        "gender": record.gender,
        "birth_year": record.birth_year,
        "death_year": record.death_year,
        "life_dates": record.life_dates,
        "disciplines": [d.name for d in record.disciplines.all()],
        "summary": record.summary,
        "url": _link(request, "collections:scientist", record.identifier),
        "api_url": _api(request, "scientist", record.identifier),
    }


def fonds(request: HttpRequest, record: Fonds) -> schemas.FondsOut:
    return schemas.FondsOut(
        id=record.identifier,
        title=record.title,
        scientist=record.scientist.identifier,
        date_text=record.date_text,
        extent=record.extent,
        scope_content=record.scope_content,
        collecting_institution=record.collecting_institution,
        url=_link(request, "collections:fonds", record.identifier),
        api_url=_api(request, "fonds", record.identifier),
    )


def series(request: HttpRequest, record: Series) -> schemas.SeriesOut:
    return schemas.SeriesOut(
        id=record.identifier,
        title=record.title,
        fonds=record.fonds.identifier,
        parent=record.parent.identifier if record.parent else None,
        level=record.level,
        position=record.position,
        date_text=record.date_text,
        scope_content=record.scope_content,
        url=_link(request, "collections:series", record.identifier),
        api_url=_api(request, "series", record.identifier),
    )


def _thumbnail(request: HttpRequest, files: list[ItemFile]) -> str | None:
    return next((_absolute(request, f.thumbnail_url) for f in files if f.thumbnail_url), None)


def _item_fields(request: HttpRequest, record: Item) -> dict[str, Any]:
    return {
        "id": record.identifier,
        "title": record.title,
        "type": record.item_type,
        "level": record.level,
        "series": record.series.identifier,
        "fonds": record.series.fonds.identifier,
        "scientists": [s.identifier for s in record.scientists.all()],
        "date_text": record.date_text,
        "date_start": record.date_start,
        "date_end": record.date_end,
        "language": record.language,
        "access_level": record.access_level,
        "updated_at": record.updated_at,
        "thumbnail": _thumbnail(request, list(record.files.all())),
        "url": _link(request, "collections:item", record.identifier),
        "api_url": _api(request, "item", record.identifier),
    }


def item(request: HttpRequest, record: Item) -> schemas.ItemOut:
    return schemas.ItemOut(**_item_fields(request, record))


def page_count(item_file: ItemFile) -> int | None:
    """Pages as the technical step counted them: a PDF's pages, a (multi-page) image's pages;
    None for recordings and before the step has run."""
    technical = TechnicalResult.of(item_file.technical)
    if technical.pdf and technical.pdf.get("page_count"):
        return int(technical.pdf["page_count"])
    if technical.image:
        return len(technical.image_pages())
    return None


def file(request: HttpRequest, item_file: ItemFile) -> schemas.FileOut:
    return schemas.FileOut(
        id=item_file.pk,
        sequence=item_file.sequence,
        label=item_file.label,
        kind=item_file.kind,
        mime_type=item_file.mime_type,
        size=item_file.size,
        page_count=page_count(item_file),
        status=item_file.status,
        thumbnail=_absolute(request, item_file.thumbnail_url),
        master_url=_absolute(request, item_file.master_url),
        iiif_info=[
            service_url(request, item_file.pk, page["number"]) + "/info.json"
            for page in tiled_pages(item_file)
        ],
    )


def item_detail(request: HttpRequest, record: Item, has_interview: bool) -> schemas.ItemDetailOut:
    files = list(record.files.all())
    has_images = any(tiled_pages(f) for f in files)
    manifest = reverse("iiif:manifest", kwargs={"identifier": record.identifier})
    return schemas.ItemDetailOut(
        **_item_fields(request, record),
        creators=record.creators,
        description=record.description,
        subjects=sorted(tag.name for tag in record.subjects.all()),
        places=record.places,
        extent=record.extent,
        provenance=record.provenance,
        rights_statement=record.rights_statement,
        files=[file(request, f) for f in files],
        iiif_manifest=request.build_absolute_uri(manifest) if has_images else None,
        interview=_api(request, "interview", record.identifier) if has_interview else None,
    )


def _interview_fields(request: HttpRequest, record: Interview) -> dict[str, Any]:
    return {
        "id": record.item.identifier,
        "title": record.item.title,
        "interviewee": record.interviewee.identifier,
        "interviewers": record.interviewers,
        "interview_date": record.interview_date,
        "place": record.place,
        "language": record.language,
        "dialect": record.dialect,
        "duration_ms": record.duration_ms,
        "url": _link(request, "collections:item", record.item.identifier),
        "api_url": _api(request, "interview", record.item.identifier),
    }


def interview(request: HttpRequest, record: Interview) -> schemas.InterviewOut:
    return schemas.InterviewOut(**_interview_fields(request, record))


def interview_detail(request: HttpRequest, record: Interview) -> schemas.InterviewDetailOut:
    return schemas.InterviewDetailOut(
        **_interview_fields(request, record),
        transcript=[
            schemas.TranscriptSegmentOut(
                start_ms=s.start_ms, end_ms=s.end_ms, speaker=s.speaker, text=s.text
            )
            for s in record.transcript.all()
        ],
        index=[
            schemas.IndexSegmentOut(
                start_ms=s.start_ms,
                title=s.title,
                synopsis=s.synopsis,
                keywords=split_list(s.keywords),
                partial_transcript=s.partial_transcript,
            )
            for s in record.index_segments.all()
        ],
    )


def first_image(page: BasePage) -> AbstractImage | None:
    """The page's own picture: its listing or hero image, else the first image block of its
    body, else what it is shared with (a chapter borrows its exhibition's)."""
    own = page.listing_image or getattr(page, "hero_image", None)
    if own is not None:
        return own
    for block in getattr(page, "body", None) or ():
        if block.block_type == "image":
            return block.value["image"]
    return page.share_image


def _card_fields(request: HttpRequest, page: BasePage) -> dict[str, Any]:
    image = first_image(page)
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.get_full_url(request) or "",
        "intro": page.meta_description,
        "image": _absolute(request, generate_image_url(image, CARD_IMAGE)) if image else None,
    }


def card(request: HttpRequest, page: BasePage) -> schemas.PageCardOut:
    return schemas.PageCardOut(**_card_fields(request, page))


def _exhibition_fields(request: HttpRequest, page: ExhibitionPage) -> dict[str, Any]:
    return {
        **_card_fields(request, page),
        "subtitle": page.subtitle,
        "opening_date": page.opening_date,
        "closing_date": page.closing_date,
        "api_url": request.build_absolute_uri(
            reverse("api-v1:exhibition", kwargs={"identifier": page.pk})
        ),
    }


def exhibition(request: HttpRequest, page: ExhibitionPage) -> schemas.ExhibitionOut:
    return schemas.ExhibitionOut(**_exhibition_fields(request, page))


def exhibition_detail(
    request: HttpRequest,
    page: ExhibitionPage,
    chapters: list[BasePage],
    stories: list[BasePage],
) -> schemas.ExhibitionDetailOut:
    return schemas.ExhibitionDetailOut(
        **_exhibition_fields(request, page),
        chapters=[card(request, c) for c in chapters],
        stories=[card(request, s) for s in stories],
    )
