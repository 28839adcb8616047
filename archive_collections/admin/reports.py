"""The archive's reports: Wagtail report views under the admin's Reports (报告) menu, each a
filterable, paginated list of records that need a curator's attention, exportable as CSV and
XLSX the Wagtail way, each row linking to the record's edit view.

The catalogue's own reports are here; reports about files live with the files
(media_pipeline/reports.py) and use `ArchiveReportView` from here. Every report lists only what
the user may see (`admin.access.visible_records`, the access policy), and asks for the same
view/change permission on its model as the model's listing; its queryset selects what its
columns show, so a page costs the same queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any, ClassVar

import django_filters
from django.contrib.admin.utils import quote
from django.db import models
from django.db.models import Case, IntegerField, Q, When
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import policy_registry

from archive_collections.models import (
    AccessLevel,
    ConsentStatus,
    Interview,
    Item,
    ItemType,
    Scientist,
)
from archive_collections.models.interviews import without_release

from .access import visible_records
from .columns import AccessColumn
from .views import export_value, neutralise_formula

VIEW_PERMISSIONS = ["view", "change"]


def edit_url(model: type[models.Model], pk: Any) -> str:
    return reverse(model.snippet_viewset.get_url_name("edit"), args=[quote(pk)])  # type: ignore[attr-defined]


class ArchiveReportView(ReportView):
    """A report over one archive model.

    Subclasses set `name` (its URL), `model` (whose permissions govern it), `page_title`,
    `columns_for()` and `report_queryset()`; `list_export` and `export_headings` for the
    spreadsheets. Rows link through `record_url()` (the record's edit view)."""

    name: ClassVar[str]
    model: ClassVar[type[models.Model]]
    url_namespace: ClassVar[str] = "archive_reports"
    menu_order: ClassVar[int] = 1000
    any_permission_required = VIEW_PERMISSIONS
    paginate_by = 50
    header_icon = "clipboard-list"

    @classmethod
    def url_name(cls, results: bool = False) -> str:
        return f"{cls.url_namespace}:{cls.name}{'_results' if results else ''}"

    @property
    def index_url_name(self):
        return self.url_name()

    @property
    def index_results_url_name(self):
        return self.url_name(results=True)

    @property
    def export_filename(self):
        return f"{timezone.localdate():%Y%m%d}-{self.name}"

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model)

    def report_queryset(self) -> models.QuerySet:
        """The report's own rows (every concrete report says which), before the access policy."""
        raise NotImplementedError

    def get_base_queryset(self):
        return visible_records(self.report_queryset(), self.request.user)

    def record_url(self, obj) -> str:
        return edit_url(self.model, obj.pk)

    def columns_for(self) -> list[Column]:
        """The report's own columns (every concrete report gives them)."""
        raise NotImplementedError

    @cached_property
    def columns(self):
        return self.columns_for()

    def title_column(self, name, label, sort_key=None, accessor=None) -> TitleColumn:
        return TitleColumn(
            name, label=label, sort_key=sort_key, accessor=accessor, get_url=self.record_url
        )

    #: Export columns computed from the row rather than read off it: {name: function(obj)}.
    computed_exports: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def to_row_dict(self, item):
        return {
            field: (
                self.computed_exports[field](item)
                if field in self.computed_exports
                else export_value(item, field)
            )
            for field in self.list_export
        }

    def write_csv_row(self, writer, row_dict):
        # A spreadsheet opened by a curator must not run a cell as a formula (the importer's
        # guard, as the listings' exports do).
        guarded = {field: neutralise_formula(value) for field, value in row_dict.items()}
        return super().write_csv_row(writer, guarded)


class ReportMenuItem(MenuItem):
    def __init__(self, view_class: type[ArchiveReportView]):
        self.view_class = view_class
        super().__init__(
            view_class.page_title,
            reverse(view_class.url_name()),
            name=f"archive-report-{view_class.name.replace('_', '-')}",
            icon_name=view_class.header_icon,
            order=view_class.menu_order,
        )

    def is_shown(self, request):
        policy = policy_registry.get_by_type(self.view_class.model)
        return policy.user_has_any_permission(request.user, VIEW_PERMISSIONS)


def report_urls(views: list[type[ArchiveReportView]], prefix: str):
    namespace = {view.url_namespace for view in views}.pop()
    patterns = []
    for view in views:
        slug = view.name.replace("_", "-")
        patterns += [
            path(f"{slug}/", view.as_view(), name=view.name),
            path(f"{slug}/results/", view.as_view(results_only=True), name=f"{view.name}_results"),
        ]
    return [path(prefix, include((patterns, namespace), namespace=namespace))]


def register_reports(views: list[type[ArchiveReportView]], prefix: str) -> None:
    """Give `views` (one url_namespace) admin URLs under `prefix` and entries in the Reports
    menu. Called once, from the wagtail_hooks module of the app that owns them."""
    hooks.register("register_admin_urls", partial(report_urls, views, prefix))
    for view in views:
        hooks.register("register_reports_menu_item", partial(ReportMenuItem, view))


