"""Snippet view subclasses: add forms pre-filled from the tree's "add here" links, and listing
exports in the import format (docs/IMPORT.md, "Export, edit, re-import")."""

import tempfile

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.widgets.button import Button
from wagtail.coreutils import multigetattr
from wagtail.snippets.views.snippets import CreateView, IndexView

from archive_collections import exporting
from archive_collections.importer.schema import guard_formula

from .access import AccessFilteredIndexMixin
from .buttons import RowMenu
from .columns import PlainColumn
from .searching import RankedPaginator, records_found, searched_pks

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_value(obj, path):
    """Follow a dotted path; an empty relation on the way (a top-level series' parent) gives an
    empty cell rather than an error."""
    for bit in path.split("."):
        if obj is None:
            return None
        obj = multigetattr(obj, bit)
    return obj


def neutralise_formula(value: object) -> object:
    # The importer's own guard, so a listing exported the Wagtail way (disciplines) is guarded
    # the same way as the import-format exports.
    return guard_formula(value) if isinstance(value, str) else value


class ArchiveIndexView(AccessFilteredIndexMixin, IndexView):
    """A listing of an importable kind exports what it lists (filters, search and order kept)
    in the importer's columns, limited to what the user may see; other listings export their
    list_export columns the Wagtail way."""

    @cached_property
    def export_kind(self) -> str | None:
        return exporting.export_kind(self.model)

    @cached_property
    def show_export_buttons(self) -> bool:
        return self.export_kind is not None or bool(self.list_export)

    @cached_property
    def header_more_buttons(self) -> list[Button]:
        buttons = super().header_more_buttons.copy()
        if self.export_kind is not None:
            url = self.get_export_url("csv") + "&encoding=gb18030"
            buttons.append(
                Button(_("Download CSV (GB18030)"), url=url, icon_name="download", priority=110)
            )
        return buttons

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        # Before ListView builds its context, which would count (load) every listed record.
        if self.is_export and self.export_kind is not None:
            return self.import_format_export(self.export_kind, request.GET["export"])
        return super().get(request, *args, **kwargs)

    def import_format_export(self, kind: str, file_format: str) -> HttpResponseBase:
        encoding = self.request.GET.get("encoding", exporting.DEFAULT_ENCODING)
        if encoding not in exporting.CSV_ENCODINGS:
            return HttpResponseBadRequest(
                _("Unknown encoding “%(encoding)s”; use one of %(known)s")
                % {"encoding": encoding, "known": ", ".join(exporting.CSV_ENCODINGS)}
            )
        queryset = exporting.visible_to(kind, self.get_queryset(), self.request.user)
        header, rows = exporting.export_headers(kind), exporting.export_rows(kind, queryset)
        # Date first: the importer takes a CSV's kind from the last word of its name.
        name = f"{timezone.localdate():%Y%m%d}-{kind}"
        if file_format == self.FORMAT_XLSX:
            output = tempfile.TemporaryFile()
            exporting.write_xlsx(kind, header, rows, output)
            output.seek(0)
            return FileResponse(
                output, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
            )
        codec = exporting.CSV_ENCODINGS[encoding][0]
        response = StreamingHttpResponse(
            exporting.csv_chunks(header, rows, encoding), content_type=f"text/csv; charset={codec}"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    #: (the queryset searched, the searcher's keys best first) when a search lists by relevance
    ranking: tuple[QuerySet, list[int]] | None = None

    def search_queryset(self, queryset):
        # Through the registered admin searcher (the search app's engines), else a substring
        # of search_fields; best match first unless the curator chose a column's order.
        if not self.is_searching:
            return queryset
        pks = searched_pks(queryset, self.search_query, self.request.user)
        by_relevance = not self.is_explicitly_ordered
        if pks and by_relevance:
            self.ranking = (queryset, pks)
        return records_found(
            queryset, self.search_query, self.search_fields or (), pks, by_relevance=by_relevance
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        # A page of a ranked search reads the rows of its own ranks (RankedPaginator).
        if self.ranking is not None:
            base, pks = self.ranking
            return RankedPaginator(queryset, per_page, base=base, pks=pks, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    @cached_property
    def columns(self):
        # Plain columns' cells written in Python (columns.PlainColumn).
        return [PlainColumn.of(column) for column in super().columns]

    def get_list_buttons(self, instance):
        # Each row's "more" menu written in Python when it holds plain buttons (buttons.py).
        return [RowMenu.of(button) for button in super().get_list_buttons(instance)]

    def to_row_dict(self, item):
        return {field: export_value(item, field) for field in self.list_export}

    def write_csv_row(self, writer, row_dict):
        # XLSX cells are typed as text by Wagtail already; CSV has no types, so prefix instead.
        return super().write_csv_row(
            writer, {field: neutralise_formula(value) for field, value in row_dict.items()}
        )


class PrefilledCreateView(CreateView):
    """Reads ?scientist=, ?fonds=, ?parent=, ?series= (primary keys) into the new record's
    foreign keys, so "add a series here" in the archive tree opens a form already placed in the
    hierarchy."""

    prefill_parameters = ("scientist", "fonds", "parent", "series")

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        for name in self.prefill_parameters:
            raw = self.request.GET.get(name, "")
            if not raw.isdigit():
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            related = field.related_model._default_manager.filter(pk=raw).first()
            if related is not None:
                setattr(instance, name, related)
        if getattr(instance, "parent", None) is not None and hasattr(instance, "fonds_id"):
            instance.fonds_id = instance.parent.fonds_id
        return instance
