"""The curators' visual pickers in the exhibit editor: a region drawn on the deep-zoom page, a
clip marked by ear beside its transcript.

The blocks keep storing what they always stored (percentages of a page, start and end times):
the pickers only fill those fields, so a page saved without JavaScript, an import or an API
write all go through the same block validation. Two admin JSON views give the pickers what
they need for the record the curator chose; both answer 404 for a record the curator may not
see, as the choosers do. The scripts are static files (the admin's policy loads scripts from
the site only) attached to the blocks through their telepath adapters.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.admin.telepath import register
from wagtail.blocks.struct_block import StructBlockAdapter

from archive_collections.access import AccessPolicy
from archive_collections.models import Interview, Item
from archive_collections.oral_history.player import media_file
from archive_collections.oral_history.validation import media_duration_ms
from media_pipeline.iiif.urls import image_identifier, tiled_pages

from .blocks.media import DeepZoomDetailBlock, OralHistoryClipBlock
from .records import item_scan_pages


def _visible_item(request, pk: int) -> Item:
    policy = AccessPolicy.for_user(request.user)
    return get_object_or_404(Item.objects.visible_to(policy), pk=pk)


@staff_member_required
@require_safe
def region_source(request, pk: int):
    """The item's pages as the detail block counts them, each with its IIIF image service
    (none while its tiles are being made)."""
    item = _visible_item(request, pk)
    pages = []
    for number, page in enumerate(item_scan_pages(item.pk), start=1):
        tiled = {p["number"]: p for p in tiled_pages(page.file)}.get(page.number)
        identifier = image_identifier(page.file.pk, page.number)
        name = page.file.label or page.file.original_filename
        pages.append(
            {
                "number": number,
                "label": _("Page %(n)d: %(file)s, page %(page)d")
                % {"n": number, "file": name, "page": page.number},
                "info": reverse("iiif:info", kwargs={"identifier": identifier}) if tiled else None,
                "base": reverse("iiif:image", kwargs={"identifier": identifier}),
                "width": tiled["width"] if tiled else None,
                "height": tiled["height"] if tiled else None,
            }
        )
    return JsonResponse({"title": item.title, "pages": pages})


@staff_member_required
@require_safe
def clip_source(request, pk: int):
    """The interview's recording and its transcript, to mark a clip by ear."""
    policy = AccessPolicy.for_user(request.user)
    interview = (
        Interview.objects.filter(policy.item_q("item__")).select_related("item").filter(pk=pk)
    ).first()
    if interview is None:
        raise Http404(_("No such interview."))
    media = media_file(interview.item.files.all())
    segments = interview.transcript.order_by("start_ms", "sort_order", "pk")
    return JsonResponse(
        {
            "title": interview.item.title,
            "src": media.playback_url if media else None,
            "video": bool(media and media.is_video),
            "duration_ms": _duration_ms(interview, media),
            "segments": [
                {"start": s.start_ms, "end": s.end_ms, "speaker": s.speaker, "text": s.text}
                for s in segments
            ],
        }
    )


def _duration_ms(interview, media) -> int | None:
    return media_duration_ms(interview, [media] if media else [])


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("exhibits/region-source/<int:pk>/", region_source, name="exhibits_region_source"),
        path("exhibits/clip-source/<int:pk>/", clip_source, name="exhibits_clip_source"),
    ]


class PickerAdapter(StructBlockAdapter):
    """Wagtail's own StructBlock in the editor, plus the picker's script and style sheet."""

    def __init__(self, *scripts: str):
        super().__init__()
        self.scripts = scripts

    @property
    def media(self):
        return super().media + forms.Media(
            js=[static(script) for script in self.scripts],
            css={"all": [static("exhibits/admin/pickers.css")]},
        )


register(
    PickerAdapter("vendor/openseadragon/openseadragon.min.js", "exhibits/admin/region_picker.js"),
    DeepZoomDetailBlock,
)
register(PickerAdapter("exhibits/admin/clip_picker.js"), OralHistoryClipBlock)
