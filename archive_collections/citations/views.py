"""Citation downloads (RIS, BibTeX, CSL-JSON) behind the same checks as the pages they cite:
a researchers-level record answers 403 with no metadata, anything else hidden answers 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive_collections.access import AccessPolicy
from archive_collections.browsing import item_or_404, refuse_hidden
from archive_collections.http import content_disposition
from archive_collections.models import Interview, Scientist

from .exports import EXPORT_FORMATS, WRITERS
from .pages import item_record, scientist_record
from .record import Citable


def _attachment(citable: Citable, fmt: str, filename: str, public: bool) -> HttpResponse:
    spec = EXPORT_FORMATS[fmt]
    response = HttpResponse(
        WRITERS[fmt](citable), content_type=f"{spec.content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(
        f"{filename}.{spec.extension}", attachment=True
    )
    # A researcher's copy of a restricted record must not sit in a shared cache.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def item_citation(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("No such citation format."))
    item = item_or_404(identifier)
    policy = AccessPolicy.for_user(request.user)
    if not policy.can_view(item):
        return refuse_hidden(request, item, policy)
    interview = Interview.objects.filter(item=item).select_related("interviewee").first()
    citable = item_record(request, item, interview)
    return _attachment(citable, fmt, citable.key, AccessPolicy.anonymous().can_view(item))


@require_safe
def scientist_citation(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("No such citation format."))
    scientist = get_object_or_404(Scientist, identifier=identifier)
    return _attachment(scientist_record(request, scientist), fmt, scientist.identifier, True)
