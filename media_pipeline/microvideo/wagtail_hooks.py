"""The curators' admin for micro-videos and quote cards (Snippets): make one from an
interview's span, see its render's state and progress, open its share page."""

from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from archive_collections.access import AccessPolicy
from archive_collections.models import format_timecode
from media_pipeline import jobs

from .models import MicroVideo, QuoteCard, RenderStatus

_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d{1,3})?)$")


class TimecodeField(forms.CharField):
    """A time in the recording as hh:mm:ss(.mmm), mm:ss or seconds; cleaned to milliseconds."""

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{format_timecode(value)}.{value % 1000:03d}"
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = _CLOCK.match(text)
        if not match:
            raise forms.ValidationError(
                _("“%(text)s” is not a time; write hh:mm:ss.mmm, mm:ss or seconds."),
                params={"text": text},
            )
        parts = [p for p in match.groups() if p is not None]
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + float(part)
        return round(seconds * 1000)


class MicroVideoForm(WagtailAdminModelForm):
    start_ms = TimecodeField(label=_("in-point"), help_text=_("hh:mm:ss.mmm, mm:ss or seconds"))
    end_ms = TimecodeField(label=_("out-point"), help_text=_("hh:mm:ss.mmm, mm:ss or seconds"))


class QuoteCardForm(WagtailAdminModelForm):
    start_ms = TimecodeField(label=_("from"), required=False)
    end_ms = TimecodeField(label=_("to"), required=False)


class RenderPanel(Panel):
    """The render's state, its progress bar while it runs, and the result."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "microvideo/admin/render_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            video = self.instance
            context["video"] = video if video.pk else None
            busy = video.pk and video.status in (RenderStatus.QUEUED, RenderStatus.RENDERING)
            context["job_url"] = jobs.status_url(video.job) if busy and video.job else ""
            return context


class QuoteCardPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "microvideo/admin/quote_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["card"] = self.instance if self.instance.pk else None
            return context


def _visible(queryset, request):
    """Curators see the micro-videos and cards of interviews the access policy shows them."""
    policy = AccessPolicy.for_user(request.user)
    if policy.is_staff:
        return queryset
    return queryset.filter(policy.item_q("interview__item__") | _no_interview(queryset))


def _no_interview(queryset):
    from django.db.models import Q  # noqa: PLC0415 - only quote cards may lack an interview

    return Q(interview__isnull=True) if queryset.model is QuoteCard else Q(pk__in=[])


class StatusColumn(Column):
    def get_value(self, instance):
        label = instance.get_status_display()
        if instance.status == RenderStatus.FAILED and instance.error:
            return format_html('{} <small title="{}">⚠</small>', label, instance.error)
        return label


class MicroVideoViewSet(SnippetViewSet):
    model = MicroVideo
    icon = "media"
    menu_label = _("Micro-videos")
    add_to_admin_menu = True
    menu_order = 260
    list_display = [
        "title",
        "interview",
        Column("span_label", label=_("span")),
        "variant",
        StatusColumn("status", label=_("status")),
    ]
    list_filter = ["status", "variant"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("interview"),
            FieldRowPanel([FieldPanel("start_ms"), FieldPanel("end_ms")], heading=_("span")),
            FieldPanel("variant"),
            FieldPanel("background"),
            RenderPanel(heading=_("render")),
        ],
        base_form_class=MicroVideoForm,
    )

    def get_queryset(self, request):
        return _visible(MicroVideo.objects.select_related("interview__item", "job"), request)


class QuoteCardViewSet(SnippetViewSet):
    model = QuoteCard
    icon = "openquote"
    menu_label = _("Quote cards")
    add_to_admin_menu = True
    menu_order = 261
    list_display = ["__str__", "interview", "speaker"]
    search_fields = ["quote", "speaker"]
    edit_handler = ObjectList(
        [
            FieldPanel("interview"),
            FieldRowPanel([FieldPanel("start_ms"), FieldPanel("end_ms")], heading=_("span")),
            FieldPanel("quote"),
            FieldPanel("speaker"),
            FieldPanel("source"),
            FieldPanel("portrait"),
            QuoteCardPanel(heading=_("cards")),
        ],
        base_form_class=QuoteCardForm,
    )

    def get_queryset(self, request):
        return _visible(QuoteCard.objects.select_related("interview__item"), request)


register_snippet(MicroVideoViewSet)
register_snippet(QuoteCardViewSet)
