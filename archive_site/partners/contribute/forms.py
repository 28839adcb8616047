"""The contribution area's forms: one submission form for the three kinds, more files, a batch.

The forms only hold what a contributor may say. Status, access level, reviewer and organisation
are not fields: a forged POST carrying them is read by nobody (scope.py and deciding.py own
those). Files are checked by the ingest (sniffed, size-limited), not here.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from archive_collections.importer.schema import ARCHIVAL_ID
from archive_collections.models import Scientist
from archive_collections.models.choices import ItemType
from media_pipeline.admin_upload import MultipleFileField

from ..licences import Licence
from ..models import Audience, Contribution, ContributionKind, ProductKind, Theme
from ..submitting import Submission

MATERIAL_ONLY = ("item_type", "date_text", "description", "creators", "identifier")
RESOURCE_ONLY = ("summary", "body", "theme", "audience")
PRODUCT_ONLY = ("product_kind",)


class ScientistSelect(forms.SelectMultiple):
    """A plain multiple select (usable without script) that contribute.js gives a filter box."""

    template_name = "partners/contribute/scientist_select.html"


class ScientistChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Scientist) -> str:
        dates = obj.life_dates if (obj.birth_year or obj.birth_date_text) else ""
        pinyin = obj.name_pinyin or ""
        return " · ".join(part for part in (obj.name, pinyin, dates) if part)


class FilesMixin(forms.Form):
    # The form metaclass keeps this as a field; Form.files (the uploaded data) is untouched.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        required=False,
        help_text=_(
            "Scans, PDFs, audio or video; choose several at once. Each file is checked: a file "
            "whose content is not what its name says, an empty file or one over the size limit "
            "is refused and named."
        ),
    )


class SubmissionForm(FilesMixin):
    field_order = [
        "title",
        "item_type",
        "product_kind",
        "date_text",
        "summary",
        "body",
        "description",
        "creators",
        "scientists",
        "theme",
        "source_statement",
        "licence",
        "audience",
        "identifier",
        "files",
    ]
    title = forms.CharField(label=_("Title"), max_length=300)
    item_type = forms.ChoiceField(label=_("Type"), choices=ItemType.choices)
    product_kind = forms.ChoiceField(
        label=_("Kind of product"), choices=[("", "---------"), *ProductKind.choices]
    )
    date_text = forms.CharField(
        label=_("Date as written"),
        required=False,
        max_length=100,
        help_text=_("As the material gives it: 1956, 1956年3月, 约1950年, 不详."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text; separate paragraphs with a blank line."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    creators = forms.CharField(
        label=_("Creators"),
        required=False,
        max_length=500,
        help_text=_("Who made the material, as written; separate several with ；"),
    )
    scientists = ScientistChoices(
        label=_("Scientists"),
        queryset=Scientist.objects.order_by("name_pinyin", "name"),
        widget=ScientistSelect(attrs={"size": 8}),
        help_text=_("The scientists it is about; choose one or more."),
    )
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", "---------"), *Theme.choices]
    )
    source_statement = forms.CharField(
        label=_("Source statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where it comes from and who holds the rights."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)
    audience = forms.ChoiceField(
        label=_("Shared with"),
        choices=Audience.choices,
        initial=Audience.PUBLIC,
        widget=forms.RadioSelect,
    )
    identifier = forms.RegexField(
        label=_("Your own identifier"),
        required=False,
        max_length=64,
        regex=ARCHIVAL_ID,
        error_messages={"invalid": _("Use letters, digits, “-”, “_” and “.” only.")},
        help_text=_("Optional: your organisation's reference for it. Left empty, one is given."),
    )

    def __init__(self, *args, kind: str, contribution: Contribution | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        drop: tuple[str, ...] = ()
        if kind == ContributionKind.MATERIAL:
            drop = RESOURCE_ONLY + PRODUCT_ONLY
        elif kind == ContributionKind.CASE:
            drop = MATERIAL_ONLY + PRODUCT_ONLY
        else:
            drop = MATERIAL_ONLY
        if contribution is not None:
            drop += ("identifier",)  # the record's identifier is fixed once given
        for name in drop:
            self.fields.pop(name, None)

    def submission(self) -> Submission:
        data = self.cleaned_data
        item = {}
        if self.kind == ContributionKind.MATERIAL:
            item = {name: data.get(name, "") for name in ("date_text", "description", "creators")}
            item["item_type"] = data["item_type"]
        return Submission(
            kind=self.kind,
            title=data["title"],
            licence=data["licence"],
            source_statement=data["source_statement"],
            scientists=list(data["scientists"]),
            summary=data.get("summary", ""),
            body=data.get("body", ""),
            product_kind=data.get("product_kind", ""),
            theme=data.get("theme", ""),
            audience=data.get("audience") or Audience.PUBLIC,
            identifier=data.get("identifier", ""),
            item=item,
        )


def initial_for(contribution: Contribution) -> dict:
    """The edit form's values: the contribution's, with the record's own fields for materials."""
    initial = {
        name: getattr(contribution, name)
        for name in (
            "title",
            "summary",
            "body",
            "theme",
            "source_statement",
            "licence",
            "audience",
            "product_kind",
        )
    }
    initial["scientists"] = list(contribution.scientists.all())
    item = contribution.item
    if item is not None:
        initial.update(
            item_type=item.item_type,
            date_text=item.date_text,
            description=item.description,
            creators=item.creators,
        )
    return initial


class MoreFilesForm(FilesMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].required = True


class BatchForm(FilesMixin):
    field_order = ["manifest", "files", "licence", "source_statement"]
    manifest = forms.FileField(
        label=_("Manifest"),
        help_text=_(
            "An items sheet as the archive's importer reads it: a .csv file or an .xlsx workbook "
            "with one sheet named items (条目). Each row becomes one contribution."
        ),
    )
    source_statement = forms.CharField(
        label=_("Source statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For every row: where the materials come from and who holds the rights."),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "The files the manifest's files column names, chosen together; each is matched by "
            "its name."
        )
