"""The IIIF Presentation 3 manifest of an Item.

Canvases, in the Item's file order: one per tiled image page (a multi-page TIFF gives one per
page), one per tiled PDF page (the PDF itself is the canvas's `rendering`), one per audio or video
file with its duration from ffprobe (the `av` step). Other files, and PDFs without tiles, are
offered as `rendering` downloads of the manifest. An oral-history interview adds its
index as Ranges and describing annotations (archive_collections.oral_history.iiif) and its
transcript as supplementing annotations (transcript.py).
Descriptive properties: metadata rows, `rights` (the rightsstatements.org URI), an attribution
`requiredStatement`, `provider`, `homepage` (the item page) and `seeAlso` (the API record); see
describe.py. Labels are in Simplified Chinese and English; values are the catalogue's own text.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archive_collections.models import Interview, Item
from archive_collections.oral_history.iiif import interview_iiif_structures

from ..models import ItemFile
from ..results import IiifResult, TechnicalResult, TiledPage
from .describe import (
    LABEL_LANGUAGES,
    catalogue_language,
    homepage,
    label,
    provider,
    required_statement,
    see_also,
)
from .transcript import transcript_annotation_page
from .urls import service_url, tiled_pages

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
THUMBNAIL_LONGEST = 400


def manifest_url(request: HttpRequest, item: Item) -> str:
    return request.build_absolute_uri(
        reverse("iiif:manifest", kwargs={"identifier": item.identifier})
    )


def build_manifest(request, item) -> dict:
    manifest_id = manifest_url(request, item)
    base = manifest_id.removesuffix(".json")
    canvases, renderings = [], []
    interview_canvas = None
    # Each file contributes what its own steps have finished, even if a later step (say OCR)
    # failed: a readable scan stays viewable while its text is retried.
    for item_file in item.files.order_by("sequence", "pk"):
        pages = tiled_pages(item_file) if (item_file.is_image or item_file.is_pdf) else []
        for page in pages:
            service = service_url(request, item_file.pk, page["number"])
            canvas = _image_canvas(base, item_file, page, service)
            if item_file.is_pdf and item_file.master_url:
                canvas["rendering"] = [_rendering(request, item_file)]
            canvases.append(canvas)
        if item_file.is_audio or item_file.is_video:
            av_canvas = _av_canvas(request, base, item_file)
            if av_canvas:
                canvases.append(av_canvas)
                interview_canvas = interview_canvas or av_canvas
        if not pages and item_file.master_url:
            renderings.append(_rendering(request, item_file))
    manifest = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest_id,
        "type": "Manifest",
        "label": {catalogue_language(item): [item.title]},
        "metadata": _metadata(item),
        "requiredStatement": required_statement(item),
        "rights": item.rights_statement,
        "provider": provider(request),
        "homepage": [
            homepage(
                request.build_absolute_uri(item.get_absolute_url()),
                {catalogue_language(item): [item.title]},
            )
        ],
        "items": canvases,
    }
    if links := see_also(request, item):
        manifest["seeAlso"] = links
    if item.description:
        manifest["summary"] = {catalogue_language(item): [item.description]}
    thumbnail = next((c["thumbnail"] for c in canvases if c.get("thumbnail")), None)
    if thumbnail:
        manifest["thumbnail"] = thumbnail
    if renderings:
        manifest["rendering"] = renderings
    if interview_canvas:
        _add_interview_structures(item, manifest, interview_canvas)
    return manifest


def _image_canvas(base: str, item_file, page: TiledPage, service: str) -> dict:
    image_id = service.rsplit("/", 1)[-1]
    canvas_id = f"{base}/canvas/{image_id}"
    largest = page["sizes"][-1]
    service_ref = _service_ref(service)
    return {
        "id": canvas_id,
        "type": "Canvas",
        "label": {"none": [_page_label(item_file, page)]},
        "width": page["width"],
        "height": page["height"],
        "thumbnail": [page_thumbnail(service, page)],
        "items": [
            {
                "id": f"{canvas_id}/page",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{canvas_id}/page/image",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": _image_resource(service, largest, service_ref),
                        "target": canvas_id,
                    }
                ],
            }
        ],
    }


def page_thumbnail(service: str, page: TiledPage) -> dict:
    """The largest of the page's listed sizes that fits a thumbnail, with its image service."""
    small = [s for s in page["sizes"] if max(s) <= THUMBNAIL_LONGEST] or page["sizes"][:1]
    return _image_resource(service, small[-1], _service_ref(service))


def first_page_thumbnail(request: HttpRequest, files: list[ItemFile]) -> list[dict]:
    """The thumbnail of the first tiled page among `files` (in their order), if any has one."""
    for item_file in files:
        pages = tiled_pages(item_file) if (item_file.is_image or item_file.is_pdf) else []
        if pages:
            return [
                page_thumbnail(service_url(request, item_file.pk, pages[0]["number"]), pages[0])
            ]
    return []