def item_columns(view: ArchiveReportView) -> list[Column]:
    """The columns every report of items starts with: title (linked), identifier, type."""
    return [
        view.title_column("title", _("title"), sort_key="title"),
        Column("identifier", label=_("identifier"), sort_key="identifier"),
        Column("item_type", label=_("type"), accessor="get_item_type_display"),
    ]


ITEM_EXPORT = ["identifier", "title", "get_item_type_display"]
ITEM_HEADINGS = {
    "identifier": _("identifier"),
    "title": _("title"),
    "get_item_type_display": _("type"),
    "get_access_level_display": _("access"),
    "series.identifier": _("series"),
    "series.fonds.identifier": _("fonds"),
}


# Records missing a rights statement or a date


class MissingChoice(models.TextChoices):
    RIGHTS = "rights", _("Rights statement")
    DATE = "date", _("Date")


NO_RIGHTS = Q(rights_statement="")
NO_DATE = Q(date_start__isnull=True)


class MissingFilterSet(WagtailFilterSet):
    missing = django_filters.ChoiceFilter(
        label=_("Missing"), choices=MissingChoice.choices, method="filter_missing"
    )
    item_type = django_filters.ChoiceFilter(label=_("type"), choices=ItemType.choices)

    class Meta:
        model = Item
        fields = ["missing", "item_type"]

    def filter_missing(self, queryset, name, value):
        return queryset.filter(NO_RIGHTS if value == MissingChoice.RIGHTS else NO_DATE)


def missing_parts(item: Item) -> str:
    parts = []
    if not item.rights_statement:
        parts.append(str(MissingChoice.RIGHTS.label))
    if item.date_start is None:
        parts.append(str(MissingChoice.DATE.label))
    return "、".join(parts)


class MissingRightsOrDateReport(ArchiveReportView):
    """Items without a rights statement, or whose date gives no usable date (blank, or written
    as unknown: 不详); the date as written is shown so both cases can be told apart."""

    name = "missing_rights_or_date"
    model = Item
    menu_order = 1010
    page_title = _("Records missing rights or date")
    header_icon = "warning"
    filterset_class = MissingFilterSet
    default_ordering = "identifier"
    list_export = [*ITEM_EXPORT, "missing", "date_text", "rights_statement"]
    computed_exports = {"missing": lambda item: missing_parts(item)}
    export_headings = ITEM_HEADINGS | {
        "missing": _("Missing"),
        "date_text": _("date (as written)"),
        "rights_statement": _("rights statement"),
    }

    def report_queryset(self):
        return Item.objects.filter(NO_RIGHTS | NO_DATE).select_related("series__fonds")

    def columns_for(self):
        return [
            *item_columns(self),
            Column("missing", label=_("Missing"), accessor=missing_parts),
            Column("date_text", label=_("date (as written)"), sort_key="date_text"),
            Column("fonds", label=_("fonds"), accessor="series.fonds.identifier"),
        ]


# Embargoes ending soon


