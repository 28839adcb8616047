"""Reports about files, in the admin's Reports (报告) menu beside the catalogue's own
(archive_collections/admin/reports.py, whose ArchiveReportView they use): items without files,
and files whose processing failed, by step. Registered by media_pipeline/wagtail_hooks.py."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn

from archive_collections.admin.columns import AccessColumn
from archive_collections.admin.reports import (
    ITEM_EXPORT,
    ITEM_HEADINGS,
    ArchiveReportView,
    edit_url,
    item_columns,
)
from archive_collections.models import Item, ItemType

from .admin_item_files import step_label
from .models import FileStatus, ItemFile
from .results import step_records
from .steps import registry


class FileReportView(ArchiveReportView):
    url_namespace = "file_reports"


class ItemsWithoutFilesFilterSet(WagtailFilterSet):
    item_type = django_filters.ChoiceFilter(label=_("type"), choices=ItemType.choices)

    class Meta:
        model = Item
        fields = ["item_type"]


class ItemsWithoutFilesReport(FileReportView):
    """Items with no digital file: to scan, to ingest, or catalogue-only on purpose (an
    interview catalogued before its recording arrives)."""

    name = "items_without_files"
    model = Item
    menu_order = 1000
    page_title = _("Items without files")
    header_icon = "doc-empty"
    filterset_class = ItemsWithoutFilesFilterSet
    default_ordering = "identifier"
    list_export = [*ITEM_EXPORT, "get_access_level_display", "series.identifier"]
    export_headings = ITEM_HEADINGS

    def report_queryset(self):
        has_files = Exists(ItemFile.objects.filter(item=OuterRef("pk")))
        return Item.objects.filter(~has_files).select_related("series")

    def columns_for(self):
        return [
            *item_columns(self),
            AccessColumn(),
            Column("series", label=_("series"), accessor="series.identifier"),
        ]


def failed_step_label(item_file: ItemFile) -> str:
    """The failed step as curators read it (识别文字, not ocr)."""
    name = failed_step(item_file)
    return step_label(name) if name else ""


def failed_step(item_file: ItemFile) -> str:
    """The step whose failure stopped the file; "" when it stopped outside any step."""
    for name, record in step_records(item_file.technical).items():
        if record.get("status") == "failed":
            return name
    return ""


def short_error(item_file: ItemFile) -> str:
    return Truncator(item_file.error).chars(200)


class FailedFilesFilterSet(WagtailFilterSet):
    step = django_filters.ChoiceFilter(
        label=_("Step"),
        choices=lambda: [(step.name, step_label(step.name)) for step in registry],
        method="filter_step",
    )

    class Meta:
        model = ItemFile
        fields = ["step", "mime_type"]

    def filter_step(self, queryset, name, value):
        return queryset.filter(**{f"technical__steps__{value}__status": "failed"})


class FailedFilesReport(FileReportView):
    """Files whose processing failed, with the step that failed and its error. Each row links
    to its item's edit view, where the file can be processed again."""

    name = "failed_files"
    model = ItemFile
    menu_order = 1001
    page_title = _("Files failed by step")
    header_icon = "warning"
    filterset_class = FailedFilesFilterSet
    default_ordering = "-updated_at"
    list_export = [
        "item.identifier",
        "original_filename",
        "mime_type",
        "step",
        "error",
        "updated_at",
    ]
    export_headings = {
        "item.identifier": _("item"),
        "original_filename": _("original file name"),
        "mime_type": _("format"),
        "step": _("Step"),
        "error": _("error"),
        "updated_at": _("Updated"),
    }
    computed_exports = {"step": failed_step}

    def report_queryset(self):
        return ItemFile.objects.filter(status=FileStatus.FAILED).select_related("item")

    def record_url(self, obj):
        return edit_url(Item, obj.item_id)

    def columns_for(self):
        return [
            self.title_column("original_filename", _("file"), sort_key="original_filename"),
            Column(
                "item", label=_("item"), accessor="item.identifier", sort_key="item__identifier"
            ),
            Column("step", label=_("Step"), accessor=failed_step_label),
            Column("error", label=_("error"), accessor=short_error),
            DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
        ]


FILE_REPORTS: list[type[ArchiveReportView]] = [ItemsWithoutFilesReport, FailedFilesReport]