def _service_ref(service: str) -> list[dict]:
    return [{"id": service, "type": "ImageService3", "profile": "level0"}]


def _image_resource(service: str, size, service_ref) -> dict:
    width, height = size
    return {
        "id": f"{service}/full/{width},{height}/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": service_ref,
    }


def _page_label(item_file, page: TiledPage) -> str:
    label = item_file.label or item_file.original_filename
    if len(IiifResult.of(item_file.technical).pages()) > 1:
        return _("%(label)s, page %(page)s") % {"label": label, "page": page["number"]}
    return label


def _av_canvas(request, base: str, item_file) -> dict | None:
    recorded = TechnicalResult.of(item_file.technical)
    duration = recorded.av_duration()
    url = item_file.web_media_url
    if not duration or not url:
        return None  # not probed yet, or nothing a browser can play
    canvas_id = f"{base}/canvas/av-{item_file.pk}"
    body = {
        "id": request.build_absolute_uri(url),
        "type": "Video" if item_file.is_video else "Sound",
        "format": item_file.web_media_type or item_file.mime_type,
        "duration": float(duration),
    }
    canvas = {
        "id": canvas_id,
        "type": "Canvas",
        "label": {"none": [item_file.label or item_file.original_filename]},
        "duration": float(duration),
    }
    video = next(
        (
            s
            for s in recorded.av_streams()
            if s.get("codec_type") == "video" and not s.get("attached_pic")
        ),  # not cover art
        None,
    )
    if item_file.is_video and video and video.get("width") and video.get("height"):
        canvas["width"], canvas["height"] = video["width"], video["height"]
        body["width"], body["height"] = video["width"], video["height"]
    if item_file.poster_url:
        canvas["thumbnail"] = [
            {
                "id": request.build_absolute_uri(item_file.poster_url),
                "type": "Image",
                "format": "image/jpeg",
            }
        ]
    canvas["items"] = [
        {
            "id": f"{canvas_id}/page",
            "type": "AnnotationPage",
            "items": [
                {
                    "id": f"{canvas_id}/page/media",
                    "type": "Annotation",
                    "motivation": "painting",
                    "body": body,
                    "target": canvas_id,
                }
            ],
        }
    ]
    return canvas


def _rendering(request, item_file) -> dict:
    return {
        "id": request.build_absolute_uri(item_file.master_url),
        "type": "Text" if item_file.is_pdf else "Dataset",
        "label": {"none": [item_file.label or item_file.original_filename]},
        "format": item_file.mime_type,
    }


def _add_interview_structures(item, manifest: dict, canvas: dict) -> None:
    """The interview index as Ranges and annotations on the recording's canvas."""
    interview = Interview.objects.filter(item=item).first()
    if interview is None:
        return
    extra = interview_iiif_structures(interview, canvas["id"])
    if extra.get("structures"):
        manifest["structures"] = extra["structures"]
    pages = list(extra.get("annotations") or [])
    transcript = transcript_annotation_page(interview, canvas["id"])
    if transcript:
        pages.append(transcript)
    if pages:
        canvas["annotations"] = pages


def _metadata(item) -> list[dict]:
    language = catalogue_language(item)
    rows = [
        ("Title", item.title, language),
        (gettext_noop("Reference code"), item.identifier, "none"),
        (gettext_noop("Type"), str(item.get_item_type_display()), None),
        (gettext_noop("Date (as written)"), item.date_text, language),
        (gettext_noop("Creators"), item.creators, language),
        (gettext_noop("Scientists"), "、".join(s.name for s in item.scientists.all()), "zh-Hans"),
        (gettext_noop("Places"), item.places, language),
        (gettext_noop("Language"), str(item.get_language_display()), None),
        (gettext_noop("Extent"), item.extent, language),
        (gettext_noop("Series"), item.series.title, language),
        (gettext_noop("Fonds"), item.series.fonds.title, language),
    ]
    metadata = []
    for name, value, value_language in rows:
        if not value:
            continue
        values = {value_language: [value]} if value_language else _translated_value(name, item)
        metadata.append({"label": _row_label(name), "value": values})
    return metadata


def _translated_value(name: str, item) -> dict:
    """Choice labels (type, language) exist in both interface languages."""
    values = {}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            shown = item.get_item_type_display() if name == "Type" else item.get_language_display()
            values[language] = [str(shown)]
    return values


def _row_label(name: str) -> dict:
    # "Title" is not in the site's catalogue; describe.py spells it in both languages.
    return label(name) if name == "Title" else _labels(name)


def _labels(english: str) -> dict:
    """A label in each interface language (the msgids are the site's existing strings)."""
    labels = {}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            labels[language] = [_(english)]  # msgids marked by gettext_noop
    return labels
