"""Curators' screens for an interview's timed text: import a file, re-time, split, merge.

Registered from archive_collections/wagtail_hooks.py. Each screen needs the permission to change
interviews; every change is validated first and written in one transaction.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from archive_collections.access import AccessPolicy
from archive_collections.models import Interview

from . import editor, operations
from .document import FormatError, check_size, max_upload_bytes
from .formats import IMPORT_FORMATS, read_file
from .importing import ImportRefused, import_document
from .player import media_file
from .timecodes import parse_offset, parse_timecode, timecode
from .validation import media_duration_ms

PERMISSION = "collections.change_interview"


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Transcript or index file"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("", gettext_lazy("Tell from the file name")), *IMPORT_FORMATS.items()],
        required=False,
    )
    parts = forms.ChoiceField(
        label=gettext_lazy("Replace"),
        choices=[
            ("both", gettext_lazy("Whatever the file contains (transcript and/or index)")),
            ("transcript", gettext_lazy("Only the transcript")),
            ("index", gettext_lazy("Only the index")),
        ],
        initial="both",
    )


def _time_field(label, **kwargs):
    return forms.CharField(label=label, max_length=20, **kwargs)


class RetimeForm(forms.Form):
    offset = _time_field(
        gettext_lazy("Offset"),
        help_text=gettext_lazy("e.g. 00:00:02.500 to move later, -00:00:02.500 to move earlier"),
    )
    start_from = _time_field(
        gettext_lazy("Only segments starting at or after"),
        required=False,
        help_text=gettext_lazy("hh:mm:ss; empty means all segments"),
    )
    parts = forms.ChoiceField(
        label=gettext_lazy("Apply to"),
        choices=[
            ("both", gettext_lazy("Transcript and index")),
            ("transcript", gettext_lazy("Only the transcript")),
            ("index", gettext_lazy("Only the index")),
        ],
    )


class SplitForm(forms.Form):
    segment = forms.IntegerField(label=gettext_lazy("Segment number"), min_value=1)
    at_time = _time_field(gettext_lazy("Split at time"))
    at_text = forms.CharField(
        label=gettext_lazy("Second part starts with"),
        max_length=200,
        help_text=gettext_lazy(
            "type the first few characters of the second part as they appear in the text"
        ),
    )


class MergeForm(forms.Form):
    first = forms.IntegerField(label=gettext_lazy("From segment number"), min_value=1)
    last = forms.IntegerField(label=gettext_lazy("To segment number"), min_value=2)


def _interview(request, pk) -> Interview:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    # An interview of an item the user may not see answers 404, as an unknown one.
    visible = Interview.objects.filter(AccessPolicy.for_user(request.user).item_q("item__"))
    return get_object_or_404(visible.select_related("item", "interviewee"), pk=pk)


def _edit_url(interview) -> str:
    return reverse("wagtailsnippets_collections_interview:edit", args=[interview.pk])


def import_view(request, pk):
    interview = _interview(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        parts = form.cleaned_data["parts"]
        try:
            if upload.size > max_upload_bytes():
                check_size(upload.size, upload.name)
            document = read_file(
                upload.read(),
                upload.name,
                form.cleaned_data["format"] or None,
                media_duration_ms(interview),
            )
            result = import_document(
                interview, document, transcript=parts != "index", index=parts != "transcript"
            )
        except FormatError as exc:
            errors = [str(exc)]
        except ImportRefused as exc:
            errors = [str(p) for p in exc.problems]
        else:
            messages.success(
                request,
                _(
                    "Imported %(file)s: %(transcript)s transcript segments, %(index)s index "
                    "segments."
                )
                % {
                    "file": upload.name,
                    "transcript": result.transcript if result.transcript is not None else _("kept"),
                    "index": result.index if result.index is not None else _("kept"),
                },
            )
            return redirect(_edit_url(interview))
    return TemplateResponse(
        request,
        "collections/oral_history/admin/import.html",
        {
            "interview": interview,
            "form": form,
            "errors": errors,
            "edit_url": _edit_url(interview),
            "limit": max_upload_bytes(),
        },
    )


def _segments(interview):
    return list(interview.transcript.order_by("start_ms", "sort_order", "pk"))


def _segment(segments, number: int, field: str):
    if number > len(segments):
        raise forms.ValidationError(
            {field: _("There are only %(n)d segments.") % {"n": len(segments)}}
        )
    return segments[number - 1]


def _run(request, form, action) -> list[str]:
    try:
        message = action(form.cleaned_data)
    except ValueError as exc:  # ImportRefused is one; so is a bad timecode
        problems = getattr(exc, "problems", None)
        return [str(p) for p in problems] if problems else [str(exc)]
    except forms.ValidationError as exc:
        for field, errs in exc.message_dict.items():
            for error in errs:
                form.add_error(field, error)
        return []
    messages.success(request, message)
    return []


def tools_view(request, pk):
    interview = _interview(request, pk)
    action = request.POST.get("action")
    forms_ = {
        "retime": RetimeForm(request.POST if action == "retime" else None, prefix="retime"),
        "split": SplitForm(request.POST if action == "split" else None, prefix="split"),
        "merge": MergeForm(request.POST if action == "merge" else None, prefix="merge"),
    }
    errors: list[str] = []
    if request.method == "POST" and action in forms_ and forms_[action].is_valid():
        form = forms_[action]

        def retime(data):
            moved = operations.retime(
                interview,
                parse_offset(data["offset"]),
                transcript=data["parts"] != "index",
                index=data["parts"] != "transcript",
                from_ms=parse_timecode(data["start_from"]) if data["start_from"] else 0,
            )
            return _("Moved %(n)d segments by %(offset)s.") % {"n": moved, "offset": data["offset"]}

        def split(data):
            segment = _segment(_segments(interview), data["segment"], "segment")
            at_char = segment.text.find(data["at_text"])
            if at_char <= 0:
                raise forms.ValidationError(
                    {
                        "at_text": _("“%(text)s” does not occur after the start of segment %(n)d.")
                        % {"text": data["at_text"], "n": data["segment"]}
                    }
                )
            operations.split(segment, parse_timecode(data["at_time"]), at_char)
            return _("Split segment %(n)d.") % {"n": data["segment"]}

        def merge(data):
            segments = _segments(interview)
            if data["last"] <= data["first"]:
                raise forms.ValidationError({"last": _("Must be after the first segment.")})
            _segment(segments, data["last"], "last")
            operations.merge(segments[data["first"] - 1 : data["last"]])
            return _("Merged segments %(first)d to %(last)d.") % data

        errors = _run(request, form, {"retime": retime, "split": split, "merge": merge}[action])
        if not errors and not form.errors:
            return redirect(reverse("collections_oral_history_tools", args=[interview.pk]))
    segments = _segments(interview)
    return TemplateResponse(
        request,
        "collections/oral_history/admin/tools.html",
        {
            "interview": interview,
            "forms": forms_,
            "errors": errors,
            "edit_url": _edit_url(interview),
            "rows": [(timecode(s.start_ms), timecode(s.end_ms), s) for s in segments],
            "duration": timecode(media_duration_ms(interview) or 0),
        },
    )


def editor_view(request, pk):
    """The transcript editor with its player (editor.py); POST saves the whole list as JSON."""
    interview = _interview(request, pk)
    if request.method == "POST":
        try:
            saved = editor.save_transcript(
                interview, editor.parse_segments(request.body), request.user
            )
        except ImportRefused as exc:
            return JsonResponse(
                {"problems": [{"segment": p.number, "message": str(p)} for p in exc.problems]},
                status=400,
            )
        return JsonResponse(
            {
                "saved": saved.segments,
                "revision": saved.revision_id,
                "message": _("Saved %(n)d segments; the previous version is kept in the history.")
                % {"n": saved.segments},
            }
        )
    media = media_file(interview.item.files.all())
    return TemplateResponse(
        request,
        "collections/oral_history/admin/editor.html",
        {
            "interview": interview,
            "edit_url": _edit_url(interview),
            "media": media,
            "editor_data": {
                "save_url": reverse("collections_oral_history_editor", args=[interview.pk]),
                "duration_ms": media_duration_ms(interview),
                "segments": [
                    {
                        "start_ms": s.start_ms,
                        "end_ms": s.end_ms,
                        "speaker": s.speaker,
                        "text": s.text,
                    }
                    for s in _segments(interview)
                ],
            },
        },
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path(
            "archive/interviews/<int:pk>/transcript-editor/",
            editor_view,
            name="collections_oral_history_editor",
        ),
        path(
            "archive/interviews/<int:pk>/import-transcript/",
            import_view,
            name="collections_oral_history_import",
        ),
        path(
            "archive/interviews/<int:pk>/transcript-tools/",
            tools_view,
            name="collections_oral_history_tools",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def interview_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Interview) and user.has_perm(PERMISSION):
        yield ListingButton(
            _("Import transcript/index"),
            reverse("collections_oral_history_import", args=[snippet.pk]),
            icon_name="upload",
            priority=30,
        )
        yield ListingButton(
            _("Edit the transcript while listening"),
            reverse("collections_oral_history_editor", args=[snippet.pk]),
            icon_name="edit",
            priority=29,
        )
        yield ListingButton(
            _("Re-time, split, merge"),
            reverse("collections_oral_history_tools", args=[snippet.pk]),
            icon_name="time",
            priority=31,
        )
