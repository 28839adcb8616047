"""Blocks that show a part of a record's media: a region of a scan, a span of an interview."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from archive_collections.models import Interview, format_timecode
from archive_collections.oral_history.validation import media_duration_ms
from exhibits.records import ClipSpan, image_file, item_scan_pages, playable_file, record_key
from media_pipeline.iiif.urls import region_image

from .base import ArchiveStructBlock
from .choosers import InterviewChooserBlock, ItemChooserBlock
from .images import alt_text_errors

__all__ = ["DeepZoomDetailBlock", "OralHistoryClipBlock", "parse_timecode"]

_TIMECODE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d{1,3})?)$|^(\d+(?:\.\d{1,3})?)$")


def parse_timecode(text: str) -> int:
    """ "1:02:03", "02:03", "123" or "12.5" (seconds) → milliseconds."""
    match = _TIMECODE.match((text or "").strip())
    if not match:
        raise ValueError(
            _("“%(text)s” is not a time; write hh:mm:ss, mm:ss or seconds.") % {"text": text}
        )
    hours, minutes, seconds, plain = match.groups()
    if plain is not None:
        return round(float(plain) * 1000)
    if int(minutes) > 59 or float(seconds) >= 60:
        raise ValueError(_("“%(text)s” has minutes or seconds above 59.") % {"text": text})
    return round(((int(hours or 0) * 60 + int(minutes)) * 60 + float(seconds)) * 1000)


# The detail fills the text column (--measure, 42em in site.css) or the narrower screen.
DETAIL_SIZES = "(min-width: 42em) 42em, 100vw"


def _percent(value) -> str:
    return f"{float(value):g}"


class DeepZoomDetailBlock(ArchiveStructBlock):
    """A region of one page of a scanned item, given in percent of the page's width and height.

    Shown as an image of that region cut from the master by the IIIF image service
    (media_pipeline/iiif/render.py), at a couple of widths for the browser to choose from, so a
    small region of a 300-dpi scan stays sharp. While the file is still being processed (no
    image service yet) the page's web derivative is cropped in the browser instead."""

    item = ItemChooserBlock(label=_("item"))
    # Counts every page of the item's images and PDFs in file order (records.scan_pages).
    page = blocks.IntegerBlock(label=_("page (image number)"), min_value=1, default=1)
    x = blocks.FloatBlock(label=_("left edge (%)"), min_value=0, max_value=100, default=0)
    y = blocks.FloatBlock(label=_("top edge (%)"), min_value=0, max_value=100, default=0)
    width = blocks.FloatBlock(label=_("width (%)"), min_value=1, max_value=100, default=50)
    height = blocks.FloatBlock(label=_("height (%)"), min_value=1, max_value=100, default=50)
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("What the detail shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "search"
        label = _("Deep-zoom detail")
        template = "exhibits/blocks/deep_zoom.html"
        # The region picker (exhibits/pickers.py) finds the block's form by it.
        form_classname = "struct-block deep-zoom-block"

    def clean(self, value):
        value = super().clean(value)
        errors = alt_text_errors(value, "item")
        # A draft may leave numbers empty (Wagtail defers "required" on drafts): check only the
        # edges that are given.
        x, y, width, height = (value.get(name) for name in ("x", "y", "width", "height"))
        if x is not None and width is not None and x + width > 100:
            errors["width"] = ValidationError(_("The region runs past the right edge of the page."))
        if y is not None and height is not None and y + height > 100:
            errors["height"] = ValidationError(_("The region runs past the bottom of the page."))
        page = value.get("page")
        if page and value.get("item"):
            count = len(item_scan_pages(record_key(value.get("item"))))
            if count and page > count:
                errors["page"] = ValidationError(
                    _(
                        "The item has %(count)d pages (its images and PDF pages in order); "
                        "choose 1 to %(count)d."
                    )
                    % {"count": count}
                )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value

    def resolve(self, value, records):
        item = records.item(value.get("item"))
        page = image_file(item, value.get("page") or 1)
        scan = page.file if page else None
        context = {"item": item, "scan": scan, "full_url": None, "detail": None, "crop": None}
        if page is None or scan is None:
            return context
        x, y, w, h = (value.get(k) or 0 for k in ("x", "y", "width", "height"))
        w, h = max(w, 1), max(h, 1)
        # "zoom" opens the item's deep-zoom viewer on that page with the region outlined
        # (hlr = fractions of the page).
        region = ",".join(_percent(v / 100) for v in (x, y, w, h))
        query = urlencode({"file": scan.pk, "page": page.number, "hlr": region})
        context["full_url"] = f"{item.get_absolute_url()}?{query}"
        # `item` came through the viewer's access policy (records.item), and the image URLs
        # are checked again by the IIIF views when the browser fetches them.
        context["detail"] = region_image(scan, (x, y, w, h), page_number=page.number)
        if context["detail"]:
            context["detail"]["sizes"] = DETAIL_SIZES
            return context
        if not scan.is_image or page.number != 1:
            return context  # the web derivative is of an image's first page only
        web = scan.derivatives.get("web.jpg") or {}
        if scan.web_url and web.get("width") and web.get("height"):
            context["crop"] = {
                "src": scan.web_url,
                # The frame has the region's aspect ratio; the whole image is scaled and shifted
                # inside it so that only the region shows.
                "ratio": f"{web['width'] * w:.0f} / {web['height'] * h:.0f}",
                "width": f"{10000 / w:.4f}%",
                "left": f"{-100 * x / w:.4f}%",
                "top": f"{-100 * y / h:.4f}%",
            }
        return context


class OralHistoryClipBlock(ArchiveStructBlock):
    """A span of an interview: the recording plays from start to end (a media fragment,
    #t=start,end) and the transcript lines of that span are printed beside it, so the clip can
    be read without playing it."""

    is_clip_block = True

    interview = InterviewChooserBlock(label=_("interview"))
    start = blocks.CharBlock(label=_("start"), max_length=12, help_text=_("hh:mm:ss or mm:ss"))
    end = blocks.CharBlock(label=_("end"), max_length=12, help_text=_("hh:mm:ss or mm:ss"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "media"
        label = _("Oral-history clip")
        template = "exhibits/blocks/oral_history_clip.html"
        # The clip picker (exhibits/pickers.py) finds the block's form by it.
        form_classname = "struct-block clip-block"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        times = {}
        for name in ("start", "end"):
            if not (value.get(name) or "").strip():
                continue  # only possible in a draft: Wagtail defers "required" until publishing
            try:
                times[name] = parse_timecode(value.get(name))
            except ValueError as exc:
                errors[name] = ValidationError(str(exc))
        if not errors and len(times) == 2 and times["end"] <= times["start"]:
            errors["end"] = ValidationError(_("The clip must end after it starts."))
        duration = self._duration_ms(value.get("interview")) if times else None
        for name, ms in times.items():
            if duration and ms > duration and name not in errors:
                errors[name] = ValidationError(
                    _("%(time)s is past the end of the recording (%(duration)s).")
                    % {"time": value.get(name).strip(), "duration": format_timecode(duration)}
                )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value

    @staticmethod
    def _duration_ms(interview) -> int | None:
        """The recording's length as the transcript checks know it (None while unknown)."""
        pk = record_key(interview)
        found = Interview.objects.filter(pk=pk).select_related("item").first() if pk else None
        return media_duration_ms(found) if found else None

    def span(self, value) -> ClipSpan | None:
        pk = record_key(value.get("interview"))
        try:
            start, end = parse_timecode(value.get("start")), parse_timecode(value.get("end"))
        except ValueError:
            return None
        if pk is None or end <= start:
            return None
        return ClipSpan(pk, start, end)

    def resolve(self, value, records):
        interview = records.interview(value.get("interview"))
        span = self.span(value)
        if interview is None or span is None:
            return {"interview": None}
        if span not in records.transcript:
            records.load_transcripts({span})  # a block rendered outside its page
        recording = playable_file(interview.item)
        return {
            "interview": interview,
            "recording": recording,
            "fragment": f"#t={span.start_ms / 1000:g},{span.end_ms / 1000:g}",
            "start_label": format_timecode(span.start_ms),
            "end_label": format_timecode(span.end_ms),
            "lines": records.transcript.get(span, []),
        }
