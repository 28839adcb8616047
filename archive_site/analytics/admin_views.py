"""The impact dashboard and its exports in Wagtail's admin (permission `analytics.view_impact`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from archive_site.partners.models import Organisation
from exhibits.models import ExhibitionPage

from . import exports
from .dashboard import PERIODS, SECTION_LABELS, TOTAL_LABELS, FilterError, build, filters_from

PERMISSION = "analytics.view_impact"


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def dashboard(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    context: dict = {
        "periods": PERIODS.items(),
        "exhibitions": ExhibitionPage.objects.order_by("path").values_list("pk", "title"),
        "organisations": Organisation.objects.order_by("name").values_list("pk", "name"),
        "params": request.GET,
    }
    try:
        filters = filters_from(request.GET)
    except FilterError as error:
        context["error"] = str(error)
        return render(request, "analytics/dashboard.html", context, status=400)
    report = build(filters, request.user)
    query = urlencode({k: str(v) for k, v in request.GET.items() if v})
    context.update(
        report=report,
        totals=[(label, report.totals[key]) for key, label in TOTAL_LABELS.items()],
        sections=[(key, SECTION_LABELS[key], rows) for key, rows in report.top.items()],
        chart_data=report.as_json(),
        query=query,
        title=exports.title(report),
    )
    return render(request, "analytics/dashboard.html", context)


def _export(request: HttpRequest, extension: str) -> HttpResponse:
    _allowed(request)
    try:
        filters = filters_from(request.GET)
    except FilterError as error:
        return HttpResponse(
            _("Report not made: %(why)s") % {"why": error},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = build(filters, request.user)
    if extension == "xlsx":
        body = exports.xlsx(report)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.pdf(report)
        mime = "application/pdf"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(report, extension)}"'
    )
    return response


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


def export_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")
