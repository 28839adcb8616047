"""The per-organisation report in Wagtail's admin, and its CSV and XLSX exports for the quarterly
work report. Seen by whoever sees the impact dashboard (permission `analytics.view_impact`): the
same people read both reports."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from archive_collections.access import AccessPolicy
from archive_collections.models import Item
from archive_site.analytics.admin_views import PERMISSION
from archive_site.analytics.dashboard import PERIODS, FilterError, Filters, filters_from

from . import report
from .models import ContributionKind, Organisation
from .scope import can_review

#: A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _filters(request: HttpRequest) -> Filters:
    """The period from the query string (this quarter unless chosen); only the period counts
    here, not the dashboard's other filters."""
    params = {
        "period": request.GET.get("period") or "quarter",
        "start": request.GET.get("start", ""),
        "end": request.GET.get("end", ""),
    }
    return filters_from(params)


def _query(request: HttpRequest) -> str:
    return urlencode({k: request.GET[k] for k in ("period", "start", "end") if request.GET.get(k)})


def _context(request: HttpRequest) -> dict[str, Any]:
    return {
        "periods": PERIODS.items(),
        "params": request.GET,
        "selected_period": request.GET.get("period") or "quarter",
        "query": _query(request),
        "kind_labels": [ContributionKind(kind).label for kind in report.KINDS],
        "status_columns": report.STATUS_COLUMNS.values(),
        "view_columns": [label for label, _kinds in report.VIEW_COLUMNS.values()],
    }


def index(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    context = _context(request)
    try:
        filters = _filters(request)
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "partners/report/index.html", context, status=400)
    context["report"] = report.build(filters)
    return render(request, "partners/report/index.html", context)


def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    found = get_object_or_404(Organisation, pk=pk)
    context = _context(request)
    context["organisation"] = found
    try:
        filters = _filters(request)
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "partners/report/organisation.html", context, status=400)
    detail = report.detail(found, filters)
    _titles(request.user, detail)
    labels = [*report.STATUS_COLUMNS.values(), *context["view_columns"]]
    values = [total for _key, total, _kinds in detail.row.cells()] + detail.row.view_cells()
    context.update(detail=detail, filters=filters, totals=list(zip(labels, values, strict=True)))
    return render(request, "partners/report/organisation.html", context)


def _titles(user: Any, detail: report.OrganisationDetail) -> None:
    """Give each listed contribution the title this user may read: reviewers read every
    contribution's; a reader who does not review reads those whose record the archive's policy
    shows them, and "Restricted record" for the others."""
    lines = [line for _s, _l, found in detail.by_status for line in found] + detail.top
    visible: set[int] | None = None
    if not can_review(user):
        policy = AccessPolicy.for_user(user)
        items = {line.contribution.item_id for line in lines if line.contribution.item_id}
        visible = set(
            Item.objects.filter(pk__in=items).filter(policy.item_q()).values_list("pk", flat=True)
        )
    for line in lines:
        shown = visible is None or line.contribution.item_id in visible
        line.title = line.contribution.title if shown else _("Restricted record")


def _filename(filters: Filters, extension: str) -> str:
    return f"partners-{filters.start.isoformat()}-{filters.end.isoformat()}.{extension}"


def _export(request: HttpRequest, extension: str) -> HttpResponse:
    _allowed(request)
    try:
        filters = _filters(request)
    except FilterError as error:
        return HttpResponse(
            _("Report not made: %(why)s") % {"why": error},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    header, rows = report.table(report.build(filters))
    if extension == "csv":
        body = csv_bytes(header, rows)
        mime = "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(
            _("Partner organisations %(start)s – %(end)s") % _span(filters), header, rows
        )
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{_filename(filters, extension)}"'
    return response


def _span(filters: Filters) -> dict[str, str]:
    return {"start": filters.start.isoformat(), "end": filters.end.isoformat()}


def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


def _guarded(value: Any) -> Any:
    """Text as text: a name starting like a formula gets a leading apostrophe in the CSV."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs read as UTF-8 (Chinese names)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_guarded(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(heading: str, header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Organisations")[:31]
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a name is never a formula
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    sheet.freeze_panes = "B3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
