"""The workflow override's reason (models.py imports it: no admin widgets here)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class OverrideForm(forms.Form):
    """The workflow action form: `comment` is the name Wagtail hands to the task's on_action."""

    comment = forms.CharField(
        label=_("Reason for overriding"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=True,
        max_length=2000,
        help_text=_("Kept in the page's history with the findings it overrides."),
    )

    def clean_comment(self):
        reason = self.cleaned_data["comment"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for overriding the pre-publish check."))
        return reason