class EmbargoFilterSet(WagtailFilterSet):
    within = django_filters.ChoiceFilter(
        label=_("Ending within"),
        choices=[(30, _("30 days")), (60, _("60 days")), (90, _("90 days"))],
        method="filter_within",
    )

    class Meta:
        model = Item
        fields = ["within"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(embargo_until__lte=timezone.localdate() + timedelta(int(value)))


def days_left(item: Item) -> int | None:
    if item.embargo_until is None:
        return None
    return (item.embargo_until - timezone.localdate()).days


class EmbargoesEndingReport(ArchiveReportView):
    """Items whose embargo ends within the next 90 days (after which anyone their access level
    admits will see them). Only staff see embargoed records at all, so only they see rows."""

    name = "embargoes_ending"
    model = Item
    menu_order = 1020
    page_title = _("Embargoes ending in 90 days")
    header_icon = "calendar-alt"
    filterset_class = EmbargoFilterSet
    default_ordering = "embargo_until"
    days = 90
    list_export = [*ITEM_EXPORT, "get_access_level_display", "embargo_until", "days_left"]
    computed_exports = {"days_left": lambda item: days_left(item)}
    export_headings = ITEM_HEADINGS | {
        "embargo_until": _("embargoed until"),
        "days_left": _("Days left"),
    }

    def report_queryset(self):
        today = timezone.localdate()
        return Item.objects.filter(
            embargo_until__gt=today, embargo_until__lte=today + timedelta(self.days)
        ).select_related("series__fonds")

    def columns_for(self):
        return [
            *item_columns(self),
            AccessColumn(),
            DateColumn("embargo_until", label=_("embargoed until"), sort_key="embargo_until"),
            Column("days_left", label=_("Days left"), accessor=days_left),
        ]


# Interviews without a signed release


class ConsentFilterSet(WagtailFilterSet):
    access = django_filters.ChoiceFilter(
        label=_("access"), field_name="item__access_level", choices=AccessLevel.choices
    )
    consent = django_filters.ChoiceFilter(
        label=_("consent"),
        choices=[
            (c, label) for c, label in ConsentStatus.choices if c not in ConsentStatus.released()
        ],
    )

    class Meta:
        model = Interview
        fields = ["access", "consent"]


class InterviewsWithoutConsentReport(ArchiveReportView):
    """Interviews with no signed release (pending, or none on file). Public ones break the
    consent rule (they predate it, or were written around it) and come first."""

    name = "interviews_without_consent"
    model = Interview
    menu_order = 1030
    page_title = _("Interviews without signed consent")
    header_icon = "clipboard-list"
    filterset_class = ConsentFilterSet
    list_export = [
        "item.identifier",
        "item.title",
        "interviewee.name",
        "get_consent_display",
        "item.get_access_level_display",
        "consent_note",
    ]
    export_headings = {
        "item.identifier": _("identifier"),
        "item.title": _("title"),
        "interviewee.name": _("interviewee"),
        "get_consent_display": _("consent"),
        "item.get_access_level_display": _("access"),
        "consent_note": _("consent conditions"),
    }

    def report_queryset(self):
        return (
            Interview.objects.filter(without_release())
            .select_related("item", "interviewee")
            .annotate(
                public_first=Case(
                    When(item__access_level=AccessLevel.PUBLIC, then=0),
                    default=1,
                    output_field=IntegerField(),
                )
            )
        )

    def order_queryset(self, queryset):
        if self.ordering:
            return super().order_queryset(queryset)
        return queryset.order_by("public_first", "item__identifier")

    def columns_for(self):
        return [
            self.title_column("item", _("interview"), sort_key="item__identifier", accessor=str),
            Column("interviewee", label=_("interviewee"), accessor="interviewee.name"),
            Column("consent", label=_("consent"), accessor="get_consent_display"),
            Column(
                "access",
                label=_("access"),
                accessor="item.get_access_level_display",
                sort_key="item__access_level",
            ),
            Column("interview_date", label=_("interview date"), sort_key="interview_date"),
        ]


# Scientists without a portrait or biography


# Wagtail's rich-text editor stores an emptied biography as "" or as empty paragraphs.
EMPTY_RICH_TEXT = r"^\s*(<p[^>]*>\s*(<br\s*/?>)?\s*</p>\s*)*$"
NO_BIOGRAPHY = Q(biography="") | Q(biography__regex=EMPTY_RICH_TEXT)
NO_PORTRAIT = Q(portrait__isnull=True)


class ScientistMissing(models.TextChoices):
    PORTRAIT = "portrait", _("Portrait")
    BIOGRAPHY = "biography", _("Biography")


class ScientistFilterSet(WagtailFilterSet):
    missing = django_filters.ChoiceFilter(
        label=_("Missing"), choices=ScientistMissing.choices, method="filter_missing"
    )

    class Meta:
        model = Scientist
        fields = ["missing"]

    def filter_missing(self, queryset, name, value):
        return queryset.filter(NO_PORTRAIT if value == ScientistMissing.PORTRAIT else NO_BIOGRAPHY)


def scientist_missing(scientist: Scientist) -> str:
    parts = []
    if scientist.portrait_id is None:
        parts.append(str(ScientistMissing.PORTRAIT.label))
    if scientist.lacks_biography:
        parts.append(str(ScientistMissing.BIOGRAPHY.label))
    return "、".join(parts)


class ScientistsWithoutPortraitOrBiographyReport(ArchiveReportView):
    name = "scientists_without_portrait_or_biography"
    model = Scientist
    menu_order = 1040
    page_title = _("Scientists without portrait or biography")
    header_icon = "user"
    filterset_class = ScientistFilterSet
    default_ordering = "name_pinyin"
    list_export = ["identifier", "name", "name_pinyin", "missing"]
    computed_exports = {"missing": lambda scientist: scientist_missing(scientist)}
    export_headings = {
        "identifier": _("identifier"),
        "name": _("name"),
        "name_pinyin": _("pinyin"),
        "missing": _("Missing"),
    }

    def report_queryset(self):
        return Scientist.objects.filter(NO_PORTRAIT | NO_BIOGRAPHY).annotate(
            lacks_biography=Case(
                When(NO_BIOGRAPHY, then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )

    def columns_for(self):
        return [
            self.title_column("name", _("name"), sort_key="name_pinyin"),
            Column("identifier", label=_("identifier"), sort_key="identifier"),
            Column("life_dates", label=_("life dates")),
            Column("missing", label=_("Missing"), accessor=scientist_missing),
        ]


CATALOGUE_REPORTS: list[type[ArchiveReportView]] = [
    MissingRightsOrDateReport,
    EmbargoesEndingReport,
    InterviewsWithoutConsentReport,
    ScientistsWithoutPortraitOrBiographyReport,
]
