"""The special inspection's scope (专项检查)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser

from archive_collections.models import Scientist
from exhibits.models import ExhibitionPage


class InspectionForm(forms.Form):
    """The scope of a special inspection (专项检查): any combination narrows the pages."""

    exhibition = forms.ModelChoiceField(
        ExhibitionPage.objects.all(),
        required=False,
        label=_("Exhibition"),
        help_text=_("The exhibition and every page under it."),
        widget=AdminPageChooser(target_models=[ExhibitionPage]),
    )
    scientist = forms.ModelChoiceField(
        Scientist.objects.all(),
        required=False,
        label=_("Scientist"),
        help_text=_("Stories about the scientist and pages embedding their records."),
    )
    query = forms.CharField(
        required=False,
        max_length=200,
        label=_("Pages matching"),
        help_text=_("Words in the page's title or text (Chinese-aware)."),
    )
    published_from = forms.DateField(
        required=False, label=_("Published from"), widget=AdminDateInput
    )
    published_to = forms.DateField(required=False, label=_("Published to"), widget=AdminDateInput)
    external_links = forms.BooleanField(
        required=False,
        label=_("Check external links"),
        help_text=_("Each external site is asked with a short timeout; this takes longer."),
    )

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and end < start:
            raise ValidationError({"published_to": _("The range ends before it starts.")})
        if not any(
            data.get(k)
            for k in ("exhibition", "scientist", "query", "published_from", "published_to")
        ):
            raise ValidationError(
                _("Choose a scope: an exhibition, a scientist, words to match or a date range.")
            )
        return data
